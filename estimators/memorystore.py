"""Memorystore for Redis: provisioned GiB × the capacity tier's hourly rate, all month."""

from __future__ import annotations

from launchdeck.estimators.report import HOURS, Ctx, Qty, usd


def capacity_tier(ctx: Ctx, size_gb: float) -> str:
    for upto, name in ctx.rules["memorystore"]["capacity_tiers"]:
        if size_gb <= upto:
            return str(name)
    return "M5"


def month(ctx: Ctx, tier: str, size_gb: float) -> tuple[float | None, str, str]:
    cap = capacity_tier(ctx, size_gb)
    p, why = ctx.price(f"redis.{tier}.{cap.lower()}")
    return (None if p is None else size_gb * p.usd * HOURS), cap, why


def estimate(ctx: Ctx) -> None:
    r = ctx.plan.redis
    if r is None:
        return
    cap = capacity_tier(ctx, r.size_gb)
    label = f"Memorystore for Redis {r.tier.title()} {r.size_gb:g} GB"
    notes = [f"{r.size_gb:g} GB in the {cap} capacity band × {HOURS:g} h", "billed while provisioned, no scale to zero"]
    if r.tier == "basic":
        notes.append("Basic has no replica: a zone outage or maintenance loses the cache")
    other = "standard" if r.tier == "basic" else "basic"
    alt_cost, _, _ = month(ctx, other, r.size_gb)
    alts = [f"{other.title()} tier: {usd(alt_cost)}/month"] if alt_cost is not None else []
    amount = r.size_gb * HOURS
    ctx.priced("redis", label, "cache", "redis",
               [Qty(f"GB-hours provisioned ({r.tier.title()} {cap})", "GB-h", amount, amount,
                    f"redis.{r.tier}.{cap.lower()}")], notes, alts)
