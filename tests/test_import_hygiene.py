"""Start-up stays light: the core never imports Textual, and nothing loads Google clients at import time."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import json, sys
import launchdeck.app.cli, launchdeck.app.plan, launchdeck.app.planfile, launchdeck.app.compose
launchdeck.app.cli.build_parser()
heavy = sorted(m for m in sys.modules
               if m == "textual" or m.startswith(("textual.", "google.cloud", "grpc", "google.api_core")))
print(json.dumps(heavy))
"""


def test_cli_start_does_not_load_textual_or_google() -> None:
    proc = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_the_probe_can_see_textual() -> None:
    """The probe above would notice: importing the TUI module does pull Textual in."""
    code = _PROBE.replace("launchdeck.app.cli.build_parser()", "import textual.app")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "textual" in json.loads(proc.stdout)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_sources_never_import_textual() -> None:
    files = [p for p in (ROOT / "app").rglob("*.py") if p != ROOT / "app" / "tui.py"]
    files += list((ROOT / "estimators").rglob("*.py")) if (ROOT / "estimators").exists() else []
    assert len(files) > 10
    offenders = {str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if n.split(".")[0] == "textual")
                 for p in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_scanner_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("import os\nfrom textual.app import App\ndef f():\n    import textual.widgets\n")
    assert {"textual.app", "textual.widgets", "os"} <= _imports(sample)
