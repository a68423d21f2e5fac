"""Where launchdeck keeps its per-user cache (refreshed prices, plan outlines)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

CACHE_ENV = "LAUNCHDECK_CACHE_DIR"  # overrides the platform's user cache directory (tests use it)


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    if sys.platform.startswith("linux"):
        # platformdirs' answer on Linux, without importing it (~4 ms of the TUI's first paint)
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return Path(base) / "launchdeck"
    import platformdirs

    return Path(platformdirs.user_cache_dir("launchdeck"))
