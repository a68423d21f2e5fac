"""Cloud SQL for PostgreSQL (Enterprise edition): tier, storage, HA, backups."""

from __future__ import annotations

import re

from launchdeck.estimators.report import HOURS, CostLine, Ctx, usd

_CUSTOM = re.compile(r"^db-custom-(\d+)-(\d+)$")
_LEGACY = re.compile(r"^db-n1-(standard|highmem)-(\d+)$")


def tier_shape(ctx: Ctx, tier: str) -> tuple[str, float, float] | str:
    """('shared', 0, gib) / ('dedicated', vcpu, gib), or the reason the tier cannot be priced."""
    sql = ctx.rules["cloud_sql"]
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


def instance_hour(ctx: Ctx, tier: str, ha: bool) -> tuple[float | None, str]:
    mode = "regional" if ha else "zonal"
    shape = tier_shape(ctx, tier)
    if isinstance(shape, str):
        return None, shape
    kind, cpu, gib = shape
    if kind == "shared":
        p, note = ctx.price(f"sql.{mode}.{'micro' if tier == 'db-f1-micro' else 'small'}")
        return (None, "no shared-core price in the catalog") if p is None else (p.usd, note)
    c, n1 = ctx.price(f"sql.{mode}.cpu")
    r, n2 = ctx.price(f"sql.{mode}.ram")
    if c is None or r is None:
        return None, "no vCPU/RAM price in the catalog"
    return cpu * c.usd + gib * r.usd, n1 or n2


def estimate(ctx: Ctx) -> None:
    pg = ctx.plan.postgres
    if pg is None:
        return
    hour, note = instance_hour(ctx, pg.tier, pg.ha)
    mode = "regional" if pg.ha else "zonal"
    storage, n_s = ctx.price(f"sql.{mode}.storage")
    backup, n_b = ctx.price("sql.backup")
    if hour is None or storage is None or backup is None:
        ctx.add(CostLine("postgres", f"Cloud SQL PostgreSQL {pg.tier}", "database", "postgres", None, None,
                         f"unpriced: {note or 'storage/backup price missing from the catalog'}"))
        return
    inst = hour * HOURS
    disk = pg.storage_gb * storage.usd
    back = pg.backups_gb * backup.usd
    total = inst + disk + back
    notes = [f"{pg.tier} {'HA (regional, 2× rates)' if pg.ha else 'zonal'}: {usd(hour)}/h × {HOURS:g} h = {usd(inst)}",
             f"{pg.storage_gb:g} GiB SSD × {usd(storage.usd)} = {usd(disk)}",
             f"{pg.backups_gb:g} GiB backups × {usd(backup.usd)} = {usd(back)}",
             "runs all month (no scale to zero)"]
    shared = ctx.rules["cloud_sql"]["shared_core"].get(pg.tier)
    if shared:
        notes.append(f"shared-core, {shared['memory_gib']} GiB RAM, outside the Cloud SQL SLA, "
                     f"max {shared['max_connections']} connections")
        conns = sum(s.max_instances * pg.pool_size for s in ctx.plan.services.values() if "postgres" in s.depends_on
                    or any("DATABASE" in x for x in s.secrets))
        if conns > shared["max_connections"]:
            notes.append(f"services may open up to {conns} connections (max_instances × pool_size)")
    notes += [n for n in dict.fromkeys((note, n_s, n_b)) if n]
    alts = []
    other_hour, _ = instance_hour(ctx, pg.tier, not pg.ha)
    other_storage, _ = ctx.price(f"sql.{'zonal' if pg.ha else 'regional'}.storage")
    if other_hour is not None and other_storage is not None:
        other = other_hour * HOURS + pg.storage_gb * other_storage.usd + back
        alts.append(f"{'zonal (no HA)' if pg.ha else 'HA (regional)'}: {usd(other)}/month")
    ctx.add(CostLine("postgres", f"Cloud SQL PostgreSQL {pg.tier}", "database", "postgres", total, total,
                     "; ".join(notes), alts))
