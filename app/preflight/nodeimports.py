"""Node/TypeScript imports versus the packages package.json lists."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from launchdeck.app.preflight.walk import read_text

NODE_BUILTINS = frozenset({
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
    "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector", "module", "net",
    "os", "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream",
    "string_decoder", "sys", "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi",
    "worker_threads", "zlib", "test", "sqlite",
})  # fmt: skip
_IMPORT = re.compile(
    r"""(?:^|[;\s])(?:import\s+(?!type\b)(?:[\w*{}\s,$]+\s+from\s+)?|export\s+[\w*{}\s,$]+\s+from\s+|"""
    r"""require\(\s*|import\(\s*)['"]([^'"\s]+)['"]""",
    re.MULTILINE,
)


@dataclass(frozen=True)
class NodeImport:
    package: str
    file: Path
    line: int


def package_of(spec: str) -> str | None:
    """'lodash/fp' -> lodash, '@scope/pkg/x' -> @scope/pkg; None for relative, builtin or aliased specs."""
    if spec.startswith((".", "/", "~", "#", "@/", "virtual:", "data:", "http:", "https:")) or spec.startswith("node:"):
        return None
    parts = spec.split("/")
    name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
    if name in NODE_BUILTINS or not re.fullmatch(r"(@[\w.-]+/)?[\w.-]+", name):
        return None
    return name


def declared_packages(context: Path) -> set[str] | None:
    try:
        data = json.loads(read_text(context / "package.json") or "")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    out: set[str] = {str(data.get("name", ""))}
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        if isinstance(data.get(key), dict):
            out |= set(data[key])
    return out


def _aliases(context: Path) -> list[str]:
    prefixes: list[str] = []
    for name in ("tsconfig.json", "jsconfig.json"):
        text = read_text(context / name) or ""
        prefixes += [p.rstrip("*") for p in re.findall(r'"([^"]+)"\s*:\s*\[', text)]
    return [p for p in prefixes if p and p not in ("lib", "types", "include", "exclude")]


def missing_imports(context: Path, files: list[Path]) -> list[NodeImport]:
    declared = declared_packages(context)
    if declared is None:
        return []
    aliases = _aliases(context)
    out: list[NodeImport] = []
    seen: set[str] = set()
    for path in files:
        if path.name.startswith(("next.config", "vite.config", "tailwind.config", "postcss.config", "jest.config",
                                 "eslint", ".eslintrc", "vitest.config", "playwright.config")):
            continue
        text = read_text(path) or ""
        for m in _IMPORT.finditer(text):
            spec = m.group(1)
            if any(spec.startswith(a) for a in aliases):
                continue
            pkg = package_of(spec)
            if pkg is None or pkg in declared or pkg in seen:
                continue
            if pkg.startswith("@types/") or (f"@types/{pkg}" in declared and path.suffix in (".ts", ".tsx")):
                continue
            seen.add(pkg)
            out.append(NodeImport(pkg, path, text.count("\n", 0, m.start(1)) + 1))
    return out
