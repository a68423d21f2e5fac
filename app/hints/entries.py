"""Where the message hides in a JSON log entry (Cloud Logging LogEntry, pino, structlog, docker json).

`entry_texts(obj)` returns the texts worth matching, in order: the message fields (split into
lines when they hold a traceback or a stack), then a compact `httpRequest` rendering so that the
request-log signatures (413 with a large requestSize, a 101 that lasted the request timeout) can
match, then load-balancer `statusDetails`.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

_MESSAGE_KEYS = ("message", "msg", "textPayload", "log", "error", "exception", "stack_trace", "stack", "err")


def _text_of(key: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        out: list[tuple[str, str]] = []
        for sub in ("message", "msg", "stack", "stack_trace", "exception"):
            if sub in value:
                out += _text_of(sub, value[sub])
        return out
    return []


def entry_fields(obj: Any) -> list[tuple[str, str]]:
    """(json key the text came from, one line of text) pairs, in display order."""
    if not isinstance(obj, dict):
        return []
    texts: list[tuple[str, str]] = []
    if isinstance(obj.get("textPayload"), str):
        texts.append(("textPayload", obj["textPayload"]))
    payload = obj.get("jsonPayload")
    if isinstance(payload, dict):
        for key in _MESSAGE_KEYS:
            if key in payload:
                texts += _text_of(key, payload[key])
        if isinstance(payload.get("statusDetails"), str):
            texts.append(("statusDetails", "statusDetails: " + payload["statusDetails"]))
    proto = obj.get("protoPayload")
    if isinstance(proto, dict):
        status = proto.get("status")
        if isinstance(status, dict) and isinstance(status.get("message"), str):
            texts.append(("message", status["message"]))
        response = proto.get("response")
        if isinstance(response, dict) and isinstance(response.get("status"), dict):
            for c in response["status"].get("conditions", []) or []:
                if isinstance(c, dict) and isinstance(c.get("message"), str):
                    texts.append(("message", c["message"]))
    if payload is None and "textPayload" not in obj and "protoPayload" not in obj:
        # Not a LogEntry: pino / structlog / docker json-file lines.
        for key in _MESSAGE_KEYS:
            if key in obj:
                texts += _text_of(key, obj[key])
    http = obj.get("httpRequest")
    if isinstance(http, dict) and http.get("status") is not None:
        texts.append(("status", render_http(http)))
    lines: list[tuple[str, str]] = []
    for key, t in texts:
        lines += [(key, x) for x in (t.splitlines() or [""])]
    return lines


def entry_texts(obj: Any) -> list[str]:
    return [t for _k, t in entry_fields(obj)]


def render_http(http: dict) -> str:
    """Compact JSON of an httpRequest, numbers normalised the way the REST API prints them."""
    h = dict(http)
    with contextlib.suppress(TypeError, ValueError):
        h["status"] = int(h["status"])
    for key in ("requestSize", "responseSize"):
        if key in h and h[key] is not None:
            with contextlib.suppress(TypeError, ValueError):
                h[key] = str(int(float(h[key])))
    return '"httpRequest":' + json.dumps(h, separators=(",", ":"), default=str)


def parse_json_line(line: str) -> Any:
    s = line.strip()
    if not (s.startswith("{") and s.endswith("}")):
        return None
    try:
        return json.loads(s)
    except ValueError:
        return None


def entry_timestamp(obj: Any) -> str | None:
    if isinstance(obj, dict):
        for key in ("timestamp", "time", "receiveTimestamp", "ts"):
            v = obj.get(key)
            if isinstance(v, str):
                return v
    return None
