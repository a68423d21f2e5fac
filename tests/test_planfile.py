"""The plan file: line-numbered one-line errors for malformed files, and comment-keeping saves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from launchdeck.app.planfile import PlanFileError, load_plan, render_plan, save_plan

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad_plans"
EXAMPLE = ROOT / "assets" / "example" / "launchdeck.yaml"

# file -> (line or None, key path or "", words the message must contain)
EXPECTED: dict[str, tuple[int | None, str, str]] = {
    "syntax_unclosed_flow.yaml": (6, "", "YAML syntax error"),
    "tab_indent.yaml": (5, "", "YAML syntax error"),
    "unclosed_quote.yaml": (4, "", "YAML syntax error"),
    "duplicate_key.yaml": (6, "services.web.port", "duplicate key"),
    "top_level_list.yaml": (1, "", "expected a mapping at the top level, found a list"),
    "top_level_scalar.yaml": (1, "", "expected a mapping at the top level"),
    "empty.yaml": (1, "", "file is empty"),
    "comments_only.yaml": (1, "", "file is empty"),
    "binary.yaml": (None, "", "binary file"),
    "not_utf8.yaml": (2, "", "not UTF-8"),
    "unknown_key.yaml": (6, "services.web.memroy", "unknown key (did you mean 'memory'?)"),
    "unknown_top_key.yaml": (2, "regoin", "did you mean 'region'?"),
    "unknown_region.yaml": (2, "region", "unknown region 'europe-west99' (did you mean 'europe-west9'?)"),
    "wrong_type_port.yaml": (4, "services.web.port", "'eighty' is not a whole number"),
    "services_is_list.yaml": (2, "services", "expected a mapping, found a list"),
    "service_empty.yaml": (3, "services.web", "expected a mapping, found nothing"),
    "bad_role.yaml": (4, "services.web.role", "allowed: web, websocket, worker, job"),
    "bad_target.yaml": (2, "target", "allowed: cloud-run, cloud-run-jobs, gke-autopilot, gke-standard, compose"),
    "memory_for_cpu.yaml": (6, "services.web.memory", "allowed: 128Mi to 1Gi"),
    "cpu_not_a_step.yaml": (4, "services.web.cpu", "allowed: 0.08 to 1, or 1, 2, 4, 6, 8"),
    "min_above_max.yaml": (4, "services.web.min_instances", "greater than max_instances 2"),
    "timeout_too_long.yaml": (4, "services.web.timeout", "allowed: 1 to 3600 s"),
    "concurrency_too_high.yaml": (4, "services.web.concurrency", "allowed: 1 to 1000"),
    "usage_reversed.yaml": (5, "services.web.usage.requests_per_month", "low 2,000,000 is greater than high"),
    "env_value_list.yaml": (5, "services.web.env.FEATURES", "expected text, found a list"),
    "bad_service_name.yaml": (3, "services.Web_App", "not a valid service name"),
    "postgres_not_mapping.yaml": (2, "postgres", "expected a mapping"),
    "bad_memory.yaml": (4, "services.web.memory", "not a memory size"),
    "unknown_bucket.yaml": (4, "services.web.buckets", "unknown bucket 'uploads'"),
    "bad_plan_name.yaml": (1, "name", "not a valid name"),
}


def test_battery_covers_every_file() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in BAD.iterdir())
    assert len(EXPECTED) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_plan_message(name: str) -> None:
    line, key, words = EXPECTED[name]
    path = BAD / name
    with pytest.raises(PlanFileError) as info:
        load_plan(path)
    first = str(info.value).splitlines()[0]
    where = f"{path}:{line}: " if line else f"{path}: "
    assert first.startswith(where), first
    if key:
        assert first.startswith(f"{where}{key}: "), first
    assert words in first, first


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match=r"nope\.yaml: file not found"):
        load_plan(tmp_path / "nope.yaml")
    with pytest.raises(PlanFileError, match="is a directory"):
        load_plan(tmp_path)


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "launchdeck.app.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=120)


@pytest.mark.slow
def test_cli_exit_2_without_traceback(tmp_path: Path) -> None:
    """Every malformed plan, through a command that loads the plan first: exit 2, FILE:LINE on stderr."""
    # One interpreter for the whole battery keeps this quick; each call goes through app.cli.main.
    code = (
        "import contextlib, io, json, sys\n"
        "from app.cli import main\n"
        "out = {}\n"
        "for path in sys.argv[1:]:\n"
        "    err = io.StringIO()\n"
        "    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):\n"
        "        rc = main(['estimate', path])\n"
        "    out[path] = [rc, err.getvalue()]\n"
        "print(json.dumps(out))\n"
    )
    paths = [str(BAD / n) for n in sorted(EXPECTED)] + [str(tmp_path / "missing.yaml"), str(tmp_path)]
    proc = subprocess.run([sys.executable, "-c", code, *paths], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    import json

    results = json.loads(proc.stdout)
    for path in paths:
        rc, err = results[path]
        assert rc == 2, (path, err)
        assert "Traceback" not in err
        assert err.startswith(path + ":"), err
        assert 1 <= len(err.strip().splitlines()) <= 5


@pytest.mark.slow
def test_console_script_exit_2() -> None:
    exe = ROOT / ".venv" / "bin" / "launchdeck"
    if not exe.exists():
        pytest.fail("the launchdeck console script is not installed in .venv")
    proc = subprocess.run([str(exe), "estimate", str(BAD / "unknown_key.yaml")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"{BAD / 'unknown_key.yaml'}:6: services.web.memroy: unknown key")
    assert "Traceback" not in proc.stderr


# --- saving -------------------------------------------------------------------------------------

USER_PLAN = """\
# My shop's plan. Keep this comment.
name: shop
region: europe-west1   # close to our users
target: cloud-run
services:
  # the API
  api:
    role: web
    port: 8000
    cpu: 1000m         # one vCPU
    memory: 1G
    env: {LOG_LEVEL: info}
  worker:
    role: worker
    cpu: 1
    memory: 1Gi        # bump when the image grows
    billing: instance
    min_instances: 1
redis: {size_gb: 1}
"""


def test_round_trip_unchanged_is_identical(tmp_path: Path) -> None:
    path = tmp_path / "launchdeck.yaml"
    path.write_text(USER_PLAN)
    loaded = load_plan(path)
    assert render_plan(loaded.plan, loaded.doc) == USER_PLAN


def test_editing_one_value_changes_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "launchdeck.yaml"
    path.write_text(USER_PLAN)
    loaded = load_plan(path)
    plan = loaded.plan
    plan.services["worker"].memory = "2Gi"
    save_plan(plan, path, loaded.doc)
    before, after = USER_PLAN.splitlines(), path.read_text().splitlines()
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("    memory: 1Gi        # bump when the image grows",
                        "    memory: 2Gi        # bump when the image grows")]
    # user spellings of untouched values survive
    assert "cpu: 1000m" in after[9] and after[10].strip() == "memory: 1G"
    assert load_plan(path).plan.services["worker"].memory_gib == 2


def test_adding_and_removing_keys_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "launchdeck.yaml"
    path.write_text(USER_PLAN)
    loaded = load_plan(path)
    plan = loaded.plan.model_copy(deep=True)
    plan.services["api"].max_instances = 20
    plan.redis = None
    text = render_plan(plan, loaded.doc)
    assert "# My shop's plan. Keep this comment." in text
    assert "# close to our users" in text and "# the API" in text
    assert "max_instances: 20" in text
    assert "redis" not in text
    assert text.index("name: shop") < text.index("region:") < text.index("services:")


def test_fresh_render_is_tidy(tmp_path: Path) -> None:
    from launchdeck.app.plan import Plan, Service

    plan = Plan(name="shop", services={"api": Service(port=8000), "jobs": Service(role="worker")})
    text = render_plan(plan)
    lines = text.splitlines()
    assert lines[:3] == ["name: shop", "region: us-central1", "target: cloud-run"]
    assert "role: web" in text and "role: worker" in text
    # defaults are left out
    for noise in ("concurrency", "timeout", "selfhost", "usage", "health_path", "billing"):
        assert noise not in text
    path = tmp_path / "p.yaml"
    save_plan(plan, path, header="written by a test")
    assert path.read_text().startswith("# written by a test\n")
    assert load_plan(path).plan == plan


def test_example_plan_loads_and_round_trips() -> None:
    loaded = load_plan(EXAMPLE)
    assert render_plan(loaded.plan, loaded.doc) == EXAMPLE.read_text()
    assert loaded.plan.services["worker"].role == "worker"


def test_compose_file_where_a_plan_is_expected() -> None:
    from launchdeck.app.compose import load_plan_or_compose

    compose = ROOT / "assets" / "example" / "docker-compose.yml"
    with pytest.raises(PlanFileError) as info:
        load_plan(compose)
    assert str(info.value) == (f"{compose}: is a docker-compose file, not a launchdeck plan "
                               f"(turn it into one: launchdeck import {compose})")
    loaded = load_plan_or_compose(compose)
    assert loaded.path is None and loaded.plan == load_plan(EXAMPLE).plan
    assert load_plan_or_compose(EXAMPLE).path == EXAMPLE
    with pytest.raises(PlanFileError, match="unknown key"):
        load_plan_or_compose(BAD / "unknown_key.yaml")
