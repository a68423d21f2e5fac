"""One module per headless command. Each has `add_parser(subparsers)` and `run(args) -> int`.

Keep top-level imports in these modules light: the parser imports them all at start-up.
"""

COMMANDS = (
    "estimate", "compare", "doctor", "generate", "scan", "logs", "prices",
    "import_compose", "status", "deploy", "init",
)  # fmt: skip
