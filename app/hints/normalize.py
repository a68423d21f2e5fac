"""Line clean-up before matching: ANSI colours and the prefixes real log tools add.

Only candidate lines (after the literal prefilter) and their context lines are normalised, so
this is off the hot path.
"""

from __future__ import annotations

import re

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
_TS = r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"
_SEV = r"(?:DEFAULT|DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|CRITICAL|ALERT|EMERGENCY)"
# One pass strips, in order: compose `svc-1  | `, kubectl `[pod/x/c] `, a leading timestamp
# (compose/kubectl --timestamps, GitHub Actions, gcloud table/value) with an optional severity
# column, BuildKit `#12 4.123 `, and GitHub Actions `##[error]`.
_PREFIX = re.compile(
    r"^(?:[A-Za-z0-9][\w.-]*\s+\|\s?)?"
    r"(?:\[(?:pod/)?[^\]\s]+/[^\]\s]+\]\s)?"
    rf"(?:{_TS}\s+{_SEV}\s+|{_TS}\s)?"  # one separator only: a traceback's indentation survives
    r"(?:#\d+ (?:\d+\.\d+ )?)?"
    r"(?:##\[\w+\])?"
)
# kubectl --prefix without pod/ and a plain `svc | ` both handled above; gcloud value() uses tabs.


def gcloud_text_column(lines: list[str]) -> int | None:
    """Start of the last column of a `gcloud ... --format=table(...)` listing, from its header."""
    for line in lines[:3]:
        m = _GCLOUD_HEADER.match(line)
        if m:
            return m.start(2)
    return None


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text) if "\x1b" in text else text


def normalize(line: str) -> str:
    """The message part of a raw log line."""
    if "\x1b" in line:
        line = ANSI.sub("", line)
    m = _PREFIX.match(line)
    if m and m.end():
        line = line[m.end():]
    return line.rstrip("\r\n")


_TS_ANY = re.compile(r"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?)")


def timestamp_key(line: str) -> str | None:
    """A sortable timestamp string from the start of a line (or inside a JSON entry)."""
    m = _TS_ANY.search(line[:200])
    return m.group(1).replace(" ", "T").replace(",", ".") if m else None


def newest_first(lines: list[str]) -> bool:
    """True when the timestamps in these lines mostly go backwards (`gcloud logging read`)."""
    stamps = [t for t in (timestamp_key(x) for x in lines) if t]
    down = sum(1 for a, b in zip(stamps, stamps[1:], strict=False) if b < a)
    up = sum(1 for a, b in zip(stamps, stamps[1:], strict=False) if b > a)
    return down >= 2 and down > 2 * up


_COMPOSE = re.compile(r"^(?:\x1b\[[0-9;]*m)*[A-Za-z0-9][\w.-]*\s+(?:\x1b\[[0-9;]*m)*\|")
_KUBECTL = re.compile(r"^\[pod/")
_GHA = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ")
_GCLOUD_HEADER = re.compile(r"^(TIMESTAMP|SEVERITY)\s+.*(TEXT_PAYLOAD|MESSAGE|TEXT|JSON_PAYLOAD)", re.IGNORECASE)
_YAML_ENTRY = re.compile(r"^(insertId|logName|textPayload|jsonPayload|protoPayload|httpRequest|receiveTimestamp):")
_BUILDKIT = re.compile(r"^#\d+ (\d+\.\d+ |\[|DONE|ERROR|CACHED|sha256)")


def detect_format(sample: list[str]) -> str:
    """plain | compose | kubectl | gcloud | gcloud-yaml | github-actions | buildkit | jsonl | json-array."""
    lines = [x for x in sample if x.strip()]
    if not lines:
        return "plain"
    first = lines[0].lstrip()
    if first.startswith("["):
        # `[pod/...]` is kubectl; `[` followed by `{` or a lone `[` is a JSON array.
        if _KUBECTL.match(first):
            return "kubectl"
        rest = first[1:].lstrip()
        if not rest or rest.startswith("{"):
            return "json-array"
    n = len(lines)

    def share(rx: re.Pattern) -> float:
        return sum(1 for x in lines if rx.match(x)) / n

    if sum(1 for x in lines if x.lstrip().startswith("{")) / n >= 0.5:
        return "jsonl"
    if any(x.rstrip() == "---" for x in lines[:3]) and any(_YAML_ENTRY.match(x) for x in lines):
        return "gcloud-yaml"  # `gcloud logging read` default output: YAML documents
    if any(_GCLOUD_HEADER.match(x) for x in lines[:3]):
        return "gcloud"
    if share(_KUBECTL) >= 0.5:
        return "kubectl"
    if share(_COMPOSE) >= 0.5:
        return "compose"
    if share(_GHA) >= 0.5:
        return "github-actions"
    if share(_BUILDKIT) >= 0.3:
        return "buildkit"
    if share(re.compile(rf"^{_TS}\s+{_SEV}\s")) >= 0.5:
        return "gcloud"
    return "plain"
