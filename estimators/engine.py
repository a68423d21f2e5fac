"""estimate(plan, target, catalog) -> CostReport: dispatch to the estimator of each component family."""

from __future__ import annotations

from typing import TYPE_CHECKING

from launchdeck.estimators import (
    cloud_run,
    cloud_sql,
    gke,
    memorystore,
    network,
    selfhost,
    storage,
    supporting,
)
from launchdeck.estimators.pricebook import PriceCatalog, load_catalog
from launchdeck.estimators.report import CatalogInfo, CostReport, Ctx

if TYPE_CHECKING:
    from launchdeck.app.plan import Plan

from launchdeck.app.targets import TARGETS


def estimate(plan: Plan, target: str | None = None, catalog: PriceCatalog | None = None) -> CostReport:
    """Monthly cost of `plan` on `target` (default: the plan's), one line per component, low–high USD."""
    target = target or plan.target
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r} (allowed: {', '.join(TARGETS)})")
    catalog = catalog or load_catalog()
    ctx = Ctx(plan, target, catalog)
    if target == "compose":
        selfhost.estimate(ctx)
    else:
        if target in ("cloud-run", "cloud-run-jobs"):
            cloud_run.estimate_services(ctx)
        elif target == "gke-autopilot":
            gke.estimate_autopilot(ctx)
        else:
            gke.estimate_standard(ctx)
        cloud_sql.estimate(ctx)
        memorystore.estimate(ctx)
        storage.estimate(ctx)
        network.load_balancer(ctx)
        network.vpc(ctx)
        network.egress(ctx)
        supporting.estimate(ctx)
    lines = [x for x in ctx.lines if x.kind != "free-tier"] + [x for x in ctx.lines if x.kind == "free-tier"]
    return CostReport(target, plan.region, "USD", CatalogInfo(catalog.source, catalog.as_of), lines)
