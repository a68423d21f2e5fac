"""`launchdeck prices refresh`: fetch the SKUs the estimators use from the Cloud Billing Catalog API.

Uses the real async GAPIC client built by `app.gcp.make_billing_client` (ADC, an API key, or the
loopback emulator in LAUNCHDECK_EMULATOR_HOST). Services are found by display name through
ListServices (ids are only a fallback in the snapshot), SKUs are paged through ListSkus, serialised
with `MessageToDict(Sku.pb(sku))` — the same camelCase JSON as the bundled snapshot — filtered to the
ones `estimators.pricebook` recognises, and written atomically to the user cache.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from launchdeck.estimators.pricebook import (
    LIVE_SOURCE,
    WANTED_SERVICES,
    cache_file,
    load_rules,
    parse_catalog,
    parse_sku,
)

PAGE_SIZE = 5000


class RefreshError(Exception):
    """The Catalog answered, but not with prices launchdeck can use."""


@dataclass
class RefreshResult:
    path: Path
    services: int
    skus_seen: int
    skus_kept: int
    priced_keys: int
    missing_services: list[str]
    as_of: str


async def fetch(client: Any, page_size: int = PAGE_SIZE) -> tuple[dict[str, Any], int]:
    """(catalog document, SKUs seen) from a CloudCatalogAsyncClient."""
    from google.cloud import billing_v1
    from google.protobuf.json_format import MessageToDict

    from launchdeck.app.gcp import call_options

    by_name: dict[str, Any] = {}
    async for svc in await client.list_services(request={"page_size": page_size}, **call_options()):
        by_name.setdefault(svc.display_name, svc)
    services, skus, missing, seen = [], [], [], 0
    for name in WANTED_SERVICES:
        svc = by_name.get(name)
        if svc is None:
            missing.append(name)
            continue
        services.append(MessageToDict(billing_v1.Service.pb(svc)))
        pager = await client.list_skus(request={"parent": svc.name, "page_size": page_size}, **call_options())
        async for sku in pager:
            seen += 1
            doc = MessageToDict(billing_v1.Sku.pb(sku))
            if parse_sku(doc):
                skus.append(doc)
    now = datetime.now(UTC).replace(microsecond=0)
    return {"source": LIVE_SOURCE, "fetchedAt": now.isoformat().replace("+00:00", "Z"), "asOf": now.date().isoformat(),
            "currencyCode": "USD", "services": services, "skus": skus, "missingServices": missing}, seen


def refresh(api_key: str | None = None, path: Path | None = None) -> RefreshResult:
    """Fetch live prices and write them to the user cache. Raises app.gcp.NoCredentials, RefreshError
    or a google.api_core exception."""
    from launchdeck.app.fsutil import atomic_write
    from launchdeck.app.gcp import make_billing_client

    async def run() -> tuple[dict[str, Any], int]:
        client = make_billing_client(api_key)  # inside the loop: grpc.aio channels bind to it
        try:
            return await fetch(client)
        finally:
            await client.transport.close()

    from launchdeck.app.interrupts import run_async

    doc, seen = run_async(run())
    catalog = parse_catalog(doc, load_rules(), source=LIVE_SOURCE)
    if not catalog.prices:
        raise RefreshError(f"the Catalog returned {seen} SKUs but none launchdeck prices with; cache left as it was")
    target = path or cache_file()
    atomic_write(target, json.dumps(doc, indent=1) + "\n")
    return RefreshResult(target, len(doc["services"]), seen, len(doc["skus"]), len(catalog.prices),
                         doc["missingServices"], doc["asOf"])
