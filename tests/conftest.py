"""Shared test setup. Fake Google API servers live in tests/fakes/ (one module per API)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# grpc-core logs "Got goaway" noise when a fake stops under open channels; must be set before import.
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
# Tests never look for real credentials or a metadata server.
os.environ.setdefault("NO_GCE_CHECK", "true")
os.environ.pop("LAUNCHDECK_EMULATOR_HOST", None)
# Report tables wrap at the terminal width; make it the same wherever the suite runs.
os.environ["COLUMNS"] = "200"
os.environ.pop("NO_COLOR", None)


# --- Shared fixtures (fakes imported inside them, so the environment above is set first) ---------

if TYPE_CHECKING:
    from tests.fakes.fake_logging import FakeLogging
    from tests.fakes.fake_run import FakeRun


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRun]:
    """The fake Run v2 server, with the CLI pointed at it."""
    from tests.fakes.fake_run import FakeRun

    with FakeRun() as server:
        monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", server.target)
        monkeypatch.setenv("COLUMNS", "160")  # tests parse the tables; do not depend on the caller's terminal
        yield server


@pytest.fixture
def fake_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLogging]:
    """The fake Cloud Logging server, with the CLI pointed at it."""
    from tests.fakes.fake_logging import FakeLogging

    f = FakeLogging()
    f.start()
    monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", f.target)
    yield f
    f.stop()


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """tests.helpers.PLAN written to launchdeck.yaml in a fresh directory."""
    from tests.helpers import PLAN

    path = tmp_path / "launchdeck.yaml"
    path.write_text(PLAN)
    return path


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user price cache, no project or emulator from the caller's environment; cwd is tmp_path."""
    monkeypatch.setenv("LAUNCHDECK_CACHE_DIR", str(tmp_path / "cache"))
    for var in ("GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT", "LAUNCHDECK_EMULATOR_HOST"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
