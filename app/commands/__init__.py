"""One module per headless command. Each has `add_parser(subparsers)` and `run(args) -> int`.

Keep top-level imports in these modules light: the parser imports them all at start-up.
"""

COMMANDS = (
    "estimate", "compare", "doctor", "generate", "scan", "logs", "prices",
    "import_compose", "status", "deploy", "init",
)  # fmt: skip

# The names users type (module import_compose is the `import` command); lets `launchdeck PLAN`
# open the TUI without importing every command module first.
COMMAND_NAMES = frozenset(name.removesuffix("_compose") if name == "import_compose" else name for name in COMMANDS)
