"""compare(): every target side by side, savings and break-even against self-host."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchdeck.app.cli import main
from launchdeck.app.plan import Plan
from launchdeck.app.planfile import load_plan
from launchdeck.estimators import compare, estimate, load_catalog
from launchdeck.estimators.pricebook import BUNDLED_CATALOG

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
    ap = cmp.row("gke-autopilot")
    assert cmp.monthly_saving["gke-autopilot"] == (pytest.approx(ap.low - sh.total_low),
                                                   pytest.approx(ap.high - sh.total_high))
    # One basis: the box's price over (GCP - self-host running cost), running cost = total minus the hardware
    # spread over its life ($900 / 48 = $18.75 for the example's i5 box).
    hw = sh.line("selfhost:hardware").low
    assert hw == pytest.approx(900 / 48)
    lo = 900 / (ap.low - (sh.total_low - hw))
    hi = 900 / (ap.high - (sh.total_high - hw))
    assert cmp.breakeven["gke-autopilot"] == (pytest.approx(lo), pytest.approx(hi))
    mid = 900 / ((ap.low + ap.high) / 2 - ((sh.total_low + sh.total_high) / 2 - hw))
    assert cmp.breakeven_months["gke-autopilot"] == pytest.approx(mid)
    assert "compose" not in cmp.breakeven_months


def test_a_target_with_unpriced_lines_claims_no_saving(cmp):
    # the example's worker is a Cloud Run worker pool, unpriced in the bundled snapshot
    assert cmp.incomplete["cloud-run"] == 1
    assert "cloud-run" not in cmp.monthly_saving and "cloud-run" not in cmp.breakeven


def test_cumulative_curves_cross_at_breakeven(cmp):
    months = 12
    gcp, home = cmp.cumulative("gke-autopilot", months), cmp.cumulative("compose", months)
    assert len(gcp) == len(home) == months + 1 and gcp[0] == 0 and home[0] == 900
    be = cmp.breakeven_months["gke-autopilot"]
    crossed = next(m for m in range(months + 1) if gcp[m] >= home[m])
    assert crossed - 1 < be <= crossed


def test_no_breakeven_when_selfhost_runs_dearer():
    plan = Plan(name="tiny", services={"api": {"role": "web", "usage": {"requests_per_month": [1000, 1000]}}},
                network={"egress_gb": [0, 0]}, selfhost={"hardware_usd": 2000, "watts": 200, "kwh_usd": 0.4})
    c = compare(plan, CATALOG)
    assert c.breakeven["cloud-run"] == (None, None) and c.breakeven_months["cloud-run"] is None
    assert c.monthly_saving["cloud-run"][0] < 0 and c.monthly_saving["cloud-run"][1] < 0


def test_never_within_the_hardwares_life_even_when_running_is_cheaper():
    # GCP costs a little more than the box's running cost, so the box would pay off only after its 48 months.
    plan = Plan(name="slow", services={"api": {"role": "web", "min_instances": 1, "cpu": 1, "memory": "512Mi",
                                               "usage": {"requests_per_month": [1000, 1000]}}},
                network={"egress_gb": [0, 0]},
                selfhost={"hardware_usd": 3000, "watts": 5, "kwh_usd": 0.1, "tunnel_usd_month": 0,
                          "backup_usd_month": 0, "ups_usd": 0})
    c = compare(plan, CATALOG)
    run = c.row("cloud-run")
    assert run.low - c.running[0] > 0            # saves something every month...
    assert 3000 / (run.low - c.running[0]) > 48  # ...but not the box's price within its life
    assert c.breakeven["cloud-run"][0] is None and c.monthly_saving["cloud-run"][0] < 0


def test_selfhost_box_grows_with_the_plan():
    small = load_plan(EXAMPLE).plan
    services = dict(small.services)
    services["worker"] = services["worker"].model_copy(update={"cpu": 8.0, "memory": "32Gi"})
    big = small.model_copy(update={"services": services})
    a, b = estimate(small, "compose", CATALOG), estimate(big, "compose", CATALOG)
    assert b.line("selfhost:hardware").high > a.line("selfhost:hardware").high
    assert b.total_high > a.total_high


def test_nothing_fits_one_box_is_said():
    plan = Plan(name="huge", services={f"s{i}": {"role": "worker", "cpu": 8, "memory": "32Gi", "instances": 1}
                                       for i in range(6)})
    r = estimate(plan, "compose", CATALOG)
    line = r.line("selfhost:hardware")
    assert line.low is None and "nothing fits one box" in line.notes


def test_own_box_from_the_plan_is_checked():
    plan = Plan(name="own", services={"api": {"role": "web", "cpu": 4, "memory": "16Gi"}},
                selfhost={"hardware_usd": 400, "vcpu": 2, "memory_gib": 8, "disk_gib": 500})
    line = estimate(plan, "compose", CATALOG).line("selfhost:hardware")
    assert line.low == pytest.approx(400 / 48) and "does not fit" in line.notes and "memory" in line.notes


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
    ap = next(t for t in d["targets"] if t["target"] == "gke-autopilot")
    assert ap["breakeven_months"] > 0 and d["selfhost"]["upfront"] == 900
    assert ap["breakeven"]["low"] >= ap["breakeven"]["high"] > 0 and ap["breakeven"]["never_within_life"] is False
    assert d["targets"][0]["unpriced_lines"] == 1 and d["targets"][0]["breakeven"] is None
    assert main(["compare", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "break-even" in out.lower() and "months" in out and "\x1b[" not in out


def test_compare_when_nothing_fits_one_box_claims_no_breakeven(capsys, monkeypatch, tmp_path):
    plan = Plan(name="huge", services={f"s{i}": {"role": "web", "cpu": 8, "memory": "32Gi"} for i in range(6)})
    c = compare(plan, CATALOG)
    assert c.breakeven == {} and c.monthly_saving == {} and "compose" in c.incomplete
    from launchdeck.estimators.render import render_comparison

    assert "n/a (hardware unpriced)" in render_comparison(c, "md")
