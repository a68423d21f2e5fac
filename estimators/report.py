"""The cost report model (DESIGN 3.3) and the context every estimator prices through."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from launchdeck.app.plan import Plan
    from launchdeck.estimators.pricebook import Price, PriceCatalog

HOURS = 730.0
SECONDS = HOURS * 3600.0  # 2,628,000 s: Google's billing month


@dataclass(slots=True)
class Qty:
    """One billed quantity of a cost line: `low`–`high` units of `unit` at the price under `key`.

    Estimators fill what, unit, quantities and the price key; the pricing pass (`Ctx.priced`) fills
    `unit_price` from the catalog. Quantities with no catalog key carry their own `unit_price` and say
    where it comes from in `source` (the plan's `selfhost:` block, rules.yaml)."""

    what: str
    unit: str
    low: float
    high: float
    key: str = ""
    region: str | None = None       # price region when not the plan's (Cloud Run's free tier: Tier 1)
    unit_price: float | None = None
    source: str = ""
    cost_low: float | None = None   # filled by the pricing pass (tiered SKUs are not qty × unit price)
    cost_high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "unit": self.unit, "quantity": {"low": _q(self.low), "high": _q(self.high)},
                "unit_price": self.unit_price, "price_key": self.key or None,
                **({"price_region": self.region} if self.region else {}),
                **({"price_source": self.source} if self.source else {})}


def _q(v: float) -> float:
    return round(v, 6) if abs(v) < 1 else round(v, 3)


@dataclass(slots=True)
class CostLine:
    component: str                 # unique, stable key: "service:backend", "postgres", "free-tier:..."
    label: str
    kind: str                      # compute | database | cache | storage | network | supporting | platform | free-tier | selfhost
    service: str | None
    low: float | None              # USD/month; None = unpriced (the reason is in notes)
    high: float | None
    notes: str = ""
    alternatives: list[str] = field(default_factory=list)
    quantities: list[Qty] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"component": self.component, "label": self.label, "kind": self.kind, "service": self.service,
                "low": _r(self.low), "high": _r(self.high), "notes": self.notes,
                "alternatives": list(self.alternatives), "quantities": [q.to_dict() for q in self.quantities]}


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


@dataclass(slots=True)
class CatalogInfo:
    source: str
    as_of: str


@dataclass(slots=True)
class CostReport:
    target: str
    region: str
    currency: str
    catalog: CatalogInfo
    lines: list[CostLine]

    @property
    def total_low(self) -> float:
        return sum(line.low for line in self.lines if line.low is not None)

    @property
    def total_high(self) -> float:
        return sum(line.high for line in self.lines if line.high is not None)

    @property
    def unpriced(self) -> list[CostLine]:
        return [line for line in self.lines if line.low is None or line.high is None]

    def line(self, component: str) -> CostLine | None:
        return next((x for x in self.lines if x.component == component), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "region": self.region,
            "currency": self.currency,
            "catalog": {"source": self.catalog.source, "as_of": self.catalog.as_of},
            "lines": [line.to_dict() for line in self.lines],
            "total": {"low": round(self.total_low, 2), "high": round(self.total_high, 2)},
            "unpriced": [line.component for line in self.unpriced],
        }


@lru_cache(maxsize=4096)
def usd(v: float) -> str:
    """Compact money for notes: $0.000024, $0.0144, $9.86, $1,393."""
    a = abs(v)
    if a >= 1000:
        text = f"${a:,.0f}"
    elif a >= 0.1 or a == 0:
        text = f"${a:,.2f}"
    else:
        decimals = max(2, 3 - math.floor(math.log10(a)))
        text = f"${a:.{decimals}f}".rstrip("0")
        text = text + "0" if text[-2] == "." else text
    return ("-" if v < 0 else "") + text


def rng(lo: float, hi: float, fmt: str = "g") -> str:
    """'0.3' when both ends agree, else '0.2–0.5'."""
    return format(lo, fmt) if lo == hi else f"{format(lo, fmt)}–{format(hi, fmt)}"


def usd_range(lo: float, hi: float) -> str:
    return usd(lo) if abs(hi - lo) < 0.005 else f"{usd(lo)}–{usd(hi)}"


@lru_cache(maxsize=4096)
def num(v: float) -> str:
    if v >= 1e6 and v % 1e5 == 0:
        return f"{v / 1e6:g}M"
    return f"{v:,.0f}" if v >= 100 or v == int(v) else f"{v:.3g}"


class Ctx:
    """One estimate run: the plan, its region, the catalog, and pooled free-tier usage."""

    def __init__(self, plan: Plan, target: str, catalog: PriceCatalog):
        self.plan = plan
        self.target = target
        self.catalog = catalog
        self.rules = catalog.rules
        self.region = plan.region
        self.lines: list[CostLine] = []
        # Pooled free-tier usage: name -> [low, high]
        self.pools: dict[str, list[float]] = {}

    def price(self, key: str, region: str | None = None) -> tuple[Price | None, str]:
        """The price of `key` in `region` (default: the plan's) and '' — or None and the reason it is missing.
        There is no fallback to another region: a missing price makes an unpriced line."""
        region = region or self.region
        memo = self.catalog.memo
        hit = memo.get((key, region))
        if hit is None:
            p = self.catalog.get(key, region)
            why = "" if p is not None else self.missing(key, region)
            hit = memo[(key, region)] = (p, why)
        return hit

    def missing(self, key: str, region: str, keys: str | None = None) -> str:
        # rules.yaml `unpriced_reasons`: what is known about a gap in the bundled snapshot, by key prefix
        reasons = self.rules.get("unpriced_reasons", {})
        why = next((reasons[p] for p in sorted(reasons, key=len, reverse=True) if key.startswith(p)), "")
        base = f"no {keys or key} price for {region} in the {self.catalog.source} ({self.catalog.as_of})"
        return f"{base}: {why}" if why else f"{base}; `launchdeck prices refresh` fetches it live"

    def beyond(self, q: Qty, p: Price) -> str:
        why = self.rules.get("partial_tiers_reasons", {}).get(q.key, "")
        base = (f"{q.key} above {num(p.known_up_to or 0)} {q.unit} in {q.region or self.region}: the "
                f"{self.catalog.source} ({self.catalog.as_of}) is certain of its {usd(p.usd)} rate only up to there")
        return f"{base}; {why}" if why else base

    def priced(self, component: str, label: str, kind: str, service: str | None, quantities: list[Qty],
               notes: list[str] | str, alternatives: list[str] | None = None) -> CostLine:
        """The pricing pass: look up every quantity's unit price, cost it (tiers included) and sum.
        Any missing price makes the whole line unpriced, with the reason first in its notes."""
        missing_fixed: list[str] = []
        gaps: dict[str, list[str]] = {}  # region -> missing keys
        low = high = 0.0
        for q in quantities:
            if q.key:
                if q.low == 0 and q.high == 0:
                    q.cost_low = q.cost_high = 0.0  # nothing billed: no price needed (e.g. no backups kept)
                    q.unit_price = self.rate(q.key, q.region)
                    continue
                p, _ = self.price(q.key, q.region)
                if p is None:
                    gaps.setdefault(q.region or self.region, []).append(q.key)
                    continue
                if p.known_up_to is not None and max(abs(q.low), abs(q.high)) > p.known_up_to:
                    missing_fixed.append(self.beyond(q, p))
                    continue
                q.unit_price = p.usd
                sign = -1.0 if q.low < 0 or q.high < 0 else 1.0
                q.cost_low, q.cost_high = sign * p.cost(abs(q.low)), sign * p.cost(abs(q.high))
            elif q.unit_price is None:
                missing_fixed.append(f"no price for {q.what}")
                continue
            else:
                q.cost_low, q.cost_high = q.low * q.unit_price, q.high * q.unit_price
            low += q.cost_low
            high += q.cost_high
        text = notes if isinstance(notes, str) else "; ".join(n for n in notes if n)
        missing = [self.missing(keys[0], region, ", ".join(dict.fromkeys(keys))) for region, keys in gaps.items()]
        missing += [m for m in missing_fixed]
        if missing:
            reason = "unpriced: " + "; ".join(dict.fromkeys(missing))
            return self.add(CostLine(component, label, kind, service, None, None,
                                     f"{reason}; {text}" if text else reason, list(alternatives or []), quantities))
        return self.add(CostLine(component, label, kind, service, low, high, text, list(alternatives or []),
                                 quantities))

    def rate(self, key: str, region: str | None = None) -> float | None:
        p, _ = self.price(key, region)
        return None if p is None else p.usd

    def pool(self, name: str, low: float, high: float) -> None:
        acc = self.pools.setdefault(name, [0.0, 0.0])
        acc[0] += low
        acc[1] += high

    def add(self, line: CostLine) -> CostLine:
        self.lines.append(line)
        return line


@lru_cache(maxsize=256)
def _gib(memory: str) -> float:
    from launchdeck.app.units import parse_memory_mib

    return parse_memory_mib(memory) / 1024


def gib(svc: Any) -> float:
    """A service's memory in GiB; parsed once per distinct string (this runs on every TUI edit)."""
    return _gib(svc.memory)


def ceil_step(value: float, step: float) -> float:
    return math.ceil(round(value / step, 9)) * step
