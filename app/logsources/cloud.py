"""`cloud-run:SERVICE` / `cloud-run-job:JOB` / `cloud-run-worker-pool:POOL`: Cloud Logging tail that loses nothing and repeats nothing.

Strategy (shared/google-apis RECIPE section 6), on every (re)connect:
1. open TailLogEntries first (entries written from now on queue up under flow control);
2. backfill with ListLogEntries from `high_water - overlap` (the first time: now - --since),
   oldest first, skipping keys already shown;
3. drain the tail, again skipping keys already shown.
Keys are (log_name, insert_id, timestamp), Logging's own identity. Once Cloud Logging has answered,
a broken or cleanly closed stream reconnects with jittered exponential backoff; RESOURCE_EXHAUSTED
waits for its RetryInfo delay; permission / authentication / not-found / disabled-API errors, and a
network failure before the first answer, stop with one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from launchdeck.app.logsources.base import Backoff, LogLine, SourceError
from launchdeck.app.redact import redact

_SEEN_MAX = 200_000
_SEVERITY = {0: "DEFAULT", 100: "DEBUG", 200: "INFO", 300: "NOTICE", 400: "WARNING", 500: "ERROR",
             600: "CRITICAL", 700: "ALERT", 800: "EMERGENCY"}


def resource_filter(kind: str, name: str, region: str | None) -> str:
    if kind == "cloud-run-job":
        f = f'resource.type="cloud_run_job" AND resource.labels.job_name="{name}"'
    elif kind == "cloud-run-worker-pool":
        f = f'resource.type="cloud_run_worker_pool" AND resource.labels.worker_pool_name="{name}"'
    else:
        f = f'resource.type="cloud_run_revision" AND resource.labels.service_name="{name}"'
    if region:
        f += f' AND resource.labels.location="{region}"'
    return f


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_to_line(entry: Any) -> LogLine:
    """A LogEntry (proto-plus) as a redacted LogLine; payload fields as app.hints.entries reads them."""
    from google.cloud.logging_v2.types import LogEntry
    from google.protobuf.json_format import MessageToDict

    from launchdeck.app.hints.entries import entry_fields

    pb = LogEntry.pb(entry)
    obj: dict[str, Any] = {}
    kind = pb.WhichOneof("payload")
    if kind == "text_payload":
        obj["textPayload"] = pb.text_payload
    elif kind == "json_payload":
        obj["jsonPayload"] = MessageToDict(pb.json_payload)
    elif kind == "proto_payload":
        try:
            import google.cloud.audit.audit_log_pb2  # noqa: F401 - registers AuditLog for Any decoding

            obj["protoPayload"] = MessageToDict(pb.proto_payload)
        except Exception:  # unknown payload type: nothing we can read
            obj["protoPayload"] = {}
    if pb.HasField("http_request"):
        obj["httpRequest"] = MessageToDict(pb.http_request)
    texts = [t for _k, t in entry_fields(obj)]
    labels = pb.resource.labels
    source = labels.get("service_name") or labels.get("job_name") or pb.resource.type
    ts = pb.timestamp.ToDatetime(tzinfo=dt.UTC) if pb.HasField("timestamp") else None
    return LogLine(
        text=redact("\n".join(texts)),
        source=source,
        timestamp=ts,
        severity=_SEVERITY.get(pb.severity, str(pb.severity)),
        key=(pb.log_name, pb.insert_id, _iso(ts) if ts else ""),
    )


def _retry_delay(exc: Any) -> float | None:
    for d in getattr(exc, "details", None) or []:
        delay = getattr(d, "retry_delay", None)
        if delay is not None and (delay.seconds or delay.nanos):
            return delay.seconds + delay.nanos / 1e9
    return None


class _Seen:
    """Bounded ordered set of entry keys already shown."""

    def __init__(self, limit: int = _SEEN_MAX):
        self._d: OrderedDict[tuple, None] = OrderedDict()
        self._limit = limit

    def add(self, key: tuple) -> bool:
        if key in self._d:
            return False
        self._d[key] = None
        if len(self._d) > self._limit:
            self._d.popitem(last=False)
        return True


def _settle(task: asyncio.Future) -> None:
    """Cancel `task` if still running, and mark a failure it ended with as seen (no 'never retrieved')."""
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()


def _note(text: str) -> LogLine:
    return LogLine(text=text, source="launchdeck", timestamp=dt.datetime.now(dt.UTC), severity="NOTICE")


async def cloud_run_logs(
    kind: str, name: str, *, project: str | None, region: str | None, window: dt.timedelta | None,
    follow: bool, backoff: Backoff,
) -> AsyncIterator[LogLine]:
    from launchdeck.app.gcp import (
        NoCredentials,
        NoProject,
        api_timeout,
        call_options,
        explain_google_error,
        is_google_error,
        make_logging_client,
        resolve_project,
        unwrap,
    )

    try:
        project = resolve_project(project)
        client = make_logging_client()
    except (NoProject, NoCredentials) as exc:
        raise SourceError(str(exc)) from None
    from google.api_core import exceptions as gex
    from google.cloud.logging_v2 import types as lt

    what = f"reading logs of {kind}:{name} in {project}"
    fatal = (gex.Forbidden, gex.PermissionDenied, gex.Unauthenticated, gex.NotFound, gex.InvalidArgument)
    base = resource_filter(kind, name, region)
    resources = [f"projects/{project}"]
    seen = _Seen()
    high_water = dt.datetime.now(dt.UTC) - (window or dt.timedelta(0))
    first = True
    attempt = 0
    # Whether Cloud Logging has answered once. Until it has, a network failure is not an interruption
    # to ride out but the answer (no route, DNS, a firewall): one line and exit 2, like `kubectl logs -f`.
    answered = False

    async def backfill(lower: dt.datetime) -> AsyncIterator[LogLine]:
        nonlocal high_water, answered
        pager = await client.list_log_entries(
            request={"resource_names": resources, "filter": f'({base}) AND timestamp>="{_iso(lower)}"',
                     "order_by": "timestamp asc", "page_size": 1000}, **call_options())
        answered = True
        async for entry in pager:
            line = entry_to_line(entry)
            if seen.add(line.key):
                if line.timestamp and line.timestamp > high_water:
                    high_water = line.timestamp
                yield line

    try:
        if not follow:
            if window is not None:
                try:
                    async for line in backfill(high_water):
                        yield line
                except Exception as exc:  # noqa: BLE001 - any Google failure ends a one-shot read with one line
                    if not is_google_error(exc):
                        raise
                    raise SourceError(explain_google_error(exc, what)) from None
            return
        while True:
            stop = asyncio.Event()

            async def requests(stop=stop):
                yield lt.TailLogEntriesRequest(resource_names=resources, filter=base,
                                               buffer_window=dt.timedelta(seconds=2))
                await stop.wait()

            stream = None
            delay = None
            try:
                # Open the tail and backfill at once: a dead network then shows up as the backfill's
                # one clear error within the call deadline. The tail's stream lives for up to an hour;
                # opening it gets the usual deadline (the library default retries for an hour, silently).
                opening = asyncio.ensure_future(asyncio.wait_for(
                    client.tail_log_entries(requests=requests(), retry=call_options()["retry"]),
                    api_timeout() * 1.25 + 1))  # the retry's own deadline ends first
                try:
                    lower = high_water if first else high_water - dt.timedelta(seconds=backoff.overlap)
                    first = False
                    async for line in backfill(lower):
                        yield line
                    try:
                        stream = await opening
                    except TimeoutError:
                        raise gex.DeadlineExceeded("no answer when opening the tail") from None
                finally:
                    _settle(opening)
                # Entries written while the tail was still opening are in neither: sweep once.
                async for line in backfill(lower):
                    yield line
                swept = False
                async for resp in stream:
                    attempt = 0
                    if not swept:
                        # The tail is surely registered now; anything written between the backfill
                        # and that moment is in neither, so sweep once more (dedupe makes it free).
                        swept = True
                        async for line in backfill(lower):
                            yield line
                    for entry in resp.entries:
                        line = entry_to_line(entry)
                        if seen.add(line.key):
                            if line.timestamp and line.timestamp > high_water:
                                high_water = line.timestamp
                            yield line
                    for s in resp.suppression_info:
                        yield _note(f"{s.suppressed_count} entries suppressed by Cloud Logging "
                                    f"({lt.TailLogEntriesResponse.SuppressionInfo.Reason(s.reason).name})")
                reason = "stream closed by the server"
            except fatal as exc:
                raise SourceError(explain_google_error(exc, what)) from None
            except gex.TooManyRequests as exc:
                delay = _retry_delay(exc)
                delay = delay if delay is not None else backoff.exhausted_min
                reason = "quota exhausted (RESOURCE_EXHAUSTED)"
            except gex.OutOfRange:
                delay = 0.0  # the tail reached its maximum duration: reopen at once
                reason = "tail session reached its maximum duration"
            except Exception as exc:  # noqa: BLE001 - network, deadline, retries given up: say why, reconnect
                if not is_google_error(exc):
                    raise
                if isinstance(unwrap(exc), fatal) or not answered:
                    raise SourceError(explain_google_error(exc, what)) from None
                reason = explain_google_error(exc, what).removeprefix(f"{what}: ").rstrip(".")
            finally:
                stop.set()
                if stream is not None:
                    stream.cancel()
            if delay is None:
                delay = min(backoff.maximum, backoff.initial * (2 ** attempt))
                delay *= 1 + random.uniform(-backoff.jitter, backoff.jitter)
                attempt += 1
            tries = f", attempt {attempt + 1}"
            yield _note(f"tail interrupted: {reason}; reconnecting in {delay:.3g}s{tries}")
            await asyncio.sleep(delay)
    finally:
        with contextlib.suppress(Exception):
            await client.transport.close()
