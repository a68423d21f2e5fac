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


def money_short(value: float | None) -> str:
    """A figure for tight places: whole dollars, thousands as k ($1.2k, $15k); never cut."""
    if value is None:
        return "—"
    sign = "−" if value < -0.5 else ""
    value = abs(value)
    if value >= 9_999.5:
        return f"{sign}${value / 1000:,.0f}k"
    if value >= 999.5:
        return f"{sign}${value / 1000:.1f}k"
    return f"{sign}${value:,.0f}"


def short_range(low: float | None, high: float | None) -> str:
    """`money_range` for tight places ($512–$830, $1.2k–$3.4k)."""
    if low is None and high is None:
        return "—"
    if low is not None and high is not None and round(low) == round(high):
        return money_short(low)
    return f"{money_short(low)}–{money_short(high)}"
