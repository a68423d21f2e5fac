"""The Plan: the one object every part of launchdeck reads (DESIGN 3.1).

Pure pydantic models. Units follow GCP: cpu `1`, `0.5`, `1000m`; memory `512Mi`, `2Gi`, `1G`.
Target-specific limits (what Cloud Run would reject) are checked by `target_problems`, which the
model runs for its own target and the CLI runs again when `--target` overrides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from launchdeck.app.regions import REGIONS
from launchdeck.app.targets import CLOUD_RUN_TARGETS, GCP_TARGETS, TARGETS, Target
from launchdeck.app.units import UnitError, format_cpu, format_memory, parse_cpu, parse_memory_mib

Role = Literal["web", "websocket", "worker", "job"]
Billing = Literal["request", "instance"]

# Cloud Run limits (docs: configuring/services/cpu, memory-limits, concurrency, request-timeout).
CLOUD_RUN_CPU_STEPS = (1.0, 2.0, 4.0, 6.0, 8.0)
CLOUD_RUN_MEMORY_BY_CPU = {  # cpu -> (min MiB, max MiB)
    1.0: (128, 4 * 1024),
    2.0: (128, 8 * 1024),
    4.0: (2 * 1024, 16 * 1024),
    6.0: (4 * 1024, 24 * 1024),
    8.0: (4 * 1024, 32 * 1024),
}
CLOUD_RUN_MAX_TIMEOUT_S = 3600
CLOUD_RUN_JOB_MAX_TIMEOUT_S = 168 * 3600
CLOUD_RUN_MAX_CONCURRENCY = 1000
CLOUD_RUN_MAX_INSTANCES = 1000
# Worker pools (docs: configuring/workerpools/cpu, memory-limits): at least 1 vCPU and 512 MiB.
WORKER_POOL_MIN_CPU = 1.0
WORKER_POOL_MIN_MEMORY_MIB = 512.0

# Sanity bounds for any target: far above real use, so only typos and hostile values hit them
# (an estimate of 1e300 requests is no estimate). Targets check their real limits separately.
MAX_USAGE = 1e13  # requests, operations, seconds or GiB per month
MAX_COUNT = 100_000  # instances, concurrency, pool sizes
# Linux's limits (PATH_MAX, NAME_MAX); other systems allow less, never more.
MAX_PATH_BYTES = 4096
MAX_NAME_BYTES = 255


def _path_problem(path: str) -> str | None:
    """Why `path` can be no file on any filesystem we run on, or None."""
    size = len(path.encode("utf-8", "surrogateescape"))
    if size > MAX_PATH_BYTES:
        return f"path is {size:,} bytes long; a path has at most {MAX_PATH_BYTES:,}"
    longest = max(path.split("/"), key=len)
    if len(longest.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        return f"a path component is longer than {MAX_NAME_BYTES} bytes"
    return None
MAX_AMOUNT = 1e9  # dollars, watts, GiB of storage

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
# Cloud Run service names: DNS-1035 labels of at most 49 characters.
_SERVICE_NAME = re.compile(r"[a-z](?:[a-z0-9-]{0,47}[a-z0-9])?")
_PROJECT_ID = re.compile(r"(?:[a-z0-9][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]")
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]")


def _cpu(value: Any) -> float:
    try:
        return parse_cpu(value)
    except UnitError as exc:
        raise ValueError(str(exc)) from None


def _memory(value: Any) -> str:
    try:
        parse_memory_mib(value)
    except UnitError as exc:
        raise ValueError(str(exc)) from None
    return value if isinstance(value, str) else format_memory(parse_memory_mib(value))


Cpu = Annotated[float, BeforeValidator(_cpu)]
Memory = Annotated[str, BeforeValidator(_memory)]


def _range(value: Any) -> Any:
    """Accept a single number as [n, n]."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value, value]
    return value


def _num(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


LowHigh = Annotated[tuple[float, float], BeforeValidator(_range)]


def _control_char(value: Any) -> str | None:
    """The first terminal control or direction character in a value, its keys or its items, escaped.
    A carriage return is let through (a CRLF-edited value), as are tab and newline."""
    if isinstance(value, str):
        from launchdeck.app.termtext import first_unsafe

        return first_unsafe(value.replace("\r", "")) if not value.isprintable() else None
    if isinstance(value, dict):
        items: list[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return None
    for item in items:
        found = _control_char(item)
        if found:
            return found
    return None




class _Model(BaseModel):
    # NaN and infinity are refused everywhere: they slip through every comparison and print as `nan`.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _no_terminal_controls(cls, value: Any) -> Any:
        # A plan holds names, images, commands and settings: no escape sequence, C1 control or
        # bidi override belongs in any of them; each would act on the terminal wherever it is shown.
        found = _control_char(value)
        if found:
            raise ValueError(f"holds the control character {found}; a plan value must be plain text")
        return value


class Usage(_Model):
    """Traffic assumptions for the estimate, each a [low, high] range."""

    requests_per_month: LowHigh = (100_000, 1_000_000)
    seconds_per_request: LowHigh = (0.2, 0.5)
    # websocket/worker: the share of the month with work (or a socket) in flight.
    busy_fraction: LowHigh = (0.05, 1.0)
    # worker: average number of instances running (min_instances is the floor).
    avg_instances: LowHigh | None = None
    # job: executions per month, tasks per execution, seconds per task.
    executions_per_month: LowHigh = (30, 30)
    tasks_per_execution: LowHigh = (1, 1)
    seconds_per_execution: LowHigh = (60, 300)
    # Internet egress attributable to this service, GiB per month.
    egress_gb: LowHigh = (0, 0)

    @field_validator(
        "requests_per_month", "seconds_per_request", "busy_fraction", "avg_instances",
        "executions_per_month", "tasks_per_execution", "seconds_per_execution", "egress_gb",
    )  # fmt: skip
    @classmethod
    def _ordered(cls, value: tuple[float, float] | None, info: Any) -> tuple[float, float] | None:
        value = low_high_ok(value)
        if value is not None and info.field_name == "busy_fraction" and value[1] > 1:
            raise ValueError("is a share of the month, between 0 and 1")
        return value


def low_high_ok(value: tuple[float, float] | None) -> tuple[float, float] | None:
    """A [low, high] range: not negative, low <= high, and within MAX_USAGE."""
    if value is None:
        return value
    low, high = value
    if low < 0 or high < 0:
        raise ValueError("must not be negative")
    if max(low, high) > MAX_USAGE:
        raise ValueError(f"{max(low, high):g} is out of range (at most {MAX_USAGE:,.0f})")
    if low > high:
        raise ValueError(f"low {_num(low)} is greater than high {_num(high)} (write [low, high])")
    return value


class Service(_Model):
    role: Role = "web"
    build: str | dict[str, Any] | None = None
    image: str | None = None
    command: list[str] | str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    health_path: str = "/"
    cpu: Cpu = 1.0
    memory: Memory = "512Mi"
    min_instances: int = Field(default=0, ge=0, le=MAX_COUNT)
    max_instances: int = Field(default=10, ge=1, le=MAX_COUNT)
    concurrency: int = Field(default=80, ge=1, le=MAX_COUNT)
    timeout: int = Field(default=300, ge=1, le=30 * 86400)
    billing: Billing = "request"
    # Instance count of a worker pool (role worker on cloud-run): manual scaling, no port, no probe.
    instances: int = Field(default=1, ge=0, le=1000)
    env: dict[str, str] = Field(default_factory=dict)
    secrets: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    # Cron expression for a job run by Cloud Scheduler (cloud-run-jobs target).
    schedule: str | None = None
    # Heavy runtime dependencies the service loads at start (torch, tensorflow, ...).
    heavy_deps: list[str] = Field(default_factory=list)
    # Which buckets this service reads or writes (drives IAM roles and preflight).
    buckets: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    # Host port for the compose export (defaults to `port`).
    host_port: int | None = Field(default=None, ge=1, le=65535)
    # Why the importer chose the role; informational.
    why: str | None = None

    @field_validator("env", mode="before")
    @classmethod
    def _env_strings(cls, value: Any) -> Any:
        # Numbers and booleans become text the way compose writes them; lists and mappings stay
        # as they are so validation rejects them ("expected text").
        if isinstance(value, dict):
            return {str(k): "" if v is None else (str(v).lower() if isinstance(v, bool) else
                                                   v if isinstance(v, dict | list) else str(v))
                    for k, v in value.items()}
        return value

    @field_validator("env", "secrets")
    @classmethod
    def _env_names(cls, value: Any) -> Any:
        names = value if isinstance(value, list) else list(value)
        bad = [n for n in names if not _ENV_NAME.fullmatch(n)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an environment variable name "
                             "(letters, digits and '_', not starting with a digit)")
        return value

    @field_validator("build")
    @classmethod
    def _build_paths(cls, value: Any) -> Any:
        # The build context and Dockerfile become filesystem paths that doctor and preflight look
        # at: a path no filesystem accepts is a plan error here, not an OSError later.
        paths = [value] if isinstance(value, str) else (
            [value[k] for k in ("context", "dockerfile") if isinstance(value.get(k), str)]
            if isinstance(value, dict) else [])
        for path in paths:
            problem = _path_problem(path)
            if problem:
                raise ValueError(problem)
        return value

    @field_validator("health_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"{value!r} must start with '/' (e.g. /healthz)")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None and not (len(value.split()) == 5 or value.strip().startswith("@")):
            raise ValueError(f"{value!r} is not a cron expression (five fields, e.g. '0 3 * * *', or @daily)")
        return value

    @property
    def memory_mib(self) -> float:
        return parse_memory_mib(self.memory)

    @property
    def memory_gib(self) -> float:
        return self.memory_mib / 1024

    @property
    def cpu_text(self) -> str:
        return str(format_cpu(self.cpu))

    @model_validator(mode="after")
    def _consistent(self) -> Service:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.min_instances > self.max_instances:
            problems.append((("min_instances",), f"{self.min_instances} is greater than max_instances "
                                                 f"{self.max_instances} (allowed: 0 to {self.max_instances})"))
        both = [n for n in self.secrets if n in self.env]
        if both:
            problems.append((("secrets",), f"{both[0]} is in both env and secrets (keep it in one of them)"))
        if problems:
            raise PlanProblems(problems)
        return self


class Postgres(_Model):
    tier: str = "db-f1-micro"
    version: str = "POSTGRES_16"
    storage_gb: float = Field(default=10, gt=0, le=64 * 1024)  # Cloud SQL stops at 64 TB
    ha: bool = False
    backups_gb: float = Field(default=2, ge=0, le=MAX_AMOUNT)
    private_ip: bool = False
    # Connections each service instance opens (pool size), for the connection-limit check.
    pool_size: int = Field(default=5, ge=1, le=MAX_COUNT)
    database: str = "app"

    @field_validator("tier")
    @classmethod
    def _tier(cls, value: str) -> str:
        if not re.fullmatch(r"db-[A-Za-z0-9-]+", value):
            raise ValueError(f"{value!r} is not a Cloud SQL tier (e.g. db-f1-micro, db-g1-small, db-custom-2-7680)")
        return value

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not re.fullmatch(r"POSTGRES_(9_6|1[0-8])", value):
            raise ValueError(f"{value!r} is not a Cloud SQL PostgreSQL version (allowed: POSTGRES_9_6, "
                             "POSTGRES_10 ... POSTGRES_18)")
        return value


class Redis(_Model):
    tier: Literal["basic", "standard"] = "basic"
    size_gb: float = Field(default=1, gt=0, le=300)
    version: str = "REDIS_7_2"


class Bucket(_Model):
    storage_gb: float = Field(default=5, ge=0, le=MAX_AMOUNT)
    class_a_ops: LowHigh = (20_000, 200_000)
    class_b_ops: LowHigh = (200_000, 2_000_000)
    storage_class: Literal["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE"] = "STANDARD"
    # Browser uploads with signed URLs need CORS on the bucket.
    cors_origins: list[str] = Field(default_factory=list)
    public: bool = False

    _ranges = field_validator("class_a_ops", "class_b_ops")(classmethod(lambda cls, v: low_high_ok(v)))


class Ingress(_Model):
    load_balancer: bool = False
    domain: str | None = None
    # Largest request body the app accepts, MiB (Cloud Run caps HTTP/1 requests at 32 MiB).
    max_upload_mb: float | None = Field(default=None, gt=0, le=MAX_AMOUNT)


class Network(_Model):
    vpc: Literal["connector", "direct", "none"] = "none"
    egress_gb: LowHigh = (10, 100)

    _ranges = field_validator("egress_gb")(classmethod(lambda cls, v: low_high_ok(v)))


class SelfHost(_Model):
    # Your own box. Leave hardware_usd out and launchdeck sizes one from the plan (rules.yaml selfhost.classes);
    # set it (with vcpu / memory_gib / disk_gib so launchdeck can check the plan fits) to price your own.
    hardware_usd: float = Field(default=900, ge=0, le=MAX_AMOUNT)
    lifetime_months: int = Field(default=48, ge=1, le=1200)
    watts: float = Field(default=50, ge=0, le=MAX_AMOUNT)
    kwh_usd: float = Field(default=0.187, ge=0, le=100)
    vcpu: float | None = Field(default=None, gt=0, le=MAX_AMOUNT)
    memory_gib: float | None = Field(default=None, gt=0, le=MAX_AMOUNT)
    disk_gib: float | None = Field(default=None, gt=0, le=MAX_AMOUNT)
    drives: int | None = Field(default=None, ge=0, le=1000)
    drive_usd: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    pool_path: str = "/mnt/tank/apps"
    # Extras for parity with the managed stack; each becomes its own cost line.
    backup_usd_month: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    ups_usd: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    tunnel_usd_month: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    domain_usd_year: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    # UID:GID the containers run as (dataset ownership on TrueNAS).
    uid: int = Field(default=568, ge=0, le=2**31 - 1)
    gid: int = Field(default=568, ge=0, le=2**31 - 1)


class Unmapped(_Model):
    """A compose service launchdeck did not map (other datastores, dev tools)."""

    image: str | None = None
    note: str = ""


class Plan(_Model):
    name: str = "app"
    project: str | None = None
    region: str = "us-central1"
    target: Target = "cloud-run"
    services: dict[str, Service] = Field(default_factory=dict)
    postgres: Postgres | None = None
    redis: Redis | None = None
    buckets: dict[str, Bucket] = Field(default_factory=dict)
    ingress: Ingress = Field(default_factory=Ingress)
    network: Network = Field(default_factory=Network)
    selfhost: SelfHost = Field(default_factory=SelfHost)
    unmapped: dict[str, Unmapped] = Field(default_factory=dict)

    @field_validator("project")
    @classmethod
    def _project_id(cls, value: str | None) -> str | None:
        # A project ID (6-30 lowercase letters, digits and hyphens; a legacy one may carry a
        # `domain:` prefix). It lands in deploy.sh, workflows and Terraform: `demo; $(id)` must not.
        if value is not None and not _PROJECT_ID.fullmatch(value):
            raise ValueError(f"{value!r} is not a Google Cloud project ID (6-30 lowercase letters, digits and "
                             "hyphens, starting with a letter, e.g. my-project-123)")
        return value

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value not in REGIONS:
            from difflib import get_close_matches

            close = get_close_matches(value, REGIONS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "e.g. us-central1, europe-west1"
            raise ValueError(f"unknown region {value!r} ({hint})")
        return value

    @field_validator("services")
    @classmethod
    def _service_names(cls, value: dict[str, Service]) -> dict[str, Service]:
        for name in value:
            if not _SERVICE_NAME.fullmatch(name):
                raise PlanProblems([((name,), f"{name!r} is not a valid service name (lowercase letters, digits "
                                              "and '-', starting with a letter, at most 49 characters)")])
        return value

    @field_validator("buckets")
    @classmethod
    def _bucket_names(cls, value: dict[str, Bucket]) -> dict[str, Bucket]:
        for name in value:
            if not _BUCKET_NAME.fullmatch(name):
                raise PlanProblems([((name,), f"{name!r} is not a valid bucket name (3 to 63 lowercase letters, "
                                              "digits, '-', '_' or '.', starting and ending with a letter or digit)")])
        return value

    @field_validator("name")
    @classmethod
    def _name_ok(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,39}", value):
            raise ValueError(
                f"{value!r} is not a valid name (lowercase letters, digits and '-', starting with a letter)"
            )
        return value

    @model_validator(mode="after")
    def _fits_target(self) -> Plan:
        problems = target_problems(self, self.target)
        if problems:
            # Pydantic turns this into one error; the plan file loader reports each with its line.
            raise PlanProblems(problems)
        for name, svc in self.services.items():
            for bucket in svc.buckets:
                if bucket not in self.buckets:
                    raise PlanProblems([(("services", name, "buckets"),
                                         f"unknown bucket {bucket!r} (plan buckets: {', '.join(self.buckets) or 'none'})")])
            for dep in svc.depends_on:
                if dep not in self.services and dep not in ("postgres", "redis"):
                    raise PlanProblems([(("services", name, "depends_on"), f"unknown service {dep!r}")])
        return self


class PlanProblems(ValueError):
    """Problems with their key paths; raised inside validation so paths survive."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]):
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(map(str, p))}: {m}" for p, m in problems))


def _cloud_run_memory_range(cpu: float) -> tuple[float, float] | None:
    if cpu < 1:
        return (128, 512) if cpu < 0.5 else (128, 1024)
    return CLOUD_RUN_MEMORY_BY_CPU.get(cpu)


def cloud_run_service_problems(svc: Service, as_job: bool = False) -> list[tuple[str, str]]:
    """(key, message) pairs for values Cloud Run would reject."""
    out: list[tuple[str, str]] = []
    cpu = svc.cpu
    if cpu < 0.08 or cpu > 8 or (cpu > 1 and cpu not in CLOUD_RUN_CPU_STEPS):
        out.append(("cpu", f"{format_cpu(cpu)} vCPU is not allowed on Cloud Run "
                           "(allowed: 0.08 to 1, or 1, 2, 4, 6, 8)"))
    else:
        limits = _cloud_run_memory_range(cpu)
        if limits:
            low, high = limits
            if not low <= svc.memory_mib <= high:
                out.append(("memory", f"{svc.memory} is not allowed with {format_cpu(cpu)} vCPU on Cloud Run "
                                      f"(allowed: {format_memory(low)} to {format_memory(high)})"))
        if cpu < 1:
            if svc.concurrency != 1 and not as_job:
                out.append(("concurrency", f"{svc.concurrency} is not allowed with less than 1 vCPU on Cloud Run "
                                           "(allowed: 1, or set cpu to 1 or more)"))
            if abs(cpu * 1000 - round(cpu * 1000)) > 1e-6:
                out.append(("cpu", f"{cpu:g} vCPU is not allowed on Cloud Run (allowed: steps of 0.001 below 1)"))
            if svc.billing == "instance":
                out.append(("billing", "instance billing needs at least 1 vCPU on Cloud Run (allowed: request)"))
    if svc.concurrency > CLOUD_RUN_MAX_CONCURRENCY:
        out.append(("concurrency", f"{svc.concurrency} is above Cloud Run's maximum (allowed: 1 to 1000)"))
    max_timeout = CLOUD_RUN_JOB_MAX_TIMEOUT_S if as_job else CLOUD_RUN_MAX_TIMEOUT_S
    if svc.timeout > max_timeout:
        out.append(("timeout", f"{svc.timeout} s is above Cloud Run's maximum "
                               f"(allowed: 1 to {max_timeout} s{' for a job task' if as_job else ''})"))
    if svc.max_instances > CLOUD_RUN_MAX_INSTANCES:
        out.append(("max_instances", f"{svc.max_instances} is above Cloud Run's maximum (allowed: 1 to 1000)"))
    return out


def runs_as_job(svc: Service, target: str) -> bool:
    """On cloud-run-jobs, workers and jobs become Cloud Run Jobs; on cloud-run only jobs do."""
    if target == "cloud-run-jobs":
        return svc.role in ("worker", "job")
    return svc.role == "job"


def runs_as_worker_pool(svc: Service, target: str) -> bool:
    """On cloud-run a worker becomes a Cloud Run worker pool: no port, no probe, a fixed instance count."""
    return target == "cloud-run" and svc.role == "worker"


@dataclass(frozen=True)
class WorkerPoolShape:
    """What a worker pool actually runs for a plan's worker, and why it differs from the plan, if it does."""

    instances: int
    cpu: float
    memory_mib: float
    notes: tuple[str, ...] = ()


def _count(n: int) -> str:
    return f"{n} instance{'' if n == 1 else 's'}"


def worker_pool_shape(svc: Service) -> WorkerPoolShape:
    """The instance count, CPU and memory of the worker pool a `role: worker` becomes on cloud-run.

    A worker pool is scaled manually: it runs exactly `instances` all month. `instances` wins when
    the plan sets it; otherwise min_instances (at least 1) becomes the count, since the floor is
    what a queue consumer needs to keep running. max_instances has no counterpart.
    """
    given = svc.model_fields_set
    notes: list[str] = []
    if "instances" in given:
        count = svc.instances
        ignored = [k for k in ("min_instances", "max_instances") if k in given]
        if ignored:
            notes.append(f"{' and '.join(ignored)} not used: a worker pool runs exactly instances ({count})")
    else:
        count = max(1, svc.min_instances)
        if "min_instances" in given or "max_instances" in given:
            span = (f"min_instances {svc.min_instances} / max_instances {svc.max_instances}"
                    if "max_instances" in given else f"min_instances {svc.min_instances}")
            notes.append(f"{span}: a worker pool does not autoscale, so it runs {_count(count)} all month "
                         f"(set instances to choose the count)")
    if count == 0:
        notes.append("instances 0: the worker pool exists but runs nothing, so no queue is consumed")
    if svc.port is not None:
        notes.append(f"port {svc.port} not used: a worker pool gets no requests and nothing needs to listen")
    if svc.schedule:
        notes.append("schedule not used: a worker pool runs all the time (for runs on a schedule use "
                     "role job, or target cloud-run-jobs)")
    cpu, memory = svc.cpu, svc.memory_mib
    if cpu < WORKER_POOL_MIN_CPU:
        notes.append(f"cpu {format_cpu(cpu)} raised to 1: worker pools need at least 1 vCPU")
        cpu = WORKER_POOL_MIN_CPU
    if memory < WORKER_POOL_MIN_MEMORY_MIB:
        notes.append(f"memory {svc.memory} raised to 512Mi: worker pools need at least 512 MiB")
        memory = WORKER_POOL_MIN_MEMORY_MIB
    return WorkerPoolShape(count, cpu, memory, tuple(notes))


def worker_pool_problems(svc: Service) -> list[tuple[str, str]]:
    """(key, message) for values a worker pool would reject, and instance settings that contradict each other."""
    out: list[tuple[str, str]] = []
    shape = worker_pool_shape(svc)
    if shape.cpu > 8 or (shape.cpu > 1 and shape.cpu not in CLOUD_RUN_CPU_STEPS):
        out.append(("cpu", f"{format_cpu(svc.cpu)} vCPU is not allowed on a Cloud Run worker pool "
                           "(allowed: 1, 2, 4, 6, 8)"))
    elif shape.cpu in CLOUD_RUN_MEMORY_BY_CPU:
        low, high = CLOUD_RUN_MEMORY_BY_CPU[shape.cpu]
        low = max(low, WORKER_POOL_MIN_MEMORY_MIB)
        if svc.memory_mib > high or (svc.memory_mib < low and low > WORKER_POOL_MIN_MEMORY_MIB):
            out.append(("memory", f"{svc.memory} is not allowed with {format_cpu(shape.cpu)} vCPU on a Cloud Run "
                                  f"worker pool (allowed: {format_memory(low)} to {format_memory(high)})"))
    given = svc.model_fields_set
    if "instances" not in given:
        return out
    if "min_instances" in given and svc.instances < svc.min_instances:
        out.append(("instances", f"{svc.instances} is below min_instances {svc.min_instances}; a worker pool "
                                 "runs exactly instances (remove min_instances, or make them agree)"))
    if "max_instances" in given and svc.instances > svc.max_instances:
        out.append(("instances", f"{svc.instances} is above max_instances {svc.max_instances}; a worker pool "
                                 "runs exactly instances (remove max_instances, or make them agree)"))
    return out


def target_problems(plan: Plan, target: str) -> list[tuple[tuple[str | int, ...], str]]:
    """Values the given target would reject, as (key path, message)."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if target in CLOUD_RUN_TARGETS:
        for name, svc in plan.services.items():
            if runs_as_worker_pool(svc, target):
                found = worker_pool_problems(svc)
            else:
                found = cloud_run_service_problems(svc, as_job=runs_as_job(svc, target))
            for key, msg in found:
                problems.append((("services", name, key), msg))
    elif target in ("gke-autopilot", "gke-standard"):
        for name, svc in plan.services.items():
            if svc.cpu > 28 and target == "gke-autopilot":
                problems.append((("services", name, "cpu"), "Autopilot pods allow at most 28 vCPU (general-purpose)"))
    return problems


def example_usage_for(role: str) -> Usage:
    """Role-appropriate default traffic assumptions."""
    if role == "websocket":
        return Usage(busy_fraction=(0.05, 1.0), requests_per_month=(10_000, 100_000), seconds_per_request=(1, 60))
    if role == "worker":
        return Usage(busy_fraction=(0.1, 1.0), requests_per_month=(0, 0))
    if role == "job":
        return Usage(requests_per_month=(0, 0))
    return Usage()


__all__ = [
    "Billing", "Bucket", "CLOUD_RUN_TARGETS", "GCP_TARGETS", "Ingress", "Network", "Plan", "PlanProblems",
    "Postgres", "Redis", "Role", "SelfHost", "Service", "TARGETS", "Target", "Unmapped", "Usage",
    "WorkerPoolShape", "cloud_run_service_problems", "example_usage_for", "runs_as_job", "runs_as_worker_pool",
    "target_problems", "worker_pool_problems", "worker_pool_shape",
]
