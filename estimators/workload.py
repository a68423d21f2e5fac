"""Usage derived from a plan service, shared by the Cloud Run, GKE and self-host estimators.

Every function returns a (low, high) pair for a month. The model is deliberately simple and
documented in docs/costs.md: request time is counted as if each request had an instance to itself
(conservative; overlap is shown as a possible saving in the notes).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from launchdeck.estimators.report import SECONDS

if TYPE_CHECKING:
    from launchdeck.app.plan import Plan, Service

Pair = tuple[float, float]


def active_seconds(svc: Service) -> Pair:
    """Instance-seconds with work in flight (billed at the active rate on request-based Cloud Run)."""
    u = svc.usage
    cap = svc.max_instances * SECONDS
    if svc.role == "web":
        lo = u.requests_per_month[0] * u.seconds_per_request[0]
        hi = u.requests_per_month[1] * u.seconds_per_request[1]
        return min(lo, cap), min(hi, cap)
    if svc.role == "websocket":
        # An open socket is an in-flight request: one instance is active while any socket is open.
        return u.busy_fraction[0] * SECONDS, u.busy_fraction[1] * SECONDS
    lo, hi = worker_busy_seconds(svc)
    return min(lo, cap), min(hi, cap)


def worker_instances(svc: Service) -> Pair:
    """Average instances running over the month for a worker (min_instances is the floor)."""
    u = svc.usage
    if u.avg_instances is not None:
        lo, hi = u.avg_instances
    else:
        lo, hi = u.busy_fraction
    floor = float(svc.min_instances)
    cap = float(svc.max_instances)
    return min(max(lo, floor), cap), min(max(hi, floor), cap)


def worker_busy_seconds(svc: Service) -> Pair:
    """Instance-seconds a worker actually works: what a Job or scale-to-zero would bill."""
    u = svc.usage
    per_busy_hi = max(1.0, u.avg_instances[1]) if u.avg_instances is not None else 1.0
    return u.busy_fraction[0] * SECONDS, u.busy_fraction[1] * SECONDS * per_busy_hi


def job_task_seconds(svc: Service) -> Pair:
    u = svc.usage
    return (u.executions_per_month[0] * u.tasks_per_execution[0] * u.seconds_per_execution[0],
            u.executions_per_month[1] * u.tasks_per_execution[1] * u.seconds_per_execution[1])


def replicas(svc: Service) -> Pair:
    """Pods kept running on GKE (no scale to zero without extra tooling)."""
    base = float(max(1, svc.min_instances))
    if svc.role == "worker":
        lo, hi = worker_instances(svc)
        return max(lo, base), max(hi, base)
    if svc.role == "web":
        # Enough pods to carry the high case's in-flight requests at the service's concurrency,
        # at least min_instances (and 1), at most max_instances.
        need = math.ceil(round(active_seconds(svc)[1] / SECONDS / svc.concurrency, 6))
        return base, float(min(max(base, need), max(svc.max_instances, 1)))
    return base, base


def images(plan: Plan) -> int:
    """Distinct images launchdeck builds and pushes (services sharing a build context share an image)."""
    seen: set[str] = set()
    for svc in plan.services.values():
        if svc.build is not None:
            ctx = svc.build.get("context", ".") if isinstance(svc.build, dict) else svc.build
            seen.add(f"build:{ctx}")
    return len(seen)


def secret_names(plan: Plan) -> set[str]:
    return {name for svc in plan.services.values() for name in svc.secrets}


def poisson_busy_share(load: float) -> float:
    """Share of the month with at least one request in flight, for Poisson arrivals with mean `load`."""
    return 1.0 - math.exp(-load)


DAYS = 730.0 / 24.0  # days in Google's 730-hour billing month


def instance_lifetime(svc: Service, retention: float) -> Pair:
    """Instance-seconds an instance-based service is billed for: instances live while serving and for up to
    `retention` seconds after their last request (Cloud Run keeps idle instances up to 15 minutes).

    low  — traffic clustered in one busy window a day: the busy time at full concurrency plus one idle tail
           per day.
    high — the same requests spread evenly: every request keeps an instance up for its duration plus the
           idle tail, so once requests come less than `retention` apart an instance is up all month; more
           than one instance when the in-flight load exceeds what one instance's concurrency carries.
    Both at least min_instances all month and at most max_instances."""
    floor, cap = svc.min_instances * SECONDS, svc.max_instances * SECONDS
    if svc.role == "websocket":
        # an open socket keeps its instance up; between sockets the idle tail still applies
        busy = svc.usage.busy_fraction
        lo, hi = busy[0] * SECONDS + DAYS * retention, busy[1] * SECONDS + DAYS * retention
        return min(max(floor, min(lo, SECONDS)), cap), min(max(floor, min(hi, SECONDS)), cap)
    u = svc.usage
    out = []
    for i in (0, 1):
        reqs, secs = u.requests_per_month[i], u.seconds_per_request[i]
        busy = reqs * secs / svc.concurrency              # instance-seconds at full concurrency
        if reqs <= 0:
            life = 0.0
        elif i == 0:
            life = busy + DAYS * retention
        else:
            life = max(min(SECONDS, reqs * (secs + retention)), busy)
        out.append(min(max(floor, life), cap))
    return min(out), out[1]
