"""A fake Cloud Run Admin API (v2) gRPC server for tests, plus a minimal Cloud Logging ListLogEntries.

It speaks the real protocol: a sync `grpc.server` on 127.0.0.1:0 in its own threads, generic method
handlers whose (de)serializers are the proto-plus classes shipped in the google-cloud-run wheel, so
the real `run_v2.*AsyncClient`s (built by `app.gcp.make_run_clients()` with
`LAUNCHDECK_EMULATOR_HOST`) talk to it unmodified.

What it models, following what the real API does:
- Services with revisions, conditions, a terminal condition, traffic and a URL.
- Create/UpdateService and Create/UpdateJob as long-running operations that finish on the first
  `google.longrunning.Operations/GetOperation` poll (so tests stay fast).
- A revision failing its startup probe: the deploy LRO still SUCCEEDS, but the service's
  terminal condition is CONDITION_FAILED and the revision's Ready condition is FAILED with
  revision_reason HEALTH_CHECK_CONTAINER_ERROR (`fail_next` / `add_service(failing=True)`).
- NotFound for a service not deployed yet; PERMISSION_DENIED and SERVICE_DISABLED with rich
  ErrorInfo details (`deny`, `disabled`).
- Jobs with executions and task counts.
- Worker pools (Get/Create/UpdateWorkerPool, their revisions through Revisions.GetRevision): a
  healthy pool, or one whose newest revision's container cannot start (`add_worker_pool(failing=
  True)` / `fail_next`), with its logs under resource type cloud_run_worker_pool.
- `google.logging.v2.LoggingServiceV2/ListLogEntries` over stored entries, with a small AND-only
  `key="value"` filter, so one emulator port serves both APIs.
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
from google.api import monitored_resource_pb2
from google.cloud import run_v2
from google.cloud.logging_v2 import types as log_types
from google.longrunning import operations_pb2
from google.protobuf import any_pb2

from tests.fakes.grpcfake import FakeServer, Handlers, unary

PORT_MESSAGE = (
    "The user-provided container failed to start and listen on the port defined provided by the "
    "PORT=8080 environment variable"
)
_PORT_TAIL = (
    " within the allocated timeout. This can happen when the container port is misconfigured or if "
    "the timeout is too short. The health check timeout can be extended. Logs for this revision might "
    "contain more information.\n\nLogs URL: https://console.cloud.google.com/logs/viewer?project=demo"
)
# A worker pool whose image lacks the worker's executable (celery installed in another stage).
EXEC_MESSAGE = (
    'terminated: Application failed to start: failed to resolve binary path: error finding executable "celery" '
    "in PATH [/usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin]: no such file or directory"
)
C = run_v2.Condition
OK = C.State.CONDITION_SUCCEEDED
FAILED = C.State.CONDITION_FAILED
BASE_TIME = datetime(2026, 11, 27, 4, 0, 0, tzinfo=UTC)


def _cond(type_: str, state: Any, message: str = "", **reason: Any) -> run_v2.Condition:
    return run_v2.Condition(type_=type_, state=state, message=message, **reason)


@dataclass
class Call:
    method: str
    request: Any
    metadata: dict[str, str] = field(default_factory=dict)


class FakeRun(FakeServer):
    """Fake Run v2 + ListLogEntries. Use `start()` / `stop()` or the `with` statement."""

    max_workers = 8

    def __init__(self, project: str = "demo-project", region: str = "us-central1") -> None:
        super().__init__()
        self.project = project
        self.region = region
        self.services: dict[str, run_v2.Service] = {}
        self.revisions: dict[str, run_v2.Revision] = {}
        self.jobs: dict[str, run_v2.Job] = {}
        self.executions: dict[str, run_v2.Execution] = {}
        self.worker_pools: dict[str, run_v2.WorkerPool] = {}
        self.log_entries: list[log_types.LogEntry] = []
        self.calls: list[Call] = []
        # Method names ("GetService", ...) or "*" answered with PERMISSION_DENIED.
        # (ListLogEntries only when named: "*" means every Run method.)
        self.deny: set[str] = set()
        # When True, every Run call fails the way a project without the Run API enabled does.
        self.disabled = False
        # How many GetOperation polls answer UNAVAILABLE before the operation is reported done.
        self.unavailable_polls = 0
        # Service ids whose next created revision fails its startup probe.
        self.fail_next: set[str] = set()
        self._ops: dict[str, any_pb2.Any] = {}
        self._lock = threading.Lock()
        self._counter = 0

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> FakeRun:  # type: ignore[override]  # returns the fake itself, not the port
        super().start()
        return self

    def handlers(self) -> Handlers:
        rv = run_v2
        table = {
            "google.cloud.run.v2.Services": {
                "GetService": (self._get_service, rv.GetServiceRequest, rv.Service),
                "CreateService": (self._create_service, rv.CreateServiceRequest, operations_pb2.Operation),
                "UpdateService": (self._update_service, rv.UpdateServiceRequest, operations_pb2.Operation),
            },
            "google.cloud.run.v2.WorkerPools": {
                "GetWorkerPool": (self._get_worker_pool, rv.GetWorkerPoolRequest, rv.WorkerPool),
                "CreateWorkerPool": (self._create_worker_pool, rv.CreateWorkerPoolRequest, operations_pb2.Operation),
                "UpdateWorkerPool": (self._update_worker_pool, rv.UpdateWorkerPoolRequest, operations_pb2.Operation),
            },
            "google.cloud.run.v2.Revisions": {
                "GetRevision": (self._get_revision, rv.GetRevisionRequest, rv.Revision),
                "ListRevisions": (self._list_revisions, rv.ListRevisionsRequest, rv.ListRevisionsResponse),
            },
            "google.cloud.run.v2.Jobs": {
                "GetJob": (self._get_job, rv.GetJobRequest, rv.Job),
                "CreateJob": (self._create_job, rv.CreateJobRequest, operations_pb2.Operation),
                "UpdateJob": (self._update_job, rv.UpdateJobRequest, operations_pb2.Operation),
            },
            "google.cloud.run.v2.Executions": {
                "GetExecution": (self._get_execution, rv.GetExecutionRequest, rv.Execution),
                "ListExecutions": (self._list_executions, rv.ListExecutionsRequest, rv.ListExecutionsResponse),
            },
            "google.longrunning.Operations": {
                "GetOperation": (self._get_operation, operations_pb2.GetOperationRequest, operations_pb2.Operation),
            },
            "google.logging.v2.LoggingServiceV2": {
                "ListLogEntries": (self._list_log_entries, log_types.ListLogEntriesRequest,
                                   log_types.ListLogEntriesResponse),
            },
        }
        return {service: {method: unary(self._wrap(method, fn), req_cls, resp_cls)
                          for method, (fn, req_cls, resp_cls) in methods.items()}
                for service, methods in table.items()}

    # ----------------------------------------------------------------- names
    @property
    def parent(self) -> str:
        return f"projects/{self.project}/locations/{self.region}"

    def service_name(self, sid: str) -> str:
        return f"{self.parent}/services/{sid}"

    def job_name(self, jid: str) -> str:
        return f"{self.parent}/jobs/{jid}"

    def worker_pool_name(self, wid: str) -> str:
        return f"{self.parent}/workerPools/{wid}"

    def methods_called(self) -> list[str]:
        return [c.method for c in self.calls]

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    # ----------------------------------------------------------------- seeding
    def add_service(
        self,
        sid: str,
        *,
        image: str | None = None,
        env: dict[str, str] | None = None,
        secrets: dict[str, tuple[str, str]] | None = None,
        cpu: str = "1000m",
        memory: str = "512Mi",
        port: int = 8080,
        failing: bool = False,
    ) -> run_v2.Service:
        """A deployed service with one ready revision; `failing` adds a newer revision that fails."""
        envs = [run_v2.EnvVar(name=k, value=v) for k, v in (env or {}).items()]
        for name, (secret, version) in (secrets or {}).items():
            envs.append(run_v2.EnvVar(name=name, value_source=run_v2.EnvVarSource(
                secret_key_ref=run_v2.SecretKeySelector(secret=secret, version=version))))
        container = run_v2.Container(
            image=image or f"{self.region}-docker.pkg.dev/{self.project}/app/{sid}:v1",
            env=envs,
            resources=run_v2.ResourceRequirements(limits={"cpu": cpu, "memory": memory}, cpu_idle=True),
            ports=[run_v2.ContainerPort(name="http1", container_port=port)],
        )
        svc = run_v2.Service(
            name=self.service_name(sid),
            uri=f"https://{sid}-abc123-uc.a.run.app",
            urls=[f"https://{sid}-abc123-uc.a.run.app"],
            template=run_v2.RevisionTemplate(
                containers=[container],
                scaling=run_v2.RevisionScaling(min_instance_count=0, max_instance_count=10),
                max_instance_request_concurrency=80,
                timeout=timedelta(seconds=300),
                service_account=f"runner@{self.project}.iam.gserviceaccount.com",
            ),
            traffic=[run_v2.TrafficTarget(type_=run_v2.TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST,
                                          percent=100)],
            etag='"etag-1"',
        )
        with self._lock:
            self._roll_out(sid, svc, failing=False)
            if failing:
                self._roll_out(sid, svc, failing=True)
            self.services[svc.name] = svc
        return svc

    def redeploy(self, sid: str, failing: bool = False) -> str:
        """A new revision of a deployed service, as if someone deployed it elsewhere; returns its id."""
        with self._lock:
            svc = self.services[self.service_name(sid)]
            self._roll_out(sid, svc, failing=failing)
            return svc.latest_created_revision.rsplit("/", 1)[1]

    def add_worker_pool(self, wid: str, *, image: str | None = None, instances: int = 1,
                        env: dict[str, str] | None = None, cpu: str = "1", memory: str = "512Mi",
                        failing: bool = False) -> run_v2.WorkerPool:
        """A deployed worker pool with one ready revision; `failing` adds a newer revision that cannot start."""
        container = run_v2.Container(
            image=image or f"{self.region}-docker.pkg.dev/{self.project}/app/{wid}:v1",
            args=["celery", "-A", "app.worker", "worker", "--loglevel=info"],
            env=[run_v2.EnvVar(name=k, value=v) for k, v in (env or {}).items()],
            resources=run_v2.ResourceRequirements(limits={"cpu": cpu, "memory": memory}),
        )
        pool = run_v2.WorkerPool(
            name=self.worker_pool_name(wid),
            template=run_v2.WorkerPoolRevisionTemplate(
                containers=[container], service_account=f"runner@{self.project}.iam.gserviceaccount.com"),
            scaling=run_v2.WorkerPoolScaling(manual_instance_count=instances),
            instance_splits=[run_v2.InstanceSplit(
                type_=run_v2.InstanceSplitAllocationType.INSTANCE_SPLIT_ALLOCATION_TYPE_LATEST, percent=100)],
            etag='"etag-1"',
        )
        with self._lock:
            self._roll_out_pool(wid, pool, failing=False)
            if failing:
                self._roll_out_pool(wid, pool, failing=True)
            self.worker_pools[pool.name] = pool
        return pool

    def add_job(self, jid: str, *, image: str | None = None,
                executions: list[dict[str, int]] | None = None) -> run_v2.Job:
        """A job with past executions, newest last in `executions` (keys: succeeded, failed, running, cancelled)."""
        job = run_v2.Job(
            name=self.job_name(jid),
            template=run_v2.ExecutionTemplate(task_count=1, template=run_v2.TaskTemplate(
                containers=[run_v2.Container(image=image or f"{self.region}-docker.pkg.dev/{self.project}/app/{jid}:v1")],
                max_retries=3, timeout=timedelta(seconds=600))),
            terminal_condition=_cond("Ready", OK),
            conditions=[],
            etag='"etag-1"',
        )
        with self._lock:
            for i, counts in enumerate(executions or []):
                ex = self._execution(job, i, counts)
                job.latest_created_execution = run_v2.ExecutionReference(
                    name=ex.name, create_time=ex.create_time, completion_time=ex.completion_time)
                job.execution_count = i + 1
            self.jobs[job.name] = job
        return job

    def _execution(self, job: run_v2.Job, index: int, counts: dict[str, int]) -> run_v2.Execution:
        jid = job.name.rsplit("/", 1)[1]
        succeeded, failed = counts.get("succeeded", 0), counts.get("failed", 0)
        running, cancelled = counts.get("running", 0), counts.get("cancelled", 0)
        total = succeeded + failed + running + cancelled
        created = BASE_TIME + timedelta(hours=index)
        ex = run_v2.Execution(
            name=f"{job.name}/executions/{jid}-{index + 1:02d}x{index}q",
            job=jid, task_count=total, succeeded_count=succeeded, failed_count=failed,
            running_count=running, cancelled_count=cancelled, create_time=created,
        )
        if not running:
            ex.completion_time = created + timedelta(minutes=2)
            if failed:
                ex.conditions = [_cond("Completed", FAILED, f"Task {jid}-{index}-0 failed with exit code 1 "
                                                            "after 3 retries.")]
            else:
                ex.conditions = [_cond("Completed", OK)]
        self.executions[ex.name] = ex
        return ex

    def add_log(self, sid: str, revision: str, text: str, severity: str = "DEFAULT", *,
                at: datetime | None = None, system: bool = False) -> None:
        with self._lock:
            n = len(self.log_entries)
            self._append_log(sid, revision, text, severity, at or (BASE_TIME + timedelta(seconds=n)), system, n)

    # ----------------------------------------------------------------- model
    def _roll_out(self, sid: str, svc: run_v2.Service, failing: bool) -> None:
        """Create a new revision from the service's template and update the service's status."""
        svc.generation = svc.generation + 1
        svc.observed_generation = svc.generation
        suffix = "".join("abcdefghjkmnpqrstuvwxyz"[(self._next() * k) % 23] for k in (7, 11, 13))
        rev_id = f"{sid}-{svc.generation:05d}-{suffix}"
        rev = run_v2.Revision(
            name=f"{svc.name}/revisions/{rev_id}",
            service=sid,
            containers=list(svc.template.containers),
            scaling=svc.template.scaling,
            timeout=svc.template.timeout,
            max_instance_request_concurrency=svc.template.max_instance_request_concurrency,
            create_time=BASE_TIME + timedelta(minutes=svc.generation),
            log_uri="https://console.cloud.google.com/logs/viewer",
        )
        previous_ready = svc.latest_ready_revision
        svc.latest_created_revision = rev.name
        if failing:
            message = PORT_MESSAGE + _PORT_TAIL
            rev.conditions = [
                _cond("Ready", FAILED, message, revision_reason=C.RevisionReason.HEALTH_CHECK_CONTAINER_ERROR),
                _cond("ContainerHealthy", FAILED, message, revision_reason=C.RevisionReason.HEALTH_CHECK_CONTAINER_ERROR),
                _cond("ResourcesAvailable", OK),
            ]
            svc.terminal_condition = _cond(
                "Ready", FAILED, f"Revision '{rev_id}' is not ready and cannot serve traffic. {message}",
                revision_reason=C.RevisionReason.HEALTH_CHECK_CONTAINER_ERROR)
            svc.conditions = [
                _cond("ConfigurationsReady", FAILED, f"Revision '{rev_id}' is not ready and cannot serve traffic. "
                      f"{message}", revision_reason=C.RevisionReason.HEALTH_CHECK_CONTAINER_ERROR),
                _cond("RoutesReady", OK if previous_ready else FAILED),
            ]
            self.revisions[rev.name] = rev
            # What Cloud Run logs for a container that binds the wrong interface, then its verdict.
            t0 = BASE_TIME + timedelta(minutes=svc.generation)
            self.log_entries_for_failure(sid, rev_id, t0)
        else:
            rev.conditions = [_cond("Ready", OK), _cond("ContainerHealthy", OK), _cond("ResourcesAvailable", OK)]
            svc.latest_ready_revision = rev.name
            svc.terminal_condition = _cond("Ready", OK)
            svc.conditions = [_cond("ConfigurationsReady", OK), _cond("RoutesReady", OK)]
            self.revisions[rev.name] = rev
        ready = svc.latest_ready_revision
        if ready:
            svc.traffic_statuses = [run_v2.TrafficTargetStatus(
                type_=run_v2.TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST, percent=100,
                revision=ready.rsplit("/", 1)[1])]
        svc.etag = f'"etag-{svc.generation}"'

    def _roll_out_pool(self, wid: str, pool: run_v2.WorkerPool, failing: bool) -> None:
        """A new worker-pool revision from the pool's template; no probe, so a failure is the container not starting."""
        pool.generation = pool.generation + 1
        pool.observed_generation = pool.generation
        suffix = "".join("abcdefghjkmnpqrstuvwxyz"[(self._next() * k) % 23] for k in (5, 7, 17))
        rev_id = f"{wid}-{pool.generation:05d}-{suffix}"
        rev = run_v2.Revision(
            name=f"{pool.name}/revisions/{rev_id}", containers=list(pool.template.containers),
            create_time=BASE_TIME + timedelta(minutes=pool.generation),
        )
        latest = run_v2.InstanceSplitAllocationType.INSTANCE_SPLIT_ALLOCATION_TYPE_LATEST
        pool.latest_created_revision = rev.name
        if failing:
            message = f"Revision '{rev_id}' is not ready. {EXEC_MESSAGE}"
            rev.conditions = [_cond("Ready", FAILED, EXEC_MESSAGE, reason=C.CommonReason.CONTAINER_MISSING),
                              _cond("ResourcesAvailable", OK)]
            pool.terminal_condition = _cond("Ready", FAILED, message, reason=C.CommonReason.REVISION_FAILED)
            pool.conditions = [_cond("ConfigurationsReady", FAILED, message, reason=C.CommonReason.REVISION_FAILED)]
            t0 = BASE_TIME + timedelta(minutes=pool.generation)
            for i, (sev, text) in enumerate([("ERROR", EXEC_MESSAGE),
                                             ("ERROR", f"Ready condition status changed to False for Revision "
                                                       f"{rev_id} with message: {EXEC_MESSAGE}")]):
                self._append_log(wid, rev_id, text, sev, t0 + timedelta(seconds=i), True, len(self.log_entries),
                                 kind="worker-pool")
        else:
            rev.conditions = [_cond("Ready", OK), _cond("ResourcesAvailable", OK)]
            pool.latest_ready_revision = rev.name
            pool.terminal_condition = _cond("Ready", OK)
            pool.conditions = [_cond("ConfigurationsReady", OK)]
            t0 = BASE_TIME + timedelta(minutes=pool.generation)
            self._append_log(wid, rev_id, "[INFO/MainProcess] celery@localhost ready.", "INFO", t0, False,
                             len(self.log_entries), kind="worker-pool")
        self.revisions[rev.name] = rev
        if pool.latest_ready_revision:
            pool.instance_split_statuses = [run_v2.InstanceSplitStatus(
                type_=latest, percent=100, revision=pool.latest_ready_revision.rsplit("/", 1)[1])]
        pool.etag = f'"etag-{pool.generation}"'

    def log_entries_for_failure(self, sid: str, rev_id: str, t0: datetime) -> None:
        lines = [
            ("INFO", "INFO:     Started server process [1]", False),
            ("INFO", "INFO:     Waiting for application startup.", False),
            ("INFO", "INFO:     Application startup complete.", False),
            ("INFO", "INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)", False),
            ("ERROR", f'Default STARTUP TCP probe failed 1 time consecutively for container "{sid}-1" on port 8080. '
                      "The instance was not started.", True),
            ("ERROR", f"Ready condition status changed to False for Revision {rev_id} with message: "
                      f"{PORT_MESSAGE}.", True),
        ]
        n = len(self.log_entries)
        for i, (sev, text, system) in enumerate(lines):
            self._append_log(sid, rev_id, text, sev, t0 + timedelta(seconds=i), system, n + i)

    def _append_log(self, sid: str, rev_id: str, text: str, severity: str, at: datetime, system: bool, n: int,
                    kind: str = "service") -> None:
        from google.logging.type import log_severity_pb2

        log = "run.googleapis.com%2Fvarlog%2Fsystem" if system else "run.googleapis.com%2Fstderr"
        if kind == "worker-pool":  # the monitored resource Cloud Run writes worker-pool logs under
            resource = monitored_resource_pb2.MonitoredResource(type="cloud_run_worker_pool", labels={
                "worker_pool_name": sid, "revision_name": rev_id, "location": self.region, "project_id": self.project})
        else:
            resource = monitored_resource_pb2.MonitoredResource(type="cloud_run_revision", labels={
                "service_name": sid, "revision_name": rev_id, "location": self.region,
                "project_id": self.project, "configuration_name": sid})
        self.log_entries.append(log_types.LogEntry(
            log_name=f"projects/{self.project}/logs/{log}",
            resource=resource,
            text_payload=text, severity=log_severity_pb2.LogSeverity.Value(severity),
            timestamp=at, insert_id=f"id{n:05d}",
        ))

    def _operation(self, response: Any, cls: Any) -> operations_pb2.Operation:
        name = f"{self.parent}/operations/{uuid.uuid4()}"
        packed = any_pb2.Any()
        packed.Pack(cls.pb(response))
        self._ops[name] = packed
        return operations_pb2.Operation(name=name, done=False, metadata=packed)

    # ----------------------------------------------------------------- handlers
    def _wrap(self, method: str, fn: Any) -> Any:
        def handler(request: Any, context: grpc.ServicerContext) -> Any:
            meta = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
            with self._lock:
                self.calls.append(Call(method, copy.deepcopy(request), meta))
            run_call = method not in ("GetOperation", "ListLogEntries")
            if run_call and self.disabled:
                _abort_rich(context, grpc.StatusCode.PERMISSION_DENIED,
                            f"Cloud Run Admin API has not been used in project {self.project} before or it is "
                            "disabled. Enable it by visiting https://console.developers.google.com/apis/api/"
                            f"run.googleapis.com/overview?project={self.project} then retry.",
                            "SERVICE_DISABLED", "googleapis.com", {"service": "run.googleapis.com"})
            if method in self.deny or (run_call and "*" in self.deny):
                perm = _PERMISSIONS.get(method, "run.services.get")
                _abort_rich(context, grpc.StatusCode.PERMISSION_DENIED,
                            f"Permission '{perm}' denied on resource '{_resource_of(request)}' "
                            "(or resource may not exist).",
                            "IAM_PERMISSION_DENIED", "run.googleapis.com", {"permission": perm})
            with self._lock:
                return fn(request, context)

        return handler

    def _get_service(self, req: Any, ctx: grpc.ServicerContext) -> run_v2.Service:
        svc = self.services.get(req.name)
        if svc is None:
            ctx.abort(grpc.StatusCode.NOT_FOUND, f"Resource '{req.name.rsplit('/', 1)[1]}' of kind 'SERVICE' in "
                                                 f"region '{self.region}' in project '{self.project}' does not exist.")
        return svc

    def _create_service(self, req: Any, ctx: grpc.ServicerContext) -> operations_pb2.Operation:
        name = f"{req.parent}/services/{req.service_id}"
        if name in self.services:
            ctx.abort(grpc.StatusCode.ALREADY_EXISTS, f"Resource '{req.service_id}' already exists.")
        svc = run_v2.Service(req.service)
        svc.name = name
        svc.uri = f"https://{req.service_id}-abc123-uc.a.run.app"
        svc.urls = [svc.uri]
        if not svc.traffic:
            svc.traffic = [run_v2.TrafficTarget(
                type_=run_v2.TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST, percent=100)]
        self._roll_out(req.service_id, svc, failing=req.service_id in self.fail_next)
        self.fail_next.discard(req.service_id)
        self.services[name] = svc
        return self._operation(svc, run_v2.Service)

    def _update_service(self, req: Any, ctx: grpc.ServicerContext) -> operations_pb2.Operation:
        current = self.services.get(req.service.name)
        if current is None:
            ctx.abort(grpc.StatusCode.NOT_FOUND, f"Resource '{req.service.name}' does not exist.")
        if req.service.etag and req.service.etag != current.etag:
            ctx.abort(grpc.StatusCode.ABORTED, "The etag does not match: the service changed since it was read.")
        svc = run_v2.Service(req.service)
        for out in ("uri", "urls", "latest_ready_revision", "latest_created_revision", "generation",
                    "traffic_statuses", "conditions", "terminal_condition"):
            setattr(svc, out, getattr(current, out))
        sid = svc.name.rsplit("/", 1)[1]
        self._roll_out(sid, svc, failing=sid in self.fail_next)
        self.fail_next.discard(sid)
        self.services[svc.name] = svc
        return self._operation(svc, run_v2.Service)

    def _get_worker_pool(self, req: Any, ctx: grpc.ServicerContext) -> run_v2.WorkerPool:
        pool = self.worker_pools.get(req.name)
        if pool is None:
            ctx.abort(grpc.StatusCode.NOT_FOUND, f"Resource '{req.name.rsplit('/', 1)[1]}' of kind 'WORKER_POOL' in "
                                                 f"region '{self.region}' in project '{self.project}' does not exist.")
        return pool

    def _create_worker_pool(self, req: Any, ctx: grpc.ServicerContext) -> operations_pb2.Operation:
        name = f"{req.parent}/workerPools/{req.worker_pool_id}"
        if name in self.worker_pools:
            ctx.abort(grpc.StatusCode.ALREADY_EXISTS, f"Resource '{req.worker_pool_id}' already exists.")
        if req.worker_pool.template.containers and req.worker_pool.template.containers[0].ports:
            ctx.abort(grpc.StatusCode.INVALID_ARGUMENT, "Worker pools do not accept container ports.")
        pool = run_v2.WorkerPool(req.worker_pool)
        pool.name = name
        self._roll_out_pool(req.worker_pool_id, pool, failing=req.worker_pool_id in self.fail_next)
        self.fail_next.discard(req.worker_pool_id)
        self.worker_pools[name] = pool
        return self._operation(pool, run_v2.WorkerPool)

    def _update_worker_pool(self, req: Any, ctx: grpc.ServicerContext) -> operations_pb2.Operation:
        current = self.worker_pools.get(req.worker_pool.name)
        if current is None:
            ctx.abort(grpc.StatusCode.NOT_FOUND, f"Resource '{req.worker_pool.name}' does not exist.")
        if req.worker_pool.etag and req.worker_pool.etag != current.etag:
            ctx.abort(grpc.StatusCode.ABORTED, "The etag does not match: the worker pool changed since it was read.")
        pool = run_v2.WorkerPool(req.worker_pool)
        for out in ("latest_ready_revision", "latest_created_revision", "generation", "instance_split_statuses",
                    "conditions", "terminal_condition"):
            setattr(pool, out, getattr(current, out))
        wid = pool.name.rsplit("/", 1)[1]
        # Changing only the instance count makes no new revision (manual scaling docs).
        if run_v2.WorkerPoolRevisionTemplate.to_dict(pool.template) != run_v2.WorkerPoolRevisionTemplate.to_dict(
                current.template) or wid in self.fail_next:
            self._roll_out_pool(wid, pool, failing=wid in self.fail_next)
        self.fail_next.discard(wid)
        self.worker_pools[pool.name] = pool
        return self._operation(pool, run_v2.WorkerPool)

    def _get_revision(self, req: Any, ctx: grpc.ServicerContext) -> run_v2.Revision:
        rev = self.revisions.get(req.name)
        if rev is None:
            ctx.abort(grpc.StatusCode.NOT_FOUND, f"Revision '{req.name}' does not exist.")
        return rev

    def _list_revisions(self, req: Any, ctx: grpc.ServicerContext) -> run_v2.ListRevisionsResponse:
        revs = [r for n, r in self.revisions.items() if n.startswith(req.parent + "/revisions/")]
        return run_v2.ListRevisionsResponse(revisions=sorted(revs, key=lambda r: r.name, reverse=True))

    def _get_job(self, req: Any, ctx: grpc.ServicerContext) -> run_v2.Job:
        job = self.jobs.get(req.name)
        if job is None:
            ctx.abort(grpc.StatusCode.NOT_FOUND, f"Resource '{req.name.rsplit('/', 1)[1]}' of kind 'JOB' in "
                                                 f"region '{self.region}' in project '{self.project}' does not exist.")
        return job

    def _create_job(self, req: Any, ctx: grpc.ServicerContext) -> operations_pb2.Operation:
        name = f"{req.parent}/jobs/{req.job_id}"
        if name in self.jobs:
            ctx.abort(grpc.StatusCode.ALREADY_EXISTS, f"Resource '{req.job_id}' already exists.")
        job = run_v2.Job(req.job)
        job.name = name
        job.generation = 1
        job.terminal_condition = _cond("Ready", OK)
        self.jobs[name] = job
        return self._operation(job, run_v2.Job)

    def _update_job(self, req: Any, ctx: grpc.ServicerContext) -> operations_pb2.Operation:
        current = self.jobs.get(req.job.name)
        if current is None:
            ctx.abort(grpc.StatusCode.NOT_FOUND, f"Resource '{req.job.name}' does not exist.")
        job = run_v2.Job(req.job)
        job.generation = current.generation + 1
        job.terminal_condition = _cond("Ready", OK)
        job.latest_created_execution = current.latest_created_execution
        self.jobs[job.name] = job
        return self._operation(job, run_v2.Job)

    def _get_execution(self, req: Any, ctx: grpc.ServicerContext) -> run_v2.Execution:
        ex = self.executions.get(req.name)
        if ex is None:
            ctx.abort(grpc.StatusCode.NOT_FOUND, f"Execution '{req.name}' does not exist.")
        return ex

    def _list_executions(self, req: Any, ctx: grpc.ServicerContext) -> run_v2.ListExecutionsResponse:
        found = [e for n, e in self.executions.items() if n.startswith(req.parent + "/executions/")]
        found.sort(key=lambda e: e.create_time, reverse=True)  # newest first, as the real API lists them
        size = req.page_size or 100
        start = int(req.page_token or 0)
        page = found[start:start + size]
        token = str(start + size) if start + size < len(found) else ""
        return run_v2.ListExecutionsResponse(executions=page, next_page_token=token)

    def _get_operation(self, req: Any, ctx: grpc.ServicerContext) -> operations_pb2.Operation:
        if self.unavailable_polls > 0:
            self.unavailable_polls -= 1
            ctx.abort(grpc.StatusCode.UNAVAILABLE, "The service is currently unavailable.")
        packed = self._ops.get(req.name)
        if packed is None:
            ctx.abort(grpc.StatusCode.NOT_FOUND, f"Operation {req.name} not found.")
        return operations_pb2.Operation(name=req.name, done=True, metadata=packed, response=packed)

    def _list_log_entries(self, req: Any, ctx: grpc.ServicerContext) -> log_types.ListLogEntriesResponse:
        wanted = re.findall(r'([\w.\-"/]+)\s*=\s*"([^"]*)"', req.filter or "")
        entries = [e for e in self.log_entries if all(_field(e, k) == v for k, v in wanted)]
        entries.sort(key=lambda e: e.timestamp, reverse="desc" in (req.order_by or ""))
        size = req.page_size or 1000
        start = int(req.page_token or 0)
        page = entries[start:start + size]
        token = str(start + size) if start + size < len(entries) else ""
        return log_types.ListLogEntriesResponse(entries=page, next_page_token=token)


_PERMISSIONS = {
    "GetService": "run.services.get", "CreateService": "run.services.create", "UpdateService": "run.services.update",
    "GetRevision": "run.revisions.get", "ListRevisions": "run.revisions.list", "GetJob": "run.jobs.get",
    "CreateJob": "run.jobs.create", "UpdateJob": "run.jobs.update", "ListExecutions": "run.executions.list",
    "GetExecution": "run.executions.get", "ListLogEntries": "logging.logEntries.list",
    "GetWorkerPool": "run.workerpools.get", "CreateWorkerPool": "run.workerpools.create",
    "UpdateWorkerPool": "run.workerpools.update",
}


def _resource_of(request: Any) -> str:
    for attr in ("name", "parent"):
        value = getattr(request, attr, "")
        if value:
            return value
    for attr in ("service", "job", "worker_pool"):
        inner = getattr(request, attr, None)
        if inner is not None and getattr(inner, "name", ""):
            return inner.name
    return "unknown"


def _field(entry: log_types.LogEntry, key: str) -> str:
    key = key.replace('"', "")
    if key == "resource.type":
        return entry.resource.type
    if key.startswith("resource.labels."):
        return entry.resource.labels.get(key[len("resource.labels."):], "")
    if key == "logName":
        return entry.log_name
    if key.startswith("labels."):
        return entry.labels.get(key[len("labels."):], "")
    return ""


def _abort_rich(context: grpc.ServicerContext, code: grpc.StatusCode, message: str, reason: str, domain: str,
                metadata: dict[str, str]) -> None:
    """Abort the way Google front ends do: a google.rpc.Status carrying an ErrorInfo detail."""
    from google.rpc import error_details_pb2, status_pb2
    from grpc_status import rpc_status

    info = error_details_pb2.ErrorInfo(reason=reason, domain=domain, metadata=metadata)
    detail = any_pb2.Any()
    detail.Pack(info)
    status = status_pb2.Status(code=code.value[0], message=message, details=[detail])
    context.abort_with_status(rpc_status.to_status(status))


def demo() -> FakeRun:
    """The built-in example, live: frontend ready, backend's newest revision failing, the worker pool
    running 1 instance, migrate with runs."""
    fake = FakeRun()
    fake.add_service("frontend")
    fake.add_service("backend", failing=True, memory="1Gi", env={"LOG_LEVEL": "debug", "FEATURE_X": "on"},
                     secrets={"DATABASE_URL": ("prod-db-url", "3")})
    fake.add_service("realtime")
    fake.add_worker_pool("worker", instances=1, cpu="4", memory="4Gi")
    fake.add_job("migrate", executions=[{"succeeded": 1}, {"succeeded": 1}])
    return fake


if __name__ == "__main__":  # `python -m tests.fakes.fake_run`: serve the demo until Ctrl-C
    import time

    server = demo().start()
    print(f"export LAUNCHDECK_EMULATOR_HOST={server.target}  # project demo-project, region us-central1", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
