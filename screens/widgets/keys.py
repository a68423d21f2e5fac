"""The bottom bar of the current screen's keys, drawn as one line of text.

Textual's Footer builds a widget per key and rebuilds them all whenever focus moves; on the first
screen that was ~65 ms of the time to first paint (bench/startup.py). This bar is one widget: it
redraws when the screen's bindings change, and a click on a key presses it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.events import Click
from textual.screen import Screen
from textual.widget import Widget

from launchdeck.screens.widgets.spans import span_at


class KeyBar(Widget):
    """`e Edit  esc Components  ? Help ...` for the keys shown (`show=True`) in the active bindings."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) of each drawn key

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen) -> None:
        self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        disabled = Style(dim=True)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []
        active = self.screen.active_bindings
        shown = [entry for entry in active.values() if entry[1].show]
        palette = active.get(self.app.COMMAND_PALETTE_BINDING) if self.app.ENABLE_COMMAND_PALETTE else None
        if palette is not None and palette not in shown:
            shown.append(palette)  # last, as Textual's Footer shows it
        actions: set[str] = set()
        for _node, binding, enabled, tooltip in shown:
            if binding.action in actions:
                continue  # one entry per action, as Textual's Footer does
            actions.add(binding.action)
            start = len(text)
            text.append(f" {self.app.get_key_display(binding)} ", style=key_style if enabled else key_style + disabled)
            text.append(f"{binding.description or tooltip} ",
                        style=description_style if enabled else description_style + disabled)
            self._spans.append((start, len(text), binding.key.split(",")[0].strip()))
        return text

    def on_click(self, event: Click) -> None:
        key = span_at(self._spans, event.x)
        if key is not None:
            self.app.simulate_key(key)
