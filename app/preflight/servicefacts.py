"""Per-service facts, gathered once from the plan and the source tree and handed to every rule.

A `ServiceFacts` is frozen: rules read it, none changes it. `effective` is the service as the source shows
it will really run (the image's CMD for a missing plan command, heavy imports, WebSocket routes), so a
rule that reads the plan judges that service, and every problem is reported once.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from launchdeck.app.plan import Plan, Service
from launchdeck.app.preflight import envscan
from launchdeck.app.preflight.dockerfile import Dockerfile, parse_dockerfile
from launchdeck.app.preflight.entry import StartCommand, python_entries, start_scripts
from launchdeck.app.preflight.facts import command_text, names
from launchdeck.app.preflight.pyimports import (
    ImportSite,
    ModuleIndex,
    Requirements,
    import_tree,
    requirements_for,
)
from launchdeck.app.preflight.reach import go_reachable, js_reachable
from launchdeck.app.preflight.walk import code_files, read_text, rel

# Names the platform or the base image provides; reading them is never a finding.
PROVIDED = frozenset({
    "PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION", "CLOUD_RUN_JOB", "CLOUD_RUN_EXECUTION",
    "CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT", "CLOUD_RUN_TASK_ATTEMPT", "CLOUD_RUN_WORKER_POOL", "HOME",
    "PATH", "HOSTNAME", "PWD", "USER", "SHELL", "TERM", "LANG", "LC_ALL", "TZ", "TMPDIR", "PYTHONPATH",
    "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "NODE_ENV", "NODE_OPTIONS", "GOOGLE_APPLICATION_CREDENTIALS",
    "CI", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "VIRTUAL_ENV", "WEB_CONCURRENCY",
})  # fmt: skip

# Imports that make a service heavy (memory and cold start), as plan heavy_deps names.
HEAVY_IMPORTS = {
    "torch": "torch", "tensorflow": "tensorflow", "transformers": "transformers", "keras": "keras", "jax": "jax",
    "sentence_transformers": "sentence-transformers", "demucs": "demucs", "whisper": "openai-whisper",
    "faster_whisper": "faster-whisper", "diffusers": "diffusers", "spleeter": "spleeter", "vllm": "vllm",
    "onnxruntime": "onnxruntime", "spacy": "spacy", "ultralytics": "ultralytics", "easyocr": "easyocr",
    "paddleocr": "paddleocr", "playwright": "playwright",
}  # fmt: skip
_RUNNERS = re.compile(r"\b(celery|rq|dramatiq|arq|gunicorn|uvicorn|hypercorn|daphne|node|npm|python)\b")
_FALLBACK_ENTRIES = ("main.py", "app.py", "server.py", "app/main.py", "wsgi.py", "manage.py")


@dataclass(frozen=True)
class ServiceFacts:
    name: str
    service: Service  # as the plan says
    effective: Service  # as the source shows it will run (command from CMD, heavy imports, websocket role)
    directory: Path | None = None  # build context found in the tree
    dockerfile: Dockerfile | None = None
    start: StartCommand = field(default_factory=lambda: StartCommand("", ""))
    env_names: frozenset[str] = frozenset()  # names the service will have: plan, ENV, start scripts, platform
    entries: tuple[Path, ...] = ()  # Python entry modules found from the start command
    resolved: bool = False  # the entry point was found, so the files below are what really runs
    py_files: tuple[Path, ...] = ()  # reachable from the entry (or every file when not resolved)
    js_files: tuple[Path, ...] = ()
    js_confident: bool = False
    go_files: tuple[Path, ...] = ()
    go_confident: bool = False
    import_sites: tuple[ImportSite, ...] = ()
    requirements: Requirements | None = None
    env_reads: Mapping[str, envscan.EnvRead] = field(default_factory=lambda: MappingProxyType({}))
    pool: int | None = None  # connections per process when the code sizes its pool
    # The plan deploys a prebuilt image; `directory` is a same-named folder that is probably its source.
    source_guessed: bool = False

    @property
    def code_files(self) -> tuple[Path, ...]:
        return self.py_files + self.js_files + self.go_files

    @property
    def confident(self) -> bool:
        """The files were found from a known entry point (not every file in the directory)."""
        if self.py_files:
            return self.resolved
        if self.js_files:
            return self.js_confident
        if self.go_files:
            return self.go_confident
        return True

    def where(self, path: Path, line: int, root: Path | None) -> str:
        return f"{rel(path, root) if root else path}:{line}"


def plan_only(plan: Plan) -> dict[str, ServiceFacts]:
    return {name: ServiceFacts(name, svc, svc, start=_plan_command(svc)) for name, svc in plan.services.items()}


def _plan_command(svc: Service) -> StartCommand:
    return StartCommand(command_text(svc.command), "the plan's command") if svc.command else StartCommand("", "")


def gather(plan: Plan, root: Path) -> dict[str, ServiceFacts]:
    """Facts for every service; those with a build context in the tree get the source's view."""
    out: dict[str, ServiceFacts] = {}
    for name, svc in plan.services.items():
        facts = None
        # A tree we cannot make sense of leaves this service with the plan's view, never a traceback.
        with contextlib.suppress(Exception):
            directory, dockerfile = _context(svc, root, name)
            if directory is not None:
                facts = _from_source(name, svc, directory, dockerfile)
                if svc.build is None:
                    facts = replace(facts, source_guessed=True)
        out[name] = facts or ServiceFacts(name, svc, svc, start=_image_start(svc, root))
    return out


def _image_start(svc: Service, root: Path) -> StartCommand:
    """A prebuilt image whose plan command names a start script this repository holds at that path
    (/app/docker/bootstrap.sh -> docker/bootstrap.sh): the script is read as what the command runs."""
    start = _plan_command(svc)
    if start.text and svc.build is None:
        with contextlib.suppress(OSError):
            start.scripts = start_scripts(root, start.text)
    return start


_SOURCE_MARKERS = ("Dockerfile", "package.json", "go.mod", "requirements.txt", "pyproject.toml", "manage.py",
                   "main.py", "app.py", "server.js", "index.js", "main.go")


def _named_source_dir(name: str, root: Path) -> Path | None:
    """A directory named after an image-only service that holds its source (a Dockerfile or app code)."""
    for base in (root, root / "services", root / "apps", root / "src", root / "packages", root / "cmd"):
        cand = base / name
        try:
            if cand.is_dir() and any((cand / m).is_file() for m in _SOURCE_MARKERS):
                return cand.resolve()
        except OSError:
            continue
    return None


def _context(svc: Service, root: Path, name: str = "") -> tuple[Path | None, Dockerfile | None]:
    build = svc.build
    if build is None:
        # image: only, while ./NAME holds the code that image is built from: read that code as its source.
        directory = _named_source_dir(name, root) if svc.image and name else None
        if directory is None:
            return None, None
        df_path = directory / "Dockerfile"
        return directory, parse_dockerfile(df_path) if df_path.is_file() else None
    ctx_rel = build if isinstance(build, str) else str(build.get("context", "."))
    directory = (root / ctx_rel).resolve()
    if not directory.is_dir():
        return None, None
    df_name = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    df_path = directory / str(df_name)
    # The stage this service builds (build.target), not the file's last stage: CMD, ENV and USER come from it.
    target = build.get("target") if isinstance(build, dict) else None
    stage = target if isinstance(target, str) else None
    return directory, parse_dockerfile(df_path, stage) if df_path.is_file() else None


def start_command(svc: Service, directory: Path, dockerfile: Dockerfile | None) -> StartCommand:
    if svc.command:
        text, where = command_text(svc.command), "the plan's command"
    elif dockerfile:
        text, ins = dockerfile.start_command()
        where = f"{rel(dockerfile.path, directory.parent)}:{ins.line}" if ins else "the image's CMD"
    else:
        text, where = "", ""
    copies = _copied_files(directory, dockerfile)
    scripts = start_scripts(directory, text, copies)
    if dockerfile and svc.command:
        # A plan command replaces CMD, but an ENTRYPOINT script still runs first.
        entry = dockerfile.final_instructions("ENTRYPOINT")
        if entry:
            scripts += start_scripts(directory, entry[-1].args.replace('"', " ").replace(",", " "), copies)
    return StartCommand(text=text, where=where, scripts=scripts)


def _copied_files(directory: Path, dockerfile: Dockerfile | None) -> dict[str, Path]:
    """Absolute paths in the image -> the context file a `COPY src /dest` put there (single files only)."""
    out: dict[str, Path] = {}
    for ins in dockerfile.final_instructions("COPY") if dockerfile else []:
        if "--from" in ins.args:
            continue
        tokens = [p for p in ins.args.split() if not p.startswith("--")]
        if len(tokens) == 2 and tokens[1].startswith("/") and not tokens[1].endswith("/"):
            src = (directory / tokens[0]).resolve()
            with contextlib.suppress(OSError):
                if src.is_file() and directory.resolve() in src.parents:
                    out[tokens[1]] = src
    return out


def _dotenv_in_image(directory: Path, dockerfile: Dockerfile) -> set[str]:
    """Names in a .env file the image copies (COPY . . without .dockerignore excluding it): dotenv loaders
    and pydantic's env_file read them at run time, so they are not missing (though values in an image are
    a risk of their own)."""
    dotenv = directory / ".env"
    if not dotenv.is_file():
        return set()
    ignore = read_text(directory / ".dockerignore") or ""
    if re.search(r"^\s*(\*\*/)?\.env\b", ignore, re.MULTILINE):
        return set()
    copies = [i.args for i in dockerfile.final_instructions("COPY") + dockerfile.final_instructions("ADD")]
    if not any(re.match(r"(--\S+\s+)*(\.|\./|\.env)\s", c + " ") for c in copies):
        return set()
    return set(re.findall(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", read_text(dotenv) or "", re.MULTILINE))


def _copied_roots(directory: Path, dockerfile: Dockerfile | None) -> list[Path]:
    """Directories the Dockerfile copies into WORKDIR (COPY backend/ .), so their modules import as top-level."""
    if dockerfile is None:
        return []
    workdirs = {"."} | {i.args.strip().rstrip("/") for i in dockerfile.final_instructions("WORKDIR")}
    roots = []
    for ins in dockerfile.final_instructions("COPY"):
        parts = [p for p in ins.args.split() if not p.startswith("--")]
        if len(parts) == 2 and parts[1].rstrip("/") in workdirs | {"./", ""} and parts[0] not in (".", "./"):
            roots.append(directory / parts[0])
    return roots


def _from_source(name: str, svc: Service, directory: Path, dockerfile: Dockerfile | None) -> ServiceFacts:
    from launchdeck.app.preflight.codechecks import code_pool_size, serves_websockets

    start = start_command(svc, directory, dockerfile)
    update: dict = {}
    if not svc.command and start.text:
        # The image's CMD (and the start script it runs) is what runs: worker and process checks need it.
        runners = [line for _, line in start.lines()[1:] if _RUNNERS.search(line)]
        update["command"] = " && ".join([start.text, *runners]) if runners else start.text
    env = set(names(svc)) | PROVIDED
    if dockerfile:
        env |= dockerfile.env_names() | _dotenv_in_image(directory, dockerfile)
    for _, line in start.lines():
        env |= set(re.findall(r"(?:^|\s|export\s+)([A-Z_][A-Z0-9_]*)=", line))

    # Python: the import tree under the entry modules the start command names.
    index = ModuleIndex(directory, _copied_roots(directory, dockerfile))
    entries = python_entries(index, directory, start)
    resolved = bool(entries)
    # Django's convention: the settings module named by DJANGO_SETTINGS_MODULE is loaded by every entry point.
    settings_module = svc.env.get("DJANGO_SETTINGS_MODULE") or (
        dockerfile.env_values().get("DJANGO_SETTINGS_MODULE") if dockerfile else None)
    if entries and settings_module:
        found = index.resolve(settings_module.strip())
        if found is not None and found not in entries:
            entries.append(found)
    sites: list[ImportSite] = []
    py_files: list[Path] = []
    if entries:
        sites, py_files = import_tree(index, entries)
    else:
        # No entry point found: every Python file is a guess; findings from it are warnings at most.
        fallback = [p for p in (directory / n for n in _FALLBACK_ENTRIES) if p.is_file()]
        if fallback:
            sites, py_files = import_tree(index, fallback)
        if not py_files:
            sites, py_files = import_tree(index, code_files(directory, (".py",)))
    lines = [line for _, line in start.lines()]
    js_files, js_confident = js_reachable(directory, lines) if (directory / "package.json").is_file() else ([], False)
    build_lines = lines + ([i.args for i in dockerfile.all_instructions("RUN")] if dockerfile else [])
    go_files, go_confident = go_reachable(directory, build_lines)

    reads_list, code_sets = envscan.python_reads(py_files) if py_files else ([], set())
    reads_list += envscan.js_reads(js_files) + envscan.go_reads(go_files)
    env |= code_sets
    runs = [i.args for i in dockerfile.all_instructions("RUN")] if dockerfile else []
    reqs = requirements_for(directory, runs) if (py_files or sites) else None

    heavy = sorted({HEAVY_IMPORTS[s.module.split(".")[0]] for s in sites if s.module.split(".")[0] in HEAVY_IMPORTS}
                   - {d.lower() for d in svc.heavy_deps})
    if heavy:
        update["heavy_deps"] = [*svc.heavy_deps, *heavy]
    all_code = py_files + js_files
    if svc.role == "web" and (resolved or not py_files) and serves_websockets(all_code):
        update["role"] = "websocket"
    effective = svc.model_copy(update=update) if update else svc
    return ServiceFacts(
        name=name, service=svc, effective=effective, directory=directory, dockerfile=dockerfile, start=start,
        env_names=frozenset(env), entries=tuple(entries), resolved=resolved, py_files=tuple(py_files),
        js_files=tuple(js_files), js_confident=js_confident, go_files=tuple(go_files), go_confident=go_confident,
        import_sites=tuple(sites), requirements=reqs,
        env_reads=MappingProxyType(envscan.merge(reads_list)), pool=code_pool_size(all_code + go_files),
    )
