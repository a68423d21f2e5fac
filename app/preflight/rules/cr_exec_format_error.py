"""An image built for the wrong CPU architecture: arm64 FROM lines, $BUILDPLATFORM final stages, local
build-and-push scripts without --platform linux/amd64, compose `platform: linux/arm64` pins."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.finding_catalog import Finding
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.scripts import arm64_evidence, script_findings
from launchdeck.app.preflight.source_checks import compose_file_findings, compose_files, dockerfile_findings

RULE = Rule(id="cr-exec-format-error", severity="error", evidence=("tree",), signature="cr-exec-format-error")


def check(inp: RuleInput) -> Iterator[Finding]:
    assert inp.root is not None
    contexts = list(inp.with_source())
    yield from (x for x in dockerfile_findings(contexts, inp.target, inp.root) if x.id == RULE.id)
    arm_hint = arm64_evidence([c.dockerfile.path for c in contexts if c.dockerfile] + compose_files(inp.root))
    yield from (x for x in script_findings(inp.root, arm_hint) if x.id == RULE.id)
    yield from (x for x in compose_file_findings(inp.root, inp.target) if x.id == RULE.id)
