"""Estimates checked against hand calculations from list prices (prices.yaml), one target at a time."""

from __future__ import annotations

import pytest

from launchdeck.app.plan import Plan
from launchdeck.estimators import estimate, load_catalog
from launchdeck.estimators.pricebook import BUNDLED_CATALOG

M = 2_628_000  # seconds in Google's 730-hour month
H = 730


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(BUNDLED_CATALOG)


def make(services: dict, **kw) -> Plan:
    kw.setdefault("network", {"vpc": "none", "egress_gb": [0, 0]})  # hand calcs below leave egress out
    return Plan(name="hand", services=services, **kw)


WEB = {"role": "web", "cpu": 1, "memory": "1Gi",
       "usage": {"requests_per_month": [1_000_000, 1_000_000], "seconds_per_request": [0.5, 0.5]}}


def test_tier2_region_request_based(catalog):
    r = estimate(make({"api": WEB}, region="europe-west2"), catalog=catalog)
    line = r.line("service:api")
    # 500,000 instance-s at Tier 2 rates ($0.0000336/vCPU-s, $0.0000035/GiB-s) + 1M requests at $0.40/M
    gross = 500_000 * 0.0000336 + 500_000 * 0.0000035 + 1_000_000 * 0.0000004
    assert line.low == pytest.approx(gross)
    # The free tier is valued at Tier 1 prices even in a Tier 2 region.
    free = 180_000 * 0.000024 + 360_000 * 0.0000025 + 1_000_000 * 0.0000004
    assert r.line("free-tier:cloud-run-request").low == pytest.approx(-free)
    assert r.total_low == pytest.approx(gross - free, rel=0.001)  # logging stays inside its free 50 GiB


def test_tier2_instance_billing_and_jobs(catalog):
    svc = {"role": "web", "cpu": 1, "memory": "2Gi", "billing": "instance", "min_instances": 1,
           "usage": {"requests_per_month": [0, 0]}}
    job = {"role": "job", "cpu": 1, "memory": "512Mi",
           "usage": {"executions_per_month": [30, 30], "tasks_per_execution": [2, 2], "seconds_per_execution": [600, 600]}}
    r = estimate(make({"api": svc, "nightly": job}, region="europe-west3"), catalog=catalog)
    api = M * (0.0000216 + 2 * 0.0000024)  # min 1 instance all month at Tier 2 instance-based rates
    assert r.line("service:api").low == r.line("service:api").high == pytest.approx(api)
    job_cost = 30 * 2 * 600 * (0.0000216 + 0.5 * 0.0000024)
    assert r.line("service:nightly").high == pytest.approx(job_cost)
    free = 240_000 * 0.000018 + 450_000 * 0.000002  # pooled, Tier 1 valued, shared with Jobs
    assert r.total_high == pytest.approx(api + job_cost - free, rel=0.001)


def test_instance_billing_web_with_min_instances(catalog):
    svc = dict(WEB, billing="instance", cpu=2, memory="2Gi", min_instances=2)
    r = estimate(make({"api": svc}), catalog=catalog)
    # Two instances all month dominate 500,000 busy seconds; no request fee on instance-based billing.
    gross = 2 * M * (2 * 0.000018 + 2 * 0.000002)
    assert r.line("service:api").low == pytest.approx(gross)
    assert r.line("free-tier:cloud-run-instance").low == pytest.approx(-5.22)


def test_request_based_min_instance_idle(catalog):
    svc = dict(WEB, min_instances=1)
    r = estimate(make({"api": svc}), catalog=catalog)
    active = 500_000 * (0.000024 + 0.0000025) + 1_000_000 * 0.0000004
    idle = (M - 500_000) * (0.0000025 + 0.0000025)
    assert r.line("service:api").low == pytest.approx(active + idle)


def test_gke_autopilot_rounds_pod_requests(catalog):
    small = {"role": "web", "cpu": 0.3, "memory": "256Mi", "concurrency": 1}
    wide = {"role": "worker", "cpu": 1, "memory": "8Gi", "min_instances": 1, "usage": {"avg_instances": [2, 2]}}
    r = estimate(make({"small": small, "wide": wide}, target="gke-autopilot"), catalog=catalog)
    eph = 0.0000548
    # Bursting clusters (general-purpose): no 0.25 vCPU steps; 0.25 GiB on 0.3 vCPU -> 0.3 GiB (1 GiB/vCPU floor)
    assert r.line("service:small").low == pytest.approx((0.3 * 0.0445 + 0.3 * 0.0049225 + eph) * H)
    # 8 GiB on 1 vCPU exceeds 6.5 GiB/vCPU: CPU raised to 8/6.5; two pods all month
    assert r.line("service:wide").low == pytest.approx(2 * (8 / 6.5 * 0.0445 + 8 * 0.0049225 + eph) * H)
    assert r.line("gke:cluster").low == pytest.approx(73.0)
    assert r.line("free-tier:gke-credit").low == pytest.approx(-73.0)
    hand = ((0.3 * 0.0445 + 0.3 * 0.0049225 + eph) + 2 * (8 / 6.5 * 0.0445 + 8 * 0.0049225 + eph)) * H
    assert r.total_low == pytest.approx(hand, rel=0.001)


def test_gke_standard_packs_onto_the_cheapest_node_type(catalog):
    svc = {"role": "web", "cpu": 1, "memory": "2Gi", "usage": {"requests_per_month": [1000, 1000]}}
    r = estimate(make({"a": svc, "b": svc, "c": svc}, target="gke-standard"), catalog=catalog)
    nodes = r.line("gke:nodes")
    # 3 pods x (1 vCPU, 2 GiB): one e2-standard-4 (allocatable 3.92 vCPU) holds all three.
    assert "e2-standard-4" in nodes.label
    assert nodes.low == pytest.approx(0.1340228 * H, rel=1e-4)
    assert r.line("gke:boot-disks").low == pytest.approx(100 * 0.10)
    assert r.total_low == pytest.approx(0.1340228 * H + 10, rel=0.001)  # zonal fee - credit = 0


def test_gke_standard_respects_allocatable(catalog):
    # A 4 vCPU pod does not fit a 4 vCPU node (GKE reserves part of it): next size up.
    svc = {"role": "worker", "cpu": 4, "memory": "4Gi", "min_instances": 1, "usage": {"avg_instances": [1, 1]}}
    r = estimate(make({"w": svc}, target="gke-standard"), catalog=catalog)
    assert "e2-standard-8" in r.line("gke:nodes").label


def test_cloud_sql_custom_tier_ha(catalog):
    pg = {"tier": "db-custom-2-7680", "storage_gb": 20, "ha": True, "backups_gb": 5}
    r = estimate(make({}, postgres=pg), catalog=catalog)
    inst = (2 * 0.0826 + 7.5 * 0.014) * H
    disk = 20 * 0.34 + 5 * 0.08
    assert r.line("postgres").low == pytest.approx(inst)
    assert r.line("postgres:storage").low == pytest.approx(disk)
    assert r.total_low == pytest.approx(inst + disk)


def test_memorystore_standard_capacity_tier(catalog):
    r = estimate(make({}, redis={"tier": "standard", "size_gb": 5}), catalog=catalog)
    assert r.line("redis").low == pytest.approx(5 * 0.054 * H)  # 5 GB is capacity tier M2


def test_egress_tiers(catalog):
    r = estimate(make({}, network={"vpc": "none", "egress_gb": [2000, 2000]}), catalog=catalog)
    assert r.line("egress").low == pytest.approx(1024 * 0.12 + 976 * 0.11)


def test_direct_vpc_has_no_fixed_cost_and_connector_says_so(catalog):
    r = estimate(make({"api": WEB}, network={"vpc": "direct", "egress_gb": [0, 0]}), catalog=catalog)
    assert r.line("vpc").low == 0.0 and "no connector" in r.line("vpc").notes
    r = estimate(make({"api": WEB}, network={"vpc": "connector", "egress_gb": [0, 0]}), catalog=catalog)
    assert r.line("vpc").low == pytest.approx(2 * 0.0083764 * H, rel=1e-4)
    assert any("Direct VPC" in a for a in r.line("vpc").alternatives)


def test_unpriced_tier_is_none_with_a_reason_never_zero(catalog):
    r = estimate(make({}, postgres={"tier": "db-perf-optimized-N-8"}), catalog=catalog)
    line = r.line("postgres")
    assert line.low is None and line.high is None
    assert "unpriced" in line.notes and "Enterprise Plus" in line.notes
    assert r.to_dict()["unpriced"] == ["postgres"]


def test_regional_price_is_the_regions_own(catalog):
    r = estimate(make({}, region="europe-west2", redis={"size_gb": 1}), catalog=catalog)
    assert r.line("redis").low == pytest.approx(1 * 0.053 * H)  # Basic M1 in London, not Iowa's $0.049


def test_missing_regional_price_is_unpriced_never_borrowed(catalog):
    pg = {"tier": "db-custom-2-7680", "storage_gb": 20}
    r = estimate(make({}, region="europe-west2", postgres=pg), catalog=catalog)
    for component in ("postgres", "postgres:storage"):
        line = r.line(component)
        assert line.low is None and line.high is None
        assert "europe-west2" in line.notes and "prices refresh" in line.notes


def test_selfhost_lines_each_with_a_source(catalog):
    plan = make({"api": WEB}, target="compose", ingress={"domain": "example.com"},
                selfhost={"hardware_usd": 1200, "lifetime_months": 60, "watts": 30, "kwh_usd": 0.30,
                          "ups_usd": 150, "tunnel_usd_month": 5, "domain_usd_year": 15, "backup_usd_month": 3})
    r = estimate(plan, catalog=catalog)
    assert r.line("selfhost:hardware").low == pytest.approx(20.0)
    assert r.line("selfhost:electricity").low == pytest.approx(30 * 0.73 * 0.30)
    assert r.line("selfhost:ups").low == pytest.approx(150 / 60 + 30 * 0.73 * 0.30 * 0.03)
    assert r.line("selfhost:tunnel").high == 5
    assert r.line("selfhost:domain").low == pytest.approx(1.25)
    assert r.line("selfhost:backup").low == 3
    assert all(line.notes for line in r.lines)
    assert r.total_low == pytest.approx(sum(x.low for x in r.lines))


def test_gke_standard_pod_larger_than_any_node_type_is_unpriced(catalog):
    svc = {"role": "worker", "cpu": 20, "memory": "32Gi", "min_instances": 1}
    r = estimate(make({"big": svc}, target="gke-standard"), catalog=catalog)
    nodes = r.line("gke:nodes")
    assert nodes.low is None and "unpriced" in nodes.notes
    assert r.total_low == pytest.approx(sum(x.low for x in r.lines if x.low is not None))
