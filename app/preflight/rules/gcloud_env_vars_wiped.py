"""Variables the reachable code reads that the plan (and the image) do not set; and --set-env-vars scripts.

A read with no default at module level (or a settings field with no default) stops the app at start-up:
an error when the entry point is known. Inside a function it fails only when that code runs (warning);
an optional read gives None (warning); a read with a default is not missing (info).
"""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight import envscan
from launchdeck.app.preflight.envvalues import missing_reads, where_of
from launchdeck.app.preflight.facts import join_names
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="gcloud-env-vars-wiped", severity="error", evidence=("code", "tree"),
            signature="gcloud-env-vars-wiped")


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.with_source():
        missing = missing_reads(f)
        if not missing:
            continue
        groups: dict[tuple[str, str | None], list[envscan.EnvRead]] = {}
        for r in missing.values():
            if r.kind == envscan.REQUIRED and f.confident and not r.in_function:
                key = ("error", None)
            elif r.kind == envscan.REQUIRED:
                key = ("warning", None)
            elif r.kind == envscan.OPTIONAL:
                key = ("warning", "soft")
            else:
                key = ("info", "default")
            groups.setdefault(key, []).append(r)
        for (severity, variant), group in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            first = min(group, key=lambda r: (str(r.file), r.line))
            yield render(RULE.id, service=f.name, variant=variant, severity=severity, path=f"services.{f.name}.env",
                         names=join_names({r.name for r in group}), where=f"first at {where_of(first, inp.root)}")
