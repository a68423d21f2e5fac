"""Compose import on realistic shapes: the role table for every service, checked against what a person expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchdeck.app.compose import import_compose
from launchdeck.app.planfile import load_plan, plan_from_doc, render_plan

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "compose"

EXPECTED: dict[str, dict[str, str]] = {
    "django_celery.yml": {
        "django": "web", "postgres": "postgres", "mailpit": "skipped", "redis": "redis",
        "celeryworker": "worker", "celerybeat": "worker", "flower": "skipped", "docs": "skipped",
    },
    "rails_sidekiq.yml": {
        "rails": "web", "sidekiq": "worker", "release": "job", "js": "skipped", "anycable": "websocket",
        "anycable-rpc": "web", "postgres": "postgres", "redis": "redis", "mailcatcher": "skipped",
    },
    "node_bull.yml": {
        "web": "web", "api": "web", "worker": "worker", "migrate": "job", "postgres": "postgres",
        "redis": "redis", "minio": "buckets", "createbuckets": "skipped", "bull-board": "skipped",
    },
    "mastodon_like.yml": {
        "db": "postgres", "redis": "redis", "es": "unmapped", "web": "web", "streaming": "websocket",
        "sidekiq": "worker",
    },
    "fastapi_arq.yml": {
        "db": "postgres", "queue": "redis", "adminer": "skipped", "prestart": "job", "backend": "web",
        "arq-worker": "worker", "frontend": "web", "proxy": "skipped",
    },
    "envfile_profiles.yml": {
        "api": "web", "tasks": "worker", "emails": "worker", "seed": "job", "notifier": "websocket",
        "game-server": "web", "pg": "postgres", "cache": "redis", "pgadmin": "skipped", "jaeger": "skipped",
    },
    "polyglot_datastores.yml": {
        "app": "web", "queue": "worker", "scheduler": "worker", "nginx": "skipped", "catalog": "web",
        "mysql": "unmapped", "rabbitmq": "unmapped", "mongo": "unmapped", "elasticsearch": "unmapped",
        "kibana": "skipped", "zookeeper": "unmapped", "kafka": "unmapped", "memcached": "unmapped",
        "clickhouse": "unmapped", "phpmyadmin": "skipped",
    },
    "sentry_like.yml": {
        "smtp": "unmapped", "memcached": "unmapped", "redis": "redis", "postgres": "postgres",
        "kafka": "unmapped", "clickhouse": "unmapped", "snuba-api": "web", "snuba-errors-consumer": "worker",
        "snuba-replacer": "worker", "web": "web", "cron": "worker", "worker": "worker",
        "events-consumer": "worker", "post-process-forwarder-errors": "worker", "sentry-cleanup": "worker",
        "nginx": "skipped", "relay": "web",
    },
    "airflow_like.yml": {
        "postgres": "postgres", "redis": "redis", "airflow-webserver": "web", "airflow-scheduler": "worker",
        "airflow-worker": "worker", "airflow-triggerer": "worker", "airflow-init": "job", "airflow-cli": "skipped",
        "flower": "skipped",
    },
    "supabase_like.yml": {
        "studio": "web", "kong": "skipped", "auth": "web", "rest": "web", "realtime": "websocket",
        "storage": "web", "imgproxy": "web", "meta": "web", "functions": "web", "analytics": "web",
        "db": "postgres", "vector": "skipped",
    },
    "langfuse_like.yml": {
        "langfuse-worker": "worker", "langfuse-web": "web", "clickhouse": "unmapped", "minio": "buckets",
        "redis": "redis", "postgres": "postgres",
    },
    "../../../assets/example/docker-compose.yml": {
        "frontend": "web", "backend": "web", "realtime": "websocket", "worker": "worker", "migrate": "job",
        "db": "postgres", "redis": "redis", "minio": "buckets", "adminer": "skipped",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_role_table(name: str) -> None:
    result = import_compose(DATA / name)
    got = {r.service: r.role for r in result.rows}
    assert list(got) == list(EXPECTED[name]), "every compose service gets exactly one row, in file order"
    wrong = {s: (got[s], want) for s, want in EXPECTED[name].items() if got[s] != want}
    assert not wrong, wrong
    for row in result.rows:
        assert row.why, row
    # each app row is in the plan with the same role; each skipped/unmapped one is listed with a note
    for row in result.rows:
        if row.role in ("web", "websocket", "worker", "job"):
            assert result.plan.services[row.plan_name or row.service].role == row.role
            assert result.plan.services[row.plan_name or row.service].why == row.why
        elif row.role in ("skipped", "unmapped") and not row.why.startswith("MinIO client"):
            assert result.plan.unmapped[row.service].note == row.why


def test_overall_accuracy_bar() -> None:
    total = right = 0
    for name, table in EXPECTED.items():
        got = {r.service: r.role for r in import_compose(DATA / name).rows}
        total += len(table)
        right += sum(got.get(s) == role for s, role in table.items())
    assert total >= 90 and right / total >= 0.9


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_imported_plan_saves_and_reloads(name: str, tmp_path: Path) -> None:
    plan = import_compose(DATA / name).plan
    path = tmp_path / "launchdeck.yaml"
    path.write_text(render_plan(plan))
    assert load_plan(path).plan == plan


def test_example_compose_yields_example_plan() -> None:
    imported = import_compose(ROOT / "assets" / "example" / "docker-compose.yml").plan
    assert imported == load_plan(ROOT / "assets" / "example" / "launchdeck.yaml").plan


def test_details_of_the_example() -> None:
    plan = import_compose(ROOT / "assets" / "example" / "docker-compose.yml").plan
    backend, worker, realtime = plan.services["backend"], plan.services["worker"], plan.services["realtime"]
    assert backend.command == ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
    assert backend.build == "./backend" and backend.port == 8000
    assert backend.depends_on == ["postgres", "redis"]
    assert set(backend.secrets) == {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "AWS_SECRET_ACCESS_KEY"}
    assert backend.env == {"S3_ENDPOINT": "http://minio:9000", "S3_BUCKET": "uploads", "LOG_LEVEL": "info"}
    # deploy.resources.limits (cpus "4") and x-launchdeck together
    assert (worker.cpu, worker.memory, worker.billing, worker.min_instances) == (4, "4Gi", "instance", 1)
    assert realtime.timeout == 3600 and "websockets" in (realtime.why or "")
    assert list(plan.buckets) == ["uploads", "stems", "exports"]
    assert plan.postgres is not None and plan.postgres.version == "POSTGRES_16" and plan.postgres.private_ip
    assert plan.ingress.load_balancer and plan.network.vpc == "connector"
    assert plan.unmapped["adminer"].image == "adminer"


def test_specific_mappings() -> None:
    bull = import_compose(DATA / "node_bull.yml").plan
    assert bull.name == "ticketing"
    assert list(bull.buckets) == ["ticket-attachments", "exports"]  # from `mc mb` and *_BUCKET
    assert bull.services["api"].health_path == "/healthz" and bull.services["api"].port == 4000
    assert bull.services["api"].buckets == ["ticket-attachments", "exports"]  # reaches minio
    assert bull.services["worker"].buckets == ["ticket-attachments"]  # names the bucket
    assert bull.services["web"].port == 3000  # long port syntax
    assert bull.services["migrate"].command == ["npx", "prisma", "migrate", "deploy"]  # entrypoint + command
    assert bull.services["worker"].cpu == 1 and bull.services["worker"].memory == "768Mi"
    assert bull.postgres is not None and bull.postgres.database == "ticketing"

    shop = import_compose(DATA / "envfile_profiles.yml").plan
    assert shop.name == "bazaar-shop"  # top-level `name`, made a valid plan name
    api = shop.services["api"]
    assert (api.port, api.health_path, api.cpu, api.memory) == (5000, "/healthz", 2, "3Gi")
    assert "${API_PORT:-5000}" in " ".join(api.command or [])  # interpolation kept literally
    assert shop.services["notifier"].env == {"WS_PORT": "7000", "CACHE_URL": "redis://cache:6379/2"}
    assert shop.services["game-server"].image == "ghcr.io/bazaar/lobby:${LOBBY_TAG:-1.4}"
    assert shop.services["game-server"].port == 27015
    assert shop.services["tasks"].depends_on == ["postgres", "redis"]  # from URLs in env

    fastapi = import_compose(DATA / "fastapi_arq.yml").plan
    assert fastapi.services["backend"].port == 8000  # traefik loadbalancer label
    assert fastapi.services["frontend"].port == 80
    assert fastapi.services["backend"].health_path == "/api/v1/utils/health-check/"
    assert fastapi.services["backend"].depends_on == ["postgres", "prestart", "redis"]  # ARQ_REDIS_URL
    assert fastapi.services["arq-worker"].depends_on == ["postgres", "redis"]

    django = import_compose(DATA / "django_celery.yml")
    beat = django.plan.services["celerybeat"]
    assert beat.max_instances == 1 and beat.min_instances == 1  # one scheduler only
    assert django.plan.services["django"].depends_on == ["postgres", "redis"]

    mastodon = import_compose(DATA / "mastodon_like.yml")
    assert mastodon.plan.services["streaming"].health_path == "/api/v1/streaming/health"
    assert any(".env.production not found" in n for n in mastodon.notes)

    sentry = import_compose(DATA / "sentry_like.yml").plan
    assert sentry.services["snuba-api"].port == 1218
    assert sentry.services["worker"].env["SENTRY_EVENT_RETENTION_DAYS"] == "${SENTRY_EVENT_RETENTION_DAYS}"


def test_x_launchdeck_overrides_any_guess() -> None:
    doc = {
        "x-launchdeck": {"region": "europe-west1", "target": "cloud-run-jobs", "redis": {"size_gb": 5}},
        "services": {
            "flower": {"image": "mher/flower", "ports": ["5555:5555"], "x-launchdeck": {"role": "web"}},
            "api": {"build": ".", "ports": ["8000:8000"],
                    "x-launchdeck": {"role": "websocket", "cpu": 2, "memory": "4Gi", "env": {"API_TOKEN": "t0k"}}},
            "cache": {"image": "redis:7", "x-launchdeck": {"tier": "standard"}},
        },
    }
    from launchdeck.app.compose import import_doc

    result = import_doc(doc, "c.yml", DATA)
    plan = result.plan
    assert plan.region == "europe-west1" and plan.target == "cloud-run-jobs"
    assert plan.redis is not None and (plan.redis.size_gb, plan.redis.tier) == (5, "standard")
    assert plan.services["flower"].role == "web"  # a dev tool, brought in by x-launchdeck
    api = plan.services["api"]
    assert (api.role, api.cpu, api.memory) == ("websocket", 2, "4Gi")
    assert "API_TOKEN" in api.secrets and "API_TOKEN" not in api.env  # secrets policy still holds
    assert "x-launchdeck sets role websocket" in (api.why or "")
    assert "t0k" not in render_plan(plan)


def test_compose_service_names_become_valid_plan_names() -> None:
    doc = {"services": {"Celery_Worker": {"build": ".", "command": "celery -A x worker",
                                          "depends_on": ["web_app"]},
                        "web_app": {"build": ".", "ports": ["80:80"]}}}
    from launchdeck.app.compose import import_doc

    result = import_doc(doc, "c.yml", DATA)
    assert set(result.plan.services) == {"celery-worker", "web-app"}
    assert result.plan.services["celery-worker"].depends_on == ["web-app"]
    assert {r.service: r.plan_name for r in result.rows} == {"Celery_Worker": "celery-worker",
                                                             "web_app": "web-app"}
    plan_from_doc(result.plan.model_dump(mode="json"), "again.yaml")  # valid as a plan file too


def test_test_stacks_are_valid_compose() -> None:
    """The shapes above are real compose: each validates against the compose-spec JSON schema."""
    import json

    import jsonschema
    from ruamel.yaml import YAML

    schema = json.loads((ROOT / "assets" / "schemas" / "compose-spec.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    for name in EXPECTED:
        doc = YAML(typ="safe").load((DATA / name).read_text())
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]
        assert errors == [], (name, errors)
    broken = {"services": {"api": {"build": ".", "ports": "8000:8000"}}}
    assert list(validator.iter_errors(broken))  # the check can fail


def test_compose_secrets_become_secret_names() -> None:
    from launchdeck.app.compose import import_doc

    doc = {"services": {"api": {"image": "org/api", "ports": ["8080"],
                                "secrets": ["db_password", {"source": "stripe-key", "target": "stripe.key"}]}},
           "secrets": {"db_password": {"file": "./pw.txt"}, "stripe-key": {"environment": "STRIPE_KEY"}}}
    result = import_doc(doc, "c.yml", DATA)
    assert result.plan.services["api"].secrets == ["DB_PASSWORD", "STRIPE_KEY"]
    assert any("/run/secrets" in n for n in result.notes)


def test_looks_like_compose() -> None:
    from launchdeck.app.compose import looks_like_compose
    from launchdeck.app.planfile import parse_yaml

    assert looks_like_compose(parse_yaml((ROOT / "assets" / "example" / "docker-compose.yml").read_text(), "c"))
    assert not looks_like_compose(parse_yaml((ROOT / "assets" / "example" / "launchdeck.yaml").read_text(), "p"))
    assert not looks_like_compose({"services": {}}) and not looks_like_compose(["x"])


def test_gpu_reservation_gets_a_note() -> None:
    from launchdeck.app.compose import import_doc

    gpu = {"reservations": {"devices": [{"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]}}
    doc = {"services": {"ml": {"build": "./ml", "ports": ["5001:5001"], "deploy": {"resources": gpu}},
                        "api": {"build": ".", "ports": ["80:80"]}}}
    notes = import_doc(doc, "c.yml", DATA).notes
    assert [n for n in notes if "GPU" in n] == [notes[0]] and notes[0].startswith("ml: reserves a GPU")


def test_extends_in_the_same_file_and_another() -> None:
    result = import_compose(DATA / "extends" / "docker-compose.yml")
    roles = {r.service: r.role for r in result.rows}
    assert roles == {"app-base": "skipped", "web": "web", "worker": "worker", "api": "web", "legacy": "worker"}
    plan = result.plan
    assert plan.services["worker"].build == "." and plan.services["worker"].env == {"SETTINGS": "shop.settings.prod"}
    api = plan.services["api"]
    assert (api.image, api.port, api.host_port, api.health_path) == (
        "registry.example.com/shop/app:2.4", 8000, 9000, "/healthz")
    assert api.secrets == ["DJANGO_SECRET_KEY"] and "canary" not in render_plan(plan)
    assert any("extends 'missing-base'" in n for n in result.notes)


def test_dockerfiles_fill_in_what_compose_leaves_out() -> None:
    from launchdeck.app.compose.parts import dockerfile_facts

    base = DATA / "dockerfiles"
    assert dockerfile_facts(base, {"context": "./api", "target": "runtime"}) == ([3000], "node dist/server.js")
    assert dockerfile_facts(base, "./api") == ([9229], "node --inspect=0.0.0.0:9229 dist/server.js")
    assert dockerfile_facts(base, "./jobs") == ([], "celery -A app.tasks worker --loglevel=info")
    assert dockerfile_facts(base, "./nowhere") == ([], "")
    result = import_compose(base / "docker-compose.yml")
    assert {r.service: (r.role, r.why) for r in result.rows} == {
        "api": ("web", "its Dockerfile exposes port 3000"),
        "jobs": ("worker", "celery worker command, no port → a worker pool on Cloud Run"),
        "shell": ("skipped", "dev tool (interactive shell or test runner), skipped"),
        "tests": ("skipped", "dev tool (interactive shell or test runner), skipped"),
    }
    assert result.plan.services["api"].port == 3000
    assert result.plan.services["jobs"].command is None  # the Dockerfile is read, never copied


def test_a_plan_with_a_typo_is_not_taken_for_compose(tmp_path: Path) -> None:
    """Services with only `image:`/`port:` (keys both formats share, or the plan's own) plus a typo: the
    plan's real error is shown, not a suggestion to import it."""
    from launchdeck.app.compose import looks_like_compose
    from launchdeck.app.planfile import PlanFileError, load_plan

    plan = tmp_path / "launchdeck.yaml"
    plan.write_text("name: shop\nservices:\n  web:\n    image: nginx:1.27\n    port: 80\n"
                    "  api:\n    image: org/api:1\n    prot: 8000\n")
    with pytest.raises(PlanFileError) as exc:
        load_plan(plan)
    assert "prot" in str(exc.value) and "did you mean 'port'" in str(exc.value)
    assert "docker-compose" not in str(exc.value)
    # Only keys both formats share, with a typo: still a plan.
    assert not looks_like_compose({"services": {"api": {"image": "org/api", "comand": "x"}}})
    # Evidence of compose: a key only compose has, or a top-level `volumes:`.
    assert looks_like_compose({"services": {"api": {"image": "org/api", "ports": ["80:80"]}}})
    assert looks_like_compose({"services": {"db": {"image": "postgres"}}, "volumes": {"data": {}}})
    assert not looks_like_compose({"region": "us-central1", "services": {"api": {"image": "a", "ports": [1]}}})


@pytest.mark.parametrize(("image", "kind"), [
    ("pgautoupgrade/pgautoupgrade:16-alpine", "postgres"), ("postgis/postgis:16-3.4", "postgres"),
    ("timescale/timescaledb-ha:pg16", "postgres"), ("supabase/postgres:15.1.0.147", "postgres"),
    ("bitnami/postgresql:16", "postgres"), ("pgvector/pgvector:pg16", "postgres"), ("citusdata/citus:12", "postgres"),
    ("ghcr.io/immich-app/postgres:14-vectorchord0.3.0", "postgres"),
    ("valkey/valkey:8-alpine", "redis"), ("eqalpha/keydb", "redis"), ("docker.dragonflydb.io/dragonflydb/dragonfly",
                                                                      "redis"),
    ("bitnami/redis:7.2", "redis"), ("redis/redis-stack-server", "redis"), ("ghcr.io/microsoft/garnet", "redis"),
    ("postgrest/postgrest", None), ("supabase/postgres-meta:v0.8", None), ("rediscommander/redis-commander", "devtool"),
])
def test_compatible_datastores_by_what_they_are(image: str, kind: str | None) -> None:
    from launchdeck.app.compose.parts import image_name
    from launchdeck.app.compose.roles import image_kind

    found = image_kind(image_name(image))
    assert (found[0] if found else None) == kind


def test_a_gateway_that_is_the_product_is_imported_as_web(tmp_path: Path) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("""\
services:
  kong-database:
    image: postgres:13
    environment: {POSTGRES_DB: kong, POSTGRES_PASSWORD: kongpass}
  kong-migrations:
    image: kong:3.6
    command: kong migrations bootstrap
    depends_on: [kong-database]
  kong:
    image: kong:3.6
    environment: {KONG_DATABASE: postgres, KONG_PG_HOST: kong-database, KONG_PG_PASSWORD: kongpass}
    ports: ["8000:8000", "8001:8001"]
""")
    result = import_compose(compose)
    roles = {r.service: r.role for r in result.rows}
    assert roles == {"kong-database": "postgres", "kong-migrations": "job", "kong": "web"}
    kong = result.plan.services["kong"]
    assert kong.port == 8000 and "main service is this gateway" in (kong.why or "")
    assert kong.secrets == ["KONG_PG_PASSWORD"] and kong.env["KONG_DATABASE"] == "postgres"
    # A proxy in front of the stack's own services is still skipped.
    compose.write_text("services:\n  caddy: {image: 'caddy:2', ports: ['80:80'], depends_on: [app]}\n"
                       "  app: {build: ., expose: ['8000']}\n")
    assert {r.service: r.role for r in import_compose(compose).rows} == {"caddy": "skipped", "app": "web"}
    # A static site served by Caddy alone is the app.
    compose.write_text("services:\n  site:\n    image: caddy:2\n    ports: ['80:80']\n"
                       "    volumes: ['./Caddyfile:/etc/caddy/Caddyfile', './public:/srv']\n")
    site = import_compose(compose).plan.services["site"]
    assert (site.role, site.port) == ("web", 80)


def test_queue_consumers_become_worker_pools(tmp_path: Path) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("""\
services:
  celery: {build: ., command: celery -A proj worker -l info}
  rq: {build: ., command: rq worker --url redis://redis:6379 default}
  dramatiq: {build: ., command: dramatiq app.tasks}
  arq: {build: ., command: arq app.worker.WorkerSettings}
  sidekiq: {build: ., command: bundle exec sidekiq -C config/sidekiq.yml}
  bullmq: {build: ., command: node dist/queues/bullmq-worker.js}
  faktory: {build: ., command: ./bin/faktory_worker}
  redis: {image: redis:7}
""")
    result = import_compose(compose)
    for row in result.rows:
        if row.service != "redis":
            assert row.role == "worker" and row.why.endswith("→ a worker pool on Cloud Run"), row


def _import_text(tmp_path: Path, text: str):
    path = tmp_path / "docker-compose.yml"
    path.write_text(text)
    return import_compose(path)


_FLASK_RQ = """
services:
  web:
    build: .
    ports: ["8000:5000"]
    environment:
      DATABASE_URL: {url}
      MAIL_SERVER: smtp.example.com
  db:
    image: postgres:16-alpine
    environment: {{POSTGRES_USER: blog, POSTGRES_DB: blog, POSTGRES_PASSWORD: "${{DB_PASSWORD}}"}}
"""


@pytest.mark.parametrize("url", ["postgresql://blog:${DB_PASSWORD}@db/blog", "postgres://blog:blog@db:5432/blog"])
def test_datastore_url_with_a_password_becomes_a_secret(tmp_path, url):
    # trigger: the URL carries the compose database's password (interpolated or written out): the
    # managed database replaces it, so it is a secret name, as in the example plan
    result = _import_text(tmp_path, _FLASK_RQ.format(url=url))
    web = result.plan.services["web"]
    assert "DATABASE_URL" in web.secrets and "DATABASE_URL" not in web.env
    assert web.env == {"MAIL_SERVER": "smtp.example.com"}
    assert "DATABASE_URL" not in " ".join(n for n in result.notes if "kept as written" in n)


def test_datastore_url_without_credentials_stays_plain(tmp_path):
    # trap: nothing secret in it; kept as written with a note (doctor checks the host)
    result = _import_text(tmp_path, _FLASK_RQ.format(url="postgresql://db/blog"))
    web = result.plan.services["web"]
    assert web.env["DATABASE_URL"] == "postgresql://db/blog" and "DATABASE_URL" not in web.secrets
