"""Ctrl-C handling for the headless commands: quiet, prompt, and never inside an import.

Three moments:
- start-up (`entry` installs `quiet_exit`): nothing is open or half-written, so SIGINT ends the
  process at once with 130;
- a synchronous command (`interrupt_handler`): KeyboardInterrupt as usual, so `finally` blocks and
  temp-file cleanups run, except while a module is being imported. An interrupt there can leave a
  native extension half-initialised (pydantic-core then panics, CPython reports a fatal error),
  so it is re-sent 20 ms later, once the import is done;
- an asyncio command (`run_async`): asyncio's own handler, which cancels the main task at its next
  await (never inside an import either) and lets every `finally` and async cleanup run.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Coroutine
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")
RESEND_AFTER = 0.02


def quiet_exit(signum: int, _frame: object) -> None:
    """End now with 128+signum, no traceback (nothing is open or half-written at these moments)."""
    os._exit(128 + signum)


def _importing(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


_deferred = threading.Event()


def interrupt_handler(signum: int, frame: FrameType | None) -> None:
    """KeyboardInterrupt, unless an import is running: then the same signal again a moment later,
    and a note that one is owed (`deferred`): a command that is all imports until its last few
    milliseconds can finish before the resent signal arrives, and the Ctrl-C must not be lost."""
    if _importing(frame):
        _deferred.set()
        resend_later(signum)
        return
    _deferred.clear()
    raise KeyboardInterrupt


def take_deferred() -> bool:
    """True (once) when an interrupt arrived during an import and has not been raised since."""
    owed = _deferred.is_set()
    _deferred.clear()
    return owed


def resend_later(signum: int = signal.SIGINT) -> None:
    """Send `signum` to this process again in RESEND_AFTER seconds, from a helper thread."""
    timer = threading.Timer(RESEND_AFTER, os.kill, (os.getpid(), signum))
    timer.daemon = True
    timer.start()


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run with asyncio's graceful Ctrl-C (it only installs it over Python's default handler)."""
    import asyncio

    if threading.current_thread() is not threading.main_thread():
        return asyncio.run(coro)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return asyncio.run(coro)
    finally:
        signal.signal(signal.SIGINT, previous)
