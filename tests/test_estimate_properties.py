"""Property tests: lines are non-negative (free tiers aside), low <= high, totals are sums of lines,
and more usage never costs less."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchdeck.app.plan import Plan
from launchdeck.estimators import TARGETS, estimate, load_catalog
from launchdeck.estimators.pricebook import BUNDLED_CATALOG

CATALOG = load_catalog(BUNDLED_CATALOG)
REGIONS = ["us-central1", "asia-east1", "europe-west2", "europe-west3", "asia-southeast1", "us-west2"]
SHAPES = [(1, "512Mi"), (1, "1Gi"), (1, "4Gi"), (2, "2Gi"), (2, "8Gi"), (4, "4Gi"), (4, "16Gi")]


def pair(lo_max: float, integer: bool = False):
    base = st.integers(0, int(lo_max)) if integer else st.floats(0, lo_max, allow_nan=False)
    return st.tuples(base, base).map(lambda t: sorted(t))


@st.composite
def services(draw):
    out = {}
    for i in range(draw(st.integers(1, 4))):
        role = draw(st.sampled_from(["web", "websocket", "worker", "job"]))
        cpu, mem = draw(st.sampled_from(SHAPES))
        mn = draw(st.integers(0, 2))
        usage = {
            "requests_per_month": pair(5e6, integer=True),
            "seconds_per_request": pair(2.0),
            "busy_fraction": pair(1.0),
            "executions_per_month": pair(100, integer=True),
            "seconds_per_execution": pair(3600),
            "egress_gb": pair(500),
        }
        out[f"s{i}"] = {"role": role, "cpu": cpu, "memory": mem, "min_instances": mn,
                        "max_instances": draw(st.integers(max(mn, 1), 5)),
                        "billing": draw(st.sampled_from(["request", "instance"])),
                        "usage": {k: draw(v) for k, v in usage.items()}}
    return out


@st.composite
def plans(draw):
    data = {
        "name": "prop",
        "region": draw(st.sampled_from(REGIONS)),
        "services": draw(services()),
        "network": {"vpc": draw(st.sampled_from(["none", "connector", "direct"])), "egress_gb": draw(pair(3000))},
        "ingress": {"load_balancer": draw(st.booleans())},
    }
    if draw(st.booleans()):
        data["postgres"] = {"tier": draw(st.sampled_from(["db-f1-micro", "db-g1-small", "db-custom-2-7680"])),
                            "ha": draw(st.booleans()), "storage_gb": draw(st.integers(10, 500))}
    if draw(st.booleans()):
        data["redis"] = {"tier": draw(st.sampled_from(["basic", "standard"])), "size_gb": draw(st.integers(1, 120))}
    if draw(st.booleans()):
        data["buckets"] = {"bkt": {"storage_gb": draw(st.integers(0, 2000))}}
    return Plan(**data)


def check(report):
    for line in report.lines:
        if line.low is None or line.high is None:
            # unpriced: both ends, a reason, and never counted
            assert line.low is None and line.high is None and line.notes.startswith("unpriced: "), line.component
            continue
        if line.quantities:  # the pricing pass: the line is the sum of its quantities' costs
            assert line.low == pytest.approx(sum(q.cost_low for q in line.quantities)), line.component
            assert line.high == pytest.approx(sum(q.cost_high for q in line.quantities)), line.component
        if line.kind == "free-tier":
            assert line.low <= 0 and line.high <= 0, line.component
        else:
            assert line.low >= 0 and line.high >= 0, line.component
            assert line.low <= line.high + 1e-9, line.component
    assert report.total_low == pytest.approx(sum(x.low for x in report.lines if x.low is not None))
    assert report.total_high == pytest.approx(sum(x.high for x in report.lines if x.high is not None))
    assert report.total_low <= report.total_high + 1e-9
    d = report.to_dict()
    assert d["total"]["low"] == pytest.approx(round(report.total_low, 2))


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(plans(), st.sampled_from(TARGETS))
def test_lines_are_consistent(plan, target):
    check(estimate(plan, target, CATALOG))


def scaled(plan: Plan, factor: float) -> Plan:
    services = {}
    for name, svc in plan.services.items():
        u = svc.usage
        usage = u.model_copy(update={
            "requests_per_month": tuple(x * factor for x in u.requests_per_month),
            "seconds_per_request": tuple(x * factor for x in u.seconds_per_request),
            "busy_fraction": tuple(min(1.0, x * factor) for x in u.busy_fraction),
            "executions_per_month": tuple(x * factor for x in u.executions_per_month),
            "egress_gb": tuple(x * factor for x in u.egress_gb),
        })
        services[name] = svc.model_copy(update={"usage": usage})
    network = plan.network.model_copy(update={"egress_gb": tuple(x * factor for x in plan.network.egress_gb)})
    return plan.model_copy(update={"services": services, "network": network})


@SETTINGS
@given(plans(), st.sampled_from(TARGETS), st.floats(1.0, 20.0))
def test_more_usage_never_costs_less(plan, target, factor):
    """Before free tiers. After them a total can fall by a fraction of a cent: a min instance's busy
    time inside the free tier replaces idle time that was billed (Cloud Run bills it that way too)."""
    before = estimate(plan, target, CATALOG)
    after = estimate(scaled(plan, factor), target, CATALOG)

    def gross(report, side):
        return sum(getattr(ln, side) or 0.0 for ln in report.lines if ln.kind != "free-tier")

    assert gross(after, "low") >= gross(before, "low") - 1e-6
    assert gross(after, "high") >= gross(before, "high") - 1e-6
    for line in before.lines:
        if line.kind == "free-tier" or line.component.startswith("gke:"):
            continue  # free tiers grow more negative; a node pool may switch type
        other = after.line(line.component)
        if line.high is None:
            continue
        assert other.high >= line.high - 1e-6, line.component
