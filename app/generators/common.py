"""Facts about a plan that every generator needs, computed in one place."""

from __future__ import annotations

import hashlib
import re
import shlex
from dataclasses import dataclass

from launchdeck.app.plan import Plan, Service
from launchdeck.app.secretish import looks_secret
from launchdeck.app.units import format_cpu, format_memory

DEFAULT_PORT = 8080  # Cloud Run's $PORT for a service whose plan names no port
_PG_NAMES = re.compile(r"(DATABASE|POSTGRES|^PG[A-Z_]*$|^DB_)", re.IGNORECASE)
_REDIS_NAMES = re.compile(r"(REDIS|CELERY_BROKER|CELERY_RESULT|CACHE_URL)", re.IGNORECASE)


class SecretInEnv(ValueError):
    """A plain `env` value that looks like a secret; generate refuses to write it anywhere."""

    def __init__(self, service: str, key: str):
        self.service, self.key = service, key
        super().__init__(
            f"services.{service}.env.{key} looks like a secret; move {key} to services.{service}.secrets "
            "(values never go into generated files)"
        )


def check_no_secret_values(plan: Plan) -> None:
    for name, svc in plan.services.items():
        for key, value in svc.env.items():
            if looks_secret(key, value):
                raise SecretInEnv(name, key)


def slug(name: str) -> str:
    """A resource-safe name: lowercase letters, digits and '-', starting with a letter."""
    out = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "svc"
    return out if out[0].isalpha() else "s-" + out


def ident(name: str) -> str:
    """A Terraform identifier for a plan name."""
    return slug(name).replace("-", "_")


def short(text: str, limit: int) -> str:
    """Cut to `limit` characters, keeping names unique with a short hash."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:4]
    return text[: limit - 5].rstrip("-") + "-" + digest


def account_id(svc_name: str) -> str:
    """A service account id (6 to 30 characters)."""
    base = f"{slug(svc_name)}-sa"
    if len(base) < 6:
        base = f"{slug(svc_name)}-app-sa"
    return short(base, 30)


def uses_postgres(plan: Plan, svc: Service) -> bool:
    if plan.postgres is None:
        return False
    names = [*svc.secrets, *svc.env]
    return "postgres" in svc.depends_on or any(_PG_NAMES.search(n) for n in names)


def uses_redis(plan: Plan, svc: Service) -> bool:
    if plan.redis is None:
        return False
    names = [*svc.secrets, *svc.env]
    return "redis" in svc.depends_on or any(_REDIS_NAMES.search(n) for n in names)


def is_public(svc: Service) -> bool:
    return svc.role in ("web", "websocket")


def args_of(svc: Service) -> list[str]:
    """The plan's `command` as an argument list (compose semantics: it replaces the image CMD)."""
    if svc.command is None:
        return []
    return shlex.split(svc.command) if isinstance(svc.command, str) else [str(a) for a in svc.command]


def cpu_text(cpu: float) -> str:
    text = format_cpu(cpu)
    return text if isinstance(text, str) else (f"{round(cpu * 1000)}m" if cpu < 1 else str(text))


def memory_text(svc: Service) -> str:
    return format_memory(svc.memory_mib)


def secret_names(plan: Plan) -> list[str]:
    return sorted({s for svc in plan.services.values() for s in svc.secrets})


@dataclass(frozen=True)
class Image:
    """One image to build (or a prebuilt one), shared by services with the same build."""

    name: str  # repository name inside Artifact Registry, or "" for a prebuilt image
    context: str | None
    dockerfile: str | None
    target: str | None
    prebuilt: str | None  # e.g. "nginx:1.27"


def _build_key(svc: Service) -> tuple[str, str | None, str | None] | None:
    if svc.build is None:
        return None
    if isinstance(svc.build, str):
        return (svc.build, None, None)
    ctx = str(svc.build.get("context", "."))
    df = svc.build.get("dockerfile")
    tg = svc.build.get("target")
    return (ctx, str(df) if df else None, str(tg) if tg else None)


def images(plan: Plan) -> dict[str, Image]:
    """Service name -> its image. Services built from the same context share one image."""
    out: dict[str, Image] = {}
    first: dict[tuple[str, str | None, str | None], str] = {}
    for name, svc in plan.services.items():
        key = _build_key(svc)
        if key is None:
            out[name] = Image("", None, None, None, svc.image or f"{slug(name)}:latest")
            continue
        owner = first.setdefault(key, slug(name))
        out[name] = Image(owner, key[0], key[1], key[2], None)
    return out


def built_images(plan: Plan) -> list[Image]:
    seen: dict[str, Image] = {}
    for img in images(plan).values():
        if img.name and img.name not in seen:
            seen[img.name] = img
    return list(seen.values())
