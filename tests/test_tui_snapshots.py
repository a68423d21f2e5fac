"""One snapshot per screen at 120x40 and at 80x24 (the default size of many terminals): bundled
price snapshot, no network, no cursor blink.

Regenerate after an intended UI change: `pytest --snapshot-update tests/test_tui_snapshots.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from launchdeck.app.tui import DEMO_LOG
from tests.test_tui import deck, until

SIZE = (120, 40)


pytestmark = pytest.mark.usefixtures("isolated")  # tests/conftest.py


def _still(app: Any) -> None:
    """No blinking cursors in the picture."""
    from textual.widgets import Input

    for widget in app.screen.query(Input):
        widget.cursor_blink = False


async def demo_log_marks() -> list[tuple[int, str | None, Any]]:
    """What the Logs view must end up with for the demo log: each line's hint and root cause.

    The tail child sends a root cause that arrives after its symptom as a separate late message,
    so "every line is in" is not "the view is final": waiting on the line count alone let the
    snapshot race those updates (flaky under load). The same core the child runs says what final is."""
    from launchdeck.app.hints import get_engine
    from launchdeck.app.hints.live import LiveMatcher
    from launchdeck.app.logsources import open_source

    live = LiveMatcher(get_engine())
    marks: list[list[Any]] = []
    async for line in open_source(f"file:{DEMO_LOG}", follow=False):
        mark = live.feed(line.text)
        marks.append([len(marks) + 1, mark and mark.hint.id, mark and mark.explained_by])
        for seq, cause in mark.updates if mark else ():
            marks[seq - 1][2] = marks[seq - 1][2] or cause  # as LogView.apply_causes: the first cause stays
    return [(seq, hint, tuple(cause) if cause else None) for seq, hint, cause in marks]


def view_marks(log: Any) -> list[tuple[int, str | None, Any]]:
    return [(e.seq, e.hint and e.hint.id, e.cause) for e in log.entries]


def _goto(mode: str, then: Any = None) -> Any:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        app.switch_mode(mode)
        await until(pilot, lambda: app.current_mode == mode)
        app.ensure_plan()
        await until(pilot, lambda: app.monthly is not None)  # the nav bar's figure, estimated after the paint
        if then is not None:
            await then(pilot)
        await pilot.pause(0.3)
        _still(app)
        await pilot.pause()

    return run_before


def test_plan_screen(snap_compare: Any, tmp_path: Path) -> None:
    async def edit_worker(pilot: Any) -> None:
        await pilot.app.screen.focus_setting("services.worker.memory")

    assert snap_compare(deck(cwd=tmp_path), terminal_size=SIZE, run_before=_goto("plan", edit_worker))


def test_plan_overview(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(deck(cwd=tmp_path), terminal_size=SIZE, run_before=_goto("plan"))


async def _targets_checked(pilot: Any) -> None:
    """Preflight on every target runs in a worker: wait for its counts."""
    screen = pilot.app.screen
    await until(pilot, lambda: len(screen._checks) == 5)


def test_target_screen(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(deck(cwd=tmp_path), terminal_size=SIZE, run_before=_goto("target", _targets_checked))


def test_costs_screen(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(deck(cwd=tmp_path), terminal_size=SIZE, run_before=_goto("costs"))


def test_costs_versus_selfhost(snap_compare: Any, tmp_path: Path) -> None:
    async def versus(pilot: Any) -> None:
        await pilot.press("v")
        await pilot.pause(0.3)

    assert snap_compare(deck(cwd=tmp_path), terminal_size=SIZE, run_before=_goto("costs", versus))


def test_preflight_screen(snap_compare: Any, tmp_path: Path) -> None:
    async def first_error(pilot: Any) -> None:
        screen = pilot.app.screen
        await until(pilot, lambda: any("Fix:" in str(w.render()) for w in screen.query("#finding-detail")))

    assert snap_compare(deck(cwd=tmp_path), terminal_size=SIZE, run_before=_goto("preflight", first_error))


def test_export_screen(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(deck(cwd=tmp_path), terminal_size=SIZE, run_before=_goto("export"))


def test_logs_screen(snap_compare: Any, tmp_path: Path) -> None:
    async def loaded(pilot: Any) -> None:
        screen = pilot.app.screen
        await until(pilot, lambda: bool(screen.query("LogView")) and bool(screen.query("#status")))
        log = screen.query_one("LogView")
        # The demo log is read by a child process: wait for all of its lines.
        expected = await demo_log_marks()
        await until(pilot, lambda: view_marks(log) == expected, timeout=30)
        await pilot.press("n")
        await until(pilot, lambda: "Fix:" in str(screen.query_one("#hint").render()))
        screen.source_state = "reading demo log"  # the path differs between machines
        screen.query_one("#source").value = "file:assets/demo.log"
        screen._update_state()

    app = deck(cwd=tmp_path, status_enabled=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=_goto("logs", loaded))


def test_help_screen(snap_compare: Any, tmp_path: Path) -> None:
    async def help_(pilot: Any) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")

    assert snap_compare(deck(cwd=tmp_path), terminal_size=SIZE, run_before=_goto("plan", help_))


def test_logs_screen_80x24(snap_compare: Any, tmp_path: Path) -> None:
    """80x24: the hint pane stacks under the log, so log lines keep the terminal's width."""
    async def loaded(pilot: Any) -> None:
        screen = pilot.app.screen
        await until(pilot, lambda: bool(screen.query("LogView")))
        log = screen.query_one("LogView")
        expected = await demo_log_marks()
        await until(pilot, lambda: view_marks(log) == expected, timeout=30)
        await pilot.press("n")
        await until(pilot, lambda: "Fix:" in str(screen.query_one("#hint").render()))
        screen.source_state = "reading demo log"
        screen.query_one("#source").value = "file:assets/demo.log"
        screen._update_state()

    app = deck(cwd=tmp_path, status_enabled=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_goto("logs", loaded))


# -- 80x24 ------------------------------------------------------------------------------------

SMALL = (80, 24)


@pytest.mark.parametrize("mode, then", [
    ("plan", None),
    ("target", _targets_checked),
    ("costs", None),
    ("preflight", None),
])
def test_screens_at_80x24(snap_compare: Any, tmp_path: Path, mode: str, then: Any) -> None:
    assert snap_compare(deck(cwd=tmp_path), terminal_size=SMALL, run_before=_goto(mode, then))


def test_plan_form_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def edit_worker(pilot: Any) -> None:
        await pilot.app.screen.focus_setting("services.worker.memory")

    assert snap_compare(deck(cwd=tmp_path), terminal_size=SMALL, run_before=_goto("plan", edit_worker))


def test_costs_versus_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def versus(pilot: Any) -> None:
        await pilot.press("v")
        await pilot.pause(0.3)

    assert snap_compare(deck(cwd=tmp_path), terminal_size=SMALL, run_before=_goto("costs", versus))


def test_help_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def help_(pilot: Any) -> None:
        await pilot.press("question_mark")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")

    assert snap_compare(deck(cwd=tmp_path), terminal_size=SMALL, run_before=_goto("plan", help_))


def test_quit_dialog_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def quit_(pilot: Any) -> None:
        pilot.app.set_plan(pilot.app.plan.model_copy(update={"name": "edited"}))
        await pilot.press("ctrl+q")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "QuitDialog")

    assert snap_compare(deck(cwd=tmp_path), terminal_size=SMALL, run_before=_goto("plan", quit_))


def test_invalid_plan_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    bad = tmp_path / "launchdeck.yaml"
    bad.write_text("name: demo\nservices:\n  web:\n    role: frontend\n    cpu: lots\n")

    async def shown(pilot: Any) -> None:
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "InvalidPlanScreen"
                    and "role" in str(pilot.app.screen.query_one("#invalid-errors").render()))
        pilot.app.screen.query_one("#invalid-box").border_title = None
        await pilot.pause(0.2)

    assert snap_compare(deck(str(bad), cwd=tmp_path), terminal_size=SMALL, run_before=shown)
