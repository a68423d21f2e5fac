"""The app will look for Redis on localhost or a compose-only name."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight import envscan
from launchdeck.app.preflight.envvalues import env_url_findings, fallback_text, missing_reads, where_of
from launchdeck.app.preflight.facts import REDIS_URL_NAMES, uses_redis
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.rules.db_dial_localhost_fallback import severity_of

RULE = Rule(id="redis-connection-refused-or-unresolvable", severity="error", evidence=("plan", "code"),
            signature="redis-connection-refused-or-unresolvable")


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        yield from (x for x in env_url_findings(inp.plan, inp.target, f) if x.id == RULE.id)
        for r in sorted(missing_reads(f).values(), key=lambda r: r.name):
            up = r.name.upper()
            if up not in REDIS_URL_NAMES or up == "REDIS_HOST":
                continue
            if r.kind == envscan.DEFAULT and not uses_redis(inp.plan, f.effective):
                continue
            yield render(RULE.id, service=f.name, severity=severity_of(r, f.confident),
                         path=f"services.{f.name}.secrets", name=r.name,
                         detail=f"{f.name}: the code reads {r.name} ({where_of(r, inp.root)}) but the plan does "
                                f"not set it, so the app {fallback_text(r)}.")
