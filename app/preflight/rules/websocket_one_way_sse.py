"""A WebSocket that only pushes to the client: Server-Sent Events would fit a request-based platform better."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight import codechecks as code
from launchdeck.app.preflight.finding_catalog import Finding
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="websocket-one-way-sse", severity="info", evidence=("code",))


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target == "compose":
        return
    for f in inp.with_source():
        if f.effective.role == "websocket" and inp.root is not None:
            yield from code.one_way_socket(f, inp.root, list(f.py_files + f.js_files))
