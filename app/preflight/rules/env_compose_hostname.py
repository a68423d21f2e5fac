"""An env URL that names a docker-compose-only host (minio, rabbitmq, ...) on a GCP target."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.envvalues import env_url_findings
from launchdeck.app.preflight.finding_catalog import Finding
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="env-compose-hostname", severity="warning", evidence=("plan",))


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        yield from (x for x in env_url_findings(inp.plan, inp.target, f) if x.id == RULE.id)
