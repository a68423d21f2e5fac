"""Generators: a plan in, `{relative path: text}` out, one module per target family.

`generate(plan, target)` is pure and deterministic: the same plan gives byte-identical files.
It refuses (SecretInEnv) when a plain `env` value looks like a secret, and (SecretsInPlan) when a
secret-shaped value sits anywhere else in the plan (a command argument, a health path, ...), so the
CLI and the TUI's export refuse the same plans.
"""

from __future__ import annotations

from launchdeck.app.generators.common import SecretInEnv, check_no_secret_values
from launchdeck.app.plan import Plan
from launchdeck.app.plansecrets import SecretsInPlan, refuse_plan_secrets

__all__ = ["SecretInEnv", "SecretsInPlan", "generate", "generate_notes"]


def generate_notes(plan: Plan, target: str | None = None) -> list[str]:
    """What the generated files do differently from what the plan says, one line per point.

    Today: worker pools on cloud-run (an instance count taken from min_instances, keys a worker
    pool has no use for, CPU or memory raised to the pool's minimum).
    """
    from launchdeck.app.plan import runs_as_worker_pool, worker_pool_shape

    target = target or plan.target
    return [f"services.{name}: {note}" for name, svc in plan.services.items()
            if runs_as_worker_pool(svc, target) for note in worker_pool_shape(svc).notes]


def generate(plan: Plan, target: str | None = None) -> dict[str, str]:
    """Every file the target needs, keyed by path relative to the output directory."""
    from launchdeck.app.generators import compose, gke, scripts, terraform_cloud_run
    from launchdeck.app.plan import TARGETS, target_problems

    target = target or plan.target
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r} (allowed: {', '.join(TARGETS)})")
    if target != plan.target:
        problems = target_problems(plan, target)
        if problems:  # the CLI reports these with file and line before getting here
            raise ValueError("; ".join(f"{'.'.join(map(str, p))}: {m}" for p, m in problems))
        plan = plan.model_copy(update={"target": target})
    refuse_plan_secrets(plan)  # first: it names every key that holds a secret value
    check_no_secret_values(plan)  # then secret-named env keys with plain-looking values
    if target in ("cloud-run", "cloud-run-jobs"):
        files = {**terraform_cloud_run.files(plan), **scripts.files(plan)}
    elif target in ("gke-autopilot", "gke-standard"):
        files = {**gke.files(plan), **scripts.files(plan)}
    else:
        files = compose.files(plan)
    return dict(sorted(files.items()))
