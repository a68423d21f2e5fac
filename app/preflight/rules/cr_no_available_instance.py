"""Peak load (10x the plan's high monthly average) above max_instances x concurrency."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="cr-no-available-instance", severity="warning", evidence=("plan",),
            signature="cr-no-available-instance")
PEAK_FACTOR = 10


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target not in CLOUD_RUN_TARGETS:
        return
    for f in inp.facts():
        svc = f.effective
        if svc.role != "web":
            continue
        peak = svc.usage.requests_per_month[1] / (30 * 86400) * svc.usage.seconds_per_request[1] * PEAK_FACTOR
        capacity = svc.max_instances * svc.concurrency
        if peak > capacity:
            yield render(RULE.id, service=f.name, path=f"services.{f.name}.max_instances", peak=peak,
                         max_instances=svc.max_instances, concurrency=svc.concurrency, capacity=capacity)
