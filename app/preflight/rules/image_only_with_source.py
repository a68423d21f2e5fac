"""A service the plan deploys from a prebuilt `image:` while its source sits in a directory named after it.

The plan then ships whatever that image was last built from, not the code in the directory; and until
now nothing in that directory was checked. launchdeck scans the directory as the service's source (see
servicefacts.gather), and says so, so the other rules judge the code that image is probably built from.
"""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.walk import rel

RULE = Rule(id="image-only-service-has-source", severity="warning", evidence=("plan", "tree"))


def check(inp: RuleInput) -> Iterator[Finding]:
    for f in inp.facts():
        if f.service.build is None and f.service.image and f.directory is not None and inp.root is not None:
            yield render(RULE.id, service=f.name, path=f"services.{f.name}.image", image=f.service.image,
                         directory=rel(f.directory, inp.root) + "/",
                         what="a Dockerfile" if f.dockerfile else "application code")
