"""Cloud Run price keys and tiers, shared by the Cloud Run estimator and the alternatives other targets
quote (a worker "as a Cloud Run Job" on GKE). Kept apart so cloud_run and gke do not import each other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from launchdeck.estimators.report import Ctx, Qty, gib

if TYPE_CHECKING:
    from launchdeck.app.plan import Service

# billing mode -> (CPU key, memory key, what the time is)
MODES: dict[str, tuple[str, str, str]] = {
    "req": ("run.req.cpu", "run.req.mem", "active"),
    "idle": ("run.idle.cpu", "run.idle.mem", "min-instance idle"),
    "inst": ("run.inst.cpu", "run.inst.mem", "instance lifetime"),
    "jobs": ("run.jobs.cpu", "run.jobs.mem", "task time"),
    "pool": ("run.pool.cpu", "run.pool.mem", "worker pool lifetime"),
}


def tier(ctx: Ctx) -> int | None:
    """Cloud Run price tier of the plan's region (1 or 2), None if it is on neither list."""
    rules = ctx.rules["cloud_run"]
    if ctx.region in rules["tier1"]:
        return 1
    if ctx.region in rules["tier2"]:
        return 2
    return None


def quantities(ctx: Ctx, mode: str, svc: Service, seconds: tuple[float, float], region: str | None = None,
               sign: float = 1.0, shape: tuple[float, float] | None = None) -> list[Qty]:
    """vCPU-seconds and GiB-seconds of `seconds` instance-time in billing `mode` (`shape`: vCPU, GiB billed
    when they differ from the plan's, e.g. a worker pool's minimums)."""
    cpu_key, mem_key, what = MODES[mode]
    cpu, g = shape or (svc.cpu, gib(svc))
    return [Qty(f"vCPU-seconds ({what})", "vCPU-s", sign * seconds[0] * cpu, sign * seconds[1] * cpu,
                cpu_key, region),
            Qty(f"GiB-seconds ({what})", "GiB-s", sign * seconds[0] * g, sign * seconds[1] * g, mem_key, region)]


def per_second(ctx: Ctx, mode: str, svc: Service, region: str | None = None,
               shape: tuple[float, float] | None = None) -> float | None:
    """What one instance-second of `svc` costs in `mode`, None if a price is missing."""
    cpu_key, mem_key, _ = MODES[mode]
    cpu, _ = ctx.price(cpu_key, region)
    mem, _ = ctx.price(mem_key, region)
    if cpu is None or mem is None:
        return None
    v, g = shape or (svc.cpu, gib(svc))
    return v * cpu.usd + g * mem.usd
