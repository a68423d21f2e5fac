"""`status` and `deploy` for Cloud Run worker pools, with the real WorkerPoolsAsyncClient against the fake Run server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchdeck.app.cli import main
from launchdeck.app.live.status import fetch_status, revision_logs
from launchdeck.app.planfile import load_plan
from tests.fakes.fake_run import EXEC_MESSAGE, FakeRun
from tests.helpers import PLAN

POOL = "projects/demo-project/locations/us-central1/workerPools/worker"
WORKER = """\
  worker:
    role: worker
    build: ./backend
    command: [celery, -A, app.worker, worker, --loglevel=info]
    instances: 3
    env: {LOG_LEVEL: info}
    secrets: [DATABASE_URL]
"""
WRITES = {"CreateWorkerPool", "UpdateWorkerPool", "CreateService", "UpdateService", "CreateJob", "UpdateJob"}


@pytest.fixture
def fake(fake_run: FakeRun) -> FakeRun:
    return fake_run


@pytest.fixture
def pool_plan(tmp_path: Path) -> Path:
    path = tmp_path / "launchdeck.yaml"
    path.write_text(PLAN + WORKER)
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def seed_rest(fake: FakeRun) -> None:
    fake.add_service("backend", memory="2Gi", port=8000, env={"LOG_LEVEL": "info"},
                     secrets={"DATABASE_URL": ("DATABASE_URL", "latest")})
    fake.add_job("migrate", executions=[{"succeeded": 1}])


# --- status --------------------------------------------------------------------------------------

async def test_healthy_worker_pool(fake: FakeRun, pool_plan: Path) -> None:
    fake.add_worker_pool("worker", instances=3)
    got = {st.name: st for st in await fetch_status(load_plan(pool_plan).plan, "demo-project")}
    pool = got["worker"]
    assert (pool.kind, pool.state, pool.ready, pool.instances, pool.url) == ("worker-pool", "ready", True, 3, None)
    assert pool.latest_ready.startswith("worker-00001-") and pool.traffic == [(pool.latest_ready, 100)]
    get = next(c for c in fake.calls if c.method == "GetWorkerPool")
    assert get.request.name == POOL and get.metadata["x-goog-request-params"] == "location=us-central1"
    assert "GetService" not in [c.method for c in fake.calls if c.request.name.endswith("/worker")]


async def test_failing_worker_pool_revision_with_hint_and_logs(fake: FakeRun, pool_plan: Path) -> None:
    fake.add_worker_pool("worker", failing=True)
    pool = {st.name: st for st in await fetch_status(load_plan(pool_plan).plan, "demo-project")}["worker"]
    assert pool.state == "failing" and pool.failing_revision == pool.latest_created != pool.latest_ready
    assert pool.failure_reason == "CONTAINER_MISSING" and EXEC_MESSAGE in pool.failure_message
    assert pool.hint is not None and pool.hint.id == "cr-application-exec-failed"
    lines = await revision_logs("demo-project", "us-central1", "worker", pool.failing_revision, kind="worker-pool")
    assert len(lines) == 2 and EXEC_MESSAGE in lines[0]
    listed = next(c for c in fake.calls if c.method == "ListLogEntries")
    assert 'resource.type="cloud_run_worker_pool"' in listed.request.filter
    assert 'resource.labels.worker_pool_name="worker"' in listed.request.filter


def test_status_cli_lists_the_pool(fake: FakeRun, pool_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_rest(fake)
    fake.add_worker_pool("worker", instances=3)
    code, out, err = cli(capsys, "status", str(pool_plan))
    assert code == 0, err
    row = next(line for line in out.splitlines() if "worker (worker pool)" in line)
    assert "ready" in row and "3 instances, 100% latest ready" in row
    data = json.loads(cli(capsys, "status", str(pool_plan), "--format", "json")[1])
    assert {s["name"]: (s["kind"], s["instances"]) for s in data["services"]}["worker"] == ("worker-pool", 3)


def test_status_cli_failing_pool_with_logs(fake: FakeRun, pool_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_rest(fake)
    fake.add_worker_pool("worker", failing=True)
    code, out, _ = cli(capsys, "status", str(pool_plan), "--logs")
    assert code == 1
    assert "hint [cr-application-exec-failed]" in out
    assert "last 2 log lines of revision worker-00002-" in out


def test_status_not_deployed_and_denied(fake: FakeRun, pool_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_rest(fake)
    code, out, _ = cli(capsys, "status", str(pool_plan))
    assert code == 1 and "Not deployed yet: worker" in out
    fake.add_worker_pool("worker")
    fake.deny.add("GetWorkerPool")
    code, out, err = cli(capsys, "status", str(pool_plan))
    assert code == 2
    [line] = [x for x in err.splitlines() if "worker" in x]
    assert "run.workerpools.get" in line and "roles/run.viewer" in line


# --- deploy --------------------------------------------------------------------------------------

def test_dry_run_diffs_a_live_pool(fake: FakeRun, pool_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_rest(fake)
    fake.add_worker_pool("worker", instances=1, memory="256Mi", env={"LOG_LEVEL": "debug", "FEATURE_X": "on"})
    code, out, err = cli(capsys, "deploy", str(pool_plan), "--dry-run")
    assert code == 0, err
    lines = out.splitlines()
    assert "worker (worker pool): scaling.manual_instance_count: 1 → 3" in lines
    assert "worker (worker pool): template.containers[0].resources.limits.memory: 256Mi → 512Mi" in lines
    assert "worker (worker pool): template.containers[0].env[LOG_LEVEL]: debug → info" in lines
    assert any(line.startswith("worker (worker pool): kept (live, not in the plan") and "FEATURE_X" in line
               for line in lines)
    assert not any("ports" in line or "startup_probe" in line or "timeout" in line
                   for line in lines if line.startswith("worker"))
    assert not WRITES & set(fake.methods_called())


def test_dry_run_for_a_pool_not_deployed(fake: FakeRun, pool_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_rest(fake)
    code, out, _ = cli(capsys, "deploy", str(pool_plan), "--dry-run")
    assert code == 0
    assert f"worker (worker pool): not deployed yet; would create {POOL}" in out.splitlines()


def test_deploy_creates_the_pool(fake: FakeRun, pool_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_rest(fake)
    code, out, err = cli(capsys, "deploy", str(pool_plan), "--tag", "v7")
    assert code == 0, out + err
    create = next(c for c in fake.calls if c.method == "CreateWorkerPool")
    assert create.request.worker_pool_id == "worker"
    body = create.request.worker_pool
    assert body.scaling.manual_instance_count == 3
    container = body.template.containers[0]
    assert not container.ports and not container.startup_probe
    assert container.image == "us-central1-docker.pkg.dev/demo-project/shop/backend:v7"
    assert list(container.args) == ["celery", "-A", "app.worker", "worker", "--loglevel=info"]
    assert "worker (worker pool): created, ready" in out.splitlines()
    # a second deploy changes nothing
    code, out, _ = cli(capsys, "deploy", str(pool_plan), "--tag", "v7")
    assert code == 0 and "worker (worker pool): unchanged, ready" in out.splitlines()


def test_deploy_reports_a_revision_that_cannot_start(fake: FakeRun, pool_plan: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    seed_rest(fake)
    fake.add_worker_pool("worker", instances=3)
    fake.fail_next.add("worker")
    code, out, _ = cli(capsys, "deploy", str(pool_plan), "--tag", "v8")
    assert code == 1  # the operation succeeded, the revision did not
    assert "worker: revision worker-00002-" in out and "hint [cr-application-exec-failed]" in out
    assert "worker (worker pool): updated, failing" in out.splitlines()


def test_deploy_only_the_count_makes_no_revision(fake: FakeRun, pool_plan: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    seed_rest(fake)
    assert cli(capsys, "deploy", str(pool_plan), "--tag", "v1")[0] == 0
    first = fake.worker_pools[POOL].latest_created_revision
    pool_plan.write_text(pool_plan.read_text().replace("instances: 3", "instances: 5"))
    code, out, _ = cli(capsys, "deploy", str(pool_plan), "--dry-run")
    assert [line for line in out.splitlines() if line.startswith("worker")] == [
        "worker (worker pool): scaling.manual_instance_count: 3 → 5"]
    code, out, err = cli(capsys, "deploy", str(pool_plan), "--yes")
    assert code == 0, out + err
    assert fake.worker_pools[POOL].scaling.manual_instance_count == 5
    assert fake.worker_pools[POOL].latest_created_revision == first  # manual scaling: no new revision


def test_deploy_update_denied_is_exit_2(fake: FakeRun, pool_plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_rest(fake)
    fake.add_worker_pool("worker", instances=1)
    fake.deny.add("UpdateWorkerPool")
    code, _, err = cli(capsys, "deploy", str(pool_plan), "--yes")
    assert code == 2
    assert "run.workerpools.update" in err and "roles/run.developer" in err


@pytest.mark.slow
async def test_tui_status_panel_lists_the_pool_and_opens_its_failing_logs(tmp_path: Path, pool_plan: Path,
                                                                         fake: FakeRun) -> None:
    from tests.test_tui import SIZE, deck, open_screen, until

    seed_rest(fake)
    fake.add_worker_pool("worker", failing=True)
    app = deck(str(pool_plan), cwd=tmp_path, status_enabled=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "6", "logs")
        screen = app.screen
        await until(pilot, lambda: bool(screen.statuses), timeout=30)
        assert {st.name: (st.kind, st.state) for st in screen.statuses}["worker"] == ("worker-pool", "failing")
        table = screen.query_one("#status")
        table.focus()
        table.move_cursor(row=table.get_row_index("worker"))
        await pilot.press("enter")
        log = screen.query_one("LogView")
        await until(pilot, lambda: any(e.hint is not None for e in log.shown), timeout=30)
        assert next(e for e in log.shown if e.hint is not None).hint.id == "cr-application-exec-failed"
