"""Pilot tests of what must never lose an edit or a keystroke: quitting, saving (refused fields,
save as), undo/redo per field, keys typed ahead of the screen, and the terminal going away."""

from __future__ import annotations

import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from textual import events

from launchdeck.app.tui import EXAMPLE_PLAN, ROOT
from tests.test_tui import SIZE, deck, until

pytestmark = pytest.mark.usefixtures("isolated")  # tests/conftest.py


def _copy_plan(tmp_path: Path) -> Path:
    path = tmp_path / "launchdeck.yaml"
    shutil.copy(EXAMPLE_PLAN, path)
    return path


def screen_name(app: Any) -> str:
    return type(app.screen).__name__


async def _edit_memory(app: Any, pilot: Any, value: str) -> None:
    await app.screen.focus_setting("services.worker.memory")
    await pilot.pause()
    app.screen.current("#f-memory").value = value


@pytest.mark.parametrize("keys", [("ctrl+q",), ("ctrl+c",)])
async def test_quit_keys_ask_and_cancel_keeps_the_app(tmp_path: Path, keys: tuple[str, ...]) -> None:
    plan = _copy_plan(tmp_path)
    app = deck(str(plan), cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _edit_memory(app, pilot, "8Gi")
        await until(pilot, lambda: app.dirty)
        await pilot.press(*keys)
        await until(pilot, lambda: screen_name(app) == "QuitDialog")
        assert [str(b.label) for b in app.screen.query("Button")] == [
            "Save and quit (s)", "Quit without saving (d)", "Cancel (esc)"]
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) == "PlanScreen")
        assert app.return_code is None and app.plan.services["worker"].memory == "8Gi"
        await pilot.press(*keys)
        await until(pilot, lambda: screen_name(app) == "QuitDialog")
        await pilot.press("d")
        await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0
    assert "memory: 4Gi" in plan.read_text()  # quit without saving: the file is as it was


async def test_save_and_quit_writes_the_file(tmp_path: Path) -> None:
    plan = _copy_plan(tmp_path)
    app = deck(str(plan), cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _edit_memory(app, pilot, "8Gi")
        await until(pilot, lambda: app.dirty)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: screen_name(app) == "QuitDialog")
        await pilot.press("s")
        await until(pilot, lambda: app.return_code is not None)
    from launchdeck.app.planfile import load_plan

    assert load_plan(plan).plan.services["worker"].memory == "8Gi"
    assert plan.read_text().startswith("# launchdeck plan for the built-in example")  # comments kept


async def test_palette_quit_is_ours(tmp_path: Path) -> None:
    """Textual's own "Quit" (exits at once) is replaced: one Quit, and it asks."""
    app = deck(str(_copy_plan(tmp_path)), cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        quits = [c for c in commands if "quit" in c.title.lower()]
        assert len(quits) == 1 and quits[0].callback == app.action_quit
        await _edit_memory(app, pilot, "8Gi")
        await until(pilot, lambda: app.dirty)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: screen_name(app) == "CommandPalette")
        await pilot.press(*"quit")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "QuitDialog")
        assert app.return_code is None


async def test_save_with_refused_fields_names_them_and_waits(tmp_path: Path) -> None:
    plan = _copy_plan(tmp_path)
    before = plan.read_text()
    app = deck(str(plan), cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.screen.focus_setting("services.worker.cpu")
        await pilot.pause()
        app.screen.current("#f-cpu").value = "99"
        await app.screen.focus_setting("services.worker.max_instances")
        await pilot.pause()
        app.screen.current("#f-max_instances").value = "lots"
        await until(pilot, lambda: len(app.screen.invalid_fields()) == 2)
        await app.screen.focus_setting("services.worker.min_instances")
        app.screen.current("#f-min_instances").value = "2"  # a good edit alongside
        await until(pilot, lambda: app.plan.services["worker"].min_instances == 2)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen_name(app) == "DropInvalidDialog")
        listed = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "services.worker.cpu" in listed and "'99'" in listed
        assert "services.worker.max_instances" in listed and "'lots'" in listed
        await pilot.press("escape")  # cancel: nothing written, taken to the first refused field
        await until(pilot, lambda: screen_name(app) == "PlanScreen")
        assert plan.read_text() == before
        await until(pilot, lambda: app.focused is not None and app.focused.id == "f-cpu")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen_name(app) == "DropInvalidDialog")
        await pilot.press("y")  # save without them: the file gets the plan's valid values
        await until(pilot, lambda: not app.dirty)
        assert app.screen.invalid_fields() == []
        assert app.screen.current("#f-max_instances").value == str(app.plan.services["worker"].max_instances)
    from launchdeck.app.planfile import load_plan

    saved = load_plan(plan).plan.services["worker"]
    assert saved.min_instances == 2 and saved.cpu == 4.0


async def test_save_as_and_a_plan_that_appeared_since_launch(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)  # the built-in example: Save writes ./launchdeck.yaml
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _edit_memory(app, pilot, "8Gi")
        await until(pilot, lambda: app.dirty)
        (tmp_path / "launchdeck.yaml").write_text("# someone else's\n")
        await pilot.press("ctrl+s")  # refuses to overwrite it and offers Save as
        await until(pilot, lambda: screen_name(app) == "SaveAsDialog")
        box = app.screen.query_one("#path")
        assert box.value.endswith("launchdeck.new.yaml")
        box.value = str(tmp_path / "mine.yaml")
        await pilot.press("enter")
        await until(pilot, lambda: not app.dirty)
        assert app.save_path == tmp_path / "mine.yaml" and app.origin == "file"
        assert (tmp_path / "launchdeck.yaml").read_text() == "# someone else's\n"
        await pilot.press("f2")  # save as over an existing file asks again
        await until(pilot, lambda: screen_name(app) == "SaveAsDialog")
        app.screen.query_one("#path").value = str(tmp_path / "launchdeck.yaml")
        await pilot.press("enter")
        await until(pilot, lambda: "exists" in str(app.screen.query_one("#save-as-note").render()))
        assert (tmp_path / "launchdeck.yaml").read_text() == "# someone else's\n"
        await pilot.press("enter")
        await until(pilot, lambda: app.save_path == tmp_path / "launchdeck.yaml")
    from launchdeck.app.planfile import load_plan

    assert load_plan(tmp_path / "mine.yaml").plan.services["worker"].memory == "8Gi"
    assert load_plan(tmp_path / "launchdeck.yaml").plan.services["worker"].memory == "8Gi"


async def test_undo_and_redo_one_step_per_field_edit(tmp_path: Path) -> None:
    app = deck(str(_copy_plan(tmp_path)), cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await screen.focus_setting("services.worker.memory")
        await pilot.pause()
        await pilot.press("home", "shift+end", *"6Gi")  # typed key by key: 4Gi → 6 (refused) → 6G (refused) → 6Gi
        await until(pilot, lambda: app.plan.services["worker"].memory == "6Gi")
        await pilot.press("tab", "home", "shift+end", *"3")
        await until(pilot, lambda: app.plan.services["worker"].min_instances == 3)
        await pilot.press("ctrl+z")  # one step: the whole min-instances edit
        await until(pilot, lambda: app.plan.services["worker"].min_instances == 1)
        assert app.plan.services["worker"].memory == "6Gi"
        assert screen.current("#f-min_instances").value == "1"  # the field shows it, nothing rebuilt
        await pilot.press("ctrl+z")  # the memory edit, all its keystrokes at once
        await until(pilot, lambda: app.plan.services["worker"].memory == "4Gi")
        assert screen.current("#f-memory").value == "4Gi" and not app.dirty
        await pilot.press("ctrl+y", "ctrl+y")
        await until(pilot, lambda: app.plan.services["worker"].min_instances == 3)
        assert app.plan.services["worker"].memory == "6Gi" and app.dirty


async def test_role_change_rewrites_the_reason_and_the_fields(tmp_path: Path) -> None:
    app = deck(str(_copy_plan(tmp_path)), cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        old_why = app.plan.services["worker"].why
        await screen.focus_setting("services.worker.role")
        await pilot.pause()
        assert screen.current("#f-role").choices == ("web", "websocket", "worker", "job")  # from the model
        screen.current("#f-role").value = "job"
        await until(pilot, lambda: app.plan.services["worker"].role == "job")
        why = app.plan.services["worker"].why
        assert why.startswith("set by hand (the import suggested worker")
        await until(pilot, lambda: "set by hand" in str(screen.query_one("#why").render()))
        await until(pilot, lambda: bool(screen._forms.get("services.worker"))
                    and bool(screen.current("#f-usage-executions_per_month-0")))
        screen.current("#f-role").value = "worker"  # back to the suggestion: its reason comes back
        await until(pilot, lambda: app.plan.services["worker"].role == "worker")
        assert app.plan.services["worker"].why == old_why


def _burst(app: Any, keys: list[str]) -> None:
    """Queue every key at once, as a terminal delivers a burst: nothing waits between them."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


async def test_keys_typed_ahead_land_where_they_were_aimed(tmp_path: Path) -> None:
    app = deck(str(_copy_plan(tmp_path)), cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        fields = [f.key for f in screen._fields_for("services.worker")[1]]
        to_memory = fields.index("memory")
        to_min = fields.index("min_instances") - to_memory
        keys = ["down", "down", "down", "enter", *["tab"] * to_memory, *"6Gi", *["tab"] * to_min, *"2",
                "escape", "down", "enter", *["tab"] * [f.key for f in screen._fields_for("services.migrate")[1]]
                .index("timeout"), *"900", "escape", "up", "up", "up", "up"]
        _burst(app, keys)
        await until(pilot, lambda: app.plan.services["migrate"].timeout == 900)
        await pilot.pause(0.2)
        worker = app.plan.services["worker"]
        assert (worker.memory, worker.min_instances) == ("6Gi", 2)
        assert app.plan.services["migrate"].timeout == 900
        assert screen.query_one("#components").highlighted_option.id == "services.frontend"
        assert app.focused is screen.query_one("#components")
        assert screen.invalid_fields() == []


def _launch(tmp_path: Path) -> Any:
    from tests.ptyrun import PtySession

    plan = _copy_plan(tmp_path)
    env = {"LAUNCHDECK_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = PtySession([sys.executable, "-m", "launchdeck.app.cli", str(plan)], cwd=str(ROOT), env=env, size=(80, 24))
    run.read_until(b"Services and datastores", timeout=60)
    # an edit: worker's form, memory field, 8Gi
    run.write(b"\x1b[B\x1b[B\x1b[B\r")
    run.read_until(b"services.worker", timeout=30)
    return run, plan


@pytest.mark.slow
@pytest.mark.parametrize("how", ["close the terminal", "SIGHUP"])
def test_the_app_ends_when_its_terminal_goes_away(tmp_path: Path, how: str) -> None:
    run, plan = _launch(tmp_path)
    try:
        screen_before = len(run.output)
        run.write(b"\t" * 6 + b"8Gi")  # role → … → memory
        run.read_until(b"8Gi", timeout=30, since=screen_before)
        run.drain(0.3)
        if how == "SIGHUP":
            run.proc.send_signal(signal.SIGHUP)
        else:
            run.close_terminal()
        code = run.wait(15)  # polled: returns as soon as the process has exited
        assert code is not None, f"still running 15 s after: {how}"
        assert code in (129, -signal.SIGHUP) if how == "SIGHUP" else code is not None
    finally:
        run.kill()
    recovered = plan.with_name(plan.name + ".unsaved")
    assert recovered.is_file() and "8Gi" in recovered.read_text()
    assert "memory: 4Gi" in plan.read_text()  # the plan itself is untouched


async def test_a_refused_value_alone_still_asks_before_quitting(tmp_path: Path) -> None:
    """Typed but refused (the plan is unchanged): quitting would lose what was typed, so it asks."""
    app = deck(str(_copy_plan(tmp_path)), cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _edit_memory(app, pilot, "lots")
        await until(pilot, lambda: bool(app.screen.invalid_fields()))
        assert not app.dirty
        await pilot.press("ctrl+q")
        await until(pilot, lambda: screen_name(app) == "QuitDialog")
        assert "services.worker.memory" in " ".join(str(w.render()) for w in app.screen.query("Static"))
