"""The one secret detector: what a name says and what a value looks like, judged together.

Shared by compose import, doctor, `generate` and log redaction, so they agree on what a secret is.

A value is a secret by its *shape* wherever it appears (credentials inside a URL, a libpq conninfo
`password=`, a known token prefix, a JWT, a PEM private key, a Slack or Discord webhook). A *name*
makes a value a secret only when the name ends in what it holds (`DB_PASSWORD`, `STRIPE_SECRET_KEY`,
`GITHUB_TOKEN`), or names a secret somewhere inside (`SECRET_KEY_BASE`) and the value does not look
like plain configuration. A name that talks *about* a secret (`PASSWORD_MIN_LENGTH`, `JWT_ALGORITHM`,
`SETTING_AUTHENTICATION_BACKENDS: EmailAuthBackend`) is judged by its value alone, and a URL without
credentials (`http://n8n:5679`) is never a secret because of its name.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

# --- value shapes --------------------------------------------------------------------------------

# scheme://user:password@host (the user may be empty: redis://:pw@redis). The password may hold `/`
# or `@`: it runs to the last `@` that is followed by a host. A numeric "password" followed by `/` is
# a port (https://host:8080/x@y).
_URL_CREDS = re.compile(
    r"(?P<scheme>\b[a-z][a-z0-9+.-]{1,20})://(?P<user>[^\s:@/'\"`<>(){}\[\]]*):"
    r"(?P<pw>(?:(?!://)[^\s'\"`<>])*)@(?=[A-Za-z0-9\[_-])",
    re.IGNORECASE,
)
# The rest of a URL after `@`: host, port, path, query; stops at whitespace, quotes, `}` and `)`.
_URL_REST = re.compile(r"[^\s'\"`<>(){}|;,]*")
# A token in the user part with no password: Sentry DSNs (https://<key>@o1.ingest.sentry.io/2).
_URL_TOKEN_USER = re.compile(r"\b(?:https?)://(?P<user>[0-9a-f]{32}|[A-Za-z0-9_-]{32,})@(?=[A-Za-z0-9])")
# Query parameters that carry a credential (`?access_token=`, `&password=`).
_QUERY_SECRET = re.compile(r"[?&](?:access_?token|auth_?token|token|api_?key|apikey|key|password|passwd|pass|secret|"
                           r"client_secret|sig|signature|x-amz-signature)=(?P<v>[^&\s'\"#]{6,})", re.IGNORECASE)
_QUERY_WORDS = ("token", "key", "pass", "secret", "sig")
# libpq / ADO / JDBC style `password=...` inside a connection string (quoted or not), also as the
# last part of a dotted property (`-Dspring.datasource.password=...` in JAVA_OPTS).
# An unquoted value runs on over a `;` that does not start the next `Key=` (ADO: `Password=a;b;Encrypt=true`).
_CONNINFO = re.compile(r"(?<![\w-])(?:password|passwd|pwd|accountkey|sharedaccesskey|_authtoken|_auth|"
                       r"client_secret)\s*=\s*(?P<v>'(?:[^'\\]|\\.)*'|\"[^\"]*\"|"
                       r"(?:[^\s;'\"&]|;(?![ \t]*[A-Za-z_][\w .-]*=)(?=[^\s;]))+)", re.IGNORECASE)
_CONNINFO_WORDS = ("pass", "pwd", "accountkey", "sharedaccesskey", "_auth", "client_secret")
# An HTTP credential header written out: in a healthcheck's curl, an env value, a log line.
_AUTH_HEADER = re.compile(
    r"(?i)\b(?:proxy-)?authorization\s*:\s*(?:(?:basic|bearer|token|digest|apikey|negotiate)\s+)?"
    r"(?P<v>[A-Za-z0-9._~+/=:-]{8,})"
    r"|\b(?:x-api-key|api-key|x-auth-token|private-token|x-vault-token|x-goog-api-key)\s*:\s*(?P<k>[A-Za-z0-9._~+/=-]{8,})"
    r"|^\s*(?:basic|bearer)\s+(?P<b>[A-Za-z0-9._~+/=-]{12,})\s*$"  # a header's value on its own
)
# base64 of "-----BEGIN ... PRIVATE KEY": a key kept base64-encoded (Kubernetes Secret data, CI variables).
_PEM_B64 = re.compile(r"\bLS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2}")
_WEBHOOKS = re.compile(
    r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,}|"
    r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{20,}|"
    r"https://[a-z0-9-]+\.webhook\.office\.com/\S{20,}"
)
_PEM = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# Known token prefixes, each with enough characters after it to be a real token, not a mention.
_TOKENS: tuple[tuple[str, str], ...] = (
    ("github", r"github_pat_[A-Za-z0-9_]{22,}|\bgh[pousr]_[A-Za-z0-9]{30,}"),
    ("gitlab", r"\bglpat-[A-Za-z0-9_-]{20,}"),
    ("openai", r"\bsk-(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    ("stripe", r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}|\bwhsec_[0-9A-Za-z]{20,}"),
    ("slack", r"\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-\d-[A-Za-z0-9-]{10,}"),
    ("aws", r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
    ("google", r"\bAIza[0-9A-Za-z_\-]{35}|\bya29\.[0-9A-Za-z_\-]{20,}|\bGOCSPX-[0-9A-Za-z_\-]{20,}"),
    ("sendgrid", r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"),
    ("mailgun", r"\bkey-[0-9a-f]{32}\b"),
    ("npm", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("pypi", r"\bpypi-AgE[A-Za-z0-9_-]{40,}"),
    ("huggingface", r"\bhf_[A-Za-z0-9]{30,}"),
    ("digitalocean", r"\bdo[pro]_v1_[a-f0-9]{64}"),
    ("shopify", r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"),
    ("sentry", r"\bsntry[su]_[A-Za-z0-9_=+/-]{30,}"),
    ("twilio", r"\bSK[0-9a-f]{32}\b"),
    ("vault", r"\bhv[sb]\.[A-Za-z0-9_-]{24,}"),
    ("mailchimp", r"\b[0-9a-f]{32}-us\d{1,2}\b"),
    ("telegram", r"\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b"),
    ("doppler", r"\bdp\.(?:st|ct|sa|scim|audit)\.[A-Za-z0-9_.-]{20,}"),
    ("jwt", r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{0,}"),
)
_TOKEN_RULES = tuple((kind, re.compile(rx)) for kind, rx in _TOKENS)
# Literal pieces of the prefixes above: a substring test per piece is far cheaper than the patterns.
_TOKEN_HINTS = ("gh", "_pat_", "glpat-", "sk-", "sk_", "rk_", "whsec_", "xox", "xapp-", "AKIA", "ASIA", "ABIA",
                "ACCA", "AIza", "ya29.", "GOCSPX", "SG.", "key-", "npm_", "pypi-", "hf_", "_v1_", "shp", "sntry", "SK",
                ":AA", "dp.", "eyJ", "hvs.", "hvb.", "-us")
# A bare random-looking string: long, several character classes, and a spread of characters.
_BLOB = re.compile(r"^[A-Za-z0-9+/=_\-.~!$%^*#:]{24,}$")


@dataclass(frozen=True)
class Hit:
    """A secret inside a text: `start:end` is the whole thing to replace with a reference (a URL, a
    token); `secret_start:secret_end` is the part to mask when showing it (a URL's password)."""

    kind: str
    start: int
    end: int
    secret_start: int
    secret_end: int


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def random_looking(value: str, min_len: int = 24) -> bool:
    """A key-like string: long, no spaces, mixed character classes, high entropy; not a path or URL."""
    v = value.strip()
    if len(v) < min_len or not _BLOB.match(v) or "://" in v or v.startswith(("/", "./", "~")):
        return False
    if re.fullmatch(r"[0-9a-f]{32,}|[0-9A-F]{32,}", v):  # hex: a key (openssl rand -hex) or a digest
        return len(v) in (32, 48, 64, 96, 128) and entropy(v) >= 3.5
    if re.fullmatch(r"[0-9a-fA-F-]{36}", v) or re.fullmatch(r"(sha\d+|md5):[0-9a-f]+", v):  # uuid, digest
        return False
    if re.match(r"[a-z0-9.-]+\.[a-z]{2,}(:\d+)?(/|$)", v, re.IGNORECASE) or not re.search(r"\d", v) or \
            not re.search(r"[A-Za-z]", v):
        return False  # an image or host path; random keys have digits and letters
    classes = sum(bool(re.search(p, v)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    return classes >= 3 and entropy(v) >= 4.0


def find_secrets(text: str) -> list[Hit]:
    """Every secret-shaped part of `text`, by shape alone (no name needed), in order, not overlapping."""
    if not isinstance(text, str) or len(text) < 8:
        return []
    hits: list[Hit] = []
    low = text.lower()
    if "://" in text and "@" in text:
        for m in _URL_CREDS.finditer(text):
            pw = m.group("pw")
            if not pw or re.fullmatch(r"\d{1,5}(/.*)?", pw) or _is_reference(pw):
                continue
            rest = _URL_REST.match(text, m.end())
            end = rest.end() if rest else m.end()
            hits.append(Hit("url-credentials", m.start(), end, m.start("pw"), m.end("pw")))
        for m in _URL_TOKEN_USER.finditer(text):
            rest = _URL_REST.match(text, m.end())
            hits.append(Hit("url-token", m.start(), rest.end() if rest else m.end(), m.start("user"), m.end("user")))
    if "hooks" in text or "discord" in text:
        for m in _WEBHOOKS.finditer(text):
            start = m.start() + m.group(0).index("/", 8)
            hits.append(Hit("webhook-url", m.start(), m.end(), start + 1, m.end()))
    if "=" in text and ("?" in text or "&" in text) and any(w in low for w in _QUERY_WORDS):
        for m in _QUERY_SECRET.finditer(text):
            if not _is_reference(m.group("v")):
                hits.append(Hit("url-query", m.start("v"), m.end("v"), m.start("v"), m.end("v")))
    if "=" in text and any(w in low for w in _CONNINFO_WORDS):
        for m in _CONNINFO.finditer(text):
            v = m.group("v")
            inner = v[1:-1] if v[:1] in "'\"" else v
            if inner and not _is_reference(inner) and inner.lower() not in ("true", "false", "none", "null"):
                s = m.start("v") + (1 if v[:1] in "'\"" else 0)
                hits.append(Hit("conninfo-password", s, s + len(inner), s, s + len(inner)))
    if ":" in text and ("auth" in low or "-key" in low or "token" in low) or low.lstrip().startswith(("basic ", "bearer ")):
        for m in _AUTH_HEADER.finditer(text):
            g = "v" if m.group("v") else "k" if m.group("k") else "b"
            if not _is_reference(m.group(g)) and m.group(g).lower() not in ("realm", "required", "none", "null"):
                hits.append(Hit("auth-header", m.start(g), m.end(g), m.start(g), m.end(g)))
    if "LS0tLS1CRUdJTi" in text:
        for m in _PEM_B64.finditer(text):
            if _b64_private_key(m.group()):
                hits.append(Hit("private-key", m.start(), m.end(), m.start(), m.end()))
    if "PRIVATE KEY" in text:
        for m in _PEM.finditer(text):
            end_m = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----").search(text, m.end())
            end = end_m.end() if end_m else len(text)
            hits.append(Hit("private-key", m.start(), end, m.end(), end_m.start() if end_m else end))
    if any(h in text for h in _TOKEN_HINTS):
        for kind, rx in _TOKEN_RULES:
            for m in rx.finditer(text):
                hits.append(Hit(f"token:{kind}", m.start(), m.end(), m.start(), m.end()))
    return _disjoint(hits)


def _b64_private_key(blob: str) -> bool:
    """A base64 blob that decodes to a PEM private key header (a certificate's does not count)."""
    import base64
    import binascii

    head = blob[: len(blob[:96]) // 4 * 4]
    try:
        decoded = base64.b64decode(head, validate=False)
    except (binascii.Error, ValueError):
        return False
    return b"PRIVATE KEY" in decoded


def _disjoint(hits: list[Hit]) -> list[Hit]:
    """Keep the widest of overlapping hits (a URL holding a token is one hit)."""
    out: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    return out


def _is_reference(value: str) -> bool:
    """`${VAR}`, `$VAR`, `$(VAR)`, `%(var)s`, `{{ var }}`: a pointer to a secret, not the secret."""
    v = value.strip().strip("'\"")
    return bool(re.fullmatch(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+-][^}]*)?\}|\$\(?[A-Za-z_][A-Za-z0-9_]*\)?|"
                             r"%\([a-z_]+\)s|\{\{[^}]*\}\}|<[^<>\s]+>|\*+|x{3,}|\.\.\.", v, re.IGNORECASE))


def looks_secret_value(value: object) -> bool:
    """True when the value itself is shaped like a secret, whatever it is called."""
    if not isinstance(value, str):
        return False
    return bool(find_secrets(value)) or random_looking(value, 32)


# --- names -----------------------------------------------------------------------------------------

# Words for what a variable holds. A name ending in one holds that secret.
_NOUNS = frozenset({"PASSWORD", "PASSWORDS", "PASSWD", "PASS", "PASSPHRASE", "PASSCODE", "PWD", "SECRET", "SECRETS",
                    "TOKEN", "TOKENS", "KEY", "KEYS", "APIKEY", "DSN", "CREDENTIAL", "CREDENTIALS", "CREDS", "SALT",
                    "PEPPER", "REQUIREPASS", "MASTERAUTH", "PRIVATEKEY", "SECRETKEY", "ACCESSKEY", "AUTHTOKEN",
                    "HMAC", "PAT", "OTP", "PEM", "JWK", "JWKS", "KEYSTORE", "KEYFILE_CONTENT"})
# MYSQLPASSWORD, APPSECRET, DBPASS (but not BYPASS or COMPASS)
_GLUED = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|APIKEY|PASSPHRASE)S?$|^(DB|SMTP|MAIL|REDIS|ADMIN|ROOT|USER|MQ|LDAP|FTP|"
                    r"PG|MYSQL|SQL)PASS$")
# A key that is public or names a field rather than a secret.
_PUBLIC_KEY = frozenset({"PUBLIC", "PUBLISHABLE", "ROUTING", "SORT", "PARTITION", "FOREIGN", "CACHE", "IDEMPOTENCY",
                         "SSH_HOST", "ANON"})
# Last words that say the variable is *about* a secret, not the secret itself.
_ABOUT = frozenset({
    "ID", "IDS", "FILE", "FILES", "PATH", "DIR", "NAME", "NAMES", "USER", "USERNAME", "LOGIN", "HOST", "HOSTS",
    "PORT", "ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "EXPIRY", "EXPIRES", "EXPIRE", "EXPIRATION",
    "TTL", "LIFETIME", "TIMEOUT", "LENGTH", "LEN", "MIN", "MAX", "ALGORITHM", "ALGORITHMS", "ALG", "HEADER",
    "HEADERS", "MODE", "TYPE", "TYPES", "BACKEND", "BACKENDS", "PROVIDER", "PROVIDERS", "REGION", "PREFIX", "SUFFIX",
    "FORMAT", "POLICY", "ROTATION", "ROUNDS", "COST", "AGE", "DAYS", "HOURS", "MINUTES", "SECONDS", "MS", "SECS",
    "COUNT", "LIMIT", "SIZE", "LOCATION", "ENDPOINT", "ISSUER", "AUDIENCE", "SCOPE", "SCOPES", "METHOD", "METHODS",
    "FIELD", "PARAM", "VERSION", "STRATEGY", "STORE", "STORAGE", "CLASS", "MODULE", "HINT", "RESET", "MANAGER",
    "SERVICE", "VERIFY", "VALIDATION", "CHECK", "STRENGTH", "COMPLEXITY", "HASHER", "HASHERS", "HASHING", "ENCODER",
    "URL", "URI", "REDIRECT", "CALLBACK", "DOMAIN", "MOUNT", "VOLUME", "ENV", "LEVEL", "LOCK", "ATTEMPTS", "RETRIES",
    "INTERVAL", "DELAY", "REFRESH", "ROLE", "GROUP", "REALM", "TENANT", "ACCOUNT", "EMAIL", "NUMBER", "SECURE",
    "HTTPONLY", "SAMESITE", "TRUSTED", "ORIGINS", "ALLOWED", "LIST", "TABLE", "COLUMN", "BUCKET", "QUEUE", "TOPIC",
})
# Names of connection strings, which hold a password when they hold anything.
_CONNECTION = re.compile(
    r"^(?:[A-Z0-9_]*_)?(?:DATABASE|DB|POSTGRES|POSTGRESQL|PG|PSQL|MYSQL|MARIADB|MONGO|MONGODB|REDIS|VALKEY|BROKER|AMQP|"
    r"RABBITMQ|RABBIT|CELERY_BROKER|CELERY_RESULT_BACKEND|CACHE|SQLALCHEMY_DATABASE|KAFKA|NATS|ELASTICSEARCH|"
    r"CLICKHOUSE|CONNECTION|CONN|SMTP|EMAIL|MAIL|LDAP)_?(?:URL|URI|DSN|STRING|STR)$|"
    r"^CELERY_RESULT_BACKEND$|^CONNECTION_STRING$|^(?:[A-Z0-9_]*_)?CONN(ECTION)?_STR(ING)?$"
)
# Prefixes a frontend build makes public on purpose: judged by the value alone.
_PUBLIC_PREFIX = re.compile(r"^(NEXT_PUBLIC_|VITE_|REACT_APP_|PUBLIC_|NUXT_PUBLIC_|EXPO_PUBLIC_|GATSBY_)")
_SPLIT = re.compile(r"[_\-.\s]+|(?<=[a-z0-9])(?=[A-Z])")


def name_words(name: str) -> list[str]:
    return [w.upper() for w in _SPLIT.split(name.strip()) if w]


def name_strength(name: str) -> str | None:
    """How much a variable's name says about its value.

    "holds": the name ends in what it holds (DB_PASSWORD, API_KEY, SECRET_KEY);
    "mentions": a secret word inside, the value decides (SECRET_KEY_BASE, REDIS_AUTH, PASSWORD_PEPPER_X);
    "connection": a connection string (DATABASE_URL), a secret when it carries credentials;
    None: nothing (LOG_LEVEL), a public frontend variable, or a name about a secret (JWT_ALGORITHM).
    """
    if not isinstance(name, str) or not name.strip() or _PUBLIC_PREFIX.match(name.upper()):
        return None
    upper = "_".join(name_words(name))
    if _CONNECTION.match(upper):
        return "connection"
    words = name_words(name)
    last = words[-1]
    if last in _ABOUT:
        return None
    if last == "DSN":
        return "connection"  # SENTRY_DSN: the key sits inside the URL, so the value's shape decides
    if last in _NOUNS or _GLUED.search(last):
        if last in ("KEY", "KEYS") and len(words) > 1 and (words[-2] in _PUBLIC_KEY or
                                                           "_".join(words[-3:-1]) in _PUBLIC_KEY):
            return None
        if last in ("OTP", "PAT", "PASS") and len(words) == 1:
            return "mentions"
        return "holds"
    if any(w in _NOUNS or w == "PRIVATE" or _GLUED.search(w) for w in words[:-1]) or last.endswith("AUTH"):
        return "mentions"
    return None


def looks_secret_name(name: str) -> bool:
    """True for names that hold a secret: DB_PASSWORD, STRIPE_SECRET_KEY, SENTRY_DSN, DATABASE_URL.

    Used when there is no value to look at (`environment: [GITHUB_TOKEN]`, names from an env_file).
    """
    return name_strength(name) is not None


_WORDISH = re.compile(r"^(true|false|yes|no|on|off|none|null|nil|enabled?|disabled?|required|optional|auto|"
                      r"default|local|memory|redis|db|database|cookie|cookies|session|jwt|basic|bearer|oauth2?|"
                      r"oidc|saml|ldap|plain|login|cram-md5|md5|scram-sha-256|trust|peer|hs\d{3}|rs\d{3}|es\d{3})$",
                      re.IGNORECASE)


def plain_config(value: str) -> bool:
    """Looks like configuration, not key material: a number, a flag, a duration, a URL without
    credentials, a path, a module or class name, a short word."""
    v = value.strip().strip("'\"")
    if not v or _WORDISH.match(v) or _is_reference(v):
        return True
    if re.fullmatch(r"[-+]?\d+(\.\d+)?\s*[a-zA-Z]{0,7}", v):  # 3600, 1.5, 30d, 15min, 10MB
        return True
    if "://" in v and not find_secrets(v):
        return True
    if v.startswith(("/", "./", "../", "~/")) and " " not in v:
        return True
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+", v):  # django.contrib.auth.X
        return not random_looking(v)
    if re.fullmatch(r"(?:[A-Z][a-z0-9]+){2,}", v):  # EmailAuthBackend
        return True
    if re.fullmatch(r"[a-z][a-z_-]{0,15}", v) and entropy(v) < 3.6:  # a word: `smtp`, `none-auth`
        return v not in ("changeme", "secret", "password")
    return bool(re.fullmatch(r"[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)+", v) and not random_looking(v))


def looks_secret(name: str, value: object) -> bool:
    """Name and value together. A value of None, empty or a reference (`${X}`) has nothing to judge,
    so the name decides; otherwise a secret-shaped value always counts, and the name counts as
    explained in `name_strength`."""
    if value is None:
        return looks_secret_name(name)
    if not isinstance(value, str):
        value = str(value)
    v = value.strip()
    if not v or _is_reference(v):
        return looks_secret_name(name)
    if find_secrets(v):
        return True
    if _PUBLIC_PREFIX.match(name.upper()):
        return False  # built into a public frontend bundle on purpose: only a known token shape counts
    if random_looking(v, 32):
        return True
    strength = name_strength(name)
    if strength == "holds":
        # Whatever a password holds is the password; only a switch or a pointer is not.
        return not (_WORDISH.match(v.strip("'\"")) or v.startswith(("/run/secrets/", "/var/run/secrets/")))
    if strength == "mentions":
        return not plain_config(v) or random_looking(v, 16)
    return False


# --- flags on a command line --------------------------------------------------------------------

# `--password X`, `--requirepass=X`, `--api-key X`, `-a X` (redis-cli): flags whose value is a secret.
SECRET_FLAG = re.compile(
    r"^--?(?:[a-z0-9]+[-_])*(?:password|passwd|pass|passphrase|requirepass|masterauth|secret|token|api[-_]?key|"
    r"access[-_]?key|secret[-_]?key|private[-_]?key|auth[-_]?token|auth|credentials?|client[-_]?secret)$",
    re.IGNORECASE,
)


def flag_holds_secret(flag: str) -> bool:
    return bool(SECRET_FLAG.match(flag))


__all__ = ["ArgSecret", "Hit", "SECRET_FLAG", "command_secrets", "entropy", "find_secrets", "flag_holds_secret", "looks_secret", "looks_secret_name",
           "looks_secret_value", "name_strength", "name_words", "plain_config", "random_looking"]


# --- secrets in a command line ---------------------------------------------------------------------

@dataclass(frozen=True)
class ArgSecret:
    """A secret inside argument `index` of a command: `start:end` of that argument is the part to replace
    with a reference, `name` a variable name for it, `what` a few words for the user (never the value)."""

    index: int
    start: int
    end: int
    name: str
    what: str


_INTERP = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+=])(?P<default>[^}]*))?\}")
_ASSIGN = re.compile(r"(?:^|(?<==)|(?<=\s))(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.+)$")
_SCHEME_NAMES = {"postgres": "DATABASE_URL", "postgresql": "DATABASE_URL", "postgis": "DATABASE_URL",
                 "mysql": "DATABASE_URL", "mariadb": "DATABASE_URL", "redis": "REDIS_URL", "rediss": "REDIS_URL",
                 "amqp": "BROKER_URL", "amqps": "BROKER_URL", "mongodb": "MONGODB_URI", "mongodb+srv": "MONGODB_URI"}
_KIND_NAMES = {"token:github": "GITHUB_TOKEN", "token:gitlab": "GITLAB_TOKEN", "token:openai": "OPENAI_API_KEY",
               "token:stripe": "STRIPE_SECRET_KEY", "token:slack": "SLACK_TOKEN", "token:aws": "AWS_ACCESS_KEY_ID",
               "token:google": "GOOGLE_API_KEY", "token:sendgrid": "SENDGRID_API_KEY", "token:jwt": "JWT_TOKEN",
               "token:huggingface": "HF_TOKEN", "private-key": "PRIVATE_KEY", "conninfo-password": "DB_PASSWORD",
               "url-query": "URL_TOKEN", "url-token": "SENTRY_DSN", "auth-header": "AUTH_HEADER_TOKEN",
               "token:vault": "VAULT_TOKEN", "token:mailchimp": "MAILCHIMP_API_KEY"}
_WHAT = {"url-credentials": "a URL with a password", "url-token": "a URL with a key in it",
         "url-query": "a credential in a URL query", "webhook-url": "a webhook URL", "private-key": "a private key",
         "conninfo-password": "a connection-string password", "token:jwt": "a JWT",
         "auth-header": "a credential in an HTTP header"}
_FLAG_SECRET_NAMES = {"REQUIREPASS": "REDIS_PASSWORD", "MASTERAUTH": "REDIS_PASSWORD", "A": "REDIS_PASSWORD",
                      "PASS": "PASSWORD", "PASSWD": "PASSWORD", "AUTH": "AUTH_TOKEN"}


def what_is(kind: str) -> str:
    if kind in _WHAT:
        return _WHAT[kind]
    return f"a {kind.split(':', 1)[1]} token" if kind.startswith("token:") else "a secret-shaped value"


def _hit_name(kind: str, text: str, hit: Hit, flag: str | None) -> str:
    if flag and flag.startswith("--"):
        base = re.sub(r"[^A-Z0-9]+", "_", flag.lstrip("-").upper()).strip("_")
        if base and kind in ("url-credentials", "url-token") and not base.endswith(("URL", "URI", "DSN")):
            base += "_URL"
        if base:
            return base
    if kind == "url-credentials":
        scheme = text[hit.start:hit.end].split("://", 1)[0].lower()
        return _SCHEME_NAMES.get(scheme.split("+")[0], _SCHEME_NAMES.get(scheme, f"{scheme.upper()}_URL"))
    if kind == "webhook-url":
        body = text[hit.start:hit.end]
        return "SLACK_WEBHOOK_URL" if "slack" in body else "DISCORD_WEBHOOK_URL" if "discord" in body else "WEBHOOK_URL"
    return _KIND_NAMES.get(kind, "SECRET_VALUE")


def command_secrets(args: list[str]) -> list[ArgSecret]:
    """Every secret in a command's arguments, by the same rules as env values: `NAME=value` judged by
    name and value, the value after a secret flag (`--password X`, `--requirepass=X`, `redis-cli -a X`),
    a compose default with a secret in it (`${BROKER_URL:-redis://:pw@redis}`), and anything
    secret-shaped (a URL with a password, a token) wherever it stands. An argument holding a shell
    script (`sh -c "celery ... -b redis://:pw@redis"`) is read word by word."""
    words = [a if isinstance(a, str) else str(a) for a in args]
    redis_cli = any(re.search(r"(^|/)redis-cli$", w) for w in words)
    mysql_cli = any(_MYSQL_TOOL.search(w) for w in words)
    out: list[ArgSecret] = []
    for i, arg in enumerate(words):
        if re.search(r"\s", arg.strip()):
            inner = [(m.start(), m.group()) for m in re.finditer(r"\S+", arg)]
            cli = redis_cli or "redis-cli" in arg
            mysql = mysql_cli or bool(_MYSQL_TOOL.search(arg))
            found_here: list[ArgSecret] = []
            for k, (offset, word) in enumerate(inner):
                prev = inner[k - 1][1].strip("'\"") if k else ""
                for found in _scan_word(i, word, prev, cli, mysql):
                    found_here.append(ArgSecret(i, offset + found.start, offset + found.end, found.name, found.what))
            # Shapes that span words (`Authorization: Basic X` inside `sh -c "curl -H '...'"`).
            for hit in find_secrets(arg):
                if hit.kind == "auth-header" and not any(f.start < hit.end and hit.start < f.end for f in found_here):
                    found_here.append(ArgSecret(i, hit.start, hit.end, _hit_name(hit.kind, arg, hit, None),
                                                what_is(hit.kind)))
            out += sorted(found_here, key=lambda f: f.start)
        else:
            out += _scan_word(i, arg, words[i - 1] if i else "", redis_cli, mysql_cli)
    return out


# Client tools that take a password glued to -p (`mysql -uroot -pS3cret`).
_MYSQL_TOOL = re.compile(r"(^|/|\s)(mysql|mariadb|mysqldump|mysqladmin|mariadb-dump|mariadb-admin|mysqlsh|mysqlimport)"
                         r"(\s|$)")
# A JVM system property (`-Dspring.datasource.password=X`), judged by its last name part.
_JVM_PROP = re.compile(r"^-D(?P<name>[A-Za-z_][\w.-]*)=(?P<value>.+)$")


def _scan_word(i: int, arg: str, prev: str, redis_cli: bool, mysql_cli: bool = False) -> list[ArgSecret]:
    found: list[ArgSecret] = []
    if mysql_cli and re.fullmatch(r"-p[^\s'\"]+", arg.strip("'\"")) and not _is_reference(arg.strip("'\"")[2:]):
        start = arg.index("-p") + 2
        return [ArgSecret(i, start, len(arg.rstrip("'\"")), "MYSQL_PASSWORD", "the value of -p")]
    jvm = _JVM_PROP.match(arg)
    if jvm:
        last = re.split(r"[.-]", jvm.group("name"))[-1]
        value = jvm.group("value").strip("'\"")
        if not _is_reference(value) and looks_secret(last.upper(), value):
            return [ArgSecret(i, jvm.start("value"), len(arg), last.upper(), f"the value of -D{jvm.group('name')}")]
    for m in _INTERP.finditer(arg):
        default = m.group("default")
        if default and (find_secrets(default) or looks_secret(m.group("name"), default)):
            found.append(ArgSecret(i, m.start(), m.end(), m.group("name"), "a compose default with a secret"))
    if found:
        return found
    flag, sep, value = arg.partition("=")
    if arg.startswith("--") and sep and flag_holds_secret(flag):
        if value and not _is_reference(value.strip("'\"")) and not plain_flag_value(value.strip("'\"")):
            return [ArgSecret(i, len(flag) + 1, len(arg), _flag_name(flag), f"the value of {flag}")]
        return []
    if prev.startswith("-") and "=" not in prev and (
            prev.startswith("--") and flag_holds_secret(prev) or prev == "-a" and redis_cli):
        bare = arg.strip("'\"")
        if not arg.startswith("-") and not _is_reference(bare) and not plain_flag_value(bare):
            return [ArgSecret(i, 0, len(arg), _flag_name(prev), f"the value of {prev}")]
    m = _ASSIGN.search(arg)
    if m and not arg.startswith("-") or m and arg.startswith("--") and "=" in arg.partition("=")[2]:
        value = m.group("value").strip("'\"")
        if not _is_reference(value) and not _INTERP.search(value) and looks_secret(m.group("name"), value):
            return [ArgSecret(i, m.start("value"), len(arg), m.group("name"), f"{m.group('name')}=…")]
    flag_prev = prev if prev.startswith("--") and "=" not in prev else None
    return [ArgSecret(i, hit.start, hit.end, _hit_name(hit.kind, arg, hit, flag_prev), what_is(hit.kind))
            for hit in find_secrets(arg)]


def plain_flag_value(value: str) -> bool:
    """After `--password`: a switch (`true`), a number or a path (`--password-file`-like use), not a password."""
    return bool(re.fullmatch(r"true|false|none|null|stdin|-|\d{1,6}", value, re.IGNORECASE)) or \
        value.startswith(("/run/secrets/", "/var/run/secrets/"))


def _flag_name(flag: str) -> str:
    base = re.sub(r"[^A-Z0-9]+", "_", flag.lstrip("-").upper()).strip("_")
    return _FLAG_SECRET_NAMES.get(base, base or "PASSWORD")
