"""The log tail's producer, run in a child process so a burst never competes with the UI for the GIL.

`python -P -m launchdeck.app.logsources.tail_child SPEC [PROJECT] [REGION]` reads the source (lines arrive redacted),
matches hints (`LiveMatcher`: the same multi-line rules as `scan`), and writes one JSON object per
batch to stdout: {"lines": [[text, severity, source, hint_id, first, cause], ...]} (first: the
earlier line, counted from 1, this one repeats; cause: [line, hint_id] of the root cause of a
symptom), {"updates": [[line, [cause_line, cause_hint]], ...]} when a root cause arrives after its
symptom, then {"end": true} or {"error": "one line"}. A full pipe blocks it (backpressure).
No Textual here: the child imports only the core. `-P` keeps the working directory (the user's
project, which may have its own `app` package) off `sys.path`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
from typing import Any

BATCH_LINES = 500
BATCH_SECONDS = 0.05
# Plain-text sources carry no severity; a word in the line is a good enough guess for the filter.
_ERROR = re.compile(r"\b(ERROR|CRITICAL|FATAL|Traceback|Exception|panic)\b|\bError:")
_WARNING = re.compile(r"\bWARN(ING)?\b")


def guess_severity(text: str) -> str:
    if _ERROR.search(text):
        return "error"
    return "warning" if _WARNING.search(text) else "info"



class _Out:
    """Writes one JSON line per message to stdout."""

    def send(self, message: tuple[str, Any]) -> None:
        kind, payload = message
        sys.stdout.write(json.dumps({kind: payload}, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def run_child(spec: str, project: str | None, region: str | None) -> int:
    out = _Out()
    try:
        asyncio.run(_produce(spec, project, region, out))
        out.send(("end", True))
    except (KeyboardInterrupt, BrokenPipeError):
        return 0
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line for the UI
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if type(exc).__name__ == "NoCredentials":
            message = f"no Google credentials: {message}"
        out.send(("error", message))
    return 0


async def _produce(spec: str, project: str | None, region: str | None, conn: Any) -> None:
    from launchdeck.app.hints import get_engine
    from launchdeck.app.hints.live import LiveMatcher
    from launchdeck.app.logsources import open_source

    live = LiveMatcher(get_engine())
    batch: list[tuple] = []
    updates: list = []
    last = time.monotonic()
    stream = open_source(spec, project=project, region=region, follow=True)
    # A quiet source still flushes: wake up every BATCH_SECONDS even without a new line.
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=10_000)

    async def pump() -> None:
        try:
            async for line in stream:
                await queue.put(line)
        finally:
            await queue.put(None)

    task = asyncio.ensure_future(pump())
    parent = int(os.environ.get("LAUNCHDECK_TAIL_PARENT") or os.getppid())
    try:
        while True:
            try:
                line = await asyncio.wait_for(queue.get(), timeout=BATCH_SECONDS)
            except TimeoutError:
                if os.getppid() != parent:  # the app is gone (even killed): stop, never linger
                    return
                line = False
            if line is None:
                break
            if line is not False:
                mark = live.feed(line.text)
                severity = (line.severity or guess_severity(line.text)).lower()
                if mark is None:
                    batch.append((line.text, severity, line.source, None, None, None))
                else:
                    batch.append((line.text, severity, line.source, mark.hint.id, mark.first, mark.explained_by))
                    updates += mark.updates
            now = time.monotonic()
            if batch and (len(batch) >= BATCH_LINES or now - last >= BATCH_SECONDS):
                conn.send(("lines", batch))
                if updates:
                    conn.send(("updates", updates))
                batch, updates, last = [], [], now
        if batch:
            conn.send(("lines", batch))
        if updates:
            conn.send(("updates", updates))
        await task  # re-raise a source error
    finally:
        task.cancel()


if __name__ == "__main__":
    args = sys.argv[1:] + ["", ""]
    sys.exit(run_child(args[0], args[1] or None, args[2] or None))
