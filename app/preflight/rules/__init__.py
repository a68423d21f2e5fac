"""The preflight rules, one module each (see app/preflight/rule.py for what a rule module declares).

`RULES` is the registry: every module listed here runs, in this order, for every preflight. A new rule
is a new module plus one line below; its id and texts go into assets/preflight.yaml.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from launchdeck.app.preflight.rule import CheckFn, Rule

MODULES = (
    # the plan and the target
    "target_rejects_value", "cr_image_not_found", "cr_worker_deployed_as_service", "celery_beat_scheduler",
    "crj_task_timeout", "cr_websocket_cut_at_request_timeout", "gke_lb_backend_timeout", "memory_limit",
    "cr_cold_start_slow", "cr_no_available_instance", "db_too_many_connections", "vpc_egress",
    "gcs_permission_denied", "cr_secret_access_denied", "secret_value_in_env", "secret_value_in_plan",
    "db_dial_localhost_fallback",
    "redis_connection_refused_or_unresolvable", "env_url_points_at_localhost", "env_compose_hostname",
    "gcloud_env_vars_bad_syntax", "cr_request_too_large_413", "tunnel_upload_limit",
    "compose_port_already_allocated",
    # the start command and the code it reaches
    "node_bound_to_localhost", "cr_container_failed_to_listen_on_port", "startup_probe",
    "hf_hub_download_at_startup", "websocket_one_way_sse", "gcloud_env_vars_wiped", "py_module_not_found",
    "node_module_not_found", "image_only_with_source", "static_files_need_a_home",
    # the rest of the tree: Dockerfiles, scripts, IaC, compose files
    "cr_exec_format_error", "cr_user_root_not_found", "deploy_scripts", "iac_grants",
    "compose_volume_permission_denied",
)  # fmt: skip


def load() -> list[tuple[Rule, CheckFn, ModuleType]]:
    out = []
    for name in MODULES:
        module = import_module(f"{__name__}.{name}")
        out.append((module.RULE, module.check, module))
    return out
