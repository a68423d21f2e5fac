"""The `compose` target: docker-compose.yml for TrueNAS SCALE (custom app) or any docker host.

amd64 images from a registry (TrueNAS cannot build), healthchecks, `depends_on` conditions,
restart policies, data under the pool path, and PostgreSQL/Redis/MinIO containers standing in
for Cloud SQL, Memorystore and Cloud Storage. Secret values come from `.env` by interpolation;
`.env.example` lists names only.
"""

from __future__ import annotations

import re
from typing import Any

from launchdeck.app.generators import yamlout
from launchdeck.app.generators.common import args_of, images, secret_names, slug
from launchdeck.app.plan import Plan, Service

POSTGRES_IMAGE = "postgres:{major}"
REDIS_IMAGE = "redis:{version}"
MINIO_IMAGE = "minio/minio:latest"
MC_IMAGE = "minio/mc:latest"
CHECK = {"interval": "15s", "timeout": "5s", "retries": 5, "start_period": "60s"}


def _esc(value: str) -> str:
    return value.replace("$", "$$")  # a literal `$` in the plan must not be interpolated


# The plan refers to a secret inside `command` as `$(NAME)` (the form Cloud Run and Kubernetes expand);
# compose interpolates `${NAME}` from .env instead, where the service's secrets come from too.
_PLAN_REF = re.compile(r"\$\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def _arg(value: str, names: set[str]) -> str:
    return _PLAN_REF.sub(lambda m: f"${{{m.group(1)}}}" if m.group(1) in names else m.group(0), _esc(value))


def _required(name: str) -> str:
    return f"${{{name}:?set {name} in .env}}"


def _data(plan: Plan, what: str) -> str:
    return f"${{POOL_PATH:-{plan.selfhost.pool_path.rstrip('/')}}}/{slug(plan.name)}/{what}"


def _http_check(port: int, path: str) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}{path}"
    probe = (f"curl -fsS -o /dev/null {url} || wget -q -O /dev/null {url} || "
             f"python3 -c 'import urllib.request; urllib.request.urlopen(\"{url}\")'")
    return {"test": ["CMD-SHELL", probe], **CHECK}


def _has_check(svc: Service) -> bool:
    return svc.role == "worker" or (svc.role in ("web", "websocket") and svc.port is not None)


# A worker serves nothing to probe: check that its main process is alive, so dependents can wait
# for `service_healthy` and `docker ps` shows its state.
WORKER_CHECK = {"test": ["CMD-SHELL", "kill -0 1"], "interval": "30s", "timeout": "5s", "retries": 3,
                "start_period": "30s"}


def _image(plan: Plan, name: str) -> str:
    img = images(plan)[name]
    if img.prebuilt:
        return img.prebuilt
    return f"${{REGISTRY:?set REGISTRY in .env}}/{slug(plan.name)}-{img.name}:${{IMAGE_TAG:-latest}}"


def _depends(plan: Plan, svc: Service) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for dep in svc.depends_on:
        if dep in ("postgres", "redis"):
            if getattr(plan, dep) is not None:
                out[dep] = {"condition": "service_healthy"}
            continue
        other = plan.services[dep]
        cond = ("service_healthy" if _has_check(other)
                else "service_completed_successfully" if other.role == "job" else "service_started")
        out[slug(dep)] = {"condition": cond}
    if svc.buckets:
        out["minio"] = {"condition": "service_healthy"}
        out["minio-buckets"] = {"condition": "service_completed_successfully"}
    return out


def _limits(svc: Service) -> dict[str, Any]:
    return {"resources": {"limits": {"cpus": f"{svc.cpu:g}", "memory": f"{round(svc.memory_mib)}M"}}}


def app_service(plan: Plan, name: str, svc: Service) -> dict[str, Any]:
    s: dict[str, Any] = {"image": _image(plan, name), "platform": "linux/amd64"}
    s["restart"] = "no" if svc.role == "job" else "unless-stopped"
    if svc.role == "job" and svc.schedule:
        s["profiles"] = ["scheduled"]  # run by a cron task, not on `up`
    if args_of(svc):
        s["command"] = [_arg(a, set(svc.secrets) | set(svc.env)) for a in args_of(svc)]
    if svc.port and svc.role in ("web", "websocket"):
        s["ports"] = [f"{svc.host_port or svc.port}:{svc.port}"]
    env = {k: _esc(v) for k, v in sorted(svc.env.items())}
    env.update({k: _required(k) for k in svc.secrets})
    if env:
        s["environment"] = env
    deps = _depends(plan, svc)
    if deps:
        s["depends_on"] = deps
    if svc.role == "worker":
        s["healthcheck"] = dict(WORKER_CHECK)
    elif _has_check(svc):
        s["healthcheck"] = _http_check(svc.port, svc.health_path)  # type: ignore[arg-type]
    s["deploy"] = _limits(svc)
    return s


def datastores(plan: Plan) -> dict[str, dict[str, Any]]:
    user = f"{plan.selfhost.uid}:{plan.selfhost.gid}"
    out: dict[str, dict[str, Any]] = {}
    if plan.postgres:
        pg = plan.postgres
        major = re.sub(r"\D", "", pg.version) or "16"
        out["postgres"] = {
            "image": POSTGRES_IMAGE.format(major=major), "platform": "linux/amd64", "restart": "unless-stopped",
            "user": user,
            "environment": {"POSTGRES_DB": pg.database, "POSTGRES_USER": pg.database,
                            "POSTGRES_PASSWORD": _required("POSTGRES_PASSWORD"),
                            "PGDATA": "/var/lib/postgresql/data/pgdata"},
            "volumes": [f"{_data(plan, 'postgres')}:/var/lib/postgresql/data"],
            "healthcheck": {"test": ["CMD-SHELL", f"pg_isready -U {pg.database} -d {pg.database}"], **CHECK},
        }
    if plan.redis:
        version = ".".join(re.findall(r"\d+", plan.redis.version)) or "7.2"
        out["redis"] = {
            "image": REDIS_IMAGE.format(version=version), "platform": "linux/amd64", "restart": "unless-stopped",
            "user": user, "command": ["redis-server", "--appendonly", "yes"],
            "volumes": [f"{_data(plan, 'redis')}:/data"],
            "healthcheck": {"test": ["CMD", "redis-cli", "ping"], **CHECK},
        }
    if plan.buckets:
        creds = {"MINIO_ROOT_USER": _required("MINIO_ROOT_USER"),
                 "MINIO_ROOT_PASSWORD": _required("MINIO_ROOT_PASSWORD")}
        out["minio"] = {
            "image": MINIO_IMAGE, "platform": "linux/amd64", "restart": "unless-stopped", "user": user,
            "command": ["server", "/data", "--console-address", ":9001"], "ports": ["9000:9000", "9001:9001"],
            "environment": dict(creds), "volumes": [f"{_data(plan, 'minio')}:/data"],
            "healthcheck": {"test": ["CMD", "mc", "ready", "local"], **CHECK},
        }
        script = ['mc alias set local http://minio:9000 "$$MINIO_ROOT_USER" "$$MINIO_ROOT_PASSWORD"']
        script += [f"mc mb --ignore-existing local/{slug(b)}" for b in plan.buckets]
        out["minio-buckets"] = {
            "image": MC_IMAGE, "platform": "linux/amd64", "restart": "no", "environment": dict(creds),
            "entrypoint": ["/bin/sh", "-c", " && ".join(script)],
            "depends_on": {"minio": {"condition": "service_healthy"}},
        }
    return out


def compose_doc(plan: Plan) -> dict[str, Any]:
    services = datastores(plan)
    for name, svc in plan.services.items():
        services[slug(name)] = app_service(plan, name, svc)
    return {"name": slug(plan.name), "services": services}


def env_example(plan: Plan) -> str:
    lines = ["# Names only. Copy to .env next to docker-compose.yml, fill in the values, never commit .env.",
             "# Registry the amd64 images were pushed to, e.g. ghcr.io/your-org", "REGISTRY=",
             "# Image tag to run (default: latest)", "IMAGE_TAG=",
             f"# Parent directory of the app's data (default: {plan.selfhost.pool_path})", "POOL_PATH="]
    if plan.postgres:
        lines += ["# Password for the bundled PostgreSQL (user and database: "
                  f"{plan.postgres.database})", "POSTGRES_PASSWORD="]
    if plan.buckets:
        lines += ["# Credentials for the bundled MinIO (S3-compatible storage)", "MINIO_ROOT_USER=",
                  "MINIO_ROOT_PASSWORD="]
    names = secret_names(plan)
    if names:
        lines += ["# Application secrets (the plan's `secrets`)"] + [f"{n}=" for n in names]
    return "\n".join(lines) + "\n"


def deploy_md(plan: Plan) -> str:
    app = slug(plan.name)
    pool = plan.selfhost.pool_path.rstrip("/")
    uid, gid = plan.selfhost.uid, plan.selfhost.gid
    dirs = [d for d, on in (("postgres", plan.postgres), ("redis", plan.redis), ("minio", plan.buckets)) if on]
    builds = [img for img in {i.name: i for i in images(plan).values() if i.name}.values()]
    out = [f"# Deploying {plan.name} on TrueNAS SCALE (or any docker host)", "",
           "Generated by launchdeck. The stack: " + ", ".join(slug(n) for n in plan.services)
           + (", " + ", ".join(dirs) if dirs else "") + ".", "",
           "## 1. Build and push amd64 images", "",
           "TrueNAS pulls images; it does not build them. From the app's source directory:", "", "```sh"]
    out += [f"docker buildx build --platform linux/amd64 --push -t \"$REGISTRY/{app}-{i.name}:latest\" {i.context}"
            for i in builds] or ["# every service uses a prebuilt image: nothing to build"]
    out += ["```", "", "`--platform linux/amd64` matters on Apple Silicon: an arm64 image fails on the NAS",
            "with `exec format error`.", "", "## 2. Datasets and ownership", "",
            f"Create a dataset (e.g. `{pool}/{app}`) and give the container user ({uid}:{gid}, the",
            "TrueNAS `apps` user) ownership of the data directories:", "", "```sh"]
    out += [f"mkdir -p {pool}/{app}/{d}" for d in dirs]
    out += [f"chown -R {uid}:{gid} {pool}/{app}", "```", "",
            "Set `POOL_PATH` in `.env` if your pool path differs.", "",
            "## 3. Secrets", "",
            "Copy `.env.example` to `.env` and fill in every value. `docker compose` refuses to start",
            "while one is missing (`${NAME:?...}`). Point the app at the bundled services: PostgreSQL at",
            "host `postgres` port 5432, Redis at host `redis` port 6379, MinIO at `http://minio:9000`.", "",
            "## 4. Install", "",
            "- TrueNAS SCALE 24.10 or later: Apps → Discover Apps → ⋮ → Install via YAML, paste",
            "  `docker-compose.yml`. The YAML editor has no `.env`: put the values into the pasted copy",
            "  only (never into the repository), or use a shell on the NAS:",
            f"  `cd {pool}/{app} && docker compose --env-file .env up -d`.",
            "- Any docker host: `docker compose --env-file .env up -d`.", ""]
    scheduled = [n for n, s in plan.services.items() if s.role == "job" and s.schedule]
    if scheduled:
        out += ["## 5. Scheduled jobs", "",
                "Compose has no scheduler; these jobs sit in the `scheduled` profile. Add a TrueNAS cron",
                "task (System → Advanced → Cron Jobs) per job:", ""]
        out += [f"- `{plan.services[n].schedule}`: `docker compose -p {app} run --rm {slug(n)}`" for n in scheduled]
        out.append("")
    return "\n".join(out)


def files(plan: Plan) -> dict[str, str]:
    header = (f"# Generated by launchdeck for {plan.name}: TrueNAS SCALE custom app or any docker host.\n"
              "# Secret values come from .env (see .env.example); none are written here.\n")
    return {"docker-compose.yml": header + yamlout.dump(compose_doc(plan)),
            ".env.example": env_example(plan), "DEPLOY.md": deploy_md(plan)}
