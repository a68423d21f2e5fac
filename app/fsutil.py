"""Atomic file writes shared by plan saves, imports, exports and the price cache, and a bounded
reader for files launchdeck did not write (never hangs on a FIFO, never reads /dev/zero forever)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path


def _default_mode(path: Path) -> int:
    """An existing file keeps its mode; a new one gets 0666 less the umask, like open() would give."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path: Path, text: str, mode: int | None = None) -> None:
    """Write `text` to `path` via a temp file in the same directory and a rename: readers never see half a file.

    Only a regular file (or a symlink to one) is replaced: the rename would put a plain file in the
    place of `/dev/null`, a FIFO or a socket (`import -o /dev/null --force` run as root once did)."""
    path = Path(path)
    try:
        st = os.stat(path)  # follows a symlink: what the name leads to
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise NotRegularFile(exc.errno or errno.EINVAL, f"cannot write it ({exc.strerror})", str(path)) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(errno.EINVAL, f"is {_kind(st.st_mode)}, not a regular file; refusing to replace it",
                             str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_under(path.parent, path.name, text, _default_mode(path) if mode is None else mode)


def atomic_write_under(root: Path, rel: str | os.PathLike[str], text: str, mode: int = 0o644) -> None:
    """`atomic_write` of `root/rel` that cannot be led outside `root`, even by a race.

    Checking a path and then writing it leaves a window: a directory swapped for a symlink after
    the check would take the write elsewhere. Here each directory below `root` is opened with
    O_NOFOLLOW relative to its parent's descriptor (created if missing), the temp file is created
    with O_EXCL|O_NOFOLLOW in that directory, and renamed over the final name within it: a
    rename replaces a symlink or hard link at the name, it never writes through one.
    """
    parts = Path(rel).parts
    if not parts or any(p in ("", ".", "..") or "/" in p for p in parts):
        raise ValueError(f"not a plain relative path: {rel}")
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
    dfd = os.open(root, flags)
    try:
        for part in parts[:-1]:
            try:
                nfd = os.open(part, flags | os.O_NOFOLLOW, dir_fd=dfd)
            except FileNotFoundError:
                os.mkdir(part, 0o777, dir_fd=dfd)
                nfd = os.open(part, flags | os.O_NOFOLLOW, dir_fd=dfd)
            os.close(dfd)
            dfd = nfd
        name = parts[-1]
        tmp = f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600,
                     dir_fd=dfd)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fchmod(fh.fileno(), mode)
                os.fsync(fh.fileno())
            os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dfd)
            raise
    finally:
        os.close(dfd)


# --- Reading files nobody here wrote ---------------------------------------------------------

class NotRegularFile(OSError):
    """The path exists but is a FIFO, device, socket or directory: reading it could hang or never end."""


class FileTooLarge(OSError):
    """A regular file larger than the caller's bound."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def describe(path: Path) -> str:
    """What the thing at `path` is, in words, without following a final symlink ('missing' if nothing)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    return "a regular file" if stat.S_ISREG(mode) else _kind(mode)


def read_regular_bytes(path: str | os.PathLike[str], limit: int, follow_symlinks: bool = True) -> bytes:
    """The whole content of a regular file of at most `limit` bytes.

    Never blocks on a FIFO and never reads a device forever: the file is opened with O_NONBLOCK
    (so opening a FIFO with no writer returns at once) and checked with fstat on the open
    descriptor (no race between check and read) before any byte is read. Raises
    FileNotFoundError, NotRegularFile (with what it is), FileTooLarge, or another OSError.
    With follow_symlinks=False a symlink itself is refused (O_NOFOLLOW).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_symlinks and exc.errno == errno.ELOOP:
            raise NotRegularFile(errno.ELOOP, "is a symbolic link", str(path)) from None
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing: either way not a file
            raise NotRegularFile(exc.errno, "is not a regular file", str(path)) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(errno.EINVAL, f"is {_kind(st.st_mode)}, not a regular file", str(path))
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        if st.st_size > limit:
            raise FileTooLarge(errno.EFBIG, f"is {st.st_size:,} bytes, over the {limit:,}-byte limit", str(path))
        data = fh.read(limit + 1)  # the file may have grown since fstat
        if len(data) > limit:
            raise FileTooLarge(errno.EFBIG, f"is over the {limit:,}-byte limit", str(path))
        return data


def read_regular_text(path: str | os.PathLike[str], limit: int, follow_symlinks: bool = True) -> str:
    """`read_regular_bytes` decoded as UTF-8 (UnicodeDecodeError for anything else)."""
    return read_regular_bytes(path, limit, follow_symlinks).decode("utf-8")
