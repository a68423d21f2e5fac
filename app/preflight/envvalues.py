"""Shared readings of env values and env reads that several rules judge (each rule keeps its own id)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from launchdeck.app.plan import GCP_TARGETS, Plan
from launchdeck.app.preflight import envscan
from launchdeck.app.preflight.facts import COMPOSE_HOSTS, DB_URL_NAMES, LOCAL_HOSTS, REDIS_URL_NAMES, url_host
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.servicefacts import ServiceFacts
from launchdeck.app.preflight.walk import rel
from launchdeck.app.secretish import looks_secret_value

SECRET_REF = re.compile(r"(^sm://|projects/[^/\s]+/secrets/|secretmanager\.googleapis\.com|^\$\{?sm:)")
PLACEHOLDER = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}?$")
_HOST_NAMES = ("DATABASE_HOST", "DB_HOST", "POSTGRES_HOST")


def redact(value: str) -> str:
    """A value safe to print: credentials in URLs masked, token-shaped values hidden entirely."""
    masked = re.sub(r"://([^/\s:@]+):[^/\s@]+@", r"://\1:****@", value)
    return "(a secret-looking value)" if looks_secret_value(masked) else masked


def plain_env(f: ServiceFacts) -> Iterator[tuple[str, str, str]]:
    """(key, value, plan path) for the service's env values that are set, not placeholders or references."""
    for key, value in sorted(f.effective.env.items()):
        if value and not PLACEHOLDER.match(value) and not SECRET_REF.search(value):
            yield key, value, f"services.{f.name}.env.{key}"


def env_url_findings(plan: Plan, target: str, f: ServiceFacts) -> Iterator[Finding]:
    """URL-valued env pointing at localhost or at a compose-only host (db, redis, minio)."""
    name = f.name
    for key, value, path in plain_env(f):
        host = url_host(value)
        if host is None and key in REDIS_URL_NAMES | set(_HOST_NAMES):
            host = value.strip().split(":")[0].lower()
        if not host:
            continue
        is_db = key in DB_URL_NAMES or key in _HOST_NAMES
        is_redis = key in REDIS_URL_NAMES
        shown = redact(value)
        if host in LOCAL_HOSTS:
            detail = f"{name} env {key} is {shown}: inside a container localhost is the container itself."
            if is_db:
                yield render("db-dial-localhost-fallback", service=name, path=path, name=key, detail=detail)
            elif is_redis:
                yield render("redis-connection-refused-or-unresolvable", service=name, path=path, name=key,
                             detail=detail)
            elif key.startswith(("NEXT_PUBLIC_", "VITE_", "REACT_APP_", "NUXT_PUBLIC_", "PUBLIC_")):
                yield render("env-url-points-at-localhost", variant="build", service=name, path=path, name=key,
                             value=shown)
            elif target != "compose":
                yield render("env-url-points-at-localhost", service=name, path=path, name=key, value=shown)
            continue
        if target in GCP_TARGETS and host in COMPOSE_HOSTS and host not in plan.services:
            detail = (f"{name} env {key} is {shown}: the host {host!r} is a docker-compose service name "
                      f"that does not resolve on {target}.")
            if is_db:
                # Not a localhost fallback: a compose service name no Google Cloud DNS will ever answer.
                yield render("env-compose-hostname", variant="database", severity="error", service=name, path=path,
                             name=key, value=shown, host=host, target=target, replacement=COMPOSE_HOSTS[host])
            elif is_redis:
                yield render("redis-connection-refused-or-unresolvable", service=name, path=path, name=key,
                             detail=detail)
            else:
                yield render("env-compose-hostname", service=name, path=path, name=key, value=shown, host=host,
                             target=target, replacement=COMPOSE_HOSTS[host])


def where_of(read: envscan.EnvRead, root: Path | None) -> str:
    return f"{rel(read.file, root) if root else read.file}:{read.line}"


def missing_reads(f: ServiceFacts) -> dict[str, envscan.EnvRead]:
    """Env names the reachable code reads that the service will not have."""
    upper_env = {n.upper() for n in f.env_names}
    return {k: r for k, r in f.env_reads.items()
            if not (r.name in f.env_names or (r.case_insensitive and r.name.upper() in upper_env))}


def fallback_text(r: envscan.EnvRead) -> str:
    if r.kind == envscan.REQUIRED:
        return "stops at start-up with a missing-variable error"
    if r.kind == envscan.OPTIONAL:
        return "gets None/undefined (an empty string in Go), and most clients then dial localhost"
    shown = re.sub(r"://([^/\s:@]+):[^/\s@]+@", r"://\1:****@", r.default or "")
    return f"uses its default {shown!r}" if r.default is not None else "uses its built-in default"
