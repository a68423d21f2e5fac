"""`launchdeck estimate`: formats, --target, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from launchdeck.app.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "assets" / "example" / "launchdeck.yaml")


@pytest.fixture(autouse=True)
def bundled(tmp_path, monkeypatch):
    monkeypatch.setenv("LAUNCHDECK_CACHE_DIR", str(tmp_path / "cache"))  # never a user's refreshed cache


def test_json_has_the_design_shape(capsys):
    assert main(["estimate", EXAMPLE, "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"target", "region", "currency", "catalog", "lines", "total"} <= set(d)
    assert d["target"] == "cloud-run" and d["region"] == "us-central1" and d["currency"] == "USD"
    assert d["catalog"] == {"source": "bundled snapshot", "as_of": "2026-11-22"}
    for line in d["lines"]:
        assert {"component", "kind", "low", "high", "notes"} <= set(line)
        assert line["notes"]
    components = [x["component"] for x in d["lines"]]
    assert len(components) == len(set(components))
    assert d["total"]["low"] == pytest.approx(sum(x["low"] for x in d["lines"] if x["low"] is not None), abs=0.05)
    # each priced line lists its quantities with unit and unit price; unpriced lines say why
    for line in d["lines"]:
        if line["low"] is None:
            assert line["component"] in d["unpriced"] and line["notes"].startswith("unpriced: ")
        for q in line["quantities"]:
            assert {"what", "unit", "quantity", "unit_price", "price_key"} <= set(q)
            assert line["low"] is None or q["unit_price"] is not None


@pytest.mark.parametrize("target", ["cloud-run-jobs", "gke-autopilot", "gke-standard", "compose"])
def test_target_override(capsys, target):
    assert main(["estimate", EXAMPLE, "--target", target, "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["target"] == target and d["total"]["low"] > 0


def test_table_right_aligns_money_and_has_a_total(capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "160")
    assert main(["estimate", EXAMPLE]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    total = next(line for line in out.splitlines() if "Total" in line)
    assert "$91.00" in total and "$242.52" in total  # the worker pool is unpriced in the snapshot
    assert "Unpriced (not in the total): worker (Cloud Run worker pool)" in out
    migrate = next(line for line in out.splitlines() if line.startswith("│ migrate"))
    cells = migrate.split("│")
    assert cells[2].endswith(" $0.03 ") and cells[2].startswith("   ")  # right-aligned
    assert "Cheaper options:" in out and "Direct VPC egress" in out


def _cells(out: str, start: str) -> list[str]:
    row = next(line for line in out.splitlines() if line.startswith("│ " + start))
    return [c.strip() for c in row.split("│")[1:-1]]


def test_table_shows_each_line_as_quantity_times_unit_price_at_80_columns(capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["estimate", EXAMPLE]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    # frontend: 30,000-600,000 active vCPU-s x $0.000024 = $0.72-$14.40; the line is the sum of its quantities
    assert _cells(out, "frontend") == ["frontend (Cloud Run, request-based)", "$0.83", "$16.70"]
    cpu = _cells(out, "  vCPU-seconds (active): 30,000–600,000 vCPU-s")
    assert cpu[1:] == ["$0.72", "$14.40"]
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "vCPU-seconds (active): 30,000–600,000" in line)
    assert "× $0.000024" in " ".join(x.split("│")[1].strip() for x in lines[at:at + 2])  # wrapped, indented
    assert "requests: 100,000–2M request × $0.0000004" in out
    assert _cells(out, "  db-f1-micro instance-hours (zonal): 730 h × $0.0105")[1:] == ["$7.67", "$7.67"]
    # an unpriced line shows its quantities with no price and says why
    assert _cells(out, "worker (Cloud Run worker pool)")[1:] == ["unpriced", "unpriced"]
    assert "× no price" in out and "run.pool.cpu" in out


def test_table_prints_markup_in_plan_text_literally(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    plan = tmp_path / "launchdeck.yaml"
    plan.write_text("name: x\nservices:\n  api:\n    cpu: 1\n    memory: 512Mi\n")
    from launchdeck.app.output import text_table

    assert "[bold]api[/bold]" in text_table(["a"], [["[bold]api[/bold]"]])
    assert main(["estimate", str(plan)]) == 0


def test_markdown(capsys):
    assert main(["estimate", EXAMPLE, "-f", "md"]) == 0
    out = capsys.readouterr().out
    assert "| Cost line: quantity × unit price | Low | High | What drives it |" in out
    assert "| **Total** | $91.00 | $242.52 |  |" in out
    assert "| ↳ vCPU-seconds (active): 30,000–600,000 vCPU-s × $0.000024 | $0.72 | $14.40 |  |" in out


def test_bad_plan_is_one_clear_line(tmp_path, capsys):
    bad = tmp_path / "launchdeck.yaml"
    bad.write_text("name: x\nservices:\n  api:\n    cpu: 3\n")
    assert main(["estimate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "cpu" in err and "Traceback" not in err and str(bad) in err


def test_target_the_plan_cannot_meet(tmp_path, capsys):
    plan = tmp_path / "launchdeck.yaml"
    plan.write_text("name: x\ntarget: gke-autopilot\nservices:\n  api:\n    cpu: 3\n    memory: 3Gi\n")
    assert main(["estimate", str(plan), "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["estimate", str(plan), "--target", "cloud-run"]) == 2
    assert "cpu" in capsys.readouterr().err


def test_missing_plan_and_unknown_target_exit_2(tmp_path, capsys):
    assert main(["estimate", str(tmp_path / "nope.yaml")]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["estimate", EXAMPLE, "--target", "lambda"])
    assert exc.value.code == 2


def test_estimators_do_not_import_textual_or_google():
    code = ("import sys; from estimators import estimate, compare, load_catalog; from app.planfile import load_plan; "
            f"p = load_plan({EXAMPLE!r}).plan; estimate(p); compare(p); "
            "bad = [m for m in sys.modules if m.startswith(('textual', 'google.cloud', 'grpc'))]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "LAUNCHDECK_CACHE_DIR": "/nonexistent"}, check=True).stdout
    assert out.strip() == "[]"


def test_compare_fits_80_columns_with_whole_target_names(capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["compare", EXAMPLE]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    targets = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│ ")]
    assert {"cloud-run-jobs", "gke-autopilot", "gke-standard", "compose"} <= set(targets)
