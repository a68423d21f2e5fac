"""Self-host (the compose target on a home server / TrueNAS box): a box sized from the plan, its hardware
amortised, electricity, a drive-replacement reserve, and what a user must add for parity with the managed
stack — each its own line with quantities and where each unit price comes from.

Sources: rules.yaml `selfhost` (classes, busy share, lifetimes), ../shared/pricing/selfhost.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from launchdeck.estimators.report import HOURS, CostLine, Ctx, Qty, gib, num, usd

if TYPE_CHECKING:
    from launchdeck.app.plan import Plan

SOURCES = "../shared/pricing/selfhost.yaml"


@dataclass(frozen=True, slots=True)
class Need:
    cpu: float
    memory_gib: float
    disk_gib: float


@dataclass(frozen=True, slots=True)
class Box:
    id: str
    description: str
    vcpu: float | None
    memory_gib: float | None
    disk_gib: float | None
    price_usd: float
    idle_w: float
    load_w: float
    drives: int
    drive_usd: float
    source: str


def need(plan: Plan, rules: dict[str, Any]) -> Need:
    """What the compose stack asks of one box, headroom and the host OS included."""
    sh = rules["selfhost"]
    head = sh["headroom"]
    cpu = sum(s.cpu * max(1, s.min_instances) for s in plan.services.values() if s.role != "job")
    mem = sum(gib(s) * max(1, s.min_instances) for s in plan.services.values() if s.role != "job")
    disk = sum(b.storage_gb for b in plan.buckets.values())
    if plan.postgres is not None:
        cpu += sh["postgres_cpu"]
        mem += _pg_memory(plan, rules)
        disk += plan.postgres.storage_gb + plan.postgres.backups_gb
    if plan.redis is not None:
        cpu += sh["redis_cpu"]
        mem += plan.redis.size_gb
    return Need(cpu * head["cpu"], mem * head["memory"] + sh["os_memory_gib"], disk * head["disk"] + sh["os_disk_gib"])


def _pg_memory(plan: Plan, rules: dict[str, Any]) -> float:
    from launchdeck.estimators.cloud_sql import tier_shape_rules

    shape = tier_shape_rules(rules, plan.postgres.tier) if plan.postgres else None
    return shape[2] if isinstance(shape, tuple) else 1.0


def fits(box: Box, n: Need) -> list[str]:
    """What does not fit (empty: it fits); dimensions the box does not state are not checked."""
    out = []
    for what, have, want, unit in (("CPU", box.vcpu, n.cpu, "vCPU"), ("memory", box.memory_gib, n.memory_gib, "GiB"),
                                   ("disk", box.disk_gib, n.disk_gib, "GiB")):
        if have is not None and want > have + 1e-9:
            out.append(f"{what} {want:.4g} {unit} > {have:g} {unit}")
    return out


def choose_box(plan: Plan, rules: dict[str, Any]) -> tuple[Box | None, Need, str]:
    """(box, need, why): the user's own box if the plan prices one, else the first class that fits."""
    sh, cfg = plan.selfhost, rules["selfhost"]
    n = need(plan, rules)
    if "hardware_usd" in sh.model_fields_set:
        box = Box("own", "your own box (plan selfhost)", sh.vcpu, sh.memory_gib, sh.disk_gib, sh.hardware_usd,
                  sh.watts, sh.watts, sh.drives or 0, sh.drive_usd or 0.0, "plan selfhost")
        missing = fits(box, n)
        why = f"does not fit: {', '.join(missing)}" if missing else ""
        return box, n, why
    for c in cfg["classes"]:
        box = Box(c["id"], c["description"], c["vcpu"], c["memory_gib"], c["disk_gib"], c["price_usd"], c["idle_w"],
                  c["load_w"], c["drives"], c["drive_usd"], "rules.yaml selfhost.classes (price unsourced)")
        if not fits(box, n):
            return box, n, ""
    biggest = cfg["classes"][-1]
    return None, n, (f"nothing fits one box: the plan needs {n.cpu:.4g} vCPU, {n.memory_gib:.4g} GiB memory and "
                     f"{num(n.disk_gib)} GiB disk with headroom; the largest class ({biggest['id']}) has "
                     f"{biggest['vcpu']} vCPU / {biggest['memory_gib']} GiB / {num(biggest['disk_gib'])} GiB — "
                     "split the stack over several machines or set your own box in `selfhost:`")


def estimate(ctx: Ctx) -> None:
    sh = ctx.plan.selfhost
    rules = ctx.rules["selfhost"]
    box, n, why = choose_box(ctx.plan, ctx.rules)
    if box is None:
        ctx.add(CostLine("selfhost:hardware", "Hardware", "selfhost", None, None, None, f"unpriced: {why}"))
        return
    own = box.id == "own"
    life = sh.lifetime_months if own or "lifetime_months" in sh.model_fields_set else rules["lifetime_months"]
    fit = (f"needs {n.cpu:.3g} vCPU / {n.memory_gib:.3g} GiB / {num(n.disk_gib)} GiB disk with headroom "
           f"(services, Postgres and Redis containers, host OS)")
    ctx.priced("selfhost:hardware", f"Hardware ({box.id}), amortised", "selfhost", None,
               [Qty("share of the box per month", "box", 1 / life, 1 / life, unit_price=box.price_usd,
                    source=box.source)],
               [f"{box.description}: {usd(box.price_usd)} over {life} months (3–5 years is usual; US tax rules put "
                "computers in the 5-year class, IRS MACRS via selfhost.yaml)",
                "" if own else f"the {usd(box.price_usd)} purchase price is launchdeck's estimate for this class, not "
                "a dated list price (none was found): set selfhost.hardware_usd to price your own box", fit,
                f"warning: {why}" if why else ""])
    busy = rules["busy_fraction"]
    if own:
        watts = (box.idle_w, box.load_w)
        wnote = f"{box.idle_w:g} W average (plan selfhost.watts)"
    else:
        watts = tuple(box.idle_w * (1 - b) + box.load_w * b for b in busy)
        wnote = (f"{box.idle_w:g} W idle, {box.load_w:g} W busy, busy {busy[0]:.0%}–{busy[1]:.0%} of the month "
                 "(selfhost.yaml power profiles)")
    kwh = (watts[0] * HOURS / 1000, watts[1] * HOURS / 1000)
    ctx.priced("selfhost:electricity", "Electricity", "selfhost", None,
                       [Qty("kWh at the wall", "kWh", kwh[0], kwh[1], unit_price=sh.kwh_usd,
                            source="plan selfhost.kwh_usd (US residential average 0.1872, EIA 2026-04)")],
                       [wnote, f"× {HOURS:g} h"])
    if box.drives:
        months = rules["drive_life_months"]
        ctx.priced("selfhost:drives", "Drive replacement reserve", "selfhost", None,
                   [Qty("drives replaced per month", "drive", box.drives / months, box.drives / months,
                        unit_price=box.drive_usd, source=box.source)],
                   [f"{box.drives} drive{'s' if box.drives != 1 else ''}, each replaced once in {months // 12} years",
                    "" if own else f"{usd(box.drive_usd)} a drive is launchdeck's estimate, not a dated list price"])
    ups = rules["ups"]
    price = sh.ups_usd if sh.ups_usd is not None else ups["price_usd"]
    life_lo, life_hi = ups["battery_life_months"]
    oh_lo, oh_hi = ups["energy_overhead"]
    src = "plan selfhost.ups_usd" if sh.ups_usd is not None else "assumed consumer unit (unsourced)"
    ctx.priced("selfhost:ups", "UPS (battery wear + conversion loss)", "selfhost", None,
               [Qty("UPS batteries per month", "battery", 1 / life_lo, 1 / life_hi, unit_price=price, source=src),
                Qty("kWh lost in conversion", "kWh", kwh[0] * oh_lo, kwh[1] * oh_hi, unit_price=sh.kwh_usd,
                    source="plan selfhost.kwh_usd")],
               f"battery replaced every {life_hi // 12}–{life_lo // 12} years (VRLA, industry-electronics.com) plus "
               f"{oh_lo:.0%}–{oh_hi:.0%} conversion loss on the power line")
    backup(ctx)
    if sh.tunnel_usd_month is not None:
        t = (sh.tunnel_usd_month, sh.tunnel_usd_month)
        src = "plan selfhost.tunnel_usd_month"
    else:
        t = tuple(rules["tunnel_usd_month"])
        src = ("Cloudflare Tunnel (free) to a small VPS + WireGuard relay (dylans.link 2026-01); needed behind "
               "CGNAT, or a static IP from the ISP")
    ctx.priced("selfhost:tunnel", "Tunnel or static IP", "selfhost", None,
               [Qty("tunnel or relay per month", "USD", t[0], t[1], unit_price=1.0, source=src)], src)
    if ctx.plan.ingress.domain or sh.domain_usd_year is not None:
        year = sh.domain_usd_year if sh.domain_usd_year is not None else rules["domain_usd_year"]
        src = "plan selfhost.domain_usd_year" if sh.domain_usd_year is not None else "typical .com renewal (unsourced)"
        ctx.priced("selfhost:domain", "Domain name", "selfhost", None,
                   [Qty("domain-years per month", "year", 1 / 12, 1 / 12, unit_price=year, source=src)],
                   f"{src}; the GCP targets need it too for a custom domain")


def backup(ctx: Ctx) -> None:
    sh = ctx.plan.selfhost
    if sh.backup_usd_month is not None:
        ctx.priced("selfhost:backup", "Off-site backup", "selfhost", None,
                   [Qty("backup service per month", "USD", sh.backup_usd_month, sh.backup_usd_month, unit_price=1.0,
                        source="plan selfhost.backup_usd_month")], "plan selfhost.backup_usd_month")
        return
    data = (ctx.plan.postgres.storage_gb if ctx.plan.postgres else 0) + sum(
        b.storage_gb for b in ctx.plan.buckets.values())
    copies = ctx.rules["selfhost"]["backup_copies"]
    ctx.priced("selfhost:backup", "Off-site backup", "selfhost", None,
               [Qty("GiB-months in GCS Nearline", "GiB-mo", data * copies[0], data * copies[1], "gcs.nearline")],
               f"{data:g} GiB of database and bucket data × {copies[0]}–{copies[1]} copies in GCS Nearline "
               f"({ctx.region}); Cloud SQL and GCS include this on GCP — or set selfhost.backup_usd_month")
