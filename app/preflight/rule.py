"""What a preflight rule is: one module under app/preflight/rules/ with a `RULE` and a `check`.

A rule module declares (ruff's one-module-per-rule, checkov's check classes):

    RULE = Rule(
        id="gcs-permission-denied",            # the finding id (assets/preflight.yaml holds its texts)
        severity="error",                      # the usual severity; a finding may lower it, with a reason
        evidence=("plan", "code"),             # what it reads: plan, code (per-service facts), tree (files)
        signature="gcs-permission-denied",     # the log-hint id it predicts, or None
    )

    def check(inp: RuleInput) -> Iterator[Finding]: ...

Every rule gets the same `RuleInput`: the plan, the target, the source root (or None) and one frozen
`ServiceFacts` per service, gathered once from the tree (app/preflight/servicefacts.py). A rule whose
evidence includes "code" or "tree" only runs when a source tree is given. The message and fix texts
live with the id in the finding catalog, so the README table and the rule never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from launchdeck.app.preflight.finding_catalog import SEVERITIES, Finding, catalog

if TYPE_CHECKING:
    from launchdeck.app.plan import Plan
    from launchdeck.app.preflight.servicefacts import ServiceFacts

Evidence = Literal["plan", "code", "tree"]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    evidence: tuple[Evidence, ...]
    signature: str | None = None
    # The same rule's id on another target (cr-memory-limit-exceeded on Cloud Run is k8s-oomkilled on GKE).
    also: tuple[str, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.id, *self.also)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id}: bad severity {self.severity!r}")

    @property
    def needs_source(self) -> bool:
        return "code" in self.evidence or "tree" in self.evidence

    @property
    def title(self) -> str:
        return str(catalog()[self.id]["title"])

    @property
    def message(self) -> str:
        return str(catalog()[self.id]["message"])

    @property
    def fix(self) -> str:
        return str(catalog()[self.id]["fix"])


@dataclass(frozen=True)
class RuleInput:
    """What every rule is handed: the same value for all of them."""

    plan: Plan
    target: str
    root: Path | None
    services: Mapping[str, ServiceFacts]

    def facts(self) -> Iterator[ServiceFacts]:
        """Per-service facts in plan order."""
        yield from self.services.values()

    def with_source(self) -> Iterator[ServiceFacts]:
        """The services whose build context was found in the tree."""
        return (f for f in self.services.values() if f.directory is not None)


CheckFn = Callable[[RuleInput], Iterator[Finding]]
