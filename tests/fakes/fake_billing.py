"""A fake Cloud Billing Catalog API (google.cloud.billing.v1.CloudCatalog) gRPC server for tests.

Real protocol, no patching: a sync `grpc.server` on 127.0.0.1:0 running in its own threads, generic
method handlers whose (de)serializers are the proto-plus classes from the google-cloud-billing wheel.
The real `CloudCatalogAsyncClient` reaches it through LAUNCHDECK_EMULATOR_HOST.

It serves ListServices and ListSkus with page tokens (pages are capped at `max_page` so paging is
always exercised), from the bundled snapshot by default, with every price optionally multiplied by
`price_factor` and extra SKUs launchdeck must ignore (commitments, Spot, other services). `fail` makes
every call abort with a status code.
"""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any

import grpc
from google.cloud import billing_v1
from google.protobuf import json_format

from tests.fakes.grpcfake import FakeServer, Handlers, unary

SNAPSHOT = Path(__file__).resolve().parents[2] / "assets" / "prices" / "catalog.json"
SERVICE = "google.cloud.billing.v1.CloudCatalog"


def _scale_money(m: dict[str, Any], factor: float) -> None:
    value = (int(m.get("units", 0) or 0) + int(m.get("nanos", 0) or 0) / 1e9) * factor
    units = int(value)
    m["units"] = str(units)
    m["nanos"] = int(round((value - units) * 1e9))


def noise_skus(service_id: str) -> list[dict[str, Any]]:
    """SKUs a real Compute Engine listing has that launchdeck must not pick up."""
    base = {"serviceRegions": ["us-central1"], "pricingInfo": [{"pricingExpression": {
        "usageUnit": "h", "tieredRates": [{"unitPrice": {"currencyCode": "USD", "nanos": 1}}]}}]}
    out = []
    for i, (desc, usage) in enumerate([("Commitment v1: E2 Cpu in Americas for 1 Year", "Commit1Yr"),
                                       ("Spot Preemptible E2 Instance Core running in Americas", "Preemptible"),
                                       ("C3 Instance Core running in Americas", "OnDemand")]):
        sku = copy.deepcopy(base)
        sku.update({"name": f"services/{service_id}/skus/NOISE-{i}", "skuId": f"NOISE-{i}", "description": desc,
                    "category": {"serviceDisplayName": "Compute Engine", "resourceFamily": "Compute",
                                 "resourceGroup": "CPU", "usageType": usage}})
        out.append(sku)
    return out


class FakeCatalog(FakeServer):
    max_workers = 4

    def __init__(self, price_factor: float = 1.0, max_page: int = 40, snapshot: Path = SNAPSHOT,
                 extra: list[dict[str, Any]] | None = None):
        super().__init__()
        doc = json.loads(snapshot.read_text())
        self.services = [billing_v1.Service(name=s["name"], service_id=s["serviceId"], display_name=s["displayName"])
                         for s in doc["services"]]
        # An unrelated service, as the real listing has hundreds.
        self.services.insert(0, billing_v1.Service(name="services/0000-AAAA-0000", service_id="0000-AAAA-0000",
                                                   display_name="Cloud Pub/Sub"))
        self.skus: dict[str, list[Any]] = {}
        for raw in doc["skus"]:
            sku = copy.deepcopy(raw)
            for info in sku.get("pricingInfo", []):
                for rate in info["pricingExpression"].get("tieredRates", []):
                    _scale_money(rate["unitPrice"], price_factor)
            self._add(sku)
        for raw in noise_skus("6F81-5844-456A"):
            self._add(raw)
        for raw in extra or []:  # SKUs a live Catalog has and the snapshot lacks (e.g. worker pools)
            self._add(copy.deepcopy(raw))
        self.max_page = max_page
        self.fail: tuple[grpc.StatusCode, str] | None = None
        self.calls: list[tuple[str, Any]] = []
        self.metadata: list[dict[str, str]] = []
        self._lock = threading.Lock()

    def _add(self, raw: dict[str, Any]) -> None:
        parent = raw["name"].rsplit("/skus/", 1)[0]
        pb = json_format.ParseDict(raw, billing_v1.Sku.pb(billing_v1.Sku()), ignore_unknown_fields=True)
        self.skus.setdefault(parent, []).append(billing_v1.Sku.wrap(pb))

    # ----------------------------------------------------------------- handlers
    def _page(self, items: list[Any], request: Any) -> tuple[list[Any], str]:
        start = int(request.page_token or 0)
        size = min(request.page_size or self.max_page, self.max_page)
        end = start + size
        return items[start:end], (str(end) if end < len(items) else "")

    def _enter(self, name: str, request: Any, context: grpc.ServicerContext) -> None:
        with self._lock:
            self.calls.append((name, request))
            self.metadata.append(dict(context.invocation_metadata()))
        if self.fail:
            context.abort(self.fail[0], self.fail[1])

    def list_services(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter("ListServices", request, context)
        page, token = self._page(self.services, request)
        return billing_v1.ListServicesResponse(services=page, next_page_token=token)

    def list_skus(self, request: Any, context: grpc.ServicerContext) -> Any:
        self._enter("ListSkus", request, context)
        if request.parent not in {s.name for s in self.services}:
            context.abort(grpc.StatusCode.NOT_FOUND, f"Service {request.parent} not found")
        page, token = self._page(self.skus.get(request.parent, []), request)
        return billing_v1.ListSkusResponse(skus=page, next_page_token=token)

    # ----------------------------------------------------------------- lifecycle
    def handlers(self) -> Handlers:
        b = billing_v1
        return {SERVICE: {
            "ListServices": unary(self.list_services, b.ListServicesRequest, b.ListServicesResponse),
            "ListSkus": unary(self.list_skus, b.ListSkusRequest, b.ListSkusResponse),
        }}
