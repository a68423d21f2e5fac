"""A secret value (or a secret-sounding name) in plain env: it would land in generated files."""

from __future__ import annotations

import re
from collections.abc import Iterator

from launchdeck.app.preflight.envvalues import PLACEHOLDER, SECRET_REF
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.secretish import looks_secret, looks_secret_name

RULE = Rule(id="secret-value-in-env", severity="error", evidence=("plan",))


def _plain_value(value: str) -> bool:
    """Values that are not secrets even under a secret-sounding name: numbers, flags, plain URLs."""
    v = value.strip()
    if len(v) <= 3 or v.lower() in ("true", "false", "none", "null") or re.fullmatch(r"[\d.]+", v):
        return True
    return "://" in v and "@" not in v.split("://", 1)[1].split("/")[0]


# org/name-style identifiers (Hugging Face models, image or repo names): words joined by - or _, one slash.
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def _identifier(value: str) -> bool:
    v = value.strip()
    return bool(_IDENTIFIER.match(v)) and len(re.findall(r"[-_]", v)) >= 2 and bool(re.search(r"[A-Za-z]{3,}", v))


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        for key, value in sorted(f.service.env.items()):
            if value and SECRET_REF.search(value):
                continue
            if not looks_secret_name(key) and _identifier(value):
                continue  # sentence-transformers/all-MiniLM-L6-v2 is a model id, whatever its entropy
            # The same rule `generate` enforces (it refuses to write these), so doctor warns first.
            if looks_secret(key, value):
                plain = not value or PLACEHOLDER.match(value) or _plain_value(value)
                yield render(RULE.id, service=f.name, path=f"services.{f.name}.env.{key}", name=key,
                             variant="name" if plain else None)
