"""compare(plan): every target side by side, with self-host savings and break-even months."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from launchdeck.estimators.engine import TARGETS, estimate
from launchdeck.estimators.pricebook import PriceCatalog, load_catalog
from launchdeck.estimators.report import CostReport

if TYPE_CHECKING:
    from launchdeck.app.plan import Plan


@dataclass(slots=True)
class CompareRow:
    target: str
    low: float | None
    high: float | None
    note: str = ""

    @property
    def mid(self) -> float | None:
        return None if self.low is None or self.high is None else (self.low + self.high) / 2


@dataclass
class Comparison:
    rows: list[CompareRow]
    selfhost: CostReport
    reports: dict[str, CostReport]
    upfront: float                       # self-host hardware bought up front
    running: tuple[float, float]         # self-host monthly cost without the hardware amortisation
    # Mid case (average of low and high on both sides), same basis as `breakeven`; None = never pays off
    # within the hardware's life.
    breakeven_months: dict[str, float | None] = field(default_factory=dict)
    # GCP minus self-host *including* amortisation, per case: positive exactly when the hardware pays for
    # itself within its life (upfront / (GCP - running) < life  <=>  GCP - running - upfront / life > 0).
    monthly_saving: dict[str, tuple[float, float]] = field(default_factory=dict)
    # Months until the hardware has paid for itself, per case (low usage on both sides, high usage on both
    # sides): upfront / (GCP - self-host running cost); None = never within `lifetime_months`.
    breakeven: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    lifetime_months: int = 48
    # Targets whose estimate has unpriced lines: no saving or break-even is claimed for them.
    incomplete: dict[str, int] = field(default_factory=dict)

    def row(self, target: str) -> CompareRow | None:
        return next((r for r in self.rows if r.target == target), None)

    def cumulative(self, target: str, months: int) -> list[float]:
        """Cumulative spend at months 0..months (months+1 points, mid case) for a chart. Self-host
        ("compose") starts at the hardware price and adds its running cost; GCP targets start at 0."""
        if target == "compose":
            run = sum(self.running) / 2
            return [self.upfront + run * m for m in range(months + 1)]
        row = self.row(target)
        if row is None or row.mid is None:
            return []
        return [row.mid * m for m in range(months + 1)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": "USD",
            "region": self.selfhost.region,
            "catalog": {"source": self.selfhost.catalog.source, "as_of": self.selfhost.catalog.as_of},
            "targets": [
                {"target": r.target, "low": _r(r.low), "high": _r(r.high), "note": r.note,
                 "monthly_saving": _pair(self.monthly_saving.get(r.target)),
                 "breakeven_months": _r(self.breakeven_months.get(r.target)),
                 "breakeven": _be(self.breakeven.get(r.target)),
                 "unpriced_lines": self.incomplete.get(r.target, 0)}
                for r in self.rows
            ],
            "selfhost": {"upfront": _r(self.upfront), "running": _pair(self.running),
                         "lifetime_months": self.lifetime_months},
        }


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


def _pair(p: tuple[float, float] | None) -> dict[str, float] | None:
    return None if p is None else {"low": round(p[0], 2), "high": round(p[1], 2)}


def _be(p: tuple[float | None, float | None] | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"low": _r(p[0]), "high": _r(p[1]), "never_within_life": p[0] is None and p[1] is None}


def payback(upfront: float, gcp: float, running: float, life: int) -> float | None:
    """Months until `upfront` is saved back at (gcp - running) a month; None if not within `life` months."""
    gap = gcp - running
    if gap <= 0:
        return None
    months = upfront / gap
    return months if months <= life else None


def compare(plan: Plan, catalog: PriceCatalog | None = None) -> Comparison:
    from launchdeck.app.plan import target_problems

    catalog = catalog or load_catalog()
    rows: list[CompareRow] = []
    reports: dict[str, CostReport] = {}
    for target in TARGETS:
        problems = target_problems(plan, target)
        if problems:
            path, msg = problems[0]
            rows.append(CompareRow(target, None, None, f"not possible as planned: {'.'.join(map(str, path))}: {msg}"))
            continue
        report = estimate(plan, target, catalog)
        reports[target] = report
        note = f"{len(report.unpriced)} unpriced line(s)" if report.unpriced else ""
        rows.append(CompareRow(target, report.total_low, report.total_high, note))
    sh = reports["compose"]
    hw = sh.line("selfhost:hardware")
    if hw is None or hw.low is None or not hw.quantities:
        # no box fits (or none is priced): nothing to amortise, no break-even to claim
        return Comparison(rows, sh, reports, 0.0, (sh.total_low, sh.total_high), incomplete={"compose": 1})
    box = hw.quantities[0]
    upfront = float(box.unit_price or 0.0)
    life = round(1 / box.low) if box.low else 48
    running = (sh.total_low - hw.low, sh.total_high - hw.high)
    cmp = Comparison(rows, sh, reports, upfront, running, lifetime_months=life)
    if sh.unpriced:
        cmp.incomplete["compose"] = len(sh.unpriced)
    for r in rows:
        if r.target == "compose" or r.low is None or r.high is None:
            continue
        unpriced = len(reports[r.target].unpriced)
        if unpriced or sh.unpriced:
            cmp.incomplete[r.target] = unpriced
            continue
        cmp.monthly_saving[r.target] = (r.low - sh.total_low, r.high - sh.total_high)
        cmp.breakeven[r.target] = (payback(upfront, r.low, running[0], life), payback(upfront, r.high, running[1], life))
        cmp.breakeven_months[r.target] = payback(upfront, (r.low + r.high) / 2, sum(running) / 2, life)
    return cmp
