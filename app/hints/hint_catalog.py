"""The hint catalog (assets/hints.yaml): public `Hint` records and the compiled match rules.

Each rule declares the literals its regexes cannot match without (`match.literals`); the
prefilter searches only for those and the substrings, so no regex is ever taken apart here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchdeck.assets import HINTS_YAML

CATALOG_PATH = HINTS_YAML


@dataclass(frozen=True)
class Hint:
    id: str
    severity: str  # error | warning | info
    title: str
    meaning: str
    fix: str
    docs: str
    critical: bool = False
    platform: str = "any"


@dataclass
class Rule:
    """How one hint is recognised. Substrings are case-sensitive; `weak` regexes act as umbrellas."""

    hint: Hint
    order: int
    substrings: list[str]
    regexes: list[re.Pattern]
    weak: list[re.Pattern]
    exclude: list[re.Pattern]
    context: list[re.Pattern]
    within: int
    traceback: bool
    umbrella: bool
    prefer_over: frozenset[str]
    literals: list[str] = field(default_factory=list)  # lowercase; one occurs in every match
    context_ml: list[re.Pattern] = field(default_factory=list)  # the context regexes, multi-line mode
    examples: list[str] = field(default_factory=list)
    traps: list[str] = field(default_factory=list)

    def test(self, text: str) -> int:
        """0 no match, 1 match, 2 match through a weak (umbrella-like) pattern."""
        hit = 0
        for s in self.substrings:
            if s in text:
                hit = 1
                break
        if not hit:
            for rx in self.regexes:
                if rx.search(text):
                    hit = 1
                    break
        if not hit:
            for rx in self.weak:
                if rx.search(text):
                    hit = 2
                    break
        if hit and self.exclude:
            for rx in self.exclude:
                if rx.search(text):
                    return 0
        return hit


def _load_yaml(path: Path) -> Any:
    """The parsed catalog. Parsing the YAML is most of `scan`'s start-up, so the result is kept in
    the user cache as marshal data (plain dicts, lists and strings: no code can ride along), keyed
    by the file's size and modification time."""
    import marshal

    st = path.stat()
    cache = None
    try:
        from launchdeck.app.cachedir import cache_dir

        cache = cache_dir() / f"hints-{st.st_size}-{st.st_mtime_ns}.marshal"
        with open(cache, "rb") as f:
            return marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError, ImportError):
        pass
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=loader)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                marshal.dump(doc, f)
            os.replace(tmp, cache)
        except (OSError, ValueError):
            pass  # a read-only cache only costs start-up time
    return doc


def load_rules(path: Path | None = None) -> list[Rule]:
    doc = _load_yaml(path or CATALOG_PATH)
    rules: list[Rule] = []
    for order, e in enumerate(doc["hints"]):
        m = e.get("match") or {}
        ctx = m.get("context") or {}
        hint = Hint(
            id=e["id"], severity=e["severity"], title=e["title"], meaning=" ".join(e["meaning"].split()),
            fix=" ".join(e["fix"].split()), docs=e.get("docs", ""), critical=bool(e.get("critical")),
            platform=e.get("platform", "any"),
        )
        rules.append(Rule(
            hint=hint, order=order,
            substrings=list(m.get("substrings", [])),
            regexes=[re.compile(r) for r in m.get("regexes", [])],
            weak=[re.compile(r) for r in m.get("weak", [])],
            exclude=[re.compile(r) for r in m.get("exclude", [])],
            context=[re.compile(r) for r in ctx.get("any", [])],
            context_ml=[re.compile(r, re.MULTILINE) for r in ctx.get("any", [])],
            within=int(ctx.get("within", 0)),
            traceback=e.get("multiline") == "traceback",
            umbrella=bool(e.get("umbrella")),
            prefer_over=frozenset(e.get("prefer_over", [])),
            literals=[s.lower() for s in m.get("literals", [])],
            examples=list(e.get("examples", [])),
            traps=list(e.get("traps", [])),
        ))
    return rules


def load_hints(path: Path | None = None) -> list[Hint]:
    return [r.hint for r in load_rules(path)]
