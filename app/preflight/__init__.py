"""Preflight: predict known deploy failures from the plan (and optionally the source tree).

`run_preflight(plan, target, source_dir)` is the one entry point; the `doctor` command, the TUI's
Preflight screen and `generate` all call it. Pure Python: files are read, never executed.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from launchdeck.app.preflight.finding_catalog import Finding, render

if TYPE_CHECKING:
    from launchdeck.app.plan import Plan

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def run_preflight(plan: Plan, target: str | None = None, source_dir: str | Path | None = None) -> list[Finding]:
    """All findings for `plan` on `target` (default: the plan's), errors first, deterministic.

    Facts about each service are gathered once (from the plan, and the source tree when given) and the
    same `RuleInput` is handed to every rule in `rules.MODULES`.
    """
    from launchdeck.app.preflight.rule import RuleInput
    from launchdeck.app.preflight.rules import load
    from launchdeck.app.preflight.servicefacts import gather, plan_only
    from launchdeck.app.preflight.source_checks import safe

    target = target or plan.target
    root = Path(source_dir).resolve() if source_dir is not None else None
    services = gather(plan, root) if root is not None else plan_only(plan)
    inp = RuleInput(plan=plan, target=target, root=root, services=services)
    guessed = {name for name, f in services.items() if f.source_guessed}
    found: list[Finding] = []
    for rule, check, _module in load():
        if rule.needs_source and root is None and "plan" not in rule.evidence:
            continue
        # A file we cannot make sense of ends that rule's reading, not the whole run.
        for f in safe(check(inp)):
            if f.service in guessed and f.severity == "error" and rule.evidence != ("plan",):
                # Read from a folder the prebuilt image is only probably built from: a guess, not evidence.
                f = replace(f, severity="warning", message=f.message.rstrip(".") + " (read from the folder its "
                                                                                  "prebuilt image is probably built from).")
            found.append(f)
    return sort_findings(found, list(plan.services))


def sort_findings(findings: list[Finding], service_order: list[str]) -> list[Finding]:
    """Errors, warnings, info; within a severity plan-wide first, then services in plan order."""
    rank = {name: i for i, name in enumerate(service_order)}
    seen: set[tuple[str, str | None, str, str | None]] = set()
    unique: list[Finding] = []
    for f in findings:
        key = (f.id, f.service, f.message, f.path)
        if key not in seen:
            seen.add(key)
            unique.append(f)

    def key(f: Finding) -> tuple[int, int, str, str, str]:
        svc = -1 if f.service is None else rank.get(f.service, len(rank))
        return (SEVERITY_ORDER.get(f.severity, 3), svc, f.id, f.path or "", f.message)

    return sorted(unique, key=key)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


# Error findings that mean the deployed container will not start or never gets traffic (as opposed to
# errors that break a feature later). `generate` refuses to write a config with one of these unless --force.
WILL_NOT_START = frozenset({
    "target-rejects-value", "cr-image-not-found", "cr-exec-format-error", "cr-worker-deployed-as-service",
    "celery-beat-scheduler",
    "cr-container-failed-to-listen-on-port", "node-bound-to-localhost", "py-module-not-found",
    "gcloud-env-vars-wiped", "db-dial-localhost-fallback", "cr-memory-limit-exceeded", "k8s-oomkilled",
    "compose-port-already-allocated", "secret-value-in-env",
})  # fmt: skip


def startup_blockers(findings: list[Finding]) -> list[Finding]:
    """The error findings that say the deploy will not start (see WILL_NOT_START)."""
    return [f for f in findings if f.severity == "error" and f.id in WILL_NOT_START]


__all__ = [
    "Finding", "SEVERITY_ORDER", "WILL_NOT_START", "has_errors", "render", "run_preflight", "sort_findings",
    "startup_blockers",
]
