"""Checks on the plan alone, per target. Each check yields Findings; `plan_findings` runs them all."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS, GCP_TARGETS, Plan, Service, runs_as_job, target_problems
from launchdeck.app.preflight.catalog import Finding, render
from launchdeck.app.preflight.facts import (
    COMPOSE_HOSTS,
    DB_URL_NAMES,
    LOCAL_HOSTS,
    REDIS_URL_NAMES,
    command_text,
    is_queue_worker,
    memory_text,
    processes_per_instance,
    safe_text,
    url_host,
    uses_postgres,
    uses_redis,
)  # fmt: skip
from launchdeck.app.secretish import looks_secret, looks_secret_value

GKE_TARGETS = ("gke-autopilot", "gke-standard")
WEBSOCKET_MAX_TIMEOUT = 3600
CLOUD_RUN_MAX_BODY_MIB = 32
TUNNEL_MAX_BODY_MB = 100
PEAK_FACTOR = 10  # peak load vs the plan's high monthly average

# Memory (MiB) one process needs just to load a dependency and a typical model; below it, expect OOM kills.
HEAVY_DEP_MIB = {
    "torch": 2048, "pytorch": 2048, "torchaudio": 2048, "torchvision": 2048, "tensorflow": 2048,
    "tf": 2048, "keras": 2048, "jax": 2048, "transformers": 2048, "sentence-transformers": 2048,
    "demucs": 4096, "whisper": 2048, "openai-whisper": 2048, "faster-whisper": 1536, "diffusers": 4096,
    "spleeter": 2048, "vllm": 8192, "onnxruntime": 1024, "spacy": 1024, "paddleocr": 2048,
    "easyocr": 2048, "ultralytics": 2048, "playwright": 1024, "puppeteer": 1024, "chromium": 1024,
    "opencv": 512, "opencv-python": 512, "cv2": 512, "librosa": 512, "scikit-learn": 512, "pandas": 512,
    "ffmpeg": 512,
}  # fmt: skip
SLOW_IMPORT_MIB = 1024  # deps at or above this size also make cold starts slow

# Cloud SQL for PostgreSQL default max_connections by tier memory (GiB lower bound -> connections).
_PG_CONN_BY_GIB = ((120, 1000), (60, 800), (30, 600), (15, 500), (7.5, 400), (6, 200), (3.75, 100), (0, 100))
_PG_SHARED_CORE = {"db-f1-micro": 25, "db-g1-small": 50}

# Ports a TrueNAS SCALE host keeps for itself: the web UI owns 80/443; the rest are common services.
TRUENAS_UI_PORTS = {80: "the TrueNAS web UI (HTTP)", 443: "the TrueNAS web UI (HTTPS)"}
TRUENAS_SERVICE_PORTS = {22: "SSH", 111: "rpcbind", 139: "SMB", 445: "SMB", 2049: "NFS", 3260: "iSCSI"}

_SECRET_REF = re.compile(r"(^sm://|projects/[^/\s]+/secrets/|secretmanager\.googleapis\.com|^\$\{?sm:)")
_PLACEHOLDER = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}?$")


def _svc_path(name: str, key: str | None = None) -> str:
    return f"services.{name}" + (f".{key}" if key else "")


def check_target_values(plan: Plan, target: str) -> Iterator[Finding]:
    for path, msg in target_problems(plan, target):
        service = str(path[1]) if len(path) > 1 and path[0] == "services" else None
        key = ".".join(map(str, path))
        yield render("target-rejects-value", service=service, path=key, key=key, target=target,
                     detail=f"{key}: {msg.rstrip('.')}")


def _is_worker_like(svc: Service) -> bool:
    return svc.role == "worker" or (svc.role != "job" and is_queue_worker(command_text(svc.command)))


def check_workers(plan: Plan, target: str) -> Iterator[Finding]:
    for name, svc in plan.services.items():
        if not _is_worker_like(svc):
            continue
        cmd = command_text(svc.command)
        if target in CLOUD_RUN_TARGETS and not runs_as_job(svc, target):
            if is_queue_worker(cmd) and (svc.port is None or svc.role != "worker"):
                yield render("cr-container-failed-to-listen-on-port", variant="worker", service=name,
                             path=_svc_path(name, "port"), command=cmd.split()[0] if cmd else "the worker")
            if svc.billing == "request" or svc.min_instances == 0 or svc.role != "worker":
                throttle = (" and, billed per request, its CPU is throttled between requests so queued tasks stall"
                            if svc.billing == "request" else
                            " and with min_instances 0 nothing keeps an instance up to consume the queue")
                yield render("cr-worker-deployed-as-service", service=name, target=target,
                             path=_svc_path(name, "billing" if svc.billing == "request" else "role"),
                             throttle=throttle)
            else:
                port_note = "" if svc.port is None else f" ({svc.port})"
                yield render("cr-worker-deployed-as-service", service=name, variant="instance", severity="warning",
                             path=_svc_path(name, "role"), min_instances=svc.min_instances, port_note=port_note)
        elif target == "cloud-run-jobs" and runs_as_job(svc, target) and is_queue_worker(cmd):
            yield render("crj-task-timeout", service=name, path=_svc_path(name, "command"),
                         command=safe_text(cmd), timeout=svc.timeout)


def check_websockets(plan: Plan, target: str) -> Iterator[Finding]:
    for name, svc in plan.services.items():
        if svc.role != "websocket":
            continue
        if target in CLOUD_RUN_TARGETS:
            problems, key = [], "timeout"
            if svc.timeout < WEBSOCKET_MAX_TIMEOUT:
                problems.append(f"its request timeout is {svc.timeout} s, so every socket is closed after at most "
                                f"{svc.timeout} s (the maximum is 3600 s)")
            if svc.min_instances == 0:
                if not problems:
                    key = "min_instances"
                problems.append("min_instances 0 lets idle instances, and the sockets on them, go away")
            if problems:
                yield render("cr-websocket-cut-at-request-timeout", service=name, path=_svc_path(name, key),
                             problems="; ".join(problems))
        elif target in GKE_TARGETS and svc.timeout < WEBSOCKET_MAX_TIMEOUT:
            yield render("gke-lb-backend-timeout", service=name, path=_svc_path(name, "timeout"), timeout=svc.timeout)


def _dep_needs(svc: Service) -> tuple[list[str], int]:
    found = [d for d in svc.heavy_deps if d.lower() in HEAVY_DEP_MIB]
    return found, max((HEAVY_DEP_MIB[d.lower()] for d in found), default=0)


def check_memory(plan: Plan, target: str) -> Iterator[Finding]:
    fid = "cr-memory-limit-exceeded" if target in CLOUD_RUN_TARGETS else "k8s-oomkilled"
    for name, svc in plan.services.items():
        deps, need = _dep_needs(svc)
        if not need:
            continue
        procs = processes_per_instance(command_text(svc.command))
        per_process = svc.memory_mib / procs
        if per_process >= need * 1.5:
            continue
        severity = "error" if per_process < need else "warning"
        suggest_mib = -(-need * 1.5 * procs // 1024) * 1024
        yield render(fid, service=name, severity=severity, path=_svc_path(name, "memory"),
                     deps=", ".join(deps), memory=memory_text(svc.memory_mib), need=memory_text(need),
                     per_process=f" shared by {procs} processes ({memory_text(per_process)} each)" if procs > 1 else "",
                     suggest=memory_text(suggest_mib))


def _serves_requests(svc: Service, target: str) -> bool:
    return svc.role in ("web", "websocket") or (svc.role == "worker" and not runs_as_job(svc, target))


def check_cold_start(plan: Plan, target: str) -> Iterator[Finding]:
    if target not in CLOUD_RUN_TARGETS:
        return
    for name, svc in plan.services.items():
        if svc.min_instances > 0 or not _serves_requests(svc, target) or _is_worker_like(svc):
            continue
        slow = [d for d in svc.heavy_deps if HEAVY_DEP_MIB.get(d.lower(), SLOW_IMPORT_MIB) >= SLOW_IMPORT_MIB]
        if slow:
            yield render("cr-cold-start-slow", service=name, path=_svc_path(name, "min_instances"),
                         what=", ".join(slow))


def check_capacity(plan: Plan, target: str) -> Iterator[Finding]:
    if target not in CLOUD_RUN_TARGETS:
        return
    for name, svc in plan.services.items():
        if svc.role != "web":
            continue
        rpm_high = svc.usage.requests_per_month[1]
        spr_high = svc.usage.seconds_per_request[1]
        peak = rpm_high / (30 * 86400) * spr_high * PEAK_FACTOR
        capacity = svc.max_instances * svc.concurrency
        if peak > capacity:
            yield render("cr-no-available-instance", service=name, path=_svc_path(name, "max_instances"),
                         peak=peak, max_instances=svc.max_instances, concurrency=svc.concurrency, capacity=capacity)


def cloud_sql_connection_limit(tier: str) -> int | None:
    """Default max_connections for a Cloud SQL for PostgreSQL tier, or None when unknown."""
    if tier in _PG_SHARED_CORE:
        return _PG_SHARED_CORE[tier]
    gib: float | None = None
    if m := re.fullmatch(r"db-custom-(\d+)-(\d+)", tier):
        gib = int(m.group(2)) / 1024
    elif m := re.fullmatch(r"db-n1-(standard|highmem)-(\d+)", tier):
        gib = int(m.group(2)) * (3.75 if m.group(1) == "standard" else 6.5)
    elif m := re.fullmatch(r"db-perf-optimized-N-(\d+)", tier):
        gib = int(m.group(1)) * 8
    if gib is None:
        return None
    return next(conns for floor, conns in _PG_CONN_BY_GIB if gib >= floor)


def check_db_connections(plan: Plan, target: str, pools: dict[str, int] | None = None) -> Iterator[Finding]:
    """`pools`: per-service connections per process when the code sets its own pool size."""
    if plan.postgres is None or target not in GCP_TARGETS:
        return
    limit = cloud_sql_connection_limit(plan.postgres.tier)
    if limit is None:
        return
    parts, demand = [], 0
    for name, svc in plan.services.items():
        if not uses_postgres(plan, svc):
            continue
        pool = (pools or {}).get(name, plan.postgres.pool_size)
        cmd = command_text(svc.command)
        procs = processes_per_instance(cmd)
        if "celery" in cmd and procs == 1 and not re.search(r"--concurrency|-c\s*\d", cmd):
            procs = max(1, round(svc.cpu))  # celery forks one process per CPU by default
        instances = int(svc.usage.tasks_per_execution[1]) if runs_as_job(svc, target) else svc.max_instances
        n = instances * procs * pool
        demand += n
        parts.append(f"{name} {instances} x {procs} x {pool}" if procs > 1 else f"{name} {instances} x {pool}")
    if demand > limit or (demand > 0.8 * limit and demand > 0):
        yield render("db-too-many-connections", path="postgres.pool_size",
                     severity="error" if demand > limit else "warning",
                     demand=demand, parts="; ".join(parts),
                     tier=plan.postgres.tier, limit=limit)


def check_vpc_egress(plan: Plan, target: str) -> Iterator[Finding]:
    if target not in CLOUD_RUN_TARGETS or plan.network.vpc != "none":
        return
    for kind, enabled, uses in (
        ("redis-connect-timeout", plan.redis is not None, uses_redis),
        ("db-connection-timeout", plan.postgres is not None and plan.postgres.private_ip, uses_postgres),
    ):
        if not enabled:
            continue
        users = [n for n, s in plan.services.items() if uses(plan, s)]
        for name in users or [None]:
            yield render(kind, service=name, path="network.vpc", who=name or "A service")


def _bucket_for(value: str, plan: Plan) -> str | None:
    v = value.strip().lower().removeprefix("gs://").removeprefix("s3://").split("/")[0]
    for bucket in plan.buckets:
        b = bucket.lower()
        if v == b or v.endswith(("-" + b, "_" + b, "." + b)) or v == f"{plan.name}-{b}":
            return bucket
    return None


def check_buckets(plan: Plan, target: str) -> Iterator[Finding]:
    if target not in GCP_TARGETS:
        return
    for name, svc in plan.services.items():
        for key, value in sorted(svc.env.items()):
            if "BUCKET" not in key.upper() or not value.strip() or _PLACEHOLDER.match(value):
                continue
            bucket = _bucket_for(value, plan)
            if bucket and bucket not in svc.buckets:
                yield render("gcs-permission-denied", service=name, path=_svc_path(name, "buckets"),
                             evidence=f"names bucket {bucket!r} in env {key}",
                             missing=f"{bucket!r} is not in services.{name}.buckets")
            elif bucket is None and not svc.buckets:
                yield render("gcs-permission-denied", service=name, path=_svc_path(name, "buckets"),
                             evidence=f"sets env {key}={_redact(value)}",
                             missing="the plan lists no bucket for it (services." + name + ".buckets is empty)")


def _plain_value(value: str) -> bool:
    """Values that are not secrets even under a secret-sounding name: numbers, flags, plain URLs."""
    v = value.strip()
    if len(v) <= 3 or v.lower() in ("true", "false", "none", "null") or re.fullmatch(r"[\d.]+", v):
        return True
    return "://" in v and "@" not in v.split("://", 1)[1].split("/")[0]


def check_env_values(plan: Plan, target: str) -> Iterator[Finding]:
    gcp = target in GCP_TARGETS
    for name, svc in plan.services.items():
        for key, value in sorted(svc.env.items()):
            path = _svc_path(name, f"env.{key}")
            if value and _SECRET_REF.search(value):
                if gcp:
                    yield render("cr-secret-access-denied", service=name, path=path, name=key, value=value)
                continue
            # The same rule `generate` enforces (it refuses to write these), so doctor warns first.
            if looks_secret(key, value):
                plain = not value or _PLACEHOLDER.match(value) or _plain_value(value)
                yield render("secret-value-in-env", service=name, path=path, name=key,
                             variant="name" if plain else None)
            if not value or _PLACEHOLDER.match(value):
                continue
            yield from _env_url(plan, target, name, key, value, path)
            if "," in value and target in CLOUD_RUN_TARGETS:
                yield render("gcloud-env-vars-bad-syntax", service=name, path=path, name=key)


def _env_url(plan: Plan, target: str, name: str, key: str, value: str, path: str) -> Iterator[Finding]:
    host = url_host(value)
    if host is None and key in REDIS_URL_NAMES | {"DATABASE_HOST", "DB_HOST", "POSTGRES_HOST"}:
        host = value.strip().split(":")[0].lower()
    if not host:
        return
    is_db = key in DB_URL_NAMES or key in ("DATABASE_HOST", "DB_HOST", "POSTGRES_HOST")
    is_redis = key in REDIS_URL_NAMES
    shown = _redact(value)
    if host in LOCAL_HOSTS:
        detail = f"{name} env {key} is {shown}: inside a container localhost is the container itself."
        if is_db:
            yield render("db-dial-localhost-fallback", service=name, path=path, name=key, detail=detail)
        elif is_redis:
            yield render("redis-connection-refused-or-unresolvable", service=name, path=path, name=key, detail=detail)
        elif target != "compose" or key.startswith(("NEXT_PUBLIC_", "VITE_", "REACT_APP_")):
            yield render("env-url-points-at-localhost", service=name, path=path, name=key, value=shown)
        return
    if target in GCP_TARGETS and host in COMPOSE_HOSTS and host not in plan.services:
        detail = (f"{name} env {key} is {shown}: the host {host!r} is a docker-compose service name "
                  f"that does not resolve on {target}.")
        if is_db:
            yield render("db-dial-localhost-fallback", service=name, path=path, name=key, detail=detail)
        elif is_redis:
            yield render("redis-connection-refused-or-unresolvable", service=name, path=path, name=key, detail=detail)
        else:
            yield render("env-compose-hostname", service=name, path=path, name=key, value=shown, host=host,
                         target=target, replacement=COMPOSE_HOSTS[host])


def _redact(value: str) -> str:
    """A value safe to print: credentials in URLs masked, token-shaped values hidden entirely."""
    masked = re.sub(r"://([^/\s:@]+):[^/\s@]+@", r"://\1:****@", value)
    return "(a secret-looking value)" if looks_secret_value(masked) else masked


def check_uploads(plan: Plan, target: str) -> Iterator[Finding]:
    mb = plan.ingress.max_upload_mb
    if mb is None:
        return
    if target in CLOUD_RUN_TARGETS and mb > CLOUD_RUN_MAX_BODY_MIB:
        yield render("cr-request-too-large-413", path="ingress.max_upload_mb", mb=mb)
    if target == "compose" and plan.selfhost.tunnel_usd_month is not None and mb > TUNNEL_MAX_BODY_MB:
        yield render("tunnel-upload-limit", path="ingress.max_upload_mb", mb=mb)


def _published_port(svc: Service) -> int | None:
    if svc.host_port is not None:
        return svc.host_port
    return svc.port if svc.role in ("web", "websocket") else None


def check_compose_ports(plan: Plan, target: str) -> Iterator[Finding]:
    if target != "compose":
        return
    owners: dict[int, str] = {}
    if plan.buckets:  # the export runs MinIO for the buckets and publishes its API and console
        owners.update({9000: "minio (the export's stand-in for Cloud Storage)", 9001: "the minio console"})
    for name, svc in plan.services.items():
        port = _published_port(svc)
        if port is None:
            continue
        key = "host_port" if svc.host_port is not None else "port"
        path = _svc_path(name, key)
        if port in TRUENAS_UI_PORTS:
            yield render("compose-port-already-allocated", service=name, path=path,
                         detail=f"{name} publishes host port {port}, which {TRUENAS_UI_PORTS[port]} already uses.")
        elif port in TRUENAS_SERVICE_PORTS:
            yield render("compose-port-already-allocated", service=name, path=path, severity="warning",
                         detail=f"{name} publishes host port {port}, which TRUENAS uses for "
                                f"{TRUENAS_SERVICE_PORTS[port]} when that service is on.".replace("TRUENAS", "TrueNAS"))
        if port in owners:
            yield render("compose-port-already-allocated", service=name, path=path,
                         detail=f"{name} and {owners[port]} both publish host port {port}; the second fails to start.")
        else:
            owners[port] = name


def check_images(plan: Plan, target: str) -> Iterator[Finding]:
    for name, svc in plan.services.items():
        if svc.build is None and not svc.image:
            yield render("cr-image-not-found", service=name, path=_svc_path(name, "build"))


CHECKS: tuple[Callable[[Plan, str], Iterator[Finding]], ...] = (
    check_target_values, check_workers, check_websockets, check_memory, check_cold_start, check_capacity,
    check_db_connections, check_vpc_egress, check_buckets, check_env_values, check_uploads, check_compose_ports,
    check_images,
)


def check_commands(plan: Plan, target: str) -> Iterator[Finding]:
    """The plan's own `command` per service (the source checks cover CMD and start scripts too)."""
    from launchdeck.app.preflight.entry import StartCommand
    from launchdeck.app.preflight.facts import names
    from launchdeck.app.preflight.startcheck import command_findings

    for name, svc in plan.services.items():
        if svc.command:
            start = StartCommand(text=command_text(svc.command), where="the plan's command")
            yield from command_findings(plan, target, name, svc, start, names(svc))


def plan_findings(plan: Plan, target: str, commands: bool = True, pools: dict[str, int] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for check in CHECKS + ((check_commands,) if commands else ()):
        if check is check_db_connections and pools:
            out.extend(check_db_connections(plan, target, pools))
        else:
            out.extend(check(plan, target))
    return out
