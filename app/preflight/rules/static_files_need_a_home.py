"""Static files that an nginx (or Caddy) container serves from a volume shared with the app.

The compose import skips such a proxy, and on Cloud Run there is no shared volume: nothing serves
/static and /media once deployed. The usual answers: WhiteNoise (Django) or the framework serving its own
assets, a Cloud Storage bucket (django-storages), or a CDN in front of a bucket.
"""

from __future__ import annotations

from collections.abc import Iterator

from launchdeck.app.plan import GCP_TARGETS
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.source_checks import shared_static_volumes
from launchdeck.app.preflight.walk import read_text

RULE = Rule(id="static-files-shared-volume", severity="warning", evidence=("tree",))


def _serves_itself(inp: RuleInput, service: str) -> bool:
    f = inp.services.get(service)
    if f is None:
        return False
    if f.requirements is not None and {"whitenoise", "django-storages"} & f.requirements.dists:
        return True
    return any("whitenoise" in (read_text(p) or "") or "storages.backends" in (read_text(p) or "")
               for p in f.py_files)


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target not in GCP_TARGETS or inp.root is None:
        return
    for where, proxy, app_service, volume in shared_static_volumes(inp.root):
        service = app_service if app_service in inp.plan.services else None
        if service and _serves_itself(inp, service):
            continue
        yield render(RULE.id, service=service, path=f"services.{service}" if service else None, where=where,
                     proxy=proxy, app=app_service, volume=volume)
