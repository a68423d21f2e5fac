"""Which environment variables does the code read, and with or without a default?

Python is read with `ast` (os.environ[...], os.getenv, os.environ.get, django-environ / decouple
`env("X")` / `config("X")`, pydantic BaseSettings fields with env_prefix and aliases); JavaScript and
TypeScript with regexes (process.env.X, process.env["X"], destructuring, import.meta.env.X).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

REQUIRED, OPTIONAL, DEFAULT = "required", "optional", "default"
_STRENGTH = {REQUIRED: 2, OPTIONAL: 1, DEFAULT: 0}
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class EnvRead:
    name: str
    kind: str  # required (crashes when unset) | optional (None/undefined) | default (a fallback value)
    file: Path
    line: int
    default: str | None = None
    case_insensitive: bool = False
    in_function: bool = False  # read inside a function body: only fails when that code runs, not at start-up


def merge(reads: list[EnvRead]) -> dict[str, EnvRead]:
    """One read per name: the strongest (required > optional > default), first occurrence on ties."""
    out: dict[str, EnvRead] = {}
    for r in reads:
        key = r.name.upper() if r.case_insensitive else r.name
        cur = out.get(key)
        if cur is None or _STRENGTH[r.kind] > _STRENGTH[cur.kind] or (
                r.kind == cur.kind and cur.in_function and not r.in_function):
            out[key] = r
    return out


# ---------------------------------------------------------------- Python


def _const_str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ")


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _dotted(node.value) + "." + node.attr
    return ""


def _default_of(call: ast.Call, pos: int) -> tuple[str, str | None]:
    node = call.args[pos] if len(call.args) > pos else None
    for kw in call.keywords:
        if kw.arg == "default":
            node = kw.value
    if node is None:
        return OPTIONAL, None
    if isinstance(node, ast.Constant) and node.value is None:
        return OPTIONAL, None
    return DEFAULT, (str(node.value) if isinstance(node, ast.Constant) else None)


class _PyVisitor(ast.NodeVisitor):
    def __init__(self, path: Path, settings_bases: set[str]):
        self.path = path
        self.reads: list[EnvRead] = []
        self.sets: set[str] = set()
        self.settings_bases = settings_bases
        self.depth = 0

    def _add(self, name: str | None, kind: str, node: ast.AST, default: str | None = None, ci: bool = False):
        if name:
            self.reads.append(EnvRead(name, kind, self.path, getattr(node, "lineno", 0), default, ci,
                                      in_function=self.depth > 0))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if _is_environ(node.value):
            name = _const_str(node.slice)
            if isinstance(node.ctx, ast.Load):
                self._add(name, REQUIRED, node)
            elif name:
                self.sets.add(name)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        first = _const_str(node.args[0]) if node.args else None
        if isinstance(func, ast.Attribute) and _is_environ(func.value):
            if func.attr == "get":
                kind, default = _default_of(node, 1)
                self._add(first, kind, node, default)
            elif func.attr == "setdefault" and first:
                self.sets.add(first)
        elif _dotted(func) in ("os.getenv", "getenv", "os.environ.get"):
            kind, default = _default_of(node, 1)
            self._add(first, kind, node, default)
        elif _dotted(func).endswith("dj_database_url.config") or (
                isinstance(func, ast.Attribute) and func.attr in ("db", "db_url") and _dotted(func.value) == "env"):
            # dj_database_url.config() and django-environ env.db() read DATABASE_URL unless told otherwise
            name = next((_const_str(k.value) for k in node.keywords if k.arg in ("env", "var")), None)
            name = name or (first if isinstance(func, ast.Attribute) and first else "DATABASE_URL")
            has_default = any(k.arg == "default" for k in node.keywords)
            self._add(name, DEFAULT if has_default else REQUIRED, node)
        elif first and _ENV_NAME.match(first) and _dotted(func).split(".")[0] in ("env", "config") and (
                _dotted(func) in ("env", "config") or isinstance(func, ast.Attribute)):
            # django-environ env("X") / env.str("X", default=...), python-decouple config("X", default=...)
            has_default = any(kw.arg == "default" for kw in node.keywords)
            self._add(first, DEFAULT if has_default else REQUIRED, node)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if any(_dotted(b).split(".")[-1] in self.settings_bases for b in node.bases):
            self._settings_class(node)
        self.generic_visit(node)

    def _settings_class(self, node: ast.ClassDef) -> None:
        prefix, ci = "", True
        for stmt in node.body:
            # pydantic v2: model_config = SettingsConfigDict(env_prefix=..., case_sensitive=...)
            if isinstance(stmt, ast.Assign) and any(getattr(t, "id", "") == "model_config" for t in stmt.targets):
                if isinstance(stmt.value, ast.Call):
                    for kw in stmt.value.keywords:
                        if kw.arg == "env_prefix":
                            prefix = _const_str(kw.value) or ""
                        elif kw.arg == "case_sensitive" and isinstance(kw.value, ast.Constant):
                            ci = not kw.value.value
                elif isinstance(stmt.value, ast.Dict):
                    for k, v in zip(stmt.value.keys, stmt.value.values, strict=False):
                        if _const_str(k) == "env_prefix":
                            prefix = _const_str(v) or ""
            # pydantic v1: class Config: env_prefix = "..."
            if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
                for sub in stmt.body:
                    if isinstance(sub, ast.Assign) and any(getattr(t, "id", "") == "env_prefix" for t in sub.targets):
                        prefix = _const_str(sub.value) or ""
                    if isinstance(sub, ast.Assign) and any(getattr(t, "id", "") == "case_sensitive"
                                                           for t in sub.targets):
                        ci = not getattr(sub.value, "value", False)
        for stmt in node.body:
            if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
                continue
            field = stmt.target.id
            if field.startswith("_") or field == "model_config" or "ClassVar" in ast.unparse(stmt.annotation):
                continue
            name, kind, default = prefix + field, REQUIRED, None
            value = stmt.value
            if value is not None:
                # A field with a default, None included, is a setting the author chose to make optional:
                # not missing when the plan leaves it out.
                kind, default = DEFAULT, (str(value.value) if isinstance(value, ast.Constant) else None)
                if isinstance(value, ast.Call) and _dotted(value.func).split(".")[-1] == "Field":
                    kind, default = self._field_default(value)
                    for kw in value.keywords:
                        if kw.arg in ("alias", "validation_alias", "env") and _const_str(kw.value):
                            name = _const_str(kw.value) or name
            self._add(name, kind, stmt, default, ci)

    @staticmethod
    def _field_default(call: ast.Call) -> tuple[str, str | None]:
        node = call.args[0] if call.args else None
        for kw in call.keywords:
            if kw.arg == "default":
                node = kw.value
            if kw.arg == "default_factory":
                return DEFAULT, None
        if node is None or (isinstance(node, ast.Constant) and node.value is Ellipsis):
            return REQUIRED, None
        if isinstance(node, ast.Constant) and node.value is None:
            return DEFAULT, None
        return DEFAULT, (str(node.value) if isinstance(node, ast.Constant) else None)


def settings_bases(trees: list[ast.AST]) -> set[str]:
    """Class names that are BaseSettings or inherit from it within the scanned files."""
    bases = {"BaseSettings"}
    changed = True
    classes = [n for t in trees for n in ast.walk(t) if isinstance(n, ast.ClassDef)]
    while changed:
        changed = False
        for c in classes:
            if c.name not in bases and any(_dotted(b).split(".")[-1] in bases for b in c.bases):
                bases.add(c.name)
                changed = True
    return bases


def python_reads(files: list[Path], trees: dict[Path, ast.AST] | None = None) -> tuple[list[EnvRead], set[str]]:
    """Env reads in Python files, and names the code itself sets (os.environ[X] = ..., setdefault)."""
    from launchdeck.app.preflight.walk import read_text

    parsed: dict[Path, ast.AST] = dict(trees or {})
    for f in files:
        if f not in parsed:
            text = read_text(f)
            if text is None:
                continue
            try:
                parsed[f] = ast.parse(text)
            except (SyntaxError, ValueError):
                continue
    bases = settings_bases(list(parsed.values()))
    reads: list[EnvRead] = []
    sets: set[str] = set()
    for path in files:
        if path not in parsed:
            continue
        v = _PyVisitor(path, bases)
        v.visit(parsed[path])
        reads += v.reads
        sets |= v.sets
    return reads, sets


# ---------------------------------------------------------------- JavaScript / TypeScript

_JS_READ = re.compile(
    r"(?:process\.env|import\.meta\.env)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]\s*\])"
    r"(?P<after>\s*(?:\|\||\?\?|=(?!=))?)"
)
_JS_DESTRUCTURE = re.compile(r"\{([^{}]*)\}\s*=\s*(?:process\.env|import\.meta\.env)\b")
_JS_IGNORE = frozenset({"NODE_ENV", "PORT", "HOSTNAME", "NEXT_RUNTIME", "NEXT_PHASE", "DEV", "PROD", "MODE",
                        "SSR", "BASE_URL"})


_PRISMA_ENV = re.compile(r"\benv\(\s*\"([A-Za-z_][A-Za-z0-9_]*)\"\s*\)")


def js_reads(files: list[Path]) -> list[EnvRead]:
    from launchdeck.app.preflight.walk import read_text

    reads: list[EnvRead] = []
    for path in files:
        text = read_text(path)
        if not text or "env" not in text:
            continue
        if path.suffix == ".prisma":  # datasource db { url = env("DATABASE_URL") }
            reads += [EnvRead(m.group(1), REQUIRED, path, text.count("\n", 0, m.start()) + 1)
                      for m in _PRISMA_ENV.finditer(text)]
            continue
        for m in _JS_READ.finditer(text):
            name = m.group(1) or m.group(2)
            after = m.group("after").strip()
            if after == "=" or name in _JS_IGNORE:
                continue
            kind = DEFAULT if after in ("||", "??") else OPTIONAL
            default = None
            if kind == DEFAULT:
                lit = re.match(r"\s*(['\"`])([^'\"`\n]*)\1", text[m.end():m.end() + 300])
                default = lit.group(2) if lit else None
            reads.append(EnvRead(name, kind, path, text.count("\n", 0, m.start()) + 1, default))
        for m in _JS_DESTRUCTURE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            for item in m.group(1).split(","):
                item = item.strip()
                if not item or item.startswith("..."):
                    continue
                key = re.split(r"[:=]", item, maxsplit=1)[0].strip()
                if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) and key not in _JS_IGNORE:
                    reads.append(EnvRead(key, DEFAULT if "=" in item else OPTIONAL, path, line))
    return reads


# ---------------------------------------------------------------- Go

_GO_GETENV = re.compile(r"\bos\.(Getenv|LookupEnv)\(\s*\"([A-Za-z_][A-Za-z0-9_]*)\"\s*\)")
# A helper such as getEnv("DATABASE_URL", "postgres://localhost/app"), or envOr(...): the second string is the default.
_GO_HELPER = re.compile(r"\b(?:get|env|lookup|must)\w*\(\s*\"([A-Z][A-Z0-9_]*)\"\s*,\s*\"([^\"\n]*)\"\s*\)",
                        re.IGNORECASE)
_GO_STRING = re.compile(r"\"([^\"\n]*)\"|`([^`\n]*)`")


def go_reads(files: list[Path]) -> list[EnvRead]:
    """os.Getenv reads in Go; a literal assigned in the next lines when the value is empty is its default."""
    from launchdeck.app.preflight.walk import read_text

    reads: list[EnvRead] = []
    for path in files:
        text = read_text(path)
        if not text or "env" not in text.lower():
            continue
        for m in _GO_GETENV.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            # `if v == "" { v = "postgres://localhost..." }` within the next few lines
            after = "\n".join(text[m.end():].splitlines()[:5])
            fallback = None
            if re.search(r"==\s*\"\"|!ok|\bok\b\s*\{|!found", after):
                assigned = re.search(r"\b\w+\s*=\s*(?:\"([^\"\n]*)\"|`([^`\n]*)`)", after)
                fallback = (assigned.group(1) or assigned.group(2)) if assigned else None
            kind = DEFAULT if fallback is not None else OPTIONAL
            if fallback is None and re.search(r"==\s*\"\"|!ok", after) and re.search(
                    r"log\.Fatal|panic\(|errors\.New|fmt\.Errorf|os\.Exit", after):
                kind = REQUIRED
            # Only main() and init() run at start-up; a read in any other function fails when it is called.
            func = re.findall(r"^func\s+(?:\([^)]*\)\s*)?(\w+)", text[:m.start()], re.MULTILINE)
            in_function = not func or func[-1] not in ("main", "init")
            reads.append(EnvRead(m.group(2), kind, path, line, fallback, in_function=bool(func) and in_function))
        for m in _GO_HELPER.finditer(text):
            if m.group(0).startswith(("os.", "Getenv")):
                continue
            line = text.count("\n", 0, m.start()) + 1
            reads.append(EnvRead(m.group(1), DEFAULT if m.group(2) else OPTIONAL, path, line, m.group(2) or None))
    return reads
