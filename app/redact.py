"""Mask secret values in log lines and excerpts before they are shown or exported.

Uses the one detector of app/secretish.py: anything secret-shaped (a URL's password, a token, a
JWT, a PEM key, a webhook URL, a conninfo `password=`) wherever it stands; `NAME=value` and
`"name": "value"` pairs judged by name and value together (a quoted value whole, an unquoted one up
to the next `;NAME=` or `,NAME=`); `--password X` / `--requirepass=X` / `-a X` flag forms; `Bearer X`;
and a private key's body line on its own (logs arrive a line at a time, so the BEGIN line is gone).
Look-alikes stay visible: a URL without credentials, `mkdir -p /srv/x`, `-p 8080:80`, a digest.

Everything redacted is about to be shown, so `redact` also makes it safe for a terminal first
(app/termtext.py): escape sequences dropped, other controls and direction characters escaped.
"""

from __future__ import annotations

import re

from launchdeck.app.secretish import find_secrets, flag_holds_secret, looks_secret, random_looking
from launchdeck.app.termtext import safe_line

MASK = "***"

# "name": "value" / name=value / NAME: value. The value is a quoted string (to its closing quote), or
# unquoted up to whitespace, a quote, or a `;`/`,`/`&` that starts the next NAME=.
_PAIR = re.compile(
    r"""(?x)
    (?:(?<![\w.-])|(?<=\s-D))(?P<name>[A-Za-z_][\w.-]{0,80}?)  # -D: a JVM system property
    (?P<sep>["']?\s*[:=]\s*)
    (?:
      (?P<q>["'])(?P<qv>(?:\\.|(?!(?P=q)).){1,500}?)(?P=q)
      |
      (?P<v>(?:[^\s"'`;,&}\]]|[;,&](?![ \t]*[A-Za-z_][\w.-]*[ \t]*[=:])(?=\S)){1,500})
    )
    """
)
_PAIR_WORDS = ("pass", "pwd", "secret", "token", "key", "credential", "auth", "dsn", "salt", "signing", "_url", "_uri",
               "private", "session", "cookie", "conn")
_PAIR_HINT = re.compile("|".join(_PAIR_WORDS), re.IGNORECASE)
_AUTH = re.compile(r"(?i)\b(bearer|basic|token|apikey|api-key)(\s+)([A-Za-z0-9._~+/=:-]{8,})")
# --password X, --password=X, --requirepass "X", -a X (redis-cli), -p X (mysql and friends).
_FLAG = re.compile(r"""(?P<flag>(?<![\w-])--?[A-Za-z][\w-]*)(?P<sep>=|\s+)(?P<q>["']?)(?P<v>[^\s"']+)(?P=q)""")
_SHORT_SECRET_FLAGS = {"-a": re.compile(r"\bredis-cli\b"), "-p": None}
_MYSQL_ATTACHED = re.compile(r"\b(mysql|mariadb|mysqldump|mysqladmin|mariadb-dump)\b(?P<mid>[^\n]*?)\s-p(?P<v>[^\s\"']+)")
# A private key's body line: a long base64 word with both cases and digits.
_KEY_BODY = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])")


def _mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last or end <= start:
            continue
        out.append(text[last:start])
        out.append(MASK)
        last = end
    out.append(text[last:])
    return "".join(out)


def _shape_pass(text: str) -> str:
    hits = find_secrets(text)
    if not hits:
        return text
    return _mask_spans(text, [(h.secret_start, h.secret_end) for h in hits])


def _pair(m: re.Match[str]) -> str:
    name = m.group("name")
    value = m.group("qv") if m.group("q") else m.group("v")
    if value is None or MASK in value or not _PAIR_HINT.search(name):
        return m.group(0)
    bare = name.strip("-").split(".")[-1].upper().replace("-", "_")
    if not looks_secret(bare, value.replace("\\n", "\n")):
        return m.group(0)
    if m.group("q"):
        return f"{name}{m.group('sep')}{m.group('q')}{MASK}{m.group('q')}"
    return f"{name}{m.group('sep')}{MASK}"


def _flag(m: re.Match[str], text: str) -> str:
    flag, value = m.group("flag"), m.group("v")
    if MASK in value or value.startswith("-"):
        return m.group(0)
    if flag.startswith("--"):
        secret = flag_holds_secret(flag) and not re.fullmatch(r"(true|false|none|null|\d+|stdin|-)", value, re.I)
        if secret and m.group("sep") != "=" and value.startswith(("/", "./", "~")):
            secret = False  # --password-file style paths are not the secret
    elif flag in _SHORT_SECRET_FLAGS:
        tool = _SHORT_SECRET_FLAGS[flag]
        if tool is not None and not tool.search(text[: m.start()]):
            return m.group(0)
        # -p is a port (-p 8080:80, -p 5432), a path (mkdir -p /srv) or a password (-p hunter2).
        secret = flag == "-a" or not re.fullmatch(r"[\d.:/\[\]-]+(/(tcp|udp))?|[/~.$].*|[a-z_-]+|"
                                                  r"[\w.-]+\.(json|ya?ml|toml|cfg|conf|ini|txt|js|ts|py|xml)", value)
    else:
        return m.group(0)
    if not secret:
        return m.group(0)
    return f"{flag}{m.group('sep')}{m.group('q')}{MASK}{m.group('q')}"


def redact(text: str) -> str:
    """`text` with secret values replaced by ***, safe to show on a terminal; everything else unchanged."""
    if not text:
        return text
    text = _shape_pass(safe_line(text))
    low = text.lower()
    if "bearer" in low or "basic" in low or "token" in low or "apikey" in low or "api-key" in low:
        text = _AUTH.sub(lambda m: m.group(1) + m.group(2) + (m.group(3) if MASK in m.group(3) else MASK), text)
    if ("=" in text or ":" in text) and any(w in low for w in _PAIR_WORDS):
        text = _PAIR.sub(_pair, text)  # per-pair Python work only on lines with a secret-ish word
    if (" -" in text or text.startswith("-")) and (" --" in text or text.startswith("--") or " -a " in text or
                                                   " -p" in text):
        text = _FLAG.sub(lambda m: _flag(m, text), text)
        text = _MYSQL_ATTACHED.sub(lambda m: f"{m.group(1)}{m.group('mid')} -p{MASK}", text)
    if len(text) >= 40 and not ("CERTIFICATE-----" in text and "PRIVATE" not in text):  # a certificate is public
        text = _KEY_BODY.sub(lambda m: MASK if _key_body(m.group(0)) else m.group(0), text)
    return text


def _key_body(word: str) -> bool:
    """Base64 key material (a PEM body line, a raw key): not hex, not a path, mixed case and digits."""
    if "/" in word and re.search(r"/[a-z]+/", word) and not re.search(r"[A-Z].*[0-9]|[0-9].*[A-Z]", word):
        return False
    return bool(re.search(r"[a-z]", word) and re.search(r"[A-Z]", word) and re.search(r"[0-9]", word)) and \
        random_looking(word, 40)
