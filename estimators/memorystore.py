"""Memorystore for Redis: provisioned GiB × the capacity tier's hourly rate, all month."""

from __future__ import annotations

from launchdeck.estimators.report import HOURS, CostLine, Ctx, usd


def capacity_tier(ctx: Ctx, size_gb: float) -> str:
    for upto, name in ctx.rules["memorystore"]["capacity_tiers"]:
        if size_gb <= upto:
            return str(name)
    return "M5"


def month(ctx: Ctx, tier: str, size_gb: float) -> tuple[float | None, str, str]:
    cap = capacity_tier(ctx, size_gb)
    p, note = ctx.price(f"redis.{tier}.{cap.lower()}")
    return (None if p is None else size_gb * p.usd * HOURS), cap, note


def estimate(ctx: Ctx) -> None:
    r = ctx.plan.redis
    if r is None:
        return
    cost, cap, note = month(ctx, r.tier, r.size_gb)
    label = f"Memorystore for Redis {r.tier.title()} {r.size_gb:g} GB"
    if cost is None:
        ctx.add(CostLine("redis", label, "cache", "redis", None, None,
                         f"unpriced: no {r.tier} {cap} capacity price in the catalog"))
        return
    notes = [f"{r.size_gb:g} GB × {usd(cost / r.size_gb / HOURS)}/GB-h ({cap} capacity tier) × {HOURS:g} h",
             "billed while provisioned, no scale to zero"]
    if r.tier == "basic":
        notes.append("Basic has no replica: a zone outage or maintenance loses the cache")
    if note:
        notes.append(note)
    other = "standard" if r.tier == "basic" else "basic"
    alt_cost, _, _ = month(ctx, other, r.size_gb)
    alts = [f"{other.title()} tier: {usd(alt_cost)}/month"] if alt_cost is not None else []
    ctx.add(CostLine("redis", label, "cache", "redis", cost, cost, "; ".join(notes), alts))
