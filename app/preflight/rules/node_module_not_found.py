"""A Node import, in a file the entry point reaches, that package.json does not list."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.facts import join_names
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.nodeimports import missing_imports
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.walk import rel

RULE = Rule(id="node-module-not-found", severity="warning", evidence=("code",))


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.with_source():
        if not f.js_files or f.directory is None:
            continue
        missing = missing_imports(f.directory, list(f.js_files))
        if missing:
            first = missing[0]
            yield render(RULE.id, service=f.name, path=f"services.{f.name}.build",
                         where=f"{rel(first.file, inp.root) if inp.root else first.file}:{first.line}",
                         modules=join_names({m.package for m in missing}))
