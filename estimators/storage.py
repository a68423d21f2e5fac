"""Cloud Storage: stored GiB by class and Class A/B operations, with the Always Free tier as its own line."""

from __future__ import annotations

from launchdeck.estimators.report import CostLine, Ctx, num, usd

_CLASS_KEY = {"STANDARD": "gcs.standard", "NEARLINE": "gcs.nearline"}


def estimate(ctx: Ctx) -> None:
    buckets = ctx.plan.buckets
    if not buckets:
        return
    a, n_a = ctx.price("gcs.class_a")
    b, n_b = ctx.price("gcs.class_b")
    store_cost = 0.0
    standard_gib = 0.0
    missing: list[str] = []
    notes_extra: list[str] = []
    for name, bucket in buckets.items():
        p, note = ctx.price(_CLASS_KEY.get(bucket.storage_class, "-"))
        if p is None:
            missing.append(f"{name} ({bucket.storage_class})")
            continue
        store_cost += bucket.storage_gb * p.usd
        if bucket.storage_class == "STANDARD":
            standard_gib += bucket.storage_gb
        if note:
            notes_extra.append(note)
    label = f"Cloud Storage ({len(buckets)} bucket{'s' if len(buckets) > 1 else ''})"
    if missing or a is None or b is None:
        ctx.add(CostLine("buckets", label, "storage", None, None, None,
                         f"unpriced: no catalog price for {', '.join(missing) or 'operations'}"))
        return
    ops_a = [sum(x.class_a_ops[i] for x in buckets.values()) for i in (0, 1)]
    ops_b = [sum(x.class_b_ops[i] for x in buckets.values()) for i in (0, 1)]
    lo = store_cost + ops_a[0] * a.usd + ops_b[0] * b.usd
    hi = store_cost + ops_a[1] * a.usd + ops_b[1] * b.usd
    gib = sum(x.storage_gb for x in buckets.values())
    notes = [f"{gib:g} GiB stored ({usd(store_cost)})",
             f"{num(ops_a[0])}–{num(ops_a[1])} Class A ops × {usd(a.usd * 1000)}/1k",
             f"{num(ops_b[0])}–{num(ops_b[1])} Class B ops × {usd(b.usd * 1000)}/1k",
             "egress is counted in the egress line"]
    notes += list(dict.fromkeys(n for n in [*notes_extra, n_a, n_b] if n))
    ctx.add(CostLine("buckets", label, "storage", None, lo, hi, "; ".join(notes)))
    free = ctx.rules["cloud_storage"]["always_free"]
    if ctx.region in free["regions"]:
        std, _ = ctx.price("gcs.standard")
        s = min(standard_gib, free["storage_gib"]) * (std.usd if std else 0.0)
        credit = [-(s + min(ops_a[i], free["class_a_ops"]) * a.usd + min(ops_b[i], free["class_b_ops"]) * b.usd)
                  for i in (0, 1)]
        ctx.add(CostLine("free-tier:cloud-storage", "Cloud Storage Always Free", "free-tier", None, credit[0],
                         credit[1], f"{free['storage_gib']} GiB Standard, {num(free['class_a_ops'])} Class A, "
                         f"{num(free['class_b_ops'])} Class B ops a month, in us-east1, us-west1 and "
                         "us-central1 only"))
