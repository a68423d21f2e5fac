"""Snapshots of the Export screen and its dialog at 80x24 (a default terminal) and at 120x40.

Regenerate after an intended UI change: `pytest --snapshot-update tests/test_export_snapshots.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_export_screen import _blocked
from tests.test_tui import deck, until
from tests.test_tui_snapshots import _goto

pytestmark = pytest.mark.usefixtures("isolated")  # tests/conftest.py


async def _open_dialog(pilot: Any) -> None:
    await until(pilot, lambda: pilot.app.plan is not None)
    _blocked(pilot.app)  # the tallest dialog: preflight's blockers and the "export anyway" tick
    await pilot.pause(0.2)
    await pilot.press("x")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "ExportDialog")
    pilot.app.screen.query_one("#dir").value = "deploy/cloud-run"  # not the test's temp path


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_export_dialog(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(deck(cwd=tmp_path), terminal_size=size, run_before=_goto("export", _open_dialog))


def test_export_screen_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(deck(cwd=tmp_path), terminal_size=(80, 24), run_before=_goto("export"))
