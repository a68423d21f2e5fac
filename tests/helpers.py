"""Plain helpers and test data shared by several test modules (fixtures live in conftest.py)."""

from __future__ import annotations

from launchdeck.app.plan import Plan
from launchdeck.app.preflight import Finding

# A Cloud Run plan with a web service and a job; `plan_file` (conftest.py) writes it.
PLAN = """\
name: shop
project: demo-project
region: us-central1
target: cloud-run
services:
  backend:
    role: web
    build: ./backend
    port: 8000
    cpu: 1
    memory: 2Gi
    env: {LOG_LEVEL: info}
    secrets: [DATABASE_URL]
  migrate:
    role: job
    build: ./backend
    command: [alembic, upgrade, head]
    secrets: [DATABASE_URL]
"""


def plan(services: dict, target: str = "cloud-run", **extra) -> Plan:
    return Plan.model_validate({"name": "t", "target": target, "services": services, **extra})


def ids(findings: list[Finding]) -> set[str]:
    return {f.id for f in findings}


def only(findings: list[Finding], fid: str) -> list[Finding]:
    return [f for f in findings if f.id == fid]
