"""NO_COLOR: Textual adds a monochrome filter that reads every segment's style; no screen may break it."""

from __future__ import annotations

import pytest

from launchdeck.screens.registry import SCREENS
from tests.test_tui import SIZE, deck, open_logs, open_screen, until

pytestmark = pytest.mark.usefixtures("isolated")


async def test_every_screen_renders_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = deck()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.plan is not None)
        _, log = await open_logs(pilot)  # the log view draws hinted and plain lines
        log.focus()
        await pilot.press("down", "down")
        await pilot.pause(0.2)
        for key, mode, _label in SCREENS:
            await open_screen(pilot, key, mode)
            await pilot.pause(0.1)
    # run_test re-raises an exception from any render on the way out; reaching here means none.
    assert app.return_code in (None, 0)
