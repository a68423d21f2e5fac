"""The image ends with USER root."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.finding_catalog import Finding
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.source_checks import dockerfile_findings

RULE = Rule(id="cr-user-root-not-found", severity="warning", evidence=("tree",), signature="cr-user-root-not-found")


def check(inp: RuleInput) -> Iterator[Finding]:
    assert inp.root is not None
    yield from (x for x in dockerfile_findings(list(inp.with_source()), inp.target, inp.root) if x.id == RULE.id)
