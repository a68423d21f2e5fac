"""WebSockets on Cloud Run are closed at the request timeout; idle instances (and their sockets) go away."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="cr-websocket-cut-at-request-timeout", severity="warning", evidence=("plan", "code"),
            signature="cr-websocket-cut-at-request-timeout")
WEBSOCKET_MAX_TIMEOUT = 3600


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target not in CLOUD_RUN_TARGETS:
        return
    for f in inp.facts():
        svc = f.effective
        if svc.role != "websocket":
            continue
        problems, key = [], "timeout"
        if svc.timeout < WEBSOCKET_MAX_TIMEOUT:
            problems.append(f"its request timeout is {svc.timeout} s, so every socket is closed after at most "
                            f"{svc.timeout} s (the maximum is 3600 s)")
        if svc.min_instances == 0:
            if not problems:
                key = "min_instances"
            problems.append("min_instances 0 lets idle instances, and the sockets on them, go away")
        if problems:
            yield render(RULE.id, service=f.name, path=f"services.{f.name}.{key}", problems="; ".join(problems))
