"""Slow work before the server listens: migrations, model downloads, installs or builds in the start
command, and migrations or downloads inside a start-up hook. The startup probe counts that time."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight import codechecks as code
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.startcheck import startup_work

RULE = Rule(id="cr-startup-probe-failed", severity="warning", evidence=("plan", "code"),
            signature="cr-startup-probe-failed", also=("k8s-startup-probe-failed",))


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target == "compose":
        return
    fid = "k8s-startup-probe-failed" if inp.target.startswith("gke") else RULE.id
    for f in inp.facts():
        if f.effective.role not in ("web", "websocket") or not f.start.text:
            continue
        work = startup_work(f.start)
        if work:
            key = "command" if f.service.command else "build"
            yield render(fid, service=f.name, path=f"services.{f.name}.{key}", work=" and ".join(w for w, _ in work),
                         where=", ".join(dict.fromkeys(w for _, w in work)))
            continue
        if f.directory is not None and inp.root is not None:
            hook = list(code.startup_hook_findings(f, inp.root, list(f.py_files), inp.target))
            yield from hook
            if not hook:
                yield from (x for x in code.model_download_findings(f, inp.root, list(f.py_files), inp.target)
                            if x.id == fid)
