"""A value the deploy target refuses (CPU/memory combinations, timeouts, instance counts)."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import target_problems
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="target-rejects-value", severity="error", evidence=("plan",))


def check(inp: RuleInput) -> Iterator[Finding]:
    for path, msg in target_problems(inp.plan, inp.target):
        service = str(path[1]) if len(path) > 1 and path[0] == "services" else None
        key = ".".join(map(str, path))
        yield render(RULE.id, service=service, path=key, key=key, target=inp.target,
                     detail=f"{key}: {msg.rstrip('.')}")
