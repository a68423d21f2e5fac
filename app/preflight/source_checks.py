"""Checks on the source tree: Dockerfiles, start scripts, env names the code reads, imports vs requirements,
build/deploy scripts and compose volumes. Files are read, never executed."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from launchdeck.app.plan import CLOUD_RUN_TARGETS, GCP_TARGETS, Plan
from launchdeck.app.preflight import codechecks as code
from launchdeck.app.preflight import envscan
from launchdeck.app.preflight.catalog import Finding, render
from launchdeck.app.preflight.codechecks import HEAVY_IMPORTS, where_of
from launchdeck.app.preflight.context import Context, service_contexts
from launchdeck.app.preflight.dockerfile import Dockerfile
from launchdeck.app.preflight.entry import StartCommand, find_in_context, python_entries, start_scripts
from launchdeck.app.preflight.facts import (
    DB_PART_RE,
    DB_URL_NAMES,
    LOCAL_HOSTS,
    REDIS_URL_NAMES,
    command_text,
    join_names,
    names,
    url_host,
    uses_redis,
)  # fmt: skip
from launchdeck.app.preflight.pyimports import ModuleIndex, dist_candidates, import_tree, requirements_for
from launchdeck.app.preflight.scripts import arm64_evidence, iam_findings, script_findings
from launchdeck.app.preflight.startcheck import command_findings
from launchdeck.app.preflight.walk import code_files, read_text, rel

# Names the platform or the base image provides; reading them is never a finding.
PROVIDED = frozenset({
    "PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION", "CLOUD_RUN_JOB", "CLOUD_RUN_EXECUTION",
    "CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT", "CLOUD_RUN_TASK_ATTEMPT", "HOME", "PATH", "HOSTNAME", "PWD",
    "USER", "SHELL", "TERM", "LANG", "LC_ALL", "TZ", "TMPDIR", "PYTHONPATH", "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE", "NODE_ENV", "NODE_OPTIONS", "GOOGLE_APPLICATION_CREDENTIALS", "CI",
    "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "VIRTUAL_ENV", "WEB_CONCURRENCY",
})  # fmt: skip
def source_findings(plan: Plan, target: str, root: Path) -> tuple[list[Finding], Plan, dict[str, int]]:
    """Findings from the source tree, and the plan enriched with what the source shows (the image's CMD,
    heavy imports, WebSocket endpoints) so the plan checks judge the service that will really run."""
    root = root.resolve()
    contexts = service_contexts(plan, root)
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
    yield from code.nextjs_hostname(ctx, root, start, env)
    index = ModuleIndex(ctx.directory, _copied_roots(ctx))
    entries = python_entries(index, ctx.directory, start)
    resolved = bool(entries)
    py_files: list[Path] = []
    if entries:
        sites, py_files = import_tree(index, entries)
        yield from code.code_binding(ctx, root, entries, target)
    else:
        fallback = [p for p in (ctx.directory / n for n in ("main.py", "app.py", "server.py", "app/main.py",
                                                            "wsgi.py", "manage.py")) if p.is_file()]
        sites, py_files = import_tree(index, fallback) if fallback else ([], [])
        if not py_files:
            py_files = code_files(ctx.directory, (".py",))
    js_files = code_files(ctx.directory, (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".prisma")) \
        if (ctx.directory / "package.json").is_file() else []
    yield from _env_findings(plan, target, root, ctx, py_files, js_files, env, resolved or not py_files)
    yield from code.node_listen(ctx, root, js_files, target)
    yield from code.go_listen(ctx, root, target)
    if js_files:
        yield from _node_import_findings(ctx, root, js_files)
    if sites:
        runs = [i.args for i in ctx.dockerfile.all_instructions("RUN")] if ctx.dockerfile else []
        yield from _import_findings(ctx, root, sites, runs, resolved)
        heavy = sorted({HEAVY_IMPORTS[s.module.split(".")[0]] for s in sites
                        if s.module.split(".")[0] in HEAVY_IMPORTS} - {d.lower() for d in ctx.service.heavy_deps})
        if heavy:
            update["heavy_deps"] = [*ctx.service.heavy_deps, *heavy]
    pool = code.code_pool_size(py_files + js_files)
    if pool:
        update["_pool"] = pool
    if sites or py_files:
        yield from code.image_heavy_cold_start(ctx, target, update)
    if ctx.service.role == "web" and (resolved or not py_files) and code.serves_websockets(py_files + js_files):
        update["role"] = "websocket"
    if update.get("role", ctx.service.role) == "websocket" and target != "compose":
        yield from code.one_way_socket(ctx, root, py_files + js_files)
    if ctx.service.role != "job":
        yield from code.model_download_findings(ctx, root, py_files, target)
    if ctx.service.role in ("web", "websocket") and target != "compose":
        yield from code.startup_hook_findings(ctx, root, py_files, target)
    if resolved and ctx.service.role in ("web", "websocket") and not ctx.service.command:
        yield from code.no_server_findings(ctx, root, start, sites, js_files)
    yield from code.bucket_code_findings(plan, target, root, ctx, py_files + js_files)
    if target in CLOUD_RUN_TARGETS and plan.ingress.max_upload_mb is None and ctx.service.role == "web":
        yield from code.upload_limit_findings(ctx, root, py_files + js_files)


# ---------------------------------------------------------------- env names


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
                         detail=f"{name}: the code reads {r.name} ({where_of(r, root)}) but the plan does not set "
                                f"it, so the app {fallback}.")
    for _key, r in sorted(missing.items()):
        up = r.name.upper()
        host = url_host(r.default or "")
        if r.kind == "default" and host in LOCAL_HOSTS and up not in DB_URL_NAMES and up not in REDIS_URL_NAMES:
            yield render("env-url-points-at-localhost", variant="default", service=name,
                         path=f"services.{name}.env.{r.name}", name=r.name, value=r.default,
                         where=where_of(r, root))
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
                     where=f"first at {where_of(first, root)}")


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
    detail = (f"{ctx.name}: the code reads {r.name} ({where_of(r, root)}) but the plan does not set it{sets}. "
              f"Without it the app {_fallback(r)}.")
    return render("db-dial-localhost-fallback", service=ctx.name, severity="warning" if r.kind == "default" else "error",
                  path=f"services.{ctx.name}.secrets", name=r.name, detail=detail)


# ---------------------------------------------------------------- imports


def _import_findings(ctx: Context, root: Path, sites: list, runs: list[str], resolved: bool) -> Iterator[Finding]:
    from launchdeck.app.preflight.pyimports import ALWAYS_PRESENT

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
    from launchdeck.app.preflight.nodeimports import missing_imports

    missing = missing_imports(ctx.directory, files)
    if missing:
        first = missing[0]
        yield render("node-module-not-found", service=ctx.name, path=f"services.{ctx.name}.build",
                     where=f"{rel(first.file, root)}:{first.line}", modules=join_names({m.package for m in missing}))


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
