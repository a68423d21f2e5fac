"""GKE targets: Terraform for the cluster (Autopilot, or Standard with a node pool sized from the
plan) plus Kubernetes manifests per service and a kustomization.

Pods run as their own Kubernetes service account bound to the service's Google service account
(Workload Identity). Secrets are referenced from one Secret, `<app>-secrets`, that deploy.sh fills
from Secret Manager; values never appear in the manifests. Postgres is reached through the Cloud
SQL Auth Proxy as a native sidecar, so Jobs still complete.
"""

from __future__ import annotations

import math
from typing import Any

from launchdeck.app.generators import hcl, tf_gcp, yamlout
from launchdeck.app.generators.common import (
    account_id,
    args_of,
    cpu_text,
    ident,
    images,
    is_public,
    memory_text,
    slug,
    uses_postgres,
)
from launchdeck.app.generators.hcl import Block, Raw, block
from launchdeck.app.plan import Plan, Service

SQL_PROXY_IMAGE = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1"
PROXY_CPU, PROXY_MEM_MIB = 0.1, 128
# (machine type, vCPU, memory GiB), smallest first.
MACHINES = [("e2-standard-2", 2, 8), ("e2-standard-4", 4, 16), ("e2-standard-8", 8, 32),
            ("e2-standard-16", 16, 64), ("e2-standard-32", 32, 128)]
WEBSOCKET_TIMEOUT_S = 3600
PROJECT_PLACEHOLDER = "__PROJECT_ID__"  # deploy.sh substitutes it when the plan names no project


def _project(plan: Plan) -> str:
    return plan.project or PROJECT_PLACEHOLDER


def _labels(plan: Plan, name: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": slug(name), "app.kubernetes.io/part-of": slug(plan.name)}


def pod_selector(plan: Plan) -> tuple[str, str]:
    """(label selector, namespace) that finds every pod these manifests create (the Logs screen's
    kubectl source uses it, so the two cannot drift apart)."""
    key = "app.kubernetes.io/part-of"
    return f"{key}={_labels(plan, '')[key]}", slug(plan.name)


def _meta(plan: Plan, name: str, **extra: Any) -> dict[str, Any]:
    return {"name": slug(name), "labels": _labels(plan, name), **extra}


def _image(plan: Plan, name: str) -> str:
    img = images(plan)[name]
    if img.prebuilt:
        return img.prebuilt
    return f"{plan.region}-docker.pkg.dev/{_project(plan)}/{slug(plan.name)}/{img.name}:latest"


def _resources(svc: Service) -> dict[str, Any]:
    # Requests equal limits: Autopilot enforces it, and it keeps Standard pods Guaranteed.
    amount = {"cpu": cpu_text(svc.cpu), "memory": memory_text(svc)}
    return {"requests": dict(amount), "limits": dict(amount)}


def _sql_proxy(plan: Plan) -> dict[str, Any]:
    args = ["--structured-logs", "--port=5432"]
    if plan.postgres and plan.postgres.private_ip:
        args.append("--private-ip")
    args.append(f"{_project(plan)}:{plan.region}:{slug(plan.name)}-db")
    return {
        "name": "cloud-sql-proxy", "image": SQL_PROXY_IMAGE, "restartPolicy": "Always", "args": args,
        "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False},
        "resources": {"requests": {"cpu": f"{round(PROXY_CPU * 1000)}m", "memory": f"{PROXY_MEM_MIB}Mi"},
                      "limits": {"cpu": f"{round(PROXY_CPU * 1000)}m", "memory": f"{PROXY_MEM_MIB}Mi"}},
    }


def _container(plan: Plan, name: str, svc: Service) -> dict[str, Any]:
    c: dict[str, Any] = {"name": slug(name), "image": _image(plan, name)}
    if args_of(svc):
        c["args"] = args_of(svc)
    if svc.port and svc.role != "job":
        c["ports"] = [{"name": "http", "containerPort": svc.port}]
    if svc.env:
        c["envFrom"] = [{"configMapRef": {"name": f"{slug(name)}-env"}}]
    if svc.secrets:
        c["env"] = [{"name": s, "valueFrom": {"secretKeyRef": {"name": f"{slug(plan.name)}-secrets", "key": s}}}
                    for s in svc.secrets]
    c["resources"] = _resources(svc)
    if svc.port and svc.role in ("web", "websocket"):
        probe = {"httpGet": {"path": svc.health_path, "port": "http"}}
        c["startupProbe"] = {**probe, "periodSeconds": 5, "failureThreshold": 36}
        c["readinessProbe"] = {**probe, "periodSeconds": 10, "failureThreshold": 3}
        c["livenessProbe"] = {"tcpSocket": {"port": "http"}, "periodSeconds": 20, "failureThreshold": 3}
    return c


def _pod(plan: Plan, name: str, svc: Service, restart: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"serviceAccountName": slug(name)}
    if uses_postgres(plan, svc):
        spec["initContainers"] = [_sql_proxy(plan)]
    spec["containers"] = [_container(plan, name, svc)]
    if restart:
        spec["restartPolicy"] = restart
    spec["terminationGracePeriodSeconds"] = 60 if svc.role == "websocket" else 30
    return {"metadata": {"labels": _labels(plan, name)}, "spec": spec}


def _service_account(plan: Plan, name: str) -> dict[str, Any]:
    gsa = f"{account_id(name)}@{_project(plan)}.iam.gserviceaccount.com"
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": _meta(plan, name, annotations={"iam.gke.io/gcp-service-account": gsa})}


def manifests(plan: Plan, name: str, svc: Service) -> list[dict[str, Any]]:
    docs = [_service_account(plan, name)]
    if svc.env:
        docs.append({"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": _meta(plan, name) | {"name": f"{slug(name)}-env"},
                     "data": dict(sorted(svc.env.items()))})
    if svc.role == "job":
        job_spec = {"backoffLimit": 1, "activeDeadlineSeconds": svc.timeout,
                    "template": _pod(plan, name, svc, restart="Never")}
        if svc.schedule:
            docs.append({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": _meta(plan, name), "spec": {
                "schedule": svc.schedule, "timeZone": "Etc/UTC", "concurrencyPolicy": "Forbid",
                "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 3, "jobTemplate": {"spec": job_spec}}})
        else:
            docs.append({"apiVersion": "batch/v1", "kind": "Job", "metadata": _meta(plan, name),
                         "spec": {**job_spec, "ttlSecondsAfterFinished": 86400}})
        return docs
    low = max(1, svc.min_instances)
    high = max(low, svc.max_instances)
    docs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(plan, name), "spec": {
        "replicas": low, "selector": {"matchLabels": _labels(plan, name)},
        "template": _pod(plan, name, svc)}})
    if is_public(svc) and svc.port:
        timeout = max(svc.timeout, WEBSOCKET_TIMEOUT_S) if svc.role == "websocket" else svc.timeout
        docs.append({"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig", "metadata": _meta(plan, name),
                     "spec": {"timeoutSec": timeout, "connectionDraining": {"drainingTimeoutSec": 60},
                              "healthCheck": {"type": "HTTP", "requestPath": svc.health_path,
                                              "port": svc.port},
                              # Reconnecting sockets land on the pod that holds their state.
                              **({"sessionAffinity": {"affinityType": "GENERATED_COOKIE",
                                                      "affinityCookieTtlSec": timeout}}
                                 if svc.role == "websocket" else {})}})
        annotations = {"cloud.google.com/neg": '{"ingress": true}',
                       "cloud.google.com/backend-config": f'{{"default": "{slug(name)}"}}'}
        docs.append({"apiVersion": "v1", "kind": "Service", "metadata": _meta(plan, name, annotations=annotations),
                     "spec": {"type": "ClusterIP", "selector": _labels(plan, name),
                              "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}})
    if high > low:
        docs.append({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                     "metadata": _meta(plan, name), "spec": {
                         "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": slug(name)},
                         "minReplicas": low, "maxReplicas": high,
                         "metrics": [{"type": "Resource", "resource": {
                             "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]}})
    return docs


def _public(plan: Plan) -> list[str]:
    return [n for n, s in plan.services.items() if is_public(s) and s.port]


def ingress(plan: Plan) -> list[dict[str, Any]]:
    names = _public(plan)
    if not names:
        return []
    app = slug(plan.name)
    domain = plan.ingress.domain
    annotations = {"kubernetes.io/ingress.global-static-ip-name": f"{app}-ingress-ip"}
    docs: list[dict[str, Any]] = []
    backend = {n: {"service": {"name": slug(n), "port": {"number": 80}}} for n in names}
    spec: dict[str, Any] = {"defaultBackend": backend[names[0]]}
    if domain:
        annotations["networking.gke.io/managed-certificates"] = app
        annotations["networking.gke.io/v1beta1.FrontendConfig"] = app
        hosts = [(domain, names[0])] + [(f"{slug(n)}.{domain}", n) for n in names[1:]]
        docs += [
            {"apiVersion": "networking.gke.io/v1", "kind": "ManagedCertificate",
             "metadata": {"name": app}, "spec": {"domains": [h for h, _ in hosts]}},
            {"apiVersion": "networking.gke.io/v1beta1", "kind": "FrontendConfig",
             "metadata": {"name": app}, "spec": {"redirectToHttps": {"enabled": True}}},
        ]
        spec["rules"] = [{"host": h, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend[n]}]}}
                         for h, n in hosts]
    elif len(names) > 1:
        spec["rules"] = [{"http": {"paths": [
            {"path": f"/{slug(n)}", "pathType": "Prefix", "backend": backend[n]} for n in names[1:]]}}]
    docs.insert(0, {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                    "metadata": {"name": app, "annotations": annotations}, "spec": spec})
    return docs


def k8s_files(plan: Plan) -> dict[str, str]:
    app = slug(plan.name)
    out = {"k8s/namespace.yaml": yamlout.dump_all([{"apiVersion": "v1", "kind": "Namespace",
                                                    "metadata": {"name": app}}])}
    for name, svc in plan.services.items():
        out[f"k8s/{slug(name)}.yaml"] = yamlout.dump_all(manifests(plan, name, svc))
    if ingress(plan):
        out["k8s/ingress.yaml"] = yamlout.dump_all(ingress(plan))
    resources = [p.removeprefix("k8s/") for p in out]
    kustomization = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                     "namespace": app, "labels": [{"pairs": {"app.kubernetes.io/managed-by": "launchdeck"}}],
                     "resources": resources}
    out["k8s/kustomization.yaml"] = (
        f"# Apply with deploy.sh (fills the {app}-secrets Secret from Secret Manager first), or:\n"
        "#   kubectl apply -k k8s\n" + yamlout.dump(kustomization))
    return out


# --- Terraform -------------------------------------------------------------------------------

def _pool_size(plan: Plan) -> tuple[str, int, int]:
    """Machine type and total node counts (min, max) that fit the plan's pods."""
    pods: list[tuple[float, float, int, int]] = []  # cpu, mem GiB, min replicas, max replicas
    for svc in plan.services.values():
        extra = (PROXY_CPU, PROXY_MEM_MIB / 1024) if uses_postgres(plan, svc) else (0, 0)
        low = 1 if svc.role == "job" else max(1, svc.min_instances)
        high = 1 if svc.role == "job" else max(low, svc.max_instances)
        pods.append((svc.cpu + extra[0], svc.memory_gib + extra[1], low, high))
    biggest_cpu = max((p[0] for p in pods), default=0.5)
    biggest_mem = max((p[1] for p in pods), default=0.5)

    def alloc(vcpu: int, mem: int) -> tuple[float, float]:
        # Rough allocatable after kubelet/system reservations and DaemonSets.
        return vcpu * 0.92 - 0.35, mem * 0.8 - 1.0

    machine, vcpu, mem = MACHINES[-1]
    for m, c, g in MACHINES:
        ac, am = alloc(c, g)
        if ac >= biggest_cpu and am >= biggest_mem:
            machine, vcpu, mem = m, c, g
            break
    ac, am = alloc(vcpu, mem)

    def nodes(i: int) -> int:
        cpu = sum(p[0] * p[i] for p in pods)
        gib = sum(p[1] * p[i] for p in pods)
        return max(1, math.ceil(cpu / ac), math.ceil(gib / am))

    low = nodes(2)
    return machine, low, max(low, min(nodes(3), 50))


def cluster(plan: Plan) -> list[Block]:
    name = f"{slug(plan.name)}-gke"
    common: list = [("name", name), ("location", Raw("var.region")), ("network", Raw("var.network")),
                    block("ip_allocation_policy"), block("release_channel", body=[("channel", "REGULAR")])]
    if plan.target == "gke-autopilot":
        return [block("resource", "google_container_cluster", "main", body=[
            *common, ("enable_autopilot", True), ("depends_on", [tf_gcp.api_ref("container")])],
            comment="Autopilot: Google manages nodes; you pay for pod requests.")]
    machine, low, high = _pool_size(plan)
    return [
        block("resource", "google_container_cluster", "main", body=[
            *common, ("remove_default_node_pool", True), ("initial_node_count", 1),
            block("workload_identity_config", body=[("workload_pool", Raw('"${var.project_id}.svc.id.goog"'))]),
            ("depends_on", [tf_gcp.api_ref("container")])]),
        block("resource", "google_container_node_pool", "main", comment=(
            f"Sized from the plan: the largest pod fits one {machine}; {low} node(s) hold every service at\n"
            f"its minimum replicas, {high} at its maximum (totals across zones)."), body=[
            ("name", f"{slug(plan.name)}-pool"), ("cluster", Raw("google_container_cluster.main.id")),
            ("location", Raw("var.region")), ("initial_node_count", 1),
            block("autoscaling", body=[("total_min_node_count", low), ("total_max_node_count", high),
                                       ("location_policy", "BALANCED")]),
            block("management", body=[("auto_repair", True), ("auto_upgrade", True)]),
            block("node_config", body=[
                ("machine_type", machine), ("disk_size_gb", 50),
                ("oauth_scopes", ["https://www.googleapis.com/auth/cloud-platform"]),
                block("workload_metadata_config", body=[("mode", "GKE_METADATA")])]),
        ]),
    ]


def workload_identity(plan: Plan) -> list[Block]:
    ns = slug(plan.name)
    return [block("resource", "google_service_account_iam_member", f"{ident(n)}_workload_identity", body=[
        ("service_account_id", Raw(f"google_service_account.{ident(n)}.name")),
        ("role", "roles/iam.workloadIdentityUser"),
        ("member", Raw(f'"serviceAccount:${{var.project_id}}.svc.id.goog[{ns}/{slug(n)}]"')),
        ("depends_on", [Raw("google_container_cluster.main")])]) for n in plan.services]


def terraform_files(plan: Plan) -> dict[str, str]:
    ingress_ip = []
    if _public(plan):
        ingress_ip = [block("resource", "google_compute_global_address", "ingress", body=[
            ("name", f"{slug(plan.name)}-ingress-ip"), ("depends_on", [tf_gcp.api_ref("compute")])],
            comment="Static IP the Ingress uses (kubernetes.io/ingress.global-static-ip-name).")]
    extra_out = [block("output", "cluster_name", body=[("value", Raw("google_container_cluster.main.name"))])]
    if ingress_ip:
        extra_out.append(block("output", "ingress_ip", body=[
            ("value", Raw("google_compute_global_address.ingress.address"))]))
    return {
        "terraform/versions.tf": tf_gcp.versions(plan),
        "terraform/variables.tf": tf_gcp.variables(plan),
        "terraform/main.tf": hcl.render([
            *tf_gcp.apis(plan, ["container.googleapis.com", "compute.googleapis.com"]), tf_gcp.registry(plan),
            *tf_gcp.network_data(plan), *ingress_ip], tf_gcp.HEADER),
        "terraform/cluster.tf": hcl.render(cluster(plan), tf_gcp.HEADER),
        "terraform/iam.tf": hcl.render(tf_gcp.service_accounts(plan, list(plan.services)) + workload_identity(plan),
                                       tf_gcp.HEADER),
        "terraform/ci.tf": hcl.render(tf_gcp.ci(plan, gke=True), tf_gcp.HEADER),
        **tf_gcp.data_files(plan),
        "terraform/outputs.tf": hcl.render(tf_gcp.outputs(plan, extra_out), tf_gcp.HEADER),
    }


def files(plan: Plan) -> dict[str, str]:
    return {**terraform_files(plan), **k8s_files(plan)}
