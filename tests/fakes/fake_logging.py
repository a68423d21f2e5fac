"""A fake Cloud Logging API (google.logging.v2.LoggingServiceV2) gRPC server for tests.

Real protocol, no patching: a sync `grpc.server` on 127.0.0.1:0 in its own threads, generic method
handlers whose (de)serializers are the proto-plus classes of the google-cloud-logging wheel. The
real `LoggingServiceV2AsyncClient` reaches it through LAUNCHDECK_EMULATOR_HOST.

- ListLogEntries: a small AND-only filter subset (resource.type, resource.labels.*, logName,
  severity>=, timestamp >=/>/</<=), order_by timestamp asc|desc, page tokens (pages capped at
  `max_page` so paging is always exercised).
- TailLogEntries: bidi; every `add()` is pushed to the open sessions whose filter matches.
  `faults` is consumed one item per new tail session:
    None                          a normal session
    ("unavailable_after", n)      send n entries, then abort UNAVAILABLE
    ("close_after", n)            send n entries, then end the stream cleanly
    ("exhausted", seconds)        abort RESOURCE_EXHAUSTED at once, with RetryInfo(seconds)
    ("denied",)                   abort PERMISSION_DENIED at once
- `deny = True` makes every call abort PERMISSION_DENIED; `fail = (StatusCode, message)` makes
  every call abort with that status (UNAUTHENTICATED, NOT_FOUND, a disabled API, ...).
"""

from __future__ import annotations

import datetime as dt
import queue
import re
import threading
from typing import Any

import grpc
from google.cloud.logging_v2 import types as lt
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from tests.fakes.grpcfake import FakeServer, Handlers, bidi, unary

SERVICE = "google.logging.v2.LoggingServiceV2"
_CLAUSE = re.compile(r'^\s*([\w.\-"/]+)\s*(>=|<=|=|>|<)\s*"?([^"]*)"?\s*$')
_SEVERITY = {"DEFAULT": 0, "DEBUG": 100, "INFO": 200, "NOTICE": 300, "WARNING": 400, "ERROR": 500,
             "CRITICAL": 600, "ALERT": 700, "EMERGENCY": 800}


def _ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _clauses(filt: str) -> list[tuple[str, str, str]]:
    out = []
    for part in re.split(r"\s+AND\s+", filt.strip()):
        part = part.strip().strip("()").strip()
        if not part:
            continue
        m = _CLAUSE.match(part)
        if not m:
            raise ValueError(f"unsupported filter clause: {part}")
        out.append((m.group(1), m.group(2), m.group(3)))
    return out


def _matches(entry: Any, clauses: list[tuple[str, str, str]]) -> bool:
    for key, op, value in clauses:
        if key == "timestamp":
            a, b = entry.timestamp, _ts(value)
            ok = {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b, "=": a == b}[op]
        elif key == "severity":
            a, b = int(entry.severity), _SEVERITY.get(value, 0)
            ok = {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b, "=": a == b}[op]
        elif key == "resource.type":
            ok = entry.resource.type == value
        elif key.startswith("resource.labels."):
            ok = entry.resource.labels.get(key.split(".", 2)[2].strip('"')) == value
        elif key == "logName":
            ok = entry.log_name == value
        else:
            ok = False
        if not ok:
            return False
    return True


class _Session:
    def __init__(self, clauses, fault):
        self.clauses = clauses
        self.fault = fault
        self.q: queue.Queue = queue.Queue()


class FakeLogging(FakeServer):
    max_workers = 16

    def __init__(self, max_page: int = 7):
        super().__init__()
        self.entries: list[Any] = []
        self.faults: list[Any] = []
        self.deny = False
        self.fail: tuple[grpc.StatusCode, str] | None = None
        self.max_page = max_page
        self.sessions: list[_Session] = []
        self.tail_opens = 0
        self.list_calls: list[Any] = []
        self._lock = threading.Lock()
        self._n = 0

    # -------------------------------------------------------------- data
    def entry(self, text: str | None = None, *, service: str = "api", job: str | None = None,
              json_payload: dict | None = None, http: dict | None = None, severity: str = "DEFAULT",
              timestamp: dt.datetime | None = None, location: str = "us-central1") -> Any:
        with self._lock:
            self._n += 1
            n = self._n
        if job:
            resource = {"type": "cloud_run_job", "labels": {"job_name": job, "location": location}}
        else:
            resource = {"type": "cloud_run_revision", "labels": {"service_name": service, "location": location,
                                                                 "revision_name": f"{service}-00001-abc"}}
        kw: dict[str, Any] = dict(
            log_name="projects/p/logs/run.googleapis.com%2Fstdout", insert_id=f"id{n:06d}",
            resource=resource, severity=_SEVERITY[severity],
            timestamp=timestamp or dt.datetime.now(dt.UTC),
        )
        if text is not None:
            kw["text_payload"] = text
        if json_payload is not None:
            kw["json_payload"] = json_payload
        if http is not None:
            kw["http_request"] = http
        return lt.LogEntry(**kw)

    def add(self, *entries: Any) -> None:
        with self._lock:
            self.entries.extend(entries)
            sessions = list(self.sessions)
        for s in sessions:
            batch = [e for e in entries if _matches(e, s.clauses)]
            if batch:
                s.q.put(batch)

    def wait_for_tails(self, n: int = 1, timeout: float = 10.0) -> None:
        import time

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if len(self.sessions) >= n:
                    return
            time.sleep(0.01)
        raise TimeoutError("no tail session opened")

    # -------------------------------------------------------------- handlers
    def _abort_exhausted(self, context, seconds: float) -> None:
        info = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(
            seconds=int(seconds), nanos=int((seconds % 1) * 1e9)))
        detail = any_pb2.Any()
        detail.Pack(info)
        status = status_pb2.Status(code=code_pb2.RESOURCE_EXHAUSTED,
                                   message="Quota exceeded for tail sessions", details=[detail])
        context.abort_with_status(rpc_status.to_status(status))

    def list_log_entries(self, request: Any, context: grpc.ServicerContext) -> Any:
        with self._lock:
            self.list_calls.append(request)
        if self.fail:
            context.abort(*self.fail)
        if self.deny:
            context.abort(grpc.StatusCode.PERMISSION_DENIED,
                          "Permission 'logging.logEntries.list' denied on resource (or it may not exist).")
        try:
            clauses = _clauses(request.filter)
        except ValueError as exc:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        with self._lock:
            items = [e for e in self.entries if _matches(e, clauses)]
        items.sort(key=lambda e: e.timestamp, reverse=request.order_by.endswith("desc"))
        start = int(request.page_token or 0)
        end = start + min(request.page_size or self.max_page, self.max_page)
        return lt.ListLogEntriesResponse(entries=items[start:end],
                                         next_page_token=str(end) if end < len(items) else "")

    def tail_log_entries(self, request_iterator: Any, context: grpc.ServicerContext):
        first = next(request_iterator)
        with self._lock:
            fault = self.faults.pop(0) if self.faults else None
            self.tail_opens += 1
        if self.fail:
            context.abort(*self.fail)
        if self.deny or (fault and fault[0] == "denied"):
            context.abort(grpc.StatusCode.PERMISSION_DENIED,
                          "Permission 'logging.logEntries.list' denied on resource (or it may not exist).")
        if fault and fault[0] == "exhausted":
            self._abort_exhausted(context, fault[1])
        session = _Session(_clauses(first.filter), fault)
        with self._lock:
            self.sessions.append(session)
        sent = 0
        try:
            while context.is_active():
                try:
                    batch = session.q.get(timeout=0.05)
                except queue.Empty:
                    continue
                for e in batch:
                    yield lt.TailLogEntriesResponse(entries=[e])
                    sent += 1
                    if fault and sent >= fault[1]:
                        if fault[0] == "unavailable_after":
                            context.abort(grpc.StatusCode.UNAVAILABLE, "The service is currently unavailable.")
                        return  # close_after: a clean end of stream
        finally:
            with self._lock:
                if session in self.sessions:
                    self.sessions.remove(session)

    # -------------------------------------------------------------- lifecycle
    def handlers(self) -> Handlers:
        return {SERVICE: {
            "ListLogEntries": unary(self.list_log_entries, lt.ListLogEntriesRequest, lt.ListLogEntriesResponse),
            "TailLogEntries": bidi(self.tail_log_entries, lt.TailLogEntriesRequest, lt.TailLogEntriesResponse),
        }}
