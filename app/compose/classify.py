"""What each compose service is before any plan entry is built: an app service, a managed datastore
(postgres, redis, minio), a MinIO client, or something the plan leaves out (with the reason)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from launchdeck.app.compose import parts, roles

_DEV_PROFILES = re.compile(r"^(dev|debug|test|tests|tools|tooling|admin|local|docs|monitoring|observability)$", re.I)
_PROXY_NAME = re.compile(r"(nginx|caddy|traefik|haproxy|envoy|proxy|reverse-?proxy|gateway|lb|load-?balancer|"
                         r"ingress|https-portal|[a-z0-9]+[-_](proxy|nginx))")
_SKIP_PROXY = "reverse proxy, skipped (Cloud Run and the load balancer route traffic)"


@dataclass(frozen=True)
class Kind:
    kind: str  # app | postgres | redis | minio | minio-client | unmapped
    role: str | None = None  # for unmapped: the row's role (skipped | unmapped)
    note: str | None = None  # for unmapped: why it is left out; for app: a remark for its `why`


def depends(svc: dict[str, Any]) -> list[str]:
    deps = svc.get("depends_on") or []
    return [str(d) for d in (deps.keys() if isinstance(deps, dict) else deps)]


def proxy_name(name: str) -> bool:
    return bool(_PROXY_NAME.fullmatch(name.lower()))


def _static_site(svc: dict[str, Any]) -> bool:
    vols = " ".join(parts.sniff(v.get("target") if isinstance(v, dict) else v) for v in svc.get("volumes") or [])
    return "/usr/share/nginx/html" in vols and ".conf" not in vols and "Caddyfile" not in vols


def classify(name: str, svc: dict[str, Any], templates: set[str]) -> Kind:
    """The first rule that applies wins; an x-launchdeck `role:` always makes it an app service."""
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
        return Kind("app")
    if found:
        kind, note = found
        if kind in ("postgres", "redis", "minio", "minio-client"):
            return Kind(kind)
        if kind == "gateway":  # in front of the stack's own services it routes like a proxy
            return Kind("unmapped", "skipped", "API gateway in front of the other services, a reverse proxy here, "
                                               "skipped (the load balancer's URL map or API Gateway routes instead)")
        if kind == "proxy" and (svc.get("build") or _static_site(svc)) and not proxy_name(name):
            return Kind("app")
        if kind == "datastore":
            return Kind("unmapped", "unmapped", f"{note}; not mapped")
        if kind == "proxy":
            return Kind("unmapped", "skipped", _SKIP_PROXY)
        if kind == "observability":
            return Kind("unmapped", "skipped", f"observability tool ({note}), skipped "
                                               "(Cloud Logging/Monitoring/Trace do this)")
        label = {"devtool": "dev tool", "helper": "helper"}.get(kind, kind)
        return Kind("unmapped", "skipped", f"{label} ({note}), skipped")
    if svc.get("build") and proxy_name(name) and depends(svc):
        return Kind("unmapped", "skipped", _SKIP_PROXY)
    if name in templates and not svc.get("ports") and not svc.get("command"):
        return Kind("unmapped", "skipped", "base service that others extend or copy (no command or port of its "
                                           "own), skipped")
    profiles = [str(p) for p in svc.get("profiles") or []]
    if profiles and all(_DEV_PROFILES.match(p) for p in profiles):
        return Kind("unmapped", "skipped", f"only in profile {', '.join(profiles)}, skipped")
    return Kind("app")


def unmapped_entry(svc: dict[str, Any], note: str) -> dict[str, Any]:
    image = svc.get("image")
    return {"image": str(image), "note": note} if image else {"note": note}
