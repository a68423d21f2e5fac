"""Walking a source tree: code files only, without vendored, built or test files."""

from __future__ import annotations

import os
import re
from pathlib import Path

SKIP_DIRS = frozenset({
    "node_modules", ".git", ".hg", ".venv", "venv", "env", ".env", "__pycache__", "dist", "build", ".next",
    ".nuxt", "out", "coverage", "site-packages", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox",
    "tests", "test", "__tests__", "spec", "e2e", "cypress", ".idea", ".vscode", "vendor", "target",
    ".terraform", "docs", "examples",
})  # fmt: skip


def kept_dirs(dirpath: str, dirnames: list[str], keep_dot: tuple[str, ...] = ()) -> list[str]:
    """The subdirectories worth reading: not vendored, built, test or hidden ones, and not a
    directory launchdeck itself exported (its deploy.sh and manifests are ours, not the user's)."""
    from launchdeck.app.export import MANIFEST

    return sorted(d for d in dirnames
                  if d not in SKIP_DIRS and (not d.startswith(".") or d in keep_dot)
                  and not os.path.isfile(os.path.join(dirpath, d, MANIFEST)))


_TEST_FILE = re.compile(r"(^test_.*\.py$|_test\.py$|^conftest\.py$|\.(test|spec)\.[cm]?[jt]sx?$)")
MAX_FILES = 4000
MAX_BYTES = 512 * 1024


def code_files(root: Path, suffixes: tuple[str, ...], max_files: int = MAX_FILES) -> list[Path]:
    """Files under root with one of the suffixes, sorted, skipping tests and vendored trees."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = kept_dirs(dirpath, dirnames)
        for name in sorted(filenames):
            if name.endswith(suffixes) and not _TEST_FILE.search(name):
                found.append(Path(dirpath) / name)
                if len(found) >= max_files:
                    return found
    return found


def read_text(path: Path) -> str | None:
    """The file's text, or None when it is unreadable, larger than MAX_BYTES or no regular file
    (a FIFO or a link to /dev/zero in a source tree must not hang the scan)."""
    from launchdeck.app.safeio import read_bounded

    try:
        return read_bounded(path, MAX_BYTES, "source file").decode("utf-8", "replace")
    except OSError:
        return None


def rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()
