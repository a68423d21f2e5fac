"""Self-host (the compose target on a home server / TrueNAS box): hardware amortised, electricity, and
what a user must add for parity with the managed stack — each its own line with its source."""

from __future__ import annotations

from launchdeck.estimators.report import HOURS, CostLine, Ctx, usd

SOURCES = "../shared/pricing/selfhost.yaml"


def estimate(ctx: Ctx) -> None:
    sh = ctx.plan.selfhost
    rules = ctx.rules["selfhost"]
    hw = sh.hardware_usd / sh.lifetime_months
    ctx.add(CostLine("selfhost:hardware", "Hardware, amortised", "selfhost", None, hw, hw,
                     f"{usd(sh.hardware_usd)} over {sh.lifetime_months} months (plan selfhost.hardware_usd / "
                     f"lifetime_months), running all {len(ctx.plan.services)} services"
                     f"{' plus Postgres and Redis' if ctx.plan.postgres and ctx.plan.redis else ''} as containers; "
                     "3–5 years is the usual range, US tax rules put computers in the 5-year class (source: IRS "
                     "MACRS via selfhost.yaml)"))
    kwh = sh.watts * HOURS / 1000
    power = kwh * sh.kwh_usd
    ctx.add(CostLine("selfhost:electricity", "Electricity", "selfhost", None, power, power,
                     f"{sh.watts:g} W average × {HOURS:g} h = {kwh:.1f} kWh × ${sh.kwh_usd:g}/kWh "
                     "(US residential average $0.1872/kWh, EIA 2026-04; EU €0.2872, Eurostat 2025-H1)"))
    ups = rules["ups"]
    price = sh.ups_usd if sh.ups_usd is not None else ups["price_usd"]
    life_lo, life_hi = ups["battery_life_months"]
    oh_lo, oh_hi = ups["energy_overhead"]
    lo, hi = price / life_lo + power * oh_lo, price / life_hi + power * oh_hi
    src = "plan selfhost.ups_usd" if sh.ups_usd is not None else f"assumed {usd(price)} consumer unit (unsourced)"
    ctx.add(CostLine("selfhost:ups", "UPS (battery wear + conversion loss)", "selfhost", None, lo, hi,
                     f"{src}, replaced every {life_hi // 12}–{life_lo // 12} years (VRLA battery life, "
                     f"industry-electronics.com) plus {oh_lo:.0%}–{oh_hi:.0%} conversion loss on the power line"))
    backup(ctx)
    if sh.tunnel_usd_month is not None:
        t_lo = t_hi = sh.tunnel_usd_month
        src = "plan selfhost.tunnel_usd_month"
    else:
        t_lo, t_hi = rules["tunnel_usd_month"]
        src = ("Cloudflare Tunnel (free) to a small VPS + WireGuard relay (~$4/month, dylans.link 2026-01); "
               "needed behind CGNAT, or a static IP from the ISP")
    ctx.add(CostLine("selfhost:tunnel", "Tunnel or static IP", "selfhost", None, t_lo, t_hi, src))
    if ctx.plan.ingress.domain or sh.domain_usd_year is not None:
        year = sh.domain_usd_year if sh.domain_usd_year is not None else rules["domain_usd_year"]
        src = "plan selfhost.domain_usd_year" if sh.domain_usd_year is not None else "typical .com renewal (unsourced)"
        ctx.add(CostLine("selfhost:domain", "Domain name", "selfhost", None, year / 12, year / 12,
                         f"{usd(year)}/year ({src}); the GCP targets need it too for a custom domain"))


def backup(ctx: Ctx) -> None:
    sh = ctx.plan.selfhost
    if sh.backup_usd_month is not None:
        ctx.add(CostLine("selfhost:backup", "Off-site backup", "selfhost", None, sh.backup_usd_month,
                         sh.backup_usd_month, "plan selfhost.backup_usd_month"))
        return
    gib = (ctx.plan.postgres.storage_gb if ctx.plan.postgres else 0) + sum(
        b.storage_gb for b in ctx.plan.buckets.values())
    copies = ctx.rules["selfhost"]["backup_copies"]
    p, note = ctx.price("gcs.nearline")
    if p is None:
        ctx.add(CostLine("selfhost:backup", "Off-site backup", "selfhost", None, None, None,
                         "unpriced: no Nearline storage price in the catalog; set selfhost.backup_usd_month"))
        return
    notes = f"{gib:g} GiB of database and bucket data × {copies[0]}–{copies[1]} copies in GCS Nearline at " \
            f"{usd(p.usd)}/GiB-month (catalog); Cloud SQL and GCS include this on GCP"
    if note:
        notes += f"; {note}"
    ctx.add(CostLine("selfhost:backup", "Off-site backup", "selfhost", None, gib * copies[0] * p.usd,
                     gib * copies[1] * p.usd, notes))
