"""Renderers for CostReport and Comparison: terminal table, Markdown, JSON (DESIGN 3.3)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from launchdeck.app.output import md_table, money, terminal_width, text_table, to_json, wrap
from launchdeck.estimators.report import num, usd

if TYPE_CHECKING:
    from launchdeck.estimators.compare import Comparison
    from launchdeck.estimators.report import CostReport, Qty


def _title(report: CostReport, name: str) -> str:
    return (f"{name} on {report.target} in {report.region}, {report.currency}/month "
            f"(prices: {report.catalog.source}, {report.catalog.as_of})")


def _alternatives(report: CostReport) -> list[str]:
    return [f"{line.label}: {alt}" for line in report.lines for alt in line.alternatives]


def _amount(v: float) -> str:
    sign = "−" if v < 0 else ""
    return sign + num(abs(v))


def quantity_text(q: Qty) -> str:
    """'vCPU-seconds (active): 30,000–600,000 vCPU-s × $0.000024' — what the bill line multiplies."""
    if q.low == q.high:
        qty = _amount(q.low)
    elif q.low < 0 and q.high < 0:  # a free allowance: −(low–high), not "−a–−b"
        qty = f"−({num(-q.low)}–{num(-q.high)})"
    else:
        qty = f"{_amount(q.low)}–{_amount(q.high)}"
    if q.unit_price is None:
        price = "no price"
    else:
        price = usd(q.unit_price)
        tiered = any(c is not None and abs(c - n * q.unit_price) > 0.005
                     for c, n in ((q.cost_low, q.low), (q.cost_high, q.high)))
        if tiered:
            price += " (first tier; tiered)"
        if q.region:
            price += f" ({q.region} price)"
    return f"{q.what}: {qty} {q.unit} × {price}"


def _breakdown(report: CostReport) -> tuple[list[list[str]], list[str | None], list[int]]:
    """Rows for the table and Markdown: each cost line, then its quantities, then (table only) its notes."""
    rows: list[list[str]] = []
    styles: list[str | None] = []
    ends: list[int] = []
    for line in report.lines:
        rows.append([line.label, money(line.low), money(line.high), line.notes])
        styles.append("bold")
        for q in line.quantities:
            amounts = ["—" if c is None else money(c) for c in (q.cost_low, q.cost_high)]
            rows.append(["  " + quantity_text(q), *amounts, ""])
            styles.append(None)
        ends.append(len(rows) - 1)
    return rows, styles, ends


def _fill(text: str, width: int, lead: str) -> str:
    return textwrap.fill(text, width=width, initial_indent=lead, subsequent_indent=lead + "  ",
                         break_on_hyphens=False, break_long_words=True)


def render_report(report: CostReport, fmt: str = "table", name: str = "plan") -> str:
    if fmt == "json":
        return to_json(report.to_dict())
    rows, styles, ends = _breakdown(report)
    total = ["Total", money(report.total_low), money(report.total_high)]
    alts = _alternatives(report)
    unpriced = report.unpriced
    head = ["Cost line: quantity × unit price", "Low", "High"]
    if fmt == "md":
        md_rows = [[f"**{r[0]}**" if styles[i] == "bold" else "↳ " + r[0].strip(), *r[1:]]
                   for i, r in enumerate(rows)]
        out = [f"**{_title(report, name)}**", "",
               md_table([*head, "What drives it"], [*md_rows, [f"**{total[0]}**", *total[1:], ""]])]
        if alts:
            out += ["", "Cheaper options:", *[f"- {a}" for a in alts]]
    else:
        # The notes go under each line's quantities, dimmed, in the wide first column. That column is wrapped
        # here, to what the terminal leaves beside the two money columns, so continuation lines keep an indent.
        money_w = max(len(x) for r in [*rows, total, head] for x in r[1:3])
        first_w = max(10, terminal_width() - 10 - 2 * money_w)
        t_rows: list[list[str]] = []
        t_styles: list[str | None] = []
        t_ends: list[int] = []
        for i, r in enumerate(rows):
            lead = "" if styles[i] == "bold" else "  "
            t_rows.append([_fill(r[0].strip(), first_w, lead), *r[1:3]])
            t_styles.append(styles[i])
            if i in ends:
                line = report.lines[len(t_ends)]
                if line.notes:
                    t_rows.append([_fill(line.notes, first_w, "  "), "", ""])
                    t_styles.append("dim")
                t_ends.append(len(t_rows) - 1)
        out = [text_table(head, t_rows, title=_title(report, name), right=(1, 2), footer=total, styles=t_styles,
                          section_ends=t_ends)]
        if alts:
            out += ["", "Cheaper options:", *[wrap(f"- {a}", "  ") for a in alts]]
    if unpriced:
        out += ["", wrap(f"Unpriced (not in the total): {', '.join(x.label for x in unpriced)}")]
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
    headers = ["Target", "Low", "High", "Self-host saves/mo", "Break-even", "Note"]
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
    return "\n".join([text_table(headers, rows, title=title, right=(1, 2, 3, 4), nowrap=(0,)), wrap(foot)])
