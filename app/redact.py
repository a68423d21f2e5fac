"""Mask secret-looking values in log lines before they are shown or exported.

Covers Google API keys, bearer/basic tokens, passwords inside connection URLs, `NAME=value`
pairs whose name looks secret (PASSWORD=, DB_PASSWORD:, "api_key": ...), JWTs, private key
blocks and the token shapes of app.secretish (Stripe, GitHub, Slack, AWS).
"""

from __future__ import annotations

import re

from launchdeck.app.secretish import TOKEN_SHAPES, looks_secret_name

MASK = "***"

_PRIVATE_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
_GOOGLE_KEY = re.compile(r"AIza[0-9A-Za-z_\-]{35}")
_AUTH = re.compile(r"(?i)\b(bearer|basic|token)(\s+)([A-Za-z0-9._~+/=-]{8,})")
_URL_PASSWORD = re.compile(r"://([^/\s:@\"']*):([^/\s@\"']+)@")  # starts at the literal "://": fast
# NAME=value / NAME: value / "name": "value" where NAME looks secret.
_PAIR = re.compile(
    r"""(?ix)
    (?<![\w.-])(?P<name>[A-Za-z_][\w.-]*)   # a whole name, not every suffix of one
    (?P<sep>["']?\s*[:=]\s*)
    (?P<q>["']?)
    (?P<value>[^\s"',;&}\]=]++)(?!=)   # NAME=OTHER=value: let the inner pair match instead
    """
)
_SCHEMES = {"bearer", "basic", "token", "true", "false", "none", "null", "required", "missing"}
_PAIR_WORDS = ("pass", "pwd", "secret", "token", "key", "credential", "auth", "dsn", "salt", "signing",
               "_url", "_uri")
_PAIR_HINT = re.compile("|".join(_PAIR_WORDS), re.IGNORECASE)
# Cheap gate for TOKEN_SHAPES (sk_live_, sk-, ghp_, xoxb-, AKIA, BEGIN ... KEY, eyJ).
_TOKEN_HINT = re.compile(r"sk[_-]|gh[pousr]_|xox[abprs]-|AKIA|-----BEGIN|eyJ")


def _pair(m: re.Match) -> str:
    name, value = m.group("name"), m.group("value")
    if value == MASK or value.startswith("${") or value.lower() in _SCHEMES or not _PAIR_HINT.search(name):
        return m.group(0)
    bare = name.strip("-").split(".")[-1]
    if not looks_secret_name(bare.upper().replace("-", "_")):
        return m.group(0)
    return f"{name}{m.group('sep')}{m.group('q')}{MASK}"


def redact(text: str) -> str:
    """`text` with secret values replaced by ***; everything else unchanged."""
    if not text:
        return text
    if "PRIVATE KEY-----" in text:
        text = _PRIVATE_KEY.sub(f"-----PRIVATE KEY {MASK}-----", text)
    if "eyJ" in text:
        text = _JWT.sub(MASK, text)
    if "AIza" in text:
        text = _GOOGLE_KEY.sub(MASK, text)
    if "://" in text:
        text = _URL_PASSWORD.sub(lambda m: f"://{m.group(1)}:{MASK}@", text)
    low = text.lower()
    if "bearer" in low or "basic" in low or "token" in low:
        text = _AUTH.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    if ("=" in text or ":" in text) and any(w in low for w in _PAIR_WORDS):
        text = _PAIR.sub(_pair, text)  # per-pair Python work only on lines with a secret-ish word
    if _TOKEN_HINT.search(text):
        text = TOKEN_SHAPES.sub(MASK, text)
    return text
