"""`launchdeck deploy` against the fake Run v2 server, with the real google-cloud-run clients and LROs."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchdeck.app.cli import main
from launchdeck.app.live.deploy import BadImageArg, build_job, build_service, default_image, parse_image_args
from launchdeck.app.live.diff import diff_views, env_value, service_view
from launchdeck.app.planfile import load_plan
from tests.fakes.fake_run import FakeRun
from tests.test_status import PORT_HINT

BACKEND = "projects/demo-project/locations/us-central1/services/backend"
MIGRATE = "projects/demo-project/locations/us-central1/jobs/migrate"
WRITES = {"CreateService", "UpdateService", "CreateJob", "UpdateJob"}


@pytest.fixture
def fake(fake_run: FakeRun) -> FakeRun:
    """`fake` in this module is the Run fake (tests/conftest.py; it sets COLUMNS=160 for parsed tables)."""
    return fake_run


def seed_live(fake: FakeRun) -> None:
    """backend live with 1Gi, a debug log level, and settings the plan does not have."""
    fake.add_service("backend", memory="1Gi", env={"LOG_LEVEL": "debug", "FEATURE_X": "on"},
                     secrets={"DATABASE_URL": ("prod-db-url", "3"), "STRIPE_KEY": ("stripe-key", "latest")})
    fake.add_job("migrate", executions=[{"succeeded": 1}])


def live_env(fake: FakeRun, name: str = BACKEND) -> dict[str, str]:
    return {e.name: env_value(e) for e in fake.services[name].template.containers[0].env}


def deploy(capsys: pytest.CaptureFixture[str], plan_file: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["deploy", str(plan_file), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_shows_field_diff_and_changes_nothing(fake: FakeRun, plan_file: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    seed_live(fake)
    before = type(fake.services[BACKEND]).serialize(fake.services[BACKEND])
    code, out, err = deploy(capsys, plan_file, "--dry-run")
    assert code == 0, err
    lines = out.splitlines()
    assert "backend: template.containers[0].resources.limits.memory: 1Gi → 2Gi" in lines
    assert "backend: template.containers[0].env[LOG_LEVEL]: debug → info" in lines
    assert "backend: template.containers[0].ports[0].container_port: 8080 → 8000" in lines
    assert any(line.startswith("backend: kept (live, not in the plan") and "FEATURE_X" in line for line in lines)
    assert lines[-1] == "Dry run: nothing was changed."
    assert not WRITES & set(fake.methods_called())
    assert type(fake.services[BACKEND]).serialize(fake.services[BACKEND]) == before


def test_dry_run_for_a_service_not_deployed_yet(fake: FakeRun, plan_file: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = deploy(capsys, plan_file, "--dry-run")
    assert code == 0
    assert f"backend: not deployed yet; would create {BACKEND}" in out
    assert ("backend: template.containers[0].image: (unset) → "
            "us-central1-docker.pkg.dev/demo-project/shop/backend:latest") in out
    assert not WRITES & set(fake.methods_called())


def test_deploy_without_tty_keeps_live_only_settings(fake: FakeRun, plan_file: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    seed_live(fake)
    code, out, err = deploy(capsys, plan_file)
    assert code == 0, err
    assert "UpdateService" in fake.methods_called() and "GetOperation" in fake.methods_called()
    env = live_env(fake)
    # the plan's changes are applied ...
    assert env["LOG_LEVEL"] == "info"
    assert fake.services[BACKEND].template.containers[0].resources.limits["memory"] == "2Gi"
    # ... and nothing live was dropped: the extra var, the extra secret and the live secret binding stay
    assert env["FEATURE_X"] == "on"
    assert env["STRIPE_KEY"] == "secret stripe-key:latest"
    assert env["DATABASE_URL"] == "secret prod-db-url:3"
    kept = next(line for line in out.splitlines() if line.startswith("backend: kept"))
    assert "FEATURE_X (env var)" in kept and "STRIPE_KEY (secret stripe-key:latest)" in kept
    assert "DATABASE_URL → secret prod-db-url:3" in kept
    assert "on" not in kept.split(":", 1)[1].replace("(", " ").split()  # values of plain vars are not printed
    # unmanaged live settings survive the update
    assert fake.services[BACKEND].template.service_account == "runner@demo-project.iam.gserviceaccount.com"
    assert "backend: updated, ready https://backend-abc123-uc.a.run.app" in out


def test_deploy_survives_unavailable_while_polling(fake: FakeRun, plan_file: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    fake.add_service("backend", memory="1Gi")
    fake.add_job("migrate")
    fake.unavailable_polls = 1
    code, out, err = deploy(capsys, plan_file)
    assert code == 0, err + out
    assert fake.methods_called().count("GetOperation") == 3  # one refused poll, then one per unit
    assert "backend: updating (" in out and "backend: updated in" in out


def test_deploy_prune_removes_live_only_settings(fake: FakeRun, plan_file: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    seed_live(fake)
    code, out, err = deploy(capsys, plan_file, "--prune")
    assert code == 0, err
    assert live_env(fake) == {"LOG_LEVEL": "info", "DATABASE_URL": "secret DATABASE_URL:latest"}
    removing = next(line for line in out.splitlines() if line.startswith("backend: removing"))
    assert "FEATURE_X (env var)" in removing and "STRIPE_KEY (secret stripe-key:latest)" in removing
    assert ("backend: re-pointing (--prune or your answer): DATABASE_URL from secret prod-db-url:3 "
            "to secret DATABASE_URL:latest") in out


def test_deploy_yes_keeps_too(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_live(fake)
    code, _, _ = deploy(capsys, plan_file, "--yes")
    assert code == 0 and live_env(fake)["FEATURE_X"] == "on"


def test_deploy_creates_missing_service_and_job(fake: FakeRun, plan_file: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = deploy(capsys, plan_file, "--image", "backend=us-docker.pkg.dev/x/y/backend:sha-123")
    assert code == 0, err
    create = next(c for c in fake.calls if c.method == "CreateService")
    assert create.request.service_id == "backend" and create.request.parent.endswith("/locations/us-central1")
    svc = fake.services[BACKEND]
    c = svc.template.containers[0]
    assert c.image == "us-docker.pkg.dev/x/y/backend:sha-123"
    assert c.ports[0].container_port == 8000 and c.startup_probe.tcp_socket.port == 8000
    assert dict(c.resources.limits) == {"cpu": "1", "memory": "2Gi"} and c.resources.cpu_idle
    assert svc.template.max_instance_request_concurrency == 80 and svc.template.timeout.total_seconds() == 300
    job = fake.jobs[MIGRATE]
    assert list(job.template.template.containers[0].args) == ["alembic", "upgrade", "head"]
    assert job.template.template.containers[0].image == "us-central1-docker.pkg.dev/demo-project/shop/backend:latest"
    assert "backend: created, ready" in out and "migrate (job): created, ready" in out


def test_image_kept_live_unless_image_or_tag_given(fake: FakeRun, plan_file: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    seed_live(fake)
    live_image = fake.services[BACKEND].template.containers[0].image
    code, out, _ = deploy(capsys, plan_file, "--dry-run")
    assert code == 0 and "backend: template.containers[0].image" not in out  # config-only deploy
    code, out, _ = deploy(capsys, plan_file, "--tag", "3f9c2a1b7d0e")
    assert code == 0
    image = fake.services[BACKEND].template.containers[0].image
    assert image == "us-central1-docker.pkg.dev/demo-project/shop/backend:3f9c2a1b7d0e" != live_image
    assert fake.jobs[MIGRATE].template.template.containers[0].image.endswith("/shop/backend:3f9c2a1b7d0e")
    code, _, err = deploy(capsys, plan_file, "--tag", "bad tag!")
    assert code == 2 and "--tag" in err


def test_second_deploy_is_a_no_op(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy(capsys, plan_file)[0] == 0
    fake.calls.clear()
    code, out, _ = deploy(capsys, plan_file, "--dry-run")
    assert code == 0 and "backend: no changes" in out and "migrate (job): no changes" in out
    code, out, _ = deploy(capsys, plan_file)
    assert code == 0 and "0 to create or update, 2 unchanged" in out
    assert not WRITES & set(fake.methods_called())


def test_failing_revision_after_successful_lro(fake: FakeRun, plan_file: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    seed_live(fake)
    fake.fail_next.add("backend")
    code, out, _ = deploy(capsys, plan_file)
    assert code == 1
    assert "GetOperation" in fake.methods_called()  # the operation itself succeeded
    assert "HEALTH_CHECK_CONTAINER_ERROR" in out and PORT_HINT in out
    assert "Uvicorn running on http://127.0.0.1:8000" in out  # the failing revision's last log lines
    assert "backend: updated, failing" in out


def test_permission_denied_one_line_exit_2(fake: FakeRun, plan_file: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    seed_live(fake)
    fake.deny.update({"GetService", "GetJob"})
    code, out, err = deploy(capsys, plan_file)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "permission denied" in err
    assert "roles/run.developer" in err
    assert not WRITES & set(fake.methods_called())


def test_update_denied_is_exit_2(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_live(fake)
    fake.deny.add("UpdateService")
    code, _, err = deploy(capsys, plan_file)
    assert code == 2 and "run.services.update" in err and len(err.strip().splitlines()) == 1


def test_bad_image_argument(fake: FakeRun, plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = deploy(capsys, plan_file, "--image", "nosuch=img:1")
    assert code == 2 and "nosuch" in err and len(err.strip().splitlines()) == 1
    code, _, err = deploy(capsys, plan_file, "--image", "backend")
    assert code == 2 and "SERVICE=IMAGE" in err


# ----------------------------------------------------------------------------- pure parts
def test_build_service_follows_the_plan(plan_file: Path) -> None:
    plan = load_plan(plan_file).plan
    plan.services["backend"].billing = "instance"
    plan.services["backend"].min_instances = 1
    svc = build_service(plan, "backend", "img:1")
    view = service_view(svc)
    assert view["template.containers[0].resources.cpu_idle"] == "false"
    assert view["template.scaling.min_instance_count"] == "1"
    assert view["template.containers[0].env[DATABASE_URL]"] == "secret DATABASE_URL:latest"
    assert view["template.containers[0].startup_probe.tcp_socket.port"] == "8000"
    job = build_job(plan, "migrate", "img:1")
    assert job.template.task_count == 1 and job.template.template.timeout.total_seconds() == 300
    assert default_image(plan, "migrate", "p") == "us-central1-docker.pkg.dev/p/shop/backend:latest"
    assert parse_image_args(["backend=a:b"], plan) == {"backend": "a:b"}
    with pytest.raises(BadImageArg):
        parse_image_args(["=x"], plan)


def test_diff_normalises_units_and_hides_secret_values() -> None:
    old = {"a.resources.limits.cpu": "1", "x.env[API_TOKEN]": "old-token", "x.env[MODE]": "a"}
    new = {"a.resources.limits.cpu": "1", "x.env[API_TOKEN]": "new-token", "x.env[MODE]": "b"}
    changes = {c.path: c for c in diff_views(old, new)}
    assert set(changes) == {"x.env[API_TOKEN]", "x.env[MODE]"}
    assert changes["x.env[API_TOKEN]"].line("svc") == "svc: x.env[API_TOKEN]: (hidden) → (hidden)"
    assert changes["x.env[MODE]"].line("svc") == "svc: x.env[MODE]: a → b"
    removed = diff_views({"p": "1"}, {})
    assert removed[0].line("s") == "s: p: 1 → (unset)"


# ----------------------------------------------------------------------------- on a terminal
def _run_on_pty(fake: FakeRun, plan_file: Path, answer: str) -> tuple[int, str]:
    """Run `launchdeck deploy` in a child process whose stdin/stdout are a pseudo-terminal."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    master, slave = pty.openpty()
    env = {**os.environ, "LAUNCHDECK_EMULATOR_HOST": fake.target, "GRPC_VERBOSITY": "ERROR", "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())", "deploy", str(plan_file)],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=Path(__file__).resolve().parents[1], close_fds=True)
    os.close(slave)
    out = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        if not answered and b"Keep them?" in out:
            os.write(master, answer.encode() + b"\n")
            answered = True
        if proc.poll() is not None and not ready:
            break
    code = proc.wait(timeout=30)
    os.close(master)
    return code, out.decode(errors="replace")


@pytest.mark.slow
def test_on_a_terminal_it_asks_and_remove_drops_them(fake: FakeRun, plan_file: Path) -> None:
    seed_live(fake)
    code, out = _run_on_pty(fake, plan_file, "r")
    assert code == 0, out
    assert "backend has settings live that the plan does not have:" in out
    assert "FEATURE_X (env var)" in out
    assert live_env(fake) == {"LOG_LEVEL": "info", "DATABASE_URL": "secret DATABASE_URL:latest"}


@pytest.mark.slow
def test_on_a_terminal_keep_is_the_default_answer(fake: FakeRun, plan_file: Path) -> None:
    seed_live(fake)
    code, out = _run_on_pty(fake, plan_file, "")
    assert code == 0, out
    assert "Keep them?" in out and live_env(fake)["FEATURE_X"] == "on"
