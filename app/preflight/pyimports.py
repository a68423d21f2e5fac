"""Python entry modules, the local import tree under them, and what the image's requirements install."""

from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from launchdeck.app.preflight.walk import read_text

# distribution -> distributions it installs with it (so importing them is fine without listing them).
IMPLIED = {
    "fastapi": ["starlette", "pydantic", "anyio", "typing-extensions"],
    "uvicorn": ["click", "h11"], "celery": ["kombu", "billiard", "vine", "click", "python-dateutil", "amqp"],
    "flask": ["werkzeug", "jinja2", "itsdangerous", "click", "blinker", "markupsafe"],
    "django": ["asgiref", "sqlparse"], "requests": ["urllib3", "idna", "certifi", "charset-normalizer"],
    "httpx": ["httpcore", "anyio", "certifi", "idna", "sniffio", "h11"],
    "sqlalchemy": ["greenlet", "typing-extensions"], "alembic": ["sqlalchemy", "mako"],
    "flask-sqlalchemy": ["sqlalchemy", "flask"], "pandas": ["numpy", "python-dateutil", "pytz", "tzdata"],
    "scipy": ["numpy"], "scikit-learn": ["numpy", "scipy", "joblib", "threadpoolctl"],
    "librosa": ["numpy", "scipy", "soundfile", "audioread", "numba", "joblib", "decorator", "scikit-learn",
                "lazy-loader", "msgpack", "pooch", "soxr"],
    "torch": ["filelock", "jinja2", "networkx", "sympy", "fsspec", "typing-extensions"],
    "torchaudio": ["torch"], "torchvision": ["torch", "numpy", "pillow"],
    "transformers": ["huggingface-hub", "numpy", "pyyaml", "regex", "requests", "tokenizers", "safetensors",
                     "tqdm", "filelock", "packaging"],
    "sentence-transformers": ["transformers", "torch", "huggingface-hub", "scikit-learn", "scipy", "tqdm"],
    "boto3": ["botocore", "s3transfer", "jmespath"], "botocore": ["urllib3", "python-dateutil", "jmespath"],
    "google-cloud-storage": ["google-api-core", "google-auth", "google-cloud-core", "google-resumable-media",
                             "requests", "protobuf"],
    "pydantic-settings": ["pydantic", "python-dotenv"], "pydantic": ["pydantic-core", "annotated-types",
                                                                   "typing-extensions"],
    "matplotlib": ["numpy", "pillow", "pyparsing", "python-dateutil", "cycler", "kiwisolver"],
    "opencv-python": ["numpy"], "opencv-python-headless": ["numpy"],
    "demucs": ["torch", "torchaudio", "julius", "einops", "lameenc", "openunmix", "pyyaml", "tqdm", "numpy"],
    "openai-whisper": ["torch", "numpy", "tqdm", "tiktoken", "numba"], "numba": ["llvmlite", "numpy"],
    "redis": ["async-timeout"], "python-socketio": ["python-engineio", "bidict"],
    "aiohttp": ["multidict", "yarl", "aiosignal", "frozenlist", "attrs"], "python-jose": ["ecdsa", "rsa", "pyasn1"],
    "openai": ["httpx", "pydantic", "anyio", "distro", "tqdm", "jiter"], "anthropic": ["httpx", "pydantic", "anyio"],
    "stripe": ["requests"], "gunicorn": ["packaging"], "dramatiq": ["prometheus-client"],
    "rq": ["redis", "click"], "psycopg": ["typing-extensions"], "passlib": [], "jinja2": ["markupsafe"],
    "streamlit": ["pandas", "numpy", "altair", "pillow", "requests", "protobuf", "pyarrow", "click", "tornado"],
    "google-cloud-pubsub": ["google-api-core", "google-auth", "grpcio", "protobuf"],
    "google-cloud-logging": ["google-api-core", "google-auth", "google-cloud-core", "protobuf"],
    "google-api-core": ["google-auth", "protobuf", "requests", "googleapis-common-protos"],
    "uvicorn[standard]": ["uvloop", "httptools", "websockets", "watchfiles", "python-dotenv", "pyyaml"],
    "fastapi[standard]": ["uvicorn", "jinja2", "python-multipart", "email-validator", "httpx", "fastapi-cli",
                          "uvicorn[standard]"],
    "fastapi[all]": ["uvicorn", "jinja2", "python-multipart", "email-validator", "httpx", "itsdangerous", "pyyaml",
                     "ujson", "orjson", "uvicorn[standard]", "pydantic-settings", "pydantic-extra-types"],
    "pydantic[email]": ["email-validator"], "sqlmodel": ["sqlalchemy", "pydantic"],
    "flask-socketio": ["python-socketio", "flask"], "channels": ["django", "asgiref"],
    "djangorestframework": ["django"], "dj-database-url": [], "whitenoise": [],
    "google-auth": ["cachetools", "pyasn1-modules", "rsa"], "huggingface-hub": ["filelock", "fsspec", "pyyaml",
                                                                                "requests", "tqdm", "packaging"],
}  # fmt: skip
# Importable in practically every Python image, or brought in by almost any dependency.
ALWAYS_PRESENT = frozenset({"pip", "setuptools", "pkg_resources", "_distutils_hack", "wheel", "typing_extensions",
                            "six", "packaging", "certifi", "distutils"})


def normalize(dist: str) -> str:
    from launchdeck.app.preflight.distnames import canonical

    return canonical(dist)


@dataclass(frozen=True)
class ImportSite:
    module: str  # full dotted module name as written (absolute)
    file: Path
    line: int
    module_level: bool


def stdlib_names() -> frozenset[str]:
    return frozenset(sys.stdlib_module_names) | {"__future__", "__main__"}


# ---------------------------------------------------------------- local import tree


class ModuleIndex:
    """Finds local modules under a build context (and its src/ layout)."""

    def __init__(self, context: Path, extra_roots: list[Path] | None = None):
        self.context = context
        self.roots = [context] + ([context / "src"] if (context / "src").is_dir() else [])
        self.roots += [r for r in extra_roots or [] if r.is_dir() and r not in self.roots]

    def resolve(self, dotted: str) -> Path | None:
        parts = dotted.split(".")
        for root in self.roots:
            base = root.joinpath(*parts)
            for cand in (base.with_suffix(".py"), base / "__init__.py"):
                if cand.is_file():
                    return cand
        return None

    def is_local_top(self, top: str) -> bool:
        return any((r / top).is_dir() or (r / f"{top}.py").is_file() for r in self.roots)

    def module_name(self, path: Path) -> str | None:
        for root in self.roots:
            try:
                relp = path.relative_to(root)
            except ValueError:
                continue
            parts = list(relp.with_suffix("").parts)
            if parts and parts[-1] == "__init__":
                parts = parts[:-1]
            return ".".join(parts)
        return None


def _guarded(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside try/except ImportError, `if TYPE_CHECKING:`, or similar optional import guards."""
    cur = parents.get(node)
    while cur is not None:
        if isinstance(cur, ast.Try) and any(
            h.type is None or any(n in ast.unparse(h.type) for n in ("ImportError", "ModuleNotFoundError", "Exception"))
            for h in cur.handlers
        ):
            return True
        if isinstance(cur, ast.If) and "TYPE_CHECKING" in ast.unparse(cur.test):
            return True
        cur = parents.get(cur)
    return False


def _module_level(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    cur = parents.get(node)
    while cur is not None:
        if isinstance(cur, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False
        cur = parents.get(cur)
    return True


def import_tree(index: ModuleIndex, entries: list[Path], limit: int = 400) -> tuple[list[ImportSite], list[Path]]:
    """Third-party/stdlib import sites reachable from the entry files, and the local files visited."""
    std = stdlib_names()
    todo = list(entries)
    seen: set[Path] = set()
    sites: list[ImportSite] = []
    while todo and len(seen) < limit:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        text = read_text(path)
        if text is None:
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        this_mod = index.module_name(path) or ""
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    pkg = this_mod.split(".") if is_pkg else this_mod.split(".")[:-1]
                    pkg = pkg[: len(pkg) - (node.level - 1)] if node.level > 1 else pkg
                    base = ".".join(p for p in pkg + ([node.module] if node.module else []) if p)
                    names = [base] + [f"{base}.{a.name}" for a in node.names]
                    names = [n for n in names if n]
                    _follow_local(index, names, todo)
                    continue
                mod = node.module or ""
                names = [mod] + [f"{mod}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(
                    r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+(:\w+)?", node.value):
                # Celery include=[...] / autodiscovery and "module:attr" strings: follow local modules.
                _follow_local(index, [node.value.split(":")[0]], todo)
                continue
            else:
                continue
            top = names[0].split(".")[0]
            if not top or top in std:
                continue
            if index.is_local_top(top):
                _follow_local(index, names, todo)
                continue
            if _guarded(node, parents):
                continue
            sites.append(ImportSite(names[0] if isinstance(node, ast.Import) else _namespace_name(names),
                                    path, node.lineno, _module_level(node, parents)))
            if isinstance(node, ast.Import):
                for extra in names[1:]:
                    if extra.split(".")[0] not in std and not index.is_local_top(extra.split(".")[0]):
                        sites.append(ImportSite(extra, path, node.lineno, _module_level(node, parents)))
    return sites, sorted(seen)


def _namespace_name(names: list[str]) -> str:
    """`from google.cloud import storage` -> google.cloud.storage (namespace packages need the leaf)."""
    mod = names[0]
    if mod in ("google", "google.cloud", "azure") and len(names) > 1:
        return names[1]
    return mod


def _follow_local(index: ModuleIndex, names: list[str], todo: list[Path]) -> None:
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__, a/b/__init__ too
            found = index.resolve(".".join(parts[:i]))
            if found is not None:
                todo.append(found)


def dist_candidates(module: str) -> list[str]:
    """Distribution names that could provide an import like `cv2` or `google.cloud.storage` (known ones first)."""
    from launchdeck.app.preflight.distnames import canonical, providers

    parts = module.split(".")
    known = sorted(providers(module))
    if parts[0] == "google" and len(parts) >= 3 and parts[1] == "cloud" and not known:
        known = [f"google-cloud-{parts[2].replace('_', '-')}"]
    return known or [canonical(parts[0])]


# ---------------------------------------------------------------- requirements


@dataclass
class Requirements:
    files: list[Path]
    dists: set[str]
    complete: bool  # a lockfile lists transitive dependencies too

    def provides(self, candidates: list[str]) -> bool:
        have = self.expanded()
        return any(normalize(c) in have for c in candidates)

    def expanded(self) -> set[str]:
        """The declared distributions and what they install with them (IMPLIED, and the installed metadata
        of this environment for the ones installed here)."""
        have = set(self.dists)
        frontier = list(have)
        while frontier:
            d = frontier.pop()
            for implied in [*IMPLIED.get(d, []), *installed_requires(d)]:
                n = implied if "[" in implied else normalize(implied)
                if n not in have:
                    have.add(n)
                    frontier.append(n)
        return have

    def unknown_dependencies(self) -> list[str]:
        """Declared distributions whose own dependencies launchdeck does not know (so an import not declared
        may still arrive with one of them). Empty for a lockfile or a `pip freeze` list, which are complete."""
        if self.complete:
            return []
        return sorted(d for d in self.dists if "[" not in d and d not in IMPLIED and not installed_requires(d)
                      and d not in _NO_IMPORTABLE_DEPS)


# Distributions that bring no importable dependency a project would use directly.
_NO_IMPORTABLE_DEPS = frozenset({
    "gunicorn", "uvicorn", "whitenoise", "psycopg2", "psycopg2-binary", "psycopg-binary", "python-dotenv", "pytz",
    "dj-database-url", "six", "pyyaml", "python-multipart", "pyjwt", "redis", "markupsafe", "itsdangerous",
    "click", "idna", "certifi", "urllib3", "charset-normalizer", "typing-extensions", "setuptools", "wheel",
    "pip", "packaging", "tzdata", "python-dateutil", "pillow", "numpy", "orjson", "ujson", "sentry-sdk", "mysqlclient",
})  # fmt: skip


def installed_requires(dist: str) -> list[str]:
    """The requirement names of `dist` as installed in this environment (empty when it is not installed)."""
    return list(_requires_of(normalize(dist)))


@lru_cache(maxsize=512)
def _requires_of(name: str) -> tuple[str, ...]:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        lines = distribution(name).requires or []
    except (PackageNotFoundError, ValueError, OSError):
        return ()
    out = []
    for line in lines:
        if "extra ==" in line:
            continue
        req = _requirement(line.split(";")[0])
        if req is not None:
            out.append(req.name)
    return tuple(out)


def _with_extras(name: str, extras: str | None) -> set[str]:
    """`uvicorn[standard]` -> {uvicorn, uvicorn[standard], standard}: extras usually name the dists they add."""
    base = normalize(name)
    out = {base}
    for extra in (extras or "").split(","):
        extra = extra.strip().lower()
        if extra:
            out |= {f"{base}[{extra}]", normalize(extra)}
    return out


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[([^\]]*)\])?")


def parse_requirements_txt(path: Path, seen: set[Path] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if path in seen:
        return set()
    seen.add(path)
    text = read_text(path) or ""
    out: set[str] = set()
    for raw in text.splitlines():
        line = raw.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement")):
            inc = line.split(None, 1)[1].strip() if " " in line else line.split("=", 1)[-1]
            out |= parse_requirements_txt(path.parent / inc, seen)
            continue
        if line.startswith("-"):
            continue
        egg = re.search(r"#egg=([A-Za-z0-9._-]+)", raw)
        if egg:
            out.add(normalize(egg.group(1)))
            continue
        if line.startswith((".", "/")):
            continue
        req = _requirement(line)
        if req is not None:
            out |= _with_extras(req.name, ",".join(sorted(req.extras)))
    return out


def _requirement(line: str):  # noqa: ANN202 - packaging.requirements.Requirement | None
    """A requirement line parsed by `packaging` (name, extras, markers); None for what pip alone understands."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(line.split(" --")[0].strip())
    except InvalidRequirement:
        m = _REQ_NAME.match(line)
        return Requirement(m.group(0)) if m and "://" not in line.split("@")[0] else None


def parse_pyproject(path: Path) -> set[str]:
    import tomllib

    try:
        data = tomllib.loads(read_text(path) or "")
    except (tomllib.TOMLDecodeError, ValueError):
        return set()
    out: set[str] = set()
    project = data.get("project", {})
    specs = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        specs += group
    for group in data.get("dependency-groups", {}).values():
        specs += [g for g in group if isinstance(g, str)]
    for spec in specs:
        req = _requirement(str(spec))
        if req is not None:
            out |= _with_extras(req.name, ",".join(sorted(req.extras)))
    poetry = data.get("tool", {}).get("poetry", {})
    out |= {normalize(k) for k in poetry.get("dependencies", {}) if k.lower() != "python"}
    for group in poetry.get("group", {}).values():
        out |= {normalize(k) for k in group.get("dependencies", {})}
    return out


def parse_lockfile(path: Path) -> set[str]:
    text = read_text(path) or ""
    if path.name == "Pipfile.lock":
        try:
            data = json.loads(text)
        except ValueError:
            return set()
        return {normalize(k) for k in data.get("default", {})}
    return {normalize(m) for m in re.findall(r'^name\s*=\s*"([^"]+)"', text, re.MULTILINE)}


LOCKFILES = ("poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock")


def requirements_for(context: Path, dockerfile_runs: list[str]) -> Requirements | None:
    """What the image installs: the files the Dockerfile's pip/poetry/uv lines name, else the usual files."""
    files: list[Path] = []
    dists: set[str] = set()
    named_files: list[str] = []
    project_install = False
    for run in dockerfile_runs:
        for m in re.finditer(r"(?:-r|--requirement)[=\s]+(\S+)", run):
            named_files.append(m.group(1))
        for m in re.finditer(r"pip3?\s+install\s+([^&;|]+)", run):
            for tok in m.group(1).split():
                if tok.startswith("-") or "/" in tok or tok in (".",) or tok.endswith((".txt", ".whl")):
                    if tok == "." or tok.startswith(("-e", "./")):
                        project_install = True
                    continue
                if re.match(r"^[A-Za-z0-9]", tok) and "$" not in tok:
                    mm = _REQ_NAME.match(tok.strip("'\""))
                    if mm:
                        dists |= _with_extras(mm.group(1), mm.group(3))
        if re.search(r"\b(poetry\s+install|uv\s+sync|pipenv\s+install|pdm\s+install|pip3?\s+install\s+(-e\s+)?\.)",
                     run):
            project_install = True
    complete = False
    for name in named_files:
        cand = _find_in_context(context, name)
        if cand is not None:
            files.append(cand)
            dists |= parse_requirements_txt(cand)
            complete = complete or _looks_frozen(cand)
    if project_install or not (named_files or dists):
        for lock in LOCKFILES:
            if (context / lock).is_file():
                files.append(context / lock)
                dists |= parse_lockfile(context / lock)
                complete = True
        if (context / "pyproject.toml").is_file():
            files.append(context / "pyproject.toml")
            dists |= parse_pyproject(context / "pyproject.toml")
        if not named_files and not project_install:
            for req in sorted(context.glob("requirements*.txt")):
                complete = complete or _looks_frozen(req)
                if "dev" in req.name or "test" in req.name:
                    continue
                files.append(req)
                dists |= parse_requirements_txt(req)
    if not files and not dists:
        return None
    return Requirements(files=files, dists=dists, complete=complete)


def _looks_frozen(path: Path) -> bool:
    """`pip freeze` / pip-compile output: every requirement pinned with ==, and enough of them to include
    the transitive ones (a hand-written list of 5 pins is not a lock)."""
    lines = [ln.split("#")[0].strip() for ln in (read_text(path) or "").splitlines()]
    reqs = [ln for ln in lines if ln and not ln.startswith("-")]
    return len(reqs) >= 15 and all("==" in ln for ln in reqs)


def _find_in_context(context: Path, name: str) -> Path | None:
    name = name.strip("'\"")
    for cand in (context / name, context / name.lstrip("/"), context / Path(name).name):
        if cand.is_file():
            return cand
    # Files copied from elsewhere into WORKDIR: match the path tail.
    from launchdeck.app.preflight.walk import code_files

    tail = Path(name).name
    hits = [p for p in code_files(context, (tail,), max_files=50) if p.name == tail]
    return hits[0] if hits else None
