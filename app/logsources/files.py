"""`file:PATH`: read a log file and keep following it across truncation and rotation (like tail -F)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

from launchdeck.app.hints.normalize import strip_ansi
from launchdeck.app.logsources.base import LogLine, SourceError
from launchdeck.app.redact import redact

POLL = 0.2  # seconds between checks when nothing new arrived


def _clean(raw: bytes) -> str:
    return redact(strip_ansi(raw.decode("utf-8", "replace").rstrip("\r")))


async def follow_file(path: str, *, follow: bool = True, poll: float = POLL) -> AsyncIterator[LogLine]:
    name = os.path.basename(path) or path
    try:
        f = open(path, "rb")  # noqa: SIM115 - kept open across iterations, closed in finally
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a directory, not a log file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from None
    partial = b""
    try:
        ino = os.fstat(f.fileno()).st_ino
        while True:
            chunk = f.read(1 << 16)
            if chunk:
                data = partial + chunk
                lines = data.split(b"\n")
                partial = lines.pop()
                for raw in lines:
                    yield LogLine(text=_clean(raw), source=name)
                continue
            if not follow:
                if partial:
                    yield LogLine(text=_clean(partial), source=name)
                return
            await asyncio.sleep(poll)
            # Truncated in place (copytruncate, `> file`): start again from the top.
            try:
                st = os.stat(path)
            except FileNotFoundError:
                continue  # rotated away; wait for the new file to appear
            if st.st_ino != ino:
                # Rotated (renamed + recreated): drain the old handle, then switch.
                rest = f.read()
                if rest or partial:
                    for raw in (partial + rest).split(b"\n"):
                        if raw:
                            yield LogLine(text=_clean(raw), source=name)
                partial = b""
                f.close()
                f = open(path, "rb")  # noqa: SIM115
                ino = os.fstat(f.fileno()).st_ino
            elif st.st_size < f.tell():
                f.seek(0)
                partial = b""
    finally:
        f.close()
