"""Checks on the source tree: Dockerfiles, start scripts, env names the code reads, imports vs requirements,
build/deploy scripts and compose volumes. Files are read, never executed."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.plan import CLOUD_RUN_TARGETS, GCP_TARGETS, Plan, Service
from app.preflight import envscan
from app.preflight.catalog import Finding, render
from app.preflight.dockerfile import Dockerfile, parse_dockerfile
from app.preflight.entry import StartCommand, find_in_context, python_entries, start_scripts
from app.preflight.facts import (
    DB_PART_RE,
    DB_URL_NAMES,
    LOCAL_HOSTS,
    REDIS_URL_NAMES,
    command_text,
    join_names,
    names,
    safe_text,
    url_host,
    uses_redis,
)  # fmt: skip
from app.preflight.pyimports import ModuleIndex, dist_candidates, import_tree, requirements_for
from app.preflight.scripts import arm64_evidence, iam_findings, script_findings
from app.preflight.startcheck import command_findings
from app.preflight.walk import code_files, read_text, rel

# Names the platform or the base image provides; reading them is never a finding.
PROVIDED = frozenset({
    "PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION", "CLOUD_RUN_JOB", "CLOUD_RUN_EXECUTION",
    "CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT", "CLOUD_RUN_TASK_ATTEMPT", "HOME", "PATH", "HOSTNAME", "PWD",
    "USER", "SHELL", "TERM", "LANG", "LC_ALL", "TZ", "TMPDIR", "PYTHONPATH", "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE", "NODE_ENV", "NODE_OPTIONS", "GOOGLE_APPLICATION_CREDENTIALS", "CI",
    "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "VIRTUAL_ENV", "WEB_CONCURRENCY",
})  # fmt: skip
_HEAVY_CALLS = re.compile(r"^(?!\s)(?:\w+\s*=\s*)?[\w.]*?(from_pretrained|hf_hub_download|snapshot_download|"
                          r"load_model|pipeline|SentenceTransformer|torch\.hub\.load|get_model|pretrained)\s*\(",
                          re.MULTILINE)
_GCS_CLIENT = re.compile(r"(from\s+google\.cloud\s+import\s+[^\n]*\bstorage\b|import\s+google\.cloud\.storage|"
                         r"['\"]@google-cloud/storage['\"])")


# Imports that make a service heavy (memory and cold start), as plan heavy_deps names.
HEAVY_IMPORTS = {
    "torch": "torch", "tensorflow": "tensorflow", "transformers": "transformers", "keras": "keras", "jax": "jax",
    "sentence_transformers": "sentence-transformers", "demucs": "demucs", "whisper": "openai-whisper",
    "faster_whisper": "faster-whisper", "diffusers": "diffusers", "spleeter": "spleeter", "vllm": "vllm",
    "onnxruntime": "onnxruntime", "spacy": "spacy", "ultralytics": "ultralytics", "easyocr": "easyocr",
    "paddleocr": "paddleocr", "playwright": "playwright",
}  # fmt: skip
_WS_SERVER = re.compile(r"@\w+\.websocket(_route)?\(|WebSocketEndpoint|websockets\.serve\(|socketio\.(Async)?Server\(|"
                        r"flask_socketio|SocketIO\(|new\s+WebSocketServer\(|new\s+WebSocket\.Server\(|"
                        r"require\(['\"](ws|socket\.io)['\"]\)|from\s+['\"](ws|socket\.io)['\"]")


@dataclass
class Context:
    name: str
    service: Service
    directory: Path
    dockerfile: Dockerfile | None


def _contexts(plan: Plan, root: Path) -> list[Context]:
    out = []
    for name, svc in plan.services.items():
        build = svc.build
        if build is None:
            continue
        ctx_rel = build if isinstance(build, str) else str(build.get("context", "."))
        directory = (root / ctx_rel).resolve()
        if not directory.is_dir():
            continue
        df_name = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
        df_path = directory / str(df_name)
        out.append(Context(name, svc, directory, parse_dockerfile(df_path) if df_path.is_file() else None))
    return out


def source_findings(plan: Plan, target: str, root: Path) -> tuple[list[Finding], Plan, dict[str, int]]:
    """Findings from the source tree, and the plan enriched with what the source shows (the image's CMD,
    heavy imports, WebSocket endpoints) so the plan checks judge the service that will really run."""
    root = root.resolve()
    contexts = _contexts(plan, root)
    dockerfiles = [c.dockerfile.path for c in contexts if c.dockerfile]
    arm_hint = arm64_evidence(dockerfiles + _compose_files(root))
    out: list[Finding] = []
    out += _safe(_dockerfile_findings(contexts, target, root))
    updates: dict[str, dict] = {}
    for ctx in contexts:
        out += _safe(_service_findings(plan, target, root, ctx, updates.setdefault(ctx.name, {})))
    out += _safe(script_findings(root, arm_hint))
    if target in GCP_TARGETS:
        out += _safe(iam_findings(root))
    out += _safe(_compose_volume_findings(root, target))
    pools = {name: u.pop("_pool") for name, u in updates.items() if "_pool" in u}
    services = {name: (svc.model_copy(update=updates[name]) if updates.get(name) else svc)
                for name, svc in plan.services.items()}
    return out, plan.model_copy(update={"services": services}), pools


def _safe(found: Iterator[Finding]) -> list[Finding]:
    """Collect a check's findings; a file we cannot make sense of ends that check, not the whole run."""
    out: list[Finding] = []
    with contextlib.suppress(OSError, ValueError, RecursionError, UnicodeError, KeyError, IndexError,
                             AttributeError, TypeError):
        out.extend(found)
    return out


# ---------------------------------------------------------------- Dockerfiles


def _dockerfile_findings(contexts: list[Context], target: str, root: Path) -> Iterator[Finding]:
    by_file: dict[Path, list[str]] = {}
    for c in contexts:
        if c.dockerfile:
            by_file.setdefault(c.dockerfile.path, []).append(c.name)
    for path, users in by_file.items():
        df = next(c.dockerfile for c in contexts if c.dockerfile and c.dockerfile.path == path)
        assert df is not None
        where_file = rel(path, root)
        svc, svc_path = users[0], f"services.{users[0]}.build"
        also = f" (used by {', '.join(users)})" if len(users) > 1 else ""
        chain = df.chain()
        for stage in chain:
            plat = (stage.platform or "").lower()
            arm = "arm64" in plat or "aarch64" in plat or stage.image.lower().startswith(("arm64v8/", "arm32"))
            if arm:
                yield render("cr-exec-format-error", service=svc, path=svc_path, where=f"{where_file}:{stage.line}{also}",
                             detail=f"pins FROM {('--platform=' + stage.platform + ' ') if stage.platform else ''}"
                                    f"{stage.image}, an arm64 image")
                break
            if "$buildplatform" in plat.replace("{", "").replace("}", "") and stage is chain[-1]:
                yield render("cr-exec-format-error", service=svc, path=svc_path, where=f"{where_file}:{stage.line}{also}",
                             detail="builds its final stage FROM --platform=$BUILDPLATFORM, which is the builder's "
                                    "own architecture (arm64 on an Apple Silicon Mac), not the target's")
                break
        else:
            yield from _cross_compile_stage(df, where_file, also, svc, svc_path)
        user = df.user()
        if user and user.args.split(":")[0].strip() in ("root", "0"):
            yield render("cr-user-root-not-found", service=svc, path=svc_path, where=f"{where_file}:{user.line}{also}",
                         severity="warning" if target in CLOUD_RUN_TARGETS else "info")


def _cross_compile_stage(df: Dockerfile, where_file: str, also: str, svc: str, svc_path: str) -> Iterator[Finding]:
    """A builder stage on $BUILDPLATFORM that never looks at the target architecture but feeds the final image."""
    final = df.final
    if final is None:
        return
    copied_from = {m.lower() for i in final.instructions if i.keyword == "COPY"
                   for m in re.findall(r"--from=(\S+)", i.args)}
    for stage in df.stages[:-1]:
        plat = (stage.platform or "").lower().replace("{", "").replace("}", "")
        if "$buildplatform" not in plat or (stage.alias or "") not in copied_from:
            continue
        body = " ".join(i.args for i in stage.instructions)
        if not re.search(r"TARGET(ARCH|OS|PLATFORM)|GOARCH|--platform", body):
            yield render("cr-exec-format-error", service=svc, path=svc_path, severity="warning",
                         where=f"{where_file}:{stage.line}{also}",
                         detail=f"compiles in stage {stage.alias} on $BUILDPLATFORM without using TARGETARCH/"
                                "TARGETPLATFORM and copies the result into the final image")


# ---------------------------------------------------------------- per service


def _start_command(ctx: Context) -> StartCommand:
    svc = ctx.service
    if svc.command:
        text, where = command_text(svc.command), "the plan's command"
    elif ctx.dockerfile:
        text, ins = ctx.dockerfile.start_command()
        where = f"{rel(ctx.dockerfile.path, ctx.directory.parent)}:{ins.line}" if ins else "the image's CMD"
    else:
        text, where = "", ""
    start = StartCommand(text=text, where=where)
    start.scripts = start_scripts(ctx.directory, text)
    if ctx.dockerfile and svc.command:
        # A plan command replaces CMD, but an ENTRYPOINT script still runs first.
        entry = ctx.dockerfile.final_instructions("ENTRYPOINT")
        if entry:
            start.scripts += start_scripts(ctx.directory, entry[-1].args.replace('"', " ").replace(",", " "))
    return start


def _copied_roots(ctx: Context) -> list[Path]:
    """Directories the Dockerfile copies into WORKDIR (COPY backend/ .), so their modules import as top-level."""
    if ctx.dockerfile is None:
        return []
    workdirs = {"."} | {i.args.strip().rstrip("/") for i in ctx.dockerfile.final_instructions("WORKDIR")}
    roots = []
    for ins in ctx.dockerfile.final_instructions("COPY"):
        parts = [p for p in ins.args.split() if not p.startswith("--")]
        if len(parts) == 2 and parts[1].rstrip("/") in workdirs | {"./", ""} and parts[0] not in (".", "./"):
            roots.append(ctx.directory / parts[0])
    return roots


def _env_names(ctx: Context, start: StartCommand) -> set[str]:
    env = names(ctx.service) | PROVIDED
    if ctx.dockerfile:
        env |= ctx.dockerfile.env_names()
    for _, line in start.lines():
        env |= set(re.findall(r"(?:^|\s|export\s+)([A-Z_][A-Z0-9_]*)=", line))
    return env


def _service_findings(plan: Plan, target: str, root: Path, ctx: Context, update: dict) -> Iterator[Finding]:
    start = _start_command(ctx)
    if not ctx.service.command and start.text:
        # The image's CMD (and the start script it runs) is what runs: worker and process checks need it.
        runners = [line for _, line in start.lines()[1:]
                   if re.search(r"\b(celery|rq|dramatiq|arq|gunicorn|uvicorn|hypercorn|daphne|node|npm|python)\b", line)]
        update["command"] = " && ".join([start.text, *runners]) if runners else start.text
    env = _env_names(ctx, start)
    yield from command_findings(plan, target, ctx.name, ctx.service, start, env)
    yield from _nextjs_hostname(ctx, root, start, env)
    index = ModuleIndex(ctx.directory, _copied_roots(ctx))
    entries = python_entries(index, ctx.directory, start)
    resolved = bool(entries)
    py_files: list[Path] = []
    if entries:
        sites, py_files = import_tree(index, entries)
        yield from _code_binding(ctx, root, entries, target)
    else:
        fallback = [p for p in (ctx.directory / n for n in ("main.py", "app.py", "server.py", "app/main.py",
                                                            "wsgi.py", "manage.py")) if p.is_file()]
        sites, py_files = import_tree(index, fallback) if fallback else ([], [])
        if not py_files:
            py_files = code_files(ctx.directory, (".py",))
    js_files = code_files(ctx.directory, (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".prisma")) \
        if (ctx.directory / "package.json").is_file() else []
    yield from _env_findings(plan, target, root, ctx, py_files, js_files, env, resolved or not py_files)
    yield from _node_listen(ctx, root, js_files, target)
    yield from _go_listen(ctx, root, target)
    if js_files:
        yield from _node_import_findings(ctx, root, js_files)
    if sites:
        runs = [i.args for i in ctx.dockerfile.all_instructions("RUN")] if ctx.dockerfile else []
        yield from _import_findings(ctx, root, sites, runs, resolved)
        heavy = sorted({HEAVY_IMPORTS[s.module.split(".")[0]] for s in sites
                        if s.module.split(".")[0] in HEAVY_IMPORTS} - {d.lower() for d in ctx.service.heavy_deps})
        if heavy:
            update["heavy_deps"] = [*ctx.service.heavy_deps, *heavy]
    pool = _code_pool_size(py_files + js_files)
    if pool:
        update["_pool"] = pool
    if sites or py_files:
        yield from _image_heavy_cold_start(ctx, target, update)
    if ctx.service.role == "web" and (resolved or not py_files) and _serves_websockets(py_files + js_files):
        update["role"] = "websocket"
    if update.get("role", ctx.service.role) == "websocket" and target != "compose":
        yield from _one_way_socket(ctx, root, py_files + js_files)
    if ctx.service.role != "job":
        yield from _model_download_findings(ctx, root, py_files, target)
    if ctx.service.role in ("web", "websocket") and target != "compose":
        yield from _startup_hook_findings(ctx, root, py_files, target)
    if resolved and ctx.service.role in ("web", "websocket") and not ctx.service.command:
        yield from _no_server_findings(ctx, root, start, sites, js_files)
    yield from _bucket_code_findings(plan, target, root, ctx, py_files + js_files)
    if target in CLOUD_RUN_TARGETS and plan.ingress.max_upload_mb is None and ctx.service.role == "web":
        yield from _upload_limit_findings(ctx, root, py_files + js_files)


_POOL = re.compile(r"\bpool_size\s*=\s*(\d+)|\bmax_overflow\s*=\s*(\d+)|\bmax\s*:\s*(\d+)\s*[,}]|"
                   r"\bconnection_limit=(\d+)|\bmaxconn\s*=\s*(\d+)")


def _code_pool_size(files: list[Path]) -> int | None:
    """Connections per process when the code sizes its pool explicitly (pool_size + max_overflow, pg max)."""
    size = overflow = 0
    for path in files:
        text = read_text(path) or ""
        if not re.search(r"create_(async_)?engine|new\s+Pool\(|Pool\(|PrismaClient|knex\(|psycopg_pool|"
                         r"ThreadedConnectionPool|SimpleConnectionPool", text):
            continue
        for m in _POOL.finditer(text):
            if m.group(2):
                overflow = max(overflow, int(m.group(2)))
            else:
                size = max(size, int(next(g for g in m.groups() if g)))
    return size + overflow if size else None


def _image_heavy_cold_start(ctx: Context, target: str, update: dict) -> Iterator[Finding]:
    """Heavy packages in the image (its requirements) though not imported: a multi-GB image starts slowly."""
    svc = ctx.service
    if target not in CLOUD_RUN_TARGETS or svc.role not in ("web", "websocket") or svc.min_instances > 0:
        return
    if update.get("heavy_deps") or svc.heavy_deps:
        return  # the plan check speaks about imported heavy packages
    runs = [i.args for i in ctx.dockerfile.all_instructions("RUN")] if ctx.dockerfile else []
    reqs = requirements_for(ctx.directory, runs)
    if reqs is None:
        return
    heavy = sorted(d for d in reqs.dists if d in ("torch", "tensorflow", "tensorflow-cpu", "jax", "transformers",
                                                   "demucs", "openai-whisper", "diffusers", "vllm", "spleeter"))
    if heavy:
        yield render("cr-cold-start-slow", variant="image", service=ctx.name, path=f"services.{ctx.name}.min_instances",
                     what=", ".join(heavy))


def _serves_websockets(files: list[Path]) -> bool:
    for path in files:
        text = read_text(path) or ""
        if _WS_SERVER.search(text):
            return True
    return False


_WS_RECEIVE = re.compile(r"receive_(text|json|bytes)\(|\.receive\(|\.recv\(|iter_(text|json|bytes)\(|"
                         r"async\s+for\s+\w+\s+in\s+\w*(ws|websocket|socket)\b|\.on\(\s*['\"]message['\"]|"
                         r"@\w+\.on\(\s*['\"](?!connect|disconnect)\w+|\.on_message\b", re.IGNORECASE)
_WS_SEND = re.compile(r"send_(text|json|bytes)\(|\.send\(|\.emit\(|broadcast", re.IGNORECASE)


def _one_way_socket(ctx: Context, root: Path, files: list[Path]) -> Iterator[Finding]:
    """A socket that only pushes (progress, notifications): Server-Sent Events would fit Cloud Run better."""
    texts = {p: read_text(p) or "" for p in files}
    ws_files = [p for p, t in texts.items() if _WS_SERVER.search(t)]
    if not ws_files:
        return
    body = "\n".join(texts[p] for p in ws_files)
    if _WS_SEND.search(body) and not _WS_RECEIVE.search(body):
        yield render("websocket-one-way-sse", service=ctx.name, path=f"services.{ctx.name}.role",
                     where=rel(ws_files[0], root))


def _nextjs_hostname(ctx: Context, root: Path, start: StartCommand, env: set[str]) -> Iterator[Finding]:
    if ctx.service.role not in ("web", "websocket"):
        return
    config = next((ctx.directory / f"next.config.{ext}" for ext in ("js", "mjs", "ts", "cjs")
                   if (ctx.directory / f"next.config.{ext}").is_file()), None)
    if config is None or not re.search(r"output\s*:\s*['\"]standalone['\"]", read_text(config) or ""):
        return
    values = dict(ctx.dockerfile.env_values()) if ctx.dockerfile else {}
    values.update(ctx.service.env)
    hostname = values.get("HOSTNAME", "").strip("'\"")
    if hostname in ("0.0.0.0", "::") or any(re.search(r"HOSTNAME=['\"]?(0\.0\.0\.0|::)", line)
                                               for _, line in start.lines()):
        return
    yield render("node-bound-to-localhost", variant="nextjs", severity="warning", service=ctx.name,
                 path=f"services.{ctx.name}.env.HOSTNAME", where=rel(config, root))


_JS_LISTEN = re.compile(r"\.listen\(\s*([^,()]+?)\s*(?:,\s*['\"]([^'\"]+)['\"])?\s*[,)]")


def _node_listen(ctx: Context, root: Path, files: list[Path], target: str) -> Iterator[Finding]:
    """Node servers: app.listen(3000, 'localhost') and ports hard-coded next to a platform-set $PORT."""
    if ctx.service.role not in ("web", "websocket"):
        return
    expected = ctx.service.port if ctx.service.port is not None else (8080 if target in CLOUD_RUN_TARGETS else None)
    for path in files:
        text = read_text(path) or ""
        if ".listen(" not in text or not re.search(r"express|fastify|koa|createServer|hono|http", text):
            continue
        for m in _JS_LISTEN.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            where = f"{rel(path, root)}:{line}"
            if m.group(2) in ("localhost", "127.0.0.1"):
                yield render("node-bound-to-localhost", service=ctx.name, path=f"services.{ctx.name}.build",
                             where=where, host=m.group(2))
                return
            port = m.group(1).strip()
            if port.isdigit() and "process.env.PORT" not in text and expected is not None and int(port) != expected:
                yield render("cr-container-failed-to-listen-on-port", service=ctx.name,
                             path=f"services.{ctx.name}.port", where=where, found=int(port), expected=expected)
                return


_GO_LISTEN = re.compile(r"(?:ListenAndServe(?:TLS)?|\.Run|\.Start|net\.Listen\(\s*\"tcp\"\s*,)\(?\s*\"([\w.\[\]:]*):(\d{2,5})\"")


def _go_listen(ctx: Context, root: Path, target: str) -> Iterator[Finding]:
    """Go servers: ListenAndServe("localhost:8080") or a fixed port while the platform sets $PORT."""
    if ctx.service.role not in ("web", "websocket") or not (ctx.directory / "go.mod").is_file():
        return
    expected = ctx.service.port if ctx.service.port is not None else (8080 if target in CLOUD_RUN_TARGETS else None)
    for path in code_files(ctx.directory, (".go",), max_files=500):
        text = read_text(path) or ""
        for m in _GO_LISTEN.finditer(text):
            where = f"{rel(path, root)}:{text.count(chr(10), 0, m.start()) + 1}"
            host, port = m.group(1), int(m.group(2))
            if host in ("localhost", "127.0.0.1"):
                yield render("node-bound-to-localhost", service=ctx.name, path=f"services.{ctx.name}.build",
                             where=where, host=host)
                return
            if expected is not None and port != expected and 'Getenv("PORT")' not in text:
                yield render("cr-container-failed-to-listen-on-port", service=ctx.name,
                             path=f"services.{ctx.name}.port", where=where, found=port, expected=expected)
                return


def _code_binding(ctx: Context, root: Path, entries: list[Path], target: str) -> Iterator[Finding]:
    """`python app.py` with app.run() / uvicorn.run() on loopback (Flask and uvicorn.run default to it)."""
    if ctx.service.role not in ("web", "websocket"):
        return
    for path in entries:
        text = read_text(path) or ""
        if "__main__" not in text:
            continue
        for m in re.finditer(r"\b(app|application|server|uvicorn)\.run\(([^)]*)\)", text):
            args = m.group(2)
            is_uvicorn = m.group(1) == "uvicorn"
            if not is_uvicorn and "Flask(" not in text:
                continue
            host = re.search(r"host\s*=\s*['\"]([^'\"]+)['\"]", args)
            bound = host.group(1) if host else "127.0.0.1 (the default of " + ("uvicorn.run" if is_uvicorn
                                                                                else "Flask's app.run") + ")"
            if host is None and re.search(r"host\s*=", args):
                continue  # host from a variable: cannot tell
            if bound.startswith(("127.", "localhost")):
                line = text.count("\n", 0, m.start()) + 1
                yield render("node-bound-to-localhost", service=ctx.name, path=f"services.{ctx.name}.command",
                             where=f"{rel(path, root)}:{line}", host=bound)
                return


# ---------------------------------------------------------------- env names


def _fmt_where(read: envscan.EnvRead, root: Path) -> str:
    return f"{rel(read.file, root)}:{read.line}"


def _env_findings(plan: Plan, target: str, root: Path, ctx: Context, py_files: list[Path], js_files: list[Path],
                  env: set[str], confident: bool) -> Iterator[Finding]:
    reads_list, code_sets = envscan.python_reads(py_files) if py_files else ([], set())
    reads_list += envscan.js_reads(js_files)
    reads = envscan.merge(reads_list)
    env = env | code_sets
    upper_env = {n.upper() for n in env}
    missing = {k: r for k, r in reads.items()
               if not (r.name in env or (r.case_insensitive and r.name.upper() in upper_env))}
    if not missing:
        return
    name, svc = ctx.name, ctx.service
    parts = sorted(n for n in names(svc) if DB_PART_RE.match(n))
    for _key, r in sorted(missing.items()):
        up = r.name.upper()
        if up in DB_URL_NAMES and (plan.postgres is not None or parts or r.kind != "default"):
            yield _db_url_finding(ctx, root, r, parts)
        elif up in REDIS_URL_NAMES and up != "REDIS_HOST" and (uses_redis(plan, svc) or r.kind != "default"):
            sev = "warning" if r.kind == "default" else "error"
            fallback = _fallback(r)
            yield render("redis-connection-refused-or-unresolvable", service=name, severity=sev,
                         path=f"services.{name}.secrets", name=r.name,
                         detail=f"{name}: the code reads {r.name} ({_fmt_where(r, root)}) but the plan does not set "
                                f"it, so the app {fallback}.")
    for _key, r in sorted(missing.items()):
        up = r.name.upper()
        host = url_host(r.default or "")
        if r.kind == "default" and host in LOCAL_HOSTS and up not in DB_URL_NAMES and up not in REDIS_URL_NAMES:
            yield render("env-url-points-at-localhost", variant="default", service=name,
                         path=f"services.{name}.env.{r.name}", name=r.name, value=r.default,
                         where=_fmt_where(r, root))
    by_kind: dict[str, list[envscan.EnvRead]] = {}
    for r in missing.values():
        by_kind.setdefault(r.kind, []).append(r)
    for kind, variant, severity in (("required", None, "error"), ("optional", "soft", "warning"),
                                    ("default", "default", "info")):
        group = by_kind.get(kind)
        if not group:
            continue
        if severity == "error" and not confident:
            severity = "warning"
        first = min(group, key=lambda r: (str(r.file), r.line))
        yield render("gcloud-env-vars-wiped", service=name, variant=variant, severity=severity,
                     path=f"services.{name}.env", names=join_names({r.name for r in group}),
                     where=f"first at {_fmt_where(first, root)}")


def _fallback(r: envscan.EnvRead) -> str:
    if r.kind == "required":
        return "stops at start-up with a missing-variable error"
    if r.kind == "optional":
        return "gets None/undefined, and most clients then dial localhost"
    shown = re.sub(r"://([^/\s:@]+):[^/\s@]+@", r"://\1:****@", r.default or "")
    return f"uses its default {shown!r}" if r.default is not None else "uses its built-in default"


def _db_url_finding(ctx: Context, root: Path, r: envscan.EnvRead, parts: list[str]) -> Finding:
    sets = (f"; the plan sets {', '.join(parts)} instead, which this code never reads" if parts
            else "")
    detail = (f"{ctx.name}: the code reads {r.name} ({_fmt_where(r, root)}) but the plan does not set it{sets}. "
              f"Without it the app {_fallback(r)}.")
    return render("db-dial-localhost-fallback", service=ctx.name, severity="warning" if r.kind == "default" else "error",
                  path=f"services.{ctx.name}.secrets", name=r.name, detail=detail)


# ---------------------------------------------------------------- imports


def _import_findings(ctx: Context, root: Path, sites: list, runs: list[str], resolved: bool) -> Iterator[Finding]:
    from app.preflight.pyimports import ALWAYS_PRESENT

    reqs = requirements_for(ctx.directory, runs)
    if reqs is None:
        return
    missing: dict[str, tuple[list[str], object]] = {}
    for site in sites:
        top = site.module.split(".")[0]
        if top in ALWAYS_PRESENT:
            continue
        cands = dist_candidates(site.module)
        if reqs.provides(cands):
            continue
        label = site.module if top in ("google", "azure") else top
        if label not in missing:
            missing[label] = (cands, site)
    if not missing:
        return
    first = min((s for _, s in missing.values()), key=lambda s: (str(s.file), s.line))
    severity = "error" if resolved and any(s.module_level for _, s in missing.values()) else "warning"
    req_names = ", ".join(rel(f, root) for f in reqs.files) or "the Dockerfile's pip install line"
    yield render("py-module-not-found", service=ctx.name, severity=severity, path=f"services.{ctx.name}.build",
                 where=f"{rel(first.file, root)}:{first.line}", modules=join_names(set(missing)),
                 reqs=req_names, dists=", ".join(sorted({c[0] for c, _ in missing.values()})))


def _node_import_findings(ctx: Context, root: Path, files: list[Path]) -> Iterator[Finding]:
    from app.preflight.nodeimports import missing_imports

    missing = missing_imports(ctx.directory, files)
    if missing:
        first = missing[0]
        yield render("node-module-not-found", service=ctx.name, path=f"services.{ctx.name}.build",
                     where=f"{rel(first.file, root)}:{first.line}", modules=join_names({m.package for m in missing}))


def _probe_id(target: str) -> str:
    return "k8s-startup-probe-failed" if target.startswith("gke") else "cr-startup-probe-failed"


def _model_download_findings(ctx: Context, root: Path, files: list[Path], target: str) -> Iterator[Finding]:
    for path in files:
        text = read_text(path) or ""
        if not re.search(r"transformers|huggingface_hub|whisper|sentence_transformers|torch\.hub|diffusers|demucs",
                         text):
            continue
        m = _HEAVY_CALLS.search(text)
        if m:
            line = text.count("\n", 0, m.start()) + 1
            where = f"{rel(path, root)}:{line}"
            yield render("hf-hub-download-at-startup", service=ctx.name, path=f"services.{ctx.name}.build",
                         where=where, call=m.group(1) + "()")
            if ctx.service.role in ("web", "websocket") and target != "compose":
                yield render(_probe_id(target), service=ctx.name, path=f"services.{ctx.name}.build",
                             work="a model download at import time", where=where)
            return


_HOOK = re.compile(r"on_event\(\s*['\"]startup['\"]\s*\)|^\s*(async\s+)?def\s+lifespan\b|before_first_request|"
                   r"@app\.on_startup|app\.router\.lifespan_context", re.MULTILINE)
_HOOK_WORK = (
    (re.compile(r"command\.upgrade\(|alembic|\bmigrate\(|run_migrations|call_command\(\s*['\"]migrate"),
     "database migrations"),
    (re.compile(r"snapshot_download|hf_hub_download|from_pretrained|urlretrieve|download_model|"
                r"\.download_to_filename\(|load_model\(|pipeline\("), "a model download"),
)


def _startup_hook_findings(ctx: Context, root: Path, files: list[Path], target: str) -> Iterator[Finding]:
    """Migrations or model downloads inside a FastAPI/Starlette/Flask start-up hook block the first listen."""
    for path in files:
        text = read_text(path) or ""
        for m in _HOOK.finditer(text):
            body = _block_after(text, m.end())
            for pattern, what in _HOOK_WORK:
                if pattern.search(body):
                    line = text.count("\n", 0, m.start()) + 1
                    yield render(_probe_id(target), service=ctx.name, path=f"services.{ctx.name}.build",
                                 work=f"{what} in a start-up hook", where=f"{rel(path, root)}:{line}")
                    return


def _block_after(text: str, pos: int) -> str:
    """The text of the function that starts at pos: up to the next line that is not indented."""
    lines = text[pos:].splitlines()
    out = lines[:1]
    seen_def = bool(re.match(r"\s*(async\s+)?def\b", text[max(0, text.rfind("\n", 0, pos)):pos].strip()))
    for line in lines[1:]:
        if not seen_def and re.match(r"(async\s+)?def\b", line):
            seen_def = True  # the function under a decorator
        elif line and not line[0].isspace() and not line.startswith((")", "@")):
            break
        out.append(line)
    return "\n".join(out)


_SERVER_MODULES = frozenset({
    "fastapi", "flask", "django", "starlette", "aiohttp", "sanic", "tornado", "uvicorn", "gunicorn", "hypercorn",
    "bottle", "falcon", "quart", "litestar", "streamlit", "gradio", "grpc", "waitress", "cherrypy", "pyramid",
    "socketio", "websockets", "twisted", "dash", "panel", "bokeh", "functions_framework", "connexion", "robyn",
    "granian", "daphne", "channels", "http", "socketserver", "wsgiref", "aiohttp_jinja2", "nicegui", "chainlit",
})  # fmt: skip


def _no_server_findings(ctx: Context, root: Path, start: StartCommand, sites: list, js_files: list[Path]) -> Iterator[Finding]:
    """A web service whose image runs a plain Python script that imports no HTTP server at all."""
    if js_files or not re.match(r"^(exec\s+)?python[\d.]*\s+(-u\s+)?(-m\s+)?\S+", start.text.strip()):
        return
    tops = {s.module.split(".")[0] for s in sites}
    if tops & _SERVER_MODULES or "http.server" in {s.module for s in sites}:
        return
    yield render("cr-container-failed-to-listen-on-port", variant="noserver", service=ctx.name, severity="warning",
                 path=f"services.{ctx.name}.role", where=start.where, command=safe_text(start.text))


def _bucket_code_findings(plan: Plan, target: str, root: Path, ctx: Context, files: list[Path]) -> Iterator[Finding]:
    if target not in GCP_TARGETS or ctx.service.buckets or any("BUCKET" in k.upper() for k in ctx.service.env):
        return  # with a bucket variable in env the plan check already speaks
    py = [f for f in files if f.suffix == ".py"]
    reads = envscan.python_reads(py)[0] + envscan.js_reads([f for f in files if f.suffix != ".py"])
    bucket_reads = sorted({r.name for r in reads if "BUCKET" in r.name.upper()})
    if bucket_reads and plan.buckets:
        first = min((r for r in reads if r.name in bucket_reads), key=lambda r: (str(r.file), r.line))
        yield render("gcs-permission-denied", service=ctx.name, path=f"services.{ctx.name}.buckets",
                     evidence=f"reads {join_names(bucket_reads)} ({_fmt_where(first, root)})",
                     missing=f"services.{ctx.name}.buckets is empty")
        return
    for path in files:
        text = read_text(path) or ""
        m = _GCS_CLIENT.search(text)
        if m:
            line = text.count("\n", 0, m.start()) + 1
            yield render("gcs-permission-denied", service=ctx.name, path=f"services.{ctx.name}.buckets",
                         evidence=f"uses the Cloud Storage client ({rel(path, root)}:{line})",
                         missing=f"services.{ctx.name}.buckets is empty")
            return


_SIZE_PATTERNS = (
    re.compile(r"\b(MAX_CONTENT_LENGTH|max_request_body_size|max_body_size|MAX_UPLOAD_SIZE|MAX_FILE_SIZE|"
               r"MAX_UPLOAD_BYTES|fileSize|maxFileSize|DATA_UPLOAD_MAX_MEMORY_SIZE|FILE_UPLOAD_MAX_MEMORY_SIZE)"
               r"\s*[:=]\s*([\d\s*()_]+)"),
    re.compile(r"\b(limit|bodySizeLimit|maxBodySize)\s*:\s*['\"](\d+)\s*(mb|gb)['\"]", re.IGNORECASE),
    re.compile(r"\b(client_max_body_size)\s+(\d+)([mMgG])\b"),
)


def _size_mib(groups: tuple[str, ...]) -> float | None:
    value = groups[1].replace("_", "").strip()
    if not re.fullmatch(r"[\d\s*()]+", value):
        return None
    factors = [f for f in value.replace("(", " ").replace(")", " ").split("*")]
    if not factors or any(not f.strip().isdigit() for f in factors):
        return None
    number = 1
    for f in factors:  # a product such as 100 * 1024 * 1024; no eval
        number *= int(f.strip())
    unit = groups[2].lower() if len(groups) > 2 and groups[2] else ""
    if unit in ("g", "gb"):
        return number * 1024
    if unit in ("m", "mb"):
        return float(number)
    return number / (1024 * 1024) if number >= 1024 * 1024 else None


def _upload_limit_findings(ctx: Context, root: Path, files: list[Path]) -> Iterator[Finding]:
    conf = sorted(ctx.directory.glob("*.conf")) + sorted(ctx.directory.glob("nginx/*.conf"))
    for path in files + conf:
        text = read_text(path) or ""
        for pattern in _SIZE_PATTERNS:
            for m in pattern.finditer(text):
                mib = _size_mib(m.groups())
                if mib is not None and mib > 32:
                    line = text.count("\n", 0, m.start()) + 1
                    yield render("cr-request-too-large-413", variant="source", severity="warning", service=ctx.name,
                                 path="ingress.max_upload_mb", where=f"{rel(path, root)}:{line} ({m.group(1)})",
                                 mb=mib)
                    return


# ---------------------------------------------------------------- compose files

_DB_IMAGES = re.compile(r"(^|/)(postgres|postgresql|redis|mysql|mariadb|mongo|valkey|timescaledb)\b", re.IGNORECASE)


def _compose_files(root: Path) -> list[Path]:
    pats = ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")
    return sorted({p for pat in pats for p in root.glob(pat)})


def _compose_volume_findings(root: Path, target: str) -> Iterator[Finding]:
    import yaml

    for path in _compose_files(root):
        try:
            doc = yaml.safe_load(read_text(path) or "")
        except yaml.YAMLError:
            continue
        services = doc.get("services") if isinstance(doc, dict) else None
        if not isinstance(services, dict):
            continue
        for sname, svc in services.items():
            if isinstance(svc, dict) and re.search(r"arm64|aarch64", str(svc.get("platform", ""))):
                yield render("cr-exec-format-error", severity="error" if target == "compose" else "warning",
                             where=f"{rel(path, root)} ({sname})",
                             detail=f"pins platform: {svc['platform']} for the service")
            if not isinstance(svc, dict) or not _DB_IMAGES.search(str(svc.get("image", "")) or sname):
                continue
            if not _DB_IMAGES.search(str(svc.get("image", ""))) and sname not in ("db", "postgres", "redis"):
                continue
            for vol in svc.get("volumes") or []:
                host = _host_path(vol)
                if host is None or svc.get("user"):
                    continue
                yield render("compose-volume-permission-denied", severity="warning" if target == "compose" else "info",
                             path=None, detail=(
                                 f"{rel(path, root)}: {sname} ({svc.get('image', 'database')}) keeps its data on the "
                                 f"host path {host}. The image runs as its own UID (999 for the postgres and redis "
                                 "images) and refuses or cannot write a directory owned by someone else, such as a "
                                 "TrueNAS dataset owned by apps (568)."))
                break


def _host_path(vol: object) -> str | None:
    if isinstance(vol, str):
        src = vol.split(":", 1)[0] if ":" in vol else ""
        return src if src.startswith(("/", "./", "../", "~", "$")) else None
    if isinstance(vol, dict) and vol.get("type") == "bind":
        return str(vol.get("source", "?"))
    return None


__all__ = ["PROVIDED", "find_in_context", "source_findings"]
