"""Supporting services: Artifact Registry, Secret Manager, Cloud Logging, Cloud Build.

The plan does not describe their usage, so the amounts come from `assumptions` in rules.yaml, scaled
by the plan (images built, secrets, services). Each free allowance is its own negative line.
"""

from __future__ import annotations

from launchdeck.estimators.report import CostLine, Ctx, num, usd
from launchdeck.estimators.workload import images, secret_names


def _pair(base: list[float], per: list[float], n: float) -> tuple[float, float]:
    return base[0] + per[0] * n, base[1] + per[1] * n


def _line(ctx: Ctx, key: str, component: str, label: str, amount: tuple[float, float], unit: str,
          drive: str, free_label: str) -> None:
    p, note = ctx.price(key)
    if p is None:
        ctx.add(CostLine(component, label, "supporting", None, None, None, f"unpriced: no {label} price in the catalog"))
        return
    notes = [drive, f"{usd(p.usd)}/{unit}"]
    if note:
        notes.append(note)
    ctx.add(CostLine(component, label, "supporting", None, p.cost(amount[0]), p.cost(amount[1]), "; ".join(notes)))
    if p.free > 0:
        credit = [-min(a, p.free) * p.usd for a in amount]
        ctx.add(CostLine(f"free-tier:{component}", f"{label} free tier", "free-tier", None, credit[0], credit[1],
                         f"first {num(p.free)} {unit} a month free ({free_label})"))


def estimate(ctx: Ctx) -> None:
    a = ctx.rules["assumptions"]
    n_img = images(ctx.plan)
    if n_img:
        gib = _pair(a["registry_gib"]["base"], a["registry_gib"]["per_image"], n_img)
        _line(ctx, "ar.storage", "artifact-registry", "Artifact Registry", gib, "GiB-month",
              f"{gib[0]:g}–{gib[1]:g} GiB of images for {n_img} image{'s' if n_img > 1 else ''} (assumed, "
              "grows with kept tags)", "per billing account")
        minutes = _pair([0, 0], a["build_minutes_per_image"], n_img)
        _line(ctx, "build.minutes", "cloud-build", "Cloud Build", minutes, "build-minute",
              f"{num(minutes[0])}–{num(minutes[1])} build-minutes on e2-standard-2 (assumed)", "default pool")
    secrets = secret_names(ctx.plan)
    if secrets:
        n = len(secrets)
        versions = _pair([0, 0], a["secret_versions_per_secret"], n)
        reads = _pair([0, 0], a["secret_accesses_per_secret"], n)
        v, nv = ctx.price("sm.versions")
        r, nr = ctx.price("sm.access")
        if v is None or r is None:
            ctx.add(CostLine("secret-manager", "Secret Manager", "supporting", None, None, None,
                             "unpriced: no Secret Manager price in the catalog"))
        else:
            lo, hi = v.cost(versions[0]) + r.cost(reads[0]), v.cost(versions[1]) + r.cost(reads[1])
            ctx.add(CostLine("secret-manager", "Secret Manager", "supporting", None, lo, hi,
                             f"{n} secrets: {versions[0]:g}–{versions[1]:g} active versions × {usd(v.usd)}, "
                             f"{num(reads[0])}–{num(reads[1])} accesses × {usd(r.usd * 10000)}/10k (assumed)"))
            credit = [-(min(versions[i], v.free) * v.usd + min(reads[i], r.free) * r.usd) for i in (0, 1)]
            ctx.add(CostLine("free-tier:secret-manager", "Secret Manager free tier", "free-tier", None, credit[0],
                             credit[1], f"{num(v.free)} active versions and {num(r.free)} accesses a month free"))
    n_svc = len(ctx.plan.services)
    if n_svc:
        gib = _pair([0, 0], a["logging_gib_per_service"], n_svc)
        _line(ctx, "log.ingest", "logging", "Cloud Logging", gib, "GiB",
              f"{gib[0]:g}–{gib[1]:g} GiB of logs ingested from {n_svc} services (assumed; 30 days retention "
              "included)", "per project")
