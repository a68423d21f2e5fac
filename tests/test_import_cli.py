"""`launchdeck import` and `launchdeck init` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from launchdeck.app.planfile import load_plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_COMPOSE = ROOT / "assets" / "example" / "docker-compose.yml"
EXAMPLE_PLAN = ROOT / "assets" / "example" / "launchdeck.yaml"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in this process (app.cli.main), as a subprocess would see it: exit code, stdout, stderr."""
    import contextlib
    import io

    from launchdeck.app.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(list(args))
    finally:
        os.chdir(old)
    return subprocess.CompletedProcess(list(args), rc, out.getvalue(), err.getvalue())


def run_process(*args: str, cwd: Path, color: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if not color:
        env["NO_COLOR"] = "1"
    env["COLUMNS"] = "200"
    return subprocess.run([sys.executable, "-m", "launchdeck.app.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


@pytest.mark.slow
def test_import_writes_plan_and_prints_table(tmp_path: Path) -> None:
    proc = run_process("import", str(EXAMPLE_COMPOSE), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    written = tmp_path / "launchdeck.yaml"
    assert load_plan(written).plan == load_plan(EXAMPLE_PLAN).plan
    assert written.read_text().startswith("# launchdeck plan, imported from docker-compose.yml.")
    out = proc.stdout
    for service, role in [("frontend", "web"), ("realtime", "websocket"), ("worker", "worker"),
                          ("migrate", "job"), ("db", "postgres"), ("adminer", "skipped")]:
        assert any(service in ln and f" {role} " in ln for ln in out.splitlines()), (service, out)
    assert "celery worker command, no port" in out
    assert "wrote launchdeck.yaml: 5 service(s), postgres, redis, 3 bucket(s), 1 not mapped" in out
    assert "\x1b[" not in out  # NO_COLOR

    # a second import refuses to overwrite, exit 2, file untouched
    written.write_text(written.read_text() + "# my edit\n")
    again = run_process("import", str(EXAMPLE_COMPOSE), cwd=tmp_path)
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert again.stderr.strip() == ("launchdeck: launchdeck.yaml already exists; not overwriting it "
                                    "(use --force, or -o another file)")
    assert written.read_text().endswith("# my edit\n")
    forced = run("import", str(EXAMPLE_COMPOSE), "--force", cwd=tmp_path)
    assert forced.returncode == 0 and not written.read_text().endswith("# my edit\n")


def test_import_formats_and_stdout(tmp_path: Path) -> None:
    proc = run("import", str(EXAMPLE_COMPOSE), "-o", "plan.yaml", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["output"] == "plan.yaml"
    roles = {s["service"]: s["role"] for s in data["services"]}
    assert roles["realtime"] == "websocket" and roles["minio"] == "buckets"
    assert all(set(s) == {"service", "plan_name", "role", "why"} for s in data["services"])
    md = run("import", str(EXAMPLE_COMPOSE), "-o", "plan2.yaml", "--format", "md", cwd=tmp_path)
    assert md.stdout.startswith("| service | role | why |\n|---|---|---|\n| frontend | web |")
    dash = run("import", str(EXAMPLE_COMPOSE), "-o", "-", cwd=tmp_path)
    assert dash.returncode == 0
    assert dash.stdout.startswith("# launchdeck plan, imported from docker-compose.yml.\n")
    assert "name: rehearsekit" in dash.stdout and "wrote the plan above" in dash.stderr
    assert not (tmp_path / "-").exists() and not (tmp_path / "launchdeck.yaml").exists()


def test_init(tmp_path: Path) -> None:
    proc = run("init", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "launchdeck.yaml").read_text() == EXAMPLE_PLAN.read_text()
    assert proc.stdout.startswith("wrote launchdeck.yaml: the built-in example plan (5 services")
    again = run("init", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert run("init", "--force", "-o", "sub/dir/plan.yaml", cwd=tmp_path).returncode == 0
    assert load_plan(tmp_path / "sub" / "dir" / "plan.yaml").plan.name == "rehearsekit"
    assert run("init", "-o", str(tmp_path), cwd=tmp_path).returncode == 2  # a directory
