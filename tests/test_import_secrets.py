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
