"""Field-level diff of the Cloud Run settings launchdeck manages.

A "view" is a flat, ordered mapping from a field path in the Run v2 message
(`template.containers[0].resources.limits.memory`) to a normalised string, built the same way
for the live message and the one launchdeck would send, so `1000m` and `1` CPU compare equal.
Only managed fields are in a view: output-only and unmanaged fields never show up as changes.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

UNSET = "(unset)"
HIDDEN = "(hidden)"


@dataclass(frozen=True)
class Change:
    path: str
    old: str | None  # None: not set live
    new: str | None  # None: would be removed
    sensitive: bool = False  # value looks like a secret: never print it

    def show(self, value: str | None) -> str:
        if value is None:
            return UNSET
        if self.sensitive:
            return HIDDEN
        from launchdeck.app.redact import redact  # a live service's args may hold a secret someone put there

        return redact(value)

    def line(self, unit: str) -> str:
        return f"{unit}: {self.path}: {self.show(self.old)} → {self.show(self.new)}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.show(self.old), "new": self.show(self.new)}


def diff_views(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    """Changes from `old` to `new`, in the order of `new` then paths only in `old`."""
    from launchdeck.app.secretish import looks_secret

    changes: list[Change] = []
    for path in list(new) + [p for p in old if p not in new]:
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        name = path.rsplit("[", 1)[-1].rstrip("]") if ".env[" in path else path
        sensitive = ".env[" in path and any(
            v is not None and not v.startswith("secret ") and looks_secret(name, v) for v in (before, after))
        changes.append(Change(path, before, after, sensitive))
    return changes


def _cpu(value: str | None) -> str | None:
    from launchdeck.app.units import UnitError, format_cpu, parse_cpu

    if not value:
        return None
    try:
        return str(format_cpu(parse_cpu(value)))
    except UnitError:
        return value


def _memory(value: str | None) -> str | None:
    from launchdeck.app.units import UnitError, format_memory, parse_memory_mib

    if not value:
        return None
    try:
        return format_memory(parse_memory_mib(value))
    except UnitError:
        return value


def _seconds(value: Any) -> str | None:
    if value is None:
        return None
    total = value.total_seconds() if hasattr(value, "total_seconds") else float(value)
    return f"{total:g}s" if total else None


def env_value(env: Any) -> str:
    """How one EnvVar reads in a view: the plain value, or `secret NAME:VERSION`."""
    ref = env.value_source.secret_key_ref if env.value_source else None
    if ref is not None and ref.secret:
        return f"secret {ref.secret.rsplit('/', 1)[-1]}:{ref.version or 'latest'}"
    return env.value


def container_view(c: Any, prefix: str, service: bool) -> dict[str, str]:
    view: dict[str, str | None] = {
        f"{prefix}.image": c.image or None,
        f"{prefix}.command": shlex.join(c.command) if c.command else None,
        f"{prefix}.args": shlex.join(c.args) if c.args else None,
    }
    for env in c.env:
        view[f"{prefix}.env[{env.name}]"] = env_value(env)
    limits = c.resources.limits if c.resources else {}
    view[f"{prefix}.resources.limits.cpu"] = _cpu(limits.get("cpu"))
    view[f"{prefix}.resources.limits.memory"] = _memory(limits.get("memory"))
    if service:
        view[f"{prefix}.resources.cpu_idle"] = str(bool(c.resources.cpu_idle)).lower() if c.resources else None
        for i, port in enumerate(c.ports):
            view[f"{prefix}.ports[{i}].container_port"] = str(port.container_port)
    probe = c.startup_probe
    if probe and (probe.tcp_socket or probe.http_get):
        kind = "tcp_socket" if probe.tcp_socket else "http_get"
        port = (probe.tcp_socket or probe.http_get).port
        view[f"{prefix}.startup_probe.{kind}.port"] = str(port) if port else None
        if probe.http_get:
            view[f"{prefix}.startup_probe.http_get.path"] = probe.http_get.path or None
        for name in ("period_seconds", "timeout_seconds", "failure_threshold"):
            view[f"{prefix}.startup_probe.{name}"] = str(getattr(probe, name)) or None
    return {k: v for k, v in view.items() if v is not None}


def service_view(svc: Any) -> dict[str, str]:
    """Managed fields of a run_v2.Service."""
    t = svc.template
    view: dict[str, str | None] = {}
    for i, c in enumerate(t.containers):
        view.update(container_view(c, f"template.containers[{i}]", service=True))
    view["template.scaling.min_instance_count"] = str(t.scaling.min_instance_count) if t.scaling else "0"
    view["template.scaling.max_instance_count"] = (
        str(t.scaling.max_instance_count) if t.scaling and t.scaling.max_instance_count else None)
    view["template.max_instance_request_concurrency"] = (
        str(t.max_instance_request_concurrency) if t.max_instance_request_concurrency else None)
    view["template.timeout"] = _seconds(t.timeout)
    return {k: v for k, v in view.items() if v is not None}


def job_view(job: Any) -> dict[str, str]:
    """Managed fields of a run_v2.Job."""
    et = job.template
    view: dict[str, str | None] = {
        "template.task_count": str(et.task_count) if et.task_count else None,
        "template.parallelism": str(et.parallelism) if et.parallelism else None,
    }
    tt = et.template
    for i, c in enumerate(tt.containers):
        view.update(container_view(c, f"template.template.containers[{i}]", service=False))
    view["template.template.max_retries"] = str(tt.max_retries)
    view["template.template.timeout"] = _seconds(tt.timeout)
    return {k: v for k, v in view.items() if v is not None}


def worker_pool_view(pool: Any) -> dict[str, str]:
    """Managed fields of a run_v2.WorkerPool: its containers and its manual instance count."""
    view: dict[str, str | None] = {}
    for i, c in enumerate(pool.template.containers):
        view.update(container_view(c, f"template.containers[{i}]", service=False))
    scaling = pool.scaling
    view["scaling.manual_instance_count"] = (
        str(scaling.manual_instance_count) if scaling and "manual_instance_count" in scaling else None)
    return {k: v for k, v in view.items() if v is not None}
