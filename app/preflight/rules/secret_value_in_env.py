"""A secret value (or a secret-sounding name) in plain env: it would land in generated files."""

from __future__ import annotations

import re
from collections.abc import Iterator

from launchdeck.app.preflight.envvalues import PLACEHOLDER, SECRET_REF
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.secretish import looks_secret

RULE = Rule(id="secret-value-in-env", severity="error", evidence=("plan",))


def _plain_value(value: str) -> bool:
    """Values that are not secrets even under a secret-sounding name: numbers, flags, plain URLs."""
    v = value.strip()
    if len(v) <= 3 or v.lower() in ("true", "false", "none", "null") or re.fullmatch(r"[\d.]+", v):
        return True
    return "://" in v and "@" not in v.split("://", 1)[1].split("/")[0]


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        for key, value in sorted(f.service.env.items()):
            if value and SECRET_REF.search(value):
                continue
            # The same rule `generate` enforces (it refuses to write these), so doctor warns first.
            if looks_secret(key, value):
                plain = not value or PLACEHOLDER.match(value) or _plain_value(value)
                yield render(RULE.id, service=f.name, path=f"services.{f.name}.env.{key}", name=key,
                             variant="name" if plain else None)
