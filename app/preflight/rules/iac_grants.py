"""Secrets, Cloud SQL and buckets wired up in the team's own Terraform or scripts without the runtime
service account's role on them."""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import GCP_TARGETS
from launchdeck.app.preflight.finding_catalog import Finding
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.scripts import iam_findings

RULE = Rule(id="cloudsql-not-authorized", severity="warning", evidence=("tree",), signature="cloudsql-not-authorized",
            also=("cr-secret-access-denied", "gcs-permission-denied"))


def check(inp: RuleInput) -> Iterator[Finding]:
    assert inp.root is not None
    if inp.target in GCP_TARGETS:
        yield from iam_findings(inp.root)
