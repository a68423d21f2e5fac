"""`launchdeck doctor`: output formats, exit codes, default source directory, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from launchdeck.app.cli import main

PROJECTS = Path(__file__).parent / "data" / "projects"
EXAMPLE = Path(__file__).resolve().parents[1] / "assets" / "example" / "launchdeck.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["doctor", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_and_exit_1_on_errors(capsys):
    code, out, _ = run(capsys, str(PROJECTS / "seed_b" / "launchdeck.yaml"), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["target"] == "cloud-run"
    assert {f["id"] for f in data["findings"]} >= {"cr-worker-deployed-as-service", "cr-request-too-large-413"}
    for f in data["findings"]:
        assert {"id", "severity", "service", "message", "fix"} <= set(f)


def test_clean_project_exits_0(capsys):
    code, out, _ = run(capsys, str(PROJECTS / "clean" / "launchdeck.yaml"))
    assert code == 0 and "No findings" in out


def test_default_source_is_the_plan_directory(capsys):
    code, out, _ = run(capsys, str(PROJECTS / "seed_a" / "launchdeck.yaml"), "-f", "json")
    ids = {f["id"] for f in json.loads(out)["findings"]}
    assert code == 1 and "cr-exec-format-error" in ids and "db-dial-localhost-fallback" in ids


def test_plan_without_source_tree_gets_plan_checks_only(capsys, tmp_path):
    plan = tmp_path / "launchdeck.yaml"
    shutil.copy(PROJECTS / "seed_a" / "launchdeck.yaml", plan)
    code, out, _ = run(capsys, str(plan), "-f", "json")
    assert code == 0 and json.loads(out)["findings"] == []


def test_explicit_source_dir(capsys, tmp_path):
    plan = tmp_path / "launchdeck.yaml"
    shutil.copy(PROJECTS / "seed_a" / "launchdeck.yaml", plan)
    code, out, _ = run(capsys, str(plan), "--source", str(PROJECTS / "seed_a"), "-f", "json")
    assert code == 1 and "cr-startup-probe-failed" in {f["id"] for f in json.loads(out)["findings"]}


def test_target_override(capsys):
    code, out, _ = run(capsys, str(EXAMPLE), "--target", "compose", "-f", "json")
    data = json.loads(out)
    assert code == 0 and data["target"] == "compose"
    assert "cr-request-too-large-413" not in {f["id"] for f in data["findings"]}


def test_target_the_plan_does_not_fit_is_a_finding(capsys, tmp_path):
    plan = tmp_path / "launchdeck.yaml"
    plan.write_text("name: big\ntarget: gke-autopilot\nservices:\n  api: {role: web, port: 8080, cpu: 3, image: nginx}\n")
    code, out, _ = run(capsys, str(plan), "--target", "cloud-run", "-f", "json")
    found = json.loads(out)["findings"]
    assert code == 1 and found[0]["id"] == "target-rejects-value" and found[0]["service"] == "api"


def test_markdown_and_table_formats(capsys):
    code, out, _ = run(capsys, str(EXAMPLE), "--format", "md")
    assert code == 1 and out.startswith("| severity | id | service | problem | fix |")
    assert "cr-request-too-large-413" in out and "error(s)" in out
    code, out, _ = run(capsys, str(EXAMPLE))
    assert code == 1 and "db-too-many-connections" in out and "1 error(s)" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["missing.yaml"], "file not found"),
    ([str(EXAMPLE), "--source", "/no/such/dir"], "not a directory"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and message in err and "Traceback" not in err


def test_invalid_plan_exits_2(capsys, tmp_path):
    plan = tmp_path / "launchdeck.yaml"
    plan.write_text("name: x\nservices:\n  api: {role: sidecar}\n")
    code, _, err = run(capsys, str(plan))
    assert code == 2 and "services.api.role" in err


@pytest.mark.slow
def test_console_script_end_to_end():
    proc = subprocess.run([sys.executable, "-m", "launchdeck.app.cli", "doctor", str(PROJECTS / "seed_b" / "launchdeck.yaml"),
                           "-f", "json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "gcs-permission-denied" in {f["id"] for f in json.loads(proc.stdout)["findings"]}
