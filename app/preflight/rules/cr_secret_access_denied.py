"""A Secret Manager secret the service reads but its service account is not granted.

launchdeck's generated IAM grants roles/secretmanager.secretAccessor only on the names listed under
services.NAME.secrets. Evidence: an env value that points at Secret Manager (plan), or code reachable
from the entry point that accesses a secret by name that the plan does not list (code).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from launchdeck.app.plan import GCP_TARGETS
from launchdeck.app.preflight.envvalues import SECRET_REF
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput
from launchdeck.app.preflight.servicefacts import ServiceFacts
from launchdeck.app.preflight.walk import read_text, rel

RULE = Rule(id="cr-secret-access-denied", severity="error", evidence=("plan", "code"),
            signature="cr-secret-access-denied")
_SM_USE = re.compile(r"secretmanager|SecretManagerServiceClient|@google-cloud/secret-manager|access_?[sS]ecret_?[vV]ersion|"
                     r"AccessSecretVersion")
_SECRET_NAMES = (
    re.compile(r"secrets/([A-Za-z0-9_-]{1,255})/versions"),
    re.compile(r"secret_version_path\(\s*[^,()]+,\s*['\"]([A-Za-z0-9_-]+)['\"]"),
    re.compile(r"\b(?:get|access|read|fetch|load)_?[sS]ecret(?:_?[vV]alue)?\(\s*['\"]([A-Za-z0-9_-]+)['\"]"),
)


def _norm(name: str) -> str:
    return name.upper().replace("-", "_")


_DEF = re.compile(r"^\s*(?:async\s+)?(?:def|function)\s+(\w+)\s*\(|^\s*(?:export\s+)?(?:const|let)\s+(\w+)\s*=\s*"
                  r"(?:async\s*)?\(", re.MULTILINE)


def _code_secrets(f: ServiceFacts, root) -> list[tuple[str, str]]:  # noqa: ANN001
    """(secret name, where) for Secret Manager reads by a literal name: direct, or through a local helper
    (def get_secret(name): ... access_secret_version(...)) called with a literal anywhere reachable."""
    texts = {path: read_text(path) or "" for path in f.code_files}
    helpers: set[str] = set()
    patterns = list(_SECRET_NAMES)
    for text in texts.values():
        if _SM_USE.search(text):
            helpers |= {a or b for a, b in _DEF.findall(text)}
    helpers -= {"main", "__init__"}
    if helpers:
        names = "|".join(sorted(map(re.escape, helpers)))
        patterns.append(re.compile(r"\b(?:" + names + r")\(\s*['\"]([A-Za-z0-9_-]+)['\"]"))
    out: list[tuple[str, str]] = []
    for path, text in texts.items():
        if not (_SM_USE.search(text) or helpers and any(h + "(" in text for h in helpers)):
            continue
        for pattern in patterns:
            for m in pattern.finditer(text):
                where = f"{rel(path, root) if root else path}:{text.count(chr(10), 0, m.start()) + 1}"
                out.append((m.group(1), where))
    return out


def check(inp: RuleInput) -> Iterator[Finding]:
    gcp = inp.target in GCP_TARGETS
    for f in inp.facts():
        for key, value in sorted(f.effective.env.items()):
            if value and SECRET_REF.search(value) and gcp:
                yield render(RULE.id, service=f.name, path=f"services.{f.name}.env.{key}", name=key, value=value)
        if not gcp or f.directory is None:
            continue
        listed = {_norm(s) for s in f.effective.secrets}
        seen: set[str] = set()
        for secret, where in _code_secrets(f, inp.root):
            if _norm(secret) in listed or secret in seen:
                continue
            seen.add(secret)
            # A warning: the secret may be granted by the team's own IaC outside the plan.
            yield render(RULE.id, variant="code", service=f.name, path=f"services.{f.name}.secrets",
                         severity="warning", secret=secret, where=where)
