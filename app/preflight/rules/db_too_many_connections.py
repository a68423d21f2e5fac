"""Postgres connections at full scale (instances x processes x pool) against the Cloud SQL tier's limit."""

from __future__ import annotations

import re
from collections.abc import Iterator

from launchdeck.app.plan import GCP_TARGETS, runs_as_job
from launchdeck.app.preflight.facts import command_text, processes_per_instance, uses_postgres
from launchdeck.app.preflight.finding_catalog import Finding, render
from launchdeck.app.preflight.rule import Rule, RuleInput

RULE = Rule(id="db-too-many-connections", severity="warning", evidence=("plan", "code"),
            signature="db-too-many-connections")

# Cloud SQL for PostgreSQL default max_connections by tier memory (GiB lower bound -> connections).
_PG_CONN_BY_GIB = ((120, 1000), (60, 800), (30, 600), (15, 500), (7.5, 400), (6, 200), (3.75, 100), (0, 100))
_PG_SHARED_CORE = {"db-f1-micro": 25, "db-g1-small": 50}


def cloud_sql_connection_limit(tier: str) -> int | None:
    """Default max_connections for a Cloud SQL for PostgreSQL tier, or None when unknown."""
    if tier in _PG_SHARED_CORE:
        return _PG_SHARED_CORE[tier]
    gib: float | None = None
    if m := re.fullmatch(r"db-custom-(\d+)-(\d+)", tier):
        gib = int(m.group(2)) / 1024
    elif m := re.fullmatch(r"db-n1-(standard|highmem)-(\d+)", tier):
        gib = int(m.group(2)) * (3.75 if m.group(1) == "standard" else 6.5)
    elif m := re.fullmatch(r"db-perf-optimized-N-(\d+)", tier):
        gib = int(m.group(1)) * 8
    if gib is None:
        return None
    return next(conns for floor, conns in _PG_CONN_BY_GIB if gib >= floor)


def check(inp: RuleInput) -> Iterator[Finding]:
    plan = inp.plan
    if plan.postgres is None or inp.target not in GCP_TARGETS:
        return
    limit = cloud_sql_connection_limit(plan.postgres.tier)
    if limit is None:
        return
    parts, demand, floor = [], 0, 0
    for f in inp.facts():
        svc = f.effective
        if not uses_postgres(plan, svc):
            continue
        pool = f.pool or plan.postgres.pool_size
        cmd = command_text(svc.command)
        procs = processes_per_instance(cmd)
        if "celery" in cmd and procs == 1 and not re.search(r"--concurrency|-c\s*\d", cmd):
            procs = max(1, round(svc.cpu))  # celery forks one process per CPU by default
        if runs_as_job(svc, inp.target):
            instances = int(svc.usage.tasks_per_execution[1])
        elif svc.role == "worker" and inp.target == "cloud-run":
            instances = svc.instances  # a worker pool runs a fixed instance count
        else:
            instances = svc.max_instances
        n = instances * procs * pool
        demand += n
        # What runs from the first minute: min_instances (at least one) for services, every pool instance.
        always = instances if (svc.role == "worker" and inp.target == "cloud-run") or runs_as_job(svc, inp.target) \
            else max(1, svc.min_instances)
        floor += always * procs * pool
        parts.append(f"{f.name} {instances} x {procs} x {pool}" if procs > 1 else f"{f.name} {instances} x {pool}")
    if demand > 0.8 * limit and demand > 0:
        # Over the limit at full scale is a capacity warning (connections fail under load); over it with
        # only the instances that always run, the deploy itself fails to connect: an error.
        yield render(RULE.id, path="postgres.pool_size", severity="error" if floor > limit else "warning",
                     demand=demand, parts="; ".join(parts), tier=plan.postgres.tier, limit=limit)
