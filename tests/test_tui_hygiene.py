"""Keep Textual out of the core, and Google libraries out of the TUI's start-up imports."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUI_FILES = {ROOT / "app" / "tui.py"}


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter at the project root: what it imports is all its own."""
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def _core_files() -> list[Path]:
    files = [p for p in (ROOT / "app").rglob("*.py") if p not in TUI_FILES]
    files += list((ROOT / "estimators").rglob("*.py"))
    return files


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_never_imports_textual_or_screens() -> None:
    files = _core_files()
    assert len(files) > 10
    banned = ("textual", "textual_plotext", "launchdeck.screens")
    offenders = [str(p.relative_to(ROOT)) for p in files
                 if any(n == b or n.startswith(b + ".") for n in _imports(p) for b in banned)]
    assert offenders == []


def test_core_modules_load_without_textual() -> None:
    code = (
        "import sys\n"
        "import launchdeck.app.cli, launchdeck.app.plan, launchdeck.app.planfile, launchdeck.app.preflight\n"
        "import launchdeck.app.hints, launchdeck.app.generators, launchdeck.app.export\n"
        "import launchdeck.estimators\n"
        "import launchdeck.app.logsources.tail_child  # the log tail's child process must stay light\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('launchdeck.screens'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = _python(code)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_tui_start_imports_nothing_from_google() -> None:
    code = (
        "import sys\n"
        "from launchdeck.app.tui import make_app\n"
        "app = make_app(None)\n"
        "import launchdeck.screens.plan\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('google', 'grpc')))\n"
        "print(bad[:5])\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = _python(code)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_first_paint_needs_neither_pydantic_nor_a_yaml_parser(tmp_path: Path) -> None:
    """What the first screen needs (make_app and the Plan screen) imports no pydantic, and with the
    plan's outline cached no YAML parser either: both cost a few hundred ms before the first paint."""
    code = (
        "import sys\n"
        "from launchdeck.app.tui import make_app\n"
        "app = make_app(None)\n"
        "import launchdeck.screens.plan\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'pydantic_core', 'ruamel', 'yaml'})\n"
        "print(heavy)\n"
        "from launchdeck.app.outline import remember\n"
        "remember(app.opened.outline_key, app.preview) if app.opened.outline_key else None\n"
    )
    env = {**os.environ, "LAUNCHDECK_CACHE_DIR": str(tmp_path)}
    first = _python(code, env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "['yaml']"  # a plan never opened before: outlined with the C YAML parser
    again = _python(code, env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "[]"  # outline cached: nothing heavy before the first paint


def _tui_modules() -> list[str]:
    names = ["launchdeck.app.tui"]
    for path in sorted((ROOT / "screens").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        names.append("launchdeck." + ".".join(p for p in rel.parts if p != "__init__"))
    return names


# Private uses still being moved to public APIs (empty now): delete an entry when it is gone
# (the test fails on an entry that no longer matches, so the list can only shrink).
KNOWN_PRIVATE: set[str] = set()


def _textual_private(attr: str) -> bool:
    """True when `attr` is a private attribute of Textual's App, Screen or Widget."""
    from textual.app import App
    from textual.screen import Screen
    from textual.widget import Widget

    return any(hasattr(cls, attr) for cls in (App, Screen, Widget)) or attr in ("_batch_count", "_css_update_count")


def test_tui_uses_only_public_textual_apis() -> None:
    """No `textual._x` import, no private attribute read by name, and no override of a Textual
    class's private method (the app keeps working across Textual releases)."""
    import importlib
    import inspect

    offenders: list[str] = []
    for path in [*TUI_FILES, *(ROOT / "screens").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "textual" \
                    and any(part.startswith("_") for part in (node.module or "").split(".")):
                offenders.append(f"{path.name}: from {node.module}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr")
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
                    and str(node.args[1].value).startswith("_") and _textual_private(str(node.args[1].value))):
                offenders.append(f"{path.name}:{node.lineno}: {node.func.id}(…, {node.args[1].value!r})")
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and _textual_private(node.attr):
                offenders.append(f"{path.name}: .{node.attr}")
    for name in _tui_modules():
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            textual_bases = [b for b in cls.__mro__[1:] if b.__module__.startswith("textual")]
            if not textual_bases:
                continue
            made = set(vars(type("Plain", (textual_bases[0],), {})))  # what Textual's metaclass sets itself
            for attr in set(vars(cls)) - made:
                if attr.startswith("_") and not attr.startswith("__") and any(attr in vars(b) for b in textual_bases):
                    offenders.append(f"{name}.{cls.__name__}.{attr} overrides Textual's private {attr}")
    assert sorted(set(offenders) - KNOWN_PRIVATE) == []
    assert sorted(KNOWN_PRIVATE - set(offenders)) == [], "fixed: remove it from KNOWN_PRIVATE"
