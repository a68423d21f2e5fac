"""The frame every main screen shares: nav bar on top, footer at the bottom."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget

from launchdeck.screens.widgets.keys import KeyBar
from launchdeck.screens.widgets.nav import NavBar

if TYPE_CHECKING:
    from launchdeck.app.plan import Plan
    from launchdeck.app.tui import LaunchDeck


class DeckScreen(Screen[None]):
    """A main screen (one per App mode). Subclasses implement `compose_body` and `plan_changed`."""

    MODE: ClassVar[str] = ""
    _stale = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # `screens/<mode>.tcss`, read when the screen is first shown. The Plan screen's is the app's
        # (it is the first screen: one stylesheet pass before the first paint, not two).
        sheet = Path(__file__).with_name(f"{cls.MODE}.tcss")
        if cls.MODE and cls.MODE != "plan" and sheet.is_file() and not cls.__dict__.get("CSS_PATH"):
            cls.CSS_PATH = sheet

    @property
    def deck(self) -> LaunchDeck:
        return self.app  # type: ignore[return-value]

    @property
    def plan(self) -> Plan:
        plan = self.deck.plan or self.deck.ensure_plan()
        if plan is None:
            raise RuntimeError(f"the opened plan is invalid: {self.deck.plan_error}")
        return plan

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def on_mount(self) -> None:
        self.watch(self.app, "plan", self._plan_watch, init=False)
        self.watch(self.app, "dirty", lambda _d: self.query_one(NavBar).refresh(), init=False)
        self.watch(self.app, "monthly", lambda _m: self.query_one(NavBar).refresh(), init=False)
        self.plan_changed()

    def on_screen_resume(self) -> None:
        self.query_one(NavBar).refresh()
        if self._stale:
            self._stale = False
            self.plan_changed()

    def _plan_watch(self, _plan: Any) -> None:
        # Screens out of sight recompute when shown again, so typing on the Plan screen stays fast.
        if self.is_current:
            self.query_one(NavBar).refresh()
            self.plan_changed()
        else:
            self._stale = True

    def plan_changed(self) -> None:
        """Recompute what this screen shows from the current plan (core calls only)."""
