"""Plan validation: each rule Cloud Run (or the plan itself) enforces, with the message users see."""

from __future__ import annotations

from typing import Any

import pytest

from launchdeck.app.plan import Plan, Service, runs_as_job, target_problems
from launchdeck.app.planfile import PlanFileError, plan_from_doc
from launchdeck.app.units import UnitError, format_cpu, format_memory, parse_cpu, parse_memory_mib


def problems(data: dict[str, Any]) -> list[str]:
    try:
        plan_from_doc(data, "t.yaml")
    except PlanFileError as exc:
        return [str(e) for e in exc.errors]
    return []


def svc(**fields: Any) -> dict[str, Any]:
    return {"name": "shop", "services": {"web": fields}}


def test_defaults_are_valid() -> None:
    plan = Plan()
    assert plan.name == "app" and plan.region == "us-central1" and plan.target == "cloud-run"
    s = Service()
    assert (s.role, s.cpu, s.memory, s.concurrency, s.timeout, s.billing) == ("web", 1.0, "512Mi", 80, 300, "request")
    assert problems({}) == []


@pytest.mark.parametrize("cpu,memory", [
    (1, "128Mi"), (1, "4Gi"), (2, "8Gi"), (4, "2Gi"), (4, "16Gi"), (6, "4Gi"), (6, "24Gi"), (8, "32Gi"),
    ("1000m", "1G"), ("2", "512Mi"),
])
def test_cloud_run_cpu_memory_allowed(cpu: Any, memory: str) -> None:
    assert problems(svc(cpu=cpu, memory=memory)) == []


@pytest.mark.parametrize("cpu,memory,allowed", [
    (1, "5Gi", "128Mi to 4Gi"), (2, "9Gi", "128Mi to 8Gi"), (4, "1Gi", "2Gi to 16Gi"),
    (6, "2Gi", "4Gi to 24Gi"), (8, "33Gi", "4Gi to 32Gi"),
])
def test_cloud_run_memory_not_allowed_for_cpu(cpu: Any, memory: str, allowed: str) -> None:
    [msg] = problems(svc(cpu=cpu, memory=memory))
    assert msg.startswith("t.yaml: services.web.memory: ") and f"(allowed: {allowed})" in msg


@pytest.mark.parametrize("cpu", [3, 5, 7, 9, 16, 0.05, 1.5])
def test_cloud_run_cpu_steps(cpu: float) -> None:
    [msg] = problems(svc(cpu=cpu))
    assert "services.web.cpu" in msg and "allowed: 0.08 to 1, or 1, 2, 4, 6, 8" in msg


def test_fractional_cpu_rules() -> None:
    # below 1 vCPU: concurrency must be 1 and billing must be request-based
    assert problems(svc(cpu=0.5, concurrency=1)) == []
    assert problems(svc(cpu="500m", concurrency=1, memory="1Gi")) == []
    [msg] = problems(svc(cpu=0.5))
    assert "services.web.concurrency" in msg and "allowed: 1" in msg
    msgs = problems(svc(cpu=0.5, concurrency=1, billing="instance"))
    assert len(msgs) == 1 and "services.web.billing" in msgs[0] and "allowed: request" in msgs[0]
    # memory: above 512Mi needs 0.5 vCPU, above 1Gi needs 1 vCPU
    assert any("128Mi to 512Mi" in m for m in problems(svc(cpu=0.25, concurrency=1, memory="1Gi")))
    assert any("128Mi to 1Gi" in m for m in problems(svc(cpu=0.5, concurrency=1, memory="2Gi")))
    # steps of 0.001
    assert any("steps of 0.001" in m for m in problems(svc(cpu=0.1234, concurrency=1)))


def test_concurrency_limit() -> None:
    assert problems(svc(concurrency=1000)) == []
    [msg] = problems(svc(concurrency=1001))
    assert "services.web.concurrency: 1001 is above" in msg and "allowed: 1 to 1000" in msg
    assert any("services.web.concurrency" in m for m in problems(svc(concurrency=0)))


def test_timeouts_service_and_job() -> None:
    assert problems(svc(timeout=3600)) == []
    [msg] = problems(svc(timeout=3601))
    assert "services.web.timeout" in msg and "allowed: 1 to 3600 s" in msg
    # a job task may run up to 168 hours
    assert problems(svc(role="job", timeout=168 * 3600)) == []
    [msg] = problems(svc(role="job", timeout=168 * 3600 + 1))
    assert "allowed: 1 to 604800 s for a job task" in msg
    # on cloud-run-jobs a worker runs as a job; on cloud-run it is a worker pool, which has no request
    # timeout, while a web service with the same timeout is refused
    worker = Plan.model_validate({"target": "cloud-run-jobs",
                                  "services": {"w": {"role": "worker", "timeout": 7200}}})
    assert runs_as_job(worker.services["w"], "cloud-run-jobs") and not runs_as_job(worker.services["w"], "cloud-run")
    assert target_problems(worker, "cloud-run") == []
    web = worker.model_copy(update={"services": {"w": worker.services["w"].model_copy(update={"role": "web"})}})
    assert [p for p, _ in target_problems(web, "cloud-run")] == [("services", "w", "timeout")]


def test_max_instances_and_min_max() -> None:
    [msg] = problems(svc(max_instances=1001))
    assert "services.web.max_instances" in msg and "allowed: 1 to 1000" in msg
    [msg] = problems(svc(min_instances=3, max_instances=2))
    assert msg == "t.yaml: services.web.min_instances: 3 is greater than max_instances 2 (allowed: 0 to 2)"
    assert problems(svc(min_instances=2, max_instances=2)) == []
    assert any("min_instances" in m for m in problems(svc(min_instances=-1)))


def test_regions() -> None:
    assert problems({"region": "europe-west4"}) == []
    [msg] = problems({"region": "us-centrall1"})
    assert msg == "t.yaml: region: unknown region 'us-centrall1' (did you mean 'us-central1'?)"
    [msg] = problems({"region": "mars-north1"})
    assert "unknown region 'mars-north1'" in msg


@pytest.mark.parametrize("data,key", [
    ({"name": "My App"}, "name"),
    ({"name": "1app"}, "name"),
    ({"services": {"Web": {}}}, "services.Web"),
    ({"services": {"api_v2": {}}}, "services.api_v2"),
    ({"services": {"a" * 50: {}}}, "services." + "a" * 50),
    ({"services": {"api-": {}}}, "services.api-"),
    ({"buckets": {"Up": {}}}, "buckets.Up"),
    ({"buckets": {"ab": {}}}, "buckets.ab"),
    ({"services": {"web": {"env": {"1X": "y"}}}}, "services.web.env"),
    ({"services": {"web": {"secrets": ["A B"]}}}, "services.web.secrets"),
])
def test_names(data: dict[str, Any], key: str) -> None:
    msgs = problems(data)
    assert len(msgs) == 1 and msgs[0].startswith(f"t.yaml: {key}: "), msgs


def test_valid_names() -> None:
    assert problems({"name": "rehearse-kit", "services": {"api-v2": {}, "a" * 49: {}},
                     "buckets": {"user.uploads_2": {}}}) == []


def test_env_and_secrets() -> None:
    plan = plan_from_doc(svc(env={"DEBUG": False, "WORKERS": 4, "EMPTY": None}), "t.yaml")
    assert plan.services["web"].env == {"DEBUG": "false", "WORKERS": "4", "EMPTY": ""}
    [msg] = problems(svc(env={"X": {"nested": 1}}))
    assert "services.web.env.X: expected text, found a mapping" in msg
    [msg] = problems(svc(env={"API_KEY": "x"}, secrets=["API_KEY"]))
    assert "API_KEY is in both env and secrets" in msg


def test_misc_service_fields() -> None:
    assert any("must start with '/'" in m for m in problems(svc(health_path="healthz")))
    assert problems(svc(role="job", schedule="0 3 * * *")) == []
    assert problems(svc(role="job", schedule="@daily")) == []
    assert any("not a cron expression" in m for m in problems(svc(role="job", schedule="every day")))
    assert any("port" in m for m in problems(svc(port=70000)))
    assert any("allowed: request, instance" in m for m in problems(svc(billing="always")))


def test_references() -> None:
    [msg] = problems(svc(depends_on=["cache"]))
    assert "services.web.depends_on: unknown service 'cache'" in msg
    assert problems(svc(depends_on=["postgres", "redis"])) == []
    [msg] = problems(svc(buckets=["media"]))
    assert "unknown bucket 'media'" in msg
    assert problems({"buckets": {"media": {}}, "services": {"web": {"buckets": ["media"]}}}) == []


def test_usage_ranges() -> None:
    plan = plan_from_doc(svc(usage={"requests_per_month": 5000}), "t.yaml")
    assert plan.services["web"].usage.requests_per_month == (5000, 5000)
    assert any("busy_fraction" in m and "between 0 and 1" in m
               for m in problems(svc(usage={"busy_fraction": [0.1, 2]})))
    assert any("must not be negative" in m for m in problems(svc(usage={"egress_gb": [-1, 2]})))
    assert any("expected [low, high]" in m for m in problems(svc(usage={"egress_gb": [1, 2, 3]})))


def test_other_targets_are_not_held_to_cloud_run_limits() -> None:
    data = {"target": "compose", "services": {"web": {"cpu": 3, "memory": "12Gi", "concurrency": 5000}}}
    plan = plan_from_doc(data, "t.yaml")
    assert target_problems(plan, "compose") == []
    assert target_problems(plan, "gke-standard") == []
    assert {p[-1] for p, _ in target_problems(plan, "cloud-run")} == {"cpu", "concurrency"}
    assert any("28 vCPU" in m for _, m in target_problems(
        Plan(target="gke-standard", services={"w": Service(cpu=32)}), "gke-autopilot"))


def test_datastore_blocks() -> None:
    assert any("postgres.storage_gb" in m for m in problems({"postgres": {"storage_gb": 0}}))
    assert any("allowed: basic, standard" in m for m in problems({"redis": {"tier": "premium"}}))
    assert any("network.vpc" in m and "connector" in m for m in problems({"network": {"vpc": "peering"}}))
    assert any("unknown key (did you mean 'size_gb'?)" in m for m in problems({"redis": {"sizegb": 2}}))


def test_units() -> None:
    assert parse_cpu("1000m") == 1 and parse_cpu("250m") == 0.25 and parse_cpu(2) == 2
    assert parse_memory_mib("1G") == pytest.approx(953.67, rel=1e-3)
    assert parse_memory_mib("2Gi") == 2048 and parse_memory_mib("512Mi") == 512
    assert parse_memory_mib(1024 * 1024) == 1
    for bad in ("lots", True, "-1Gi", "0"):
        with pytest.raises(UnitError):
            parse_memory_mib(bad)
    for bad in ("fast", False, "0", -1):
        with pytest.raises(UnitError):
            parse_cpu(bad)
    assert (format_cpu(1.0), format_cpu(0.5), format_cpu(0.25)) == (1, 0.5, "250m")
    assert (format_memory(2048), format_memory(768)) == ("2Gi", "768Mi")
    s = Service(memory="1536Mi")
    assert s.memory_gib == 1.5 and s.cpu_text == "1"


def test_assignment_is_validated() -> None:
    s = Service()
    with pytest.raises(ValueError):
        s.memory = "lots"
    s.memory = 2 * 1024**3  # bytes become a GCP spelling
    assert s.memory == "2Gi"


def test_cloud_sql_tier_and_version_shapes() -> None:
    assert problems({"postgres": {"tier": "db-custom-2-7680", "version": "POSTGRES_15"}}) == []
    assert problems({"postgres": {"tier": "db-perf-optimized-N-8"}}) == []
    assert any("not a Cloud SQL tier" in m for m in problems({"postgres": {"tier": "small"}}))
    assert any("POSTGRES_9_6" in m for m in problems({"postgres": {"version": "16"}}))


def test_target_names_agree() -> None:
    import typing

    from launchdeck.app.plan import GCP_TARGETS, TARGETS, Target
    from launchdeck.app.targets import TARGETS as LIGHT

    assert tuple(typing.get_args(Target)) == TARGETS == LIGHT
    assert "compose" not in GCP_TARGETS
