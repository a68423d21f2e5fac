"""A service with neither an image nor a build: nothing to deploy."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="cr-image-not-found", severity="error", evidence=("plan",), signature="cr-image-not-found")


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        if f.service.build is None and not f.service.image:
            yield render(RULE.id, service=f.name, path=f"services.{f.name}.build")
