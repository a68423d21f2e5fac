"""Fit compose resource limits to shapes Cloud Run accepts (cpu steps, memory per cpu)."""

from __future__ import annotations

import math

from launchdeck.app.plan import CLOUD_RUN_CPU_STEPS, CLOUD_RUN_MEMORY_BY_CPU
from launchdeck.app.units import format_cpu, format_memory

_MAX_MIB = 32 * 1024


def _memory_text(mib: float) -> str:
    mib = math.ceil(mib)
    return format_memory(mib)


def fit_resources(cpus: float | None, mem_mib: float | None) -> tuple[float, str, str | None]:
    """(cpu, memory, note): the smallest Cloud Run shape that holds the compose limits.

    Below 1 vCPU Cloud Run needs concurrency 1 and request billing, which suits few services, so a
    fractional limit is rounded up to 1 vCPU; memory beyond what a cpu allows raises the cpu.
    """
    want_cpu = cpus or 1.0
    cpu = next((s for s in CLOUD_RUN_CPU_STEPS if s >= want_cpu), CLOUD_RUN_CPU_STEPS[-1])
    mib = min(float(math.ceil(mem_mib)) if mem_mib else 512.0, float(_MAX_MIB))
    mib = max(mib, 128.0)
    while mib > CLOUD_RUN_MEMORY_BY_CPU[cpu][1]:
        cpu = CLOUD_RUN_CPU_STEPS[CLOUD_RUN_CPU_STEPS.index(cpu) + 1]
    mib = max(mib, CLOUD_RUN_MEMORY_BY_CPU[cpu][0])
    changes = []
    if cpus is not None and cpu != cpus:
        changes.append(f"{cpus:g} cpus → {format_cpu(cpu)} vCPU")
    if mem_mib is not None and abs(mib - mem_mib) >= 1:
        changes.append(f"{format_memory(mem_mib)} → {_memory_text(mib)}")
    note = f"compose limits adjusted to a Cloud Run shape ({', '.join(changes)})" if changes else None
    return cpu, _memory_text(mib), note
