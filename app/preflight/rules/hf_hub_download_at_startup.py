"""Model weights downloaded at import time: every new instance downloads them before it can serve."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight import codechecks as code
from launchdeck.app.preflight.finding_catalog import Finding
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="hf-hub-download-at-startup", severity="warning", evidence=("code",),
            signature="hf-hub-download-at-startup")


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.with_source():
        if f.effective.role != "job" and inp.root is not None:
            yield from (x for x in code.model_download_findings(f, inp.root, list(f.py_files), inp.target)
                        if x.id == RULE.id)
