"""The price catalog: Cloud Billing Catalog JSON (bundled snapshot or a live refresh) plus the rules file.

One parser reads both sources: a document `{source, fetchedAt, services: [...], skus: [...]}` whose SKUs
are exactly what `ListSkus` returns as JSON (`MessageToDict(Sku.pb(sku))`, camelCase). Each SKU the
estimators need is recognised by its service and description (tolerant regexes, see `MATCHERS`), its
price normalised from the SKU's own `usageUnit` to the unit the estimators work in, and stored under a
stable key per region.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchdeck.app.cachedir import cache_dir
from launchdeck.assets import PRICES_DIR

ASSETS = PRICES_DIR
BUNDLED_CATALOG = ASSETS / "catalog.json"
RULES_FILE = ASSETS / "rules.yaml"
LIVE_SOURCE = "live (Cloud Billing Catalog API)"
BUNDLED_SOURCE = "bundled snapshot"


class CatalogError(Exception):
    """A catalog file that cannot be read or parsed."""


@dataclass(frozen=True, slots=True)
class Matcher:
    key: str            # may use {0}, {1} for regex groups
    service: str        # category.serviceDisplayName
    pattern: re.Pattern[str]
    unit: str           # the unit estimators price in, in Catalog notation (s, GiBy.s, h, GiBy.mo, count ...)
    scale: float = 1.0  # e.g. 1000: Autopilot CPU is sold per mCPU-hour, estimators use vCPU-hours


def _m(key: str, service: str, pattern: str, unit: str, scale: float = 1.0) -> Matcher:
    return Matcher(key, service, re.compile(pattern), unit, scale)


RUN, GCE, NET, GKE, SQL = "Cloud Run", "Compute Engine", "Networking", "Kubernetes Engine", "Cloud SQL"
MATCHERS: tuple[Matcher, ...] = (
    _m("run.req.cpu", RUN, r"^services cpu( tier 2)? \(request-based billing\)$", "s"),
    _m("run.req.mem", RUN, r"^services memory( tier 2)? \(request-based billing\)$", "GiBy.s"),
    _m("run.idle.cpu", RUN, r"^services min instance cpu( tier 2)? \(request-based billing\)$", "s"),
    _m("run.idle.mem", RUN, r"^services min instance memory( tier 2)? \(request-based billing\)$", "GiBy.s"),
    _m("run.requests", RUN, r"^requests$", "count"),
    _m("run.inst.cpu", RUN, r"^services cpu \(instance-based billing\)( in .*)?$", "s"),
    _m("run.inst.mem", RUN, r"^services memory \(instance-based billing\)( in .*)?$", "GiBy.s"),
    _m("run.jobs.cpu", RUN, r"^jobs cpu( in .*)?$", "s"),
    _m("run.jobs.mem", RUN, r"^jobs memory( in .*)?$", "GiBy.s"),
    _m("run.pool.cpu", RUN, r"^worker pools? cpu( in .*)?$", "s"),
    _m("run.pool.mem", RUN, r"^worker pools? memory( in .*)?$", "GiBy.s"),
    _m("gce.{0}.core", GCE, r"^(e2|n2) instance core running in ", "h"),
    _m("gce.{0}.ram", GCE, r"^(e2|n2) instance ram running in ", "GiBy.h"),
    _m("disk.pd_balanced", GCE, r"^balanced pd capacity( in .*)?$", "GiBy.mo"),
    _m("disk.pd_standard", GCE, r"^storage pd capacity( in .*)?$", "GiBy.mo"),
    _m("net.egress", GCE, r"^network internet (data transfer out|egress) from .+ to (worldwide|americas)", "GiBy"),
    _m("lb.rule_min", NET, r"^cloud load balancer forwarding rule minimum global$", "h"),
    _m("lb.rule_add", NET, r"^cloud load balancer forwarding rule additional global$", "h"),
    _m("lb.in", NET, r"^global external application load balancer inbound data processing", "GiBy"),
    _m("lb.out", NET, r"^global external application load balancer outbound data processing", "GiBy"),
    _m("gke.cluster.{0}", GKE, r"^(zonal|regional|autopilot) kubernetes clusters$", "h"),
    _m("gke.ap.cpu", GKE, r"^autopilot pod mcpu requests", "h", scale=1000.0),
    _m("gke.ap.mem", GKE, r"^autopilot pod memory requests", "GiBy.h"),
    _m("gke.ap.eph", GKE, r"^autopilot pod ephemeral storage requests", "GiBy.h"),
    _m("sql.{0}.micro", SQL, r"^cloud sql for postgresql: (zonal|regional) - micro instance", "h"),
    _m("sql.{0}.small", SQL, r"^cloud sql for postgresql: (zonal|regional) - small instance", "h"),
    _m("sql.{0}.cpu", SQL, r"^cloud sql for postgresql: (zonal|regional) - vcpu in ", "h"),
    _m("sql.{0}.ram", SQL, r"^cloud sql for postgresql: (zonal|regional) - ram in ", "GiBy.h"),
    _m("sql.{0}.storage", SQL, r"^cloud sql for postgresql: (zonal|regional) - standard storage in ", "GiBy.mo"),
    _m("sql.backup", SQL, r"^cloud sql: backups in ", "GiBy.mo"),
    _m("redis.{0}.{1}", "Cloud Memorystore for Redis", r"^redis capacity (basic|standard) (m[1-5])\b", "GiBy.h"),
    _m("gcs.standard", "Cloud Storage", r"^standard storage (?!.*(multi|dual))", "GiBy.mo"),
    _m("gcs.nearline", "Cloud Storage", r"^nearline storage (?!.*(multi|dual))", "GiBy.mo"),
    _m("gcs.class_a", "Cloud Storage", r"^regional standard class a operations$", "count"),
    _m("gcs.class_b", "Cloud Storage", r"^regional standard class b operations$", "count"),
    _m("ar.storage", "Artifact Registry", r"^artifact registry storage$", "GiBy.mo"),
    _m("sm.versions", "Secret Manager", r"^secret version replica storage$", "count.mo"),
    _m("sm.access", "Secret Manager", r"^secret access operations$", "count"),
    _m("log.ingest", "Cloud Logging", r"^(log storage cost|log volume)$", "GiBy"),
    _m("build.minutes", "Cloud Build", r"^build time", "min"),
)
WANTED_SERVICES: tuple[str, ...] = tuple(dict.fromkeys(m.service for m in MATCHERS))

# Sizes for unit normalisation: quantity part and time part of a Catalog unit such as "GiBy.mo".
_QTY = {"": 1.0, "count": 1.0, "By": 1.0, "KiBy": 2.0**10, "MiBy": 2.0**20, "GiBy": 2.0**30, "TiBy": 2.0**40,
        "KBy": 1e3, "MBy": 1e6, "GBy": 1e9, "TBy": 1e12}
_TIME = {"": 1.0, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0, "mo": 2628000.0}


def _unit_size(unit: str) -> tuple[float, bool, bool] | None:
    """(size, counts bytes, has a time part) of a Catalog unit; None if it is not understood."""
    mult = 1.0
    m = re.match(r"^10\^(\d+)\.(.*)$", unit)
    if m:
        mult, unit = 10.0 ** int(m.group(1)), m.group(2)
    qty, time = "", ""
    for part in unit.split("."):
        if part in _TIME and part:
            time = part
        elif part in _QTY:
            qty = part
        else:
            return None
    return mult * _QTY[qty] * _TIME[time], qty.endswith("By"), bool(time)


def convert_factor(usage_unit: str, app_unit: str) -> float | None:
    """Multiply a price per `usage_unit` by this to get the price per `app_unit` (None: incompatible).

    Counts and plain time units are dimensionless alike ("count" vs "h"); bytes and time must agree."""
    a, b = _unit_size(usage_unit), _unit_size(app_unit)
    if a is None or b is None or a[1] != b[1] or a[2] != b[2]:
        return None
    return b[0] / a[0]


@dataclass(frozen=True, slots=True)
class Price:
    key: str
    region: str
    usd: float                               # marginal price per estimator unit (first non-zero tier)
    unit: str
    free: float = 0.0                        # leading $0 tier, in estimator units
    tiers: tuple[tuple[float, float], ...] = ()  # (start, usd) in estimator units, ascending
    sku_id: str = ""
    description: str = ""
    known_up_to: float | None = None         # bundled snapshot only: the source's tiers are certain up to here


    def cost(self, amount: float) -> float:
        """Gross cost of `amount` units through the marginal tiers; the leading $0 (free) tier is billed at
        the first paid rate here, because free tiers are shown once as their own negative lines."""
        if amount <= 0:
            return 0.0
        paid = [t for t in self.tiers if t[1] > 0]
        if len(paid) <= 1:
            return amount * self.usd
        total = 0.0
        for i, (start, usd) in enumerate(paid):
            lo = 0.0 if i == 0 else start
            hi = paid[i + 1][0] if i + 1 < len(paid) else float("inf")
            if amount > lo:
                total += (min(amount, hi) - lo) * usd
        return total


def _money(m: dict[str, Any] | None) -> float:
    if not m:
        return 0.0
    return int(m.get("units", 0) or 0) + int(m.get("nanos", 0) or 0) / 1e9


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower().replace(" in in ", " in ")


def parse_sku(sku: dict[str, Any], known_up_to: float | None = None) -> list[Price]:
    """The Prices one SKU provides (one per service region), or [] if launchdeck does not use it.

    `known_up_to` (usage units): the bundled snapshot's source is certain of the SKU's tiers only up to there."""
    cat = sku.get("category") or {}
    if cat.get("usageType", "OnDemand") != "OnDemand":
        return []
    service = cat.get("serviceDisplayName", "")
    desc = _norm(sku.get("description", ""))
    for matcher in MATCHERS:
        if matcher.service != service:
            continue
        m = matcher.pattern.search(desc)
        if not m:
            continue
        infos = sku.get("pricingInfo") or []
        if not infos:
            return []
        expr = infos[-1].get("pricingExpression") or {}
        factor = convert_factor(expr.get("usageUnit", ""), matcher.unit)
        if factor is None:
            return []
        rate = float(infos[-1].get("currencyConversionRate", 1) or 1)
        conv = factor * matcher.scale / rate  # prices back to USD when a currency was requested
        tiers = tuple(
            (float(t.get("startUsageAmount", 0) or 0) / factor, _money(t.get("unitPrice")) * conv)
            for t in expr.get("tieredRates") or []
        )
        if not tiers:
            return []
        paid = [t for t in tiers if t[1] > 0]
        usd = paid[0][1] if paid else 0.0
        free = paid[0][0] if paid and tiers[0][1] == 0 else 0.0
        key = matcher.key.format(*m.groups())
        known = float(known_up_to) / factor if known_up_to is not None else None
        return [Price(key, region, usd, matcher.unit, free, tiers, sku.get("skuId", ""), sku.get("description", ""),
                      known) for region in sku.get("serviceRegions") or ["global"]]
    return []


@dataclass
class PriceCatalog:
    source: str
    as_of: str
    rules: dict[str, Any]
    prices: dict[str, dict[str, Price]] = field(default_factory=dict)
    sku_count: int = 0
    service_count: int = 0
    path: str = ""
    memo: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)  # lookups, per estimate run

    def get(self, key: str, region: str) -> Price | None:
        """The price of `key` in `region` (or its one global SKU). Never another region's price: a
        missing regional price is the caller's unpriced line, not a guess."""
        by_region = self.prices.get(key)
        if not by_region:
            return None
        return by_region.get(region) or by_region.get("global")

    def to_summary(self) -> dict[str, Any]:
        return {"source": self.source, "as_of": self.as_of, "skus": self.sku_count, "services": self.service_count,
                "priced_keys": len(self.prices), "path": self.path}


def parse_catalog(doc: dict[str, Any], rules: dict[str, Any], source: str | None = None, path: str = "") -> PriceCatalog:
    if not isinstance(doc, dict) or not isinstance(doc.get("skus"), list):
        raise CatalogError(f"{path or 'catalog'}: not a price catalog (no 'skus' list)")
    prices: dict[str, dict[str, Price]] = {}
    partial = doc.get("knownUpTo") or {}  # bundled snapshot only (build_snapshot.KNOWN_UP_TO)
    for sku in doc["skus"]:
        for price in parse_sku(sku, partial.get(sku.get("skuId", ""))):
            prices.setdefault(price.key, {}).setdefault(price.region, price)
    as_of = str(doc.get("asOf") or str(doc.get("fetchedAt", ""))[:10] or rules.get("compiled_on", ""))
    return PriceCatalog(source or str(doc.get("source", BUNDLED_SOURCE)), as_of, rules, prices,
                        len(doc["skus"]), len(doc.get("services") or []), path)


def cache_file() -> Path:
    return cache_dir() / "prices" / "catalog.json"


_RULES: dict[str, Any] | None = None
_LOADED: dict[tuple[str, int], PriceCatalog] = {}


def load_rules() -> dict[str, Any]:
    global _RULES
    if _RULES is None:
        import yaml

        _RULES = yaml.load(RULES_FILE.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return _RULES


def _read(path: Path) -> PriceCatalog:
    key = (str(path), path.stat().st_mtime_ns)
    cached = _LOADED.get(key)
    if cached is None:
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CatalogError(f"{path}: cannot read the price catalog ({exc})") from None
        cached = parse_catalog(doc, load_rules(), path=str(path))
        if len(_LOADED) > 8:  # refreshed many times in one session: drop stale parses
            _LOADED.clear()
        _LOADED[key] = cached
    return cached


def load_catalog(path: str | os.PathLike[str] | None = None) -> PriceCatalog:
    """The user cache written by `prices refresh` if there is a good one, else the bundled snapshot.

    Cheap to call repeatedly: parsed catalogs are kept per (file, mtime).
    """
    if path is not None:
        return _read(Path(path))
    cached = cache_file()
    if cached.is_file():
        try:
            return _read(cached)
        except CatalogError:
            pass  # a damaged cache must not stop estimates; the bundled snapshot still works
    return _read(BUNDLED_CATALOG)
