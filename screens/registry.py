"""The TUI's screens in nav-bar order, without Textual: the App, the palette and Help all read this."""

# (key, mode, label): the order of the nav bar and of the number keys; `mode` is also the module name.
SCREENS: tuple[tuple[str, str, str], ...] = (
    ("1", "plan", "Plan"),
    ("2", "target", "Target"),
    ("3", "costs", "Costs"),
    ("4", "preflight", "Preflight"),
    ("5", "export", "Export"),
    ("6", "logs", "Logs"),
)
