"""Host port clashes in the compose export: TrueNAS's own ports, MinIO's, or two services on one port."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import Service
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="compose-port-already-allocated", severity="error", evidence=("plan",),
            signature="compose-port-already-allocated")
# Ports a TrueNAS SCALE host keeps for itself: the web UI owns 80/443; the rest are common services.
TRUENAS_UI_PORTS = {80: "the TrueNAS web UI (HTTP)", 443: "the TrueNAS web UI (HTTPS)"}
TRUENAS_SERVICE_PORTS = {22: "SSH", 111: "rpcbind", 139: "SMB", 445: "SMB", 2049: "NFS", 3260: "iSCSI"}


def _published_port(svc: Service) -> int | None:
    if svc.host_port is not None:
        return svc.host_port
    return svc.port if svc.role in ("web", "websocket") else None


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target != "compose":
        return
    owners: dict[int, str] = {}
    if inp.plan.buckets:  # the export runs MinIO for the buckets and publishes its API and console
        owners.update({9000: "minio (the export's stand-in for Cloud Storage)", 9001: "the minio console"})
    for name, svc in inp.plan.services.items():
        port = _published_port(svc)
        if port is None:
            continue
        path = f"services.{name}.{'host_port' if svc.host_port is not None else 'port'}"
        if port in TRUENAS_UI_PORTS:
            yield render(RULE.id, service=name, path=path,
                         detail=f"{name} publishes host port {port}, which {TRUENAS_UI_PORTS[port]} already uses.")
        elif port in TRUENAS_SERVICE_PORTS:
            yield render(RULE.id, service=name, path=path, severity="warning",
                         detail=f"{name} publishes host port {port}, which TrueNAS uses for "
                                f"{TRUENAS_SERVICE_PORTS[port]} when that service is on.")
        if port in owners:
            yield render(RULE.id, service=name, path=path,
                         detail=f"{name} and {owners[port]} both publish host port {port}; the second fails to start.")
        else:
            owners[port] = name
