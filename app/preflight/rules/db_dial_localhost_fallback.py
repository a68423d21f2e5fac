"""The app will look for its database on localhost (or a compose-only host).

Evidence: the plan's env gives a localhost/compose URL (error), or code reachable from the entry point
reads a database URL the plan does not set: an error when the read has no default at module level and
the entry point is known (the app stops at start-up); a warning when it falls back to a default (such as
a Go `if url == "" { url = "postgres://localhost..." }`), when the read runs only inside a function, or
when the files were a guess.
"""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight import envscan
from launchdeck.app.preflight.envvalues import env_url_findings, fallback_text, missing_reads, where_of
from launchdeck.app.preflight.facts import DB_PART_RE, DB_URL_NAMES, LOCAL_HOSTS, names, url_host
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="db-dial-localhost-fallback", severity="error", evidence=("plan", "code"),
            signature="db-dial-localhost-fallback")


def severity_of(r: envscan.EnvRead, confident: bool) -> str:
    if not confident or r.in_function:
        return "warning"
    return "error" if r.kind == envscan.REQUIRED else "warning"


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        yield from (x for x in env_url_findings(inp.plan, inp.target, f) if x.id == RULE.id)
        parts = sorted(n for n in names(f.effective) if DB_PART_RE.match(n))
        for r in sorted(missing_reads(f).values(), key=lambda r: r.name):
            if r.name.upper() not in DB_URL_NAMES:
                continue
            if inp.plan.postgres is None and not parts and r.kind == envscan.DEFAULT \
                    and url_host(r.default or "") not in LOCAL_HOSTS:
                continue
            sets = f"; the plan sets {', '.join(parts)} instead, which this code never reads" if parts else ""
            detail = (f"{f.name}: the code reads {r.name} ({where_of(r, inp.root)}) but the plan does not set it"
                      f"{sets}. Without it the app {fallback_text(r)}.")
            yield render(RULE.id, service=f.name, severity=severity_of(r, f.confident),
                         path=f"services.{f.name}.secrets", name=r.name, detail=detail)
