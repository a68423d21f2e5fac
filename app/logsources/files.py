"""`file:PATH`: read a log file and keep following it across truncation and rotation (like tail -F).

`file:-` reads standard input instead (`kubectl logs ... | launchdeck logs --source file:-`).
Only regular files are read by path: a FIFO would block and /dev/zero never ends. A line longer
than MAX_LINE is cut there, marked, and the rest of it skipped, so a file without newlines cannot
fill memory. The loop yields to the event loop after every chunk, so Ctrl-C stops a catch-up on a
huge file at once instead of after the whole file.
"""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from collections.abc import AsyncIterator, Iterator

from launchdeck.app.hints.normalize import strip_ansi
from launchdeck.app.logsources.base import LogLine, SourceError
from launchdeck.app.redact import redact
from launchdeck.app.safeio import UnreadableFile, open_regular

POLL = 0.2  # seconds between checks when nothing new arrived
CHUNK = 1 << 16
MAX_LINE = 64 * 1024
CUT_MARK = " … [line cut at 64 KiB]"
YIELD_EVERY = 50  # lines between turns of the event loop while catching up


def _clean(raw: bytes) -> str:
    if b"\x00" in raw:  # the zero-filled hole copytruncate leaves when the writer keeps its offset
        raw = raw.replace(b"\x00", b"")
    return redact(strip_ansi(raw.decode("utf-8", "replace").rstrip("\r")))


class LineSplitter:
    """Bytes in, complete lines out; a line past `max_line` bytes is cut there and its rest dropped."""

    def __init__(self, max_line: int = MAX_LINE):
        self.max_line = max_line
        self.partial = b""
        self.skipping = False  # inside the rest of a line already cut
        self.at_start = True  # nothing read yet (the file's first bytes say its encoding)

    def feed(self, chunk: bytes) -> Iterator[str]:
        data = self.partial + chunk
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break
            if self.skipping:
                self.skipping = False
            else:
                yield self._line(data[start:end])
            start = end + 1
        rest = data[start:]
        if self.skipping:
            rest = b""
        elif len(rest) > self.max_line:
            yield _clean(rest[: self.max_line]) + CUT_MARK
            rest, self.skipping = b"", True
        self.partial = rest

    def _line(self, raw: bytes) -> str:
        if len(raw) > self.max_line:
            return _clean(raw[: self.max_line]) + CUT_MARK
        return _clean(raw)

    def flush(self) -> Iterator[str]:
        if self.partial and not self.skipping:
            yield self._line(self.partial)
        self.partial, self.skipping = b"", False


def _read(f, n: int, path: str) -> bytes:  # noqa: ANN001 - a binary file object
    if n == 0:
        return b""
    try:
        return f.read(n)
    except OSError as exc:  # /proc/self/mem: "regular", but every read fails
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _open(path: str):  # noqa: ANN202 - a binary file object
    try:
        return open_regular(path, "log file")
    except UnreadableFile as exc:
        raise SourceError(f"{path}: {'no such file' if exc.missing else exc.reason}") from None


async def follow_file(path: str, *, follow: bool = True, poll: float = POLL) -> AsyncIterator[LogLine]:
    if path == "-":
        async for line in _follow_stdin():
            yield line
        return
    name = os.path.basename(path) or path
    f = _open(path)
    lines = LineSplitter()
    try:
        ino = os.fstat(f.fileno()).st_ino
        # Without --follow, the file as it is now: one still being written to could outrun the reader.
        left = os.fstat(f.fileno()).st_size if not follow else -1
        while True:
            chunk = _read(f, CHUNK if left < 0 else min(CHUNK, left), path)
            if left > 0:
                left -= len(chunk)
            if lines.at_start and chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise SourceError(f"{path}: is UTF-16 text (as PowerShell's > writes it); `launchdeck scan` reads "
                                  "it, or convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)")
            lines.at_start = lines.at_start and not chunk
            if chunk:
                for n, text in enumerate(lines.feed(chunk), 1):
                    yield LogLine(text=text, source=name)
                    if n % YIELD_EVERY == 0:
                        await asyncio.sleep(0)  # let Ctrl-C (task cancellation) in during a catch-up
                await asyncio.sleep(0)
                continue
            if not follow:
                for text in lines.flush():
                    yield LogLine(text=text, source=name)
                return
            await asyncio.sleep(poll)
            # Truncated in place (copytruncate, `> file`): start again from the top.
            try:
                st = os.stat(path)
            except FileNotFoundError:
                continue  # rotated away; wait for the new file to appear
            if st.st_ino != ino:
                if not stat.S_ISREG(st.st_mode):
                    continue  # something else took the name; keep waiting for a log file
                # Rotated (renamed + recreated): drain the old handle, then switch.
                while rest := f.read(CHUNK):
                    for text in lines.feed(rest):
                        yield LogLine(text=text, source=name)
                    await asyncio.sleep(0)
                for text in lines.flush():
                    yield LogLine(text=text, source=name)
                f.close()
                f = _open(path)
                ino = os.fstat(f.fileno()).st_ino
            elif st.st_size < f.tell():
                f.seek(0)
                lines = LineSplitter()
    finally:
        f.close()


async def _follow_stdin() -> AsyncIterator[LogLine]:
    """Standard input to its end: a pipe or terminal through the event loop, a redirected file read directly."""
    fd = sys.stdin.fileno() if sys.stdin is not None else -1
    if fd < 0:
        raise SourceError("file:- reads standard input, and there is none")
    lines = LineSplitter()
    if stat.S_ISREG(os.fstat(fd).st_mode):
        with os.fdopen(os.dup(fd), "rb") as f:
            while chunk := f.read(CHUNK):
                for text in lines.feed(chunk):
                    yield LogLine(text=text, source="stdin")
                await asyncio.sleep(0)
    else:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=CHUNK)
        pipe = os.fdopen(os.dup(fd), "rb", buffering=0)
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), pipe)
        try:
            while chunk := await reader.read(CHUNK):
                for text in lines.feed(chunk):
                    yield LogLine(text=text, source="stdin")
        finally:
            transport.close()
    for text in lines.flush():
        yield LogLine(text=text, source="stdin")
