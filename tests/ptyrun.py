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
