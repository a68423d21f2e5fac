"""Heuristics for names and values that look like secrets. Shared by import, preflight, generate and logs."""

from __future__ import annotations

import re

_SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PASSPHRASE|PASS$|_PWD|SECRET|TOKEN|PRIVATE|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|_KEY$|^KEY$|DSN|"
    r"CREDENTIAL|AUTH|SALT|SIGNING|WEBHOOK_URL|CONNECTION_STRING|DATABASE_URL|REDIS_URL|_URI$)",
    re.IGNORECASE,
)
# Names that contain a trigger word but are not secrets themselves.
_NOT_SECRET_NAME = re.compile(
    r"(_ID$|_FILE$|_PATH$|_HOST$|_PORT$|_USER(NAME)?$|_ENABLED$|_EXPIRES?(_\w+)?$|_TTL$|_ALGORITHM$|"
    r"AUTH_URL$|_REGION$|_TIMEOUT$|_LENGTH$|_KEY_ID$|_HEADER$|_MODE$|_BACKEND$|_PROVIDER$)",
    re.IGNORECASE,
)
# scheme://user:password@host, also with an empty user (redis://:password@host).
_URL_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@", re.IGNORECASE)
_TOKEN_SHAPES = re.compile(
    r"(AIza[0-9A-Za-z_\-]{35}|sk_(live|test)_[0-9A-Za-z]{10,}|sk-[A-Za-z0-9_\-]{20,}|"
    r"gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|"
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.)"
)


def looks_secret_name(name: str) -> bool:
    """True for env var names such as DB_PASSWORD, STRIPE_SECRET_KEY, SENTRY_DSN, DATABASE_URL."""
    if _NOT_SECRET_NAME.search(name):
        return False
    return bool(_SECRET_NAME.search(name))


def looks_secret_value(value: str) -> bool:
    """True for values with credentials inside a URL, or shaped like a known token/key."""
    if not isinstance(value, str):
        return False
    return bool(_URL_CREDENTIALS.search(value) or _TOKEN_SHAPES.search(value))


def looks_secret(name: str, value: object) -> bool:
    if looks_secret_name(name):
        # An empty value or a pure reference (${VAR}) is not a secret value, but the name still is.
        return True
    return isinstance(value, str) and looks_secret_value(value)

# Public names for the shapes above, reused by app/redact.py to mask values inside log lines.
TOKEN_SHAPES = _TOKEN_SHAPES
SECRET_NAME = _SECRET_NAME
