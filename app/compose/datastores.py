"""Managed datastores from compose services: Postgres → Cloud SQL, Redis → Memorystore, MinIO → buckets."""

from __future__ import annotations

import re
from typing import Any

from launchdeck.app.compose import parts
from launchdeck.app.secretish import looks_secret

_CLOUD_SQL_MAJORS = {"9", "10", "11", "12", "13", "14", "15", "16", "17"}
_BUCKET_ENV = re.compile(r"(^|_)BUCKET(S|_NAME)?$", re.I)
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$")
_MC_MB = re.compile(r"\bmc\s+mb\s+(?:--?[\w-]+\s+)*([^\s;&|]+)")


def _major(tag: str) -> str | None:
    m = re.search(r"(?:^|pg|-)(\d{1,2})(?:[.-]|$)", tag)
    return m.group(1) if m and m.group(1) in _CLOUD_SQL_MAJORS else None


def postgres_from(svc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    image = parts.sniff(svc.get("image") or "postgres")
    block: dict[str, Any] = {}
    major = _major(parts.image_tag(image))
    if major:
        block["version"] = f"POSTGRES_{'9_6' if major == '9' else major}"
    env = parts.parse_environment(svc.get("environment"))
    db = parts.sniff(env.get("POSTGRES_DB") or env.get("POSTGRESQL_DATABASE") or "")
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", db or ""):
        block["database"] = db
    name = parts.image_name(image)
    why = f"image {image} → Cloud SQL for PostgreSQL"
    if "timescale" in name:
        why += " (TimescaleDB is not available on Cloud SQL)"
    elif "postgis" in name:
        why += " (enable the postgis extension)"
    elif "pgvector" in name or "pgvecto" in name:
        why += " (enable the vector extension)"
    elif "pgautoupgrade" in name:
        why += " (it upgraded the data directory in place; Cloud SQL does major upgrades itself)"
    elif "citus" in name:
        why += " (Citus is not available on Cloud SQL)"
    elif name.startswith("supabase/"):
        why += " (Supabase's image: check its extensions are on Cloud SQL's list)"
    return block, why


def redis_from(svc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    image = parts.sniff(svc.get("image") or "redis")
    name = parts.image_name(image)
    why = f"image {image} → Memorystore for Redis"
    if not re.search(r"(^|/)redis", name):
        why += " (Redis-compatible)"
    return {}, why


def buckets_from(services: dict[str, Any], clients: list[str], envs: dict[str, dict[str, str | None]]) -> list[str]:
    """Bucket names from `mc mb` commands and *_BUCKET variables; `uploads` when none is named."""
    names: list[str] = []

    def add(value: str) -> None:
        value = value.strip().strip("'\"").lower()
        if _BUCKET_NAME.match(value) and value not in names:
            names.append(value)

    for client in clients:
        svc = services[client]
        text = parts.sniff(svc.get("entrypoint")) + " " + parts.sniff(svc.get("command"))
        for target in _MC_MB.findall(text):
            add(target.rstrip("/").rsplit("/", 1)[-1])
    all_env = dict(envs)
    for name, svc in services.items():
        if name not in all_env and isinstance(svc, dict):
            all_env[name] = parts.parse_environment(svc.get("environment"))
    for env in all_env.values():
        for key, value in env.items():
            if value and _BUCKET_ENV.search(key) and "://" not in value and not looks_secret(key, value):
                for piece in re.split(r"[,\s]+", parts.sniff(value)):
                    add(piece)
    return names or ["uploads"]
