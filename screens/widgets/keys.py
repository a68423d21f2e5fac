"""The footer of key bindings, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer rebuilds all its key widgets on every focus move, and several times while
    a screen first appears. This one rebuilds once per batch of changes, and only when the set of
    shown keys (or whether they are enabled) actually changed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending = False
        self._shown: tuple[Any, ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or self._pending:
            return
        if self.is_attached and screen is self.screen:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    def _keys(self) -> tuple[Any, ...]:
        return tuple((b.key, b.description, b.action, enabled, tooltip)
                     for _node, b, enabled, tooltip in self.screen.active_bindings.values() if b.show)

    async def _rebuild(self) -> None:
        self._pending = False
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await self.recompose()
