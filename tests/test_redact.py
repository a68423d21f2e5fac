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
