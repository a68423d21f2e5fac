"""The house drawn from its imports: one namespace, no import circles, Textual only in the TUI shell.

Every import (module level or inside a function, outside `if TYPE_CHECKING:`) is an edge; a strongly
connected component of more than one module is a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"app": "launchdeck.app", "screens": "launchdeck.screens", "estimators": "launchdeck.estimators",
           "assets": "launchdeck.assets"}
# Textual may be imported only by the TUI shell and the screens.
TUI = ("launchdeck.app.tui", "launchdeck.screens")
# Known circles: none. A new circle fails the test; an entry here would need a reason.
KNOWN_CIRCLES: list[list[str]] = [
]


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder, package in FOLDERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    return skip


def imported_names(name: str, path: Path, known: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """Every absolute module name `name` imports (relative imports resolved). `from X import Y` is an
    edge to the module X.Y when that is one of `known`, else to X: a package's __init__ that runs on the
    way to its submodule is not counted as a dependency."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _type_checking_nodes(tree)
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, *([base] if base else [])])
            for alias in node.names:
                out.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {m: {n for n in imported_names(m, p, set(mods)) if n in mods and n != m} for m, p in mods.items()}


def circles(g: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return sorted(found)


def test_no_import_circles() -> None:
    assert circles(graph()) == sorted(KNOWN_CIRCLES)


def test_circle_finder_sees_a_circle() -> None:
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(g) == [["a", "b", "c"]]


def test_every_import_of_ours_goes_through_launchdeck() -> None:
    bare = {f for f in FOLDERS}
    offenders = {str(p.relative_to(ROOT)): sorted(n for n in imported_names(m, p) if n.split(".")[0] in bare)
                 for m, p in modules().items()}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_textual_only_in_the_tui_shell_and_screens() -> None:
    offenders = {}
    for m, p in modules().items():
        if m.startswith(TUI):
            continue
        bad = sorted(n for n in imported_names(m, p)
                     if n.split(".")[0] in ("textual", "textual_plotext") or n.startswith("launchdeck.screens"))
        if bad:
            offenders[m] = bad
    assert offenders == {}


def test_only_the_cli_starts_the_app_shell() -> None:
    """Screens reach the App through `self.app` (types under TYPE_CHECKING), never by importing app.tui."""
    offenders = sorted(m for m, p in modules().items()
                       if m not in ("launchdeck.app.tui", "launchdeck.app.cli")
                       and "launchdeck.app.tui" in imported_names(m, p))
    assert offenders == []


def test_every_package_folder_is_in_the_wheel() -> None:
    """pyproject lists packages by hand (the folders are mapped into launchdeck.*): none may be missed."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    packages = {m for m, p in modules().items() if p.name == "__init__.py"}
    data = {"launchdeck.assets." + ".".join(d.relative_to(ROOT / "assets").parts)
            for d in (ROOT / "assets").rglob("*") if d.is_dir() and d.name != "__pycache__"}
    assert packages | data == listed
