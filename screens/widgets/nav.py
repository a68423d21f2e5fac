"""The one-line bar naming the screens and their number keys, plus the plan and where it came from."""

from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.widget import Widget

from launchdeck.screens.widgets.spans import span_at


class NavBar(Widget):
    """`1 Plan  2 Target ...` with the current screen highlighted; clicking a name switches to it."""

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current
        self._spans: list[tuple[int, int, str]] = []

    def render(self) -> Text:
        from launchdeck.screens.registry import SCREENS

        app = self.app
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for key, mode, label in SCREENS:
            start = len(text)
            if mode == self.current:
                text.append(f" {key} {label} ", style="bold reverse")
            else:
                text.append(f" {key}", style="bold")
                text.append(f" {label} ")
            self._spans.append((start, len(text), mode))
        plan = getattr(app, "plan", None)
        # Before the plan is validated (the first paint) its name and target come from the file.
        preview = getattr(app, "preview", None) or {}
        name = plan.name if plan is not None else preview.get("name")
        target = plan.target if plan is not None else preview.get("target")
        if name or target:
            dirty = " *" if getattr(app, "dirty", False) else ""
            text.append(f"  {name or ''}{dirty}{f' → {target}' if target else ''}", style="bold")
            text.append(f"  ({getattr(app, 'source_label', '')})", style="dim")
        return text

    def on_click(self, event: Click) -> None:
        mode = span_at(self._spans, event.x)
        if mode is not None:
            self.app.switch_mode(mode)
