"""A secret value outside env: in a command argument (`-b redis://:pw@redis`), a health path, an image
reference, any plan key. `generate` refuses such a plan; doctor says where, and how to refer to it."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plansecrets import find_plan_secrets
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="secret-value-in-plan", severity="error", evidence=("plan",))


def check(inp: RuleInput) -> Iterator[Finding]:
    for found in find_plan_secrets(inp.plan):
        if len(found.path) > 2 and found.path[2] == "env":
            continue  # secret-value-in-env says it, with its own advice
        in_command = len(found.path) > 2 and found.path[2] == "command"
        yield render(RULE.id, service=found.service, path=found.key, where=found.key, what=found.what, name=found.name,
                     variant="command" if in_command else None)
