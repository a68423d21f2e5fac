"""The price catalog: one parser for the bundled snapshot and live Catalog JSON."""

from __future__ import annotations

import json
import os

import pytest

from launchdeck.app.cachedir import CACHE_ENV
from launchdeck.estimators import pricebook as cat
from launchdeck.estimators.pricebook import (
    BUNDLED_SOURCE,
    convert_factor,
    load_catalog,
    parse_catalog,
    parse_sku,
)


def _sku(desc: str, unit: str, tiers: list[tuple[float, int, int]], service: str = "Cloud Run",
         regions: list[str] | None = None, usage_type: str = "OnDemand") -> dict:
    rates = []
    for start, units, nanos in tiers:
        rate: dict = {"unitPrice": {"currencyCode": "USD", "units": str(units), "nanos": nanos}}
        if start:
            rate["startUsageAmount"] = start
        rates.append(rate)
    return {"name": "services/X/skus/Y", "skuId": "Y", "description": desc,
            "category": {"serviceDisplayName": service, "usageType": usage_type},
            "serviceRegions": regions or ["us-central1"],
            "pricingInfo": [{"pricingExpression": {"usageUnit": unit, "tieredRates": rates}}]}


def test_bundled_snapshot_has_every_family_and_a_date():
    c = load_catalog(cat.BUNDLED_CATALOG)
    assert c.source == BUNDLED_SOURCE and c.as_of == "2026-11-22"
    for key in ("run.req.cpu", "run.inst.cpu", "run.jobs.mem", "run.idle.cpu", "gke.ap.cpu", "gke.cluster.zonal",
                "gce.e2.core", "gce.n2.ram", "sql.zonal.micro", "sql.regional.storage", "redis.basic.m1",
                "gcs.standard", "lb.rule_min", "net.egress", "ar.storage", "sm.versions", "log.ingest"):
        assert key in c.prices, key
    assert c.sku_count > 200 and c.service_count >= 10


def test_snapshot_is_catalog_json_shape():
    doc = json.loads(cat.BUNDLED_CATALOG.read_text())
    sku = doc["skus"][0]
    assert set(sku) >= {"name", "skuId", "description", "category", "serviceRegions", "pricingInfo"}
    rate = sku["pricingInfo"][0]["pricingExpression"]["tieredRates"][0]["unitPrice"]
    assert set(rate) <= {"currencyCode", "units", "nanos"}


def test_snapshot_parses_through_the_real_proto():
    """The bundled JSON is exactly what ListSkus returns: it round-trips through billing_v1.Sku."""
    from google.cloud import billing_v1
    from google.protobuf import json_format

    doc = json.loads(cat.BUNDLED_CATALOG.read_text())
    for raw in doc["skus"][:40]:
        pb = json_format.ParseDict(raw, billing_v1.Sku.pb(billing_v1.Sku()))
        again = json_format.MessageToDict(pb)
        assert parse_sku(again) == parse_sku(raw)


def test_money_units_and_nanos_and_tier2_regions():
    c = load_catalog(cat.BUNDLED_CATALOG)
    assert c.get("run.req.cpu", "us-central1").usd == pytest.approx(0.000024)
    assert c.get("run.req.cpu", "europe-west2").usd == pytest.approx(0.0000336)
    assert c.get("run.inst.cpu", "asia-southeast1").usd == pytest.approx(0.0000216)
    assert c.get("gke.cluster.zonal", "anywhere").usd == pytest.approx(0.10)  # global SKU


def test_leading_zero_tier_is_the_free_amount():
    c = load_catalog(cat.BUNDLED_CATALOG)
    req = c.get("run.requests", "us-central1")
    assert req.free == 2_000_000 and req.usd == pytest.approx(4e-7)
    assert req.cost(3_000_000) == pytest.approx(1.20)  # gross: the free tier is its own line
    assert c.get("log.ingest", "global").free == 50


def test_marginal_tiers_for_egress():
    c = load_catalog(cat.BUNDLED_CATALOG)
    egress = c.get("net.egress", "us-central1")
    assert egress.cost(100) == pytest.approx(12.0)
    assert egress.cost(2000) == pytest.approx(1024 * 0.12 + 976 * 0.11)
    assert egress.cost(20000) == pytest.approx(1024 * 0.12 + 9216 * 0.11 + (20000 - 10240) * 0.08)


@pytest.mark.parametrize("usage, app, factor", [
    ("GiBy.mo", "GiBy.mo", 1), ("GiBy.h", "GiBy.mo", 730), ("h", "s", 1 / 3600), ("GiBy.s", "GiBy.h", 3600),
    ("MiBy", "GiBy", 1024), ("10^6.count", "count", 1e-6), ("GiBy", "h", None), ("count", "GiBy", None),
])
def test_unit_conversion(usage, app, factor):
    got = convert_factor(usage, app)
    assert got == (None if factor is None else pytest.approx(factor))


def test_price_normalised_from_the_skus_own_unit():
    # Storage sold per GiB-hour (as GCS's page now shows) still yields the GiB-month price.
    p = parse_sku(_sku("Standard Storage Iowa", "GiBy.h", [(0, 0, 27397)], service="Cloud Storage"))
    assert p[0].key == "gcs.standard" and p[0].usd == pytest.approx(0.02, rel=1e-3)
    # Autopilot CPU is sold per mCPU-hour; estimators price per vCPU-hour.
    p = parse_sku(_sku("Autopilot Pod mCPU Requests (us-central1)", "h", [(0, 0, 44500)], service="Kubernetes Engine"))
    assert p[0].usd == pytest.approx(0.0445)


def test_tolerant_description_matching():
    assert parse_sku(_sku("Services CPU Tier 2  (Request-based billing)", "s", [(0, 0, 33600)]))[0].key == "run.req.cpu"
    got = parse_sku(_sku("Services CPU (Instance-based billing) in in asia-northeast1", "s", [(0, 0, 18000)],
                         regions=["asia-northeast1"]))
    assert got[0].key == "run.inst.cpu" and got[0].region == "asia-northeast1"


@pytest.mark.parametrize("desc, usage_type", [
    ("Commitment v1: E2 Cpu in Americas for 1 Year", "Commit1Yr"),
    ("Spot Preemptible E2 Instance Core running in Americas", "Preemptible"),
    ("C3 Instance Core running in Americas", "OnDemand"),
    ("Standard Storage US Multi-region", "OnDemand"),
])
def test_skus_launchdeck_does_not_use_are_ignored(desc, usage_type):
    service = "Cloud Storage" if "Storage" in desc else "Compute Engine"
    assert parse_sku(_sku(desc, "h", [(0, 0, 1000)], service=service, usage_type=usage_type)) == []


def test_currency_conversion_is_undone():
    raw = _sku("Requests", "count", [(0, 0, 0), (2_000_000, 0, 800)])
    raw["pricingInfo"][0]["currencyConversionRate"] = 2.0
    assert parse_sku(raw)[0].usd == pytest.approx(4e-7)


def test_not_a_catalog_is_an_error():
    with pytest.raises(cat.CatalogError):
        parse_catalog({"services": []}, cat.load_rules())


def test_load_catalog_prefers_a_good_cache_and_survives_a_bad_one(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert load_catalog().source == BUNDLED_SOURCE
    target = cat.cache_file()
    target.parent.mkdir(parents=True)
    doc = json.loads(cat.BUNDLED_CATALOG.read_text())
    doc["source"] = "live (Cloud Billing Catalog API)"
    doc["asOf"] = "2026-11-27"
    target.write_text(json.dumps(doc))
    first = load_catalog()
    assert first.source.startswith("live") and first.as_of == "2026-11-27"
    assert load_catalog() is first  # parsed once, then cached
    target.write_text("{ not json")
    os.utime(target, ns=(1, 1))
    assert load_catalog().source == BUNDLED_SOURCE


def test_rules_month_matches_the_estimators():
    from launchdeck.estimators.report import HOURS, SECONDS

    rules = cat.load_rules()
    assert rules["hours_per_month"] == HOURS and SECONDS == 2_628_000
    assert set(rules["cloud_run"]["tier1"]).isdisjoint(rules["cloud_run"]["tier2"])
