"""Memorystore (private IP only) or private-IP Cloud SQL with network.vpc none: Cloud Run cannot reach them."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight.facts import uses_postgres, uses_redis
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="redis-connect-timeout", severity="error", evidence=("plan",), signature="redis-connect-timeout",
            also=("db-connection-timeout",))


def check(inp: RuleInput) -> Iterator[Finding]:
    plan = inp.plan
    if inp.target not in CLOUD_RUN_TARGETS or plan.network.vpc != "none":
        return
    for kind, enabled, uses in (
        ("redis-connect-timeout", plan.redis is not None, uses_redis),
        ("db-connection-timeout", plan.postgres is not None and plan.postgres.private_ip, uses_postgres),
    ):
        if not enabled:
            continue
        users = [f.name for f in inp.facts() if uses(plan, f.effective)]
        for name in users or [None]:
            yield render(kind, service=name, path="network.vpc", who=name or "A service")
