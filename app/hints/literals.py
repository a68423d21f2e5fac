"""Derive the literal text a regex cannot match without, for the Aho-Corasick prefilter.

`required_literals(pattern)` returns a set of lowercase strings of which at least one occurs in
every line the pattern matches (or None when no useful literal exists). Only the first
(lowercased) prefilter pass sees them; the regex itself still decides.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]

_MAX_ALTS = 24  # cap on cross-product size when joining literal runs with alternations
_MIN_LEN = 4


def _class_char(items: list) -> str | None:
    """[Ee] / [e] -> 'e'; anything wider -> None."""
    chars = set()
    for op, av in items:
        if op is not C.LITERAL:
            return None
        chars.add(chr(av).lower())
    return chars.pop() if len(chars) == 1 else None


def _segments(seq) -> list[set[str]]:
    """Contiguous literal segments of a parsed sequence, each a set of alternatives."""
    segs: list[set[str]] = []
    cur: set[str] | None = None

    def flush():
        nonlocal cur
        if cur:
            segs.append(cur)
        cur = None

    def extend(alts: set[str]):
        nonlocal cur
        if cur is None:
            cur = set(alts)
        elif len(cur) * len(alts) <= _MAX_ALTS:
            cur = {a + b for a in cur for b in alts}
        else:
            flush()
            cur = set(alts)

    for op, av in seq:
        if op is C.LITERAL:
            extend({chr(av).lower()})
        elif op is C.IN:
            ch = _class_char(av)
            if ch is None:
                flush()
            else:
                extend({ch})
        elif op is C.SUBPATTERN:
            sub = av[-1]
            alts = _exact_alternatives(sub)
            if alts is not None:
                extend(alts)
            else:
                flush()
                segs.extend(_segments(sub))
        elif op is C.BRANCH:
            alts = _branch_alternatives(av[1])
            if alts is not None:
                extend(alts)
            else:
                flush()
                best = _branch_required(av[1])
                if best:
                    segs.append(best)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, _hi, sub = av
            flush()
            if lo >= 1:
                segs.extend(_segments(sub))
        elif op in (C.AT, C.ASSERT_NOT, C.ASSERT):
            flush()
        else:
            flush()
    flush()
    return segs


def _exact_alternatives(seq) -> set[str] | None:
    """If the whole sequence is literal (possibly with small alternations), its exact strings."""
    out = {""}
    for op, av in seq:
        if op is C.LITERAL:
            alts = {chr(av).lower()}
        elif op is C.IN and _class_char(av) is not None:
            alts = {_class_char(av)}
        elif op is C.BRANCH:
            alts = _branch_alternatives(av[1])
            if alts is None:
                return None
        elif op is C.SUBPATTERN:
            alts = _exact_alternatives(av[-1])
            if alts is None:
                return None
        else:
            return None
        if len(out) * len(alts) > _MAX_ALTS:
            return None
        out = {a + b for a in out for b in alts}
    return out


def _branch_alternatives(branches) -> set[str] | None:
    out: set[str] = set()
    for b in branches:
        alts = _exact_alternatives(b)
        if alts is None:
            return None
        out |= alts
    return out if len(out) <= _MAX_ALTS else None


def _branch_required(branches) -> set[str] | None:
    """Each branch contributes its best segment; the union is required."""
    out: set[str] = set()
    for b in branches:
        best = _best(_segments(b))
        if not best:
            return None
        out |= best
    return out


def _score(seg: set[str]) -> tuple[int, int]:
    return (min(len(s) for s in seg), -len(seg))


def _best(segs: list[set[str]]) -> set[str] | None:
    segs = [s for s in segs if s and "" not in s]
    if not segs:
        return None
    return max(segs, key=_score)


def required_literals(pattern: str) -> set[str] | None:
    """A set of lowercase literals, one of which every match contains; None if none is long enough."""
    try:
        parsed = P.parse(pattern)
    except re.error:
        return None
    best = _best(_segments(list(parsed)))
    if not best or min(len(s) for s in best) < _MIN_LEN:
        return None
    # Trim surrounding spaces: matches stay found, and prefixes like "\n" boundaries do not matter.
    return {s.strip() or s for s in best}
