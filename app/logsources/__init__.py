"""Log sources as async iterators of `LogLine`s (already redacted).

    agen = open_source("cloud-run:api", project="p", region="us-central1", since="10m", follow=True)
    async for line in agen: ...

Specs: `file:PATH`, `compose[:DIR]`, `kubectl:SELECTOR[@NAMESPACE]`, `cloud-run:SERVICE`, `cloud-run-job:JOB`.
Fatal problems (no such file, no credentials, permission denied, API disabled) raise `SourceError`
with one clear line. Google libraries and subprocesses are only touched when iteration starts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass


class SourceError(Exception):
    """A log source cannot be read; str() is one line saying why and what to do."""


@dataclass
class LogLine:
    text: str  # already redacted
    source: str  # service/job/container/file the line came from; "launchdeck" for status notes
    timestamp: dt.datetime | None = None
    severity: str | None = None
    key: tuple | None = None  # de-duplication identity, e.g. (log_name, insert_id, timestamp)


@dataclass
class Backoff:
    """Reconnect delays for cloud tails (seconds); tests shrink them."""

    initial: float = 1.0
    maximum: float = 60.0
    exhausted_min: float = 10.0  # RESOURCE_EXHAUSTED without RetryInfo
    overlap: float = 30.0  # backfill re-reads this much before the newest entry seen
    jitter: float = 0.25


_SINCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def parse_since(since: str | None) -> dt.timedelta | None:
    """'10m' / '2h' / '30s' / '1d' / '0' -> timedelta; None or '' -> None."""
    if not since:
        return None
    m = _SINCE.match(since)
    if not m:
        raise SourceError(f"--since {since!r}: use a number with s, m, h or d (e.g. 10m, 2h)")
    factor = {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    return dt.timedelta(seconds=float(m.group(1)) * factor)


SPECS = ("file:PATH", "compose[:DIR]", "kubectl:SELECTOR[@NAMESPACE]", "cloud-run:SERVICE", "cloud-run-job:JOB")


def open_source(
    spec: str,
    *,
    project: str | None = None,
    region: str | None = None,
    since: str | None = "10m",
    follow: bool = True,
    backoff: Backoff | None = None,
) -> AsyncIterator[LogLine]:
    kind, _, arg = spec.partition(":")
    kind = kind.strip().lower()
    window = parse_since(since)
    if kind == "file":
        if not arg:
            raise SourceError("file: needs a path, e.g. --source file:/var/log/app.log")
        from launchdeck.app.logsources.files import follow_file

        return follow_file(arg, follow=follow)
    if kind == "compose":
        from launchdeck.app.logsources.procs import compose_logs

        return compose_logs(arg or ".", since=f"{int(window.total_seconds())}s" if window else None, follow=follow)
    if kind == "kubectl":
        if not arg:
            raise SourceError("kubectl: needs a label selector, e.g. --source kubectl:app=api")
        from launchdeck.app.logsources.procs import kubectl_logs

        # A label selector never contains "@", so SELECTOR@NAMESPACE is unambiguous.
        selector, _, namespace = arg.partition("@")
        return kubectl_logs(selector, namespace=namespace or None,
                            since=f"{int(window.total_seconds())}s" if window else None, follow=follow)
    if kind in ("cloud-run", "cloud-run-job"):
        if not arg:
            raise SourceError(f"{kind}: needs a name, e.g. --source {kind}:api")
        from launchdeck.app.logsources.cloud import cloud_run_logs

        return cloud_run_logs(kind, arg, project=project, region=region, window=window, follow=follow,
                              backoff=backoff or Backoff())
    raise SourceError(f"unknown log source {spec!r}; use one of: {', '.join(SPECS)}")
