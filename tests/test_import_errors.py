"""Malformed compose files: exit 2, `FILE:LINE: key.path: message`, no traceback, nothing written."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from launchdeck.app.cli import main
from launchdeck.app.compose import import_compose
from launchdeck.app.planfile import PlanFileError

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad_compose"

EXPECTED: dict[str, tuple[int, str, str]] = {
    "no_services.yml": (1, "services", "is missing"),
    "services_list.yml": (1, "services", "must be a mapping"),
    "service_string.yml": (4, "services.api", "expected a mapping of settings"),
    "ports_string.yml": (4, "services.api.ports", "allowed: a list"),
    "environment_string.yml": (4, "services.api.environment", "allowed: a mapping or a list"),
    "syntax.yml": (5, "", "YAML syntax error"),
    "xl_unknown_key.yml": (6, "services.api.x-launchdeck.cpuu", "unknown key (did you mean 'cpu'?)"),
    "xl_bad_memory.yml": (6, "services.api.x-launchdeck.memory", "not a memory size"),
    "xl_bad_region.yml": (2, "x-launchdeck.region", "unknown region 'us-east99'"),
    "xl_bad_role.yml": (6, "services.api.x-launchdeck.role", "allowed: web, websocket, worker, job"),
    "xl_not_mapping.yml": (1, "x-launchdeck", "expected a mapping"),
    "xl_cpu_memory.yml": (6, "services.api.x-launchdeck.memory", "allowed: 128Mi to 1Gi"),
    "no_image_or_build.yml": (2, "services.api", "neither image: nor build:"),
    "duplicate_service.yml": (4, "services.api", "duplicate key"),
    "comments_only.yml": (1, "", "file is empty"),
}


def test_every_file_is_covered() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in BAD.iterdir())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_compose(name: str, tmp_path: Path) -> None:
    line, key, words = EXPECTED[name]
    path = BAD / name
    with pytest.raises(PlanFileError) as info:
        import_compose(path)
    lines = str(info.value).splitlines()
    prefix = f"{path}:{line}: {key + ': ' if key else ''}"
    assert any(ln.startswith(prefix) and words in ln for ln in lines), lines
    # through the CLI: exit 2, the same lines on stderr, no plan written
    out = tmp_path / "launchdeck.yaml"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = main(["import", str(path), "-o", str(out)])
    assert rc == 2
    assert err.getvalue().strip().splitlines() == lines
    assert not out.exists()


def test_unreadable_inputs(tmp_path: Path) -> None:
    binary = tmp_path / "compose.yml"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    cases = {str(tmp_path / "missing.yml"): "file not found", str(tmp_path): "is a directory, not a compose file",
             str(binary): "is a binary file"}
    for path, words in cases.items():
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = main(["import", path, "-o", str(tmp_path / "out.yaml")])
        assert rc == 2 and err.getvalue().startswith(f"{path}: ") and words in err.getvalue()
