"""Bounded reads of files nobody here wrote: regular files only, never more than a set size.

`open()` on a FIFO blocks until a writer appears and `read()` on /dev/zero never ends, so every
file launchdeck reads whole (plans, compose files, env files, Dockerfiles, source files) goes
through `read_bounded`: it opens without blocking, checks that the path is a regular file, and
reads at most `limit` bytes. Logs, read line by line, use `open_regular`.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

# Plans and compose files are a few KiB; a real one above 2 MiB does not exist, and parsing that
# much YAML in pure Python already takes seconds.
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_ENV_FILE_BYTES = 1024 * 1024
MAX_SOURCE_BYTES = 2 * 1024 * 1024


class UnreadableFile(OSError):
    """A path that is not a readable regular file, or is too large; str() is the reason without the path."""

    def __init__(self, reason: str, *, missing: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.missing = missing

    def __str__(self) -> str:
        return self.reason


def _a(what: str) -> str:
    return f"an {what}" if what[:1].lower() in "aeio" else f"a {what}"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: str | os.PathLike[str], what: str = "file") -> BinaryIO:
    """Open `path` for binary reading if it is a regular file (symlinks followed), else UnreadableFile.

    O_NONBLOCK keeps open() of a FIFO from waiting for a writer; it is cleared again once the
    path is known to be a regular file (where it has no effect anyway).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFile("no such file", missing=True) from None
    except IsADirectoryError:
        raise UnreadableFile(f"is a directory, not {_a(what)}") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _kind(mode)
            raise UnreadableFile(f"is {kind}, not {_a(what)}" if kind.startswith("a ") else f"is {kind}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class Snapshot:
    """A file read no further than its size when it was opened: a log still being written to
    (faster than it is read) would otherwise never reach its end. Reads only."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        try:
            self.left = os.fstat(fh.fileno()).st_size - fh.tell()
        except (OSError, ValueError, AttributeError):
            self.left = -1  # not a file with a size (a pipe): read to its end

    def read(self, n: int = -1) -> bytes:
        if self.left < 0:
            return self.fh.read(n)
        want = self.left if n is None or n < 0 else min(n, self.left)
        data = self.fh.read(want) if want else b""
        self.left -= len(data)
        return data

    def fileno(self) -> int:
        return self.fh.fileno()

    def close(self) -> None:
        self.fh.close()


def read_bounded(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The whole content of regular file `path`, or UnreadableFile when it is larger than `limit` bytes."""
    with open_regular(path, what) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:  # /proc/self/mem and friends: "regular", but reading fails (EIO)
            raise UnreadableFile(f"cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise UnreadableFile(f"is larger than {limit // 1024} KiB; launchdeck does not read {_a(what)} this large")
    return data
