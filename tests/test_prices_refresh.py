"""`launchdeck prices refresh` against a fake Catalog gRPC server, through the real billing client."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import pytest

from launchdeck.app.cli import main
from launchdeck.estimators.pricebook import BUNDLED_CATALOG, LIVE_SOURCE, cache_file
from tests.fakes.fake_billing import FakeCatalog

EXAMPLE = str(Path(__file__).resolve().parents[1] / "assets" / "example" / "launchdeck.yaml")
SNAPSHOT_SKUS = len(json.loads(BUNDLED_CATALOG.read_text())["skus"])


def worker_pool_skus(regions: list[str], cpu_nanos: int, mem_nanos: int) -> list[dict]:
    """Worker Pools SKUs in the Catalog's own shape (the bundled snapshot has no public price for them)."""
    out = []
    for i, region in enumerate(regions):
        for what, unit, nanos in (("CPU", "s", cpu_nanos), ("Memory", "GiBy.s", mem_nanos)):
            sid = f"WP{i:02d}-{what[:3].upper()}-0000"
            out.append({"name": f"services/152E-C115-5142/skus/{sid}", "skuId": sid,
                        "description": f"Worker Pools {what} in {region}",
                        "category": {"serviceDisplayName": "Cloud Run", "resourceFamily": "ApplicationServices",
                                     "resourceGroup": what, "usageType": "OnDemand"},
                        "serviceRegions": [region],
                        "pricingInfo": [{"pricingExpression": {"usageUnit": unit, "displayQuantity": 1, "tieredRates": [
                            {"unitPrice": {"currencyCode": "USD", "nanos": nanos}}]}}]})
    return out


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LAUNCHDECK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def fake(monkeypatch, cache):
    with FakeCatalog() as f:
        monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", f.target)
        yield f


def estimate_json(capsys) -> dict:
    capsys.readouterr()
    assert main(["estimate", EXAMPLE, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_refresh_pages_through_the_catalog_and_estimates_say_live(fake, capsys):
    before = estimate_json(capsys)
    assert before["catalog"]["source"] == "bundled snapshot"
    assert main(["prices", "refresh"]) == 0
    out = capsys.readouterr().out
    assert "Wrote" in out and f"kept {SNAPSHOT_SKUS}" in out
    doc = json.loads(cache_file().read_text())
    assert doc["source"] == LIVE_SOURCE and len(doc["skus"]) == SNAPSHOT_SKUS
    assert not any(s["skuId"].startswith("NOISE") for s in doc["skus"])  # commitments, Spot, C3 ignored
    # Paging: the fake caps pages at 40, so Cloud Run's ~170 SKUs took several ListSkus calls with tokens.
    run_calls = [req for name, req in fake.calls if name == "ListSkus" and req.parent == "services/152E-C115-5142"]
    assert len(run_calls) >= 4 and run_calls[0].page_token == "" and run_calls[1].page_token == "40"
    assert any("x-goog-api-client" in md for md in fake.metadata)
    after = estimate_json(capsys)
    assert after["catalog"]["source"] == LIVE_SOURCE
    assert after["catalog"]["as_of"] == doc["asOf"]
    assert after["total"] == before["total"]  # same prices served


def test_show_reports_the_cache_after_refresh(fake, capsys):
    assert main(["prices", "refresh"]) == 0
    capsys.readouterr()
    assert main(["prices", "show", "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["source"] == LIVE_SOURCE and info["skus"] == SNAPSHOT_SKUS and info["path"] == str(cache_file())


def test_refresh_with_different_prices_changes_the_estimate(monkeypatch, cache, capsys):
    before = estimate_json(capsys)
    with FakeCatalog(price_factor=1.5) as f:
        monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", f.target)
        assert main(["prices", "refresh"]) == 0
    after = estimate_json(capsys)
    b = {x["component"]: x for x in before["lines"]}
    a = {x["component"]: x for x in after["lines"]}
    assert a["service:backend"]["high"] == pytest.approx(b["service:backend"]["high"] * 1.5, abs=0.01)
    assert a["redis"]["low"] == pytest.approx(b["redis"]["low"] * 1.5, abs=0.01)
    # Rule-based figures (the GKE credit, Cloud Run free allowances) stay, but are valued at new prices.
    assert a["free-tier:cloud-run-request"]["high"] == pytest.approx(b["free-tier:cloud-run-request"]["high"] * 1.5,
                                                                      abs=0.01)
    assert after["total"]["low"] > before["total"]["low"] * 1.4


def test_refresh_prices_worker_pools_the_snapshot_leaves_unpriced(monkeypatch, cache, capsys):
    before = {x["component"]: x for x in estimate_json(capsys)["lines"]}
    assert before["service:worker"]["low"] is None and "Worker Pools" in before["service:worker"]["notes"]
    with FakeCatalog(extra=worker_pool_skus(["us-central1", "europe-west1"], 18_000, 2_000)) as f:
        monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", f.target)
        assert main(["prices", "refresh"]) == 0
    after = estimate_json(capsys)
    worker = next(x for x in after["lines"] if x["component"] == "service:worker")
    # 1 instance x 4 vCPU / 4 GiB x 2,628,000 s at $0.000018/vCPU-s and $0.000002/GiB-s
    assert worker["low"] == worker["high"] == pytest.approx(2_628_000 * (4 * 0.000018 + 4 * 0.000002), abs=0.01)
    assert {q["price_key"] for q in worker["quantities"]} == {"run.pool.cpu", "run.pool.mem"}
    assert "service:worker" not in after["unpriced"]


def test_permission_denied_is_one_line_exit_2(fake, capsys):
    fake.fail = (grpc.StatusCode.PERMISSION_DENIED, "Cloud Billing API has not been granted")
    assert main(["prices", "refresh"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "permission denied" in err and "Traceback" not in err
    assert not cache_file().exists()


def test_no_credentials_is_one_line_exit_2(cache, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("LAUNCHDECK_EMULATOR_HOST", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("LAUNCHDECK_BILLING_API_KEY", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))
    for var in ("K_SERVICE", "CLOUD_SHELL", "CLOUD_RUN_JOB"):
        monkeypatch.delenv(var, raising=False)
    assert main(["prices", "refresh"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "credentials" in err.lower() and "--api-key" in err
    assert not cache_file().exists()


def test_a_catalog_without_usable_skus_leaves_the_cache_alone(monkeypatch, cache, capsys, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"services": [{"name": "services/152E-C115-5142", "serviceId": "152E-C115-5142",
                                               "displayName": "Cloud Run"}], "skus": []}))
    with FakeCatalog(snapshot=empty) as f:
        monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", f.target)
        assert main(["prices", "refresh"]) == 2
    assert "none launchdeck prices with" in capsys.readouterr().err
    assert not cache_file().exists()


def test_unreachable_catalog_is_one_line_exit_2(monkeypatch, cache, capsys):
    f = FakeCatalog()
    f.start()
    target = f.target
    f.stop()  # nothing listens there any more
    monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", target)
    monkeypatch.setenv("LAUNCHDECK_API_TIMEOUT", "2")
    assert main(["prices", "refresh"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot connect" in err and "connection refused" in err
