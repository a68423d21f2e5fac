"""The values the compose importer passes between its steps. Each step returns new values; none
mutates another step's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchdeck.app.plan import Plan


@dataclass
class ImportRow:
    service: str  # the compose name
    role: str  # web | websocket | worker | job | postgres | redis | buckets | unmapped | skipped
    why: str
    plan_name: str | None = None  # the name in the plan when it differs (underscores, case)


@dataclass
class ImportResult:
    plan: Plan
    rows: list[ImportRow]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Stack:
    """What is known about the whole compose file once every service has been classified.

    Built once, then read by every per-service step (treat the mappings as read-only).
    """

    doc: Any  # the parsed document (ruamel), for line numbers
    label: str
    base_dir: Path
    services: dict[str, dict[str, Any]]  # after `extends:` was merged
    kinds: dict[str, str]  # compose name -> app | postgres | redis | minio | unmapped
    names: dict[str, str]  # compose name -> plan service name (app services only)
    env: dict[str, dict[str, str | None]]  # app services: explicit environment
    env_file_only: dict[str, list[str]]  # app services: names only an env_file defines
    remarks: dict[str, str] = field(default_factory=dict)  # app services: a remark for the `why`


@dataclass(frozen=True)
class Refs:
    """How services reach each other: who is called over ws:// or http://, who sits behind a proxy."""

    ws: dict[str, str]  # target -> the service that connects to it over ws://
    http: dict[str, int | None]  # target -> the port other services use
    proxied: frozenset[str]


@dataclass(frozen=True)
class ServiceResult:
    """One app service mapped: its plan entry, its row in the import table, and notes for the user."""

    entry: dict[str, Any]
    row: ImportRow
    notes: tuple[str, ...] = ()
