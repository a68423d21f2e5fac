"""`compose[:DIR]` and `kubectl:SELECTOR[@NAMESPACE]`: stream the tools' own log followers.

Runs `docker compose logs -f --timestamps` / `kubectl logs -f -l SEL --all-containers --prefix
--timestamps`, splits their prefixes into (source, timestamp, text) and redacts the text.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import shutil
from collections.abc import AsyncIterator

from launchdeck.app.hints.normalize import ANSI
from launchdeck.app.logsources.base import LogLine, SourceError
from launchdeck.app.redact import redact

_COMPOSE = re.compile(r"^(?P<src>[\w.-]+)\s+\|\s?(?:(?P<ts>\d{4}-\d\d-\d\dT\S+)\s)?(?P<text>.*)$")
_KUBECTL = re.compile(r"^\[(?P<src>[^\]]+)\]\s(?:(?P<ts>\d{4}-\d\d-\d\dT\S+)\s)?(?P<text>.*)$")


def _parse_ts(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    v = value.replace("Z", "+00:00")
    # Python's fromisoformat wants at most 6 fractional digits; compose/kubectl print 9.
    v = re.sub(r"(\.\d{6})\d+", r"\1", v)
    try:
        return dt.datetime.fromisoformat(v)
    except ValueError:
        return None


def split_line(raw: str, pattern: re.Pattern, default_source: str) -> LogLine:
    clean = ANSI.sub("", raw) if "\x1b" in raw else raw
    m = pattern.match(clean)
    if not m:
        return LogLine(text=redact(clean), source=default_source)
    src = m.group("src")
    if src.startswith("pod/"):
        src = src[4:]
    return LogLine(text=redact(m.group("text")), source=src, timestamp=_parse_ts(m.group("ts")))


async def _stream(argv: list[str], pattern: re.Pattern, default_source: str, cwd: str | None) -> AsyncIterator[LogLine]:
    if shutil.which(argv[0]) is None:
        raise SourceError(f"`{argv[0]}` is not installed or not on PATH")
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    except OSError as exc:
        raise SourceError(f"cannot run {argv[0]}: {exc}") from None
    assert proc.stdout is not None and proc.stderr is not None
    produced = False
    try:
        async for raw in proc.stdout:
            produced = True
            yield split_line(raw.decode("utf-8", "replace").rstrip("\r\n"), pattern, default_source)
        err = (await proc.stderr.read()).decode("utf-8", "replace").strip()
        code = await proc.wait()
        if code != 0 and not produced:
            # Tools put the cause first (docker: "unknown command") or last (kubectl): keep both ends.
            lines = [ln.strip() for ln in err.splitlines() if ln.strip()] or [f"exit code {code}"]
            what = lines[0] if len(lines) == 1 else f"{lines[0]} … {lines[-1]}"
            raise SourceError(f"{' '.join(argv[:3])} failed: {redact(what)}")
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 5)
            except (TimeoutError, ProcessLookupError):
                proc.kill()


def compose_logs(directory: str, *, since: str | None, follow: bool) -> AsyncIterator[LogLine]:
    if not os.path.isdir(directory):
        raise SourceError(f"compose:{directory}: no such directory")
    argv = ["docker", "compose", "logs", "--timestamps", "--no-color"]
    if follow:
        argv.append("-f")
    if since:
        argv += ["--since", since]
    return _stream(argv, _COMPOSE, "compose", directory)


def kubectl_logs(selector: str, *, since: str | None, follow: bool,
                 namespace: str | None = None) -> AsyncIterator[LogLine]:
    argv = ["kubectl", "logs", "-l", selector, "--all-containers", "--prefix", "--timestamps",
            "--max-log-requests", "20"]
    if namespace:
        argv += ["--namespace", namespace]
    if follow:
        argv.append("-f")
    if since:
        argv.append(f"--since={since}")
    return _stream(argv, _KUBECTL, "kubectl", None)
