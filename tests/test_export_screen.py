"""The Export screen: truthful header, conflicts shown as a diff, remembered directory and tick,
three-state verdicts, unambiguous checkboxes, and a dialog whose buttons are reachable at 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_tui import deck, open_screen, until

pytestmark = pytest.mark.usefixtures("isolated")  # tests/conftest.py
SIZE = (120, 40)


def _text(widget: Any) -> str:
    return str(widget.render())


def _blocked(app: Any) -> None:
    """The example with its Celery worker declared `web`: it cannot start on Cloud Run, so preflight blocks."""
    services = dict(app.plan.services)
    services["worker"] = services["worker"].model_copy(update={"role": "web"})
    app.set_plan(app.plan.model_copy(update={"services": services}))


async def _dialog(pilot: Any) -> Any:
    await pilot.press("x")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "ExportDialog")
    return pilot.app.screen


async def _export_to(pilot: Any, out: Path, anyway: bool = False) -> Any:
    screen = pilot.app.screen
    screen.last_result = None
    dialog = await _dialog(pilot)
    dialog.query_one("#dir").value = str(out)
    if anyway:
        dialog.query_one("#anyway").value = True
    dialog.query_one("#dir").focus()
    await pilot.press("enter")
    await until(pilot, lambda: screen.last_result is not None)
    return screen.last_result


async def test_header_says_what_happens_on_conflict_and_checkboxes_read_plainly(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "5", "export")
        header = _text(app.screen.query_one("#export-summary"))
        assert "never overwritten" in header and "FILE.new" in header
        assert "without asking" not in header  # the old promise it never kept
        dialog = await _dialog(pilot)
        force = dialog.query_one("#force")
        assert _text(force).startswith("[ ] force")
        force.value = True
        await pilot.pause()
        assert _text(force).startswith("[x] force")
        assert "▐" not in _text(force)


async def test_conflict_offers_a_diff_of_file_against_file_new(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out).mkdir()
    (out / "deploy.sh").write_text("#!/bin/sh\necho my own deploy\n")
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.set_plan(app.plan.model_copy(update={"target": "cloud-run-jobs"}))
        await open_screen(pilot, "5", "export")
        result = await _export_to(pilot, out)
        assert "deploy.sh" in result.conflicts
        assert (out / "deploy.sh").read_text() == "#!/bin/sh\necho my own deploy\n"
        assert "c shows the difference" in _text(app.screen.query_one("#export-result"))
        await pilot.press("c")
        await until(pilot, lambda: type(app.screen).__name__ == "DiffDialog")
        text = app.screen.shown
        assert "--- a/deploy.sh" in text and "+++ b/deploy.sh.new" in text and "-echo my own deploy" in text
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "ExportScreen")


async def test_last_directory_is_remembered_per_plan_and_the_tick_for_the_session(tmp_path: Path) -> None:
    out = tmp_path / "chosen"
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        _blocked(app)  # preflight blocks, so "export anyway" is asked
        await open_screen(pilot, "5", "export")
        await _export_to(pilot, out, anyway=True)
        assert (out / "deploy.sh").is_file()
        dialog = await _dialog(pilot)
        assert dialog.query_one("#anyway").value is True  # ticked once: stays ticked this session
        assert dialog.query_one("#force").value is False  # overwriting edits is never remembered
        await pilot.press("escape")
    again = deck(cwd=tmp_path)  # a new session of the same plan
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        _blocked(again)
        await open_screen(pilot, "5", "export")
        dialog = await _dialog(pilot)
        assert dialog.query_one("#dir").value == str(out)
        assert dialog.query_one("#anyway").value is False


async def test_an_export_failure_does_not_survive_a_target_switch(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a directory")
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.set_plan(app.plan.model_copy(update={"target": "cloud-run-jobs"}))
        await open_screen(pilot, "5", "export")
        dialog = await _dialog(pilot)
        dialog.query_one("#dir").value = str(tmp_path / "afile")
        await pilot.press("enter")
        await until(pilot, lambda: "Export failed" in _text(app.screen.query_one("#export-result")))
        result = app.screen.query_one("#export-result")
        assert "afile" in _text(result)
        app.set_plan(app.plan.model_copy(update={"target": "compose"}))
        await pilot.pause(0.2)
        assert "Export failed" not in _text(result)


async def test_at_80x24_the_dialog_scrolls_to_its_buttons(tmp_path: Path) -> None:
    from textual.widgets import Button

    app = deck(cwd=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        _blocked(app)  # the blockers make the dialog taller than 24 lines
        await open_screen(pilot, "5", "export")
        dialog = await _dialog(pilot)
        ok = dialog.query_one("#ok", Button)
        for _ in range(6):  # tab along: input, force, anyway, Export
            if app.focused is ok:
                break
            await pilot.press("tab")
        await pilot.pause(0.3)
        assert app.focused is ok
        region = ok.region
        assert region.height > 0 and region.y >= 0 and region.bottom <= 24, region  # on screen, not clipped
        dialog.query_one("#anyway").value = True
        dialog.query_one("#dir").value = str(tmp_path / "o")
        await pilot.click(ok)
        await until(pilot, lambda: (tmp_path / "o" / "deploy.sh").is_file())


@pytest.mark.slow
async def test_verdicts_show_three_states_and_a_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from launchdeck.app import validate

    real = validate._tool
    monkeypatch.setattr(validate, "_tool", lambda name: None if name == "terraform" else real(name))
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.set_plan(app.plan.model_copy(update={"target": "cloud-run-jobs"}))
        await open_screen(pilot, "5", "export")
        screen = app.screen
        await pilot.press("v")
        await until(pilot, lambda: screen.verdicts, timeout=90)
        table = screen.query_one("#verdicts")
        marks = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert marks == {"✓ ok", "– skipped"}
        title = _text(screen.query_one("#verdicts-title"))
        assert "0 failed" in title and "passed" in title and "skipped (tool not here)" in title
