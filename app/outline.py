"""A plan file's outline: what the TUI's first paint shows before the plan is validated.

The outline is the plan's name, target and region, its services with their role and `why`, and
which datastores, buckets and unmapped services it has. Parsing YAML costs ~60 ms of imports on
every start, so the outlines of recently opened plans are kept in the user cache, keyed by a
checksum of the file's bytes: a returning user's first screen needs no YAML parser at all. Nothing
else from the plan (env values, commands, images) is stored.
"""

from __future__ import annotations

import contextlib
import json
import zlib
from pathlib import Path
from typing import Any

CACHE_NAME = "plan-outlines.json"
KEEP = 32  # outlines remembered (most recent first)


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def outline_of(data: dict[str, Any]) -> dict[str, Any]:
    """The outline of a parsed plan mapping, as plain JSON-able data in the plan's own shape."""
    services = {str(name): {key: str(svc[key]) for key in ("role", "why") if svc.get(key) is not None}
                for name, svc in ((n, _mapping(s)) for n, s in _mapping(data.get("services")).items())}
    outline: dict[str, Any] = {key: str(data[key]) for key in ("name", "target", "region")
                               if data.get(key) is not None}
    outline["services"] = services
    for key in ("postgres", "redis"):
        if data.get(key) is not None:
            outline[key] = {}
    for key in ("buckets", "unmapped"):
        outline[key] = {str(name): {} for name in _mapping(data.get(key))}
    return outline


def _key(content: bytes) -> str:
    return f"{zlib.crc32(content):08x}-{len(content)}"


def _cache_file() -> Path:
    from launchdeck.app.cachedir import cache_dir

    return cache_dir() / CACHE_NAME


def _cached() -> dict[str, Any]:
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_outline(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(outline, key-to-remember): the cached outline of `path`'s current content (key None), or
    one parsed now (remember it with `remember` once the plan has validated). (None, None) when the
    file is unreadable or not a YAML mapping: the caller reads it properly and reports why."""
    from launchdeck.app.safeio import MAX_YAML_BYTES, read_bounded

    try:
        content = read_bounded(path, MAX_YAML_BYTES, "plan file")
    except OSError:
        return None, None
    key = _key(content)
    hit = _cached().get(key)
    if isinstance(hit, dict):
        return hit, None
    try:
        import yaml

        text = content.decode("utf-8-sig")
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:  # noqa: BLE001 - any parse problem: load_plan words it with FILE:LINE
        return None, None
    if not isinstance(data, dict) or "\x00" in text:
        return None, None
    return outline_of(data), key


def remember(key: str, outline: dict[str, Any]) -> None:
    """Keep `outline` for the next start (best effort: a read-only cache only costs speed)."""
    from launchdeck.app.fsutil import atomic_write

    entries = {key: outline, **{k: v for k, v in _cached().items() if k != key}}
    with contextlib.suppress(OSError):
        atomic_write(_cache_file(), json.dumps(dict(list(entries.items())[:KEEP]), separators=(",", ":")))
