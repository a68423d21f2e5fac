"""A bucket the service uses without its service account being granted a role on it.

Evidence, strongest first: the plan's env names one of the plan's buckets that the service does not list
(error: the generated IAM grants only listed buckets); reachable code uses the Cloud Storage client or
reads a bucket variable without a default while the service lists no bucket (warning: which bucket, and
whether this path runs, is a reading of the code); the team's own IaC creates buckets and grants no role.
A settings field with a default that the service's code never uses is not evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from launchdeck.app.plan import GCP_TARGETS, Plan
from launchdeck.app.preflight import envscan
from launchdeck.app.preflight.envvalues import PLACEHOLDER, redact, where_of
from launchdeck.app.preflight.facts import join_names
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.servicefacts import ServiceFacts
from launchdeck.app.preflight.walk import read_text, rel

RULE = Rule(id="gcs-permission-denied", severity="error", evidence=("plan", "code"),
            signature="gcs-permission-denied")
_GCS_CLIENT = re.compile(r"(from\s+google\.cloud\s+import\s+[^\n]*\bstorage\b|import\s+google\.cloud\.storage|"
                         r"['\"]@google-cloud/storage['\"]|\"cloud\.google\.com/go/storage\"|"
                         r"storages\.backends\.gcloud|django_storages.*gcloud)")


def _bucket_for(value: str, plan: Plan) -> str | None:
    v = value.strip().lower().removeprefix("gs://").removeprefix("s3://").split("/")[0]
    for bucket in plan.buckets:
        b = bucket.lower()
        if v == b or v.endswith(("-" + b, "_" + b, "." + b)) or v == f"{plan.name}-{b}":
            return bucket
    return None


def _from_plan(inp: RuleInput, f: ServiceFacts) -> Iterator[Finding]:
    svc, name = f.effective, f.name
    for key, value in sorted(svc.env.items()):
        if "BUCKET" not in key.upper() or not value.strip() or PLACEHOLDER.match(value):
            continue
        bucket = _bucket_for(value, inp.plan)
        if bucket and bucket not in svc.buckets:
            yield render(RULE.id, service=name, path=f"services.{name}.buckets",
                         evidence=f"names bucket {bucket!r} in env {key}",
                         missing=f"{bucket!r} is not in services.{name}.buckets")
        elif bucket is None and not svc.buckets:
            # Not one of the plan's buckets: it may be public or granted elsewhere, so a warning.
            yield render(RULE.id, service=name, path=f"services.{name}.buckets", severity="warning",
                         evidence=f"sets env {key}={redact(value)}",
                         missing="the plan lists no bucket for it (services." + name + ".buckets is empty)")


def _from_code(inp: RuleInput, f: ServiceFacts) -> Iterator[Finding]:
    svc = f.effective
    if svc.buckets or any("BUCKET" in k.upper() for k in svc.env):
        return  # with a bucket variable in env the plan reading speaks
    # A bucket variable read with a default is a setting the service may never use; only a read that has
    # no fallback (it must be set) or the storage client itself is evidence of use.
    reads = [r for r in f.env_reads.values() if "BUCKET" in r.name.upper() and r.kind != envscan.DEFAULT]
    client = None
    for path in f.code_files:
        text = read_text(path) or ""
        m = _GCS_CLIENT.search(text)
        if m:
            client = f"{rel(path, inp.root) if inp.root else path}:{text.count(chr(10), 0, m.start()) + 1}"
            break
    if client is None and not (reads and inp.plan.buckets):
        return
    if client is None and not f.confident:
        return
    evidence = []
    if client:
        evidence.append(f"uses the Cloud Storage client ({client})")
    if reads:
        first = min(reads, key=lambda r: (str(r.file), r.line))
        evidence.append(f"reads {join_names({r.name for r in reads})} ({where_of(first, inp.root)})")
    yield render(RULE.id, service=f.name, severity="warning", path=f"services.{f.name}.buckets",
                 evidence=" and ".join(evidence), missing=f"services.{f.name}.buckets is empty")


def check(inp: RuleInput) -> Iterator[Finding]:
    if inp.target not in GCP_TARGETS:
        return
    for f in inp.facts():
        found = list(_from_plan(inp, f))
        yield from found
        if not found and f.directory is not None:
            yield from _from_code(inp, f)
