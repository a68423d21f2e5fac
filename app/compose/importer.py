"""Turn a docker-compose file into a Plan (DESIGN 3.2).

Every compose service ends up in exactly one place: an app service with a role and a `why`, the
managed Postgres or Redis, Cloud Storage buckets (MinIO), or `unmapped` with a note. Values of
secret-looking variables are never read into the plan: only their names go to `secrets`.
An `x-launchdeck:` mapping on a service or at the top level overrides any guess.

The import is a pipeline of steps that each return their result: shape check and `extends:`,
classification, environment, datastores, references between services, then one plan entry per
app service (app/compose/service.py) and validation.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

from launchdeck.app.compose import parts
from launchdeck.app.compose.classify import Kind, classify, depends, unmapped_entry
from launchdeck.app.compose.datastores import buckets_from, postgres_from, redis_from
from launchdeck.app.compose.env import UnreadableEnvFile, read_environment
from launchdeck.app.compose.model import ImportResult, ImportRow, Refs, Stack
from launchdeck.app.compose.service import build_service
from launchdeck.app.plan import Plan
from launchdeck.app.planfile import (
    LoadedPlan,
    PlanError,
    PlanFileError,
    errors_from_validation,
    line_of,
    load_plan,
    parse_yaml,
    read_text,
)
from launchdeck.app.planfile import (
    _plain as plain,  # ruamel nodes as plain dicts and lists
)


def import_compose(path: str | os.PathLike[str]) -> ImportResult:
    """Read a compose file and map it to a Plan; problems raise PlanFileError (FILE:LINE: ...)."""
    label = str(path)
    text = read_text(path, "compose file")
    if all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise PlanFileError([PlanError(label, 1, "", "file is empty (expected a compose file with services:)")])
    return import_doc(parse_yaml(text, label), label, Path(path).resolve().parent)


def plan_service_name(name: str) -> str:
    """A compose name as a Cloud Run service name: `Celery_Worker` -> `celery-worker`."""
    out = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    out = re.sub(r"-{2,}", "-", out)
    if not out or not out[0].isalpha():
        out = f"svc-{out}".rstrip("-")
    return out[:49].rstrip("-")


def _plan_name(doc: dict[str, Any], base_dir: Path) -> str:
    for candidate in (doc.get("name"), base_dir.name):
        if isinstance(candidate, str) and candidate:
            name = re.sub(r"[^a-z0-9-]+", "-", candidate.lower()).strip("-")
            if re.fullmatch(r"[a-z][a-z0-9-]{0,39}", name):
                return name
    return "app"


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


# -- shape and extends ------------------------------------------------------------------------

_KINDS = {"build": (str, dict), "image": (str,), "command": (str, list), "entrypoint": (str, list),
          "ports": (list,), "expose": (list,), "environment": (dict, list), "env_file": (str, list),
          "depends_on": (list, dict), "deploy": (dict,), "healthcheck": (dict,), "profiles": (list,),
          "labels": (dict, list), "x-launchdeck": (dict,)}


def check_shape(doc: Any, label: str) -> dict[str, Any]:
    """The `services:` mapping, or PlanFileError listing every field of the wrong type."""
    if not isinstance(doc, dict):
        raise PlanFileError([PlanError(label, 1, "", "expected a mapping at the top level "
                                                     "(a compose file starts with services:)")])
    errors: list[PlanError] = []

    def err(path: tuple[str | int, ...], message: str) -> None:
        errors.append(PlanError(label, line_of(doc, path), ".".join(map(str, path)), message))

    services = doc.get("services")
    if not isinstance(services, dict) or not services:
        what = "is missing" if services is None else "must be a mapping of service names to their settings"
        err(("services",), f"{what} (a compose file lists its containers under services:)")
        raise PlanFileError(errors)
    for name, svc in services.items():
        if not isinstance(svc, dict):
            err(("services", name), "expected a mapping of settings (image:, build:, ports: ...)")
            continue
        for key, types in _KINDS.items():
            if key in svc and svc[key] is not None and not isinstance(svc[key], types):
                allowed = " or ".join({str: "text", dict: "a mapping", list: "a list"}[t] for t in types)
                err(("services", name, key), f"has the wrong type (allowed: {allowed})")
        for path, problem in parts.resource_problems(svc):
            err(("services", name, *path), problem)
        if not svc.get("build") and not svc.get("image") and not isinstance(svc.get("x-launchdeck"), dict) \
                and "extends" not in svc:
            err(("services", name), "has neither image: nor build: (one is required)")
    top = doc.get("x-launchdeck")
    if top is not None and not isinstance(top, dict):
        err(("x-launchdeck",), "expected a mapping with plan keys (region:, target:, postgres: ...)")
    if errors:
        raise PlanFileError(errors)
    return services


def unknown_keys(services: dict[str, Any]) -> list[str]:
    """Notes for service keys compose does not know: a typo, or a look-alike letter (Cyrillic `і` in
    `іmage`) that makes a setting vanish without a word from the importer."""
    from launchdeck.app.termtext import visible

    known = _service_keys()
    notes = []
    for name, svc in services.items():
        for key in svc if isinstance(svc, dict) else ():
            if isinstance(key, str) and key not in known and not key.startswith("x-"):
                look_alike = " (it holds a non-ASCII letter: a look-alike?)" if not key.isascii() else ""
                notes.append(visible(f"{name}: {key!r} is not a compose setting and was ignored{look_alike}"))
    return notes[:20]


@functools.cache
def _service_keys() -> frozenset[str]:
    import json

    from launchdeck.assets import SCHEMAS_DIR

    spec = json.loads((SCHEMAS_DIR / "compose-spec.json").read_text(encoding="utf-8"))
    return frozenset(spec["definitions"]["service"]["properties"])


def extended(services: dict[str, Any], base_dir: Path) -> tuple[dict[str, dict[str, Any]], set[str], list[str]]:
    """(services with `extends:` merged onto their base, names that are extended in this file, notes)."""
    notes: list[str] = []
    out = {str(name): svc for name, svc in services.items()}  # `1:` is a valid, if odd, service name
    for name, svc in services.items():
        if isinstance(svc, dict) and "extends" in svc:
            out[str(name)] = _extend(str(name), svc, services, base_dir, 0, notes)
    templates = {str(e if isinstance(e, str) else e.get("service")) for svc in services.values()
                 if isinstance(svc, dict) and isinstance(e := svc.get("extends"), str | dict)
                 and (isinstance(e, str) or not e.get("file"))}
    # A service other services copy with a YAML merge (`<<: *base`) is a template the same way.
    merged_in = [m for svc in services.values() for m in (getattr(svc, "merge", None) or [])]
    templates |= {str(name) for name, svc in services.items() if any(m is svc for m in merged_in)}
    return out, templates, notes


def _extend(name: str, svc: dict[str, Any], services: dict[str, Any], base_dir: Path, depth: int,
            notes: list[str]) -> dict[str, Any]:
    ext = svc.get("extends")
    base_name, other = (ext, None) if isinstance(ext, str) else (
        (ext.get("service"), ext.get("file")) if isinstance(ext, dict) else (None, None))
    pool = services
    if other:
        try:
            other_doc = parse_yaml(read_text(base_dir / str(other), "compose file"), str(other))
            pool = other_doc.get("services") or {} if isinstance(other_doc, dict) else {}
        except PlanFileError:
            pool = {}
    base = pool.get(base_name) if isinstance(pool, dict) else None
    if not isinstance(base, dict) or depth > 5:
        notes.append(f"{name}: extends {base_name!r}{f' in {other}' if other else ''}, which was not found")
        return {k: v for k, v in svc.items() if k != "extends"}
    if "extends" in base and not other:
        base = _extend(str(base_name), base, pool, base_dir, depth + 1, notes)
    merged = {k: v for k, v in base.items() if k != "extends"}
    for key, value in svc.items():
        if key == "extends":
            continue
        if key == "environment" and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


# -- classification -----------------------------------------------------------------------------

def _kinds(services: dict[str, dict[str, Any]], templates: set[str]) -> dict[str, Kind]:
    """Every service's kind; a second Postgres or Redis is left unmapped (the plan has one of each)."""
    out: dict[str, Kind] = {}
    seen: set[str] = set()
    for name, svc in services.items():
        kind = classify(name, svc, templates)
        if kind.kind in ("postgres", "redis") and kind.kind in seen:
            second = {"postgres": "second PostgreSQL server; the plan has one Cloud SQL instance",
                      "redis": "second Redis; the plan has one Memorystore instance"}[kind.kind]
            kind = Kind("unmapped", "unmapped", second)
        seen.add(kind.kind)
        out[name] = kind
    return _promote_main_proxy(services, out)


def _promote_main_proxy(services: dict[str, dict[str, Any]], kinds: dict[str, Kind]) -> dict[str, Kind]:
    """A stack with no app service but a proxy (Traefik, Caddy, nginx serving the site) is that proxy:
    import it as the service rather than skip everything. Other services on the same image come along
    (a `kong migrations` or config container next to it)."""
    if any(k.kind == "app" for k in kinds.values()):
        return kinds
    proxies = [n for n, k in kinds.items() if k.kind == "unmapped" and k.note and "reverse proxy" in k.note]
    if not proxies:
        return kinds
    main = next((n for n in proxies if parts.parse_ports(services[n].get("ports"))), proxies[0])
    image = parts.image_name(services[main].get("image"))
    out = dict(kinds)
    for name in proxies:
        if name == main or (image and parts.image_name(services[name].get("image")) == image):
            what = "gateway" if "API gateway" in (kinds[name].note or "") else "proxy"
            out[name] = Kind("app", note=f"the stack's main service is this {what}, so it is imported as the app "
                                         "instead of skipped" if name == main else f"runs the main {what}'s image")
    return out


def _names(kinds: dict[str, Kind]) -> dict[str, str]:
    used: set[str] = set()
    names: dict[str, str] = {}
    for name, kind in kinds.items():
        if kind.kind == "app":
            plan_name = plan_service_name(name)
            while plan_name in used:
                plan_name = f"{plan_name[:45]}-{len(used)}"
            used.add(plan_name)
            names[name] = plan_name
    return names


# -- datastores ---------------------------------------------------------------------------------

def datastores(stack: Stack, kinds: dict[str, Kind]) -> tuple[dict[str, Any], list[ImportRow]]:
    """(plan blocks: postgres, redis, buckets; their rows, and the rows of MinIO clients)."""
    data: dict[str, Any] = {}
    rows: list[ImportRow] = []
    for name, svc in stack.services.items():
        kind = kinds[name].kind
        override = plain(svc.get("x-launchdeck") or {})
        if kind == "postgres":
            block, why = postgres_from(svc)
            data["postgres"] = deep_merge(block, override)
            rows.append(ImportRow(name, "postgres", why))
        elif kind == "redis":
            block, why = redis_from(svc)
            data["redis"] = deep_merge(block, override)
            rows.append(ImportRow(name, "redis", why))
    minio = [n for n, k in kinds.items() if k.kind == "minio"]
    clients = [n for n, k in kinds.items() if k.kind == "minio-client"]
    if minio:
        names = buckets_from(stack.services, clients, stack.env)
        data["buckets"] = {b: {} for b in names}
        for name in minio:
            rows.append(ImportRow(name, "buckets", f"MinIO → Cloud Storage buckets: {', '.join(names)}"))
            data = deep_merge(data, plain(stack.services[name].get("x-launchdeck") or {}))
    for name in clients:
        verb = "creates" if minio else "talks to"
        rows.append(ImportRow(name, "skipped", f"MinIO client setup ({verb} buckets), skipped: the plan's "
                                               "buckets replace it"))
    return data, rows


# -- references between services --------------------------------------------------------------

_URL = re.compile(r"\b(wss?|https?)://([A-Za-z0-9_.-]+)(?::(\d+))?")


def references(stack: Stack, kinds: dict[str, Kind]) -> Refs:
    """Services others reach over ws:// (name -> who) and http:// (name -> port); those a skipped
    reverse proxy forwards to."""
    host_ports: dict[int, str] = {}
    for name, svc in stack.services.items():
        if stack.kinds[name] == "app":
            for p in parts.parse_ports(svc.get("ports")):
                host_ports.setdefault(p.host or p.container, name)
    ws: dict[str, str] = {}
    http: dict[str, int | None] = {}
    for name, env in stack.env.items():
        for value in env.values():
            for scheme, host, port in _URL.findall(parts.sniff(value)):
                target = host if host in stack.kinds and host != name else None
                if host in ("localhost", "127.0.0.1") and port and int(port) in host_ports:
                    target = host_ports[int(port)]
                if not target or stack.kinds.get(target) != "app" or target == name:
                    continue
                if scheme.startswith("ws"):
                    ws.setdefault(target, name)
                else:
                    http.setdefault(target, int(port) if port else None)
    proxied: set[str] = set()
    for name, svc in stack.services.items():
        if "reverse proxy" in (kinds[name].note or ""):
            proxied.update(d for d in depends(svc) if stack.kinds.get(d) == "app")
    return Refs(ws, http, frozenset(proxied))


# -- the import ---------------------------------------------------------------------------------

def import_doc(doc: Any, label: str, base_dir: Path) -> ImportResult:
    """A parsed compose document mapped to a Plan (`label` names it in errors; env files are relative
    to `base_dir`)."""
    services, templates, notes = extended(check_shape(doc, label), base_dir)
    if doc.get("include"):
        notes.append("top-level include: is not followed; import the included files separately")
    notes += unknown_keys(doc.get("services") or {})
    kinds = _kinds(services, templates)
    env, file_only, missing = {}, {}, {}
    for name, svc in services.items():
        if kinds[name].kind == "app":
            try:
                found = read_environment(svc, base_dir)
            except UnreadableEnvFile as exc:
                raise PlanFileError([PlanError(label, line_of(doc, ("services", name, "env_file")),
                                               f"services.{name}.env_file", str(exc))]) from None
            env[name], file_only[name] = found.explicit, found.file_only
            for rel in found.missing_files:
                missing.setdefault(rel, []).append(name)
    flat = {n: k.kind if k.kind != "minio-client" else "unmapped" for n, k in kinds.items()}
    remarks = {n: k.note for n, k in kinds.items() if k.kind == "app" and k.note}
    stack = Stack(doc, label, base_dir, services, flat, _names(kinds), env, file_only, remarks)

    rows = [ImportRow(n, k.role or "skipped", k.note or "") for n, k in kinds.items() if k.kind == "unmapped"]
    unmapped = {n: unmapped_entry(services[n], k.note or "") for n, k in kinds.items() if k.kind == "unmapped"}
    data: dict[str, Any] = {"name": _plan_name(doc, base_dir), "services": {}}
    stores, store_rows = datastores(stack, kinds)
    data.update(stores)
    data["unmapped"] = unmapped
    rows += store_rows
    refs = references(stack, kinds)
    for name, svc in services.items():
        if stack.kinds[name] == "app":
            built = build_service(stack, name, svc, data.get("buckets", {}), refs)
            data["services"][stack.names[name]] = built.entry
            rows.append(built.row)
            notes += built.notes
    top = doc.get("x-launchdeck")
    if isinstance(top, dict):
        data = deep_merge(data, plain(top))
    for row in rows:  # x-launchdeck may have added buckets: show the final list
        if row.role == "buckets" and data.get("buckets"):
            row.why = f"MinIO → Cloud Storage buckets: {', '.join(data['buckets'])}"
    for key in ("unmapped", "buckets"):
        if not data.get(key):
            data.pop(key, None)
    for rel, users in missing.items():
        notes.append(f"env_file {rel} not found (used by {', '.join(users)}); its variables are not in the plan")
    from_files = [n for n in services if file_only.get(n)]
    if from_files:
        notes.append(f"{', '.join(from_files)}: variable names from env_file are listed under secrets "
                     "(their values were not read into the plan)")
    notes += _scrub(data)
    order = {n: i for i, n in enumerate(services)}
    rows.sort(key=lambda r: order.get(r.service, len(order)))
    return ImportResult(_validate(stack, data), rows, notes)


def _scrub(data: dict[str, Any]) -> list[str]:
    """The last check before anything is written: a secret-shaped value the steps above did not
    move (an `x-launchdeck` value, a health path with a token) is taken out, and the user told where."""
    from launchdeck.app.plansecrets import find_plan_secrets

    notes: list[str] = []
    for found in reversed(find_plan_secrets(data)):  # deepest and last first, so list indexes stay valid
        *parent_path, last = found.path
        parent: Any = data
        for key in parent_path:
            parent = parent[key]
        svc = data["services"].get(found.service) if found.service else None
        if svc is not None and len(found.path) == 4 and found.path[2] == "env":
            parent.pop(last, None)
            svc["secrets"] = [*(svc.get("secrets") or []), *([last] if last not in (svc.get("secrets") or []) else [])]
            notes.append(f"{found.key} holds {found.what}: moved to secrets")
        elif svc is not None and found.path[2:3] == ("command",):
            svc.pop("command", None)
            notes.append(f"{found.key} holds {found.what} that could not be replaced by a reference: the command "
                         "was left out; write it with $(NAME) for the secret")
        else:
            if isinstance(parent, list):
                parent.pop(int(last))
            else:
                parent.pop(last, None)
            notes.append(f"{found.key} holds {found.what}: left out of the plan")
    return notes


def _validate(stack: Stack, data: dict[str, Any]) -> Plan:
    from pydantic import ValidationError

    by_plan = {v: k for k, v in stack.names.items()}
    doc = stack.doc

    def where(path: tuple[str | int, ...]) -> tuple[str, int | None]:
        if len(path) >= 2 and path[0] == "services" and path[1] in by_plan:
            compose = by_plan[str(path[1])]
            override = stack.services[compose].get("x-launchdeck")
            rest = path[2:]
            if rest and isinstance(override, dict) and rest[0] in override:
                full = ("services", compose, "x-launchdeck", *rest)
                return ".".join(map(str, full)), line_of(doc, full)
            full = ("services", compose, *rest)
            return ".".join(map(str, full)), line_of(doc, ("services", compose))
        top = doc.get("x-launchdeck")
        if path and isinstance(top, dict) and path[0] in top:
            full = ("x-launchdeck", *path)
            return ".".join(map(str, full)), line_of(doc, full)
        return ".".join(map(str, path)), line_of(doc, ("services",))

    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        from dataclasses import replace

        from launchdeck.app.redact import redact

        # A message quotes the bad value; an x-launchdeck value may be a secret put in the wrong place.
        errors = [replace(e, message=redact(e.message)) for e in errors_from_validation(exc, stack.label, where)]
        raise PlanFileError(errors) from None


def load_plan_or_compose(path: str | os.PathLike[str]) -> LoadedPlan:
    """A plan file, or a compose file imported on the fly (then `path` and `doc` are None: nothing to save to)."""
    try:
        return load_plan(path)
    except PlanFileError as exc:
        if "is a docker-compose file" not in str(exc):
            raise
    return LoadedPlan(plan=import_compose(path).plan, path=None, doc=None)
