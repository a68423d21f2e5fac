"""Parse and format CPU and memory quantities the way GCP and Kubernetes write them."""

from __future__ import annotations

import math
import re

_MEM_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(Ki|Mi|Gi|Ti|K|M|G|T|k)?i?B?\s*$")
_MEM_FACTORS_MIB = {
    None: 1 / (1024 * 1024),  # plain bytes
    "Ki": 1 / 1024,
    "Mi": 1.0,
    "Gi": 1024.0,
    "Ti": 1024.0 * 1024,
    # Decimal units, as Cloud Run and Kubernetes accept them.
    "k": 1000 / (1024 * 1024),
    "K": 1000 / (1024 * 1024),
    "M": 1000**2 / (1024 * 1024),
    "G": 1000**3 / (1024 * 1024),
    "T": 1000**4 / (1024 * 1024),
}


# Far above any machine GCP sells (the largest have a few hundred vCPUs and a few dozen TiB), so
# only typos and hostile values are refused here; targets check their own real limits.
MAX_CPU = 1000.0
MAX_MEMORY_MIB = 64 * 1024 * 1024  # 64 TiB


class UnitError(ValueError):
    """A quantity that is not in a form GCP accepts."""


def _finite(value: float, what: str, example: str) -> float:
    if not math.isfinite(value):
        raise UnitError(f"{what} must be a finite number such as {example} (not NaN or infinity)")
    return value


def parse_cpu(value: object) -> float:
    """`1`, `0.5`, `"2"`, `"1000m"` -> vCPUs as a float."""
    if isinstance(value, bool):
        raise UnitError("expected a number of vCPUs such as 1, 0.5 or 1000m")
    try:
        if isinstance(value, int | float):
            cpu = float(value)
        elif isinstance(value, str):
            text = value.strip()
            if len(text) > 40:
                raise ValueError
            cpu = float(text[:-1]) / 1000 if text.endswith("m") else float(text)
        else:
            raise UnitError("expected a number of vCPUs such as 1, 0.5 or 1000m")
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, UnitError):
            raise
        raise UnitError(f"{str(value)[:40]!r} is not a CPU quantity (use 1, 0.5 or 1000m)") from None
    _finite(cpu, "cpu", "1, 0.5 or 1000m")
    if cpu <= 0:
        raise UnitError("cpu must be greater than 0")
    if cpu > MAX_CPU:
        raise UnitError(f"{cpu:g} vCPU is out of range (at most {MAX_CPU:g})")
    return cpu


def parse_memory_mib(value: object) -> float:
    """`512Mi`, `2Gi`, `1G`, a bare integer in bytes -> MiB."""
    if isinstance(value, bool):
        raise UnitError("expected a memory size such as 512Mi, 2Gi or 1G")
    try:
        if isinstance(value, int | float):
            mib = float(value) / (1024 * 1024)
        elif isinstance(value, str):
            m = _MEM_RE.match(value) if len(value) <= 40 else None
            if not m:
                raise UnitError(f"{value[:40]!r} is not a memory size (use 512Mi, 2Gi or 1G)")
            number, unit = float(m.group(1)), m.group(2)
            mib = number * _MEM_FACTORS_MIB[unit]
        else:
            raise UnitError("expected a memory size such as 512Mi, 2Gi or 1G")
    except OverflowError:
        raise UnitError("memory is out of range (at most 64Ti)") from None
    _finite(mib, "memory", "512Mi or 2Gi")
    if mib <= 0:
        raise UnitError("memory must be greater than 0")
    if mib > MAX_MEMORY_MIB:
        raise UnitError(f"{str(value)[:40]} is out of range (at most 64Ti)")
    return mib


def format_cpu(cpu: float) -> str | int | float:
    """The shortest natural spelling: 1 -> 1, 0.5 -> 0.5, 0.25 -> 250m."""
    if cpu == int(cpu):
        return int(cpu)
    if (cpu * 10) == int(cpu * 10):
        return cpu
    return f"{round(cpu * 1000)}m"


def format_memory(mib: float) -> str:
    if mib >= 1024 and mib % 1024 == 0:
        return f"{int(mib // 1024)}Gi"
    return f"{round(mib)}Mi"
