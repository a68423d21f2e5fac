"""Build `catalog.json`, the bundled price snapshot, in the Cloud Billing Catalog API's own JSON shape.

Run: `.venv/bin/python assets/prices/build_snapshot.py` (rewrites catalog.json next to this file).

Regional list prices (Compute E2/N2, pd-balanced, Premium egress, Cloud Storage, Memorystore, Cloud SQL
shared-core) come from the JSON files in `sources/`, extracted from public Cloud Billing Catalog dumps
(repository, commit and data date inside each file and in sources/README.md). The rest are list prices
compiled on COMPILED_ON (../shared/pricing/prices.yaml). What no source covers is left out, never copied
from another region: the estimators show it as unpriced with the reason from rules.yaml `unpriced_reasons`. Each SKU below is written exactly as `ListSkus` returns it (camelCase, money as
units/nanos, tiered rates, usage units), so `estimators.pricebook` parses this file and a live
`launchdeck prices refresh` with the same code. SKU ids that were seen in public Catalog output are
real; the others are marked with a `LD` prefix (e.g. `LD01-0000-0007`) and get replaced by the real
ones on the first refresh.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

COMPILED_ON = "2026-11-22"
HERE = Path(__file__).resolve().parent

SERVICES = {  # displayName -> serviceId (Cloud Build's id was not confirmed: resolved by name on refresh)
    "Cloud Run": "152E-C115-5142",
    "Compute Engine": "6F81-5844-456A",
    "Networking": "E505-1604-58F8",
    "Kubernetes Engine": "CCD8-9BF1-090E",
    "Cloud SQL": "9662-B51E-5089",
    "Cloud Memorystore for Redis": "5AF5-2C11-D467",
    "Cloud Storage": "95FF-2EF5-5EA1",
    "Artifact Registry": "149C-F9EC-3994",
    "Secret Manager": "EE82-7A5E-871C",
    "Cloud Logging": "5490-F7B7-8DF6",
    "Cloud Build": "LD00-0000-CB00",
}

TIER1 = ["asia-east1", "asia-northeast1", "asia-northeast2", "europe-north1", "europe-southwest1",
         "europe-west1", "europe-west4", "europe-west8", "europe-west9", "me-west1", "us-central1", "us-east1",
         "us-east4", "us-east5", "us-south1", "us-west1"]
TIER2 = ["africa-south1", "asia-east2", "asia-northeast3", "asia-southeast1", "asia-southeast2",
         "asia-south1", "asia-south2", "australia-southeast1", "australia-southeast2", "europe-central2",
         "europe-west10", "europe-west12", "europe-west2", "europe-west3", "europe-west6", "me-central1",
         "me-central2", "northamerica-northeast1", "northamerica-northeast2", "southamerica-east1",
         "southamerica-west1", "us-west2", "us-west3", "us-west4"]
# Catalog SKU descriptions name the city, not the region id.
CITY = {
    "africa-south1": "Johannesburg", "asia-east1": "Taiwan", "asia-east2": "Hong Kong", "asia-northeast1": "Tokyo",
    "asia-northeast2": "Osaka", "asia-northeast3": "Seoul", "asia-south1": "Mumbai", "asia-south2": "Delhi",
    "asia-southeast1": "Singapore", "asia-southeast2": "Jakarta", "australia-southeast1": "Sydney",
    "australia-southeast2": "Melbourne", "europe-central2": "Warsaw", "europe-north1": "Finland",
    "europe-north2": "Stockholm", "europe-southwest1": "Madrid", "europe-west1": "Belgium", "europe-west2": "London",
    "europe-west3": "Frankfurt", "europe-west4": "Netherlands", "europe-west6": "Zurich", "europe-west8": "Milan",
    "europe-west9": "Paris", "europe-west10": "Berlin", "europe-west12": "Turin", "me-central1": "Doha",
    "me-central2": "Dammam", "me-west1": "Tel Aviv", "northamerica-northeast1": "Montreal",
    "northamerica-northeast2": "Toronto", "northamerica-south1": "Queretaro", "southamerica-east1": "Sao Paulo",
    "southamerica-west1": "Santiago", "us-central1": "Iowa", "us-east1": "South Carolina",
    "us-east4": "Northern Virginia", "us-east5": "Columbus", "us-south1": "Dallas", "us-west1": "Oregon",
    "us-west2": "Los Angeles", "us-west3": "Salt Lake City", "us-west4": "Las Vegas",
}
REGIONS = sorted(CITY)
SOURCES = HERE / "sources"  # per-region list prices extracted from public Catalog API dumps (README there)


def _load(name: str) -> dict:
    return json.loads((SOURCES / name).read_text())


# Unit metadata as the Catalog writes it: usageUnit -> (description, baseUnit, base description, factor)
UNITS = {
    "s": ("second", "s", "second", 1),
    "h": ("hour", "s", "second", 3600),
    "min": ("minute", "s", "second", 60),
    "GiBy.s": ("gibibyte second", "By.s", "byte second", 2**30),
    "GiBy.h": ("gibibyte hour", "By.s", "byte second", 2**30 * 3600),
    "GiBy.mo": ("gibibyte month", "By.s", "byte second", 2**30 * 2628000),
    "GiBy": ("gibibyte", "By", "byte", 2**30),
    "count": ("count", "count", "count", 1),
    "count.mo": ("count month", "count.s", "count second", 2628000),
}

_ids: dict[str, int] = {}


def _synthetic_id(service: str) -> str:
    n = _ids[service] = _ids.get(service, 0) + 1
    return f"LD{list(SERVICES).index(service):02d}-0000-{n:04d}"


def money(usd: str | float) -> dict:
    d = Decimal(str(usd))
    units = int(d)
    nanos = int(((d - units) * Decimal(10**9)).to_integral_value())
    out: dict = {"currencyCode": "USD"}
    if units:
        out["units"] = str(units)
    if nanos:
        out["nanos"] = nanos
    return out


def sku(service: str, description: str, unit: str, tiers: list[tuple[float, str | float]], regions: list[str],
        family: str, group: str, sku_id: str | None = None, usage_type: str = "OnDemand") -> dict:
    sid = sku_id or _synthetic_id(service)
    desc, base, base_desc, factor = UNITS[unit]
    rates = []
    for start, usd in tiers:
        rate: dict = {"unitPrice": money(usd)}
        if start:
            rate["startUsageAmount"] = start
        rates.append(rate)
    return {
        "name": f"services/{SERVICES[service]}/skus/{sid}",
        "skuId": sid,
        "description": description,
        "category": {"serviceDisplayName": service, "resourceFamily": family, "resourceGroup": group,
                     "usageType": usage_type},
        "serviceRegions": regions,
        "pricingInfo": [{
            "summary": "",
            "pricingExpression": {"usageUnit": unit, "displayQuantity": 1, "tieredRates": rates,
                                  "usageUnitDescription": desc, "baseUnit": base, "baseUnitDescription": base_desc,
                                  "baseUnitConversionFactor": factor},
            "aggregationInfo": {"aggregationLevel": "ACCOUNT", "aggregationInterval": "MONTHLY",
                                "aggregationCount": 1},
            "currencyConversionRate": 1,
            "effectiveTime": f"{COMPILED_ON}T00:00:00Z",
        }],
        "serviceProviderName": "Google",
    }


def cloud_run() -> list[dict]:
    s = "Cloud Run"
    out = [
        sku(s, "Services CPU (Request-based billing)", "s", [(0, "0.000024")], TIER1, "ApplicationServices", "CPU",
            "4856-B847-F1EB"),
        sku(s, "Services CPU Tier 2  (Request-based billing)", "s", [(0, "0.0000336")], TIER2,
            "ApplicationServices", "CPU"),
        sku(s, "Services Memory (Request-based billing)", "GiBy.s", [(0, "0.0000025")], TIER1,
            "ApplicationServices", "RAM", "02A2-9231-36A6"),
        sku(s, "Services Memory Tier 2 (Request-based billing)", "GiBy.s", [(0, "0.0000035")], TIER2,
            "ApplicationServices", "RAM"),
        sku(s, "Services Min Instance CPU (Request-based billing)", "s", [(0, "0.0000025")], TIER1,
            "ApplicationServices", "CPU", "7EBB-8579-2C98"),
        sku(s, "Services Min Instance CPU Tier 2 (Request-based billing)", "s", [(0, "0.0000035")], TIER2,
            "ApplicationServices", "CPU"),
        sku(s, "Services Min Instance Memory (Request-based billing)", "GiBy.s", [(0, "0.0000025")], TIER1,
            "ApplicationServices", "RAM"),
        sku(s, "Services Min Instance Memory Tier 2 (Request-based billing)", "GiBy.s", [(0, "0.0000035")], TIER2,
            "ApplicationServices", "RAM"),
        sku(s, "Requests", "count", [(0, 0), (2_000_000, "0.0000004")], ["global"], "ApplicationServices",
            "Requests", "2DA5-55D3-E679"),
    ]
    jobs_ids = {"asia-east1": "7E09-0800-D3BA", "asia-east2": "1641-654E-D130", "asia-northeast1": "D616-27D3-51E1"}
    for region in sorted(TIER1 + TIER2):
        t2 = region in TIER2
        cpu, mem = ("0.0000216", "0.0000024") if t2 else ("0.000018", "0.000002")
        out += [
            sku(s, f"Services CPU (Instance-based billing) in {region}", "s", [(0, cpu)], [region],
                "ApplicationServices", "CPU"),
            sku(s, f"Services Memory (Instance-based billing) in {region}", "GiBy.s", [(0, mem)], [region],
                "ApplicationServices", "RAM"),
            sku(s, f"Jobs CPU in {region}", "s", [(0, cpu)], [region], "ApplicationServices", "CPU",
                jobs_ids.get(region)),
            sku(s, f"Jobs Memory in {region}", "GiBy.s", [(0, mem)], [region], "ApplicationServices", "RAM"),
        ]
    return out


# us-central1 N2 split into core and RAM (Cyclenerd's n2-standard-2 = 2 x core + 8 x RAM). Other regions only
# publish machine prices; every n2-standard shape is 1 vCPU : 4 GiB, so scaling this split by the region's
# n2-standard-2 price reproduces each shape's price exactly (marked derived in the SKU's source).
N2_US = (Decimal("0.031611"), Decimal("0.004237"))
N2_US_MACHINE = Decimal("0.097118")


def _dec(v: float, places: int = 10) -> str:
    return str(round(Decimal(str(v)), places).normalize())


# skuId -> usage amount (in the SKU's usageUnit) up to which the bundled tiers are certain. Kept beside the SKUs,
# not in them, so every SKU stays exactly what ListSkus returns.
KNOWN_UP_TO: dict[str, float] = {}


def compute() -> list[dict]:
    s = "Compute Engine"
    ce, sn = _load("compute_e2.json"), _load("storage_network.json")
    out = []
    for region in REGIONS:
        city = CITY[region]
        e2 = ce["e2_unit_derived"]["regions"].get(region)
        if e2:
            out += [
                sku(s, f"E2 Instance Core running in {city}", "h", [(0, _dec(e2["vcpu_hour"]))], [region], "Compute",
                    "CPU"),
                sku(s, f"E2 Instance Ram running in {city}", "GiBy.h", [(0, _dec(e2["gib_hour"]))], [region],
                    "Compute", "RAM"),
            ]
        n2 = ce["regions"].get(region, {}).get("n2-standard-2")
        if n2:
            f = Decimal(str(n2)) / N2_US_MACHINE
            out += [
                sku(s, f"N2 Instance Core running in {city}", "h", [(0, str(round(N2_US[0] * f, 9)))], [region],
                    "Compute", "N2Standard"),
                sku(s, f"N2 Instance Ram running in {city}", "GiBy.h", [(0, str(round(N2_US[1] * f, 9)))], [region],
                    "Compute", "N2Standard"),
            ]
        net = sn["regions"].get(region)
        if net:
            out.append(sku(s, f"Balanced PD Capacity in {city}", "GiBy.mo", [(0, _dec(net["pd_balanced_gib_month"]))],
                           [region], "Storage", "SSD"))
            eg = net["egress_internet_premium_gib"]
            desc = f"Network Internet Data Transfer Out from {city} to Worldwide Destinations (excluding China & Australia)"
            if f"{region} egress_internet_premium_gib" in sn.get("suspect_egress_tiers", []):
                # Not out of order: this region's SKU has two tiers, and the source's positional parse (pricing.pl
                # takes the last three rates as 0-1 / 1-10 / 10+ TiB, falling back to the last one) wrote them as
                # last / first / last. So "1-10TiB" holds the first tier. The source has no start amounts; every
                # Premium egress SKU breaks at 1 TiB or 10 TiB, so the first tier is certain up to 1 TiB only.
                # Beyond that the line is unpriced (the document's knownUpTo, read by pricebook; a refresh has none).
                egress = sku(s, desc, "GiBy", [(0, _dec(eg["1-10TiB"]))], [region], "Network", "PremiumInternetEgress")
                KNOWN_UP_TO[egress["skuId"]] = 1024
                out.append(egress)
                continue
            out.append(sku(s, desc, "GiBy",
                           [(0, _dec(eg["0-1TiB"])), (1024, _dec(eg["1-10TiB"])), (10240, _dec(eg["10TiB+"]))],
                           [region], "Network", "PremiumInternetEgress"))
    return out


def networking() -> list[dict]:
    s = "Networking"
    return [
        sku(s, "Cloud Load Balancer Forwarding Rule Minimum Global", "h", [(0, "0.025")], ["global"], "Network",
            "LoadBalancing", "DEE3-C42E-3E4D"),
        sku(s, "Cloud Load Balancer Forwarding Rule Additional Global", "h", [(0, "0.01")], ["global"], "Network",
            "LoadBalancing", "1211-928B-AF92"),
        sku(s, "Global External Application Load Balancer Inbound Data Processing for Iowa", "GiBy",
            [(0, "0.008")], ["us-central1"], "Network", "LoadBalancing"),
        sku(s, "Global External Application Load Balancer Outbound Data Processing for Iowa", "GiBy",
            [(0, "0.008")], ["us-central1"], "Network", "LoadBalancing"),
    ]


def gke() -> list[dict]:
    s = "Kubernetes Engine"
    return [
        sku(s, "Zonal Kubernetes Clusters", "h", [(0, "0.10")], ["global"], "Compute", "GKE", "6B92-A835-08AB"),
        sku(s, "Regional Kubernetes Clusters", "h", [(0, "0.10")], ["global"], "Compute", "GKE", "B561-BFBD-1264"),
        sku(s, "Autopilot Kubernetes Clusters", "h", [(0, "0.10")], ["global"], "Compute", "GKE"),
    ] + [
        # Catalog prices Autopilot CPU per mCPU-hour ($0.0445/vCPU-h = $0.0000445/mCPU-h). Only the regions in
        # AUTOPILOT have a public source; the others stay unpriced until `prices refresh`.
        x for region, (cpu, mem, eph) in AUTOPILOT.items() for x in (
            sku(s, f"Autopilot Pod mCPU Requests ({region})", "h", [(0, cpu)], [region], "Compute", "CPU"),
            sku(s, f"Autopilot Pod Memory Requests ({region})", "GiBy.h", [(0, mem)], [region], "Compute", "RAM"),
            sku(s, f"Autopilot Pod Ephemeral Storage Requests ({region})", "GiBy.h", [(0, eph)], [region], "Storage",
                "LocalSSD"),
        )
    ]


# General-purpose Autopilot pod prices per mCPU-hour, GiB-hour, ephemeral GiB-hour. us-central1: Infracost's
# GKE golden test (2026-07-01, ../shared/pricing/prices.yaml); asia-east1: a public cost note quoting the
# Catalog SKUs "Autopilot Pod ... Requests (asia-east1)".
AUTOPILOT = {"us-central1": ("0.0000445", "0.0049225", "0.0000548"),
             "asia-east1": ("0.0000515", "0.0056998", "0.0000635")}


def cloud_sql() -> list[dict]:
    s = "Cloud SQL"
    out = []
    shared = _load("cloudsql_postgres.json")["regions"]
    for region in REGIONS:
        tiers = shared.get(region)
        if not tiers:
            continue
        city = CITY[region]
        for mode, col in (("Zonal", "zonal"), ("Regional", "ha_regional")):
            out += [
                sku(s, f"Cloud SQL for PostgreSQL: {mode} - Micro instance in {city}", "h",
                    [(0, _dec(tiers["db-f1-micro"][col]))], [region], "ApplicationServices", "SQLGen2InstancesF1Micro"),
                sku(s, f"Cloud SQL for PostgreSQL: {mode} - Small instance in {city}", "h",
                    [(0, _dec(tiers["db-g1-small"][col]))], [region], "ApplicationServices", "SQLGen2InstancesG1Small"),
            ]
    # Dedicated-core vCPU/RAM, storage and backups: us-central1 only (Infracost golden test, usage.ai 2026-05);
    # no regional Catalog-derived source was found, so other regions are unpriced until `prices refresh`.
    r = ["us-central1"]
    for mode, mult in (("Zonal", 1), ("Regional", 2)):
        def p(v: str, m: int = mult) -> str:
            return str(Decimal(v) * m)
        out += [
            sku(s, f"Cloud SQL for PostgreSQL: {mode} - vCPU in Iowa", "h", [(0, p("0.0413"))], r,
                "ApplicationServices", "SQLGen2InstancesCPU"),
            sku(s, f"Cloud SQL for PostgreSQL: {mode} - RAM in Iowa", "GiBy.h", [(0, p("0.0070"))], r,
                "ApplicationServices", "SQLGen2InstancesRAM"),
            sku(s, f"Cloud SQL for PostgreSQL: {mode} - Standard storage in Iowa", "GiBy.mo", [(0, p("0.17"))], r,
                "ApplicationServices", "SSD"),
        ]
    out.append(sku(s, "Cloud SQL: Backups in Iowa", "GiBy.mo", [(0, "0.08")], r, "ApplicationServices",
                   "PDSnapshot"))
    return out


def memorystore() -> list[dict]:
    s = "Cloud Memorystore for Redis"
    data = _load("memorystore_redis.json")
    out = []
    for tier in ("basic", "standard"):
        for cap in ("M1", "M2", "M3", "M4", "M5"):
            for region in REGIONS:
                usd = data[tier][cap].get(region)
                if usd is not None:
                    out.append(sku(s, f"Redis Capacity {tier.title()} {cap} {CITY[region]}", "GiBy.h", [(0, _dec(usd))],
                                   [region], "ApplicationServices", "Redis"))
    return out


def storage() -> list[dict]:
    s = "Cloud Storage"
    sn = _load("storage_network.json")["regions"]
    out = []
    for region in REGIONS:
        net = sn.get(region)
        if not net:
            continue
        out += [
            sku(s, f"Standard Storage {CITY[region]}", "GiBy.mo", [(0, _dec(net["gcs_standard_gib_month"]))], [region],
                "Storage", "RegionalStorage", "E5F0-6A5D-7BAD" if region == "us-central1" else None),
            sku(s, f"Nearline Storage {CITY[region]}", "GiBy.mo", [(0, _dec(net["gcs_nearline_gib_month"]))], [region],
                "Storage", "NearlineStorage"),
        ]
    # Operations on regional Standard buckets cost the same in every region (Cloud Storage pricing page).
    out += [
        sku(s, "Regional Standard Class A Operations", "count", [(0, "0.000005")], REGIONS, "Storage", "RegionalOps"),
        sku(s, "Regional Standard Class B Operations", "count", [(0, "0.0000004")], REGIONS, "Storage", "RegionalOps"),
    ]
    return out


def quoted() -> list[dict]:
    """SKUs a dated public note quotes exactly as the Catalog lists them (id, description, rate, effective time):
    sources/catalog_quotes.json is already in Catalog-API shape and is copied through unchanged."""
    return [x for group in _load("catalog_quotes.json")["groups"] for x in group["skus"]]


def supporting() -> list[dict]:
    return [
        sku("Artifact Registry", "Artifact Registry Storage", "GiBy.mo", [(0, 0), (0.5, "0.10")], ["global"],
            "Storage", "Storage", "8502-299A-ABAF"),
        sku("Secret Manager", "Secret version replica storage", "count.mo", [(0, 0), (6, "0.06")], ["global"],
            "ApplicationServices", "SecretManager"),
        sku("Secret Manager", "Secret access operations", "count", [(0, 0), (10000, "0.000003")], ["global"],
            "ApplicationServices", "SecretManager"),
        sku("Cloud Logging", "Log Storage cost", "GiBy", [(0, 0), (50, "0.50")], ["global"], "ApplicationServices",
            "Logging", "143F-A1B0-E0BE"),
        sku("Cloud Build", "Build time e2-standard-2 default pool", "min", [(0, 0), (2500, "0.006")], ["global"],
            "ApplicationServices", "BuildTime"),
    ]


def build() -> dict:
    _ids.clear()
    KNOWN_UP_TO.clear()
    skus = (cloud_run() + compute() + networking() + gke() + cloud_sql() + quoted() + memorystore() + storage()
            + supporting())
    services = [{"name": f"services/{sid}", "serviceId": sid, "displayName": name, "businessEntityName":
                 "businessEntities/GCP"} for name, sid in SERVICES.items()]
    sources = {name: _load(name)["source"] for name in ("compute_e2.json", "storage_network.json",
                                                         "memorystore_redis.json", "cloudsql_postgres.json")}
    sources["catalog_quotes.json"] = [g["source"] for g in _load("catalog_quotes.json")["groups"]]
    return {"source": "bundled snapshot", "fetchedAt": f"{COMPILED_ON}T00:00:00Z", "asOf": COMPILED_ON,
            "currencyCode": "USD", "sources": sources, "knownUpTo": dict(sorted(KNOWN_UP_TO.items())),
            "services": services, "skus": skus}


if __name__ == "__main__":
    data = build()
    # one SKU per line: diffable, and about half the size (and parse time) of an indented file
    head = {k: v for k, v in data.items() if k != "skus"}
    body = ",\n".join(json.dumps(x, separators=(",", ":")) for x in data["skus"])
    text = json.dumps(head, separators=(",", ":"))[:-1] + ',"skus":[\n' + body + "\n]}\n"
    assert json.loads(text) == data
    (HERE / "catalog.json").write_text(text)
    print(f"wrote {HERE / 'catalog.json'}: {len(data['services'])} services, {len(data['skus'])} SKUs")
