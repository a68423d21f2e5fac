"""Plan-only preflight checks: for each, a plan that triggers it and one that does not."""

from __future__ import annotations

import pytest

from launchdeck.app.preflight import run_preflight
from launchdeck.app.preflight.finding_catalog import catalog
from launchdeck.app.preflight.rules.db_too_many_connections import cloud_sql_connection_limit
from tests.helpers import ids, only, plan

WEB = {"role": "web", "port": 8080}


# --- Finding shape, ordering, catalog -------------------------------------------------------------


def test_finding_to_dict_has_contract_keys():
    f = run_preflight(plan({"w": {"role": "web", "command": "celery -A app worker"}}))[0]
    assert set(f.to_dict()) == {"id", "severity", "service", "message", "fix", "path"}
    assert f.to_dict()["id"] == f.id


def test_findings_sorted_errors_first_and_deterministic():
    p = plan({"ws": {"role": "websocket"}, "w": {"role": "worker"}},
             ingress={"max_upload_mb": 100}, postgres={"tier": "db-f1-micro"}, network={"vpc": "none"},
             redis={"size_gb": 1})
    first = run_preflight(p)
    assert [f.to_dict() for f in first] == [f.to_dict() for f in run_preflight(p)]
    ranks = [{"error": 0, "warning": 1, "info": 2}[f.severity] for f in first]
    assert ranks == sorted(ranks)
    assert first[0].severity == "error" and first[-1].severity != "error"


def test_every_emitted_id_is_in_catalog_and_kebab_case():
    import re

    for fid, entry in catalog().items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", fid), fid
        assert entry["severity"] in ("error", "warning", "info")
        assert entry["title"] and entry["message"] and entry["fix"]


def test_signature_flag_matches_the_hint_catalog():
    # assets/hints.yaml carries exactly the ids of the shared signatures.yaml, so it stands in for it here.
    from launchdeck.app.hints.hint_catalog import load_hints

    sig_ids = {h.id for h in load_hints()}
    for fid, entry in catalog().items():
        assert bool(entry.get("signature")) == (fid in sig_ids), fid


def test_no_unfilled_placeholders_in_rendered_findings():
    p = plan({"ws": {"role": "websocket"}, "w": {"role": "worker", "heavy_deps": ["torch"]}},
             ingress={"max_upload_mb": 100}, postgres={"tier": "db-f1-micro"}, redis={})
    for f in run_preflight(p):
        assert "{" not in f.message and "{" not in f.fix, f


# --- target values ---------------------------------------------------------------------------------


def test_target_rejects_value_when_target_overridden():
    p = plan({"api": {**WEB, "cpu": 3}}, target="gke-autopilot")
    found = only(run_preflight(p, "cloud-run"), "target-rejects-value")
    assert found and found[0].path == "services.api.cpu" and found[0].severity == "error"
    assert not only(run_preflight(p), "target-rejects-value")


# --- workers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["celery -A app worker", "rq worker default", "dramatiq app.tasks", None])
def test_worker_role_on_cloud_run_is_a_worker_pool_not_an_error(command):
    # role worker on cloud-run becomes a worker pool: no port, no probe, nothing to refuse.
    svc = {"role": "worker", "image": "x", **({"command": command} if command else {})}
    found = run_preflight(plan({"w": svc}))
    assert not [f for f in found if f.severity == "error"], found
    assert "cr-worker-deployed-as-service" not in ids(found)


def test_worker_as_job_is_fine_on_cloud_run_jobs():
    assert "cr-worker-deployed-as-service" not in ids(run_preflight(plan({"w": {"role": "worker"}}, "cloud-run-jobs")))


@pytest.mark.parametrize("role", ["web", "websocket"])
def test_queue_consumer_declared_web_is_an_error_that_says_use_role_worker(role):
    f = only(run_preflight(plan({"w": {"role": role, "image": "x", "command": "celery -A app worker -l info"}})),
             "cr-worker-deployed-as-service")
    assert f and f[0].severity == "error" and f[0].path == "services.w.role"
    assert "role: worker" in f[0].fix and "worker pool" in f[0].fix
    assert "health" not in (f[0].message + f[0].fix).lower()


def test_no_finding_suggests_a_health_server_for_a_worker():
    from launchdeck.app.preflight.finding_catalog import catalog

    for fid, entry in catalog().items():
        texts = [entry["message"], entry["fix"]] + [t for v in entry.get("variants", {}).values() for t in v.values()]
        assert not any("health server" in t or "health endpoint" in t for t in texts), fid


def test_celery_beat_gets_scheduler_advice_not_jobs():
    as_job = only(run_preflight(plan({"b": {"role": "worker", "image": "x", "command": "celery -A app beat"}},
                                     "cloud-run-jobs")), "celery-beat-scheduler")
    assert as_job and "Cloud Scheduler" in as_job[0].fix and "one beat" in as_job[0].fix
    one = run_preflight(plan({"b": {"role": "worker", "image": "x", "command": "celery -A app beat"}}))
    assert "celery-beat-scheduler" not in ids(one) and not [f for f in one if f.severity == "error"]
    two = only(run_preflight(plan({"b": {"role": "worker", "image": "x", "command": "celery -A app beat",
                                         "instances": 2}})), "celery-beat-scheduler")
    assert two and two[0].path == "services.b.instances"
    assert "crj-task-timeout" not in ids(run_preflight(plan({"b": {"role": "worker", "image": "x",
                                                                   "command": "celery -A app beat"}}, "cloud-run-jobs")))


def test_web_role_running_celery_is_still_a_worker():
    p = plan({"w": {**WEB, "command": ["celery", "-A", "app.tasks", "worker"]}})
    assert "cr-worker-deployed-as-service" in ids(run_preflight(p))


def test_queue_consumer_as_job_never_exits():
    p = plan({"w": {"role": "worker", "command": "rq worker default"}}, "cloud-run-jobs")
    assert "crj-task-timeout" in ids(run_preflight(p))
    p = plan({"w": {"role": "worker", "command": "python process_batch.py"}}, "cloud-run-jobs")
    assert "crj-task-timeout" not in ids(run_preflight(p))


# --- websockets ------------------------------------------------------------------------------------


def test_websocket_default_timeout_on_cloud_run():
    f = only(run_preflight(plan({"ws": {"role": "websocket"}})), "cr-websocket-cut-at-request-timeout")
    assert f and "300 s" in f[0].message and "Server-Sent Events" in f[0].fix


def test_websocket_well_configured_on_cloud_run():
    p = plan({"ws": {"role": "websocket", "timeout": 3600, "min_instances": 1}})
    assert "cr-websocket-cut-at-request-timeout" not in ids(run_preflight(p))


def test_websocket_on_gke_uses_backend_timeout_id():
    p = plan({"ws": {"role": "websocket", "timeout": 300}}, "gke-autopilot")
    got = ids(run_preflight(p))
    assert "gke-lb-backend-timeout" in got and "cr-websocket-cut-at-request-timeout" not in got
    p = plan({"ws": {"role": "websocket", "timeout": 3600}}, "gke-standard")
    assert "gke-lb-backend-timeout" not in ids(run_preflight(p))


# --- memory and cold starts -----------------------------------------------------------------------


@pytest.mark.parametrize(("memory", "severity"), [("1Gi", "error"), ("2Gi", "warning"), ("4Gi", None)])
def test_memory_for_torch(memory, severity):
    p = plan({"w": {"role": "worker", "billing": "instance", "min_instances": 1, "cpu": 2, "memory": memory,
                    "heavy_deps": ["torch"]}})
    f = only(run_preflight(p), "cr-memory-limit-exceeded")
    assert (f[0].severity if f else None) == severity


def test_memory_counts_processes_per_instance():
    svc = {"role": "worker", "cpu": 2, "memory": "4Gi", "heavy_deps": ["torch"], "command": "celery -A x worker -c 4"}
    f = only(run_preflight(plan({"w": svc}, "gke-autopilot")), "k8s-oomkilled")
    assert f and f[0].severity == "error" and "4 processes" in f[0].message


def test_cold_start_with_heavy_deps_and_min_zero():
    p = plan({"api": {**WEB, "cpu": 2, "memory": "4Gi", "heavy_deps": ["transformers"]}})
    assert "cr-cold-start-slow" in ids(run_preflight(p))
    p = plan({"api": {**WEB, "cpu": 2, "memory": "4Gi", "heavy_deps": ["transformers"], "min_instances": 1}})
    assert "cr-cold-start-slow" not in ids(run_preflight(p))
    p = plan({"api": {**WEB, "cpu": 2, "memory": "4Gi", "heavy_deps": ["transformers"]}}, "compose")
    assert "cr-cold-start-slow" not in ids(run_preflight(p))


def test_capacity_too_small_for_peak():
    slow = {**WEB, "max_instances": 1, "concurrency": 1,
            "usage": {"requests_per_month": [1_000_000, 10_000_000], "seconds_per_request": [2, 3]}}
    assert "cr-no-available-instance" in ids(run_preflight(plan({"api": slow})))
    assert "cr-no-available-instance" not in ids(run_preflight(plan({"api": WEB})))


# --- database connections ------------------------------------------------------------------------


@pytest.mark.parametrize(("tier", "limit"), [
    ("db-f1-micro", 25), ("db-g1-small", 50), ("db-custom-1-3840", 100), ("db-custom-2-7680", 400),
    ("db-n1-standard-4", 500), ("db-custom-32-131072", 1000), ("db-unknown", None),
])
def test_cloud_sql_connection_limits(tier, limit):
    assert cloud_sql_connection_limit(tier) == limit


def test_too_many_connections_for_micro_tier():
    p = plan({"api": {**WEB, "max_instances": 10, "depends_on": ["postgres"]}}, postgres={"tier": "db-f1-micro"})
    f = only(run_preflight(p), "db-too-many-connections")
    # only at full scale: a capacity warning, not a deploy that fails
    assert f and f[0].severity == "warning" and "50" in f[0].message and f[0].path == "postgres.pool_size"
    p = plan({"api": {**WEB, "min_instances": 6, "max_instances": 10, "depends_on": ["postgres"]}},
             postgres={"tier": "db-f1-micro"})
    f = only(run_preflight(p), "db-too-many-connections")
    assert f and f[0].severity == "error"  # 6 always-on instances x 5 already exceed 25


def test_connections_fit_a_bigger_tier():
    p = plan({"api": {**WEB, "max_instances": 10, "depends_on": ["postgres"]}}, postgres={"tier": "db-custom-2-7680"})
    assert "db-too-many-connections" not in ids(run_preflight(p))


# --- networking ----------------------------------------------------------------------------------


def test_memorystore_without_vpc_egress():
    p = plan({"api": {**WEB, "secrets": ["REDIS_URL"]}}, redis={}, network={"vpc": "none"})
    f = only(run_preflight(p), "redis-connect-timeout")
    assert f and f[0].service == "api" and f[0].severity == "error"
    p = plan({"api": {**WEB, "secrets": ["REDIS_URL"]}}, redis={}, network={"vpc": "direct"})
    assert "redis-connect-timeout" not in ids(run_preflight(p))
    p = plan({"api": {**WEB, "secrets": ["REDIS_URL"]}}, "gke-autopilot", redis={}, network={"vpc": "none"})
    assert "redis-connect-timeout" not in ids(run_preflight(p))


def test_private_ip_cloud_sql_without_vpc_egress():
    svc = {**WEB, "depends_on": ["postgres"]}
    p = plan({"api": svc}, postgres={"tier": "db-g1-small", "private_ip": True, "pool_size": 2},
             network={"vpc": "none"})
    assert "db-connection-timeout" in ids(run_preflight(p))
    p = plan({"api": svc}, postgres={"tier": "db-g1-small", "pool_size": 2}, network={"vpc": "none"})
    assert "db-connection-timeout" not in ids(run_preflight(p))


# --- buckets and secrets ------------------------------------------------------------------------


def test_bucket_named_in_env_but_not_granted():
    p = plan({"w": {**WEB, "env": {"GCS_BUCKET": "stems"}, "buckets": ["uploads"]}},
             buckets={"uploads": {}, "stems": {}})
    f = only(run_preflight(p), "gcs-permission-denied")
    assert f and "'stems'" in f[0].message and f[0].path == "services.w.buckets"


def test_bucket_variable_with_no_buckets_at_all():
    p = plan({"w": {**WEB, "env": {"UPLOAD_BUCKET": "my-project-media"}}})
    assert "gcs-permission-denied" in ids(run_preflight(p))


def test_bucket_granted():
    p = plan({"w": {**WEB, "env": {"GCS_BUCKET": "t-uploads"}, "buckets": ["uploads"]}}, buckets={"uploads": {}})
    assert "gcs-permission-denied" not in ids(run_preflight(p))
    assert "gcs-permission-denied" not in ids(run_preflight(plan({"w": {**WEB, "env": {"GCS_BUCKET": "x"}}},
                                                                "compose")))


def test_env_pointing_at_secret_manager():
    p = plan({"api": {**WEB, "env": {"API_KEY_REF": "projects/p/secrets/api-key/versions/latest"}}})
    assert "cr-secret-access-denied" in ids(run_preflight(p))


@pytest.mark.parametrize(("name", "value", "flagged"), [
    ("STRIPE_SECRET_KEY", "sk_live_abcdefghijklmnop", True),
    ("DATABASE_URL", "postgresql://app:hunter2@db.internal/app", True),
    ("SECRET_KEY", "dev-secret-change-me", True),
    ("NEXTAUTH_URL", "https://app.example.com", False),
    ("SESSION_SECRET", "", True),  # generate refuses secret-sounding names in env, empty or not
    ("SESSION_SECRET", "${SESSION_SECRET}", True),
    ("LOG_LEVEL", "debug", False),
    ("JWT_ALGORITHM", "HS256", False),
])
def test_secret_looking_values_in_env(name, value, flagged):
    p = plan({"api": {**WEB, "env": {name: value}}})
    assert ("secret-value-in-env" in ids(run_preflight(p))) is flagged


def test_secret_value_never_echoed():
    p = plan({"api": {**WEB, "env": {"STRIPE_SECRET_KEY": "sk_live_abcdefghijklmnop"}}})
    for f in run_preflight(p):
        assert "sk_live" not in f.message + f.fix


# --- env URLs ---------------------------------------------------------------------------------------


def test_database_url_on_localhost():
    p = plan({"api": {**WEB, "env": {"DATABASE_URL": "postgresql://localhost/app"}}})
    assert "db-dial-localhost-fallback" in ids(run_preflight(p))


def test_redis_url_with_compose_service_name():
    p = plan({"api": {**WEB, "env": {"REDIS_URL": "redis://redis:6379/0"}}})
    assert "redis-connection-refused-or-unresolvable" in ids(run_preflight(p))
    assert "redis-connection-refused-or-unresolvable" not in ids(run_preflight(p, "compose"))


def test_browser_url_on_localhost_and_compose_hostnames():
    p = plan({"web": {**WEB, "env": {"NEXT_PUBLIC_API_URL": "http://localhost:8000",
                                     "S3_ENDPOINT": "http://minio:9000"}}})
    got = ids(run_preflight(p))
    assert {"env-url-points-at-localhost", "env-compose-hostname"} <= got
    p = plan({"web": {**WEB, "env": {"NEXT_PUBLIC_API_URL": "https://api.example.com"}}})
    assert not ids(run_preflight(p)) & {"env-url-points-at-localhost", "env-compose-hostname"}


def test_comma_in_env_value_is_info_on_cloud_run():
    p = plan({"api": {**WEB, "env": {"CORS_ORIGINS": "https://a.com,https://b.com"}}})
    f = only(run_preflight(p), "gcloud-env-vars-bad-syntax")
    assert f and f[0].severity == "info"
    assert "gcloud-env-vars-bad-syntax" not in ids(run_preflight(p, "gke-autopilot"))


# --- uploads ------------------------------------------------------------------------------------


def test_uploads_over_32_mib_on_cloud_run():
    f = only(run_preflight(plan({"api": WEB}, ingress={"max_upload_mb": 200})), "cr-request-too-large-413")
    assert f and f[0].severity == "error" and f[0].path == "ingress.max_upload_mb"
    assert "signed URL" in f[0].fix and "HTTP/2" in f[0].fix
    assert "cr-request-too-large-413" not in ids(run_preflight(plan({"api": WEB}, ingress={"max_upload_mb": 32})))
    assert "cr-request-too-large-413" not in ids(run_preflight(plan({"api": WEB}, "gke-autopilot",
                                                                    ingress={"max_upload_mb": 200})))


def test_tunnel_upload_limit_on_compose():
    p = plan({"api": WEB}, "compose", ingress={"max_upload_mb": 200}, selfhost={"tunnel_usd_month": 0})
    assert "tunnel-upload-limit" in ids(run_preflight(p))
    p = plan({"api": WEB}, "compose", ingress={"max_upload_mb": 50}, selfhost={"tunnel_usd_month": 0})
    assert "tunnel-upload-limit" not in ids(run_preflight(p))


# --- compose ports ------------------------------------------------------------------------------


def test_compose_port_80_collides_with_truenas_ui():
    f = only(run_preflight(plan({"web": {"role": "web", "port": 80}}, "compose")), "compose-port-already-allocated")
    assert f and f[0].severity == "error" and f[0].path == "services.web.port"


def test_compose_duplicate_host_ports():
    p = plan({"a": {"role": "web", "port": 8000}, "b": {"role": "web", "port": 9000, "host_port": 8000}}, "compose")
    f = only(run_preflight(p), "compose-port-already-allocated")
    assert len(f) == 1 and f[0].service == "b" and f[0].path == "services.b.host_port"


def test_compose_ports_fine():
    p = plan({"a": {"role": "web", "port": 8000}, "b": {"role": "web", "port": 80, "host_port": 30080}}, "compose")
    assert "compose-port-already-allocated" not in ids(run_preflight(p))
    p = plan({"a": {"role": "web", "port": 443}})  # not a compose target
    assert "compose-port-already-allocated" not in ids(run_preflight(p))


def test_compose_truenas_service_port_is_warning():
    f = only(run_preflight(plan({"ssh": {"role": "web", "port": 22}}, "compose")), "compose-port-already-allocated")
    assert f and f[0].severity == "warning"


# --- the plan's own start command ------------------------------------------------------------------


@pytest.mark.parametrize(("command", "fid"), [
    ("uvicorn app.main:app --host 127.0.0.1 --port 8080", "node-bound-to-localhost"),
    ("uvicorn app.main:app --port 8080", "node-bound-to-localhost"),
    ("python manage.py runserver", "node-bound-to-localhost"),
    ("gunicorn -b 0.0.0.0:8000 app:app", "cr-container-failed-to-listen-on-port"),
    ("sh -c 'alembic upgrade head && exec gunicorn -b :$PORT app:app'", "cr-startup-probe-failed"),
])
def test_plan_command_problems(command, fid):
    assert fid in ids(run_preflight(plan({"api": {**WEB, "command": command}})))


def test_plan_command_fine():
    cmd = "gunicorn -k uvicorn.workers.UvicornWorker -b 0.0.0.0:$PORT app.main:app"
    got = ids(run_preflight(plan({"api": {**WEB, "command": cmd}})))
    assert not got & {"node-bound-to-localhost", "cr-container-failed-to-listen-on-port", "cr-startup-probe-failed"}
    p = plan({"m": {"role": "job", "command": "alembic upgrade head"}})
    assert "cr-startup-probe-failed" not in ids(run_preflight(p))


def test_start_work_on_gke_uses_kubernetes_id():
    p = plan({"api": {**WEB, "command": "sh -c 'python manage.py migrate && gunicorn -b :$PORT app.wsgi'"}},
             "gke-autopilot")
    got = ids(run_preflight(p))
    assert "k8s-startup-probe-failed" in got and "cr-startup-probe-failed" not in got


def test_compose_ports_clash_with_minio_for_buckets():
    p = plan({"api": {"role": "web", "port": 9000, "buckets": ["media"], "image": "x"}}, "compose",
             buckets={"media": {}})
    f = only(run_preflight(p), "compose-port-already-allocated")
    assert f and "minio" in f[0].message
    p = plan({"api": {"role": "web", "port": 9000, "image": "x"}}, "compose")
    assert "compose-port-already-allocated" not in ids(run_preflight(p))


def test_service_without_image_or_build():
    assert "cr-image-not-found" in ids(run_preflight(plan({"api": WEB})))
    assert "cr-image-not-found" not in ids(run_preflight(plan({"api": {**WEB, "image": "nginx:1.27"}})))
    assert "cr-image-not-found" not in ids(run_preflight(plan({"api": {**WEB, "build": "./api"}})))


def test_startup_blockers_are_errors_that_stop_the_container():
    from launchdeck.app.preflight import WILL_NOT_START, startup_blockers

    p = plan({"w": {"role": "web", "image": "x", "command": "celery -A app worker"}},
             ingress={"max_upload_mb": 100})
    found = run_preflight(p)
    blockers = {f.id for f in startup_blockers(found)}
    assert "cr-worker-deployed-as-service" in blockers
    assert "cr-request-too-large-413" not in blockers and "cr-request-too-large-413" in ids(found)
    assert set(catalog()) >= WILL_NOT_START


def test_doctor_and_generate_agree_on_secrets_in_env():
    from launchdeck.app.generators.common import SecretInEnv, check_no_secret_values

    for env in ({"SECRET_KEY": ""}, {"API_TOKEN": "abc"}, {"LOG_LEVEL": "info"}, {"DATABASE_URL": "postgres://h/db"}):
        p = plan({"api": {**WEB, "image": "x", "env": env}})
        try:
            check_no_secret_values(p)
            refused = False
        except SecretInEnv:
            refused = True
        assert ("secret-value-in-env" in ids(run_preflight(p))) is refused, env


def test_every_catalog_id_has_a_rule_module_and_every_rule_has_texts():
    from launchdeck.app.preflight.rules import MODULES, load

    rules = load()
    assert len(rules) == len(MODULES)
    covered = {fid for rule, _check, _module in rules for fid in rule.ids}
    assert covered == set(catalog())
    for rule, check, module in rules:
        assert callable(check) and module.__doc__, module.__name__
        assert rule.severity == catalog()[rule.id]["severity"], rule.id
        assert rule.signature in (None, rule.id) and bool(rule.signature) == bool(catalog()[rule.id].get("signature"))


def test_queue_consumer_declared_job_on_cloud_run_never_exits():
    p = plan({"q": {"role": "job", "image": "x", "command": "rq worker default"}})
    f = only(run_preflight(p), "crj-task-timeout")
    assert f and f[0].severity == "warning" and f[0].path == "services.q.command"
    assert "crj-task-timeout" not in ids(run_preflight(plan({"q": {"role": "job", "image": "x",
                                                                    "command": "python -m app.backfill"}})))


def test_database_url_on_a_compose_hostname_says_so():
    # trigger: a compose service name is not a localhost fallback: the finding says what it is
    p = plan({"api": {**WEB, "env": {"DATABASE_URL": "postgresql://db/blog"}}})
    found = [f for f in run_preflight(p) if f.path == "services.api.env.DATABASE_URL"]
    assert [(f.id, f.severity) for f in found] == [("env-compose-hostname", "error")]
    assert "docker-compose service name" in found[0].message and "Google Cloud" in found[0].message
    assert "localhost" not in found[0].message


def test_database_url_secret_or_managed_host_is_not_a_compose_hostname():
    # trap: the imported shape (a secret name) and a real host raise nothing about the host
    for svc in ({**WEB, "secrets": ["DATABASE_URL"]},
                {**WEB, "env": {"DATABASE_URL": "postgresql://app@10.1.2.3/app"}}):
        got = ids(run_preflight(plan({"api": svc})))
        assert not got & {"env-compose-hostname", "db-dial-localhost-fallback"}, svc
    # and on the compose target the compose host is right
    p = plan({"api": {**WEB, "env": {"DATABASE_URL": "postgresql://db/blog"}}})
    assert "env-compose-hostname" not in ids(run_preflight(p, "compose"))
