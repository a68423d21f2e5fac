"""The one SIGINT handler for moments with nothing to clean up: start-up, and after an interrupt."""

from __future__ import annotations

import os


def quiet_exit(signum: int, _frame: object) -> None:
    """End now with 128+signum, no traceback (nothing is open or half-written at these moments)."""
    os._exit(128 + signum)
