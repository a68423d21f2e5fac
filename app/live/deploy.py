"""Plan → Cloud Run v2 Service/Job/WorkerPool messages, a field-level diff against what is live, and the apply.

Update semantics: launchdeck starts from the LIVE message and overwrites only the fields it
manages (image, args, env and secret refs, cpu/memory limits, cpu_idle, port and startup probe,
min/max instances, concurrency, timeout; a worker pool's manual instance count). Everything else set live (service account, VPC access,
Cloud SQL volumes, labels, ingress ...) is sent back unchanged, so a deploy never wipes settings
the plan does not describe.

Live env vars and secret refs the plan does not have are never dropped silently: they are listed
as `LiveOnly` entries and either kept (the default without a terminal, and with --yes) or removed
(--prune, or the user's answer on a terminal). A plan secret whose live ref points at another
secret or a pinned version counts as live-only too: the plan's secrets are names only, so it
does not name another secret, and keeping the live binding is the safe reading.
"""

from __future__ import annotations

import asyncio
import shlex
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from launchdeck.app.gcp import call_options
from launchdeck.app.live.diff import Change, diff_views, env_value, job_view, service_view, worker_pool_view
from launchdeck.app.live.status import COLLECTIONS, ServiceStatus, error_kind, explain, run_id, run_units

if TYPE_CHECKING:
    from launchdeck.app.gcp import RunClients
    from launchdeck.app.plan import Plan, Service

# Startup probe: TCP on the service's port every 10 s, 24 failures allowed (240 s, Cloud Run's
# default startup budget), so a slow import is not mistaken for a crash.
PROBE_PERIOD_S = 10
PROBE_TIMEOUT_S = 5
PROBE_FAILURES = 24
LRO_TIMEOUT_S = 900


class BadImageArg(ValueError):
    """A --image argument that is not SERVICE=IMAGE for a service of the plan."""


@dataclass(frozen=True)
class LiveOnly:
    """A live env var (or secret binding) the plan does not describe."""

    name: str
    value: str  # env_value() form: the plain value, or "secret NAME:VERSION"
    plan_value: str | None = None  # set when the plan has the var but would bind another secret

    @property
    def kind(self) -> str:
        return "secret" if self.value.startswith("secret ") else "env var"

    def describe(self) -> str:
        """Never shows a plain value: live env values may be sensitive."""
        if self.plan_value is not None:
            return f"{self.name} → {self.value} (the plan would use {self.plan_value})"
        return f"{self.name} ({self.value})" if self.kind == "secret" else f"{self.name} (env var)"


@dataclass
class Unit:
    """One Cloud Run service, job or worker pool of the plan, through prepare → apply → verify."""

    name: str
    kind: str  # "service" | "job" | "worker-pool"
    project: str
    region: str
    desired: Any = None
    live: Any = None
    body: Any = None  # what apply sends: `desired` for a create, the merged live message for an update
    changes: list[Change] = field(default_factory=list)
    live_only: list[LiveOnly] = field(default_factory=list)
    keep_live_only: bool = True
    error: str | None = None
    error_kind: str | None = None
    outcome: str = ""  # created | updated | unchanged | failed
    status: ServiceStatus | None = None
    logs: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return run_id(self.name)

    @property
    def parent(self) -> str:
        return f"projects/{self.project}/locations/{self.region}"

    @property
    def resource(self) -> str:
        return f"{self.parent}/{COLLECTIONS[self.kind]}/{self.id}"

    @property
    def label(self) -> str:
        return {"job": f"{self.name} (job)", "worker-pool": f"{self.name} (worker pool)"}.get(self.kind, self.name)

    @property
    def create(self) -> bool:
        return self.live is None

    def kept(self) -> list[LiveOnly]:
        return self.live_only if self.keep_live_only else []

    def removed(self) -> list[LiveOnly]:
        return [] if self.keep_live_only else self.live_only


# ----------------------------------------------------------------------------- building messages
def parse_image_args(pairs: list[str], plan: Plan) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, image = pair.partition("=")
        name, image = name.strip(), image.strip()
        if not sep or not name or not image:
            raise BadImageArg(f"--image {pair!r}: expected SERVICE=IMAGE")
        if name not in plan.services:
            raise BadImageArg(f"--image {pair!r}: no service {name!r} in the plan "
                              f"(services: {', '.join(plan.services)})")
        out[name] = image
    return out


def default_image(plan: Plan, name: str, project: str, tag: str = "latest") -> str:
    """The image the generated deploy script pushes: REGION-docker.pkg.dev/PROJECT/NAME/IMAGE:TAG."""
    svc = plan.services[name]
    if svc.build is None and svc.image:
        return svc.image  # a prebuilt image (nginx:1.27, ...) is deployed as is
    image_name = run_id(name)
    try:  # services built from the same context share one image in the generated files
        from launchdeck.app.generators.common import images

        image_name = images(plan)[name].name or image_name
    except Exception:  # noqa: BLE001 - the generator is optional here; fall back to the service name
        pass
    return f"{plan.region}-docker.pkg.dev/{project}/{run_id(plan.name)}/{image_name}:{tag}"


def choose_image(plan: Plan, name: str, project: str, live_image: str | None, images: dict[str, str],
                 tag: str | None) -> str:
    """--image, else --tag in the registry the deploy script pushes to, else what runs now.

    Built images are tagged with the git commit by the generated deploy script, so a config-only
    deploy keeps the live image rather than rolling back to some `:latest`. A prebuilt image named
    in the plan is the plan's to set. A service created for the first time gets `:latest`.
    """
    svc = plan.services[name]
    if name in images:
        return images[name]
    if svc.build is None and svc.image:
        return svc.image
    if tag:
        return default_image(plan, name, project, tag)
    return live_image or default_image(plan, name, project)


def args_of(svc: Service) -> list[str]:
    """Compose `command` replaces the image's CMD, which is Cloud Run's `args`."""
    if svc.command is None:
        return []
    return shlex.split(svc.command) if isinstance(svc.command, str) else [str(a) for a in svc.command]


def cpu_limit(cpu: float) -> str:
    return f"{round(cpu * 1000)}m" if cpu < 1 else f"{cpu:g}"


def memory_limit(svc: Service) -> str:
    from launchdeck.app.units import format_memory

    return format_memory(svc.memory_mib)


def plan_env(svc: Service) -> list[Any]:
    """Plain env vars, then secret refs to the Secret Manager secret named like the var (version latest)."""
    from google.cloud import run_v2

    out = [run_v2.EnvVar(name=k, value=v) for k, v in svc.env.items() if k not in svc.secrets]
    out += [run_v2.EnvVar(name=s, value_source=run_v2.EnvVarSource(
        secret_key_ref=run_v2.SecretKeySelector(secret=s, version="latest"))) for s in svc.secrets]
    return out


def build_container(svc: Service, image: str, service: bool) -> Any:
    from google.cloud import run_v2

    c = run_v2.Container(
        image=image,
        args=args_of(svc),
        env=plan_env(svc),
        resources=run_v2.ResourceRequirements(limits={"cpu": cpu_limit(svc.cpu), "memory": memory_limit(svc)}),
    )
    if service:
        c.resources.cpu_idle = svc.billing == "request"
        if svc.port:
            c.ports = [run_v2.ContainerPort(name="http1", container_port=svc.port)]
            c.startup_probe = run_v2.Probe(
                tcp_socket=run_v2.TCPSocketAction(port=svc.port), period_seconds=PROBE_PERIOD_S,
                timeout_seconds=PROBE_TIMEOUT_S, failure_threshold=PROBE_FAILURES)
    return c


def build_service(plan: Plan, name: str, image: str) -> Any:
    from google.cloud import run_v2

    from launchdeck.app import __version__

    svc = plan.services[name]
    return run_v2.Service(
        template=run_v2.RevisionTemplate(
            containers=[build_container(svc, image, service=True)],
            scaling=run_v2.RevisionScaling(min_instance_count=svc.min_instances,
                                           max_instance_count=svc.max_instances),
            max_instance_request_concurrency=svc.concurrency,
            timeout=timedelta(seconds=svc.timeout),
        ),
        client="launchdeck", client_version=__version__,
    )


def build_job(plan: Plan, name: str, image: str) -> Any:
    from google.cloud import run_v2

    from launchdeck.app import __version__

    svc = plan.services[name]
    tasks = max(1, int(svc.usage.tasks_per_execution[0]))
    return run_v2.Job(
        template=run_v2.ExecutionTemplate(
            task_count=tasks,
            template=run_v2.TaskTemplate(
                containers=[build_container(svc, image, service=False)],
                max_retries=3,
                timeout=timedelta(seconds=svc.timeout),
            ),
        ),
        client="launchdeck", client_version=__version__,
    )


def build_worker_pool(plan: Plan, name: str, image: str) -> Any:
    """A worker pool: no port, no probe, no timeout; the plan's instance count, manually scaled."""
    from google.cloud import run_v2

    from launchdeck.app import __version__
    from launchdeck.app.plan import worker_pool_shape
    from launchdeck.app.units import format_memory

    svc = plan.services[name]
    shape = worker_pool_shape(svc)
    container = build_container(svc, image, service=False)
    container.resources.limits = {"cpu": cpu_limit(shape.cpu), "memory": format_memory(shape.memory_mib)}
    return run_v2.WorkerPool(
        template=run_v2.WorkerPoolRevisionTemplate(containers=[container]),
        scaling=run_v2.WorkerPoolScaling(manual_instance_count=shape.instances),
        client="launchdeck", client_version=__version__,
    )


# ----------------------------------------------------------------------------- merging with live
def _main_container(containers: Any) -> Any:
    """The container launchdeck manages: the one serving a port (ingress), else the first."""
    for c in containers:
        if c.ports:
            return c
    return containers[0] if containers else None


def live_only_env(live_c: Any, desired_c: Any) -> list[LiveOnly]:
    planned = {e.name: env_value(e) for e in desired_c.env}
    out: list[LiveOnly] = []
    for e in live_c.env:
        value = env_value(e)
        if e.name not in planned:
            out.append(LiveOnly(e.name, value))
        elif value.startswith("secret ") and planned[e.name].startswith("secret ") and value != planned[e.name]:
            out.append(LiveOnly(e.name, value, plan_value=planned[e.name].removeprefix("secret ")))
    return out


def merged_env(live_c: Any, desired_c: Any, keep: bool) -> list[Any]:
    """The plan's env, with live-only vars appended and live secret bindings kept when `keep`."""
    if not keep:
        return list(desired_c.env)
    live = {e.name: e for e in live_c.env}
    extra = {lo.name for lo in live_only_env(live_c, desired_c)}
    out = [live[e.name] if e.name in extra else e for e in desired_c.env]
    planned = {e.name for e in desired_c.env}
    out += [e for e in live_c.env if e.name not in planned]
    return out


def _merge_container(c: Any, d: Any, svc: Service, keep: bool, service: bool) -> None:
    c.image = d.image
    if svc.command is not None:  # no command in the plan: the live args stay as they are
        c.args = list(d.args)
    c.env = merged_env(c, d, keep)
    limits = dict(c.resources.limits)
    limits.update(d.resources.limits)
    c.resources.limits = limits
    if service:
        c.resources.cpu_idle = d.resources.cpu_idle
        if svc.port:
            c.ports = list(d.ports)
            c.startup_probe = d.startup_probe


def _merge_main(holder: Any, desired_containers: Any, svc: Service, keep: bool, service: bool) -> None:
    """The live main container updated from the desired one (or the desired ones, if none is live)."""
    c = _main_container(holder.containers)
    if c is None:
        holder.containers = list(desired_containers)
    else:
        _merge_container(c, desired_containers[0], svc, keep, service=service)


def merge_service(live: Any, desired: Any, svc: Service, keep: bool) -> Any:
    from google.cloud import run_v2

    body = run_v2.Service(live)
    body.template.revision = ""  # a fixed revision name from an earlier deploy would collide
    _merge_main(body.template, desired.template.containers, svc, keep, service=True)
    body.template.scaling = run_v2.RevisionScaling(desired.template.scaling)
    body.template.max_instance_request_concurrency = desired.template.max_instance_request_concurrency
    body.template.timeout = desired.template.timeout
    body.client, body.client_version = desired.client, desired.client_version
    return body


def merge_job(live: Any, desired: Any, svc: Service, keep: bool) -> Any:
    from google.cloud import run_v2

    body = run_v2.Job(live)
    tt, dt = body.template.template, desired.template.template
    _merge_main(tt, dt.containers, svc, keep, service=False)
    body.template.task_count = desired.template.task_count
    tt.timeout = dt.timeout
    body.client, body.client_version = desired.client, desired.client_version
    return body


def merge_worker_pool(live: Any, desired: Any, svc: Service, keep: bool) -> Any:
    from google.cloud import run_v2

    body = run_v2.WorkerPool(live)
    body.template.revision = ""  # a fixed revision name from an earlier deploy would collide
    _merge_main(body.template, desired.template.containers, svc, keep, service=False)
    body.scaling = run_v2.WorkerPoolScaling(desired.scaling)
    body.client, body.client_version = desired.client, desired.client_version
    return body


def view(unit: Unit, msg: Any) -> dict[str, str]:
    if msg is None:
        return {}
    views = {"job": job_view, "worker-pool": worker_pool_view}
    return views.get(unit.kind, service_view)(msg)


def _containers(unit: Unit, msg: Any) -> Any:
    return msg.template.template.containers if unit.kind == "job" else msg.template.containers


def rebuild(unit: Unit, plan: Plan) -> None:
    """(Re)compute the body and the changes after `keep_live_only` is decided."""
    svc = plan.services[unit.name]
    if unit.live is None:
        unit.body = unit.desired
    elif unit.kind == "job":
        unit.body = merge_job(unit.live, unit.desired, svc, unit.keep_live_only)
    elif unit.kind == "worker-pool":
        unit.body = merge_worker_pool(unit.live, unit.desired, svc, unit.keep_live_only)
    else:
        unit.body = merge_service(unit.live, unit.desired, svc, unit.keep_live_only)
    unit.changes = diff_views(view(unit, unit.live), view(unit, unit.body))


# ----------------------------------------------------------------------------- API calls
async def prepare(plan: Plan, project: str, region: str, images: dict[str, str], clients: RunClients,
                  prune: bool = False, tag: str | None = None) -> list[Unit]:
    """Read what is live for every unit and work out the body, live-only settings and changes."""
    units = [Unit(name, kind, project, region) for name, kind in run_units(plan)]

    async def one(unit: Unit) -> None:
        from google.api_core import exceptions as gex

        try:
            if unit.kind == "job":
                unit.live = await clients.jobs.get_job(name=unit.resource, **call_options())
            elif unit.kind == "worker-pool":
                unit.live = await clients.worker_pools.get_worker_pool(name=unit.resource, **call_options())
            else:
                unit.live = await clients.services.get_service(name=unit.resource, **call_options())
        except gex.NotFound:
            unit.live = None
        except (gex.GoogleAPICallError, gex.RetryError) as exc:
            unit.error = explain(exc, f"Cloud Run {unit.kind.replace('-', ' ')} {unit.id} in {project}/{region}",
                                 "deploy")
            unit.error_kind = error_kind(exc)
            return
        live_c = _main_container(_containers(unit, unit.live)) if unit.live is not None else None
        image = choose_image(plan, unit.name, project, live_c.image if live_c is not None else None, images, tag)
        build = {"job": build_job, "worker-pool": build_worker_pool}.get(unit.kind, build_service)
        unit.desired = build(plan, unit.name, image)
        if live_c is not None:
            unit.live_only = live_only_env(live_c, _containers(unit, unit.desired)[0])
        unit.keep_live_only = not prune
        rebuild(unit, plan)

    await asyncio.gather(*(one(u) for u in units))
    return units


async def _wait(op: Any, attempts: int = 4) -> Any:
    """Wait for a long-running operation. GetOperation has no default retry, so one UNAVAILABLE
    while polling would abandon a deploy that is still running: poll again a few times."""
    from google.api_core import exceptions as gex

    for attempt in range(attempts):
        try:
            return await op.result(timeout=LRO_TIMEOUT_S)
        except gex.ServiceUnavailable:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.5 * (attempt + 1))
    return None


async def apply(unit: Unit, clients: RunClients) -> None:
    """Create or update one unit and wait for its long-running operation."""
    from google.api_core import exceptions as gex

    once = call_options(idempotent=False)  # a create or update is sent once, never retried blindly

    try:
        if unit.kind == "job":
            if unit.create:
                op = await clients.jobs.create_job(parent=unit.parent, job=unit.body, job_id=unit.id, **once)
            else:
                op = await clients.jobs.update_job(job=unit.body, **once)
        elif unit.kind == "worker-pool":
            if unit.create:
                op = await clients.worker_pools.create_worker_pool(parent=unit.parent, worker_pool=unit.body,
                                                                   worker_pool_id=unit.id, **once)
            else:
                op = await clients.worker_pools.update_worker_pool(worker_pool=unit.body, **once)
        elif unit.create:
            op = await clients.services.create_service(parent=unit.parent, service=unit.body, service_id=unit.id,
                                                       **once)
        else:
            op = await clients.services.update_service(service=unit.body, **once)
        await _wait(op)
    except (gex.GoogleAPICallError, gex.RetryError) as exc:
        unit.outcome = "failed"
        unit.error = explain(exc, f"deploying {unit.kind.replace('-', ' ')} {unit.id}", "deploy")
        unit.error_kind = error_kind(exc)
        return
    except TimeoutError:
        unit.outcome = "failed"
        unit.error = f"deploying {unit.kind.replace('-', ' ')} {unit.id}: still running after {LRO_TIMEOUT_S} s; check `launchdeck status`"
        unit.error_kind = "other"
        return
    unit.outcome = "created" if unit.create else "updated"
