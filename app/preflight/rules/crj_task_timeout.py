"""A long-lived queue consumer run as a Cloud Run Job task: it never exits, so each execution times out."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS, runs_as_job
from launchdeck.app.preflight.facts import command_text, is_queue_worker, is_scheduler, safe_text
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="crj-task-timeout", severity="warning", evidence=("plan", "code"), signature="crj-task-timeout")


def check(inp: RuleInput) -> Iterator[Finding]:
    # cloud-run-jobs runs workers and jobs as Jobs; on cloud-run a `role: job` is a Job too.
    if inp.target not in CLOUD_RUN_TARGETS:
        return
    for f in inp.facts():
        svc = f.effective
        cmd = command_text(svc.command)
        if runs_as_job(svc, inp.target) and is_queue_worker(cmd) and not is_scheduler(cmd):
            yield render(RULE.id, service=f.name, path=f"services.{f.name}.command", command=safe_text(cmd),
                         timeout=svc.timeout)
