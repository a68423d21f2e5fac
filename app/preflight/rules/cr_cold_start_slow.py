"""Slow cold starts: heavy imports (or a multi-GB image) on a web service that scales to zero."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight.facts import command_text, is_queue_worker
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.rules.memory_limit import HEAVY_DEP_MIB

RULE = Rule(id="cr-cold-start-slow", severity="warning", evidence=("plan", "code"), signature="cr-cold-start-slow")
SLOW_IMPORT_MIB = 1024  # deps at or above this size make cold starts slow
_HEAVY_IMAGE = ("torch", "tensorflow", "tensorflow-cpu", "jax", "transformers", "demucs", "openai-whisper",
                "diffusers", "vllm", "spleeter")


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target not in CLOUD_RUN_TARGETS:
        return
    for f in inp.facts():
        svc = f.effective
        if svc.min_instances > 0 or svc.role not in ("web", "websocket") or is_queue_worker(command_text(svc.command)):
            continue
        path = f"services.{f.name}.min_instances"
        slow = [d for d in svc.heavy_deps if HEAVY_DEP_MIB.get(d.lower(), SLOW_IMPORT_MIB) >= SLOW_IMPORT_MIB]
        if slow:
            yield render(RULE.id, service=f.name, path=path, what=", ".join(slow))
        elif f.requirements is not None and not svc.heavy_deps:
            heavy = sorted(d for d in f.requirements.dists if d in _HEAVY_IMAGE)
            if heavy:
                yield render(RULE.id, variant="image", service=f.name, path=path, what=", ".join(heavy))
