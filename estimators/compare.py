"""compare(plan): every target side by side, with self-host savings and break-even months."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from launchdeck.estimators.catalog import PriceCatalog, load_catalog
from launchdeck.estimators.engine import TARGETS, estimate
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
    breakeven_months: dict[str, float | None] = field(default_factory=dict)
    monthly_saving: dict[str, tuple[float, float]] = field(default_factory=dict)

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
                 "breakeven_months": _r(self.breakeven_months.get(r.target))}
                for r in self.rows
            ],
            "selfhost": {"upfront": _r(self.upfront), "running": _pair(self.running)},
        }


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


def _pair(p: tuple[float, float] | None) -> dict[str, float] | None:
    return None if p is None else {"low": round(p[0], 2), "high": round(p[1], 2)}


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
    amort = hw.low if hw and hw.low is not None else 0.0
    running = (sh.total_low - amort, sh.total_high - amort)
    upfront = plan.selfhost.hardware_usd
    cmp = Comparison(rows, sh, reports, upfront, running)
    for r in rows:
        if r.target == "compose" or r.low is None or r.high is None:
            continue
        cmp.monthly_saving[r.target] = (r.low - sh.total_low, r.high - sh.total_high)
        gap = (r.low + r.high) / 2 - sum(running) / 2
        cmp.breakeven_months[r.target] = upfront / gap if gap > 0 else None
    return cmp
