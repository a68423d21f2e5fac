"""Pilot tests of the TUI: the whole path a newcomer takes, on the built-in example.

Deterministic: the bundled price snapshot (no user cache), no network (live status off unless a
test turns it on), the demo log as the log source.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from launchdeck.app.tui import DEMO_LOG, EXAMPLE_PLAN, ROOT, LaunchDeck, launch, make_app

SIZE = (120, 40)


pytestmark = pytest.mark.usefixtures("isolated")  # tests/conftest.py


def frozen_catalog() -> Any:
    from launchdeck.estimators import load_catalog
    from launchdeck.estimators.pricebook import BUNDLED_CATALOG

    return load_catalog(BUNDLED_CATALOG)


def deck(plan_path: str | None = None, cwd: Path | None = None, **kw: Any) -> LaunchDeck:
    kw.setdefault("catalog", frozen_catalog())
    kw.setdefault("status_enabled", False)
    kw.setdefault("log_source", f"file:{DEMO_LOG}")
    return make_app(plan_path, cwd=cwd, **kw)


async def until(pilot: Any, cond: Any, timeout: float = 15.0) -> None:
    """Let the app run until `cond()` is true (workers and timers need real time). A widget `cond`
    queries that is not mounted yet (a screen just pushed, still composing) counts as not yet."""
    from textual.css.query import NoMatches

    steps = int(timeout / 0.05)
    for _ in range(steps):
        try:
            if cond():
                return
        except NoMatches:
            pass
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


async def open_screen(pilot: Any, key: str, mode: str) -> None:
    """Press a screen's number key and wait until its mode is showing."""
    await pilot.press(key)
    await until(pilot, lambda: pilot.app.current_mode == mode)


async def open_logs(pilot: Any) -> tuple[Any, Any]:
    """Open the Logs screen and wait for the demo log's first lines: (screen, its LogView)."""
    await open_screen(pilot, "6", "logs")
    screen = pilot.app.screen
    log = screen.query_one("LogView")
    await until(pilot, lambda: len(log.entries) > 5)
    return screen, log


def worker_cost_high(app: LaunchDeck) -> float:
    from launchdeck.screens.widgets.cost_table import CostTable

    table = app.screen.query_one(CostTable)
    line = next(line for line in table.lines.values() if line.service == "worker" and line.kind == "compute")
    cell = table.get_cell(line.component, "high")
    return float(str(cell).replace("$", "").replace(",", ""))


async def test_opens_example_on_plan_screen(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_mode == "plan"
        assert app.origin == "example"
        components = app.screen.query_one("#components")
        assert "services.worker" in [option.id for option in components.options]
        nav = str(app.screen.query_one("NavBar").render())
        assert "built-in example" in nav and "Save writes ./launchdeck.yaml" in nav
    # Validated: its outline is remembered, so the next start paints without a YAML parser.
    from launchdeck.app.outline import read_outline

    assert read_outline(EXAMPLE_PLAN)[1] is None


async def test_other_screens_get_their_stylesheets_even_before_the_first_paint_ends(tmp_path: Path) -> None:
    # The first screen starts with only its own stylesheets; the rest are read after the first
    # paint, or when another screen is built before that (here: at once).
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode("costs")
        await pilot.pause()
        tabs = app.screen.query_one("#cost-tabs")
        assert tabs.styles.height is not None and tabs.styles.height.unit.name == "FRACTION"  # costs.tcss
        await pilot.press("question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        assert app.screen.styles.align_horizontal == "center"  # help.tcss


async def test_clicking_the_bars(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        nav = app.screen.query_one("NavBar")
        # Under load a single pause could return before the bar's first paint (no spans yet).
        await until(pilot, lambda: any(mode == "costs" for _s, _e, mode in nav._spans))
        start = next(s for s, _e, mode in nav._spans if mode == "costs")
        await pilot.click(nav, offset=(start + 1, 0))
        await until(pilot, lambda: app.current_mode == "costs")
        # The key bar follows the focus, which Costs moves to its table once mounted: read the
        # spans after that, or the click can land on a key that has since moved.
        await until(pilot, lambda: getattr(app.focused, "id", None) == "costs")
        await pilot.pause()
        keys = app.screen.query_one("KeyBar")
        keys.render()  # the spans of what is drawn now
        start = next(s for s, _e, key in keys._spans if key == "question_mark")
        await pilot.click(keys, offset=(start + 1, 0))
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")


async def test_choose_target_then_memory_edit_updates_cost_cell(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "2", "target")
        table = app.screen.query_one("#targets")
        monthly = str(table.get_cell("gke-autopilot", "monthly"))
        assert "$" in monthly  # each target carries its monthly low–high
        table.move_cursor(row=1)  # cloud-run-jobs
        await pilot.press("enter")
        await until(pilot, lambda: app.plan.target == "cloud-run-jobs")
        assert app.dirty

        await open_screen(pilot, "3", "costs")
        before = worker_cost_high(app)
        cost_table = app.screen.query_one("CostTable")

        await open_screen(pilot, "1", "plan")
        await app.screen.focus_setting("services.worker.memory")
        await pilot.pause()
        memory = app.screen.current("#f-memory")
        assert app.focused is memory
        memory.value = "8Gi"
        await until(pilot, lambda: app.plan.services["worker"].memory == "8Gi")

        await pilot.press("escape", "3")  # leave the field, then switch screens
        await until(pilot, lambda: worker_cost_high(app) != before)
        assert worker_cost_high(app) > before
        assert app.screen.query_one("CostTable") is cost_table  # built once, updated in place


async def test_a_total_that_leaves_out_unpriced_lines_says_so(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "3", "costs")
        await until(pilot, lambda: app.monthly is not None)
        report = app.screen.report
        missing = [line.label for line in report.unpriced]
        nav = lambda: str(app.screen.query_one("NavBar").render())  # noqa: E731
        total_notes = str(app.screen.query_one("CostTable").get_cell("__total__", "notes"))
        # The example's worker pool has no bundled price (rules.yaml `unpriced_reasons`).
        assert missing
        assert f"+{len(missing)} unpriced" in nav()
        assert all(name in total_notes for name in missing)
        # A target where every line is priced shows the figure alone.
        await open_screen(pilot, "2", "target")
        app.screen.query_one("#targets").move_cursor(row=3)  # gke-standard
        await pilot.press("enter")
        await until(pilot, lambda: app.plan.target == "gke-standard" and app.monthly is not None
                    and app.monthly[2] == 0)
        assert "unpriced" not in nav()


async def test_bad_value_is_shown_inline_and_plan_stays_valid(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.screen.focus_setting("services.worker.memory")
        await pilot.pause()
        app.screen.current("#f-memory").value = "1Gi"  # below Cloud Run's floor for 4 vCPU
        await pilot.pause(0.2)
        error = app.screen.current("#err-f-memory")
        assert error.has_class("-error")
        assert "4 vCPU" in str(error.render())
        assert app.plan.services["worker"].memory == "4Gi"
        assert not app.dirty
        app.screen.current("#f-memory").value = "6Gi"
        await until(pilot, lambda: app.plan.services["worker"].memory == "6Gi")
        assert not app.screen.current("#err-f-memory").has_class("-error")
        assert "✗" not in str(app.screen.current("#err-f-memory").render())


async def test_settings_env_secrets_and_command_are_edited_in_place(tmp_path: Path) -> None:
    """The keys preflight points at most (upload limit, env values) are fields, not 'edit the file'."""
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await screen.focus_setting("ingress.max_upload_mb")
        await pilot.pause()
        assert app.focused is screen.current("#f-ingress-max_upload_mb")
        app.focused.value = "30"
        await until(pilot, lambda: app.plan.ingress.max_upload_mb == 30)

        await screen.focus_setting("services.frontend.env.NEXT_PUBLIC_API_URL")
        await pilot.pause()
        field = screen.current("#f-env-NEXT_PUBLIC_API_URL")
        assert app.focused is field and field.value == "http://localhost:8000"
        field.value = "https://api.rehearsekit.example.com"
        await until(pilot, lambda: app.plan.services["frontend"].env["NEXT_PUBLIC_API_URL"].startswith("https://api"))

        await screen.focus_setting("services.worker.secrets")
        await pilot.pause()
        app.focused.value = "DATABASE_URL, REDIS_URL"
        await until(pilot, lambda: app.plan.services["worker"].secrets == ["DATABASE_URL", "REDIS_URL"])
        screen.current("#f-command").value = "celery -A app.worker worker --concurrency=1 -Q 'high low'"
        await until(pilot, lambda: app.plan.services["worker"].command[-1] == "high low")
        screen.current("#f-secrets").value = "not a name!"  # refused inline, the plan keeps its value
        await pilot.pause(0.2)
        assert screen.current("#err-f-secrets").has_class("-error")
        assert app.plan.services["worker"].secrets == ["DATABASE_URL", "REDIS_URL"]

    from launchdeck.app.preflight import run_preflight

    ids = {(f.id, f.path) for f in run_preflight(app.plan)}
    assert ("cr-request-too-large-413", "ingress.max_upload_mb") not in ids
    assert ("env-url-points-at-localhost", "services.frontend.env.NEXT_PUBLIC_API_URL") not in ids


async def test_save_keeps_comments(tmp_path: Path) -> None:
    plan_file = tmp_path / "launchdeck.yaml"
    shutil.copy(EXAMPLE_PLAN, plan_file)
    app = deck(str(plan_file), cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.screen.focus_setting("services.worker.max_instances")
        await pilot.pause()
        app.screen.current("#f-max_instances").value = "5"
        await until(pilot, lambda: app.plan.services["worker"].max_instances == 5)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not app.dirty)
    text = plan_file.read_text()
    assert text.startswith("# launchdeck plan for the built-in example")
    from launchdeck.app.planfile import load_plan

    assert load_plan(plan_file).plan.services["worker"].max_instances == 5


async def test_example_save_writes_local_plan(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    app.save_path = tmp_path / "launchdeck.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: (tmp_path / "launchdeck.yaml").exists())
        assert app.origin == "file"


async def test_preflight_jumps_to_setting(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "4", "preflight")
        screen = app.screen
        assert screen.findings, "the example has findings"
        tree = screen.query_one("#findings")
        groups = [str(n.label) for n in tree.root.children]
        assert groups[0].startswith("✗ Errors") and groups[1].startswith("⚠ Warnings")
        finding = next(f for f in screen.findings if f.path == "services.worker.memory")
        node = next(n for g in tree.root.children for n in g.children if n.data is finding)
        tree.move_cursor(node)
        await pilot.pause()
        assert finding.fix in str(screen.query_one("#finding-detail").render())
        await pilot.press("enter")
        await until(pilot, lambda: app.current_mode == "plan" and app.screen._component == "services.worker")
        field = finding.path.split(".")[2]
        await until(pilot, lambda: app.focused is not None and (app.focused.id or "").startswith(f"f-{field}"))


async def test_export_to_temp_dir_and_conflicts_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "deploy.sh").write_text("# mine\n")
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # The example's Celery worker declared `web` cannot start as a Cloud Run service (as a worker it is a pool)
        services = dict(app.plan.services)
        services["worker"] = services["worker"].model_copy(update={"role": "web"})
        app.set_plan(app.plan.model_copy(update={"services": services}))
        await open_screen(pilot, "5", "export")
        screen = app.screen
        assert "deploy.sh" in screen.files
        await pilot.press("x")
        await until(pilot, lambda: type(app.screen).__name__ == "ExportDialog")
        dialog = app.screen
        # ...so, like `generate`, the dialog refuses...
        assert "worker" in str(dialog.query_one("#blockers").render())
        dialog.query_one("#dir").value = str(out)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.screen is dialog and not (out / "terraform").exists()
        dialog.query_one("#anyway").value = True  # ...until "export anyway" is ticked
        dialog.query_one("#dir").focus()
        await pilot.press("enter")
        await until(pilot, lambda: screen.last_result is not None)
        result = screen.last_result
        assert (out / "terraform" / "services.tf").is_file()
        assert (out / "deploy.sh").read_text() == "# mine\n"  # nothing clobbered
        assert "deploy.sh" in result.conflicts
        assert "Not overwritten" in str(screen.query_one("#export-result").render())


async def test_export_has_no_blocker_prompt_once_the_plan_is_fixed(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.set_plan(app.plan.model_copy(update={"target": "cloud-run-jobs"}))  # the worker runs as a Job
        await open_screen(pilot, "5", "export")
        await pilot.press("x")
        await until(pilot, lambda: type(app.screen).__name__ == "ExportDialog")
        assert not app.screen.query("#blockers") and not app.screen.query("#anyway")
        app.screen.query_one("#dir").value = str(tmp_path / "out")
        await pilot.press("enter")
        await until(pilot, lambda: (tmp_path / "out" / "deploy.sh").is_file())


@pytest.mark.slow
async def test_validators_run_in_worker(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "5", "export")
        screen = app.screen
        await pilot.press("v")
        await until(pilot, lambda: screen.verdicts is not None, timeout=90)
        assert screen.verdicts
        assert screen.query_one("#verdicts").row_count == len(screen.verdicts)


async def test_logs_file_source_shows_hint(tmp_path: Path) -> None:
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen, log = await open_logs(pilot)
        await until(pilot, lambda: any(e.hint is not None for e in log.shown))
        await pilot.press("n")
        await pilot.pause()
        entry = log.current()
        assert entry is not None and entry.hint is not None
        hint_text = str(screen.query_one("#hint").render())
        assert entry.hint.title in hint_text and "Fix:" in hint_text


async def test_logs_filter_and_follow(tmp_path: Path) -> None:
    from launchdeck.screens.widgets.log_view import Entry

    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen, log = await open_logs(pilot)
        screen.query_one("#filter").value = "error"
        await pilot.pause(0.2)
        assert log.shown and all("error" in e.text.lower() for e in log.shown)
        screen.query_one("#filter").value = ""
        await pilot.pause(0.2)
        log.focus()
        await pilot.press("f")  # pause following
        assert not log.follow
        screen.pending.extend(Entry(f"extra line {i}", "info") for i in range(30))
        await until(pilot, lambda: log.new_lines >= 30)
        assert "new lines" in str(screen.query_one("#log-state").render())
        await pilot.press("f")  # follow again: back at the tail
        assert log.follow and log.new_lines == 0


async def test_switching_source_drops_late_lines_of_the_old_one(tmp_path: Path) -> None:
    from launchdeck.screens.widgets.log_view import Entry

    other = tmp_path / "other.log"
    other.write_text("INFO fresh start\n")
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen, log = await open_logs(pilot)
        old = screen._generation
        screen.start_source(f"file:{other}")
        # The demo log's reader thread delivering one last batch after the switch: refused.
        assert not screen._accept(old, [Entry("stale demo line", "error")])
        await until(pilot, lambda: any("fresh start" in e.text for e in log.entries))
        await pilot.pause(0.3)
        assert [e.text for e in log.entries] == ["INFO fresh start"]  # nothing of the demo log, nothing stale


async def test_source_picker_lists_the_plan_and_local_sources(tmp_path: Path) -> None:
    (tmp_path / "app.log").write_text("2026-11-27T07:00:00Z exec /usr/local/bin/python: exec format error\n")
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen, log = await open_logs(pilot)
        await pilot.press("s")
        await until(pilot, lambda: type(app.screen).__name__ == "SourceDialog")
        specs = [spec for spec, _what in screen.source_choices()]
        assert specs[:5] == ["cloud-run:frontend", "cloud-run:backend", "cloud-run:realtime", "cloud-run-worker-pool:worker",
                             "cloud-run-job:migrate"]
        assert "kubectl:app.kubernetes.io/part-of=rehearsekit@rehearsekit" in specs and "compose" in specs
        await pilot.press("escape")  # nothing changes
        await until(pilot, lambda: app.screen is screen)
        assert screen.source_spec.endswith("demo.log")

        await pilot.press("s")  # "a log file": the source box gets `file:` to finish
        await until(pilot, lambda: type(app.screen).__name__ == "SourceDialog")
        app.screen.query_one("#sources").highlighted = specs.index("file:")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen and app.focused is screen.query_one("#source"))
        assert app.focused.value == "file:"
        await pilot.press(*"app.log", "enter")
        await until(pilot, lambda: screen.source_spec == "file:app.log")
        await until(pilot, lambda: any(e.hint is not None and e.hint.id == "cr-exec-format-error" for e in log.shown))

    gke = deck(cwd=tmp_path)
    async with gke.run_test(size=SIZE) as pilot:
        await pilot.pause()
        gke.set_plan(gke.plan.model_copy(update={"target": "gke-autopilot"}))
        screen, _log = await open_logs(pilot)
        assert screen.source_choices()[0][0].startswith("kubectl:")  # where the plan deploys, first


async def test_log_view_is_bounded() -> None:
    from textual.app import App, ComposeResult

    from launchdeck.screens.widgets.log_view import Entry, LogView

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield LogView(max_lines=100)

    app = Bare()
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(LogView)
        for chunk in range(5):
            log.add([Entry(f"line {chunk * 100 + i}", "info", "hint" if i % 7 == 0 else None) for i in range(130)])
        await pilot.pause()
        assert len(log.entries) == 100 and len(log.shown) == 100
        assert log.hinted == sum(1 for e in log.shown if e.hint is not None) > 0
        assert log.shown[-1].text == "line 529"
        assert log.total_seen == 650


def status_rows(screen: Any) -> dict[str, tuple[str, str]]:
    """The status panel as {row key: (state, latest-ready cell)}."""
    table = screen.query_one("#status")
    return {str(row.key.value): (str(table.get_row(row.key)[1]), str(table.get_row(row.key)[2]))
            for row in table.ordered_rows}


async def test_status_panel_without_project_offers_to_set_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No project: every unit (services, the job, the worker pool) is unknown, not an error, and p
    (or enter on a row) opens the Plan screen on the settings row's project field."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "nope.json"))
    app = deck(cwd=tmp_path, status_enabled=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "6", "logs")
        screen = app.screen
        text = str(screen.query_one("#status-state").render())
        assert "no Google Cloud project" in text and "p sets it" in text and "--project" not in text
        rows = status_rows(screen)
        assert set(rows) == {"frontend", "backend", "realtime", "worker", "migrate"}
        assert all(state == "unknown" for state, _ in rows.values())
        assert "worker (pool)" in str(screen.query_one("#status").get_row("worker")[0])
        await pilot.press("p")
        await until(pilot, lambda: app.current_mode == "plan" and getattr(app.focused, "id", "") == "f-project")
        plan_screen = app.screen
        components = plan_screen.query_one("#components")
        assert components.get_option_at_index(components.highlighted).id == "settings"
        # Back on Logs (the project field has the keys), enter on a row goes the same way.
        app.switch_mode("logs")
        await until(pilot, lambda: app.current_mode == "logs")
        screen.query_one("#status").focus()
        await pilot.press("enter")
        await until(pilot, lambda: app.current_mode == "plan" and getattr(app.focused, "id", "") == "f-project")
        # A project typed there: the panel asks again on its own (here: no credentials, so unknown).
        app.focused.value = "demo-project"
        await until(pilot, lambda: app.plan.project == "demo-project")
        app.switch_mode("logs")
        await until(pilot, lambda: bool(screen.statuses))
        assert not screen.missing_project and all(st.state == "unknown" for st in screen.statuses)


async def test_status_panel_without_credentials_is_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project but no credentials: unknown (with the gcloud command), never error."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "nope.json"))
    plan = tmp_path / "launchdeck.yaml"
    plan.write_text(EXAMPLE_PLAN.read_text().replace("region: us-central1", "project: demo-project\nregion: us-central1"))
    app = deck(str(plan), cwd=tmp_path, status_enabled=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "6", "logs")
        screen = app.screen
        await until(pilot, lambda: bool(screen.statuses))
        assert {st.kind for st in screen.statuses} == {"service", "job", "worker-pool"}
        assert all(st.state == "unknown" for st in screen.statuses)
        rows = status_rows(screen)
        assert all(state == "unknown" and latest == "no credentials" for state, latest in rows.values())
        text = str(screen.query_one("#status-state").render())
        assert "unknown: no Google credentials" in text and "gcloud auth application-default login" in text
        assert "error" not in text


async def test_compose_only_offers_import(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE_PLAN.parent / "docker-compose.yml", tmp_path / "docker-compose.yml")
    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmDialog")
        await pilot.press("y")
        await until(pilot, lambda: app.origin == "compose")
        assert "worker" in app.plan.services
        assert app.dirty


async def test_help_and_palette_cover_actions(tmp_path: Path) -> None:
    from launchdeck.screens.commands import _commands

    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        await pilot.press("escape")
        await until(pilot, lambda: app.current_mode == "plan" and type(app.screen).__name__ == "PlanScreen")
        names = [name for name, _help, _cb in _commands(app)]
        for wanted in ("go: costs", "target: compose", "plan: save", "costs: refresh prices",
                       "preflight: run checks", "export: export files", "export: run validators",
                       "logs: pick source", "logs: pause / follow", "logs: service status"):
            assert wanted in names
        commands = {n: cb for n, _h, cb in _commands(app)}
        await commands["target: gke-autopilot"]()
        await until(pilot, lambda: app.plan.target == "gke-autopilot")
        await commands["costs: gcp vs self-host"]()  # switches screen, then runs that screen's action
        assert app.current_mode == "costs" and app.screen.query_one("#cost-tabs").active == "versus"


def test_unparsable_plan_exits_2_before_the_tui(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "launchdeck.yaml"
    bad.write_text("name: demo\nservices:\n  web: [unclosed\n")
    assert launch(str(bad)) == 2  # the YAML is read before the app starts: no terminal is touched
    err = capsys.readouterr().err
    assert f"{bad}:" in err and "Traceback" not in err


async def test_invalid_plan_opens_with_its_errors_and_quits_with_2(tmp_path: Path) -> None:
    bad = tmp_path / "launchdeck.yaml"
    bad.write_text("name: demo\nservices:\n  web:\n    role: frontend\n")
    app = deck(str(bad), cwd=tmp_path)
    assert app.plan is None and app.preview is not None  # validated after the first paint
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "InvalidPlanScreen"
                    and "role" in str(app.screen.query_one("#invalid-errors").render()))
        errors = str(app.screen.query_one("#invalid-errors").render())
        assert "launchdeck.yaml:4" in errors and "services.web.role" in errors
        await pilot.press("q")
        await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 2
    assert f"{bad}:4:" in str(app.plan_error) and "role" in str(app.plan_error)


async def test_invalid_plan_opens_the_editor_at_the_error_then_reloads(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """e runs $EDITOR with +LINE (as vi, nano and emacs take it); the fixed file loads in place."""
    import sys

    bad = tmp_path / "launchdeck.yaml"
    bad.write_text("name: demo\nservices:\n  web:\n    role: frontend\n    port: 8000\n")
    editor = tmp_path / "bin" / "vi"
    editor.parent.mkdir()
    editor.write_text(f"#!{sys.executable}\nimport sys, pathlib\n"
                      f"pathlib.Path({str(tmp_path / 'argv')!r}).write_text(repr(sys.argv[1:]))\n"
                      "p = pathlib.Path(sys.argv[-1]); p.write_text(p.read_text().replace('frontend', 'web'))\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    app = deck(str(bad), cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "InvalidPlanScreen")
        await pilot.press("e")
        await until(pilot, lambda: app.plan is not None)
        assert (tmp_path / "argv").read_text() == repr(["+4", str(bad)])
        await until(pilot, lambda: type(app.screen).__name__ == "PlanScreen")
        assert app.plan.services["web"].role == "web" and app.plan_error is None and not app.dirty
    assert app.return_code in (None, 0)


def test_launchdeck_on_an_invalid_plan_in_a_terminal(tmp_path: Path) -> None:
    """The real command in a pseudo-terminal: it lists the errors, q quits, FILE:LINE printed, exit 2."""
    import sys

    from tests.ptyrun import PtySession

    bad = tmp_path / "launchdeck.yaml"
    bad.write_text("name: demo\nservices:\n  web:\n    role: frontend\n")
    run = PtySession([sys.executable, "-m", "launchdeck.app.cli", str(bad)], cwd=str(ROOT))
    try:
        run.read_until(b"is not a valid plan yet", timeout=60)
        run.write(b"q")
        assert run.wait(30) == 2
        text = run.output.decode(errors="replace")
        assert f"{bad}:4: services.web.role" in text and "Traceback" not in text
    finally:
        run.kill()


@pytest.mark.slow
async def test_status_panel_jumps_to_failing_revision_logs(tmp_path: Path, plan_file: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Against the fake Run/Logging server: a failing revision, then its logs with a hint."""
    from tests.fakes.fake_run import FakeRun

    with FakeRun() as fake:
        monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", fake.target)
        fake.add_service("backend", failing=True)
        app = deck(str(plan_file), cwd=tmp_path, status_enabled=True)
        async with app.run_test(size=SIZE) as pilot:
            await open_screen(pilot, "6", "logs")
            screen = app.screen
            await until(pilot, lambda: bool(screen.statuses), timeout=30)
            states = {st.name: st.state for st in screen.statuses}
            assert states["backend"] == "failing"
            table = screen.query_one("#status")
            table.focus()
            table.move_cursor(row=table.get_row_index("backend"))
            await pilot.press("enter")
            log = screen.query_one("LogView")
            await until(pilot, lambda: any(e.hint is not None for e in log.shown), timeout=30)
            assert "failing" in screen.source_state
            hinted = next(e for e in log.shown if e.hint is not None)
            assert hinted.hint.id == "cr-container-failed-to-listen-on-port"


async def test_logs_at_80x24_symptoms_severity_and_pane_reset(tmp_path: Path) -> None:
    """80x24: the log uses the width; error+ keeps hinted lines without a level; a symptom's
    enter jumps to its root cause; the hint pane resets when the filter or source changes."""
    src = tmp_path / "pods.log"
    src.write_text("starting\n"
                   "api-7d9c6b5f4-x2k8p     0/1     CrashLoopBackOff   5          3m\n"
                   "    Last State:     Terminated\n"
                   "      Reason:       OOMKilled\n"
                   "GET /health 200\n")
    app = deck(cwd=tmp_path, log_source=f"file:{src}")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "6", "logs")
        screen = pilot.app.screen
        log = screen.query_one("LogView")
        await until(pilot, lambda: len(log.entries) >= 5 and any(e.cause for e in log.entries))
        assert log.size.width >= 70  # the side pane stacked under the log
        symptom = next(e for e in log.shown if e.hint is not None and e.hint.id == "k8s-crashloopbackoff")
        assert symptom.cause == (4, "k8s-oomkilled")
        log.focus()
        await pilot.press("n")  # first hinted line: the symptom
        await pilot.pause()
        assert log.current() is symptom and "Symptom of line 4" in str(screen.query_one("#hint").render())
        await pilot.press("enter")  # jumps to the root cause
        await pilot.pause()
        assert log.current().seq == 4 and "OOMKilled" in str(screen.query_one("#hint").render())
        screen.query_one("#severity").value = 3  # error+: "Reason: OOMKilled" has no level of its own
        await pilot.pause(0.2)
        assert {e.seq for e in log.shown} == {2, 4}
        assert "Move onto one" in str(screen.query_one("#hint").render())  # the pane was reset


async def test_help_lists_the_keys_each_screen_answers_to(tmp_path: Path) -> None:
    """Read from the bindings: the list keys of the Plan screen, the choice's ←/→, the target
    table's space, and no key that a priority binding of the app takes first (ctrl+c copy)."""
    from launchdeck.screens import help as help_module

    app = deck(cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        display = app.get_key_display
        plan = dict(help_module.screen_keys(__import__("launchdeck.screens.plan", fromlist=["x"]), display,
                                            help_module._taken(type(app))))
        for key in ("↓, j", "↑, k", "home, g", "end, G", "tab", "esc", "e"):
            assert key in plan, key
        assert "←, h previous" in plan["in a choice (‹ value ›)"] and "space, ⏎, →, l next" in plan["in a choice (‹ value ›)"]
        target = dict(help_module.screen_keys(__import__("launchdeck.screens.target", fromlist=["x"]), display))
        assert any("space" in key for key in target)
        everywhere = dict(help_module.global_keys(app, display))
        assert "^c" not in [k for k, what in everywhere.items() if what == "Copy selected text"][0]  # ctrl+c quits
        assert everywhere.get(display(__import__("textual.binding").binding.Binding("ctrl+c", "quit"))) == "Quit"
