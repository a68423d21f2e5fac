"""Celery beat (or another periodic scheduler) is a clock, not a queue consumer.

It must run exactly once: as one instance next to the workers, or replaced by Cloud Scheduler triggering a
Cloud Run Job. Two beat instances send every periodic task twice; a beat run as a Job never exits.
"""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import runs_as_job
from launchdeck.app.preflight.facts import command_text, is_scheduler, safe_text
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="celery-beat-scheduler", severity="warning", evidence=("plan", "code"))


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        svc = f.effective
        cmd = command_text(svc.command)
        if not is_scheduler(cmd):
            continue
        path = f"services.{f.name}"
        if runs_as_job(svc, inp.target) and not svc.schedule:
            yield render(RULE.id, variant="job", service=f.name, path=path + ".role", command=safe_text(cmd))
        elif svc.role in ("web", "websocket") and inp.target != "compose":
            yield render(RULE.id, variant="web", service=f.name, path=path + ".role", command=safe_text(cmd),
                         severity="error" if inp.target == "cloud-run" else "warning")
        elif svc.role == "worker" and inp.target == "cloud-run" and svc.instances > 1:
            yield render(RULE.id, service=f.name, path=path + ".instances", command=safe_text(cmd),
                         count=svc.instances, what="instances")
        elif svc.role == "worker" and inp.target.startswith("gke") and svc.max_instances > 1:
            yield render(RULE.id, service=f.name, path=path + ".max_instances", command=safe_text(cmd),
                         count=svc.max_instances, what="max_instances")
