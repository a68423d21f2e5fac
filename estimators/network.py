"""Network: the global external Application Load Balancer, internet egress, VPC connector vs Direct VPC."""

from __future__ import annotations

from launchdeck.app.plan import CLOUD_RUN_TARGETS
from launchdeck.estimators.report import HOURS, CostLine, Ctx, Qty, rng, usd, usd_range


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
    n_rules = rules["forwarding_rules"]
    extra = max(0, n_rules - rules["included_rules"])
    qs = [Qty("forwarding-rule hours (first 5 rules, flat)", "h", HOURS, HOURS, "lb.rule_min")]
    if extra:
        qs.append(Qty("additional forwarding-rule hours", "h", extra * HOURS, extra * HOURS, "lb.rule_add"))
    line = ctx.priced("load-balancer", "Load balancer (global external HTTPS)", "network", None, qs,
                      f"{n_rules} forwarding rules (HTTPS + HTTP→HTTPS redirect), {HOURS:g} h")
    if ctx.target in CLOUD_RUN_TARGETS and line.high is not None:
        line.alternatives.append(f"Cloud Run's own *.run.app URLs or domain mappings: no load balancer "
                                 f"({usd(line.high)}/month less, but no Cloud Armor/CDN and one region)")
    e_lo, e_hi = egress_gib(ctx)
    share = rules["inbound_share_of_egress"]
    ctx.priced("load-balancer:data", "Load balancer data processing", "network", None,
               [Qty("GiB processed outbound", "GiB", e_lo, e_hi, "lb.out"),
                Qty("GiB processed inbound", "GiB", e_lo * share, e_hi * share, "lb.in")],
               f"{rng(e_lo, e_hi)} GiB out + {share:.0%} of that in (rules.yaml load_balancer.inbound_share_of_egress)")


def egress(ctx: Ctx) -> None:
    e_lo, e_hi = egress_gib(ctx)
    notes = [f"{rng(e_lo, e_hi)} GiB/month to the internet, Premium Tier from {ctx.region} to worldwide "
             "destinations (China and Australia cost more)", "same-region traffic to Google services is free"]
    if ctx.plan.ingress.load_balancer:
        notes.append("load balancer data processing is charged on top")
    ctx.priced("egress", "Internet egress", "network", None, [Qty("GiB to the internet", "GiB", e_lo, e_hi, "net.egress")],
               notes)


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
    n_lo, n_hi = conn["min_instances"] * HOURS, conn["busy_avg_instances"] * HOURS
    fam = shape["family"]
    line = ctx.priced("vpc", "Serverless VPC Access connector", "network", None,
                      [Qty(f"{fam.upper()} vCPU-hours ({conn['machine_type']})", "vCPU-h", n_lo * shape["vcpu"],
                           n_hi * shape["vcpu"], f"gce.{fam}.core"),
                       Qty(f"{fam.upper()} GiB-hours ({conn['machine_type']})", "GiB-h", n_lo * shape["memory_gib"],
                           n_hi * shape["memory_gib"], f"gce.{fam}.ram")],
                      f"minimum {conn['min_instances']} × {conn['machine_type']} always on; high case autoscaled to "
                      f"an average of {conn['busy_avg_instances']} (max {conn['max_instances']})")
    if line.low is not None and line.high is not None:
        line.alternatives.append(f"Direct VPC egress instead of a connector: $0 fixed (saves "
                                 f"{usd_range(line.low, line.high)}/month)")
