"""Readers for the individual fields of a compose service (ports, env, resources, healthcheck, ...).

Pure functions over values parsed by ruamel; no decisions about roles live here. Interpolations
such as `${VAR:-default}` are kept literally in anything written to the plan; `sniff` resolves
them to their defaults only for pattern matching.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchdeck.app.safeio import MAX_ENV_FILE_BYTES, read_bounded
from launchdeck.app.units import MAX_CPU, MAX_MEMORY_MIB

_INTERP = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def sniff(value: Any) -> str:
    """Text for pattern matching: `${X:-d}` -> `d`, `${X}` and `$X` -> ``."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)

    def repl(m: re.Match[str]) -> str:
        if m.group(0) == "$$":  # an escaped dollar
            return "$"
        return m.group(3) if m.group(2) in (":-", "-") and m.group(3) is not None else ""

    return _INTERP.sub(repl, str(value))


def as_command(value: Any) -> list[str] | str | None:
    """A compose `command`/`entrypoint` (string or list) as an argv list."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        return shlex.split(str(value))
    except ValueError:
        return str(value)  # unbalanced quotes: keep it as written


def as_build(value: Any) -> str | dict[str, Any] | None:
    """`build: ./dir` or `build: {context, dockerfile, target, args}`; args are dropped (may hold secrets)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return str(value)
    context = str(value.get("context", "."))
    keep = {k: str(value[k]) for k in ("dockerfile", "target") if value.get(k)}
    if keep.get("dockerfile") in ("Dockerfile", "./Dockerfile"):
        keep.pop("dockerfile")
    return {"context": context, **keep} if keep else context


@dataclass(frozen=True)
class Port:
    container: int
    host: int | None = None
    protocol: str = "tcp"


def _int(text: Any) -> int | None:
    """A port number (1-65535) or None."""
    text = sniff(text).strip()
    return int(text) if text.isdigit() and 0 < int(text) <= 65535 else None


def parse_port(entry: Any) -> Port | None:
    """Short (`8000`, `"8080:80"`, `"127.0.0.1:8000:8000/tcp"`, `"3000-3005:3000-3005"`) or long syntax."""
    if isinstance(entry, dict):
        container = _int(entry.get("target"))
        published = entry.get("published")
        host = _int(str(published).split("-")[0]) if published is not None else None
        return Port(container, host, str(entry.get("protocol", "tcp")).lower()) if container else None
    text = sniff(entry).strip()
    protocol = "tcp"
    if "/" in text:
        text, protocol = text.rsplit("/", 1)
    if text.startswith("[") and "]:" in text:  # [::1]:8000:8000
        text = text[text.index("]:") + 2:]
    parts = text.split(":")
    container = _int(parts[-1].split("-")[0])
    host = _int(parts[-2].split("-")[0]) if len(parts) >= 2 else None
    return Port(container, host, protocol.lower()) if container else None


def parse_ports(value: Any) -> list[Port]:
    if not isinstance(value, list):
        value = [] if value is None else [value]
    return [p for p in (parse_port(e) for e in value) if p]


def parse_expose(value: Any) -> list[int]:
    if not isinstance(value, list):
        value = [] if value is None else [value]
    out = []
    for e in value:
        port = _int(sniff(e).split("/")[0].split("-")[0])
        if port:
            out.append(port)
    return out


def parse_environment(value: Any) -> dict[str, str | None]:
    """`environment` as a mapping or a `KEY=value` list; a bare `KEY` (from the host) maps to None."""
    out: dict[str, str | None] = {}
    if isinstance(value, dict):
        own = getattr(value, "_ok", None)  # ruamel: keys written here, as opposed to merged by `<<:`
        keys = list(value) if own is None else [k for k in value if k not in own] + [k for k in value if k in own]
        for k in keys:
            v = value[k]
            out[str(k)] = None if v is None else (str(v).lower() if isinstance(v, bool) else str(v))
    elif isinstance(value, list):
        for item in value:
            text = str(item)
            name, sep, val = text.partition("=")
            out[name.strip()] = val if sep else None
    return out


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=")


def env_file_entries(value: Any) -> list[tuple[str, bool]]:
    """(path, required) for `env_file` as a string, a list of strings, or a list of {path, required}."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append((str(item.get("path", "")), bool(item.get("required", True))))
        else:
            out.append((str(item), True))
    return out


def env_file_names(path: Path) -> list[str]:
    """Variable NAMES defined in an env file. Values are never returned, nor kept."""
    names: list[str] = []
    text = read_bounded(path, MAX_ENV_FILE_BYTES, "env file").decode("utf-8", "replace")
    for line in text.splitlines():
        m = _ENV_LINE.match(line)
        if m and m.group(1) not in names:
            names.append(m.group(1))
    return names


_MEM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


def compose_memory_mib(value: Any) -> float | None:
    """Compose memory (`512m`, `1g`, `2GB`, bytes) in MiB; docker units are binary. None if unreadable."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            mib = float(value) / (1024 * 1024)
        else:
            m = _MEM.match(sniff(value)[:40])
            if not m:
                return None
            factor = {"": 1 / (1024 * 1024), "k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}[m.group(2).lower()]
            mib = float(m.group(1)) * factor
    except OverflowError:
        return None
    return mib if math.isfinite(mib) and 0 < mib <= MAX_MEMORY_MIB else None


def compose_cpus(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        cpus = float(sniff(value)[:40])
    except (ValueError, OverflowError):
        return None
    return cpus if math.isfinite(cpus) and 0 < cpus <= MAX_CPU else None


def _resource_fields(svc: dict[str, Any]) -> list[tuple[tuple[str, ...], str, Any]]:
    """(key path, "cpus" | "memory", value) for every resource limit a compose service sets."""
    out: list[tuple[tuple[str, ...], str, Any]] = []
    deploy = svc.get("deploy") if isinstance(svc.get("deploy"), dict) else {}
    res = deploy.get("resources") if isinstance(deploy.get("resources"), dict) else {}
    for block in ("limits", "reservations"):
        part = res.get(block) if isinstance(res.get(block), dict) else {}
        for key in ("cpus", "memory"):
            if part.get(key) is not None:
                out.append((("deploy", "resources", block, key), "cpus" if key == "cpus" else "memory", part[key]))
    for key, kind in (("cpus", "cpus"), ("mem_limit", "memory"), ("mem_reservation", "memory")):
        if svc.get(key) is not None:
            out.append(((key,), kind, svc[key]))
    return out


def resource_problems(svc: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """(key path, message) for resource limits that are numbers but not finite or far out of range.

    Text launchdeck cannot read (`cpus: lots`) is left to the note the importer writes; a number
    that is NaN, infinite or absurd is an error, since no Cloud Run shape can be fitted to it.
    """
    out = []
    for path, kind, value in _resource_fields(svc):
        if isinstance(value, bool):
            continue
        number: float | None = None
        if isinstance(value, int | float):
            try:
                number = float(value)
            except OverflowError:
                number = math.inf
        if number is not None and not math.isfinite(number):
            out.append((path, f"{value} is not allowed (a finite number is needed, not NaN or infinity)"))
        elif kind == "cpus" and number is not None and number > MAX_CPU:
            out.append((path, f"{value:g} cpus is out of range (at most {MAX_CPU:g})"))
        elif kind == "memory" and number is not None and number / (1024 * 1024) > MAX_MEMORY_MIB:
            out.append((path, f"{value:g} bytes is out of range (at most 64 TiB)"))
    return out


def resources(svc: dict[str, Any]) -> tuple[float | None, float | None]:
    """(cpus, memory MiB) from deploy.resources limits, else reservations, else v2 `cpus`/`mem_limit`."""
    deploy = svc.get("deploy") if isinstance(svc.get("deploy"), dict) else {}
    res = deploy.get("resources") if isinstance(deploy.get("resources"), dict) else {}
    cpus = mem = None
    for block in ("limits", "reservations"):
        part = res.get(block) if isinstance(res.get(block), dict) else {}
        cpus = cpus if cpus is not None else compose_cpus(part.get("cpus"))
        mem = mem if mem is not None else compose_memory_mib(part.get("memory"))
    cpus = cpus if cpus is not None else compose_cpus(svc.get("cpus"))
    mem = mem if mem is not None else compose_memory_mib(svc.get("mem_limit"))
    return cpus, mem


# A container checking itself: usually localhost, sometimes its own service name.
_HEALTH_URL = re.compile(r"https?://(?:[A-Za-z0-9_.-]+|\[::1\])(?::(\d+))?(/[^\s'\"|;&]*)?")
_HEALTH_BARE = re.compile(r"(?:^|\s)(?:localhost|127\.0\.0\.1):(\d+)(/[^\s'\"|;&]*)")


def health_check(value: Any) -> tuple[int | None, str | None]:
    """(port, path) from a healthcheck that fetches http://localhost:PORT/path (curl, wget, ...)."""
    if not isinstance(value, dict) or value.get("disable"):
        return None, None
    text = sniff(value.get("test"))
    m = _HEALTH_URL.search(text) or _HEALTH_BARE.search(text)
    if not m:
        return None, None
    port = int(m.group(1)) if m.group(1) else None
    return port, (m.group(2) or "/")


def image_name(image: Any) -> str:
    """`docker.io/bitnami/postgresql:16@sha256:..` -> `bitnami/postgresql` (lowercased, no registry/tag)."""
    text = sniff(image).lower().split("@")[0]
    parts = text.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    text = "/".join(parts)
    return text.rsplit(":", 1)[0] if ":" in text.rsplit("/", 1)[-1] else text


def image_tag(image: Any) -> str:
    last = sniff(image).split("@")[0].rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else ""


def dockerfile_facts(base_dir: Path, build: Any) -> tuple[list[int], str]:
    """(EXPOSE ports, ENTRYPOINT + CMD text) of the stage a local Dockerfile builds; empty when not found.

    Only read to guess a role and a port when the compose file says nothing; never copied to the plan.
    """
    if build is None:
        return [], ""
    spec = build if isinstance(build, dict) else {"context": build}
    context, dockerfile = sniff(spec.get("context") or "."), sniff(spec.get("dockerfile") or "Dockerfile")
    if "://" in context or context.startswith("git@"):
        return [], ""
    try:
        text = read_bounded(base_dir / context / dockerfile, 200_000, "Dockerfile").decode("utf-8", "replace")
    except OSError:
        return [], ""
    lines = re.sub(r"\\\r?\n", " ", text).splitlines()
    stages: list[list[str]] = [[]]
    names: list[str] = [""]
    for line in lines:
        m = re.match(r"\s*FROM\s+\S+(?:\s+AS\s+(\S+))?", line, re.I)
        if m:
            stages.append([])
            names.append((m.group(1) or "").lower())
        stages[-1].append(line)
    target = str(spec.get("target") or "").lower()
    stage = stages[names.index(target)] if target and target in names else stages[-1]
    ports: list[int] = []
    entry = cmd = ""
    for line in stage:
        m = re.match(r"\s*(EXPOSE|CMD|ENTRYPOINT)\s+(.*)", line, re.I)
        if not m:
            continue
        word, rest = m.group(1).upper(), m.group(2).strip()
        if word == "EXPOSE":
            ports += [int(p.split("/")[0]) for p in rest.split() if p.split("/")[0].isdigit()]
        else:
            value = _exec_form(rest)
            entry, cmd = (value, cmd) if word == "ENTRYPOINT" else (entry, value)
    return [p for p in ports if 0 < p <= 65535], f"{entry} {cmd}".strip()


def _exec_form(text: str) -> str:
    import json

    if text.startswith("["):
        try:
            return " ".join(str(x) for x in json.loads(text))
        except ValueError:
            return text
    return text
