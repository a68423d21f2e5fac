"""Which Node and Go files a service's entry point reaches (Python: pyimports.import_tree).

A file counts for a service only when its entry point (the start command, the Dockerfile's CMD, or the
framework's convention) reaches it through local imports. When no entry can be found the whole tree is
returned and the caller treats what it finds as a guess (`confident` False).
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from launchdeck.app.preflight.walk import code_files, read_text

JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".mts", ".cts")
_JS_LOCAL = re.compile(r"""(?:from\s+|require\(\s*|import\(\s*|import\s+)['"](\.{1,2}/[^'"]*)['"]""")
# Frameworks whose files are all reached by convention (routes from the file system, a bundler's graph).
_JS_FRAMEWORKS = ("next", "nuxt", "@remix-run/node", "@sveltejs/kit", "astro", "vite", "react-scripts",
                  "@angular/core", "gatsby", "@nestjs/core")
_JS_RUNNERS = re.compile(r"\b(node|nodemon|ts-node|tsx|bun|deno\s+run)\s+(?:--?[\w-]+(?:=\S+)?\s+)*([\w./@-]+)")


def _closure(starts: list[Path], neighbours: Callable[[Path], Iterable[Path]], limit: int) -> list[Path]:
    """Everything reachable from `starts`, in the order first reached, at most `limit` nodes."""
    seen: list[Path] = []
    known: set[Path] = set()
    todo = deque(starts)
    while todo and len(seen) < limit:
        node = todo.popleft()
        if node in known:
            continue
        known.add(node)
        seen.append(node)
        todo.extend(n for n in neighbours(node) if n not in known)
    return seen


def _package_json(directory: Path) -> dict:
    try:
        data = json.loads(read_text(directory / "package.json") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _resolve_js(base: Path, spec: str) -> Path | None:
    target = (base / spec)
    for cand in (target, *(target.with_name(target.name + s) for s in JS_SUFFIXES),
                 *(target / f"index{s}" for s in JS_SUFFIXES)):
        if cand.is_file() and cand.suffix in JS_SUFFIXES:
            return cand
    # Compiled output named in the command (dist/server.js) whose source is src/server.ts.
    parts = Path(spec).parts
    if parts and parts[0] in ("dist", "build", "out", "lib"):
        return _resolve_js(base, str(Path("src", *parts[1:]).with_suffix("")))
    return None


def js_entries(directory: Path, command_lines: list[str]) -> list[Path] | None:
    """Entry files of a Node service, [] for a framework that reaches every file, None when unknown."""
    pkg = _package_json(directory)
    deps = {**(pkg.get("dependencies") or {}), **(pkg.get("devDependencies") or {})}
    if any(f in deps for f in _JS_FRAMEWORKS):
        return []
    lines = list(command_lines)
    scripts = pkg.get("scripts") if isinstance(pkg.get("scripts"), dict) else {}
    if isinstance(scripts.get("start"), str):
        lines.append(scripts["start"])
    found: list[Path] = []
    for line in lines:
        for m in _JS_RUNNERS.finditer(line):
            tok = m.group(2)
            if tok.startswith("-"):
                continue
            path = _resolve_js(directory, tok.lstrip("/").removeprefix("app/")) or _resolve_js(directory, tok)
            if path is not None:
                found.append(path)
    if not found and isinstance(pkg.get("main"), str):
        main = _resolve_js(directory, pkg["main"])
        if main is not None:
            found.append(main)
    if not found:
        for name in ("server", "index", "app", "main", "src/server", "src/index", "src/app", "src/main"):
            path = _resolve_js(directory, name)
            if path is not None:
                found.append(path)
                break
    return found or None


def js_reachable(directory: Path, command_lines: list[str]) -> tuple[list[Path], bool]:
    """(files, confident): the JS/TS files the entry reaches, or every file when the entry is unknown."""
    everything = code_files(directory, (*JS_SUFFIXES, ".prisma"))
    entries = js_entries(directory, command_lines)
    if entries is None:
        return everything, False
    if not entries:
        return everything, True

    def local_imports(path: Path) -> Iterable[Path]:
        found = (_resolve_js(path.parent, m.group(1)) for m in _JS_LOCAL.finditer(read_text(path) or ""))
        return (p for p in found if p is not None)

    seen = _closure(list(entries), local_imports, 2000)
    schema = [p for p in everything if p.suffix == ".prisma"]
    return sorted(seen) + schema, True


# ---------------------------------------------------------------- Go

_GO_IMPORT_BLOCK = re.compile(r"^import\s*\((.*?)^\)", re.MULTILINE | re.DOTALL)
_GO_IMPORT_ONE = re.compile(r"^import\s+(?:\w+\s+)?\"([^\"]+)\"", re.MULTILINE)
_GO_BUILD = re.compile(r"\bgo\s+(?:build|run|install)\b[^&;|]*?\s(\./[\w./-]*|\.)(?=\s|$|&|;)")


def _go_module(directory: Path) -> str | None:
    m = re.search(r"^module\s+(\S+)", read_text(directory / "go.mod") or "", re.MULTILINE)
    return m.group(1) if m else None


def _go_imports(text: str) -> list[str]:
    out = [m.group(1) for m in _GO_IMPORT_ONE.finditer(text)]
    for block in _GO_IMPORT_BLOCK.finditer(text):
        out += re.findall(r"\"([^\"]+)\"", block.group(1))
    return out


def _go_files(pkg_dir: Path) -> list[Path]:
    try:
        return sorted(p for p in pkg_dir.glob("*.go") if not p.name.endswith("_test.go"))
    except OSError:
        return []


def go_reachable(directory: Path, build_lines: list[str]) -> tuple[list[Path], bool]:
    """(files, confident): Go files of the main package the build names and of the local packages it imports."""
    if not (directory / "go.mod").is_file():
        return [], False
    module = _go_module(directory)
    everything = code_files(directory, (".go",), max_files=1000)
    mains: list[Path] = []
    for line in build_lines:
        for m in _GO_BUILD.finditer(line):
            pkg_dir = (directory / m.group(1)).resolve()
            if pkg_dir.is_dir():
                mains.append(pkg_dir)
    confident = bool(mains)
    if not mains:  # every main package: a guess that covers them all
        mains = sorted({p.parent for p in everything if re.search(r"^package\s+main\b", read_text(p) or "",
                                                                    re.MULTILINE)})
    if not mains or module is None:
        return everything, False

    def local_packages(pkg: Path) -> Iterable[Path]:
        for path in _go_files(pkg):
            for imp in _go_imports(read_text(path) or ""):
                if imp == module or imp.startswith(module + "/"):
                    sub = directory / imp[len(module):].lstrip("/")
                    if sub.is_dir():
                        yield sub

    seen = _closure(mains, local_packages, 500)
    return [f for pkg in seen for f in _go_files(pkg)], confident
