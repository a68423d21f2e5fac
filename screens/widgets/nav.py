"""The one-line bar naming the screens and their number keys, plus the plan, its target and what
it costs a month, and where it came from."""

from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.widget import Widget

from launchdeck.screens.widgets.money import short_range
from launchdeck.screens.widgets.spans import span_at


class NavBar(Widget):
    """`1 Plan  2 Target ...` with the current screen highlighted; clicking a name switches to it.

    Narrow terminals keep what matters most: the screen names shrink to their numbers (the current
    one keeps its name) before the plan's name, target and monthly cost are cut."""

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current
        self._spans: list[tuple[int, int, str]] = []

    def _plan_part(self) -> tuple[Text, Text]:
        """(name → target  $low–$high/mo, (source)) for the right-hand side."""
        app = self.app
        plan = getattr(app, "plan", None)
        # Before the plan is validated (the first paint) its name and target come from the file.
        preview = getattr(app, "preview", None) or {}
        name = plan.name if plan is not None else preview.get("name")
        target = plan.target if plan is not None else preview.get("target")
        main, source = Text(), Text()
        if name or target:
            dirty = " *" if getattr(app, "dirty", False) else ""
            main.append(f"  {name or ''}{dirty}{f' → {target}' if target else ''}", style="bold")
            monthly = getattr(app, "monthly", None)
            if monthly is not None and plan is not None:
                low, high, unpriced = monthly
                main.append(f"  {short_range(low, high)}/mo", style="bold green")
                if unpriced:  # the figure leaves these out: say so where the figure is
                    main.append(f" +{unpriced} unpriced", style="bold yellow")
            source.append(f"  ({getattr(app, 'source_label', '')})", style="dim")
        return main, source

    def _screens(self, short: bool) -> Text:
        from launchdeck.screens.registry import SCREENS

        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for key, mode, label in SCREENS:
            start = len(text)
            if mode == self.current:
                text.append(f" {key} {label} ", style="bold reverse")
            elif short:
                text.append(f" {key} ", style="bold")
            else:
                text.append(f" {key}", style="bold")
                text.append(f" {label} ")
            self._spans.append((start, len(text), mode))
        return text

    def render(self) -> Text:
        main, source = self._plan_part()
        width = self.size.width or 200
        text = self._screens(short=False)
        if len(text) + len(main) > width:
            text = self._screens(short=True)
        text.no_wrap, text.overflow = True, "ellipsis"
        text.append_text(main)
        text.append_text(source)  # last, so it is what the ellipsis cuts
        return text

    def on_click(self, event: Click) -> None:
        mode = span_at(self._spans, event.x)
        if mode is not None:
            self.app.switch_mode(mode)
