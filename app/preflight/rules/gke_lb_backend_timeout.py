"""A GKE Ingress closes WebSockets when the backend timeout (30 s by default) elapses."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.rules.cr_websocket_cut_at_request_timeout import WEBSOCKET_MAX_TIMEOUT

RULE = Rule(id="gke-lb-backend-timeout", severity="warning", evidence=("plan", "code"),
            signature="gke-lb-backend-timeout")


def check(inp: RuleInput) -> Iterator[Finding]:
    if not inp.target.startswith("gke"):
        return
    for f in inp.facts():
        if f.effective.role == "websocket" and f.effective.timeout < WEBSOCKET_MAX_TIMEOUT:
            yield render(RULE.id, service=f.name, path=f"services.{f.name}.timeout", timeout=f.effective.timeout)
