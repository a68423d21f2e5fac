"""Cloud Run worker pools: how a worker's instance settings map, what generate writes for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from launchdeck.app.cli import main
from launchdeck.app.generators import generate
from launchdeck.app.plan import Plan, PlanProblems, target_problems, worker_pool_shape
from launchdeck.app.planfile import load_plan
from launchdeck.app.validate import failed, validate_files
from tests.test_generate import k8s_docs, of_type, resources

ROOT = Path(__file__).resolve().parent.parent
RQ = ROOT / "tests/data/plans/rq-worker-pool.yaml"


def _worker(**fields) -> Plan:
    return Plan.model_validate({"name": "app", "target": "cloud-run", "services": {
        "web": {"role": "web", "port": 8000}, "worker": {"role": "worker", "command": "celery -A app worker",
                                                          **fields}}})


# --- the plan: instances, min_instances and max_instances ------------------------------------

def test_instances_default_and_explicit():
    assert worker_pool_shape(_worker().services["worker"]).instances == 1
    shape = worker_pool_shape(_worker(instances=4).services["worker"])
    assert (shape.instances, shape.notes) == (4, ())


def test_min_instances_becomes_the_count_with_a_note():
    shape = worker_pool_shape(_worker(min_instances=2, max_instances=5).services["worker"])
    assert shape.instances == 2
    [note] = shape.notes
    assert "min_instances 2 / max_instances 5" in note and "does not autoscale" in note and "instances" in note


def test_instances_wins_and_says_what_it_ignores():
    shape = worker_pool_shape(_worker(instances=3, min_instances=1, max_instances=5).services["worker"])
    assert shape.instances == 3
    assert shape.notes == ("min_instances and max_instances not used: a worker pool runs exactly instances (3)",)


@pytest.mark.parametrize(("fields", "word"), [
    ({"instances": 1, "min_instances": 2, "max_instances": 4}, "below min_instances 2"),
    ({"instances": 9, "max_instances": 4}, "above max_instances 4"),
])
def test_conflicting_instance_settings_are_a_plan_error(fields, word):
    with pytest.raises(ValueError) as err:
        _worker(**fields)
    problems = [e for e in err.value.errors() if isinstance(e.get("ctx", {}).get("error"), PlanProblems)]
    [(path, msg)] = problems[0]["ctx"]["error"].problems
    assert path == ("services", "worker", "instances") and word in msg


def test_instances_bounds_are_validated():
    for bad in (-1, 1001):
        with pytest.raises(ValueError, match="instances"):
            _worker(instances=bad)
    assert "runs nothing" in worker_pool_shape(_worker(instances=0).services["worker"]).notes[0]


def test_keys_a_worker_pool_has_no_use_for_are_noted():
    notes = worker_pool_shape(_worker(port=9100, schedule="0 3 * * *").services["worker"]).notes
    assert any(n.startswith("port 9100 not used") for n in notes)
    assert any(n.startswith("schedule not used") and "role job" in n for n in notes)


def test_worker_pool_cpu_and_memory():
    # Below the worker-pool minimum: raised, with a note; not allowed combinations: refused.
    shape = worker_pool_shape(_worker(cpu=0.25, memory="256Mi").services["worker"])
    assert (shape.cpu, shape.memory_mib) == (1.0, 512.0) and len(shape.notes) == 2
    plan = _worker(cpu=4, memory="2Gi")
    bad = plan.model_copy(update={"services": {**plan.services,
                                               "worker": plan.services["worker"].model_copy(update={"memory": "1Gi"})}})
    assert [p for p, _ in target_problems(bad, "cloud-run")] == [("services", "worker", "memory")]
    # a request timeout or concurrency means nothing to a worker pool
    assert target_problems(_worker(timeout=86400, cpu=0.5, concurrency=50), "cloud-run") == []


# --- what generate writes ----------------------------------------------------------------------

def test_worker_pool_terraform_passes_the_provider_schema():
    plan = load_plan(RQ).plan
    files = generate(plan, "cloud-run")
    assert not failed(validate_files(files, "cloud-run"))
    res = resources(files)
    assert set(of_type(res, "google_cloud_run_v2_service")) == {"web"}
    pool = of_type(res, "google_cloud_run_v2_worker_pool")["rq"]
    assert pool["scaling"][0] == {"scaling_mode": "MANUAL", "manual_instance_count": 3}
    template = pool["template"][0]
    assert template["service_account"] == "${google_service_account.rq.email}"
    assert "network_interfaces" in template["vpc_access"][0]
    assert template["volumes"][0]["cloud_sql_instance"][0]["instances"] == [
        "${google_sql_database_instance.main.connection_name}"]
    container = template["containers"][0]
    assert container["args"] == ["rq", "worker", "--url", "redis://redis:6379/0", "high", "default", "low"]
    assert container["resources"][0]["limits"] == {"cpu": "1", "memory": "512Mi"}
    envs = {e["name"]: e for e in container["env"]}
    assert envs["RQ_QUEUES"]["value"] == "high,default,low"
    assert "secret_key_ref" in envs["REDIS_URL"]["value_source"][0]
    assert not {"ports", "startup_probe", "liveness_probe"} & set(container)
    # No URL output for a worker pool, only for the web service.
    assert "rq_url" not in files["terraform/outputs.tf"] and "web_url" in files["terraform/outputs.tf"]


def test_the_schema_check_really_covers_worker_pools():
    files = generate(load_plan(RQ).plan, "cloud-run")
    broken = files["terraform/worker_pools.tf"].replace("manual_instance_count", "instance_count")
    verdicts = failed(validate_files({**files, "terraform/worker_pools.tf": broken}, "cloud-run"))
    assert any(v.validator == "tf-schema" and "instance_count" in v.message for v in verdicts)


def test_deploy_script_rolls_out_the_worker_pool():
    files = generate(load_plan(RQ).plan, "cloud-run")
    script = files["deploy.sh"]
    block = script[script.index("gcloud run worker-pools deploy rq"):]
    block = block[:block.index("\n\n")]
    assert "--instances 3" in block and "--cpu 1" in block and "--memory 512Mi" in block
    assert '--network "${NETWORK:-default}"' in block and "--vpc-egress private-ranges-only" in block
    assert "--set-secrets DATABASE_URL=DATABASE_URL:latest,REDIS_URL=REDIS_URL:latest" in block
    assert '--add-cloudsql-instances "${PROJECT_ID}:${REGION}:tickets-db"' in block
    for flag in ("--port", "--concurrency", "--timeout", "--min-instances", "--ingress", "--cpu-boost"):
        assert flag not in block
    assert "gcloud run deploy rq" not in script
    assert "gcloud run worker-pools update rq --instances" in files["DEPLOY.md"]


def test_connector_egress_comes_from_terraform_for_a_worker_pool():
    files = generate(load_plan(ROOT / "assets/example/launchdeck.yaml").plan, "cloud-run")
    pool = of_type(resources(files), "google_cloud_run_v2_worker_pool")["worker"]["template"][0]
    assert pool["vpc_access"][0]["connector"] == "${google_vpc_access_connector.main.id}"
    block = files["deploy.sh"][files["deploy.sh"].index("gcloud run worker-pools deploy worker"):]
    assert "--vpc-connector" not in block  # gcloud has no such flag for worker pools


def test_other_targets_keep_their_shape_for_a_worker():
    plan = load_plan(RQ).plan
    jobs = resources(generate(plan, "cloud-run-jobs"))
    assert "rq" in of_type(jobs, "google_cloud_run_v2_job") and not of_type(jobs, "google_cloud_run_v2_worker_pool")
    gke = generate(plan, "gke-autopilot")
    assert ("Deployment", "rq") in {(d["kind"], d["metadata"]["name"]) for d in k8s_docs(gke)}
    assert "worker-pools" not in gke["deploy.sh"]


def test_generate_cli_writes_a_worker_pool(tmp_path):
    out = tmp_path / "out"
    rc = main(["generate", str(RQ), "--target", "cloud-run", "--out", str(out), "--format", "json", "--force"])
    assert rc == 0
    text = (out / "terraform/worker_pools.tf").read_text()
    assert re.search(r'resource "google_cloud_run_v2_worker_pool" "rq"', text)


# --- project trees modelled on real stacks (tests/data/worker_projects; bench/worker_pools.py) ---

PROJECTS = ROOT / "tests/data/worker_projects"
# Trees where preflight has nothing that blocks generate (the others are refused for reasons that
# have nothing to do with worker pools: a compose-only DATABASE_URL host, ...).
CLEAN = {"dashboards-celery", "django-celery", "redash-like", "saleor-like"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in PROJECTS.iterdir() if p.is_dir()))
def test_project_trees_get_a_worker_pool_per_worker(name, tmp_path, capsys):
    import json
    import shutil

    tree = tmp_path / name
    shutil.copytree(PROJECTS / name, tree)
    assert main(["import", str(tree / "docker-compose.yml"), "-o", str(tree / "launchdeck.yaml")]) == 0
    plan = load_plan(tree / "launchdeck.yaml").plan
    workers = {n for n, s in plan.services.items() if s.role == "worker"}
    assert workers, "the import found no queue worker"
    capsys.readouterr()
    argv = ["generate", str(tree / "launchdeck.yaml"), "--target", "cloud-run", "--out", str(tree / "out"), "-f", "json"]
    rc = main(argv if name in CLEAN else [*argv, "--force"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    data = json.loads(out.out)
    assert data["validation_summary"]["failed"] == 0 and data["validation_summary"]["skipped"] == 0
    files = {p.relative_to(tree / "out").as_posix(): p.read_text() for p in (tree / "out").rglob("*") if p.is_file()}
    res = resources(files)
    pools = of_type(res, "google_cloud_run_v2_worker_pool")
    assert len(pools) == len(workers)
    assert not set(of_type(res, "google_cloud_run_v2_service")) & {n.replace("-", "_") for n in workers}
    assert files["deploy.sh"].count("gcloud run worker-pools deploy") == len(workers)


def test_generate_says_what_the_worker_pool_does_differently(tmp_path, capsys):
    import json

    plan = tmp_path / "launchdeck.yaml"
    plan.write_text(RQ.read_text().replace("    instances: 3\n", "    min_instances: 2\n    max_instances: 6\n"))
    assert main(["generate", str(plan), "--out", str(tmp_path / "a"), "--force"]) == 0
    out = capsys.readouterr().out
    assert "Note: services.rq: min_instances 2 / max_instances 6: a worker pool does not autoscale, so it runs " \
           "2 instances all month" in out
    assert "Note: services.rq: cpu 0.5 raised to 1" in out
    assert main(["generate", str(plan), "--out", str(tmp_path / "b"), "--force", "-f", "json"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert len(notes) == 2 and all(n.startswith("services.rq: ") for n in notes)
