"""The finding catalog (assets/preflight.yaml) and the Finding record built from it."""

from __future__ import annotations

import string
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from launchdeck.assets import PREFLIGHT_YAML

CATALOG_PATH = PREFLIGHT_YAML
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    id: str
    severity: str
    service: str | None
    message: str
    fix: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, Any]]:
    """id -> entry, read once per process."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(CATALOG_PATH.read_text(encoding="utf-8"), Loader=loader)
    return {entry["id"]: entry for entry in data["findings"]}


class _Params(dict):
    """format_map helper: a missing placeholder stays visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, params: dict[str, Any]) -> str:
    try:
        return string.Formatter().vformat(template, (), _Params(params)).strip()
    except (ValueError, IndexError):  # a format spec on a missing value: leave the template readable
        return template.strip()


def render(
    finding_id: str,
    *,
    service: str | None = None,
    path: str | None = None,
    severity: str | None = None,
    variant: str | None = None,
    **params: Any,
) -> Finding:
    """Build a Finding from the catalog entry `finding_id`, filling its templates with params."""
    entry = catalog()[finding_id]
    texts = dict(entry)
    if variant:
        texts.update(entry.get("variants", {})[variant])
    params.setdefault("service", service)
    sev = severity or entry["severity"]
    if sev not in SEVERITIES:
        raise ValueError(f"bad severity {sev!r} for {finding_id}")
    return Finding(
        id=finding_id,
        severity=sev,
        service=service,
        message=_fill(texts["message"], params),
        fix=_fill(texts["fix"], params),
        path=path,
    )
