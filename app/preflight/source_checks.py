"""Tree-wide readings that rules share: Dockerfiles (architecture, USER) and compose files (platform pins,
database volumes on host paths). Files are read, never executed."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight.dockerfile import Dockerfile
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.servicefacts import ServiceFacts
from launchdeck.app.preflight.walk import read_text, rel


def safe(found: Iterator[Finding]) -> list[Finding]:
    """Collect a check's findings; a file we cannot make sense of ends that check, not the whole run."""
    out: list[Finding] = []
    with contextlib.suppress(OSError, ValueError, RecursionError, UnicodeError, KeyError, IndexError,
                             AttributeError, TypeError):
        out.extend(found)
    return out





def dockerfile_findings(contexts: Sequence[ServiceFacts], target: str, root: Path) -> Iterator[Finding]:
    # One check per Dockerfile and built stage: services building different targets see different stages.
    by_file: dict[tuple[Path, int], list[str]] = {}
    built: dict[tuple[Path, int], Dockerfile] = {}
    for c in contexts:
        if c.dockerfile:
            key = (c.dockerfile.path, c.dockerfile.final.line if c.dockerfile.final else 0)
            by_file.setdefault(key, []).append(c.name)
            built.setdefault(key, c.dockerfile)
    for (path, _), users in by_file.items():
        df = built[(path, _)]
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
    for stage in (s for s in df.stages if s is not final):
        plat = (stage.platform or "").lower().replace("{", "").replace("}", "")
        if "$buildplatform" not in plat or (stage.alias or "") not in copied_from:
            continue
        body = " ".join(i.args for i in stage.instructions)
        if not re.search(r"TARGET(ARCH|OS|PLATFORM)|GOARCH|--platform", body):
            yield render("cr-exec-format-error", service=svc, path=svc_path, severity="warning",
                         where=f"{where_file}:{stage.line}{also}",
                         detail=f"compiles in stage {stage.alias} on $BUILDPLATFORM without using TARGETARCH/"
                                "TARGETPLATFORM and copies the result into the final image")


# ---------------------------------------------------------------- compose files

_DB_IMAGES = re.compile(r"(^|/)(postgres|postgresql|redis|mysql|mariadb|mongo|valkey|timescaledb)\b", re.IGNORECASE)


def compose_files(root: Path) -> list[Path]:
    pats = ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")
    return sorted({p for pat in pats for p in root.glob(pat)})


def compose_services(root: Path) -> Iterator[tuple[Path, dict]]:
    """(file, its services mapping) for each compose file at the tree's root that parses."""
    import yaml

    for path in compose_files(root):
        try:
            doc = yaml.safe_load(read_text(path) or "")
        except yaml.YAMLError:
            continue
        services = doc.get("services") if isinstance(doc, dict) else None
        if isinstance(services, dict):
            yield path, services


def compose_file_findings(root: Path, target: str) -> Iterator[Finding]:
    for path, services in compose_services(root):
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





_STATIC_PROXY = re.compile(r"(^|/)(nginx|caddy|httpd|openresty)\b", re.IGNORECASE)
_STATIC_PATH = re.compile(r"static|media|assets|public|uploads|collected", re.IGNORECASE)


def _volume_source(vol: object) -> tuple[str, str] | None:
    """(source, target) of a compose volume entry; the source is a named volume or a host path."""
    if isinstance(vol, str) and ":" in vol:
        parts = vol.split(":")
        return parts[0], parts[1]
    if isinstance(vol, dict) and vol.get("source") and vol.get("target"):
        return str(vol["source"]), str(vol["target"])
    return None


def shared_static_volumes(root: Path) -> Iterator[tuple[str, str, str, str]]:
    """(where, proxy service, app service, volume) for static/media volumes a web proxy shares with an app."""
    for path, services in compose_services(root):
        mounts: dict[str, list[tuple[str, str]]] = {}  # volume source -> [(service, target)]
        for sname, svc in services.items():
            if not isinstance(svc, dict):
                continue
            for vol in svc.get("volumes") or []:
                pair = _volume_source(vol)
                if pair:
                    mounts.setdefault(pair[0], []).append((str(sname), pair[1]))
        text = read_text(path) or ""
        for sname, svc in services.items():
            if not isinstance(svc, dict) or not (_STATIC_PROXY.search(str(svc.get("image", "")))
                                                 or _STATIC_PROXY.search(str(sname))):
                continue
            for vol in svc.get("volumes") or []:
                pair = _volume_source(vol)
                if not pair or not (_STATIC_PATH.search(pair[0]) or _STATIC_PATH.search(pair[1])):
                    continue
                others = [s for s, _ in mounts.get(pair[0], []) if s != sname]
                if not others:
                    continue
                line = next((n for n, ln in enumerate(text.splitlines(), 1) if pair[0] in ln and ":" in ln), 1)
                yield f"{rel(path, root)}:{line}", str(sname), others[0], pair[0]
                break
