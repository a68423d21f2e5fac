"""Help screen: every key each screen answers to, read from the bindings themselves (the app's,
each screen's, and those of the widgets each screen module uses), so it cannot drift from them."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

INTRO = {
    "plan": "Services and datastores as launchdeck understood them. Pick one on the left, edit on the right; "
            "bad values are explained beside the field and the plan keeps its last valid value.",
    "target": "The five targets, when each fits, what this plan costs on each and what preflight finds there.",
    "costs": "The estimate for the chosen target. It updates as you edit the plan. v shows GCP vs self-host.",
    "preflight": "Checks the plan against the target. Enter on a finding jumps to the setting it concerns.",
    "export": "The files `launchdeck generate` would write, with validator verdicts; x exports to a directory.",
    "logs": "Tail a log source with hints for known errors; enter on a ◆ line explains it.",
}
# Widgets whose keys are in the list already under another name, or that take no keys of their own.
WIDGET_NAMES = {"DataTable": "a table", "CostTable": "the cost table", "Tree": "the findings tree",
                "OptionList": "a list", "Input": "a text field", "Choice": "a choice (‹ value ›)",
                "TabbedContent": "the tabs", "Tabs": "the tabs", "LogView": "the log", "Select": "a drop-down",
                "Checkbox": "a checkbox", "Button": "a button", "VerticalScroll": "a scrolling pane"}


def _bindings(cls: type) -> list[Binding]:
    """The bindings `cls` declares and inherits (as Textual merges them), first declaration winning."""
    out: dict[str, Binding] = {}
    for klass in reversed(cls.__mro__):
        for item in klass.__dict__.get("BINDINGS", ()):
            binding = item if isinstance(item, Binding) else Binding(*item)
            out[binding.key] = binding
    return list(out.values())


def _label(binding: Binding, display: Any, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """The binding's keys as shown in the key bar, leaving out keys something else takes first."""
    keys = [k.strip() for k in binding.key.split(",") if k.strip() not in taken]
    if binding.key_display and len(keys) == len(binding.key.split(",")):
        return binding.key_display
    return ", ".join(display(Binding(k, binding.action)) for k in keys)


def _widget_classes(module: Any) -> list[type[Widget]]:
    """Focusable widget classes the screen module uses (imported into it, or its own)."""
    seen: list[type[Widget]] = []
    for value in vars(module).values():
        if inspect.isclass(value) and issubclass(value, Widget) and not issubclass(value, Screen) \
                and value.can_focus and value not in seen and _bindings(value):
            seen.append(value)
    return seen


def _taken(app_cls: type) -> set[str]:
    """Keys the app binds with priority: nobody below it ever sees them."""
    return {k.strip() for b in _bindings(app_cls) if b.priority for k in b.key.split(",")}


def _shadowed(binding: Binding, taken: set[str]) -> bool:
    return all(k.strip() in taken for k in binding.key.split(","))


def screen_keys(module: Any, display: Any, taken: set[str] = frozenset()) -> Iterable[tuple[str, str]]:  # type: ignore[assignment]
    """(key, what) for the screen's own bindings, then each widget's as one line."""
    screen = module.SCREEN
    for binding in _bindings(screen):
        if binding in _bindings(Screen) or _shadowed(binding, set(taken)):
            continue
        yield _label(binding, display, taken), binding.description or binding.action
    for widget in _widget_classes(module):
        # A screen key that skips where it does not apply (SkipAction) leaves the widget its key:
        # only keys the app takes first are left out.
        parts = [f"{_label(b, display, taken)} {(b.description or b.action).lower()}" for b in _bindings(widget)
                 if not _shadowed(b, set(taken))]
        if parts:
            yield f"in {WIDGET_NAMES.get(widget.__name__, widget.__name__)}", " · ".join(parts)


def global_keys(app: Any, display: Any) -> Iterable[tuple[str, str]]:
    from launchdeck.screens.registry import SCREENS

    numbers = {key for key, _mode, _label in SCREENS}
    yield f"{SCREENS[0][0]} … {SCREENS[-1][0]}", "switch screen: " + ", ".join(label for _k, _m, label in SCREENS)
    for binding in _bindings(type(app)):
        if binding.key in numbers or binding.system:
            continue
        yield _label(binding, display), binding.description or binding.action
    if app.ENABLE_COMMAND_PALETTE:
        yield display(Binding(app.COMMAND_PALETTE_BINDING, "command_palette")), "command palette: every action by name"
    taken = _taken(type(app))
    for binding in _bindings(Screen):
        if not _shadowed(binding, taken):
            yield _label(binding, display, taken), binding.description or binding.action


def keys_table(app: Any) -> Table:
    from launchdeck.screens.registry import SCREENS

    display = app.get_key_display
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True, max_width=22)
    table.add_column()
    table.add_row(Text("Everywhere", style="bold underline"), "")
    for key, what in global_keys(app, display):
        table.add_row(key, what)
    for key, mode, label in SCREENS:
        module = importlib.import_module(f"launchdeck.screens.{mode}")
        table.add_row("", "")
        table.add_row(Text(f"{key}  {label}", style="bold underline"), Text(INTRO.get(mode, ""), style="dim"))
        for keys, what in screen_keys(module, display, _taken(type(app))):
            table.add_row(Text(keys, style="dim" if keys.startswith("in ") else ""), what)
    return table


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def __init__(self, mode: str | None = None) -> None:
        super().__init__()
        self.mode = mode

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text.assemble(("launchdeck keys\n", "bold"), ("While a text field has the cursor, letters "
                         "and digits type into it; esc leaves it. Every key below is read from the app's own "
                         "bindings.", "dim")), id="help-title")
            yield Static(keys_table(self.app))
            yield Static(Text("esc closes this help · ↑/↓ and pgup/pgdn scroll it", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#help-box", VerticalScroll).focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
