"""Notice when the app's terminal goes away: SIGHUP (the window closed, the ssh link dropped) or a
hang-up/error on the terminal itself (EOF/EIO on the tty, with no signal to say so).

Plain Python: the TUI passes its event loop and what to do. Without this, a TUI whose terminal has
gone keeps running with nobody to see it (once, at 100 % CPU for most of an hour).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import sys
import threading
from collections.abc import Callable

GRACE_SECONDS = 3.0  # after that, a shutdown stuck writing to the dead terminal is cut short


def _hung_up(fd: int) -> bool:
    """Block until `fd` reports a hang-up or an error; False if it cannot be watched."""
    poller = select.poll()
    try:
        poller.register(fd, 0)  # no events asked for: poll still reports POLLHUP, POLLERR, POLLNVAL
    except (OSError, ValueError):
        return False
    while True:
        try:
            events = poller.poll()
        except InterruptedError:
            continue
        except OSError:
            return True
        if any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _fd, mask in events):
            return True


def watch_terminal(loop: asyncio.AbstractEventLoop, gone: Callable[[], None], exit_code: int = 129) -> None:
    """Call `gone` on the loop once the terminal goes away, then make sure the process ends."""
    fired = threading.Event()

    def fire() -> None:
        if fired.is_set():
            return
        fired.set()
        threading.Thread(target=_deadline, args=(exit_code,), daemon=True, name="terminal-gone-deadline").start()
        gone()

    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
        loop.add_signal_handler(signal.SIGHUP, fire)
    fds = {fd for fd in (_fileno(sys.__stdin__), _fileno(sys.__stdout__)) if fd is not None and os.isatty(fd)}
    for fd in fds:

        def watch(fd: int = fd) -> None:
            if _hung_up(fd) and not fired.is_set():
                with contextlib.suppress(RuntimeError):  # the loop already closed: the app is ending anyway
                    loop.call_soon_threadsafe(fire)

        threading.Thread(target=watch, daemon=True, name=f"terminal-watch-{fd}").start()


def _deadline(exit_code: int) -> None:
    threading.Event().wait(GRACE_SECONDS)
    os._exit(exit_code)  # the orderly exit did not finish (stuck on the dead terminal)


def _fileno(stream: object) -> int | None:
    try:
        return stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return None
