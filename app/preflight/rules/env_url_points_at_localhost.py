"""URL settings that point at localhost once deployed: in the plan's env, or as the code's default.

A browser-side variable (NEXT_PUBLIC_*, VITE_*, REACT_APP_*) is inlined into the JavaScript bundle when the
image is built, so a localhost value there reaches every visitor's browser, whatever the runtime env says.
"""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight import envscan
from launchdeck.app.preflight.envvalues import env_url_findings, missing_reads, where_of
from launchdeck.app.preflight.facts import DB_URL_NAMES, LOCAL_HOSTS, REDIS_URL_NAMES, url_host
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="env-url-points-at-localhost", severity="warning", evidence=("plan", "code"))
_BUILD_TIME = ("NEXT_PUBLIC_", "VITE_", "REACT_APP_", "NUXT_PUBLIC_", "PUBLIC_")


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        yield from (x for x in env_url_findings(inp.plan, inp.target, f) if x.id == RULE.id)
        for r in sorted(missing_reads(f).values(), key=lambda r: r.name):
            up = r.name.upper()
            if r.kind != envscan.DEFAULT or url_host(r.default or "") not in LOCAL_HOSTS:
                continue
            if up in DB_URL_NAMES or up in REDIS_URL_NAMES:
                continue
            variant = "build-default" if up.startswith(_BUILD_TIME) else "default"
            yield render(RULE.id, variant=variant, service=f.name, path=f"services.{f.name}.env.{r.name}",
                         name=r.name, value=r.default, where=where_of(r, inp.root))
        if f.dockerfile is None:
            continue
        # ARG/ENV NEXT_PUBLIC_API_URL=http://localhost:8000 in the Dockerfile is baked into the build.
        for key, value in sorted(f.dockerfile.build_values().items()):
            if key.startswith(_BUILD_TIME) and url_host(value) in LOCAL_HOSTS and key not in f.effective.env:
                yield render(RULE.id, variant="build", service=f.name, path=f"services.{f.name}.env.{key}",
                             name=key, value=value)
