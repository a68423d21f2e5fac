"""Database data kept on a host path in the project's compose files (dataset ownership on TrueNAS)."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.finding_catalog import Finding
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.source_checks import compose_file_findings

RULE = Rule(id="compose-volume-permission-denied", severity="warning", evidence=("tree",),
            signature="compose-volume-permission-denied")


def check(inp: RuleInput) -> Iterator[Finding]:
    assert inp.root is not None
    yield from (x for x in compose_file_findings(inp.root, inp.target) if x.id == RULE.id)
