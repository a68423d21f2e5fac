"""Hints for a live stream, with the same multi-line rules as `scan`.

A tail sees one line at a time, so `LiveMatcher` keeps a window of recent lines. A line that
holds a catalog literal is judged by `Engine.find` over that window, exactly as `scan` judges
it: a traceback is reported once (a later line of the same traceback points at the first), a
frame of a library path is no error, a wrapper hint (CrashLoopBackOff, "container exited") next to
a root cause is a symptom that names it, and a repeat of an earlier message points at it. When
the root cause arrives after its symptom, the symptom is updated (`Mark.updates`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from launchdeck.app.hints.engine import Engine, _shape
from launchdeck.app.hints.hint_catalog import Hint
from launchdeck.app.hints.normalize import normalize

_WINDOW = 80  # lines kept for context, tracebacks and symptoms (scan walks at most this far in practice)
_MAX_SHAPES = 5_000
# A window this full of hinted lines is a flood (a crash loop printing one error thousands of times):
# a line of the same shape as a marked one in the window is then taken as its repeat, instead of
# judging the whole window again for every line (80 times the work: 3,000 lines/s, minutes of catch-up).
_FLOOD = 16


@dataclass
class Mark:
    """What one line is: its hint, and how it relates to earlier lines (by sequence number)."""

    hint: Hint
    first: int | None = None  # same event or repeat of this earlier line
    explained_by: tuple[int, str] | None = None  # (line, hint id) of the root cause
    updates: list[tuple[int, tuple[int, str]]] = field(default_factory=list)  # earlier symptoms now explained


class LiveMatcher:
    def __init__(self, engine: Engine, window: int = _WINDOW):
        self.engine = engine
        self.lines: deque[tuple[int, str, set[int]]] = deque(maxlen=window)  # (seq, text, candidate rules)
        self.seq = 0
        self.marked: dict[int, Mark] = {}  # seq -> mark, for lines still in the window
        self.shapes: dict[tuple[str, str], int] = {}  # (hint id, shape) -> first seq
        self.recent: dict[str, int] = {}  # shape of a marked line in the window -> its seq

    def feed(self, text: str) -> Mark | None:
        """The mark for the next line (sequence numbers count from 1), or None."""
        self.seq += 1
        seq = self.seq
        ids = self.engine._candidates(text.lower())
        self.lines.append((seq, text, ids))
        if text.lstrip().startswith("{"):
            hint = self.engine.match_line(text)  # a JSON entry: its message fields, one line here
            if hint is not None:
                self.marked[seq] = Mark(hint)
                return self.marked[seq]
        if not ids:
            self._forget()
            return None
        repeat = self._flood_repeat(seq, text)
        if repeat is not None:
            return repeat
        texts = [t for _s, t, _i in self.lines]
        seqs = [s - 1 for s, _t, _i in self.lines]  # engine lines are 0-based
        cands = {k: i for k, (_s, _t, i) in enumerate(self.lines) if i}  # computed once per line
        found, explained = self.engine.find(texts, seqs, False, cand_lines=cands, pos=seqs)
        mark = None
        for c in found:
            if c.line == seq:
                mark = Mark(c.rule.hint)
                earlier = [n for n in c.merged if n < seq and n in self.marked]
                if earlier:
                    mark.first = min(earlier)
                else:
                    key = (c.rule.hint.id, _shape(c.text))
                    if key in self.shapes and self.shapes[key] != seq:
                        mark.first = self.shapes[key]
                    elif len(self.shapes) < _MAX_SHAPES:
                        self.shapes[key] = seq
        for sym, cause in explained:
            if sym.line == seq:
                mark = Mark(sym.rule.hint, explained_by=(cause.line, cause.rule.hint.id))
            elif cause.line == seq and sym.line in self.marked and mark is not None:
                old = self.marked[sym.line]
                if old.explained_by is None:
                    old.explained_by = (seq, cause.rule.hint.id)
                    mark.updates.append((sym.line, old.explained_by))
        if mark is not None:
            self.marked[seq] = mark
            self.recent[_shape(normalize(text))] = seq
        self._forget()
        return mark

    def _flood_repeat(self, seq: int, text: str) -> Mark | None:
        if sum(1 for _s, _t, i in self.lines if i) < _FLOOD:
            return None
        earlier = self.recent.get(_shape(normalize(text)))
        old = self.marked.get(earlier) if earlier is not None else None
        if old is None:
            return None
        self.marked[seq] = mark = Mark(old.hint, first=old.first or earlier, explained_by=old.explained_by)
        self._forget()
        return mark

    def _forget(self) -> None:
        if len(self.marked) > 2 * self.lines.maxlen:  # type: ignore[operator]
            oldest = self.lines[0][0]
            self.marked = {s: m for s, m in self.marked.items() if s >= oldest}
            self.recent = {k: s for k, s in self.recent.items() if s >= oldest}
