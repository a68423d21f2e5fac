"""Renderers for CostReport and Comparison: terminal table, Markdown, JSON (DESIGN 3.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from launchdeck.app.output import md_table, money, text_table, to_json

if TYPE_CHECKING:
    from launchdeck.estimators.compare import Comparison
    from launchdeck.estimators.report import CostReport


def _title(report: CostReport, name: str) -> str:
    return (f"{name} on {report.target} in {report.region}, {report.currency}/month "
            f"(prices: {report.catalog.source}, {report.catalog.as_of})")


def _alternatives(report: CostReport) -> list[str]:
    return [f"{line.label}: {alt}" for line in report.lines for alt in line.alternatives]


def render_report(report: CostReport, fmt: str = "table", name: str = "plan") -> str:
    if fmt == "json":
        return to_json(report.to_dict())
    rows = [[line.label, money(line.low), money(line.high), line.notes] for line in report.lines]
    total = ["Total", money(report.total_low), money(report.total_high), ""]
    alts = _alternatives(report)
    unpriced = report.unpriced
    if fmt == "md":
        out = [f"**{_title(report, name)}**", "", md_table(["Component", "Low", "High", "What drives it"],
                                                          [*rows, [f"**{total[0]}**", *total[1:]]])]
        if alts:
            out += ["", "Cheaper options:", *[f"- {a}" for a in alts]]
    else:
        out = [text_table(["Component", "Low", "High", "What drives it"], rows, title=_title(report, name),
                          right=(1, 2), footer=total)]
        if alts:
            out += ["", "Cheaper options:", *[f"  - {a}" for a in alts]]
    if unpriced:
        out += ["", f"Unpriced (not in the total): {', '.join(x.label for x in unpriced)}"]
    return "\n".join(out)


def _saving(cmp: Comparison, target: str) -> str:
    s = cmp.monthly_saving.get(target)
    if s is None:
        if target in cmp.incomplete:
            return "n/a (unpriced lines)"
        return "—" if target == "compose" else ""
    return f"{money(s[0])} – {money(s[1])}"


def _months(m: float | None) -> str:
    return "never" if m is None else f"{m:.1f}"


def _breakeven(cmp: Comparison, target: str) -> str:
    if target == "compose":
        return "n/a (hardware unpriced)" if "compose" in cmp.incomplete and not cmp.upfront else \
            f"{money(cmp.upfront)} up front"
    be = cmp.breakeven.get(target)
    if be is None:
        return "n/a (unpriced lines)" if target in cmp.incomplete else ""
    if be[0] is None and be[1] is None:
        return f"never within {cmp.lifetime_months} months"
    return f"{_months(be[0])} – {_months(be[1])} months"


def render_comparison(cmp: Comparison, fmt: str = "table", name: str = "plan") -> str:
    if fmt == "json":
        return to_json(cmp.to_dict())
    headers = ["Target", "Low", "High", "Self-host saves / month", "Self-host break-even", "Note"]
    rows = [[r.target, money(r.low) if r.low is not None else "n/a", money(r.high) if r.high is not None else "n/a",
             _saving(cmp, r.target), _breakeven(cmp, r.target), r.note] for r in cmp.rows]
    sh = cmp.selfhost
    title = (f"{name}: every target, USD/month in {sh.region} (prices: {sh.catalog.source}, {sh.catalog.as_of})")
    foot = (f"Break-even (low usage – high usage): self-host hardware {money(cmp.upfront)} ÷ (GCP − self-host "
            f"running cost {money(cmp.running[0])}–{money(cmp.running[1])}/month without the hardware), counted only "
            f"within the hardware's {cmp.lifetime_months}-month life. \"Saves / month\" includes the hardware "
            "spread over that life, so it is positive exactly when the box pays for itself in time.")
    if fmt == "md":
        return "\n".join([f"**{title}**", "", md_table(headers, rows), "", foot])
    return "\n".join([text_table(headers, rows, title=title, right=(1, 2, 3, 4)), foot])
