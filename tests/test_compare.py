"""compare(): every target side by side, savings and break-even against self-host."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchdeck.app.cli import main
from launchdeck.app.plan import Plan
from launchdeck.app.planfile import load_plan
from launchdeck.estimators import compare, estimate, load_catalog
from launchdeck.estimators.catalog import BUNDLED_CATALOG

EXAMPLE = Path(__file__).resolve().parents[1] / "assets" / "example" / "launchdeck.yaml"
CATALOG = load_catalog(BUNDLED_CATALOG)


@pytest.fixture(scope="module")
def cmp():
    return compare(load_plan(EXAMPLE).plan, CATALOG)


def test_one_row_per_target_including_selfhost(cmp):
    assert [r.target for r in cmp.rows] == ["cloud-run", "cloud-run-jobs", "gke-autopilot", "gke-standard", "compose"]
    plan = load_plan(EXAMPLE).plan
    for row in cmp.rows:
        report = estimate(plan, row.target, CATALOG)
        assert (row.low, row.high) == (pytest.approx(report.total_low), pytest.approx(report.total_high))
    assert cmp.selfhost.target == "compose"


def test_saving_and_breakeven_by_hand(cmp):
    sh = cmp.selfhost
    run = cmp.row("cloud-run")
    assert cmp.monthly_saving["cloud-run"] == (pytest.approx(run.low - sh.total_low),
                                               pytest.approx(run.high - sh.total_high))
    # Self-host running cost excludes the hardware amortisation ($900 / 48 = $18.75).
    running_mid = (sh.total_low + sh.total_high) / 2 - 18.75
    expected = 900 / ((run.low + run.high) / 2 - running_mid)
    assert cmp.breakeven_months["cloud-run"] == pytest.approx(expected)
    assert "compose" not in cmp.breakeven_months


def test_cumulative_curves_cross_at_breakeven(cmp):
    months = 12
    gcp, home = cmp.cumulative("cloud-run", months), cmp.cumulative("compose", months)
    assert len(gcp) == len(home) == months + 1 and gcp[0] == 0 and home[0] == 900
    be = cmp.breakeven_months["cloud-run"]
    crossed = next(m for m in range(months + 1) if gcp[m] >= home[m])
    assert crossed - 1 < be <= crossed


def test_no_breakeven_when_selfhost_runs_dearer():
    plan = Plan(name="tiny", services={"api": {"role": "web", "usage": {"requests_per_month": [1000, 1000]}}},
                network={"egress_gb": [0, 0]}, selfhost={"hardware_usd": 2000, "watts": 200, "kwh_usd": 0.4})
    c = compare(plan, CATALOG)
    assert c.breakeven_months["cloud-run"] is None
    assert c.monthly_saving["cloud-run"][0] < 0


def test_target_the_plan_cannot_meet_is_a_row_with_a_reason():
    plan = Plan(name="big", target="gke-autopilot", services={"api": {"cpu": 3, "memory": "4Gi"}})
    c = compare(plan, CATALOG)
    row = c.row("cloud-run")
    assert row.low is None and "cpu" in row.note
    assert c.row("gke-autopilot").low is not None and "cloud-run" not in c.monthly_saving


def test_cli_json_and_table(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("LAUNCHDECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["compare", str(EXAMPLE), "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [t["target"] for t in d["targets"]][-1] == "compose"
    assert d["targets"][0]["breakeven_months"] > 0 and d["selfhost"]["upfront"] == 900
    assert main(["compare", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "break-even" in out.lower() and "months" in out and "\x1b[" not in out
