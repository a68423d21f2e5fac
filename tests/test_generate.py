"""What the generators write: the right resources and settings for each target, nothing secret."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest
import yaml

from launchdeck.app.generators import SecretsInPlan, generate
from launchdeck.app.plan import Plan
from launchdeck.app.planfile import load_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "assets/example/launchdeck.yaml"
PLANS = ROOT / "tests/data/plans"


def _plan(name: str = "") -> Plan:
    return load_plan(PLANS / f"{name}.yaml" if name else EXAMPLE).plan


def _strip(value):
    if isinstance(value, dict):
        return {k.strip('"'): _strip(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def resources(files: dict[str, str]) -> dict[tuple[str, str], dict]:
    out = {}
    for path, text in files.items():
        if path.endswith(".tf"):
            for entry in _strip(hcl2.loads(text)).get("resource", []):
                for rtype, named in entry.items():
                    for rname, body in named.items():
                        out[(rtype, rname)] = body
    return out


def of_type(res, rtype):
    return {name: body for (t, name), body in res.items() if t == rtype}


def k8s_docs(files):
    return [d for p, t in sorted(files.items()) if p.startswith("k8s/") and p != "k8s/kustomization.yaml"
            for d in yaml.safe_load_all(t) if d]


# --- Cloud Run -------------------------------------------------------------------------------

def test_cloud_run_services_settings():
    res = resources(generate(_plan(), "cloud-run"))
    services = of_type(res, "google_cloud_run_v2_service")
    assert set(services) == {"frontend", "backend", "realtime"}
    backend = services["backend"]["template"][0]
    container = backend["containers"][0]
    assert container["resources"][0]["limits"] == {"cpu": "2", "memory": "2Gi"}
    assert container["resources"][0]["cpu_idle"] is True  # request billing
    assert backend["max_instance_request_concurrency"] == 80
    assert backend["timeout"] == "300s"
    assert container["startup_probe"][0]["http_get"][0] == {"path": "/", "port": 8000}
    secret_envs = [e for e in container["env"] if "value_source" in e]
    assert {e["name"] for e in secret_envs} == {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "AWS_SECRET_ACCESS_KEY"}
    assert all("value" not in e for e in secret_envs)
    # The worker is a worker pool: no port, no probe, a fixed instance count (min_instances 1).
    pool = of_type(res, "google_cloud_run_v2_worker_pool")["worker"]
    assert pool["scaling"][0] == {"scaling_mode": "MANUAL", "manual_instance_count": 1}
    container = pool["template"][0]["containers"][0]
    assert not {"ports", "startup_probe", "liveness_probe"} & set(container)
    assert container["resources"][0]["limits"] == {"cpu": "4", "memory": "4Gi"}
    assert services["realtime"]["template"][0]["timeout"] == "3600s"
    # The migrate job is a Cloud Run job even on the cloud-run target, with no scheduler.
    assert set(of_type(res, "google_cloud_run_v2_job")) == {"migrate"}
    assert not of_type(res, "google_cloud_scheduler_job")


def test_instance_billing_turns_cpu_idle_off():
    res = resources(generate(_plan("lb-no-domain"), "cloud-run"))
    feed = of_type(res, "google_cloud_run_v2_service")["feed"]["template"][0]
    assert feed["containers"][0]["resources"][0]["cpu_idle"] is False
    assert feed["max_instance_request_concurrency"] == 500
    assert feed["session_affinity"] is True


def test_cloud_run_jobs_workers_and_schedules():
    res = resources(generate(_plan("scheduled-jobs"), "cloud-run-jobs"))
    assert set(of_type(res, "google_cloud_run_v2_job")) == {"crunch", "report", "cleanup"}
    assert set(of_type(res, "google_cloud_run_v2_service")) == {"api"}
    sched = of_type(res, "google_cloud_scheduler_job")
    assert set(sched) == {"report", "cleanup"}
    assert sched["report"]["schedule"] == "0 3 * * *"
    assert "google_cloud_run_v2_job.report.id" in sched["report"]["http_target"][0]["uri"]
    report = of_type(res, "google_cloud_run_v2_job")["report"]["template"][0]
    assert report["task_count"] == 4
    assert report["template"][0]["timeout"] == "1800s"
    # Direct VPC egress, not a connector.
    api = of_type(res, "google_cloud_run_v2_service")["api"]["template"][0]
    assert "network_interfaces" in api["vpc_access"][0]
    assert not of_type(res, "google_vpc_access_connector")


def test_least_privilege_iam():
    res = resources(generate(_plan(), "cloud-run"))
    secret_grants = of_type(res, "google_secret_manager_secret_iam_member")
    realtime = {k for k in secret_grants if k.startswith("realtime_")}
    assert realtime == {"realtime_redis_url"}  # only its own secret
    assert all(g["role"] == "roles/secretmanager.secretAccessor" for g in secret_grants.values())
    sql = {k for k, v in of_type(res, "google_project_iam_member").items() if v["role"] == "roles/cloudsql.client"}
    assert sql == {"backend_cloudsql", "worker_cloudsql", "migrate_cloudsql"}
    bucket_grants = of_type(res, "google_storage_bucket_iam_member")
    assert {k for k in bucket_grants if k.startswith("worker_")} == {"worker_uploads", "worker_stems"}
    assert not any(k.startswith("frontend_") for k in bucket_grants)
    accounts = of_type(res, "google_service_account")
    assert set(accounts) == {"frontend", "backend", "realtime", "worker", "migrate", "ci_deploy"}
    assert of_type(res, "google_service_account")["ci_deploy"]["count"] == "${local.ci}"


def test_datastores_buckets_and_connector():
    res = resources(generate(_plan(), "cloud-run"))
    inst = of_type(res, "google_sql_database_instance")["main"]
    assert inst["settings"][0]["tier"] == "db-f1-micro"
    assert inst["settings"][0]["ip_configuration"][0]["ipv4_enabled"] is False  # private_ip
    assert "random_password" in {t for t, _ in res}
    version = of_type(res, "google_secret_manager_secret_version")["cloudsql_user_password"]
    assert "random_password.db.result" in version["secret_data"]
    assert of_type(res, "google_redis_instance")["cache"]["tier"] == "BASIC"
    buckets = of_type(res, "google_storage_bucket")
    assert set(buckets) == {"uploads", "stems", "exports"}
    assert all(b["uniform_bucket_level_access"] is True for b in buckets.values())
    assert buckets["uploads"]["cors"][0]["origin"] == ["https://rehearsekit.example.com"]
    assert "cors" not in buckets["stems"]
    assert of_type(res, "google_vpc_access_connector")


def test_no_datastores_means_no_datastore_resources():
    files = generate(_plan("minimal-web"), "cloud-run")
    res = resources(files)
    assert not {t for t, _ in res} & {"google_sql_database_instance", "google_redis_instance",
                                        "google_storage_bucket", "google_vpc_access_connector",
                                        "google_compute_url_map", "random_password"}
    assert "random" not in files["terraform/versions.tf"]
    web = of_type(res, "google_cloud_run_v2_service")["web"]["template"][0]["containers"][0]
    assert web["image"] == "nginxdemos/hello:0.4"
    assert "$${" not in files["terraform/services.tf"]


def test_load_balancer():
    files = generate(_plan(), "cloud-run")
    res = resources(files)
    negs = of_type(res, "google_compute_region_network_endpoint_group")
    assert set(negs) == {"frontend", "backend", "realtime"}
    assert all(n["network_endpoint_type"] == "SERVERLESS" for n in negs.values())
    backends = of_type(res, "google_compute_backend_service")
    # Google rejects timeout_sec on serverless NEG backends; Cloud Run's own timeout rules instead.
    assert all("timeout_sec" not in b for b in backends.values())
    cert = of_type(res, "google_compute_managed_ssl_certificate")["lb"]
    assert "var.domain" in str(cert["managed"][0]["domains"])
    redirect = of_type(res, "google_compute_url_map")["http_redirect"]
    assert redirect["default_url_redirect"][0]["https_redirect"] is True
    rules = of_type(res, "google_compute_global_forwarding_rule")
    assert {r["port_range"] for r in rules.values()} == {"443", "80"}
    assert re.search(r'default +=\s*"rehearsekit.example.com"', files["terraform/variables.tf"])
    # Without a domain in the plan, the variable has no default (terraform asks for it).
    nodomain = generate(_plan("lb-no-domain"), "cloud-run")["terraform/variables.tf"]
    assert 'variable "domain"' in nodomain
    assert "example" not in nodomain


def test_no_load_balancer_when_not_asked():
    files = generate(_plan("nas-stack"), "cloud-run")
    assert "terraform/load_balancer.tf" not in files
    app = of_type(resources(files), "google_cloud_run_v2_service")["app"]
    assert app["ingress"] == "INGRESS_TRAFFIC_ALL"


# --- GKE -------------------------------------------------------------------------------------

def test_gke_manifests():
    files = generate(_plan(), "gke-autopilot")
    docs = k8s_docs(files)
    kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
    assert ("Deployment", "worker") in kinds and ("Service", "worker") not in kinds
    assert ("Job", "migrate") in kinds
    assert ("Ingress", "rehearsekit") in kinds and ("HorizontalPodAutoscaler", "backend") in kinds
    assert ("ConfigMap", "backend-env") in kinds
    backend = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "backend")
    container = backend["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["requests"] == {"cpu": "2", "memory": "2Gi"}
    assert {"startupProbe", "readinessProbe", "livenessProbe"} <= set(container)
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]}
    assert refs["DATABASE_URL"] == {"name": "rehearsekit-secrets", "key": "DATABASE_URL"}
    assert not any(d["kind"] == "Secret" for d in docs)  # created out of band by deploy.sh
    # Cloud SQL Auth Proxy as a native sidecar.
    init = backend["spec"]["template"]["spec"]["initContainers"][0]
    assert init["restartPolicy"] == "Always" and "rehearsekit-db" in init["args"][-1]
    ws = next(d for d in docs if d["kind"] == "BackendConfig" and d["metadata"]["name"] == "realtime")
    assert ws["spec"]["timeoutSec"] >= 3600
    assert ws["spec"]["sessionAffinity"]["affinityType"] == "GENERATED_COOKIE"
    kust = yaml.safe_load(files["k8s/kustomization.yaml"])
    assert sorted(kust["resources"]) == sorted(p[4:] for p in files if p.startswith("k8s/") and
                                               p != "k8s/kustomization.yaml")
    cluster = of_type(resources(files), "google_container_cluster")["main"]
    assert cluster["enable_autopilot"] is True
    assert not of_type(resources(files), "google_container_node_pool")


def test_gke_standard_node_pool_and_cronjob():
    files = generate(_plan("gke-websocket"), "gke-standard")
    res = resources(files)
    cluster = of_type(res, "google_container_cluster")["main"]
    assert "enable_autopilot" not in cluster and cluster["remove_default_node_pool"] is True
    pool = of_type(res, "google_container_node_pool")["main"]
    scaling = pool["autoscaling"][0]
    assert 1 <= scaling["total_min_node_count"] <= scaling["total_max_node_count"]
    assert pool["node_config"][0]["machine_type"].startswith("e2-standard-")
    docs = k8s_docs(files)
    cron = next(d for d in docs if d["kind"] == "CronJob")
    assert cron["metadata"]["name"] == "digest" and cron["spec"]["schedule"] == "30 6 * * 1"
    assert not any(d["kind"] == "Deployment" and d["metadata"]["name"] == "digest" for d in docs)
    cert = next(d for d in docs if d["kind"] == "ManagedCertificate")
    assert "chatty.example.com" in cert["spec"]["domains"]
    wi = of_type(res, "google_service_account_iam_member")
    assert all(v["role"] == "roles/iam.workloadIdentityUser" for v in wi.values())
    ui = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "ui")
    assert ui["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"] == "500m"


def test_bigger_plan_gets_bigger_nodes():
    from launchdeck.app.generators.gke import _pool_size

    small = _pool_size(_plan("minimal-web").model_copy(update={"target": "gke-standard"}))
    big = _pool_size(_plan().model_copy(update={"target": "gke-standard"}))
    assert small[0] == "e2-standard-2"
    assert big[0] != small[0] and big[2] >= big[1]


# --- compose ---------------------------------------------------------------------------------

def test_compose_stack():
    files = generate(_plan("nas-stack"), "compose")
    doc = yaml.safe_load(files["docker-compose.yml"])
    services = doc["services"]
    assert {"postgres", "minio", "minio-buckets", "app", "thumbs", "migrate", "backup"} <= set(services)
    assert "redis" not in services
    assert all(s["platform"] == "linux/amd64" for s in services.values())
    app = services["app"]
    assert app["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert app["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert app["depends_on"]["thumbs"] == {"condition": "service_healthy"}
    assert services["thumbs"]["healthcheck"]["test"] == ["CMD-SHELL", "kill -0 1"]
    assert app["ports"] == ["18000:8000"]
    assert "/health/" in app["healthcheck"]["test"][1]
    assert app["restart"] == "unless-stopped" and services["migrate"]["restart"] == "no"
    assert services["backup"]["profiles"] == ["scheduled"]
    pg = services["postgres"]
    assert pg["volumes"][0].startswith("${POOL_PATH:-/mnt/pool1/apps}/photos/postgres:")
    assert pg["user"] == "1000:1000"
    assert app["environment"]["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    env_lines = [ln for ln in files[".env.example"].splitlines() if ln and not ln.startswith("#")]
    assert env_lines and all(ln.endswith("=") for ln in env_lines)  # names only
    assert "DJANGO_SECRET_KEY=" in env_lines and "POSTGRES_PASSWORD=" in env_lines
    md = files["DEPLOY.md"]
    assert "chown -R 1000:1000 /mnt/pool1/apps/photos" in md and "Install via YAML" in md
    assert "15 2 * * *" in md


def test_compose_escapes_dollars():
    files = generate(_plan("minimal-web"), "compose")
    assert yaml.safe_load(files["docker-compose.yml"])["services"]["web"]["environment"]["GREETING"] == \
        "costs $$5 a month"


# --- scripts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["cloud-run", "cloud-run-jobs", "gke-autopilot", "gke-standard"])
def test_deploy_script_and_workflow(target):
    files = generate(_plan(), target)
    script = files["deploy.sh"]
    assert script.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in script
    assert "docker buildx build" in script and "--platform linux/amd64 --push" in script
    assert "--set-env-vars" not in script
    assert "BUILD_ONLY" in script and "terraform" in files["DEPLOY.md"]
    if target.startswith("cloud-run"):
        assert "--env-vars-file" in script and "--set-secrets" in script
        env = yaml.safe_load(files["env/backend.yaml"])
        assert env == {"LOG_LEVEL": "info", "S3_BUCKET": "uploads", "S3_ENDPOINT": "http://minio:9000"}
    else:
        assert "kubectl create secret generic rehearsekit-secrets" in script
        assert "gcloud secrets versions access" in script
    wf = yaml.safe_load(files[".github/workflows/deploy.yml"])
    job = wf["jobs"]["deploy"]
    assert wf["permissions"]["id-token"] == "write"
    auth = next(s for s in job["steps"] if s.get("uses", "").startswith("google-github-actions/auth@"))
    assert set(auth["with"]) == {"workload_identity_provider", "service_account"}
    assert "credentials_json" not in files[".github/workflows/deploy.yml"]


def test_compose_target_has_no_gcp_files():
    files = generate(_plan(), "compose")
    assert set(files) == {"docker-compose.yml", ".env.example", "DEPLOY.md"}


# --- secrets and determinism ----------------------------------------------------------------

def test_secret_looking_env_value_is_refused():
    plan = _plan("minimal-web")
    svc = plan.services["web"].model_copy(update={"env": {"SENTRY_DSN": "https://k3y:s3cr3t@o1.ingest.io/5"}})
    bad = plan.model_copy(update={"services": {"web": svc}})
    with pytest.raises(SecretsInPlan) as err:
        generate(bad)
    assert "SENTRY_DSN" in str(err.value) and "secrets" in str(err.value)


CANARY = "canary-7f3a9c-do-not-leak"


def test_canary_never_reaches_generated_files(monkeypatch):
    # Plant the value where a careless generator could pick it up: the process environment
    # under every secret name the plans use, and a token-shaped value refused in env.
    plans = [load_plan(p).plan for p in [EXAMPLE, *sorted(PLANS.glob("*.yaml"))]]
    for plan in plans:
        for svc in plan.services.values():
            for name in svc.secrets:
                monkeypatch.setenv(name, CANARY)
    from launchdeck.app.plan import TARGETS, target_problems

    checked = 0
    for plan in plans:
        for target in TARGETS:
            if target_problems(plan, target):
                continue
            for path, text in generate(plan, target).items():
                assert CANARY not in text, f"{path} leaks the canary"
                checked += 1
    assert checked > 100
    plan = plans[0]
    svc = plan.services["backend"].model_copy(update={"env": {"API_TOKEN": CANARY}})
    with pytest.raises(SecretsInPlan):
        generate(plan.model_copy(update={"services": {**plan.services, "backend": svc}}))


_DIGEST = """
import hashlib, sys
from launchdeck.app.generators import generate
from launchdeck.app.planfile import load_plan
from launchdeck.app.plan import TARGETS, target_problems
h = hashlib.sha256()
for path in sys.argv[1:]:
    plan = load_plan(path).plan
    for target in TARGETS:
        if not target_problems(plan, target):
            for name, text in generate(plan, target).items():
                h.update(name.encode() + b"\\0" + text.encode() + b"\\0")
print(h.hexdigest())
"""


def test_same_plan_same_bytes_across_processes():
    # Different hash seeds would reorder any set iteration: the output must not change.
    paths = [str(EXAMPLE), *map(str, sorted(PLANS.glob("*.yaml")))]
    digests = {subprocess.run([sys.executable, "-c", _DIGEST, *paths], env={**os.environ, "PYTHONHASHSEED": seed},
                              check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()
               for seed in ("1", "4242")}
    assert len(digests) == 1 and len(next(iter(digests))) == 64
    assert generate(_plan(), "cloud-run") == generate(_plan(), "cloud-run")


def test_service_names_that_match_internal_resources_do_not_collide():
    from launchdeck.app.validate import validate_files

    plan = _plan("scheduled-jobs")
    svcs = dict(plan.services)
    svcs["deploy"] = svcs.pop("crunch").model_copy(update={"secrets": ["GITHUB"]})
    svcs["scheduler"] = svcs.pop("cleanup")
    plan = plan.model_copy(update={"services": svcs})
    files = generate(plan, "cloud-run-jobs")
    bad = [v for v in validate_files({p: t for p, t in files.items() if p.endswith(".tf")}) if not v.ok]
    assert not bad, bad


def test_generate_refuses_a_target_the_plan_does_not_fit():
    with pytest.raises(ValueError, match="concurrency"):
        generate(_plan("gke-websocket"), "cloud-run")
    with pytest.raises(ValueError, match="unknown target"):
        generate(_plan(), "heroku")


def test_generate_itself_refuses_a_secret_in_a_command_argument():
    """The core refuses, not only the CLI: the TUI's export calls generate() directly."""
    plan = _plan("minimal-web")
    svc = plan.services["web"].model_copy(
        update={"command": ["celery", "-A", "shop", "worker", "-b", "redis://:c4n4ry-pw@redis:6379/0"]})
    with pytest.raises(SecretsInPlan) as err:
        generate(plan.model_copy(update={"services": {"web": svc}}))
    assert "services.web.command.5" in str(err.value) and "c4n4ry" not in str(err.value)
