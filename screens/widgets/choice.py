"""A one-line choice among a few values: space/enter/→ cycles forward, ← back, click cycles.

Lighter than a Select (no overlay, no option list) for two to four fixed values such as role and billing.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class Choice(Widget, can_focus=True):
    DEFAULT_CSS = """
    Choice { width: 20; height: 1; background: $boost; padding: 0 1; }
    Choice:focus { background: $accent 40%; text-style: bold; }
    """
    BINDINGS = [
        Binding("space,enter,right,l", "step(1)", "Next", show=False),
        Binding("left,h", "step(-1)", "Previous", show=False),
    ]

    value: reactive[str] = reactive("", init=False)

    class Changed(Message):
        def __init__(self, choice: Choice, value: str) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(self, choices: tuple[str, ...], value: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices
        self.set_reactive(Choice.value, value)

    def render(self) -> Text:
        return Text.assemble(("‹ ", "dim"), self.value, (" ›", "dim"))

    def action_step(self, delta: int) -> None:
        index = self.choices.index(self.value) if self.value in self.choices else 0
        self.value = self.choices[(index + delta) % len(self.choices)]

    def on_click(self) -> None:
        self.action_step(1)

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))
