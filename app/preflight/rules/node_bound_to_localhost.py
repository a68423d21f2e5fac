"""A server that listens on localhost only: the platform's proxy and probes cannot reach it.

Evidence: the start command (plan command, or the image's CMD and the start scripts it runs), Python entry
modules that call app.run()/uvicorn.run() on loopback, Node `listen(port, 'localhost')`, Go
`ListenAndServe("localhost:...")`, and a Next.js standalone build without HOSTNAME=0.0.0.0 (warning).
"""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight import codechecks as code
from launchdeck.app.preflight.entry import bound_to_localhost
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="node-bound-to-localhost", severity="error", evidence=("plan", "code"),
            signature="node-bound-to-localhost")


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        if f.effective.role not in ("web", "websocket") or not f.start.text:
            continue
        key = "command" if f.service.command else "build"
        for where, line in f.start.lines():
            host = bound_to_localhost(line, f.env_names or set(f.service.env) | set(f.service.secrets))
            if host:
                yield render(RULE.id, service=f.name, path=f"services.{f.name}.{key}", where=where, host=host)
                break
        if f.directory is None or inp.root is None:
            continue
        yield from code.nextjs_hostname(f, inp.root, f.start, set(f.env_names))
        if f.entries:
            yield from code.code_binding(f, inp.root, list(f.entries), inp.target)
        yield from (x for x in code.node_listen(f, inp.root, list(f.js_files), inp.target) if x.id == RULE.id)
        yield from (x for x in code.go_listen(f, inp.root, inp.target, list(f.go_files)) if x.id == RULE.id)
