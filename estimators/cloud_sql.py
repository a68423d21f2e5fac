"""Cloud SQL for PostgreSQL (Enterprise edition): tier, storage, HA, backups."""

from __future__ import annotations

import re
from typing import Any

from launchdeck.estimators.report import HOURS, CostLine, Ctx, Qty, usd

_CUSTOM = re.compile(r"^db-custom-(\d+)-(\d+)$")
_LEGACY = re.compile(r"^db-n1-(standard|highmem)-(\d+)$")


def tier_shape(ctx: Ctx, tier: str) -> tuple[str, float, float] | str:
    return tier_shape_rules(ctx.rules, tier)


def tier_shape_rules(rules: dict[str, Any], tier: str) -> tuple[str, float, float] | str:
    """('shared', 0, gib) / ('dedicated', vcpu, gib), or the reason the tier cannot be priced."""
    sql = rules["cloud_sql"]
    if tier in sql["shared_core"]:
        return "shared", 0.0, float(sql["shared_core"][tier]["memory_gib"])
    m = _CUSTOM.match(tier)
    if m:
        return "dedicated", float(m.group(1)), int(m.group(2)) / 1024
    m = _LEGACY.match(tier)
    if m:
        per = sql["legacy_tiers"][f"{m.group(1)}_gib_per_cpu"]
        return "dedicated", float(m.group(2)), float(m.group(2)) * per
    for prefix, why in sql.get("unpriced_prefixes", {}).items():
        if tier.startswith(prefix):
            return why
    return "unknown tier (known: db-f1-micro, db-g1-small, db-custom-CPUS-MEMORY_MIB, db-n1-standard-N)"


def instance_quantities(ctx: Ctx, tier: str, ha: bool) -> list[Qty] | str:
    """The instance's billed hours by SKU for a month, or the reason the tier cannot be priced."""
    mode = "regional" if ha else "zonal"
    shape = tier_shape(ctx, tier)
    if isinstance(shape, str):
        return shape
    kind, cpu, gib = shape
    if kind == "shared":
        size = "micro" if tier == "db-f1-micro" else "small"
        return [Qty(f"{tier} instance-hours ({mode})", "h", HOURS, HOURS, f"sql.{mode}.{size}")]
    return [Qty(f"vCPU-hours ({mode})", "vCPU-h", cpu * HOURS, cpu * HOURS, f"sql.{mode}.cpu"),
            Qty(f"RAM GiB-hours ({mode})", "GiB-h", gib * HOURS, gib * HOURS, f"sql.{mode}.ram")]


def instance_hour(ctx: Ctx, tier: str, ha: bool) -> tuple[float | None, str]:
    qs = instance_quantities(ctx, tier, ha)
    if isinstance(qs, str):
        return None, qs
    total = 0.0
    for q in qs:
        p, why = ctx.price(q.key)
        if p is None:
            return None, why
        total += q.high / HOURS * p.usd
    return total, ""


def estimate(ctx: Ctx) -> None:
    pg = ctx.plan.postgres
    if pg is None:
        return
    mode = "regional" if pg.ha else "zonal"
    label = f"Cloud SQL PostgreSQL {pg.tier}"
    qs = instance_quantities(ctx, pg.tier, pg.ha)
    if isinstance(qs, str):
        ctx.add(CostLine("postgres", label, "database", "postgres", None, None, f"unpriced: {qs}"))
    else:
        notes = [f"{pg.tier} {'HA (regional, 2× rates)' if pg.ha else 'zonal'}, runs all month (no scale to zero)"]
        shared = ctx.rules["cloud_sql"]["shared_core"].get(pg.tier)
        if shared:
            notes.append(f"shared-core, {shared['memory_gib']} GiB RAM, outside the Cloud SQL SLA, "
                         f"max {shared['max_connections']} connections")
            conns = sum(s.max_instances * pg.pool_size for s in ctx.plan.services.values()
                        if "postgres" in s.depends_on or any("DATABASE" in x for x in s.secrets))
            if conns > shared["max_connections"]:
                notes.append(f"services may open up to {conns} connections (max_instances × pool_size)")
        alts = []
        other_hour, _ = instance_hour(ctx, pg.tier, not pg.ha)
        if other_hour is not None:
            alts.append(f"{'zonal (no HA)' if pg.ha else 'HA (regional)'} instance: {usd(other_hour * HOURS)}/month")
        ctx.priced("postgres", label, "database", "postgres", qs, notes, alts)
    ctx.priced("postgres:storage", "Cloud SQL storage and backups", "database", "postgres",
               [Qty(f"SSD GiB-months ({mode})", "GiB-mo", pg.storage_gb, pg.storage_gb, f"sql.{mode}.storage"),
                Qty("backup GiB-months", "GiB-mo", pg.backups_gb, pg.backups_gb, "sql.backup")],
               f"{pg.storage_gb:g} GiB SSD provisioned{' (HA: 2× rate)' if pg.ha else ''}, {pg.backups_gb:g} GiB of "
               "backups kept")
