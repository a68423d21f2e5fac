"""Clickable parts of a one-line bar drawn as text (the nav bar, the key bar)."""

from __future__ import annotations


def span_at(spans: list[tuple[int, int, str]], x: int) -> str | None:
    """The payload of the (start, end, payload) span covering column `x`, if any."""
    return next((payload for start, end, payload in spans if start <= x < end), None)
