"""The two post-mortem seeds reconstructed, a clean project, and the built-in example's golden findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchdeck.app.planfile import load_plan
from launchdeck.app.preflight import run_preflight

PROJECTS = Path(__file__).parent / "data" / "projects"
EXAMPLE = Path(__file__).resolve().parents[1] / "assets" / "example" / "launchdeck.yaml"


def findings_for(project: str, target: str | None = None):
    loaded = load_plan(PROJECTS / project / "launchdeck.yaml")
    return run_preflight(loaded.plan, target, PROJECTS / project)


def test_seed_a_mac_build_database_url_and_blocking_init():
    found = findings_for("seed_a")
    assert {f.id for f in found} == {
        "cr-exec-format-error",  # FROM --platform=linux/arm64, and deploy.sh builds without --platform
        "db-dial-localhost-fallback",  # code reads DATABASE_URL, plan sets DATABASE_HOST/NAME/USER
        "gcloud-env-vars-wiped",  # the same mismatch, as "names the code reads vs names the plan sets"
        "cr-startup-probe-failed",  # start.sh runs `alembic upgrade head` before uvicorn
    }
    errors = {f.id for f in found if f.severity == "error"}
    assert {"cr-exec-format-error", "db-dial-localhost-fallback"} <= errors


def test_seed_b_worker_service_uploads_websocket_and_storage_role():
    found = findings_for("seed_b")
    assert {f.id for f in found} == {
        "cr-worker-deployed-as-service",  # a Celery worker declared web: a service that never listens
        "cr-request-too-large-413",
        "cr-websocket-cut-at-request-timeout",
        "gcs-permission-denied",
        "websocket-one-way-sse",  # the socket only pushes progress: Server-Sent Events fit (info)
    }
    by_id = {f.id: f for f in found}
    assert by_id["cr-worker-deployed-as-service"].service == "worker"
    assert by_id["gcs-permission-denied"].service == "worker"
    assert by_id["cr-websocket-cut-at-request-timeout"].service == "realtime"
    assert by_id["websocket-one-way-sse"].severity == "info"


def test_seed_b_plan_alone_already_predicts_its_failures():
    loaded = load_plan(PROJECTS / "seed_b" / "launchdeck.yaml")
    assert {f.id for f in run_preflight(loaded.plan)} == {
        "cr-worker-deployed-as-service", "cr-request-too-large-413", "cr-websocket-cut-at-request-timeout",
        "gcs-permission-denied",
    }


@pytest.mark.parametrize("target", ["cloud-run", "cloud-run-jobs", "gke-autopilot", "compose"])
def test_clean_project_has_no_errors(target):
    found = findings_for("clean", target)
    assert [f for f in found if f.severity == "error"] == []


def test_clean_project_on_its_own_target_has_no_findings_at_all():
    assert findings_for("clean") == []


EXAMPLE_GOLDEN = {
    "cloud-run": [
        ("error", "cr-request-too-large-413", None, "ingress.max_upload_mb"),
        ("warning", "db-too-many-connections", None, "postgres.pool_size"),
        ("warning", "env-url-points-at-localhost", "frontend", "services.frontend.env.NEXT_PUBLIC_API_URL"),
        ("warning", "env-url-points-at-localhost", "frontend", "services.frontend.env.NEXT_PUBLIC_WS_URL"),
        ("warning", "env-compose-hostname", "backend", "services.backend.env.S3_ENDPOINT"),
        ("warning", "cr-memory-limit-exceeded", "worker", "services.worker.memory"),
        ("warning", "env-compose-hostname", "worker", "services.worker.env.S3_ENDPOINT"),
    ],
    "cloud-run-jobs": [
        ("error", "cr-request-too-large-413", None, "ingress.max_upload_mb"),
        ("warning", "db-too-many-connections", None, "postgres.pool_size"),
        ("warning", "env-url-points-at-localhost", "frontend", "services.frontend.env.NEXT_PUBLIC_API_URL"),
        ("warning", "env-url-points-at-localhost", "frontend", "services.frontend.env.NEXT_PUBLIC_WS_URL"),
        ("warning", "env-compose-hostname", "backend", "services.backend.env.S3_ENDPOINT"),
        ("warning", "cr-memory-limit-exceeded", "worker", "services.worker.memory"),
        ("warning", "crj-task-timeout", "worker", "services.worker.command"),
        ("warning", "env-compose-hostname", "worker", "services.worker.env.S3_ENDPOINT"),
    ],
    "gke-autopilot": [
        ("warning", "db-too-many-connections", None, "postgres.pool_size"),
        ("warning", "env-url-points-at-localhost", "frontend", "services.frontend.env.NEXT_PUBLIC_API_URL"),
        ("warning", "env-url-points-at-localhost", "frontend", "services.frontend.env.NEXT_PUBLIC_WS_URL"),
        ("warning", "env-compose-hostname", "backend", "services.backend.env.S3_ENDPOINT"),
        ("warning", "env-compose-hostname", "worker", "services.worker.env.S3_ENDPOINT"),
        ("warning", "k8s-oomkilled", "worker", "services.worker.memory"),
    ],
    "compose": [
        ("warning", "env-url-points-at-localhost", "frontend", "services.frontend.env.NEXT_PUBLIC_API_URL"),
        ("warning", "env-url-points-at-localhost", "frontend", "services.frontend.env.NEXT_PUBLIC_WS_URL"),
        ("warning", "k8s-oomkilled", "worker", "services.worker.memory"),
    ],
}


@pytest.mark.parametrize("target", sorted(EXAMPLE_GOLDEN))
def test_example_plan_golden_findings(target):
    plan = load_plan(EXAMPLE).plan
    got = [(f.severity, f.id, f.service, f.path) for f in run_preflight(plan, target)]
    assert got == EXAMPLE_GOLDEN[target]


def test_example_with_its_directory_as_source_matches_plan_only():
    plan = load_plan(EXAMPLE).plan
    with_source = [f.to_dict() for f in run_preflight(plan, None, EXAMPLE.parent)]
    assert with_source == [f.to_dict() for f in run_preflight(plan)]
