"""Mask secret-looking values in log lines before they are shown or exported.

Covers Google API keys, bearer/basic tokens, passwords inside connection URLs, `NAME=value`
pairs whose name looks secret (PASSWORD=, DB_PASSWORD:, "api_key": ...), JWTs, private key
blocks and the token shapes of app.secretish (Stripe, GitHub, Slack, AWS).
"""

from __future__ import annotations

import re

from app.secretish import TOKEN_SHAPES, looks_secret_name

MASK = "***"

_PRIVATE_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
_GOOGLE_KEY = re.compile(r"AIza[0-9A-Za-z_\-]{35}")
_AUTH = re.compile(r"(?i)\b(bearer|basic|token)(\s+)([A-Za-z0-9._~+/=-]{8,})")
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@\"']*:)([^/\s@\"']+)(@)")
# NAME=value / NAME: value / "name": "value" where NAME looks secret.
_PAIR = re.compile(
    r"""(?ix)
    (?P<name>[A-Za-z_][\w.-]*)
    (?P<sep>["']?\s*[:=]\s*)
    (?P<q>["']?)
    (?P<value>[^\s"',;&}\]=]++)(?!=)   # NAME=OTHER=value: let the inner pair match instead
    """
)
_SCHEMES = {"bearer", "basic", "token", "true", "false", "none", "null", "required", "missing"}
_PAIR_HINT = re.compile(r"(?i)pass|pwd|secret|token|key|credential|auth|dsn|salt|signing|_url|_uri")


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
        text = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + m.group(3), text)
    text = _AUTH.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    if "=" in text or ":" in text:
        text = _PAIR.sub(_pair, text)
    return TOKEN_SHAPES.sub(MASK, text)
