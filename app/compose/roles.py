"""What a compose service is: a managed datastore, a tool to skip, or an app service with a role.

Rules are ordered tables of (pattern, label); the first match wins and its label becomes part of
the `why` the importer prints, so every guess can be checked by reading it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- images --------------------------------------------------------------------------------------

# (image-name pattern, kind, note). Kinds: postgres, redis, minio, minio-client, datastore, devtool,
# observability, proxy. Dev tools come first so `redis-commander` is not taken for Redis.
_IMAGES: tuple[tuple[str, str, str], ...] = (
    (r"adminer", "devtool", "database admin UI"),
    (r"pgadmin", "devtool", "database admin UI"),
    (r"phpmyadmin", "devtool", "database admin UI"),
    (r"mongo-express", "devtool", "database admin UI"),
    (r"pgweb|sqlpad|cloudbeaver|dbgate", "devtool", "database admin UI"),
    (r"redis-?commander|redisinsight", "devtool", "Redis admin UI"),
    (r"mailhog|mailpit|maildev|mailcatcher|smtp4dev|greenmail", "devtool", "mail catcher for development"),
    (r"portainer|dozzle|watchtower|autoheal|docker-socket-proxy|ofelia", "devtool", "container admin tool"),
    (r"(^|/)flower$", "devtool", "Celery monitoring UI"),
    (r"bull-?board|bull-arena|(^|/)arena$", "devtool", "queue dashboard"),
    (r"kafka-ui|kafdrop|akhq|redpanda-console", "devtool", "Kafka admin UI"),
    (r"swagger-ui|swagger-editor|prism|wiremock|mockserver|toxiproxy", "devtool", "API mock or docs tool"),
    (r"localstack|azurite|fake-gcs|gcloud-emulators|firebase-emulator", "devtool", "cloud emulator for development"),
    (r"selenium|playwright|cypress|browserless", "devtool", "browser test tool"),
    (r"ngrok|mkcert", "devtool", "development helper"),
    (r"jaeger|zipkin|(^|/)tempo$|opentelemetry-collector|otel/", "observability", "tracing"),
    (r"prometheus|alertmanager|[-_]exporter$|cadvisor|statsd|pushgateway", "observability", "metrics"),
    (r"grafana|kibana|(^|/)loki$|promtail|fluentd|fluent-bit|logstash|(^|/)vector$|datadog|uptime-kuma",
     "observability", "logs and dashboards"),
    (r"konga$|kong-dashboard", "devtool", "Kong admin UI"),
    # API gateways are products of their own (plugins, auth, rate limits): they run as a service.
    (r"(^|/)kong$|kong-gateway|(^|/)apisix$|tyk-gateway|krakend|gravitee|express-gateway|(^|/)gloo$",
     "gateway", "API gateway"),
    (r"traefik|haproxy|envoy|nginx-proxy|varnish|acme-companion|certbot|cloudflared|https-portal|"
     r"(^|/)squid$",
     "proxy", "reverse proxy"),
    (r"(^|/)(nginx|caddy|httpd)$|nginxinc/|openresty", "proxy", "reverse proxy"),
    (r"pgbouncer|pgpool|odyssey|pgcat|supavisor", "datastore", "connection pooler: Cloud SQL has managed "
     "connection pooling, or run it beside the app"),
    (r"redis-sentinel", "datastore", "Redis Sentinel: Memorystore's standard tier fails over by itself"),
    (r"backup", "helper", "backup container; Cloud SQL and Cloud Storage keep their own backups"),
    # The last path part names the server: `postgrest` and `postgres-meta` are apps that talk to one.
    (r"(^|/)[\w.-]*(postgres|postgresql|postgis|pgvector|pgvecto-rs|timescaledb(-ha|-postgis)?|paradedb)$|"
     r"(^|/)pgautoupgrade$|citusdata/citus$",
     "postgres", ""),
    (r"(^|/)(redis|redis-stack|redis-stack-server|redis-cluster|valkey|keydb|dragonfly|dragonflydb|garnet|"
     r"redismod|kvrocks)$", "redis", ""),
    (r"minio/mc$|(^|/)mc$", "minio-client", ""),
    (r"(^|/)minio$", "minio", ""),
    (r"mysql|mariadb|percona", "datastore", "MySQL/MariaDB: Cloud SQL for MySQL is not planned by launchdeck"),
    (r"mongo", "datastore", "MongoDB: use MongoDB Atlas or Firestore"),
    (r"rabbitmq", "datastore", "RabbitMQ: use Pub/Sub, Cloud Tasks, or run it on a VM"),
    (r"kafka|zookeeper|redpanda|pulsar", "datastore", "Kafka: Managed Service for Apache Kafka or Pub/Sub"),
    (r"elasticsearch|opensearch|(^|/)solr$", "datastore", "search engine: Elastic Cloud or a VM"),
    (r"meilisearch|typesense|qdrant|weaviate|milvus|chroma", "datastore", "search/vector store: hosted offering or a VM"),
    (r"memcached", "datastore", "Memcached: Memorystore for Memcached is not planned by launchdeck"),
    (r"clickhouse|cassandra|scylla|couchdb|couchbase|neo4j|influxdb|cockroach|surrealdb|questdb",
     "datastore", "database without a managed mapping"),
    (r"exim|postfix|(^|/)smtp$|docker-mailserver|mailserver", "datastore", "mail server: use an email API "
     "(SendGrid, Mailgun, ...) or a relay"),
    (r"(^|/)(nats|etcd|consul|vault)$|beanstalkd|activemq|nsqd?$|contribsys/faktory$|(^|/)faktory$",
     "datastore", "infrastructure service without a managed mapping"),
    (r"temporalio/(auto-setup|server)|(^|/)temporal$", "datastore", "Temporal server: Temporal Cloud or a VM"),
)
_IMAGE_RULES = tuple((re.compile(p), kind, note) for p, kind, note in _IMAGES)


def image_kind(name: str) -> tuple[str, str] | None:
    """(kind, note) for a third-party image name such as `postgres` or `bitnami/redis`."""
    for rx, kind, note in _IMAGE_RULES:
        if rx.search(name):
            return kind, note
    return None


# --- commands -------------------------------------------------------------------------------------

_MIGRATIONS: tuple[tuple[str, str], ...] = (
    (r"alembic\b.*\bupgrade", "alembic upgrade"),
    (r"manage\.py\s+migrate|django-admin\s+migrate", "manage.py migrate"),
    (r"\bflask\s+db\s+upgrade", "flask db upgrade"),
    (r"prisma\s+(migrate\s+deploy|migrate\s+dev|db\s+push)", "prisma migrate"),
    (r"\b(rake|rails)\b.*\bdb:(migrate|setup|prepare|create|seed)", "rake db:migrate"),
    (r"\bflyway\b.*\bmigrate|\bliquibase\b.*\bupdate", "flyway/liquibase migrate"),
    (r"knex\s+migrate|sequelize(-cli)?\s+db:migrate|typeorm\b.*migration:run|drizzle-kit\s+(migrate|push)",
     "node migration tool"),
    (r"php\s+artisan\s+migrate", "artisan migrate"),
    (r"\bkong\s+migrations\s+(bootstrap|up|finish)", "kong migrations"),
    (r"\bgoose\b.*\bup\b|\bmigrate\b.*-path\b.*\bup\b|\bdbmate\b.*\bup\b|diesel\s+migration\s+run|"
     r"sqlx\s+migrate\s+run|atlas\s+migrate\s+apply|ecto\.migrate", "migration tool"),
    (r"(npm|yarn|pnpm)\s+(run\s+)?(db:)?migrat", "npm run migrate"),
    (r"manage\.py\s+(collectstatic|createsuperuser|loaddata)", "one-off manage.py task"),
    (r"\bmc\s+(mb|alias|admin)\b", "minio client setup"),
)

_CONSUMERS: tuple[tuple[str, str], ...] = (
    (r"\bcelery\b.*\bbeat\b|start-celerybeat|celery-?beat", "celery beat scheduler"),
    (r"\bcelery\b.*\bworker\b|start-celeryworker|celery-?worker", "celery worker"),
    (r"\brq(worker|\s+worker)\b|manage\.py\s+rqworker", "rq worker"),
    (r"rqscheduler|rq-scheduler", "rq scheduler"),
    (r"\bdramatiq\b", "dramatiq worker"),
    (r"\bsidekiq\b", "sidekiq"),
    (r"\barq\b", "arq worker"),
    (r"huey_consumer|run_huey", "huey consumer"),
    (r"faktory_worker|faktory-worker", "faktory worker"),
    (r"\bresque\b|jobs:work|good_job\b|solid_queue|delayed_job", "ruby job worker"),
    (r"artisan\s+(queue:work|horizon)", "laravel queue worker"),
    (r"manage\.py\s+(qcluster|process_tasks|runworker|run_worker|db_worker)", "django task worker"),
    (r"\b(taskiq|procrastinate|faust|nameko)\b.*\b(worker|run)\b", "task queue worker"),
    (r"\bbullmq?\b|\bbull\b", "bull queue worker"),
    (r"\bsupercronic\b|\bcrond?\b|\bcron\b|\bscheduler\b|\bclock(work)?\b|schedule:(work|run)", "scheduler"),
    (r"\bconsumer\b|\bconsume\b", "queue consumer"),
    (r"(^|[\s/._]|(?<=\w)-)workers?(\.(js|ts|py|rb|mjs|sh|cjs))?(\s|$)|:worker\b|\bworker:", "worker"),
)

_SERVERS: tuple[tuple[str, str, int | None], ...] = (
    (r"\buvicorn\b", "uvicorn", 8000),
    (r"\bgunicorn\b", "gunicorn", 8000),
    (r"\bhypercorn\b", "hypercorn", 8000),
    (r"\bdaphne\b", "daphne", 8000),
    (r"\bgranian\b", "granian", 8000),
    (r"manage\.py\s+runserver", "manage.py runserver", 8000),
    (r"\bflask\b.*\brun\b", "flask run", 5000),
    (r"fastapi\s+(run|dev)", "fastapi run", 8000),
    (r"\brails\s+(s|server)\b|\bpuma\b|\bunicorn\b|\bthin\b\s+start", "rails server", 3000),
    (r"\bnext\s+(start|dev)\b|\bnuxt\b|\bremix-serve\b|\bvite\b.*\b(preview|dev)\b", "node web server", 3000),
    (r"\b(npm|yarn|pnpm)\s+(run\s+)?(start|dev|serve)\b|\bnode\b.*\b(server|app|index|main)\b",
     "node server", None),
    (r"php-fpm|apache2-foreground|frankenphp|artisan\s+serve|octane:start", "php server", None),
    (r"java\b.*-jar|spring-boot:run|catalina", "java server", 8080),
    (r"http\.server|\bserve\b|\bstreamlit\b|\bgradio\b|\bjupyter\b", "http server", None),
    (r"\brun\s+web\b|\bweb\s+start\b", "web process", None),
)

_WS_COMMAND: tuple[tuple[str, str], ...] = (
    (r"--ws\b", "websockets (--ws)"),
    (r"websocket", "websockets"),
    (r"socket\.?io", "socket.io"),
    (r"geventwebsocket|-k\s+eventlet|--worker-class[= ]eventlet", "a websocket-capable gunicorn worker"),
    (r"hocuspocus|y-websocket|centrifugo|soketi|mercure|anycable-go", "a websocket server"),
)
_WS_NAME = re.compile(r"(^|[-_])(ws|wss|websockets?|sockets?|socketio|realtime|streaming|live-?updates|cable)"
                      r"($|[-_])")
_WS_ENV_NAME = re.compile(r"^(WS|WEBSOCKETS?|SOCKET_?IO|SOCKETS?)_(PORT|HOST|PATH|ENABLED|SERVER)$", re.I)

_MIGRATION_RULES = tuple((re.compile(p, re.I), w) for p, w in _MIGRATIONS)
_CONSUMER_RULES = tuple((re.compile(p, re.I), w) for p, w in _CONSUMERS)
_SERVER_RULES = tuple((re.compile(p, re.I), w, port) for p, w, port in _SERVERS)
_WS_RULES = tuple((re.compile(p, re.I), w) for p, w in _WS_COMMAND)
_ONE_OFF_NAME = re.compile(r"(^|[-_])(migrate|migrations?|db-?init|init|setup|seed|bootstrap|createbuckets|"
                           r"create-?buckets|provision|pre-?start|release|migrator)($|[-_])", re.I)
# Development-only helpers that run beside the app: asset watchers, docs servers.
_DEV_COMMAND = re.compile(r"--watch\b|\b(npm|yarn|pnpm)\s+(run\s+)?watch\b|\bmkdocs\s+serve|start-flower|"
                          r"\bcelery\b.*\bflower\b|prisma\s+studio|storybook", re.I)
# Interactive shells and test runners that sit in compose files for development.
_SHELL_OR_TESTS = re.compile(r"^\s*((/bin/|/usr/bin/)?(ba)?sh|irb|iex|(bundle exec )?rails c(onsole)?|"
                             r"python[\d.]* manage\.py shell(_plus)?|pytest\b.*|python[\d.]* -m pytest\b.*|"
                             r"(npm|yarn|pnpm) (run )?test\b.*|(bundle exec )?rspec\b.*|go test\b.*|tox\b.*)\s*$", re.I)


def shell_or_tests(cmd: str) -> bool:
    return bool(_SHELL_OR_TESTS.match(cmd))
_WORKER_NAME = re.compile(r"(^|[-_])(workers?|consumers?|sidekiq|celery|celeryworker|rq-?worker|runners?)($|[-_])",
                          re.I)


def worker_name(name: str, image: str) -> bool:
    """The service or its image is named as a background worker (`langfuse-worker`, `appwrite-worker-mails`)."""
    return bool(_WORKER_NAME.search(name) or _WORKER_NAME.search(image.rsplit("/", 1)[-1]))
_WS_IMAGE = re.compile(r"anycable-go|centrifugo|soketi|mercure|hocuspocus|socket\.?io|websocket")


def dev_command(cmd: str) -> bool:
    return bool(_DEV_COMMAND.search(cmd))


def websocket_image(name: str) -> bool:
    return bool(_WS_IMAGE.search(name))


def first_match(rules: tuple[tuple[re.Pattern[str], str], ...], text: str) -> str | None:
    for rx, label in rules:
        if rx.search(text):
            return label
    return None


def migration(cmd: str) -> str | None:
    return first_match(_MIGRATION_RULES, cmd)


def consumer(cmd: str) -> str | None:
    return first_match(_CONSUMER_RULES, cmd)


def server(cmd: str) -> tuple[str, int | None] | None:
    for rx, label, port in _SERVER_RULES:
        if rx.search(cmd):
            return label, port
    return None


def websocket_in_command(cmd: str) -> str | None:
    return first_match(_WS_RULES, cmd)


def websocket_name(name: str) -> bool:
    return bool(_WS_NAME.search(name.lower()))


def websocket_env(names: list[str]) -> str | None:
    return next((n for n in names if _WS_ENV_NAME.match(n)), None)


def one_off_name(name: str) -> bool:
    return bool(_ONE_OFF_NAME.search(name))


_PORT_FLAG = re.compile(r"(?:--port[= ]|-p\s+|--bind[= ]\S*:|-b\s+\S*:|runserver\s+\S*:|--listen[= ]\S*:)(\d{2,5})")


def port_from_command(cmd: str) -> int | None:
    m = _PORT_FLAG.search(cmd)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class RoleGuess:
    role: str
    why: str
    port: int | None = None
