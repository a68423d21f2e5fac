"""Is a parsed YAML document a docker-compose file or a launchdeck plan?

Kept apart from the importer so that the plan loader can ask without importing it.
"""

from __future__ import annotations

from typing import Any

# Service keys both formats use (`image:`, `command:` ...) prove nothing either way.
_SHARED = frozenset({"build", "image", "command", "secrets", "depends_on"})
# Service keys only a plan uses.
_PLAN_ONLY = frozenset({"role", "port", "health_path", "cpu", "memory", "min_instances", "max_instances",
                        "concurrency", "timeout", "billing", "instances", "env", "usage", "schedule", "heavy_deps",
                        "buckets", "host_port", "why"})
# Top-level keys only a plan uses, and only compose uses.
_PLAN_TOP = frozenset({"project", "region", "target", "postgres", "redis", "buckets", "ingress", "network",
                       "selfhost", "unmapped"})
_COMPOSE_TOP = frozenset({"version", "networks", "volumes", "configs", "secrets", "include"})
# Service keys of the compose specification that a plan never has.
_COMPOSE_ONLY = frozenset({
    "ports", "environment", "volumes", "expose", "env_file", "healthcheck", "restart", "networks",
    "container_name", "entrypoint", "deploy", "labels", "profiles", "extends", "working_dir", "user",
    "stdin_open", "tty", "logging", "ulimits", "cap_add", "cap_drop", "privileged", "network_mode", "hostname",
    "extra_hosts", "configs", "mem_limit", "mem_reservation", "cpus", "cpu_count", "cpu_shares", "shm_size",
    "init", "platform", "pull_policy", "stop_signal", "stop_grace_period", "tmpfs", "devices", "sysctls",
    "security_opt", "links", "external_links", "dns", "domainname", "ipc", "pid", "runtime", "scale",
    "volumes_from", "x-launchdeck", "gpus", "develop", "annotations", "attach", "post_start", "pre_stop",
})


def looks_like_compose(doc: Any) -> bool:
    """True for a parsed docker-compose file, False for a launchdeck plan, even one with a typo in it.

    Compose needs evidence of its own (`ports:`, `environment:`, a top-level `volumes:` ...): `image:` and
    `command:` prove nothing, since a plan has them too. Any key only a plan uses (`role:`, `port:`, a
    top-level `region:`) settles it as a plan, so the plan's own error is shown instead of a suggestion
    to import it.
    """
    services = doc.get("services") if isinstance(doc, dict) else None
    if not isinstance(services, dict) or not services:
        return False
    top = {str(k) for k in doc}
    keys = {str(k) for s in services.values() if isinstance(s, dict) for k in s}
    if top & _PLAN_TOP or keys & _PLAN_ONLY:
        return False
    return bool(top & _COMPOSE_TOP or any(k.startswith("x-") for k in top) or keys & _COMPOSE_ONLY)


__all__ = ["looks_like_compose"]
