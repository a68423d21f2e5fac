"""What is live on Cloud Run for a plan: each service's and worker pool's revisions, traffic (or
instance split) and conditions, each job's executions.

`fetch_status(plan, project)` never raises for a per-service problem: NotFound is the state "not
deployed", other API errors land in `ServiceStatus.error` as one line with the fix. A failing
revision's message is run through the hint engine; `revision_logs()` fetches that revision's last
log lines from Cloud Logging.

Cloud Run semantics worth knowing (RECIPE §3.3): a deploy's long-running operation succeeds even
when the new revision never starts. The truth is in the service's `terminal_condition` and in the
latest created revision's `Ready` condition, which is what this module reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from launchdeck.app.gcp import call_options

if TYPE_CHECKING:
    from launchdeck.app.gcp import RunClients
    from launchdeck.app.plan import Plan

EXECUTIONS_SHOWN = 5
_STATES = {
    "CONDITION_SUCCEEDED": "succeeded",
    "CONDITION_FAILED": "failed",
    "CONDITION_RECONCILING": "reconciling",
    "CONDITION_PENDING": "pending",
}


@dataclass
class Condition:
    type: str
    state: str  # succeeded | failed | reconciling | pending | unknown
    reason: str = ""
    message: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"type": self.type, "state": self.state, "reason": self.reason, "message": self.message}


@dataclass
class ServiceStatus:
    """One Cloud Run service, job or worker pool of the plan, as it is live."""

    name: str  # the plan's service name
    kind: str  # "service" | "job" | "worker-pool"
    resource: str = ""  # projects/P/locations/R/services|jobs|workerPools/ID
    deployed: bool = False
    url: str | None = None
    latest_created: str | None = None
    latest_ready: str | None = None
    traffic: list[tuple[str, int]] = field(default_factory=list)  # (revision | "LATEST", percent)
    instances: int | None = None  # a worker pool's manual instance count
    conditions: list[Condition] = field(default_factory=list)
    revision_conditions: list[Condition] = field(default_factory=list)  # of the failing revision
    ready: bool = False
    reconciling: bool = False
    failing_revision: str | None = None
    failing_execution: str | None = None
    failure_reason: str | None = None
    failure_message: str | None = None
    hint: Any = None  # app.hints Hint | None
    executions: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    error_kind: str | None = None  # permission | disabled | auth | unavailable | other

    @property
    def id(self) -> str:
        return self.resource.rsplit("/", 1)[-1] if self.resource else run_id(self.name)

    @property
    def failing(self) -> bool:
        return bool(self.failure_message) or any(c.type == "Ready" and c.state == "failed" for c in self.conditions)

    @property
    def state(self) -> str:
        """One word for a table cell or a TUI badge. Without credentials nothing was asked, so the
        state is "unknown", not "error" (which says Cloud Run answered with a problem)."""
        if self.error:
            return "unknown" if self.error_kind == "auth" else "error"
        if not self.deployed:
            return "not deployed"
        if self.failing:
            return "failing"
        if self.ready:
            return "ready"
        return "deploying" if self.reconciling else "not ready"

    def to_dict(self) -> dict[str, Any]:
        hint = None
        if self.hint is not None:
            hint = {k: getattr(self.hint, k, None) for k in ("id", "severity", "title", "meaning", "fix", "docs")}
            if hint["docs"] is not None:
                hint["docs"] = list(hint["docs"]) if not isinstance(hint["docs"], str) else [hint["docs"]]
        return {
            "name": self.name, "kind": self.kind, "id": self.id, "state": self.state, "deployed": self.deployed,
            "ready": self.ready, "url": self.url, "latest_created": self.latest_created,
            "latest_ready": self.latest_ready,
            "traffic": [{"revision": r, "percent": p} for r, p in self.traffic], "instances": self.instances,
            "conditions": [c.to_dict() for c in self.conditions],
            "revision_conditions": [c.to_dict() for c in self.revision_conditions],
            "failing_revision": self.failing_revision, "failing_execution": self.failing_execution,
            "failure_reason": self.failure_reason, "failure_message": self.failure_message, "hint": hint,
            "executions": self.executions, "error": self.error,
        }


class LogsUnavailable(RuntimeError):
    """Logs could not be read; str() is one line with the fix."""


def run_id(name: str) -> str:
    """The Cloud Run resource id for a plan service name (lowercase letters, digits and '-')."""
    rid = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return (rid if rid[:1].isalpha() else f"s-{rid}")[:49].rstrip("-") or "service"


def unit_kind(plan: Plan, name: str) -> str:
    """"service", "job" or "worker-pool": what the plan's service `name` is on Cloud Run."""
    from launchdeck.app.plan import runs_as_job, runs_as_worker_pool

    svc = plan.services[name]
    if runs_as_job(svc, plan.target):
        return "job"
    return "worker-pool" if runs_as_worker_pool(svc, plan.target) else "service"


def run_units(plan: Plan) -> list[tuple[str, str]]:
    """(plan service name, "service" | "job" | "worker-pool") for every Cloud Run unit, in plan order."""
    return [(name, unit_kind(plan, name)) for name in plan.services]


COLLECTIONS = {"service": "services", "job": "jobs", "worker-pool": "workerPools"}
LOG_SOURCES = {"service": "cloud-run", "job": "cloud-run-job", "worker-pool": "cloud-run-worker-pool"}


def log_spec(kind: str, name: str) -> str:
    """The `logs --source` spec that tails one Cloud Run unit (app.logsources)."""
    return f"{LOG_SOURCES[kind]}:{name}"


def resource_name(project: str, region: str, kind: str, name: str) -> str:
    return f"projects/{project}/locations/{region}/{COLLECTIONS[kind]}/{run_id(name)}"


def short(resource: str | None) -> str | None:
    return resource.rsplit("/", 1)[-1] if resource else None


def one_line(text: str) -> str:
    """Condition messages carry newlines ("...\\n\\nLogs URL: ..."); tables and hints want one line."""
    return re.sub(r"\s+", " ", text or "").strip()


def error_kind(exc: BaseException) -> str:
    from google.api_core import exceptions as gex

    from launchdeck.app.gcp import unwrap

    exc = unwrap(exc)
    message = str(exc)
    if isinstance(exc, gex.Forbidden | gex.PermissionDenied):
        if getattr(exc, "reason", None) == "SERVICE_DISABLED" or "has not been used" in message or "is disabled" in message:
            return "disabled"
        return "permission"
    if isinstance(exc, gex.Unauthenticated):
        return "auth"
    if isinstance(exc, gex.ServiceUnavailable | gex.DeadlineExceeded | gex.RetryError):
        return "unavailable"
    if isinstance(exc, gex.TooManyRequests):
        return "quota"
    return "other"


def summarize_errors(items: list[tuple[str, str | None]]) -> list[str]:
    """(error line, error kind) pairs → the lines to print: one per environment problem.

    A missing permission, a disabled API or bad credentials hit every service alike, so they
    collapse into their first line; other errors are listed once each.
    """
    grouped: dict[str, list[str]] = {}
    others: list[str] = []
    for line, kind in items:
        if kind in ("permission", "disabled", "auth", "unavailable", "quota"):
            grouped.setdefault(kind, []).append(line)
        else:
            others.append(line)
    out = []
    for lines in grouped.values():
        more = len(set(lines)) - 1
        out.append(lines[0] + (f" [same for {more} more service{'s' if more != 1 else ''}]" if more else ""))
    return out + list(dict.fromkeys(others))


def _condition(c: Any) -> Condition:
    state = _STATES.get(getattr(c.state, "name", ""), "unknown")
    reason = ""
    for attr in ("revision_reason", "execution_reason", "reason"):
        value = getattr(c, attr, None)
        if value:  # enum zero means "not set"
            reason = value.name
            break
    return Condition(type=c.type_, state=state, reason=reason, message=one_line(c.message))


def conditions_of(msg: Any) -> list[Condition]:
    """Terminal condition first, then the others, skipping empty ones."""
    out: list[Condition] = []
    terminal = getattr(msg, "terminal_condition", None)
    if terminal is not None and terminal.type_:
        out.append(_condition(terminal))
    out += [_condition(c) for c in msg.conditions if c.type_]
    return out


def hint_for(text: str | None) -> Any:
    """The hint engine's answer for a failure message (None if the engine is absent or silent)."""
    if not text:
        return None
    try:
        from launchdeck.app.hints import get_engine
    except ImportError:
        return None
    engine = get_engine()
    hint = engine.match_line(one_line(text))
    if hint is None and "\n" in text:
        for line in text.splitlines():
            hint = engine.match_line(line)
            if hint is not None:
                break
    return hint


# Which predefined role answers a PermissionDenied, by what launchdeck was doing.
ROLES = {
    "status": "reading status needs roles/run.viewer",
    "deploy": "deploying needs roles/run.developer, and roles/iam.serviceAccountUser on the runtime service account",
    "logs": "reading logs needs roles/logging.viewer",
}


def explain(exc: BaseException, what: str, doing: str) -> str:
    """app.gcp's one-line explanation, plus the role to grant for a permission error."""
    from launchdeck.app.gcp import explain_google_error

    line = one_line(explain_google_error(exc, what))
    if error_kind(exc) == "permission" and doing in ROLES:
        line = f"{line.rstrip('.')} ({ROLES[doing]})."
    return line


def _fail(st: ServiceStatus, exc: BaseException, what: str) -> ServiceStatus:
    st.error = explain(exc, what, "status")
    st.error_kind = error_kind(exc)
    return st


def _traffic(svc: Any) -> list[tuple[str, int]]:
    """Traffic of a service, or instance split of a worker pool: (revision | "LATEST", percent)."""
    if hasattr(svc, "instance_split_statuses"):
        entries = list(svc.instance_split_statuses) or list(svc.instance_splits)
    else:
        entries = list(svc.traffic_statuses) or list(svc.traffic)
    out: list[tuple[str, int]] = []
    for t in entries:
        latest = getattr(t.type_, "name", "").endswith("_LATEST")
        out.append((t.revision or ("LATEST" if latest else "?"), int(t.percent)))
    return out


async def service_status(clients: RunClients, project: str, region: str, name: str) -> ServiceStatus:
    """The live state of one Cloud Run service; never raises for API errors."""
    return await _revisioned_status(clients.services.get_service, clients, project, region, name,
                                    "service", "Cloud Run service")


async def worker_pool_status(clients: RunClients, project: str, region: str, name: str) -> ServiceStatus:
    """The live state of one Cloud Run worker pool; never raises for API errors."""
    return await _revisioned_status(clients.worker_pools.get_worker_pool, clients, project, region, name,
                                    "worker-pool", "Cloud Run worker pool")


async def _revisioned_status(get: Any, clients: RunClients, project: str, region: str, name: str, kind: str,
                             what: str) -> ServiceStatus:
    """Services and worker pools alike: get the resource, then the failing revision and its hint."""
    from google.api_core import exceptions as gex

    resource = resource_name(project, region, kind, name)
    st = ServiceStatus(name=name, kind=kind, resource=resource)
    try:
        found = await get(name=resource, **call_options())
    except gex.NotFound:
        return st
    except (gex.GoogleAPICallError, gex.RetryError) as exc:
        return _fail(st, exc, f"{what} {st.id} in {project}/{region}")
    fill_from_service(st, found)
    if st.failing or (st.latest_created and st.latest_created != st.latest_ready and not st.reconciling):
        await _read_failing_revision(clients, st, found.latest_created_revision)
    if st.failure_message:
        st.hint = hint_for(st.failure_message)
    return st


def fill_from_service(st: ServiceStatus, svc: Any) -> None:
    """Copy what a Service (or WorkerPool) message says into `st` (no API calls)."""
    st.deployed = True
    if hasattr(svc, "scaling") and hasattr(svc, "instance_splits"):  # a worker pool: no URL, a fixed count
        st.instances = int(svc.scaling.manual_instance_count) if svc.scaling else None
    else:
        st.url = svc.uri or (svc.urls[0] if svc.urls else None)
    st.latest_created = short(svc.latest_created_revision)
    st.latest_ready = short(svc.latest_ready_revision)
    st.traffic = _traffic(svc)
    st.conditions = conditions_of(svc)
    st.reconciling = bool(svc.reconciling)
    terminal = next((c for c in st.conditions if c.type == "Ready"), None)
    st.ready = (terminal is not None and terminal.state == "succeeded" and st.latest_created == st.latest_ready)
    if terminal is not None and terminal.state == "failed":
        st.failure_reason = terminal.reason or None
        st.failure_message = terminal.message or None
        if st.latest_created != st.latest_ready:
            st.failing_revision = st.latest_created


async def _read_failing_revision(clients: RunClients, st: ServiceStatus, revision: str) -> None:
    """The latest created revision's own conditions: its Ready message is the precise reason."""
    from google.api_core import exceptions as gex

    try:
        rev = await clients.revisions.get_revision(name=revision, **call_options())
    except (gex.GoogleAPICallError, gex.RetryError):
        return  # the service's terminal condition already says what failed; keep that
    conds = conditions_of(rev)
    ready = next((c for c in conds if c.type == "Ready"), None)
    if ready is not None and ready.state == "failed":
        st.failing_revision = short(revision)
        st.revision_conditions = conds
        st.failure_reason = ready.reason or st.failure_reason
        st.failure_message = ready.message or st.failure_message
        st.ready = False


async def job_status(clients: RunClients, project: str, region: str, name: str) -> ServiceStatus:
    """The live state of one Cloud Run job and its last executions; never raises for API errors."""
    from google.api_core import exceptions as gex

    resource = resource_name(project, region, "job", name)
    st = ServiceStatus(name=name, kind="job", resource=resource)
    try:
        job = await clients.jobs.get_job(name=resource, **call_options())
    except gex.NotFound:
        return st
    except (gex.GoogleAPICallError, gex.RetryError) as exc:
        return _fail(st, exc, f"Cloud Run job {st.id} in {project}/{region}")
    fill_from_job(st, job)
    try:
        pager = await clients.executions.list_executions(request={"parent": resource, "page_size": EXECUTIONS_SHOWN},
                                                          **call_options())
        execs = []
        async for ex in pager:
            execs.append(ex)
            if len(execs) >= EXECUTIONS_SHOWN:
                break
    except (gex.GoogleAPICallError, gex.RetryError) as exc:
        return _fail(st, exc, f"Cloud Run executions of job {st.id}")
    execs.sort(key=lambda e: e.create_time or 0, reverse=True)
    st.executions = [execution_row(ex) for ex in execs]
    if execs:
        latest = execs[0]
        done = next((_condition(c) for c in latest.conditions if c.type_ == "Completed"), None)
        if done is not None and done.state == "failed":
            st.failing_execution = short(latest.name)
            st.failure_reason = done.reason or None
            st.failure_message = done.message or f"{latest.failed_count} task(s) failed"
            st.ready = False
    if st.failure_message:
        st.hint = hint_for(st.failure_message)
    return st


def fill_from_job(st: ServiceStatus, job: Any) -> None:
    st.deployed = True
    st.conditions = conditions_of(job)
    st.reconciling = bool(job.reconciling)
    terminal = next((c for c in st.conditions if c.type == "Ready"), None)
    st.ready = terminal is not None and terminal.state == "succeeded"
    if terminal is not None and terminal.state == "failed":
        st.failure_reason = terminal.reason or None
        st.failure_message = terminal.message or None


def execution_row(ex: Any) -> dict[str, Any]:
    done = ex.completion_time
    return {
        "name": short(ex.name), "tasks": int(ex.task_count), "succeeded": int(ex.succeeded_count),
        "failed": int(ex.failed_count), "running": int(ex.running_count), "cancelled": int(ex.cancelled_count),
        "completion_time": done.isoformat().replace("+00:00", "Z") if done else None,
    }


async def fetch_status(plan: Plan, project: str, region: str | None = None, *,
                       clients: RunClients | None = None, only: list[str] | None = None) -> list[ServiceStatus]:
    """Live state of every Cloud Run service and job of the plan, in plan order.

    Builds the Run clients inside the running loop (grpc.aio channels bind to their loop) unless
    given. Never raises for per-service problems; a missing credential is set on every entry.
    """
    region = region or plan.region
    units = [(n, k) for n, k in run_units(plan) if only is None or n in only]
    if clients is None:
        from launchdeck.app.gcp import NoCredentials, make_run_clients

        try:
            clients = make_run_clients()
        except NoCredentials as exc:
            return [ServiceStatus(name=n, kind=k, error=str(exc), error_kind="auth") for n, k in units]
        own = clients
    else:
        own = None
    readers = {"job": job_status, "worker-pool": worker_pool_status, "service": service_status}
    calls = [readers[kind](clients, project, region, name) for name, kind in units]
    try:
        results = await asyncio.gather(*calls, return_exceptions=True)
    finally:
        if own is not None:  # a TUI refreshing every few seconds must not pile up open channels
            await close_run_clients(own)
    out: list[ServiceStatus] = []
    for (name, kind), res in zip(units, results, strict=True):
        if isinstance(res, BaseException):
            if not isinstance(res, Exception):
                raise res
            res = ServiceStatus(name=name, kind=kind, error=f"{name}: {type(res).__name__}: {one_line(str(res))}",
                                error_kind="other")
        out.append(res)
    return out


async def close_run_clients(clients: RunClients) -> None:
    """Close every Run client of a RunClients bundle."""
    await close_clients(clients.services, clients.revisions, clients.jobs, clients.executions,
                        getattr(clients, "worker_pools", None))


async def close_clients(*clients: Any) -> None:
    """Close the gRPC channels behind GAPIC async clients (a shared channel is closed once)."""
    seen: set[int] = set()
    for client in clients:
        transport = getattr(client, "transport", None)
        channel = getattr(transport, "grpc_channel", None)
        if transport is None or id(channel) in seen:
            continue
        seen.add(id(channel))
        with contextlib.suppress(Exception):  # closing is best effort
            await transport.close()


def _entry_text(entry: Any) -> str:
    if entry.text_payload:
        return entry.text_payload
    payload = entry.json_payload
    if payload:
        for key in ("message", "msg", "textPayload", "log"):
            if key in payload:
                return str(payload[key])
        import json

        return json.dumps(dict(payload), default=str)
    return ""


def _severity(value: Any) -> str:
    try:
        from google.logging.type import log_severity_pb2

        return log_severity_pb2.LogSeverity.Name(int(value))
    except (ValueError, TypeError):
        return str(value)


def format_entry(entry: Any) -> str:
    ts = entry.timestamp.isoformat(timespec="seconds").replace("+00:00", "Z") if entry.timestamp else "-"
    sev = _severity(entry.severity)
    text = _entry_text(entry).rstrip("\n")
    return f"{ts} {sev:<7} {text}" if sev != "DEFAULT" else f"{ts} {text}"


async def _list_lines(project: str, filter_: str, limit: int, what: str) -> list[str]:
    from google.api_core import exceptions as gex

    from launchdeck.app.gcp import NoCredentials, make_logging_client

    try:
        client = make_logging_client()
    except NoCredentials as exc:
        raise LogsUnavailable(str(exc)) from None
    request = {"resource_names": [f"projects/{project}"], "filter": filter_, "order_by": "timestamp desc",
               "page_size": limit}
    lines: list[str] = []
    try:
        pager = await client.list_log_entries(request=request, **call_options())
        async for entry in pager:
            lines.append(format_entry(entry))
            if len(lines) >= limit:
                break
    except (gex.GoogleAPICallError, gex.RetryError) as exc:
        raise LogsUnavailable(explain(exc, f"Cloud Logging for {what}", "logs")) from None
    finally:
        await close_clients(client)
    lines.reverse()  # fetched newest first so `limit` keeps the last ones; show them oldest first
    return lines


async def revision_logs(project: str, region: str, service: str, revision: str, limit: int = 50,
                        kind: str = "service") -> list[str]:
    """The last `limit` log lines of one revision of a service or worker pool, oldest first.

    Lines read "TIME SEVERITY text". Raises LogsUnavailable (one line) when Cloud Logging cannot be read.
    """
    rtype, label = (("cloud_run_worker_pool", "worker_pool_name") if kind == "worker-pool"
                    else ("cloud_run_revision", "service_name"))
    filter_ = (f'resource.type="{rtype}" AND resource.labels.{label}="{run_id(service)}" '
               f'AND resource.labels.revision_name="{revision}" AND resource.labels.location="{region}"')
    return await _list_lines(project, filter_, limit, f"revision {revision}")


async def execution_logs(project: str, region: str, job: str, execution: str, limit: int = 50) -> list[str]:
    """The last `limit` log lines of one job execution, oldest first."""
    filter_ = (f'resource.type="cloud_run_job" AND resource.labels.job_name="{run_id(job)}" '
               f'AND labels."run.googleapis.com/execution_name"="{execution}" '
               f'AND resource.labels.location="{region}"')
    return await _list_lines(project, filter_, limit, f"execution {execution}")


async def failure_logs(project: str, region: str, st: ServiceStatus, limit: int = 50) -> list[str]:
    """Logs of whatever is failing in `st` (a revision or a job execution); [] when nothing is."""
    if st.failing_revision:
        return await revision_logs(project, region, st.name, st.failing_revision, limit, kind=st.kind)
    if st.failing_execution:
        return await execution_logs(project, region, st.name, st.failing_execution, limit)
    return []
