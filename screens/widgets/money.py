"""Money formatting for cells (presentation only; the numbers come from the estimators)."""

from __future__ import annotations


def money(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "−" if value < -0.004 else ""
    value = abs(value)
    if value >= 1000:
        return f"{sign}${value:,.0f}"
    return f"{sign}${value:,.2f}"


def money_range(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "—"
    if low is not None and high is not None and round(low, 2) == round(high, 2):
        return money(low)
    return f"{money(low)} – {money(high)}"
