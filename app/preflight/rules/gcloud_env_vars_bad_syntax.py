"""A comma inside an env value: hand-made `gcloud --set-env-vars` splits on it."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.app.preflight.envvalues import plain_env
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="gcloud-env-vars-bad-syntax", severity="info", evidence=("plan", "tree"),
            signature="gcloud-env-vars-bad-syntax")


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target not in CLOUD_RUN_TARGETS:
        return
    for f in inp.facts():
        for key, value, path in plain_env(f):
            if "," in value:
                yield render(RULE.id, service=f.name, path=path, name=key)
