"""Log sources as async iterators of `LogLine`s (already redacted).

    agen = open_source("cloud-run:api", project="p", region="us-central1", since="10m", follow=True)
    async for line in agen: ...

Specs: `file:PATH`, `compose[:DIR]`, `kubectl:SELECTOR[@NAMESPACE]`, `cloud-run:SERVICE`, `cloud-run-job:JOB`,
`cloud-run-worker-pool:POOL`.
Fatal problems (no such file, no credentials, permission denied, API disabled) raise `SourceError`
with one clear line. Google libraries and subprocesses are only touched when iteration starts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from launchdeck.app.logsources.base import Backoff, LogLine, SourceError, parse_since

__all__ = ["SPECS", "Backoff", "LogLine", "SourceError", "open_source", "parse_since"]

SPECS = ("file:PATH", "compose[:DIR]", "kubectl:SELECTOR[@NAMESPACE]", "cloud-run:SERVICE", "cloud-run-job:JOB",
         "cloud-run-worker-pool:POOL")


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
    if kind in ("cloud-run", "cloud-run-job", "cloud-run-worker-pool"):
        if not arg:
            raise SourceError(f"{kind}: needs a name, e.g. --source {kind}:api")
        from launchdeck.app.logsources.cloud import cloud_run_logs

        return cloud_run_logs(kind, arg, project=project, region=region, window=window, follow=follow,
                              backoff=backoff or Backoff())
    raise SourceError(f"unknown log source {spec!r}; use one of: {', '.join(SPECS)}")
