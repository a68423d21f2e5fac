"""Hints for known deploy/runtime errors in logs. Pure Python (no Textual, no Google libraries).

    engine = get_engine()
    engine.match_line(text) -> Hint | None          # one line, cheap
    engine.scan(lines) -> list[HintHit]             # a whole log, with the multi-line logic
"""

from launchdeck.app.hints.engine import Engine, HintHit, get_engine
from launchdeck.app.hints.hint_catalog import Hint, load_hints

__all__ = ["Engine", "Hint", "HintHit", "get_engine", "load_hints"]
