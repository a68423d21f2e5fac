"""Help screen: the global keys and every screen's keys, read from the screens' own bindings."""

from __future__ import annotations

import importlib

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

GLOBAL_KEYS = (
    ("1 … 6", "switch screen: Plan, Target, Costs, Preflight, Export, Logs"),
    ("ctrl+p", "command palette: every action by name"),
    ("ctrl+s", "save the plan to launchdeck.yaml (comments kept)"),
    ("? / F1", "this help"),
    ("tab / shift+tab", "move between panes and fields"),
    ("esc", "leave a text field (letters and 1–6 type into a field while it has the cursor)"),
    ("ctrl+q", "quit (asks when there are unsaved changes)"),
)

INTRO = {
    "plan": "Services and datastores as launchdeck understood them. Pick one on the left, edit on the right; "
            "bad values are explained under the field and the plan keeps its last valid value.",
    "target": "The five targets, when each fits and what this plan costs on each. Enter chooses one.",
    "costs": "The estimate for the chosen target. It updates as you edit the plan. v shows GCP vs self-host.",
    "preflight": "Checks the plan against the target. Enter on a finding jumps to the setting it concerns.",
    "export": "The files `launchdeck generate` would write, with validator verdicts; x exports to a directory.",
    "logs": "Tail a log source with hints for known errors; enter on a ◆ line explains it.",
}


def _key_label(binding: Binding) -> str:
    return binding.key_display or ", ".join(k.strip() for k in binding.key.split(","))


def keys_table() -> Table:
    from launchdeck.screens.registry import SCREENS

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    table.add_row(Text("Everywhere", style="bold underline"), "")
    for key, what in GLOBAL_KEYS:
        table.add_row(key, what)
    for key, mode, label in SCREENS:
        screen = importlib.import_module(f"launchdeck.screens.{mode}").SCREEN
        table.add_row("", "")
        table.add_row(Text(f"{key}  {label}", style="bold underline"), Text(INTRO.get(mode, ""), style="dim"))
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding):
                table.add_row(_key_label(binding), binding.description)
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def __init__(self, mode: str | None = None) -> None:
        super().__init__()
        self.mode = mode

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("launchdeck keys", style="bold"), id="help-title")
            yield Static(keys_table())
            yield Static(Text("esc closes this help", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
