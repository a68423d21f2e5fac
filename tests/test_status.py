"""`launchdeck status` and app.live.status against the fake Run v2 server, with the real google-cloud-run clients."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchdeck.app.cli import main
from launchdeck.app.live.status import fetch_status, revision_logs
from launchdeck.app.planfile import load_plan
from tests.fakes.fake_run import PORT_MESSAGE, FakeRun
from tests.helpers import PLAN

PORT_HINT = "cr-container-failed-to-listen-on-port"  # /work/shared/errors/signatures.yaml


@pytest.fixture
def fake(fake_run: FakeRun) -> FakeRun:
    """`fake` in this module is the Run fake (tests/conftest.py; it sets COLUMNS=160 for parsed tables)."""
    return fake_run


def by_name(statuses):
    return {st.name: st for st in statuses}


async def test_healthy_service_and_job(fake: FakeRun, plan_file: Path) -> None:
    fake.add_service("backend")
    fake.add_job("migrate", executions=[{"succeeded": 1}, {"succeeded": 3}])
    plan = load_plan(plan_file).plan

    got = by_name(await fetch_status(plan, "demo-project"))

    backend = got["backend"]
    assert backend.kind == "service" and backend.deployed and backend.ready and backend.state == "ready"
    assert backend.url == "https://backend-abc123-uc.a.run.app"
    assert backend.latest_created == backend.latest_ready and backend.latest_ready.startswith("backend-00001-")
    assert backend.traffic == [(backend.latest_ready, 100)]
    assert [(c.type, c.state) for c in backend.conditions] == [
        ("Ready", "succeeded"), ("ConfigurationsReady", "succeeded"), ("RoutesReady", "succeeded")]
    assert backend.failing_revision is None and backend.hint is None and backend.error is None
    job = got["migrate"]
    assert job.kind == "job" and job.ready
    assert [(e["succeeded"], e["tasks"]) for e in job.executions] == [(3, 3), (1, 1)]  # newest first
    # The real client routes by resource name, as it does against Google.
    get = next(c for c in fake.calls if c.method == "GetService")
    assert get.request.name == "projects/demo-project/locations/us-central1/services/backend"
    assert get.metadata["x-goog-request-params"] == "location=us-central1"


async def test_failing_revision_reason_hint_and_logs(fake: FakeRun, plan_file: Path) -> None:
    fake.add_service("backend", failing=True)
    plan = load_plan(plan_file).plan

    backend = by_name(await fetch_status(plan, "demo-project"))["backend"]

    assert backend.deployed and not backend.ready and backend.state == "failing"
    assert backend.failing_revision == backend.latest_created != backend.latest_ready
    assert backend.failure_reason == "HEALTH_CHECK_CONTAINER_ERROR"
    assert PORT_MESSAGE in backend.failure_message and "\n" not in backend.failure_message
    assert backend.hint is not None and backend.hint.id == PORT_HINT
    assert any(c.type == "Ready" and c.state == "failed" for c in backend.revision_conditions)
    # traffic stays on the last ready revision
    assert backend.traffic == [(backend.latest_ready, 100)]

    lines = await revision_logs("demo-project", "us-central1", "backend", backend.failing_revision, limit=3)
    assert len(lines) == 3
    assert "Uvicorn running on http://127.0.0.1:8000" in lines[0]
    assert lines[-1].endswith(f"{PORT_MESSAGE}.") and "ERROR" in lines[-1]
    listed = next(c for c in fake.calls if c.method == "ListLogEntries")
    assert f'resource.labels.revision_name="{backend.failing_revision}"' in listed.request.filter


async def test_not_deployed_is_a_state_not_an_error(fake: FakeRun, plan_file: Path) -> None:
    plan = load_plan(plan_file).plan
    got = by_name(await fetch_status(plan, "demo-project"))
    assert not got["backend"].deployed and got["backend"].error is None
    assert got["backend"].state == "not deployed" and got["migrate"].state == "not deployed"


async def test_permission_denied_never_raises(fake: FakeRun, plan_file: Path) -> None:
    fake.deny.add("GetService")
    fake.add_job("migrate")
    plan = load_plan(plan_file).plan
    got = by_name(await fetch_status(plan, "demo-project"))
    assert got["backend"].error_kind == "permission" and "run.services.get" in got["backend"].error
    assert got["backend"].state == "error"
    assert got["migrate"].error is None and got["migrate"].ready


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_healthy_exit_0(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake.add_service("backend")
    fake.add_job("migrate", executions=[{"succeeded": 1}])
    code, out, err = run_cli(capsys, "status", str(plan_file))
    assert code == 0, err
    assert "https://backend-abc123-uc.a.run.app" in out and "ready" in out
    assert "RoutesReady" in out and err == ""


def test_cli_failing_with_logs_exit_1(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake.add_service("backend", failing=True)
    fake.add_job("migrate")
    code, out, _ = run_cli(capsys, "status", str(plan_file), "--logs")
    assert code == 1
    assert "HEALTH_CHECK_CONTAINER_ERROR" in out and PORT_HINT in out
    assert "Uvicorn running on http://127.0.0.1:8000" in out  # the revision's logs, one flag away
    assert "ContainerHealthy" in out


def test_cli_failing_without_logs_does_not_read_logs(fake: FakeRun, plan_file: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    fake.add_service("backend", failing=True)
    code, out, _ = run_cli(capsys, "status", str(plan_file))
    assert code == 1 and PORT_HINT in out
    assert "ListLogEntries" not in fake.methods_called() and "Uvicorn" not in out


def test_cli_json(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake.add_service("backend", failing=True)
    fake.add_job("migrate", executions=[{"succeeded": 2, "failed": 1}])
    code, out, _ = run_cli(capsys, "status", str(plan_file), "--format", "json", "--logs", "--lines", "2")
    assert code == 1
    data = json.loads(out)
    assert data["project"] == "demo-project"
    backend, job = data["services"]
    assert backend["state"] == "failing" and backend["hint"]["id"] == PORT_HINT
    assert backend["failure_reason"] == "HEALTH_CHECK_CONTAINER_ERROR"
    assert len(backend["logs"]) == 2 and "Ready condition status changed" in backend["logs"][-1]
    assert job["kind"] == "job" and job["executions"][0]["failed"] == 1 and job["executions"][0]["succeeded"] == 2
    assert job["state"] == "failing" and job["failing_execution"] == job["executions"][0]["name"]


def test_cli_job_executions_table(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake.add_service("backend")
    fake.add_job("migrate", executions=[{"succeeded": 1}, {"succeeded": 4, "running": 2}])
    code, out, _ = run_cli(capsys, "status", str(plan_file))
    assert code == 0
    table = out.split("Job executions", 1)[1]
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in table.splitlines() if line.startswith("│")]
    assert rows == [["migrate", "migrate-02x1q", "6", "4", "0", "2", "0", "running"],
                    ["migrate", "migrate-01x0q", "1", "1", "0", "0", "0", "2026-11-27 04:02Z"]]


def test_cli_permission_denied_one_line_exit_2(fake: FakeRun, plan_file: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    fake.deny.add("*")
    code, out, err = run_cli(capsys, "status", str(plan_file))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "permission denied" in err and "run.services.get" in err and "Traceback" not in err
    assert "roles/run.viewer" in err and "[same for 1 more service]" in err


def test_cli_api_disabled_one_line(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake.disabled = True
    code, out, err = run_cli(capsys, "status", str(plan_file))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "API is disabled" in err and "run.googleapis.com" in err


def test_cli_rejects_non_cloud_run_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(PLAN.replace("target: cloud-run", "target: gke-autopilot"))
    code, _, err = run_cli(capsys, "status", str(path))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "gke-autopilot" in err


def test_cli_no_project(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    monkeypatch.delenv("CLOUDSDK_CORE_PROJECT", raising=False)
    path = tmp_path / "p.yaml"
    path.write_text(PLAN.replace("project: demo-project\n", ""))
    code, _, err = run_cli(capsys, "status", str(path))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--project" in err


def test_cli_no_credentials(plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAUNCHDECK_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing-key.json"))
    code, out, err = run_cli(capsys, "status", str(plan_file))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "missing-key.json" in err


def test_project_flag_overrides_plan(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run_cli(capsys, "status", str(plan_file), "--project", "other-project")
    assert code == 1  # nothing deployed there
    names = [c.request.name for c in fake.calls if c.method == "GetService"]
    assert names == ["projects/other-project/locations/us-central1/services/backend"]


def test_example_plan_units(fake: FakeRun, capsys: pytest.CaptureFixture[str]) -> None:
    """The built-in example: three services, the worker pool and the migrate job, all reported, none deployed yet."""
    example = Path(__file__).resolve().parents[1] / "assets" / "example" / "launchdeck.yaml"
    code, out, _ = run_cli(capsys, "status", str(example), "--project", "demo-project", "--format", "json")
    assert code == 1
    kinds = {s["name"]: s["kind"] for s in json.loads(out)["services"]}
    assert kinds == {"frontend": "service", "backend": "service", "realtime": "service", "worker": "worker-pool",
                     "migrate": "job"}


def test_cli_logs_unreadable_still_reports(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake.add_service("backend", failing=True)
    fake.add_job("migrate")
    fake.deny.add("ListLogEntries")
    code, out, _ = run_cli(capsys, "status", str(plan_file), "--logs")
    assert code == 1 and PORT_HINT in out
    assert "logs: Cloud Logging" in out and "logging.logEntries.list" in out


async def test_fetch_status_without_credentials_sets_errors(plan_file: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAUNCHDECK_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "nope.json"))
    got = await fetch_status(load_plan(plan_file).plan, "demo-project")
    assert [st.error_kind for st in got] == ["auth", "auth"] and all("nope.json" in st.error for st in got)
    assert [st.state for st in got] == ["unknown", "unknown"]  # nothing was asked: not an error


async def test_repeated_fetches_in_one_loop(fake: FakeRun, plan_file: Path) -> None:
    """What the TUI does: refresh again and again in its own loop; each call builds and closes its clients."""
    fake.add_service("backend")
    plan = load_plan(plan_file).plan
    first = await fetch_status(plan, "demo-project")
    bad = fake.redeploy("backend", failing=True)
    second = await fetch_status(plan, "demo-project")
    assert first[0].ready and second[0].state == "failing" and second[0].hint.id == PORT_HINT
    assert second[0].failing_revision == bad and second[0].latest_ready == first[0].latest_ready
