"""A queue consumer deployed where something must answer HTTP: a Cloud Run service that will never listen.

On target cloud-run a service declared `role: worker` becomes a Cloud Run worker pool (no port, no probe),
which is the right home for Celery/RQ/Dramatiq/arq/Sidekiq consumers. The failure is a consumer declared
`web` or `websocket`: it is deployed as a service, nothing listens on $PORT and the revision never gets ready.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight.facts import command_text, is_queue_worker, is_scheduler, safe_text
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

_WEB_SERVER = re.compile(r"\b(gunicorn|uvicorn|daphne|hypercorn|granian|waitress-serve|runserver|flask\s+run|"
                         r"next\s+start|npm\s+start|node\s+\S*server|puma|rails\s+s(erver)?|fastapi\s+run)\b")

RULE = Rule(id="cr-worker-deployed-as-service", severity="error", evidence=("plan", "code"),
            signature="cr-worker-deployed-as-service")


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target not in CLOUD_RUN_TARGETS:
        return
    for f in inp.facts():
        svc = f.effective
        cmd = command_text(svc.command)
        where = f.start.where or "the plan's command"
        if svc.role in ("web", "websocket") and not is_queue_worker(cmd):
            # The plan's command runs a start script (or the image's ENTRYPOINT does): follow it to the
            # consumer, in the branch the command's argument picks.
            runs = [(w, line) for w, line in f.start.lines()[1:] if is_queue_worker(line)]
            if runs:
                where = runs[0][0]
                cmd = " && ".join([cmd, *(line for _, line in f.start.lines()[1:])])
        if svc.role not in ("web", "websocket") or not is_queue_worker(cmd) or is_scheduler(cmd):
            continue
        # A start script that runs the consumer in the background and a web server in front still listens.
        also_serves = bool(_WEB_SERVER.search(cmd))
        yield render(RULE.id, service=f.name, path=f"services.{f.name}.role", command=safe_text(cmd)[:120],
                     where=where, role=svc.role, target=inp.target, severity="warning" if also_serves else None,
                     variant="also-serves" if also_serves else None)
