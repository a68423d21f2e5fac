"""The server listens on a port other than the one the platform sends traffic and probes to.

Evidence: a literal port in the start command (or a server's fixed default: uvicorn 8000, streamlit 8501,
flask run 5000), a Node `listen(3000)` or Go `":8081"` that ignores $PORT, and a web service whose image
runs a plain script that imports no HTTP server (warning: it probably never listens).
"""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight import codechecks as code
from launchdeck.app.preflight.entry import hard_coded_port
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="cr-container-failed-to-listen-on-port", severity="error", evidence=("plan", "code"),
            signature="cr-container-failed-to-listen-on-port")


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        svc = f.effective
        if svc.role not in ("web", "websocket") or not f.start.text:
            continue
        expected = svc.port if svc.port is not None else (8080 if inp.target in CLOUD_RUN_TARGETS else None)
        found_one = False
        if expected is not None:
            for where, line in f.start.lines():
                port = hard_coded_port(line, f.env_names or set(svc.env) | set(svc.secrets))
                if port is not None and port != expected:
                    found_one = True
                    yield render(RULE.id, service=f.name, path=f"services.{f.name}.port", where=where, found=port,
                                 expected=expected)
                    break
        if f.directory is None or inp.root is None or found_one:
            continue
        yield from (x for x in code.node_listen(f, inp.root, list(f.js_files), inp.target) if x.id == RULE.id)
        yield from (x for x in code.go_listen(f, inp.root, inp.target, list(f.go_files)) if x.id == RULE.id)
        if f.resolved and f.service.role in ("web", "websocket") and not f.service.command:
            yield from code.no_server_findings(f, inp.root, f.start, list(f.import_sites), list(f.js_files))
