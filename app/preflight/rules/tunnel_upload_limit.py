"""Uploads above the tunnel's 100 MB request limit on a self-hosted compose export."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="tunnel-upload-limit", severity="warning", evidence=("plan",))
TUNNEL_MAX_BODY_MB = 100


def check(inp: RuleInput) -> Iterator[Finding]:
    mb = inp.plan.ingress.max_upload_mb
    if inp.target == "compose" and mb is not None and inp.plan.selfhost.tunnel_usd_month is not None \
            and mb > TUNNEL_MAX_BODY_MB:
        yield render(RULE.id, path="ingress.max_upload_mb", mb=mb)
