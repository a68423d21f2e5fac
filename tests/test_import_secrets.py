"""No secret value from a compose file or its env files appears in the plan, the table, or the notes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "compose"
CANARY = re.compile(r"canary", re.I)  # every secret value in tests/data/compose contains "canary"


# Runs the real CLI (app.cli.main) over every compose file and format in one interpreter.
_RUNNER = """
import contextlib, io, json, sys
from launchdeck.app.cli import main
results = []
for compose, out, fmt in json.loads(sys.argv[1]):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        rc = main(["import", compose, "-o", out, "--format", fmt])
    results.append([compose, out, rc, stdout.getvalue(), stderr.getvalue()])
print(json.dumps(results))
"""


def test_data_really_holds_canaries() -> None:
    files = list(DATA.glob("*.yml")) + list((DATA / "envs").glob("*.env"))
    assert sum(len(CANARY.findall(f.read_text())) for f in files) >= 15


@pytest.mark.slow
def test_secret_values_appear_nowhere(tmp_path: Path) -> None:
    import json

    jobs = [(str(c), str(tmp_path / f"{c.stem}.{fmt}.yaml"), fmt)
            for c in sorted(DATA.glob("*.yml")) for fmt in ("table", "json", "md")]
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-c", _RUNNER, json.dumps(jobs)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert not CANARY.search(proc.stderr)
    results = json.loads(proc.stdout)
    assert len(results) == len(jobs) >= 24
    for compose, out, rc, stdout, stderr in results:
        assert rc == 0, stderr
        for where, text in (("plan", Path(out).read_text()), ("stdout", stdout), ("stderr", stderr)):
            assert not CANARY.search(text), f"{compose}: a secret value leaked into the {where}"


def test_secret_names_are_kept() -> None:
    from launchdeck.app.compose import import_compose

    plan = import_compose(DATA / "node_bull.yml").plan
    api = plan.services["api"]
    assert {"DATABASE_URL", "JWT_SECRET", "STRIPE_API_KEY"} <= set(api.secrets)
    assert "REDIS_HOST" in api.env and "NODE_ENV" in api.env
    assert "NEXTAUTH_SECRET" in plan.services["web"].secrets
    shop = import_compose(DATA / "envfile_profiles.yml").plan
    # names from env files are listed; values never read
    assert {"PAYMENTS_WEBHOOK_SECRET", "OPENAI_API_KEY", "APP_MODE"} <= set(shop.services["api"].secrets)
    # `${VAR:-default}` with credentials in the default is still a secret
    assert "DATABASE_URL" in shop.services["api"].secrets
    rails = import_compose(DATA / "rails_sidekiq.yml").plan
    assert "RAILS_MASTER_KEY" in rails.services["rails"].secrets  # passed through from the host
    assert rails.services["rails"].env["EDITOR"] == "vi"
    laravel = import_compose(DATA / "polyglot_datastores.yml").plan
    assert {"DB_PASSWORD", "APP_KEY"} <= set(laravel.services["app"].secrets)
    assert "SPRING_DATA_MONGODB_URI" in laravel.services["catalog"].secrets  # credentials inside a URL


def test_split_env_rules() -> None:
    from launchdeck.app.compose import split_env

    plain, secrets = split_env({
        "LOG_LEVEL": "info", "DB_PASSWORD": "x", "SENTRY_DSN": "", "HOME_URL": "https://u:p@h/",
        "FROM_HOST": None, "GITHUB_TOKEN": None, "PORT": "8000", "OPENAI": "sk-abcdefghijklmnopqrstuvwxyz",
    }, ["FROM_FILE", "LOG_LEVEL"])
    assert plain == {"LOG_LEVEL": "info", "FROM_HOST": "${FROM_HOST}", "PORT": "8000"}
    assert secrets == ["DB_PASSWORD", "SENTRY_DSN", "HOME_URL", "GITHUB_TOKEN", "OPENAI", "FROM_FILE"]


def test_env_file_reader_returns_names_only(tmp_path: Path) -> None:
    from launchdeck.app.compose.parts import env_file_names

    f = tmp_path / ".env"
    f.write_text("# c\nexport A=1\nB = two\n  C=\"x=y\"\nnot a line\nB=again\n")
    assert env_file_names(f) == ["A", "B", "C"]


def test_secret_heuristics() -> None:
    from launchdeck.app.secretish import looks_secret, looks_secret_name, looks_secret_value

    for name in ("DB_PASSWORD", "STRIPE_SECRET_KEY", "SENTRY_DSN", "DATABASE_URL", "GITHUB_TOKEN", "API_KEY",
                 "GPG_PASSPHRASE", "JWT_PRIVATE_PEM", "AWS_SECRET_ACCESS_KEY"):
        assert looks_secret_name(name), name
    for name in ("LOG_LEVEL", "DB_HOST", "DB_PORT", "AWS_ACCESS_KEY_ID", "NEXTAUTH_URL", "DB_USER", "KEY_FILE"):
        assert not looks_secret_name(name), name
    assert looks_secret_value("postgres://app:pw@db:5432/app")
    assert looks_secret_value("redis://:pw@redis:6379/0")
    assert not looks_secret_value("redis://redis:6379/0") and not looks_secret_value("redis://:@redis:6379/0")
    assert looks_secret("WEBHOOK", "https://hooks.example/x") is False
    assert looks_secret("ANYTHING", "ghp_" + "a" * 36)


# (name, value, is it a secret?) — each secret shape next to a look-alike that is plain configuration.
NAME_AND_VALUE = [
    ("WEBHOOK_URL", "http://n8n:5679", False),  # a URL without credentials, whatever it is called
    ("SETTING_AUTHENTICATION_BACKENDS", "EmailAuthBackend", False),  # AUTH in the name, a class name as value
    ("AUTH_TYPE", "oauth2", False),
    ("REDIS_AUTH", "r3d1s-Pa55", True),
    ("PASSWORD_MIN_LENGTH", "12", False),
    ("JWT_ALGORITHM", "HS256", False),
    ("JWT_SECRET_EXPIRES_IN", "7d", False),
    ("SECRET_KEY_BASE", "9f2c4e1a7b3d8f6e0a5c2b9d4e7f1a3c6b8d0e2f4a6c8e0b2d4f6a8c0e2b4d6f", True),
    ("DB_PASSWORD", "pa/ss:w@rd", True),
    ("POSTGRES_PASSWORD", "postgres", True),  # a weak password is still the password
    ("SMTP_PASSWORD", "true", False),
    ("DATABASE_URL", "postgres://app:pa/ss@db:5432/app", True),  # a password containing `/`
    ("DATABASE_URL", "postgres://db:5432/app", False),
    ("APP_CONFIG", "--db=postgres://app:s3cr3t@db/app --debug", True),  # a DSN in the middle of a string
    ("PGCONN", "host=db port=5432 user=app password=s3cr3t dbname=app", True),  # libpq conninfo
    ("PGCONN", "host=db port=5432 user=app dbname=app", False),
    ("CI_TOKEN_FOR_X", "github_pat_11ABCDEFG0aBcDeFgHiJkL_mnopqrstuvwxyz0123456789ABCDEFGHIJ", True),
    ("NOTIFY", "https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/aBcDeFgHiJkLmNoPqRsTuVwX", True),
    ("NOTIFY", "https://hooks.example.com/services/notify", False),
    ("OPENAI", "sk-proj-aBcDeFgHiJkLmNoPqRsTuVwXyZ012345", True),
    ("SKU_PREFIX", "sk-small", False),
    ("STRIPE_PUBLISHABLE_KEY", "pk_live_51HxYzAbCdEfGh", False),
    ("STRIPE_SECRET_KEY", "sk_live_51HxYzAbCdEfGhIjKl", True),
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", True),  # the key id alone is still a credential
    ("SUPABASE_ANON_KEY", "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.sig_abcdefghij", True),
    ("GIT_SHA", "e83c5163316f89bfbde7d9ab23ca2e25604af290", False),
    ("IMAGE_DIGEST", "sha256:3f1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819", False),
    ("KAFKA_VALUE_SERIALIZER", "org.apache.kafka.common.serialization.StringSerializer", False),
    ("NEXT_PUBLIC_POSTHOG_KEY", "phc_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", False),  # public on purpose
    ("SESSION_SECRET", "${SESSION_SECRET}", True),  # a reference: the name decides
    ("TLS_KEY_FILE", "/run/secrets/tls.key", False),
    ("PRIVATE", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", True),
]


@pytest.mark.parametrize(("name", "value", "secret"), NAME_AND_VALUE)
def test_name_and_value_together(name: str, value: str, secret: bool) -> None:
    from launchdeck.app.secretish import looks_secret

    assert looks_secret(name, value) is secret


def _import(tmp_path: Path, text: str):
    from launchdeck.app.compose import import_compose

    path = tmp_path / "docker-compose.yml"
    path.write_text(text)
    return import_compose(path)


COMMANDS = """services:
  web:
    build: .
    command: gunicorn shop.wsgi --env SECRET_KEY=django-insecure-c4n4ry9x7 --bind 0.0.0.0:8000
    ports: ["8000:8000"]
    environment:
      SECRET_KEY: django-insecure-c4n4ry9x7
      N8N_WEBHOOK_URL: http://n8n:5679
      SETTING_AUTHENTICATION_BACKENDS: EmailAuthBackend
  worker:
    build: .
    command: ["celery", "-A", "shop", "worker", "-b", "redis://:C4N4RY-pw@redis:6379/0", "-l", "info"]
  beat:
    build: .
    entrypoint: ["sh", "-c"]
    command: ["celery -A shop beat -b ${BROKER_URL:-amqp://shop:c4n4ry-amqp@rabbit:5672//}"]
  api:
    build: ./api
    command: ["node", "server.js", "--api-key", "c4n4ry-K3Y-42", "--port", "3000"]
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:3000/healthz?token=c4n4rytok3n"]
  redis:
    image: redis:7
    command: redis-server --requirepass C4N4RY-pw
"""


def test_secrets_in_commands_move_to_secrets_and_become_references(tmp_path: Path) -> None:
    from launchdeck.app.planfile import render_plan

    result = _import(tmp_path, COMMANDS)
    plan = result.plan
    web, worker, beat, api = (plan.services[n] for n in ("web", "worker", "beat", "api"))
    # The command repeats SECRET_KEY's value: the reference reuses that name.
    assert web.command == ["gunicorn", "shop.wsgi", "--env", "SECRET_KEY=$(SECRET_KEY)", "--bind", "0.0.0.0:8000"]
    assert web.secrets == ["SECRET_KEY"]
    assert web.env == {"N8N_WEBHOOK_URL": "http://n8n:5679", "SETTING_AUTHENTICATION_BACKENDS": "EmailAuthBackend"}
    assert worker.command == ["celery", "-A", "shop", "worker", "-b", "$(REDIS_URL)", "-l", "info"]
    assert worker.secrets == ["REDIS_URL"] and worker.role == "worker"
    assert beat.command == ["sh", "-c", "celery -A shop beat -b $(BROKER_URL)"] and beat.secrets == ["BROKER_URL"]
    assert api.command == ["node", "server.js", "--api-key", "$(API_KEY)", "--port", "3000"]
    assert api.health_path == "/"  # the token in the healthcheck URL is not carried over
    text = render_plan(plan) + "\n".join(result.notes) + "\n".join(r.why for r in result.rows)
    assert "c4n4ry" not in text.lower()
    rows = {r.service: r.why for r in result.rows}
    assert "secret in command moved to secrets: REDIS_URL" in rows["worker"]
    assert any("argument 6 (a URL with a password) → $(REDIS_URL)" in n for n in result.notes)


def test_every_target_can_use_the_reference(tmp_path: Path) -> None:
    """`$(NAME)` reaches Cloud Run and Kubernetes args as written (they expand it from the secret);
    the compose generator turns it into `${NAME}`, read from .env like the service's other secrets."""
    from launchdeck.app.generators import generate

    plan = _import(tmp_path, COMMANDS).plan
    files = {t: generate(plan.model_copy(update={"target": t}), t) for t in ("cloud-run", "gke-autopilot", "compose")}
    for target, out in files.items():
        text = "\n".join(str(v) for v in out.values())
        assert "c4n4ry" not in text.lower(), target
    tf = "\n".join(v for k, v in files["cloud-run"].items() if k.endswith(".tf"))
    assert '"-b", "$(REDIS_URL)"' in tf and '"SECRET_KEY=$(SECRET_KEY)"' in tf
    k8s = "\n".join(v for k, v in files["gke-autopilot"].items() if k.endswith("worker.yaml"))
    assert "$(REDIS_URL)" in k8s and "secretKeyRef" in k8s
    compose = next(v for k, v in files["compose"].items() if k.endswith("docker-compose.yml"))
    assert "- ${REDIS_URL}" in compose and "$$(REDIS_URL)" not in compose


def test_x_launchdeck_values_are_checked_too(tmp_path: Path) -> None:
    from launchdeck.app.planfile import render_plan

    result = _import(tmp_path, """\
x-launchdeck:
  ingress: {domain: "https://admin:c4n4ry@shop.example.com"}
services:
  api:
    build: .
    ports: ["8000:8000"]
    x-launchdeck:
      command: ["uvicorn", "main:app", "--ssl-keyfile-password", "c4n4ry-ssl"]
      env: {WEBHOOK_SECRET: "c4n4ry-hook", PUBLIC_URL: "https://shop.example.com"}
""")
    api = result.plan.services["api"]
    assert api.command == ["uvicorn", "main:app", "--ssl-keyfile-password", "$(SSL_KEYFILE_PASSWORD)"]
    assert set(api.secrets) == {"WEBHOOK_SECRET", "SSL_KEYFILE_PASSWORD"}
    assert api.env == {"PUBLIC_URL": "https://shop.example.com"}
    assert result.plan.ingress.domain is None
    assert any("ingress.domain holds a URL with a password: left out" in n for n in result.notes)
    assert "c4n4ry" not in render_plan(result.plan) + "\n".join(result.notes)


def test_a_secret_in_the_wrong_x_launchdeck_key_is_taken_out_not_quoted(tmp_path: Path) -> None:
    """A secret pasted into a plan key would be quoted by that key's validation error; it is taken out first."""
    result = _import(tmp_path, "x-launchdeck:\n  target: postgres://u:c4n4ry@db/x\nservices:\n  a: {image: x, ports: [80]}\n")
    assert result.plan.target == "cloud-run"
    assert result.notes == ["target holds a URL with a password: left out of the plan"]


def test_generate_refuses_a_plan_with_secret_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from launchdeck.app.cli import main

    plan = tmp_path / "launchdeck.yaml"
    plan.write_text("""\
name: shop
services:
  api:
    role: web
    image: org/api:1
    port: 8000
    command: [celery, -A, shop, worker, -b, "redis://:c4n4ry@redis:6379/0"]
    env:
      PG: "host=db user=app password=c4n4ry dbname=shop"
      ALERTS: https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/c4n4ryc4n4ryc4n4ryc4n4ry
      N8N_URL: http://n8n:5679
""")
    out = tmp_path / "out"
    assert main(["generate", str(plan), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "services.api.env.PG" in err and "services.api.env.ALERTS" in err and "services.api.command.5" in err
    assert "$(REDIS_URL)" in err and "N8N_URL" not in err
    assert "c4n4ry" not in err and not out.exists()


def test_doctor_names_a_secret_in_a_command_and_generate_agrees() -> None:
    from launchdeck.app.plan import Plan
    from launchdeck.app.plansecrets import find_plan_secrets
    from launchdeck.app.preflight import run_preflight

    def plan(command: list[str], health: str = "/") -> Plan:
        return Plan.model_validate({"name": "shop", "services": {"worker": {
            "role": "worker", "image": "org/app:1", "command": command, "health_path": health}}})

    bad = plan(["celery", "-A", "shop", "worker", "-b", "redis://:c4n4ry@redis:6379/0"])
    found = [f for f in run_preflight(bad, "cloud-run") if f.id == "secret-value-in-plan"]
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].path == "services.worker.command.5" and "$(REDIS_URL)" in found[0].fix
    assert "c4n4ry" not in found[0].message + found[0].fix
    good = plan(["celery", "-A", "shop", "worker", "-b", "$(REDIS_URL)"])
    assert not [f for f in run_preflight(good, "cloud-run") if f.id == "secret-value-in-plan"]
    assert find_plan_secrets(good) == [] and len(find_plan_secrets(bad)) == 1
    token = plan(["app"], health="/healthz?token=c4n4ry1234")
    assert [f.path for f in run_preflight(token, "cloud-run") if f.id == "secret-value-in-plan"] == [
        "services.worker.health_path"]
