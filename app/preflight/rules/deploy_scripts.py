"""The team's own deploy scripts and CI: `gcloud run deploy` of a queue worker or of a public front end
with --no-allow-unauthenticated, --set-env-vars that wipes variables or splits on commas."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.finding_catalog import Finding
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.scripts import script_findings

RULE = Rule(id="cr-invoker-permission-denied", severity="warning", evidence=("tree",),
            signature="cr-invoker-permission-denied",
            also=("cr-worker-deployed-as-service", "gcloud-env-vars-wiped", "gcloud-env-vars-bad-syntax"))


def check(inp: RuleInput) -> Iterator[Finding]:
    assert inp.root is not None
    yield from (x for x in script_findings(inp.root, arm_hint=False) if x.id != "cr-exec-format-error")
