"""Secrets in log lines are masked before display or export."""

import pytest

from launchdeck.app.redact import redact

CANARY = "c4n4ry-Zq9x7Lw3"


@pytest.mark.parametrize("line", [
    f"DATABASE_URL=postgresql://app:{CANARY}@10.81.0.3:5432/app",
    f"redis://:{CANARY}@10.128.0.5:6379/0 connected",
    f"PASSWORD={CANARY}",
    f"export DB_PASSWORD='{CANARY}'",
    f'{{"password": "{CANARY}", "user": "app"}}',
    f"Authorization: Bearer {CANARY}",
    f"gcloud run deploy api --set-env-vars=STRIPE_SECRET_KEY={CANARY},DEBUG=0",
    f"jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ{CANARY}.sig{CANARY}",
    f'"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE{CANARY}\\n-----END PRIVATE KEY-----\\n"',
    f"api_key: {CANARY}",
])
def test_canary_is_masked(line):
    out = redact(line)
    assert CANARY not in out
    assert "***" in out


def test_google_api_key_is_masked():
    key = "AIzaSyA1234567890abcdefghijklmnopqrstuv"
    assert key not in redact(f"https://maps.googleapis.com/maps/api?key={key}")
    assert key not in redact(f"calling with {key} now")


@pytest.mark.parametrize("line", [
    "Memory limit of 512 MiB exceeded with 513 MiB used.",
    "DATABASE_URL not set; refusing to start",
    "Connected to redis://10.128.0.5:6379/0",
    'password authentication failed for user "app"',
    "token expired at 12:00, refreshing",
    "ERROR: (gcloud.run.deploy) Revision 'api-00007-kaz' is not ready",
])
def test_ordinary_lines_are_unchanged(line):
    assert redact(line) == line


# The redaction corpus: (line with a secret, the secret, a look-alike line that must stay as it is).
# Each shape the one detector knows, in the forms logs and scan excerpts show it.
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4"
CORPUS = [
    ("connecting to postgres://app:Zq9x7Lw3@db:5432/app", "Zq9x7Lw3", "connecting to postgres://db:5432/app"),
    ("DATABASE_URL=postgresql://app:pa/ss9Lw@10.0.0.3/app", "pa/ss9Lw", "GET https://example.com:8443/pkg/@scope/x"),
    ("broker redis://:hunter22x@redis:6379/0 ready", "hunter22x", "broker redis://redis:6379/0 ready"),
    ("dsn='host=db user=app password=Zq9x7Lw3 dbname=x'", "Zq9x7Lw3", "dsn='host=db user=app dbname=x sslmode=require'"),
    ("token github_pat_11ABCDEFG0aBcDeFgHiJkL_mnopqrstuvwxyz0123", "github_pat_11ABCDEFG0aBcDeFgHiJkL",
     "create a fine-grained token (github_pat_...) in settings"),
    ("using ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "branch ghp_fix merged"),
    ("openai key sk-proj-aBcDeFgHiJkLmNoPqRsTuVwXyZ012345", "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345", "queue sk-small drained"),
    ("stripe sk_live_51HxYzAbCdEfGhIjKl", "51HxYzAbCdEfGhIjKl", "stripe pk_live_51HxYzAbCdEfGh loaded"),
    ("slack xoxb-1234567890-aBcDeFgHiJ", "1234567890-aBcDeFgHiJ", "xoxo from the team"),
    ("aws AKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE", "AKIA keys rotate every 90 days"),
    ("maps AIzaSyA1234567890abcdefghijklmnopqrstuv", "AIzaSyA1234567890abcdefghijklmnopqrstuv", "AIza keys are restricted"),
    ("posting to https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/aBcDeFgHiJkLmNoPqRsTuVwX",
     "aBcDeFgHiJkLmNoPqRsTuVwX", "see https://api.slack.com/messaging/webhooks"),
    ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "version eyJustKidding.v2"),
    (f"-----BEGIN RSA PRIVATE KEY-----\\n{PEM_BODY}\\n-----END RSA PRIVATE KEY-----", PEM_BODY[:30],
     "-----BEGIN CERTIFICATE-----"),
    (PEM_BODY, PEM_BODY[:30],
     "sha256:3f1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819"),
    (f"  {PEM_BODY[:64]}", PEM_BODY[:30], "  /usr/local/lib/python3.12/site-packages/launchdeck/app/cli.py"),
    ("psql --password Zq9x7Lw3 -h db", "Zq9x7Lw3", "psql --password-file /run/secrets/pg -h db"),
    ("redis-server --requirepass Zq9x7Lw3 --appendonly yes", "Zq9x7Lw3", "redis-server --appendonly yes --port 6379"),
    ("mysql -u root -pZq9x7Lw3 shop", "Zq9x7Lw3", "mkdir -p /var/log/app"),
    ("mysqladmin -u root -p Zq9x7Lw3 status", "Zq9x7Lw3", "docker run -p 8080:80 nginx"),
    ("redis-cli -a Zq9x7Lw3 ping", "Zq9x7Lw3", "redis-cli -h redis ping"),
    ('DB_PASSWORD="correct horse battery"', "horse battery", 'DB_HOST="db primary"'),
    ("Server=db;User Id=app;Password=Zq9;x7Lw3;Encrypt=true", "x7Lw3", "Server=db;Database=app;Encrypt=true"),
    ('{"password": "Zq9 x7 Lw3", "user": "app"}', "x7 Lw3", '{"password_min_length": 12, "user": "app"}'),
    ("Authorization: Bearer Zq9x7Lw3aBcD", "Zq9x7Lw3aBcD", "bearer token expired, refreshing"),
    ("sentry https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/42", "0123456789abcdef0123456789abcdef",
     "sentry https://o1.ingest.sentry.io/api/42/envelope/"),
    ("GET /cb?access_token=Zq9x7Lw3aBcD&state=1", "Zq9x7Lw3aBcD", "GET /songs?page=2&sort=asc"),
    ("SECRET_KEY_BASE=9f2c4e1a7b3d8f6e0a5c2b9d4e7f1a3c", "9f2c4e1a7b3d8f6e0a5c2b9d4e7f1a3c",
     "SECRET_KEY_BASE not set; using a temporary one"),
    ("export STRIPE_WEBHOOK_SECRET=whsec_Zq9x7Lw3aBcDeFgHiJkLmNoP", "Zq9x7Lw3aBcDeFgHiJkLmNoP",
     "SETTING_AUTHENTICATION_BACKENDS=EmailAuthBackend"),
    ("cmd --api-key=Zq9x7Lw3aB --verbose", "Zq9x7Lw3aB", "cmd --api-key-file=/etc/key --verbose"),
    ("celery -b amqp://shop:Zq9x7Lw3@rabbit:5672// worker", "Zq9x7Lw3", "n8n webhook http://n8n:5679/webhook/abc"),
    # Shapes from the third hostile round: each with its look-alike.
    ("mongo mongodb+srv://app:Zq9x7Lw3@cluster0.x.mongodb.net/db", "Zq9x7Lw3", "mongo mongodb+srv://cluster0.x.mongodb.net/db"),
    ("cache rediss://default:Zq9x7Lw3@redis.example:6380/0", "Zq9x7Lw3", "cache rediss://redis.example:6380/0"),
    ("curl -H 'Authorization: Basic WnE5eDdMdzM6YUJjRA==' http://x", "WnE5eDdMdzM6YUJjRA==", "Authorization: Basic realm"),
    ("curl -H 'X-Api-Key: Zq9x7Lw3aBcDeF' http://x", "Zq9x7Lw3aBcDeF", "curl -H 'Accept: application/json' http://x"),
    ("AccountName=acc;AccountKey=WnE5eDdMdzNhQmNEZUZnSGlKa0xtTm9Q==;EndpointSuffix=core.windows.net",
     "WnE5eDdMdzNhQmNEZUZnSGlKa0xtTm9Q", "AccountName=acc;EndpointSuffix=core.windows.net"),
    ("//registry.npmjs.org/:_authToken=Zq9x7Lw3aBcD", "Zq9x7Lw3aBcD", "//registry.npmjs.org/:always-auth=true"),
    ("tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcw", "LS0tLS1CRUdJTiBQUklWQVRF",
     "tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"),
    ("VAULT_TOKEN=hvs.Zq9x7Lw3aBcDeFgHiJkLmNoPqRs", "hvs.Zq9x7Lw3aBcDeFgHiJkLmNoPqRs", "vault hvs. tokens expire"),
    ("mailchimp 0123456789abcdef0123456789abcdef-us21", "0123456789abcdef0123456789abcdef-us21",
     "commit 0123456789abcdef0123456789abcdef01234567"),
    ("java -Dspring.datasource.password=Zq9x7Lw3 -jar app.jar", "Zq9x7Lw3", "java -Dspring.profiles.active=prod -jar app.jar"),
    ("--db-password Zq9x7Lw3", "Zq9x7Lw3", "tsc -p tsconfig.json"),
    ('GOOGLE_CREDENTIALS={"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQZq9x7Lw3\\n'
     '-----END PRIVATE KEY-----\\n"}', "MIIEvQZq9x7Lw3", f"-----BEGIN CERTIFICATE----- {PEM_BODY} -----END CERTIFICATE-----"),
]


@pytest.mark.parametrize(("line", "secret", "lookalike"), CORPUS, ids=[f"shape{i}" for i in range(len(CORPUS))])
def test_redaction_corpus(line: str, secret: str, lookalike: str) -> None:
    out = redact(line.replace("\\n", "\n"))
    assert secret not in out and "***" in out, out
    assert redact(lookalike) == lookalike


def test_a_private_key_block_split_over_lines() -> None:
    """Logs come a line at a time: the body lines of a key are masked without the BEGIN line."""
    block = ["-----BEGIN PRIVATE KEY-----", PEM_BODY[:64], PEM_BODY[10:74], "Zm9vYmFy==", "-----END PRIVATE KEY-----"]
    shown = [redact(line) for line in block]
    assert PEM_BODY[:20] not in "\n".join(shown) and PEM_BODY[10:30] not in "\n".join(shown)


@pytest.mark.parametrize(("command", "secret"), [
    ("curl -fsS -H 'Authorization: Basic WnE5eDdMdzM6YUJjRA==' http://localhost/health", "WnE5eDdMdzM6YUJjRA=="),
    ("curl -H 'X-Api-Key: Zq9x7Lw3aBcDeF' http://x", "Zq9x7Lw3aBcDeF"),
    ("mysql -h db -uroot -pZq9x7Lw3 -e 'select 1'", "Zq9x7Lw3"),
    ("java -Dspring.datasource.password=Zq9x7Lw3 -jar app.jar", "Zq9x7Lw3"),
    ("sh -c 'PGPASSWORD=Zq9x7Lw3 pg_dump -h db app'", "Zq9x7Lw3"),
])
def test_command_secrets_of_the_third_round(command: str, secret: str) -> None:
    """The importer moves these out of `command`; the look-alike commands keep every word."""
    import shlex

    from launchdeck.app.secretish import command_secrets

    args = shlex.split(command)
    found = command_secrets(args)
    assert found and all(secret in args[f.index][f.start:f.end] for f in found)
    assert not command_secrets(shlex.split("mysql -h db -P 3306 app")) and \
        not command_secrets(shlex.split("java -Dspring.profiles.active=prod -jar app.jar")) and \
        not command_secrets(shlex.split("curl -H 'Accept: application/json' http://x"))


@pytest.mark.parametrize(("name", "value", "secret"), [
    ("JAVA_OPTS", "-Dspring.datasource.password=Zq9x7Lw3 -Xmx512m", True),
    ("JAVA_OPTS", "-Dspring.profiles.active=prod -Xmx512m", False),
    ("SETTING", "Authorization: Bearer Zq9x7Lw3aBcDeF", True),
    ("BASIC_AUTH_HEADER", "Basic WnE5eDdMdzM6YUJjRA==", True),
    ("STORAGE", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=WnE5eDdMdzNhQmNE==;EndpointSuffix=x", True),
    ("STORAGE", "DefaultEndpointsProtocol=https;AccountName=a;EndpointSuffix=core.windows.net", False),
])
def test_env_values_of_the_third_round(name: str, value: str, secret: bool) -> None:
    from launchdeck.app.secretish import looks_secret

    assert looks_secret(name, value) is secret


def test_doctor_quotes_commands_through_the_one_redactor() -> None:
    from launchdeck.app.preflight.facts import safe_text

    shown = safe_text("sh -c celery -A app beat --broker-password Zq9x7Lw3 && PGPASSWORD=Hq8w6Kv2 celery worker")
    assert "Zq9x7Lw3" not in shown and "Hq8w6Kv2" not in shown and "celery -A app beat" in shown
