"""Uploads above Cloud Run's 32 MiB HTTP/1 request limit: in the plan (ingress.max_upload_mb) or in the
app's own settings (Django DATA_UPLOAD_MAX_MEMORY_SIZE, Flask MAX_CONTENT_LENGTH, multer/body-parser limits,
nginx client_max_body_size)."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight import codechecks as code
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="cr-request-too-large-413", severity="error", evidence=("plan", "code"),
            signature="cr-request-too-large-413")
CLOUD_RUN_MAX_BODY_MIB = 32


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target not in CLOUD_RUN_TARGETS:
        return
    mb = inp.plan.ingress.max_upload_mb
    if mb is not None:
        if mb > CLOUD_RUN_MAX_BODY_MIB:
            yield render(RULE.id, path="ingress.max_upload_mb", mb=mb)
        return
    for f in inp.with_source():
        if f.effective.role in ("web", "websocket") and inp.root is not None:
            found = list(code.upload_limit_findings(f, inp.root, list(f.code_files)))
            yield from found
            if found:
                return
