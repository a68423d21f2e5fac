"""Run a program in a pseudo-terminal, as a user's terminal would (used by tests and bench/startup.py).

Textual draws only when it has a real terminal; a pty gives it one of a fixed size, and we read
what it draws.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass


@dataclass
class PtyRun:
    output: bytes
    returncode: int | None  # None: still running when we stopped it (after `marker` appeared)
    marker_seconds: float | None  # from spawn until `marker` first appeared in the output
    then_seconds: float | None = None  # from spawn until the `then` answer appeared


def run_in_pty(argv: list[str], *, cwd: str | None = None, env: dict[str, str] | None = None,
               marker: bytes | None = None, then: tuple[bytes, bytes] | None = None, timeout: float = 30.0,
               size: tuple[int, int] = (120, 40)) -> PtyRun:
    """Run `argv` on a new pty of `size` (columns, rows). With `marker`, stop the program as soon
    as the marker is drawn; with `then` = (keys, answer) too, type `keys` when the marker appears
    and stop when `answer` is drawn after it. Without a marker, wait for the program to exit.
    Raises TimeoutError past `timeout`."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    env = {"TERM": "xterm-256color", "COLORTERM": "truecolor", **(env if env is not None else os.environ)}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True)
    os.close(slave)
    output = b""
    seen: float | None = None
    answered: float | None = None
    after = 0  # where the answer is looked for: output drawn after the keys were typed
    try:
        while True:
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"{argv[0]} did not {'draw the marker' if marker else 'exit'} in {timeout} s")
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:  # the program exited and closed the terminal
                    chunk = b""
                output += chunk
                if marker is not None and seen is None and marker in output:
                    seen = time.perf_counter() - start
                    if then is None:
                        break
                    after = len(output)
                    os.write(master, then[0])
                elif then is not None and seen is not None and then[1] in output[after:]:
                    answered = time.perf_counter() - start
                    break
                if not chunk and proc.poll() is not None:
                    break
            elif proc.poll() is not None:
                break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
        else:
            code = proc.returncode
        os.close(master)
    return PtyRun(output, code, seen, answered)


class PtySession:
    """A program on a pty that a test or bench drives step by step: read until something is drawn,
    type, close the terminal, wait for the exit (every wait has a timeout; none is a fixed sleep)."""

    def __init__(self, argv: list[str], *, cwd: str | None = None, env: dict[str, str] | None = None,
                 size: tuple[int, int] = (120, 40)) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = {"TERM": "xterm-256color", "COLORTERM": "truecolor", **(env if env is not None else os.environ)}
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                                     start_new_session=True)
        os.close(slave)
        self.output = b""
        self.closed = False

    def read_some(self, timeout: float) -> bytes:
        """What the program draws within `timeout` seconds (b"" when nothing)."""
        if self.closed:
            return b""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # the program exited and closed the terminal
            chunk = b""
        self.output += chunk
        return chunk

    def read_until(self, marker: bytes, timeout: float = 30.0, since: int = 0) -> float:
        """Read until `marker` appears in the output after offset `since`; seconds it took."""
        begin = time.perf_counter()
        while marker not in self.output[since:]:
            if time.perf_counter() - begin > timeout:
                raise TimeoutError(f"{marker!r} not drawn in {timeout} s")
            if not self.read_some(0.05) and self.proc.poll() is not None:
                self.read_some(0.05)
                if marker not in self.output[since:]:
                    raise RuntimeError(f"exited ({self.proc.returncode}) before drawing {marker!r}")
        return time.perf_counter() - begin

    def drain(self, quiet: float = 0.05) -> None:
        """Read until the program has drawn nothing for `quiet` seconds."""
        while self.read_some(quiet):
            pass

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def close_terminal(self) -> None:
        """Close the terminal's master side, as a terminal window closing does."""
        if not self.closed:
            os.close(self.master)
            self.closed = True

    def wait(self, timeout: float) -> int | None:
        """The exit code, reading meanwhile so the program never blocks writing; None past `timeout`."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                self.read_some(0.01)
                return self.proc.returncode
            if self.closed:
                time.sleep(0.02)
            else:
                self.read_some(0.02)
        return None

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.close_terminal()
