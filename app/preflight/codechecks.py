"""Checks that read application code: listeners, start-up hooks, model downloads, WebSocket routes,
pool sizes, upload limits, Cloud Storage use. Called per service by source_checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight import envscan
from launchdeck.app.preflight.entry import StartCommand
from launchdeck.app.preflight.facts import safe_text
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.walk import code_files, read_text, rel

if TYPE_CHECKING:
    from launchdeck.app.preflight.servicefacts import ServiceFacts as Context

_HEAVY_CALLS = re.compile(r"^(?!\s)(?:\w+\s*=\s*)?[\w.]*?(from_pretrained|hf_hub_download|snapshot_download|"
                          r"load_model|pipeline|SentenceTransformer|torch\.hub\.load|get_model|pretrained)\s*\(",
                          re.MULTILINE)


_WS_SERVER = re.compile(r"@\w+\.websocket(_route)?\(|WebSocketEndpoint|websockets\.serve\(|socketio\.(Async)?Server\(|"
                        r"flask_socketio|SocketIO\(|new\s+WebSocketServer\(|new\s+WebSocket\.Server\(|"
                        r"require\(['\"](ws|socket\.io)['\"]\)|from\s+['\"](ws|socket\.io)['\"]")


def where_of(read: envscan.EnvRead, root: Path) -> str:
    return f"{rel(read.file, root)}:{read.line}"


_POOL = re.compile(r"\bpool_size\s*=\s*(\d+)|\bmax_overflow\s*=\s*(\d+)|\bmax\s*:\s*(\d+)\s*[,}]|"
                   r"\bconnection_limit=(\d+)|\bmaxconn\s*=\s*(\d+)")


def code_pool_size(files: list[Path]) -> int | None:
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


def serves_websockets(files: list[Path]) -> bool:
    for path in files:
        text = read_text(path) or ""
        if _WS_SERVER.search(text):
            return True
    return False


_WS_RECEIVE = re.compile(r"receive_(text|json|bytes)\(|\.receive\(|\.recv\(|iter_(text|json|bytes)\(|"
                         r"async\s+for\s+\w+\s+in\s+\w*(ws|websocket|socket)\b|\.on\(\s*['\"]message['\"]|"
                         r"@\w+\.on\(\s*['\"](?!connect|disconnect)\w+|\.on_message\b", re.IGNORECASE)
_WS_SEND = re.compile(r"send_(text|json|bytes)\(|\.send\(|\.emit\(|broadcast", re.IGNORECASE)


def one_way_socket(ctx: Context, root: Path, files: list[Path]) -> Iterator[Finding]:
    """A socket that only pushes (progress, notifications): Server-Sent Events would fit Cloud Run better."""
    texts = {p: read_text(p) or "" for p in files}
    ws_files = [p for p, t in texts.items() if _WS_SERVER.search(t)]
    if not ws_files:
        return
    body = "\n".join(texts[p] for p in ws_files)
    if _WS_SEND.search(body) and not _WS_RECEIVE.search(body):
        yield render("websocket-one-way-sse", service=ctx.name, path=f"services.{ctx.name}.role",
                     where=rel(ws_files[0], root))


def nextjs_hostname(ctx: Context, root: Path, start: StartCommand, env: set[str]) -> Iterator[Finding]:
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


def node_listen(ctx: Context, root: Path, files: list[Path], target: str) -> Iterator[Finding]:
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
            if re.fullmatch(r"[A-Za-z_$][\w$]*", port):  # const PORT = 3000; app.listen(PORT)
                decl = re.search(r"\b(?:const|let|var)\s+" + re.escape(port) + r"\s*(?::\s*\w+\s*)?=\s*(\d{2,5})\s*[;\n]",
                                 text)
                port = decl.group(1) if decl else port
            if port.isdigit() and "process.env.PORT" not in text and "env.PORT" not in text and expected is not None and int(port) != expected:
                yield render("cr-container-failed-to-listen-on-port", service=ctx.name,
                             path=f"services.{ctx.name}.port", where=where, found=int(port), expected=expected)
                return


_GO_LISTEN = re.compile(r"(?:ListenAndServe(?:TLS)?|\.Run|\.Start|net\.Listen\(\s*\"tcp\"\s*,)\(?\s*\"([\w.\[\]:]*):(\d{2,5})\"")


def go_listen(ctx: Context, root: Path, target: str, files: list[Path] | None = None) -> Iterator[Finding]:
    """Go servers: ListenAndServe("localhost:8080") or a fixed port while the platform sets $PORT."""
    if ctx.service.role not in ("web", "websocket") or not (ctx.directory / "go.mod").is_file():
        return
    expected = ctx.service.port if ctx.service.port is not None else (8080 if target in CLOUD_RUN_TARGETS else None)
    for path in files if files is not None else code_files(ctx.directory, (".go",), max_files=500):
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


def code_binding(ctx: Context, root: Path, entries: list[Path], target: str) -> Iterator[Finding]:
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


def _probe_id(target: str) -> str:
    return "k8s-startup-probe-failed" if target.startswith("gke") else "cr-startup-probe-failed"


def model_download_findings(ctx: Context, root: Path, files: list[Path], target: str) -> Iterator[Finding]:
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


def startup_hook_findings(ctx: Context, root: Path, files: list[Path], target: str) -> Iterator[Finding]:
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


def no_server_findings(ctx: Context, root: Path, start: StartCommand, sites: list, js_files: list[Path]) -> Iterator[Finding]:
    """A web service whose image runs a plain Python script that imports no HTTP server at all."""
    if js_files or not re.match(r"^(exec\s+)?python[\d.]*\s+(-u\s+)?(-m\s+)?\S+", start.text.strip()):
        return
    tops = {s.module.split(".")[0] for s in sites}
    if tops & _SERVER_MODULES or "http.server" in {s.module for s in sites}:
        return
    yield render("cr-container-failed-to-listen-on-port", variant="noserver", service=ctx.name, severity="warning",
                 path=f"services.{ctx.name}.role", where=start.where, command=safe_text(start.text))


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


def upload_limit_findings(ctx: Context, root: Path, files: list[Path]) -> Iterator[Finding]:
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
