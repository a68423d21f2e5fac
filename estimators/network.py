"""Network: the global external Application Load Balancer, internet egress, VPC connector vs Direct VPC."""

from __future__ import annotations

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.estimators.report import HOURS, CostLine, Ctx, usd, usd_range


def egress_gib(ctx: Ctx) -> tuple[float, float]:
    lo, hi = ctx.plan.network.egress_gb
    for svc in ctx.plan.services.values():
        lo += svc.usage.egress_gb[0]
        hi += svc.usage.egress_gb[1]
    return lo, hi


def load_balancer(ctx: Ctx) -> None:
    if not ctx.plan.ingress.load_balancer:
        return
    rules = ctx.rules["load_balancer"]
    fr, n1 = ctx.price("lb.rule_min")
    extra, _ = ctx.price("lb.rule_add")
    inb, n2 = ctx.price("lb.in")
    out, n3 = ctx.price("lb.out")
    if fr is None or inb is None or out is None:
        ctx.add(CostLine("load-balancer", "Load balancer (global external HTTPS)", "network", None, None, None,
                         "unpriced: forwarding rule or data processing price missing from the catalog"))
        return
    n_rules = rules["forwarding_rules"]
    rules_month = fr.usd * HOURS + max(0, n_rules - rules["included_rules"]) * (extra.usd if extra else 0) * HOURS
    e_lo, e_hi = egress_gib(ctx)
    share = rules["inbound_share_of_egress"]
    lo = rules_month + e_lo * out.usd + e_lo * share * inb.usd
    hi = rules_month + e_hi * out.usd + e_hi * share * inb.usd
    notes = [f"{n_rules} forwarding rules (HTTPS + HTTP→HTTPS redirect) inside the flat first-5 minimum: "
             f"{usd(fr.usd)}/h × {HOURS:g} h = {usd(rules_month)}",
             f"data processed {usd(out.usd)}/GiB each way: {e_lo:g}–{e_hi:g} GiB out + {share:.0%} in"]
    notes += list(dict.fromkeys(n for n in (n1, n2, n3) if n))
    alts = []
    if ctx.target in CLOUD_RUN_TARGETS:
        alts.append(f"Cloud Run's own *.run.app URLs or domain mappings: no load balancer ({usd(rules_month)}/month "
                    "less, but no Cloud Armor/CDN and one region)")
    ctx.add(CostLine("load-balancer", "Load balancer (global external HTTPS)", "network", None, lo, hi,
                     "; ".join(notes), alts))


def egress(ctx: Ctx) -> None:
    p, note = ctx.price("net.egress")
    e_lo, e_hi = egress_gib(ctx)
    if p is None:
        ctx.add(CostLine("egress", "Internet egress", "network", None, None, None,
                         "unpriced: no internet egress price in the catalog"))
        return
    notes = [f"{e_lo:g}–{e_hi:g} GiB/month to the internet at Premium Tier {usd(p.usd)}/GiB (first TiB)",
             "same-region traffic to Google services is free"]
    if ctx.plan.ingress.load_balancer:
        notes.append("load balancer data processing is charged on top")
    if note:
        notes.append(note)
    ctx.add(CostLine("egress", "Internet egress", "network", None, p.cost(e_lo), p.cost(e_hi), "; ".join(notes)))


def vpc(ctx: Ctx) -> None:
    mode = ctx.plan.network.vpc
    if ctx.target not in CLOUD_RUN_TARGETS or mode == "none":
        return
    if mode == "direct":
        ctx.add(CostLine("vpc", "Direct VPC egress", "network", None, 0.0, 0.0,
                         "Direct VPC egress has no connector VMs: no fixed cost, only normal data transfer"))
        return
    conn = ctx.rules["cloud_run"]["vpc_connector"]
    shape = ctx.rules["compute_engine"]["shapes"][conn["machine_type"]]
    core, n1 = ctx.price(f"gce.{shape['family']}.core")
    ram, n2 = ctx.price(f"gce.{shape['family']}.ram")
    if core is None or ram is None:
        ctx.add(CostLine("vpc", "Serverless VPC Access connector", "network", None, None, None,
                         f"unpriced: no {conn['machine_type']} price in the catalog"))
        return
    hour = shape["vcpu"] * core.usd + shape["memory_gib"] * ram.usd
    lo, hi = conn["min_instances"] * hour * HOURS, conn["busy_avg_instances"] * hour * HOURS
    notes = [f"minimum {conn['min_instances']} × {conn['machine_type']} always on at {usd(hour)}/h; high case "
             f"autoscaled to an average of {conn['busy_avg_instances']} (max {conn['max_instances']})"]
    notes += list(dict.fromkeys(n for n in (n1, n2) if n))
    ctx.add(CostLine("vpc", "Serverless VPC Access connector", "network", None, lo, hi, "; ".join(notes),
                     [f"Direct VPC egress instead of a connector: $0 fixed (saves {usd_range(lo, hi)}/month)"]))
