"""Turn a docker-compose file into a Plan (DESIGN 3.2).

Every compose service ends up in exactly one place: an app service with a role and a `why`, the
managed Postgres or Redis, Cloud Storage buckets (MinIO), or `unmapped` with a note. Values of
secret-looking variables are never read into the plan: only their names go to `secrets`.
An `x-launchdeck:` mapping on a service or at the top level overrides any guess.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchdeck.app import compose_parts as parts
from launchdeck.app import compose_roles as roles
from launchdeck.app.plan import Plan
from launchdeck.app.planfile import (
    PlanError,
    PlanFileError,
    errors_from_validation,
    line_of,
    parse_yaml,
    read_text,
)
from launchdeck.app.secretish import looks_secret, looks_secret_name, looks_secret_value

_DEV_PROFILES = re.compile(r"^(dev|debug|test|tests|tools|tooling|admin|local|docs|monitoring|observability)$", re.I)


@dataclass
class ImportRow:
    service: str  # the compose name
    role: str  # web | websocket | worker | job | postgres | redis | buckets | unmapped | skipped
    why: str
    plan_name: str | None = None  # the name in the plan when it differs (underscores, case)


@dataclass
class ImportResult:
    plan: Plan
    rows: list[ImportRow]
    notes: list[str] = field(default_factory=list)


def import_compose(path: str | os.PathLike[str]) -> ImportResult:
    """Read a compose file and map it to a Plan; problems raise PlanFileError (FILE:LINE: ...)."""
    label = str(path)
    text = read_text(path, "compose file")
    if all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise PlanFileError([PlanError(label, 1, "", "file is empty (expected a compose file with services:)")])
    doc = parse_yaml(text, label)
    return _Importer(doc, label, Path(path).resolve().parent).run()


def looks_like_compose(doc: Any) -> bool:
    """True for a parsed docker-compose file (services with image/build/ports), not a launchdeck plan."""
    services = doc.get("services") if isinstance(doc, dict) else None
    if not isinstance(services, dict) or not services:
        return False
    compose_keys = {"image", "build", "ports", "environment", "volumes", "expose", "env_file", "healthcheck",
                    "restart", "networks", "container_name", "entrypoint", "deploy", "labels", "profiles"}
    plan_keys = {"role", "cpu", "memory", "min_instances", "max_instances", "concurrency", "secrets", "usage",
                 "billing", "why"}
    keys = {k for s in services.values() if isinstance(s, dict) for k in s}
    return bool(keys & compose_keys) and not (keys & plan_keys)


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


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


class _Importer:
    def __init__(self, doc: Any, label: str, base_dir: Path):
        self.doc, self.label, self.base_dir = doc, label, base_dir
        self.rows: list[ImportRow] = []
        self.notes: list[str] = []
        self.errors: list[PlanError] = []
        self.kind: dict[str, str] = {}  # compose name -> app | postgres | redis | minio | unmapped
        self.names: dict[str, str] = {}  # compose name -> plan service name (app services)
        self.env: dict[str, dict[str, str | None]] = {}
        self.env_file_only: dict[str, list[str]] = {}
        self.unmapped: dict[str, dict[str, Any]] = {}
        self.missing_env_files: dict[str, list[str]] = {}
        self.templates: set[str] = set()

    # -- validation of the compose shape ------------------------------------------------------

    def _err(self, path: tuple[str | int, ...], message: str) -> None:
        self.errors.append(PlanError(self.label, line_of(self.doc, path), ".".join(map(str, path)), message))

    def _check_shape(self) -> dict[str, dict[str, Any]]:
        if not isinstance(self.doc, dict):
            raise PlanFileError([PlanError(self.label, 1, "", "expected a mapping at the top level "
                                                               "(a compose file starts with services:)")])
        services = self.doc.get("services")
        if not isinstance(services, dict) or not services:
            what = "is missing" if services is None else "must be a mapping of service names to their settings"
            self._err(("services",), f"{what} (a compose file lists its containers under services:)")
            raise PlanFileError(self.errors)
        services = self._extended(services)
        kinds = {"build": (str, dict), "image": (str,), "command": (str, list), "entrypoint": (str, list),
                 "ports": (list,), "expose": (list,), "environment": (dict, list), "env_file": (str, list),
                 "depends_on": (list, dict), "deploy": (dict,), "healthcheck": (dict,), "profiles": (list,),
                 "labels": (dict, list), "x-launchdeck": (dict,)}
        for name, svc in services.items():
            if not isinstance(svc, dict):
                self._err(("services", name), "expected a mapping of settings (image:, build:, ports: ...)")
                continue
            for key, types in kinds.items():
                if key in svc and svc[key] is not None and not isinstance(svc[key], types):
                    allowed = " or ".join({str: "text", dict: "a mapping", list: "a list"}[t] for t in types)
                    self._err(("services", name, key), f"has the wrong type (allowed: {allowed})")
            if not svc.get("build") and not svc.get("image") and not isinstance(svc.get("x-launchdeck"), dict) \
                    and "extends" not in svc:
                self._err(("services", name), "has neither image: nor build: (one is required)")
        top = self.doc.get("x-launchdeck")
        if top is not None and not isinstance(top, dict):
            self._err(("x-launchdeck",), "expected a mapping with plan keys (region:, target:, postgres: ...)")
        if self.errors:
            raise PlanFileError(self.errors)
        return {str(name): svc for name, svc in services.items()}  # `1:` is a valid, if odd, service name

    def _extended(self, services: dict[str, Any]) -> dict[str, Any]:
        """Services with `extends:` (same file, or another file next to it) merged onto their base."""
        out = dict(services)
        for name, svc in services.items():
            if isinstance(svc, dict) and "extends" in svc:
                out[name] = self._extend(name, svc, services, depth=0)
        self.templates = {str(e if isinstance(e, str) else e.get("service")) for svc in services.values()
                          if isinstance(svc, dict) and isinstance(e := svc.get("extends"), str | dict)
                          and (isinstance(e, str) or not e.get("file"))}
        return out

    def _extend(self, name: str, svc: dict[str, Any], services: dict[str, Any], depth: int) -> dict[str, Any]:
        ext = svc.get("extends")
        base_name, other = (ext, None) if isinstance(ext, str) else (
            (ext.get("service"), ext.get("file")) if isinstance(ext, dict) else (None, None))
        pool = services
        if other:
            try:
                from launchdeck.app.planfile import read_text as _read

                other_doc = parse_yaml(_read(self.base_dir / str(other), "compose file"), str(other))
                pool = other_doc.get("services") or {} if isinstance(other_doc, dict) else {}
            except PlanFileError:
                pool = {}
        base = pool.get(base_name) if isinstance(pool, dict) else None
        if not isinstance(base, dict) or depth > 5:
            self.notes.append(f"{name}: extends {base_name!r}{f' in {other}' if other else ''}, which was not found")
            return {k: v for k, v in svc.items() if k != "extends"}
        if "extends" in base and not other:
            base = self._extend(str(base_name), base, pool, depth + 1)
        merged = {k: v for k, v in base.items() if k != "extends"}
        for key, value in svc.items():
            if key == "extends":
                continue
            if key == "environment" and isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        return merged

    # -- the import ---------------------------------------------------------------------------

    def run(self) -> ImportResult:
        services = self._check_shape()
        if self.doc.get("include"):
            self.notes.append("top-level include: is not followed; import the included files separately")
        for name, svc in services.items():
            self.kind[name] = self._kind(name, svc)
        for name, svc in services.items():
            if self.kind[name] == "app":
                self.env[name] = self._environment(name, svc)
        used: set[str] = set()
        for name in services:
            if self.kind[name] == "app":
                plan_name = plan_service_name(name)
                while plan_name in used:
                    plan_name = f"{plan_name[:45]}-{len(used)}"
                used.add(plan_name)
                self.names[name] = plan_name
        data: dict[str, Any] = {"name": _plan_name(self.doc, self.base_dir), "services": {}, "unmapped": {},
                                "buckets": {}}
        self._datastores(services, data)
        ws_refs, http_refs = self._references(services)
        proxied = self._proxied(services)
        for name, svc in services.items():
            if self.kind[name] == "app":
                data["services"][self.names[name]] = self._service(name, svc, data, ws_refs, http_refs, proxied)
        top = self.doc.get("x-launchdeck")
        if isinstance(top, dict):
            data = _deep_merge(data, parts_plain(top))
        for row in self.rows:  # x-launchdeck may have added buckets: show the final list
            if row.role == "buckets" and data.get("buckets"):
                row.why = f"MinIO → Cloud Storage buckets: {', '.join(data['buckets'])}"
        for key in ("unmapped", "buckets"):
            if not data.get(key):
                data.pop(key, None)
        for rel, users in self.missing_env_files.items():
            self.notes.append(f"env_file {rel} not found (used by {', '.join(users)}); its variables are not "
                              "in the plan")
        from_files = [n for n in services if self.env_file_only.get(n)]
        if from_files:
            self.notes.append(f"{', '.join(from_files)}: variable names from env_file are listed under secrets "
                              "(their values were not read into the plan)")
        order = {n: i for i, n in enumerate(services)}
        self.rows.sort(key=lambda r: order.get(r.service, len(order)))
        return ImportResult(self._validate(data, services), self.rows, self.notes)

    def _kind(self, name: str, svc: dict[str, Any]) -> str:
        override = svc.get("x-launchdeck") if isinstance(svc.get("x-launchdeck"), dict) else {}
        image = parts.image_name(svc.get("image"))
        found = roles.image_kind(image) if image else None
        cmd = parts.sniff(svc.get("command")).lower()
        if found is None and roles.dev_command(cmd):
            flower = re.search(r"\bflower\b|start-flower", cmd)
            studio = "prisma studio" in " ".join(cmd.split())
            if flower or studio or not parts.parse_ports(svc.get("ports")):
                found = ("devtool", "Celery monitoring UI" if flower else "database admin UI" if studio
                         else "file watcher for development")
        if found is None and roles.shell_or_tests(cmd) and not parts.parse_ports(svc.get("ports")):
            found = ("devtool", "interactive shell or test runner")
        if "role" in override:
            return "app"
        if found:
            kind, note = found
            if kind in ("postgres", "redis", "minio", "minio-client"):
                return kind
            if kind == "proxy" and (svc.get("build") or self._static_site(svc)) and not self._proxy_name(name):
                return "app"
            label = {"devtool": "dev tool", "helper": "helper", "observability": "observability tool",
                     "proxy": "reverse proxy"}
            if kind == "datastore":
                self._unmapped(name, svc, "unmapped", f"{note}; not mapped")
            elif kind == "proxy":
                self._unmapped(name, svc, "skipped", "reverse proxy, skipped (Cloud Run and the load balancer "
                                                     "route traffic)")
            elif kind == "observability":
                self._unmapped(name, svc, "skipped", f"observability tool ({note}), skipped "
                                                     "(Cloud Logging/Monitoring/Trace do this)")
            else:
                self._unmapped(name, svc, "skipped", f"{label[kind]} ({note}), skipped")
            return "unmapped"
        if svc.get("build") and self._proxy_name(name) and _depends(svc):
            self._unmapped(name, svc, "skipped", "reverse proxy, skipped (Cloud Run and the load balancer "
                                                 "route traffic)")
            return "unmapped"
        if name in self.templates and not svc.get("ports") and not svc.get("command"):
            self._unmapped(name, svc, "skipped", "base service that others extend (no command or port of its own), "
                                                 "skipped")
            return "unmapped"
        profiles = [str(p) for p in svc.get("profiles") or []]
        if profiles and all(_DEV_PROFILES.match(p) for p in profiles):
            self._unmapped(name, svc, "skipped", f"only in profile {', '.join(profiles)}, skipped")
            return "unmapped"
        return "app"

    @staticmethod
    def _proxy_name(name: str) -> bool:
        return bool(re.fullmatch(r"(nginx|caddy|traefik|haproxy|envoy|proxy|reverse-?proxy|gateway|lb|"
                                 r"load-?balancer|ingress|https-portal|[a-z0-9]+[-_](proxy|nginx))", name.lower()))

    def _static_site(self, svc: dict[str, Any]) -> bool:
        vols = " ".join(parts.sniff(v.get("target") if isinstance(v, dict) else v) for v in svc.get("volumes") or [])
        return "/usr/share/nginx/html" in vols and ".conf" not in vols and "Caddyfile" not in vols

    def _unmapped(self, name: str, svc: dict[str, Any], role: str, note: str) -> None:
        image = svc.get("image")
        self.rows.append(ImportRow(name, role, note))
        self.unmapped[name] = {"image": str(image), "note": note} if image else {"note": note}

    def _environment(self, name: str, svc: dict[str, Any]) -> dict[str, str | None]:
        env: dict[str, str | None] = {}
        from_files: list[str] = []
        for rel, required in parts.env_file_entries(svc.get("env_file")):
            path = (self.base_dir / parts.sniff(rel)).resolve()
            try:
                names = parts.env_file_names(path)
            except OSError:
                if required:
                    self.missing_env_files.setdefault(rel, []).append(name)
                continue
            from_files += [n for n in names if n not in from_files]
        explicit = parts.parse_environment(svc.get("environment"))
        self.env_file_only[name] = [n for n in from_files if n not in explicit]
        env.update(explicit)
        return env

    # -- datastores ---------------------------------------------------------------------------

    def _datastores(self, services: dict[str, Any], data: dict[str, Any]) -> None:
        from launchdeck.app.compose_datastores import buckets_from, postgres_from, redis_from

        for name, svc in services.items():
            kind = self.kind[name]
            override = parts_plain(svc.get("x-launchdeck") or {})
            if kind == "postgres":
                if "postgres" in data:
                    self.kind[name] = "unmapped"
                    self._unmapped(name, svc, "unmapped", "second PostgreSQL server; the plan has one Cloud SQL "
                                                         "instance")
                    continue
                block, why = postgres_from(svc)
                data["postgres"] = _deep_merge(block, override)
                self.rows.append(ImportRow(name, "postgres", why))
            elif kind == "redis":
                if "redis" in data:
                    self.kind[name] = "unmapped"
                    self._unmapped(name, svc, "unmapped", "second Redis; the plan has one Memorystore instance")
                    continue
                block, why = redis_from(svc)
                data["redis"] = _deep_merge(block, override)
                self.rows.append(ImportRow(name, "redis", why))
        minio = [n for n, k in self.kind.items() if k == "minio"]
        clients = [n for n, k in self.kind.items() if k == "minio-client"]
        if minio:
            names = buckets_from(services, clients, self.env)
            data["buckets"] = {b: {} for b in names}
            for name in minio:
                self.rows.append(ImportRow(name, "buckets", f"MinIO → Cloud Storage buckets: {', '.join(names)}"))
                override = parts_plain(services[name].get("x-launchdeck") or {})
                data.update(_deep_merge(data, override))
        for name in clients:
            self.kind[name] = "unmapped"
            verb = "creates" if minio else "talks to"
            self.rows.append(ImportRow(name, "skipped", f"MinIO client setup ({verb} buckets), skipped: the plan's "
                                                        "buckets replace it"))
        data["unmapped"] = self.unmapped

    # -- app services -------------------------------------------------------------------------

    def _references(self, services: dict[str, Any]) -> tuple[dict[str, str], dict[str, int | None]]:
        """Services other services reach over ws:// (name -> who) and http:// (name -> port)."""
        host_ports: dict[int, str] = {}
        for name, svc in services.items():
            if self.kind[name] == "app":
                for p in parts.parse_ports(svc.get("ports")):
                    host_ports.setdefault(p.host or p.container, name)
        ws: dict[str, str] = {}
        http: dict[str, int | None] = {}
        url = re.compile(r"\b(wss?|https?)://([A-Za-z0-9_.-]+)(?::(\d+))?")
        for name, env in self.env.items():
            for value in env.values():
                for scheme, host, port in url.findall(parts.sniff(value)):
                    target = host if host in self.kind and host != name else None
                    if host in ("localhost", "127.0.0.1") and port and int(port) in host_ports:
                        target = host_ports[int(port)]
                    if not target or self.kind.get(target) != "app" or target == name:
                        continue
                    if scheme.startswith("ws"):
                        ws.setdefault(target, name)
                    else:
                        http.setdefault(target, int(port) if port else None)
        return ws, http

    def _proxied(self, services: dict[str, Any]) -> set[str]:
        """App services a skipped reverse proxy sends traffic to (it depends on them)."""
        out: set[str] = set()
        for name, svc in services.items():
            if "reverse proxy" in self.unmapped.get(name, {}).get("note", ""):
                out.update(d for d in _depends(svc) if self.kind.get(d) == "app")
        return out

    def _service(self, name: str, svc: dict[str, Any], data: dict[str, Any], ws_refs: dict[str, str],
                 http_refs: dict[str, int | None], proxied: set[str]) -> dict[str, Any]:
        from launchdeck.app.compose_service import build_service

        return build_service(self, name, svc, data, ws_refs, http_refs, proxied)

    # -- validation ---------------------------------------------------------------------------

    def _validate(self, data: dict[str, Any], services: dict[str, Any]) -> Plan:
        from pydantic import ValidationError

        by_plan = {v: k for k, v in self.names.items()}

        def where(path: tuple[str | int, ...]) -> tuple[str, int | None]:
            if len(path) >= 2 and path[0] == "services" and path[1] in by_plan:
                compose = by_plan[str(path[1])]
                override = services[compose].get("x-launchdeck")
                rest = path[2:]
                if rest and isinstance(override, dict) and rest[0] in override:
                    full = ("services", compose, "x-launchdeck", *rest)
                    return ".".join(map(str, full)), line_of(self.doc, full)
                full = ("services", compose, *rest)
                return ".".join(map(str, full)), line_of(self.doc, ("services", compose))
            top = self.doc.get("x-launchdeck")
            if path and isinstance(top, dict) and path[0] in top:
                full = ("x-launchdeck", *path)
                return ".".join(map(str, full)), line_of(self.doc, full)
            return ".".join(map(str, path)), line_of(self.doc, ("services",))

        try:
            return Plan.model_validate(data)
        except ValidationError as exc:
            raise PlanFileError(errors_from_validation(exc, self.label, where)) from None


def _depends(svc: dict[str, Any]) -> list[str]:
    deps = svc.get("depends_on") or []
    return [str(d) for d in (deps.keys() if isinstance(deps, dict) else deps)]


def parts_plain(node: Any) -> Any:
    """ruamel nodes as plain Python (so merges and pydantic see ordinary dicts and lists)."""
    from launchdeck.app.planfile import _plain

    return _plain(node)


def split_env(env: dict[str, str | None], file_names: list[str]) -> tuple[dict[str, str], list[str]]:
    """(plain env, secret names). Secret-looking values never leave this function."""
    plain: dict[str, str] = {}
    secrets: list[str] = []
    for key, value in env.items():
        if value is None:
            if looks_secret_name(key):
                secrets.append(key)
            else:
                plain[key] = f"${{{key}}}"  # passed through from the host: keep it as a reference
        elif looks_secret(key, value) or looks_secret_value(parts.sniff(value)):
            secrets.append(key)
        else:
            plain[key] = value
    secrets += [n for n in file_names if n not in secrets and n not in plain]
    return plain, secrets


__all__ = ["ImportResult", "ImportRow", "import_compose", "looks_like_compose", "plan_service_name", "split_env"]
