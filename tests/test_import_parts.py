"""The compose field readers: ports, env, commands, resources, healthchecks, images."""

from __future__ import annotations

import pytest

from launchdeck.app.compose.fit import fit_resources
from launchdeck.app.compose.parts import (
    Port,
    as_build,
    as_command,
    compose_memory_mib,
    env_file_entries,
    health_check,
    image_name,
    image_tag,
    parse_environment,
    parse_expose,
    parse_port,
    resources,
    sniff,
)
from launchdeck.app.compose.roles import consumer, image_kind, migration, server, websocket_in_command


@pytest.mark.parametrize("entry,port", [
    (8000, Port(8000)),
    ("3000", Port(3000)),
    ("8080:80", Port(80, 8080)),
    ("127.0.0.1:8000:8000", Port(8000, 8000)),
    ("127.0.0.1::5000", Port(5000)),
    ("3000-3005:3000-3005", Port(3000, 3000)),
    ("53:53/udp", Port(53, 53, "udp")),
    ("[::1]:9000:9001", Port(9001, 9000)),
    ("${WEB_PORT:-8080}:80", Port(80, 8080)),
    ({"target": 80, "published": "8080", "protocol": "tcp", "mode": "host"}, Port(80, 8080)),
    ({"target": 5000, "host_ip": "127.0.0.1"}, Port(5000)),
    ({"published": 80}, None),
])
def test_ports(entry: object, port: Port | None) -> None:
    assert parse_port(entry) == port


def test_expose_and_environment() -> None:
    assert parse_expose(["3000", 9000, "8000-8010", "53/udp"]) == [3000, 9000, 8000, 53]
    assert parse_environment(["A=1", "B", "C=x=y", "D="]) == {"A": "1", "B": None, "C": "x=y", "D": ""}
    assert parse_environment({"A": 1, "B": None, "C": True}) == {"A": "1", "B": None, "C": "true"}
    assert env_file_entries(".env") == [(".env", True)]
    assert env_file_entries([{"path": "a.env", "required": False}, "b.env"]) == [("a.env", False), ("b.env", True)]


def test_commands_builds_and_interpolation() -> None:
    assert as_command("celery -A app worker -l info") == ["celery", "-A", "app", "worker", "-l", "info"]
    assert as_command(["node", "dist/worker.js"]) == ["node", "dist/worker.js"]
    assert as_command('sh -c "unbalanced') == 'sh -c "unbalanced'
    assert as_command(None) is None and as_command([]) is None
    assert as_build("./api") == "./api"
    assert as_build({"context": "./api", "dockerfile": "Dockerfile", "args": {"TOKEN": "x"}}) == "./api"
    assert as_build({"context": ".", "dockerfile": "web.Dockerfile", "target": "prod"}) == \
        {"context": ".", "dockerfile": "web.Dockerfile", "target": "prod"}
    assert sniff("${A:-one} ${B-two} ${C} $D ${E?required} $$HOME") == "one two    $HOME"


def test_resources() -> None:
    assert compose_memory_mib("4G") == 4096 and compose_memory_mib("512m") == 512
    assert compose_memory_mib("1gb") == 1024 and compose_memory_mib(1073741824) == 1024
    assert compose_memory_mib("lots") is None
    svc = {"deploy": {"resources": {"limits": {"cpus": "0.50"}, "reservations": {"memory": "256M"}}}}
    assert resources(svc) == (0.5, 256)
    assert resources({"cpus": 2, "mem_limit": "1g"}) == (2, 1024)
    assert resources({}) == (None, None)
    assert fit_resources(0.5, 256)[:2] == (1, "256Mi")
    assert fit_resources(1, 6 * 1024)[:2] == (2, "6Gi")
    assert fit_resources(3, None)[:2] == (4, "2Gi")
    assert fit_resources(16, 64 * 1024)[:2] == (8, "32Gi")
    assert fit_resources(2, 2048) == (2, "2Gi", None)


def test_health_checks() -> None:
    assert health_check({"test": ["CMD", "curl", "-f", "http://localhost:8000/healthz"]}) == (8000, "/healthz")
    assert health_check({"test": "wget -qO- http://127.0.0.1:5000/api/health || exit 1"}) == (5000, "/api/health")
    assert health_check({"test": "curl -s --noproxy localhost localhost:3000/health | grep OK"}) == (3000, "/health")
    assert health_check({"test": ["CMD", "pg_isready"]}) == (None, None)
    assert health_check({"test": "curl http://localhost/"}) == (None, "/")
    assert health_check({"disable": True}) == (None, None)


def test_images() -> None:
    assert image_name("docker.io/bitnami/postgresql:16") == "bitnami/postgresql"
    assert image_name("ghcr.io/org/app@sha256:abc") == "org/app"
    assert image_name("localhost:5000/app:1") == "app"
    assert image_tag("postgres:16-alpine") == "16-alpine"
    kinds = {name: (image_kind(name) or ("app",))[0] for name in (
        "postgres", "postgis/postgis", "timescale/timescaledb-ha", "pgvector/pgvector", "redis",
        "valkey/valkey", "eqalpha/keydb", "rediscommander/redis-commander", "minio/minio", "minio/mc", "mysql",
        "mariadb", "mongo", "rabbitmq", "confluentinc/cp-kafka", "elasticsearch/elasticsearch",
        "opensearchproject/opensearch", "memcached", "clickhouse/clickhouse-server", "adminer", "dpage/pgadmin4",
        "mailhog/mailhog", "axllent/mailpit", "portainer/portainer-ce", "traefik", "nginx", "caddy",
        "jaegertracing/all-in-one", "grafana/grafana", "myorg/api")}
    assert kinds == {
        "postgres": "postgres", "postgis/postgis": "postgres", "timescale/timescaledb-ha": "postgres",
        "pgvector/pgvector": "postgres", "redis": "redis", "valkey/valkey": "redis", "eqalpha/keydb": "redis",
        "rediscommander/redis-commander": "devtool", "minio/minio": "minio", "minio/mc": "minio-client",
        "mysql": "datastore", "mariadb": "datastore", "mongo": "datastore", "rabbitmq": "datastore",
        "confluentinc/cp-kafka": "datastore", "elasticsearch/elasticsearch": "datastore",
        "opensearchproject/opensearch": "datastore", "memcached": "datastore",
        "clickhouse/clickhouse-server": "datastore", "adminer": "devtool", "dpage/pgadmin4": "devtool",
        "mailhog/mailhog": "devtool", "axllent/mailpit": "devtool", "portainer/portainer-ce": "devtool",
        "traefik": "proxy", "nginx": "proxy", "caddy": "proxy", "jaegertracing/all-in-one": "observability",
        "grafana/grafana": "observability", "myorg/api": "app",
    }


@pytest.mark.parametrize("cmd,label", [
    ("alembic upgrade head", "alembic upgrade"),
    ("python manage.py migrate --noinput", "manage.py migrate"),
    ("npx prisma migrate deploy", "prisma migrate"),
    ("bundle exec rake db:migrate", "rake db:migrate"),
    ("bin/rails db:prepare", "rake db:migrate"),
    ("flyway -url=jdbc:postgresql://db/app migrate", "flyway/liquibase migrate"),
    ("php artisan migrate --force", "artisan migrate"),
    ("uvicorn app:app", None),
])
def test_migration_commands(cmd: str, label: str | None) -> None:
    assert migration(cmd) == label


@pytest.mark.parametrize("cmd,label", [
    ("celery -a proj worker -l info", "celery worker"),
    ("celery --app=proj beat", "celery beat scheduler"),
    ("/start-celeryworker", "celery worker"),
    ("rq worker high default", "rq worker"),
    ("python manage.py rqworker", "rq worker"),
    ("dramatiq app.tasks", "dramatiq worker"),
    ("bundle exec sidekiq -c 5", "sidekiq"),
    ("arq app.worker.workersettings", "arq worker"),
    ("huey_consumer.py main.huey", "huey consumer"),
    ("node dist/worker.js", "worker"),
    ("npm run worker", "worker"),
    ("php artisan queue:work", "laravel queue worker"),
    ("gunicorn --workers 4 app:app", None),
    ("uvicorn main:app --port 8000", None),
])
def test_consumer_commands(cmd: str, label: str | None) -> None:
    assert consumer(cmd) == label


def test_servers_and_websockets() -> None:
    assert server("gunicorn -b 0.0.0.0:8000 app:app") == ("gunicorn", 8000)
    assert server("bundle exec rails s -p 3000") == ("rails server", 3000)
    assert server("celery -a x worker") is None
    assert websocket_in_command("uvicorn app:app --ws websockets") == "websockets (--ws)"
    assert websocket_in_command("gunicorn -k geventwebsocket.gunicorn.workers.geventwebsocketworker app:app")
    assert websocket_in_command("node socket.io-server.js") == "socket.io"
    assert websocket_in_command("gunicorn app:app") is None


def test_more_images() -> None:
    got = {n: (image_kind(n) or ("app",))[0] for n in (
        "edoburu/pgbouncer", "bitnami/redis-sentinel", "oliver006/redis_exporter",
        "prodrigestivill/postgres-backup-local", "postgrest/postgrest", "supabase/postgres-meta",
        "langfuse/langfuse-worker", "redis/redis-stack", "tianon/exim4", "temporalio/auto-setup")}
    assert got == {
        "edoburu/pgbouncer": "datastore", "bitnami/redis-sentinel": "datastore",
        "oliver006/redis_exporter": "observability", "prodrigestivill/postgres-backup-local": "helper",
        "postgrest/postgrest": "app", "supabase/postgres-meta": "app", "langfuse/langfuse-worker": "app",
        "redis/redis-stack": "redis", "tianon/exim4": "datastore", "temporalio/auto-setup": "datastore",
    }
