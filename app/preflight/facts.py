"""Small facts about services and commands that several checks share."""

from __future__ import annotations

import re
import shlex
from urllib.parse import urlsplit

from launchdeck.app.plan import Plan, Service

# Variables that carry a whole database / Redis address.
DB_URL_NAMES = frozenset({
    "DATABASE_URL", "DB_URL", "DATABASE_URI", "DB_URI", "POSTGRES_URL", "POSTGRES_URI", "POSTGRES_DSN",
    "POSTGRESQL_URL", "PG_URL", "PG_DSN", "DATABASE_DSN", "DB_DSN", "SQLALCHEMY_DATABASE_URI",
    "SQLALCHEMY_DATABASE_URL", "ASYNC_DATABASE_URL",
})  # fmt: skip
DB_PART_RE = re.compile(r"^(DATABASE|DB|POSTGRES|POSTGRESQL|PG)_?(HOST|NAME|USER|USERNAME|PASSWORD|PASS|PORT|DB)$")
REDIS_URL_NAMES = frozenset({
    "REDIS_URL", "REDIS_URI", "REDIS_DSN", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "BROKER_URL",
    "RESULT_BACKEND", "CACHE_URL", "REDIS_HOST", "RQ_REDIS_URL",
})  # fmt: skip
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "host.docker.internal"})
# Hostnames that only exist inside a docker-compose network, with what replaces them on GCP.
COMPOSE_HOSTS = {
    "db": "Cloud SQL", "postgres": "Cloud SQL", "postgresql": "Cloud SQL", "database": "Cloud SQL",
    "pg": "Cloud SQL", "mysql": "Cloud SQL", "redis": "Memorystore", "cache": "Memorystore",
    "minio": "Cloud Storage (storage.googleapis.com)", "s3": "Cloud Storage (storage.googleapis.com)",
    "rabbitmq": "a managed broker", "mongo": "a managed database", "mongodb": "a managed database",
}  # fmt: skip
QUEUE_WORKER_RE = re.compile(
    r"\b(celery\b.*\bworker\b|rq\s+worker|rqworker|dramatiq\b|arq\s|huey_consumer|python -m huey|"
    r"sidekiq|bull(mq)?\b.*worker|faktory|taskiq\s+worker|celery\b.*\bbeat\b|rqscheduler|rq-scheduler)"
)
# Periodic schedulers: one clock that enqueues work, not a consumer (celery beat, rq-scheduler, huey periodic).
SCHEDULER_RE = re.compile(r"\bcelery\b.*\bbeat\b|\brqscheduler\b|\brq-scheduler\b|\bsidekiq-cron\b")


def command_text(cmd: list[str] | str | None) -> str:
    if cmd is None:
        return ""
    return cmd if isinstance(cmd, str) else " ".join(cmd)


def split_command(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=False)
    except ValueError:
        return text.split()


def is_queue_worker(command: str) -> bool:
    return bool(QUEUE_WORKER_RE.search(command))


def is_scheduler(command: str) -> bool:
    """celery beat and friends; `celery worker -B` embeds beat in a consumer and counts as a consumer."""
    return bool(SCHEDULER_RE.search(command)) and not re.search(r"\bworker\b", command)


def names(svc: Service) -> set[str]:
    """Every variable name the plan gives the service."""
    return set(svc.env) | set(svc.secrets)


def uses_postgres(plan: Plan, svc: Service) -> bool:
    if plan.postgres is None:
        return False
    return "postgres" in svc.depends_on or any(n in DB_URL_NAMES or DB_PART_RE.match(n) for n in names(svc))


def uses_redis(plan: Plan, svc: Service) -> bool:
    if plan.redis is None:
        return False
    if "redis" in svc.depends_on or any(n in REDIS_URL_NAMES for n in names(svc)):
        return True
    return "celery" in command_text(svc.command)


def url_host(value: str) -> str | None:
    """The host of a URL-looking value (scheme://host...), else None."""
    if "://" not in value:
        return None
    try:
        host = urlsplit(value.strip()).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def processes_per_instance(command: str) -> int:
    """Worker processes one instance runs (gunicorn -w, uvicorn --workers, celery --concurrency)."""
    m = re.search(r"(?:--workers|-w|--concurrency|-c)[=\s]+(\d+)", command)
    if m and ("gunicorn" in command or "uvicorn" in command or "celery" in command or "hypercorn" in command):
        return max(1, int(m.group(1)))
    m = re.search(r"\bWEB_CONCURRENCY=(\d+)", command)
    return max(1, int(m.group(1))) if m else 1


def join_names(items: list[str] | set[str], limit: int = 8) -> str:
    ordered = sorted(items)
    text = ", ".join(ordered[:limit])
    return text + (f" and {len(ordered) - limit} more" if len(ordered) > limit else "")


def memory_text(mib: float) -> str:
    if mib >= 1024 and mib % 1024 == 0:
        return f"{int(mib // 1024)} GiB"
    if mib >= 1024:
        return f"{mib / 1024:.1f} GiB"
    return f"{int(mib)} MiB"


def safe_text(text: str) -> str:
    """A command line safe to print: the one redactor's masking (`--password X`, `PGPASSWORD=X`, URLs
    with credentials, tokens), then any other token-shaped word masked too."""
    from launchdeck.app.redact import redact
    from launchdeck.app.secretish import looks_secret_value

    return " ".join("****" if looks_secret_value(word) else word for word in redact(text).split())
