"""Where launchdeck keeps its per-user cache (refreshed prices, plan outlines)."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "LAUNCHDECK_CACHE_DIR"  # overrides the platform's user cache directory (tests use it)


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("launchdeck"))
