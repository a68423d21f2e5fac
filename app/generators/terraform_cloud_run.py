"""Terraform for the `cloud-run` and `cloud-run-jobs` targets.

web/websocket services become `google_cloud_run_v2_service`; jobs (and, on cloud-run-jobs,
workers) become `google_cloud_run_v2_job` with a Cloud Scheduler trigger where the plan sets
`schedule`. On `cloud-run` a worker becomes a `google_cloud_run_v2_worker_pool`: no port, no
probe, no request timeout, a fixed (manually scaled) instance count. Images are rolled out by
deploy.sh, so Terraform ignores later image changes.
"""

from __future__ import annotations

import textwrap

from launchdeck.app.generators import hcl, tf_gcp
from launchdeck.app.generators.common import (
    DEFAULT_PORT,
    args_of,
    cpu_text,
    ident,
    images,
    is_public,
    memory_text,
    short,
    slug,
    uses_postgres,
)
from launchdeck.app.generators.hcl import Block, Raw, block
from launchdeck.app.plan import Plan, Service, runs_as_job, runs_as_worker_pool, worker_pool_shape
from launchdeck.app.units import format_memory

HEADER = tf_gcp.HEADER


def _env(svc: Service) -> list[Block]:
    out = [block("env", body=[("name", k), ("value", v)]) for k, v in sorted(svc.env.items())]
    out += [block("env", body=[("name", s), block("value_source", body=[block("secret_key_ref", body=[
        ("secret", Raw(f"google_secret_manager_secret.{ident(s)}.secret_id")), ("version", "latest")])])])
        for s in svc.secrets]
    return out


def _vpc(plan: Plan) -> Block | None:
    if plan.network.vpc == "connector":
        return block("vpc_access", body=[
            ("connector", Raw("google_vpc_access_connector.main.id")), ("egress", "PRIVATE_RANGES_ONLY")])
    if plan.network.vpc == "direct":
        return block("vpc_access", body=[("egress", "PRIVATE_RANGES_ONLY"), block("network_interfaces", body=[
            ("network", Raw("var.network")), ("subnetwork", Raw("var.subnetwork"))])])
    return None


def _sql_volume(plan: Plan, svc: Service) -> tuple[Block | None, Block | None]:
    """The Cloud SQL socket volume (/cloudsql/CONNECTION_NAME) for services that use Postgres."""
    if not uses_postgres(plan, svc):
        return None, None
    vol = block("volumes", body=[("name", "cloudsql"), block("cloud_sql_instance", body=[
        ("instances", [Raw("google_sql_database_instance.main.connection_name")])])])
    return vol, block("volume_mounts", body=[("name", "cloudsql"), ("mount_path", "/cloudsql")])


def _container(plan: Plan, name: str, svc: Service, kind: str) -> Block:
    """One container block; kind is "service", "job" or "pool" (a worker pool: no port, no probe)."""
    img = images(plan)[name]
    body: list = [("image", tf_gcp.image_expr(img.name, img.prebuilt))]
    if args_of(svc):
        body.append(("args", args_of(svc)))
    limits = {"cpu": cpu_text(svc.cpu), "memory": memory_text(svc)}
    if kind == "pool":
        shape = worker_pool_shape(svc)
        body.append(block("resources", body=[("limits", {"cpu": cpu_text(shape.cpu),
                                                         "memory": format_memory(shape.memory_mib)})]))
    elif kind == "job":
        body.append(block("resources", body=[("limits", limits)]))
    else:
        port = svc.port or DEFAULT_PORT
        body.append(block("ports", body=[("container_port", port)]))
        body.append(block("resources", body=[
            ("limits", limits), ("cpu_idle", svc.billing != "instance"), ("startup_cpu_boost", True)]))
        probe = block("http_get", body=[("path", svc.health_path), ("port", port)])
        body.append(block("startup_probe", body=[
            ("initial_delay_seconds", 0), ("period_seconds", 5), ("timeout_seconds", 3),
            ("failure_threshold", 24), probe]))
    body += _env(svc)
    body.append(_sql_volume(plan, svc)[1])
    return block("containers", body=body)


def _depends(extra: list[Raw]) -> list[Raw]:
    return [tf_gcp.api_ref("run"), *extra]


def _secret_grants(name: str, svc: Service) -> list[Raw]:
    # The revision fails to start if it cannot read its secrets yet: wait for the grants.
    return [Raw(f"google_secret_manager_secret_iam_member.{ident(name)}_{ident(s)}") for s in svc.secrets]


def service(plan: Plan, name: str, svc: Service) -> list[Block]:
    lb = plan.ingress.load_balancer and is_public(svc)
    ingress = ("INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" if lb
               else "INGRESS_TRAFFIC_ALL" if is_public(svc) else "INGRESS_TRAFFIC_INTERNAL_ONLY")
    template: list = [
        ("service_account", Raw(f"google_service_account.{ident(name)}.email")),
        ("timeout", f"{svc.timeout}s"),
        ("max_instance_request_concurrency", svc.concurrency),
        block("scaling", body=[("min_instance_count", svc.min_instances),
                               ("max_instance_count", max(svc.max_instances, svc.min_instances))]),
        _vpc(plan),
        _sql_volume(plan, svc)[0],
        _container(plan, name, svc, "service"),
    ]
    if svc.role == "websocket":
        template.insert(2, ("session_affinity", True))
    comment = None
    if svc.role == "websocket":
        comment = f"WebSocket connections last up to the request timeout ({svc.timeout} s), then clients reconnect."
    out = [block("resource", "google_cloud_run_v2_service", ident(name), comment=comment, body=[
        ("name", slug(name)), ("location", Raw("var.region")), ("ingress", ingress),
        ("deletion_protection", False),
        block("template", body=template),
        block("lifecycle", body=[("ignore_changes", [
            Raw("client"), Raw("client_version"), Raw("template[0].containers[0].image")])]),
        ("depends_on", _depends(_secret_grants(name, svc))),
    ])]
    if is_public(svc):
        out.append(block("resource", "google_cloud_run_v2_service_iam_member", f"{ident(name)}_public", body=[
            ("name", Raw(f"google_cloud_run_v2_service.{ident(name)}.name")), ("location", Raw("var.region")),
            ("role", "roles/run.invoker"), ("member", "allUsers")]))
    return out


def worker_pool(plan: Plan, name: str, svc: Service) -> list[Block]:
    """A queue consumer as a worker pool: it pulls work, so it needs no port, probe or URL."""
    shape = worker_pool_shape(svc)
    template: list = [
        ("service_account", Raw(f"google_service_account.{ident(name)}.email")),
        _vpc(plan),
        _sql_volume(plan, svc)[0],
        _container(plan, name, svc, "pool"),
    ]
    comment = [f"Worker pool: pulls its work, so no port, probe or request timeout. Manual scaling: "
               f"{shape.instances} instance{'' if shape.instances == 1 else 's'},",
               "each billed for its whole lifetime. Change the count without a new revision:",
               f"gcloud run worker-pools update {slug(name)} --instances N"]
    for note in shape.notes:
        comment += textwrap.wrap(f"Note: {note}.", 100, subsequent_indent="  ")
    return [block("resource", "google_cloud_run_v2_worker_pool", ident(name), comment="\n".join(comment), body=[
        ("name", slug(name)), ("location", Raw("var.region")), ("deletion_protection", False),
        block("scaling", body=[("scaling_mode", "MANUAL"), ("manual_instance_count", shape.instances)]),
        block("template", body=template),
        block("lifecycle", body=[("ignore_changes", [
            Raw("client"), Raw("client_version"), Raw("template[0].containers[0].image")])]),
        ("depends_on", _depends(_secret_grants(name, svc))),
    ])]


def job(plan: Plan, name: str, svc: Service) -> list[Block]:
    inner: list = [
        ("service_account", Raw(f"google_service_account.{ident(name)}.email")),
        ("timeout", f"{svc.timeout}s"), ("max_retries", 1),
        _vpc(plan), _sql_volume(plan, svc)[0], _container(plan, name, svc, "job"),
    ]
    tasks = max(1, round(svc.usage.tasks_per_execution[1]))
    out = [block("resource", "google_cloud_run_v2_job", ident(name), body=[
        ("name", slug(name)), ("location", Raw("var.region")), ("deletion_protection", False),
        block("template", body=[("task_count", tasks), ("parallelism", tasks), block("template", body=inner)]),
        block("lifecycle", body=[("ignore_changes", [
            Raw("client"), Raw("client_version"), Raw("template[0].template[0].containers[0].image")])]),
        ("depends_on", _depends(_secret_grants(name, svc))),
    ])]
    if svc.schedule:
        out += [
            block("resource", "google_cloud_run_v2_job_iam_member", f"{ident(name)}_scheduler", body=[
                ("name", Raw(f"google_cloud_run_v2_job.{ident(name)}.name")), ("location", Raw("var.region")),
                ("role", "roles/run.invoker"),
                ("member", Raw('"serviceAccount:${google_service_account.run_scheduler.email}"'))]),
            block("resource", "google_cloud_scheduler_job", ident(name), body=[
                ("name", f"{slug(name)}-schedule"), ("region", Raw("var.region")), ("schedule", svc.schedule),
                ("time_zone", "Etc/UTC"), ("attempt_deadline", "320s"),
                block("http_target", body=[
                    ("http_method", "POST"),
                    ("uri", Raw(f'"https://run.googleapis.com/v2/${{google_cloud_run_v2_job.{ident(name)}.id}}:run"')),
                    block("oauth_token", body=[
                        ("service_account_email", Raw("google_service_account.run_scheduler.email"))])]),
                ("depends_on", [tf_gcp.api_ref("cloudscheduler")])]),
        ]
    return out


def _scheduled(plan: Plan) -> bool:
    return any(svc.schedule and runs_as_job(svc, plan.target) for svc in plan.services.values())


def _network(plan: Plan) -> list[Block]:
    if plan.network.vpc != "connector":
        return []
    return [block("resource", "google_vpc_access_connector", "main", body=[
        ("name", f"{slug(plan.name)[:20]}-conn"), ("region", Raw("var.region")),
        ("network", Raw("var.network")), ("ip_cidr_range", Raw("var.connector_cidr")),
        ("min_instances", 2), ("max_instances", 3), ("depends_on", [tf_gcp.api_ref("vpcaccess")])],
        comment="Serverless VPC Access connector: Cloud Run reaches private IPs (Cloud SQL, Memorystore).")]


def _public(plan: Plan) -> list[str]:
    return [n for n, s in plan.services.items() if is_public(s) and not runs_as_job(s, plan.target)]


def _is_service(svc: Service, target: str) -> bool:
    return not runs_as_job(svc, target) and not runs_as_worker_pool(svc, target)


def load_balancer(plan: Plan) -> list[Block]:
    names = _public(plan)
    if not plan.ingress.load_balancer or not names:
        return []
    prefix = slug(plan.name)
    out: list[Block] = [block("resource", "google_compute_global_address", "lb", body=[
        ("name", f"{prefix}-lb-ip"), ("depends_on", [tf_gcp.api_ref("compute")])])]
    for name in names:
        out += [
            block("resource", "google_compute_region_network_endpoint_group", ident(name), body=[
                ("name", short(f"{prefix}-{slug(name)}-neg", 63)), ("region", Raw("var.region")),
                ("network_endpoint_type", "SERVERLESS"),
                block("cloud_run", body=[("service", Raw(f"google_cloud_run_v2_service.{ident(name)}.name"))])]),
            block("resource", "google_compute_backend_service", ident(name), comment=(
                "No timeout_sec: Google rejects it for serverless NEGs. Long-lived requests and WebSockets\n"
                "are bounded by the Cloud Run service timeout instead (template.timeout)."), body=[
                ("name", short(f"{prefix}-{slug(name)}", 63)), ("load_balancing_scheme", "EXTERNAL_MANAGED"),
                ("protocol", "HTTPS"),
                block("backend", body=[("group", Raw(f"google_compute_region_network_endpoint_group.{ident(name)}.id"))])]),
        ]
    default, others = names[0], names[1:]
    url_map: list = [("name", f"{prefix}-lb"),
                     ("default_service", Raw(f"google_compute_backend_service.{ident(default)}.id"))]
    for name in others:
        url_map.append(block("host_rule", body=[
            ("hosts", [Raw(f'"{slug(name)}.${{var.domain}}"')]), ("path_matcher", slug(name))]))
    for name in others:
        url_map.append(block("path_matcher", body=[
            ("name", slug(name)), ("default_service", Raw(f"google_compute_backend_service.{ident(name)}.id"))]))
    domains = [Raw("var.domain"), *(Raw(f'"{slug(n)}.${{var.domain}}"') for n in others)]
    out += [
        block("resource", "google_compute_url_map", "lb", body=url_map, comment=(
            f"`{default}` answers on the domain; every other public service on its own subdomain.")),
        block("resource", "google_compute_managed_ssl_certificate", "lb", body=[
            ("name", f"{prefix}-cert"), block("managed", body=[("domains", domains)])],
            comment="Point DNS A records for these names at the lb_ip output; the certificate then provisions."),
        block("resource", "google_compute_target_https_proxy", "lb", body=[
            ("name", f"{prefix}-https"), ("url_map", Raw("google_compute_url_map.lb.id")),
            ("ssl_certificates", [Raw("google_compute_managed_ssl_certificate.lb.id")])]),
        block("resource", "google_compute_global_forwarding_rule", "https", body=[
            ("name", f"{prefix}-https"), ("load_balancing_scheme", "EXTERNAL_MANAGED"),
            ("ip_address", Raw("google_compute_global_address.lb.id")), ("port_range", "443"),
            ("target", Raw("google_compute_target_https_proxy.lb.id"))]),
        block("resource", "google_compute_url_map", "http_redirect", body=[
            ("name", f"{prefix}-http-redirect"), block("default_url_redirect", body=[
                ("https_redirect", True), ("strip_query", False),
                ("redirect_response_code", "MOVED_PERMANENTLY_DEFAULT")])]),
        block("resource", "google_compute_target_http_proxy", "http_redirect", body=[
            ("name", f"{prefix}-http"), ("url_map", Raw("google_compute_url_map.http_redirect.id"))]),
        block("resource", "google_compute_global_forwarding_rule", "http", body=[
            ("name", f"{prefix}-http"), ("load_balancing_scheme", "EXTERNAL_MANAGED"),
            ("ip_address", Raw("google_compute_global_address.lb.id")), ("port_range", "80"),
            ("target", Raw("google_compute_target_http_proxy.http_redirect.id"))]),
    ]
    return out


def compute_apis(plan: Plan) -> list[str]:
    apis = ["run.googleapis.com"]
    if plan.network.vpc == "connector":
        apis.append("vpcaccess.googleapis.com")
    if plan.ingress.load_balancer and _public(plan):
        apis.append("compute.googleapis.com")
    if _scheduled(plan):
        apis.append("cloudscheduler.googleapis.com")
    return apis


def _extra_variables(plan: Plan) -> list[Block]:
    out: list[Block] = []
    if plan.network.vpc == "connector":
        out.append(block("variable", "connector_cidr", body=[
            ("type", Raw("string")), ("description", "Unused /28 range for the VPC Access connector"),
            ("default", "10.8.0.0/28")]))
    if plan.network.vpc == "direct":
        out.append(block("variable", "subnetwork", body=[
            ("type", Raw("string")), ("description", "Subnet for Direct VPC egress"), ("default", "default")]))
    if plan.ingress.load_balancer and _public(plan):
        domain: list = [("type", Raw("string")), ("description", "Domain served by the load balancer")]
        if plan.ingress.domain:
            domain.append(("default", plan.ingress.domain))
        out.append(block("variable", "domain", body=domain))
    return out


def files(plan: Plan) -> dict[str, str]:
    svc_blocks: list[Block] = []
    job_blocks: list[Block] = []
    pool_blocks: list[Block] = []
    for name, svc in plan.services.items():
        if runs_as_job(svc, plan.target):
            job_blocks += job(plan, name, svc)
        elif runs_as_worker_pool(svc, plan.target):
            pool_blocks += worker_pool(plan, name, svc)
        else:
            svc_blocks += service(plan, name, svc)
    iam = tf_gcp.service_accounts(plan, list(plan.services))
    if _scheduled(plan):
        iam.append(block("resource", "google_service_account", "run_scheduler", body=[
            ("account_id", f"{slug(plan.name)[:18]}-scheduler"), ("display_name", f"{plan.name} scheduler"),
            ("depends_on", [tf_gcp.api_ref("iam")])], comment="Cloud Scheduler runs the scheduled jobs as this."))
    extra_out = [block("output", f"{ident(n)}_url", body=[("value", Raw(f"google_cloud_run_v2_service.{ident(n)}.uri"))])
                 for n, s in plan.services.items() if _is_service(s, plan.target)]
    if load_balancer(plan):
        extra_out.append(block("output", "lb_ip", body=[("value", Raw("google_compute_global_address.lb.address"))]))
    out = {
        "terraform/versions.tf": tf_gcp.versions(plan),
        "terraform/variables.tf": tf_gcp.variables(plan, _extra_variables(plan)),
        "terraform/main.tf": hcl.render([*tf_gcp.apis(plan, compute_apis(plan)), tf_gcp.registry(plan),
                                         *tf_gcp.network_data(plan), *_network(plan)], HEADER),
        "terraform/iam.tf": hcl.render(iam, HEADER),
        "terraform/ci.tf": hcl.render(tf_gcp.ci(plan, gke=False), HEADER),
        **tf_gcp.data_files(plan),
        "terraform/outputs.tf": hcl.render(tf_gcp.outputs(plan, extra_out), HEADER),
    }
    if svc_blocks:
        out["terraform/services.tf"] = hcl.render(svc_blocks, HEADER)
    if job_blocks:
        out["terraform/jobs.tf"] = hcl.render(job_blocks, HEADER)
    if pool_blocks:
        out["terraform/worker_pools.tf"] = hcl.render(pool_blocks, HEADER)
    lb = load_balancer(plan)
    if lb:
        out["terraform/load_balancer.tf"] = hcl.render(lb, HEADER)
    return out
