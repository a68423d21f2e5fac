"""From a start command to what it runs: entry modules, start scripts, bind addresses and ports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from launchdeck.app.preflight.facts import split_command
from launchdeck.app.preflight.pyimports import ModuleIndex
from launchdeck.app.preflight.walk import read_text

_APP_SPEC = re.compile(r"^([A-Za-z_][\w.]*):[A-Za-z_]\w*(\(.*\))?$")
_SHELLS = ("sh", "bash", "/bin/sh", "/bin/bash", "ash", "dash")


@dataclass
class StartCommand:
    """The service's start command plus the lines of start scripts it runs (entrypoint.sh, start.sh)."""

    text: str
    where: str  # e.g. "the plan's command" or "backend/Dockerfile:31"
    scripts: list[tuple[str, str]] = field(default_factory=list)  # (relative path, text)

    def lines(self) -> list[tuple[str, str]]:
        """(where, line) for the command and every non-comment script line."""
        out = [(self.where, self.text)] if self.text else []
        for name, text in self.scripts:
            for n, line in enumerate(text.splitlines(), 1):
                s = line.strip()
                if s and not s.startswith("#"):
                    out.append((f"{name}:{n}", s))
        return out


def find_in_context(context: Path, token: str) -> Path | None:
    """A path named in a container command, looked up in the build context (WORKDIR prefixes dropped)."""
    token = token.strip("'\"")
    if not token or "$" in token:
        return None
    p = Path(token)
    candidates = [context / token.lstrip("/")]
    parts = p.parts[1:] if p.is_absolute() else p.parts
    for i in range(len(parts)):
        candidates.append(context.joinpath(*parts[i:]))
    for cand in candidates:
        try:
            if cand.is_file() and context.resolve() in cand.resolve().parents:
                return cand
        except OSError:
            continue
    return None


_CASE_ARM = re.compile(r"^\s*\(?\s*([\w|\"'*.-]+)\s*\)")
_FUNC = re.compile(r"^\s*(?:function\s+)?([A-Za-z_][\w-]*)\s*\(\s*\)\s*\{?")


def script_branch(body: str, arg: str) -> str:
    """The part of a dispatching start script (`case "$1" in worker) ...;; web) ...;; esac`) that runs for
    `arg`, with the functions that arm calls; lines elsewhere in the case are blanked so line numbers stay.
    A script without a case on its first argument, or without an arm for `arg`, is returned whole."""
    lines = body.splitlines()
    case_at = next((i for i, line in enumerate(lines) if re.match(r'\s*case\s+"?\$\{?1\}?"?\s+in\b', line)), None)
    if case_at is None:
        return body
    end = next((i for i in range(case_at, len(lines)) if re.match(r"\s*esac\b", lines[i])), len(lines))
    keep: set[int] = set(range(case_at)) | set(range(end, len(lines)))
    arm: list[int] = []
    inside = False
    for i in range(case_at + 1, end):
        m = _CASE_ARM.match(lines[i])
        if m and not inside:
            labels = [lab.strip("\"'") for lab in m.group(1).split("|")]
            inside = arg in labels
            if inside:
                arm.append(i)
                if lines[i].rstrip().endswith(";;"):
                    break
            continue
        if inside:
            arm.append(i)
            if lines[i].rstrip().endswith(";;"):
                break
    if not arm:
        return body
    # Functions defined before the case run only when called: keep the bodies the arm calls, drop the others.
    called = set(re.findall(r"[A-Za-z_][\w-]*", " ".join(lines[i] for i in arm)))
    func_lines: dict[str, list[int]] = {}
    current = None
    for i in range(case_at):
        m = _FUNC.match(lines[i])
        if m:
            current = m.group(1)
        if current:
            func_lines.setdefault(current, []).append(i)
            if re.match(r"\s*}\s*$", lines[i]) or (m and lines[i].rstrip().endswith("}")):
                current = None
    for name, idx in func_lines.items():
        if name not in called:
            keep -= set(idx)
    keep |= set(arm)
    return "\n".join(line if i in keep else "" for i, line in enumerate(lines))


def start_scripts(context: Path, text: str, copies: dict[str, Path] | None = None) -> list[tuple[str, str]]:
    """Shell scripts (and package.json start scripts) a command runs, with their text (for a script that
    dispatches on its first argument, the branch the command picks). `copies` maps paths in the image to
    the build-context files a Dockerfile COPYs there (`COPY compose/.../start /start-celeryworker`)."""
    out: list[tuple[str, str]] = []
    tokens = split_command(text)
    for n, tok in enumerate(tokens):
        if tok.endswith((".sh", ".bash")) or tok.startswith(("./", "/")) and not tok.endswith((".py", ".js")):
            path = find_in_context(context, tok)
            if path is None and copies and tok.strip("'\"") in copies:
                path = copies[tok.strip("'\"")]
            if path is not None and path.suffix not in (".py", ".js", ".ts", ".mjs"):
                body = read_text(path)
                if body is not None and not body.startswith("\x7fELF"):
                    arg = tokens[n + 1] if n + 1 < len(tokens) else ""
                    out.append((_rel(path, context), script_branch(body, arg) if arg else body))
    run = re.search(r"\b(npm|yarn|pnpm)\s+(?:run\s+)?([\w:-]+)", text)
    if run and run.group(2) not in ("install", "ci", "exec", "i") and (context / "package.json").is_file():
        import json

        try:
            scripts = json.loads(read_text(context / "package.json") or "{}").get("scripts", {})
        except (ValueError, AttributeError):
            scripts = {}
        name = run.group(2)
        for key in (f"pre{name}", name):
            if isinstance(scripts, dict) and isinstance(scripts.get(key), str):
                out.append((f"package.json scripts.{key}", scripts[key]))
    return out


def _rel(path: Path, base: Path) -> str:
    try:
        return (base.name + "/" + path.relative_to(base).as_posix()) if base.name else path.as_posix()
    except ValueError:
        return path.as_posix()


def python_entries(index: ModuleIndex, context: Path, command: StartCommand) -> list[Path]:
    """Entry modules a Python start command names (uvicorn app.main:app, celery -A x, python x.py, ...)."""
    found: list[Path] = []
    for _, line in command.lines():
        tokens = split_command(line)
        for i, tok in enumerate(tokens):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            mods: list[str] = []
            if m := _APP_SPEC.match(tok):
                mods.append(m.group(1))
            elif tok in ("-A", "--app") and nxt:
                mods.append(nxt.split(":")[0])
            elif tok.startswith(("--app=", "-A=")):
                mods.append(tok.split("=", 1)[1].split(":")[0])
            elif tok == "-m" and nxt and i and "python" in tokens[i - 1]:
                mods.append(nxt)
            elif tok.endswith(".py"):
                path = find_in_context(context, tok)
                if path is not None:
                    found.append(path)
            elif tok in ("dramatiq", "arq") and nxt and not nxt.startswith("-"):
                mods += [nxt, nxt.rsplit(".", 1)[0]]
            elif re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", tok) and _after_server(tokens, i):
                mods.append(tok)  # gunicorn config.wsgi, daphne chat.asgi (a module without :attr)
            elif tok == "alembic":
                env = _alembic_env(context)
                if env is not None:
                    found.append(env)
            for mod in mods:
                for cand in (mod, f"{mod}.celery", f"{mod}.celery_app", f"{mod}.__main__"):
                    path = index.resolve(cand)
                    if path is not None:
                        found.append(path)
    return list(dict.fromkeys(found))


_WSGI_SERVERS = frozenset({"gunicorn", "uvicorn", "daphne", "hypercorn", "granian", "waitress-serve", "uwsgi"})


def _after_server(tokens: list[str], i: int) -> bool:
    """The token is an argument of a WSGI/ASGI server (not a value of one of its options)."""
    before = [t.rsplit("/", 1)[-1] for t in tokens[:i]]
    if not any(t in _WSGI_SERVERS for t in before):
        return False
    prev = tokens[i - 1] if i else ""
    return not (prev.startswith("-") and "=" not in prev and prev not in ("--reload", "--preload"))


def _alembic_env(context: Path) -> Path | None:
    ini = read_text(context / "alembic.ini") or ""
    m = re.search(r"^script_location\s*=\s*(\S+)", ini, re.MULTILINE)
    loc = (m.group(1) if m else "alembic").replace("%(here)s/", "")
    env = context / loc / "env.py"
    return env if env.is_file() else None


_BIND_LOCAL = re.compile(
    r"(?:--host|--bind|-b|-H|--hostname|--listen)[=\s]+['\"]?(127\.0\.0\.1|localhost|\[::1\])(?![\w.])"
    r"|\bHOSTNAME=['\"]?(127\.0\.0\.1|localhost)\b"
)
_PORT_FLAG = re.compile(
    r"(?:--port|-p|--listen-port)[=\s]+['\"]?(\d{2,5})\b"
    r"|(?:--bind|-b)[=\s]+['\"]?(?:[\w.\-\[\]:]*?):(\d{2,5})\b"
    r"|\brunserver\s+(?:[\d.]+:)?(\d{2,5})\b"
)
_SERVER_HINT = re.compile(r"\b(uvicorn|gunicorn|hypercorn|daphne|granian|next|node|npm|serve|flask|runserver|"
                          r"streamlit|fastapi|http-server|nginx|caddy|vite|ng)\b")
# Dev servers that bind loopback unless told otherwise, and servers with a fixed default port.
_LOCAL_BY_DEFAULT = (
    (re.compile(r"\bvite\b(?!.*--host)"), "localhost (vite's default without --host)"),
    (re.compile(r"\bng\s+serve\b(?!.*--host)"), "localhost (ng serve's default without --host)"),
    (re.compile(r"\bhypercorn\b(?!.*(-b|--bind))"), "127.0.0.1 (hypercorn's default without --bind)"),
    (re.compile(r"\bfastapi\s+dev\b(?!.*--host)"), "127.0.0.1 (fastapi dev's default without --host)"),
)
_DEFAULT_PORTS = (
    (re.compile(r"\bstreamlit\s+run\b(?!.*--server\.port)"), 8501, "STREAMLIT_SERVER_PORT"),
    (re.compile(r"\bflask\b.*\brun\b(?!.*(--port|-p\s))"), 5000, "FLASK_RUN_PORT"),
    (re.compile(r"\bmanage\.py\s+runserver\s*$|\bmanage\.py\s+runserver\s+0\.0\.0\.0\s*$"), 8000, ""),
    (re.compile(r"\bhypercorn\b(?!.*(-b|--bind))"), 8000, ""),
    (re.compile(r"\bfastapi\s+(run|dev)\b(?!.*--port)"), 8000, ""),
)


_UVICORN_CMD = re.compile(r"(^|&&|;|\|\||\bexec|\brun|-m|-c\s*['\"]?|^\S+=\S+)\s*(\S*/)?uvicorn\s")


def _runs_uvicorn(line: str) -> bool:
    """uvicorn is the command itself (not `pip install uvicorn`, not gunicorn's UvicornWorker)."""
    return bool(_UVICORN_CMD.search(line.strip() + " "))


def bound_to_localhost(line: str, env: set[str] = frozenset()) -> str | None:
    """The loopback address a server command binds, if any (uvicorn, runserver and flask run default to it)."""
    if not _SERVER_HINT.search(line) or re.search(r"\b(install|curl|wget|pg_isready|psql|redis-cli)\b", line):
        return None
    if m := _BIND_LOCAL.search(line):
        return m.group(1) or m.group(2)
    if _runs_uvicorn(line) and "--host" not in line and "--uds" not in line and "UVICORN_HOST" not in env:
        return "127.0.0.1 (uvicorn's default without --host)"
    if re.search(r"\bmanage\.py\s+runserver\b", line) and not re.search(r"runserver\s+(0\.0\.0\.0|\[::\]|:)", line):
        return "127.0.0.1 (runserver's default)"
    if re.search(r"\bflask\b.*\brun\b", line) and not re.search(r"--host[=\s]+(0\.0\.0\.0|::)|-h\s+0\.0\.0\.0",
                                                                line) and "FLASK_RUN_HOST" not in env:
        return "127.0.0.1 (flask run's default)"
    for pattern, what in _LOCAL_BY_DEFAULT:
        if pattern.search(line):
            return what
    return None


def hard_coded_port(line: str, env: set[str] = frozenset()) -> int | None:
    """A literal port a server command listens on (None when it uses $PORT or names no port)."""
    if not _SERVER_HINT.search(line) or "PORT" in line or re.search(r"\b(install|curl|wget|docker)\b", line):
        return None
    m = _PORT_FLAG.search(line)
    if not m:
        if _runs_uvicorn(line) and "--uds" not in line and "UVICORN_PORT" not in env:
            return 8000  # uvicorn's default port; it does not read $PORT
        for pattern, port, env_name in _DEFAULT_PORTS:
            if pattern.search(line) and not (env_name and env_name in env):
                return port
        return None
    return int(next(g for g in m.groups() if g))
