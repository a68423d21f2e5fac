"""Cloud Run: request-based and instance-based services, worker pools, Jobs, min-instance idle, free tiers.

Each line is a list of quantities (vCPU-seconds, GiB-seconds, requests) under the SKU keys of its billing
mode; `Ctx.priced` looks the unit prices up. Formulas: docs/costs.md "Cloud Run".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from launchdeck.app.plan import runs_as_job, runs_as_worker_pool, worker_pool_shape
from launchdeck.estimators import gke
from launchdeck.estimators.report import SECONDS, Ctx, Qty, num, rng, usd, usd_range
from launchdeck.estimators.run_rates import per_second, quantities, tier
from launchdeck.estimators.workload import (
    active_seconds,
    instance_lifetime,
    job_task_seconds,
    poisson_busy_share,
    worker_busy_seconds,
)

if TYPE_CHECKING:
    from launchdeck.app.plan import Service

Pair = tuple[float, float]


def _shape(svc: Service) -> str:
    return f"{svc.cpu_text} vCPU / {svc.memory}"


def _tier_note(ctx: Ctx) -> str:
    t = tier(ctx)
    return f"{ctx.region} is Cloud Run Tier {t}" if t else ""


def estimate_services(ctx: Ctx) -> None:
    for name, svc in ctx.plan.services.items():
        if runs_as_job(svc, ctx.target):
            job_line(ctx, name, svc)
        elif runs_as_worker_pool(svc, ctx.target):
            worker_pool_line(ctx, name, svc)
        elif svc.billing == "instance":
            instance_line(ctx, name, svc)
        else:
            request_line(ctx, name, svc)
    free_tier_lines(ctx)


def request_line(ctx: Ctx, name: str, svc: Service) -> None:
    a_lo, a_hi = active_seconds(svc)
    floor = svc.min_instances * SECONDS
    idle = (max(0.0, floor - a_lo), max(0.0, floor - a_hi))
    reqs = svc.usage.requests_per_month if svc.role in ("web", "websocket") else (0.0, 0.0)
    qs = quantities(ctx, "req", svc, (a_lo, a_hi))
    if svc.min_instances:
        qs += quantities(ctx, "idle", svc, idle)
    if reqs[1]:
        qs.append(Qty("requests", "request", reqs[0], reqs[1], "run.requests"))
    ctx.pool("run-req-cpu", a_lo * svc.cpu, a_hi * svc.cpu)
    ctx.pool("run-req-gib", qs[1].low, qs[1].high)
    ctx.pool("run-requests", reqs[0], reqs[1])

    ps_act = per_second(ctx, "req", svc)
    ps_idle = per_second(ctx, "idle", svc)
    notes: list[str] = [f"request-based, {_shape(svc)}", _tier_note(ctx)]
    alts: list[str] = []
    if svc.role == "web":
        u = svc.usage
        notes.append(f"{num(reqs[0])}–{num(reqs[1])} requests × {rng(*u.seconds_per_request)} s = "
                     f"{num(a_lo)}–{num(a_hi)} active instance-s (each request counted alone: conservative)")
        load = a_hi / SECONDS
        if svc.concurrency > 1 and load > 0 and ps_act:
            shared = SECONDS * poisson_busy_share(load)
            saving = (a_hi - shared) * ps_act
            if saving >= 0.01:
                notes.append(f"with concurrency {svc.concurrency}, overlapping requests share an instance: "
                             f"about {num(shared)} instance-s, {usd(saving)} less at the high end")
        if ps_act:
            notes.append(f"max_instances {svc.max_instances} caps the worst case at "
                         f"{usd(svc.max_instances * SECONDS * ps_act)}/month")
        alts += instance_alternative(ctx, svc)
    elif svc.role == "websocket":
        b = svc.usage.busy_fraction
        notes.append(f"an open socket is an in-flight request: active rate while sockets are open "
                     f"({b[0]:.0%}–{b[1]:.0%} of the month)")
        if ps_act is not None and ps_idle is not None:
            alts += websocket_alternatives(ctx, svc, ps_act, ps_idle)
    else:
        notes.append("a worker on request-based billing gets CPU only while serving a request; a queue "
                     "consumer needs a worker pool, instance-based billing or a Cloud Run Job")
        alts += worker_alternatives(ctx, name, svc)
    if svc.min_instances:
        notes.append(f"min {svc.min_instances} instance{'s' if svc.min_instances > 1 else ''} kept warm: "
                     f"{num(idle[1])}–{num(idle[0])} idle instance-s at the min-instance rate")
    ctx.priced(f"service:{name}", f"{name} (Cloud Run, request-based)", "compute", name, qs, notes, alts)


def instance_alternative(ctx: Ctx, svc: Service) -> list[str]:
    """The same web service on instance-based billing, for comparison."""
    ps = per_second(ctx, "inst", svc)
    if ps is None:
        return []
    lo, hi = instance_lifetime(svc, ctx.rules["cloud_run"]["idle_retention_s"])
    return [f"instance-based billing: {usd_range(lo * ps, hi * ps)}/month (instance lifetime incl. the idle "
            "tail, no request fee)"]


def websocket_alternatives(ctx: Ctx, svc: Service, ps_act: float, ps_idle: float) -> list[str]:
    ps_inst = per_second(ctx, "inst", svc)
    out: list[str] = []
    if ps_inst is not None:
        inst_month = max(1, svc.min_instances) * SECONDS * ps_inst
        idle_rate = ps_idle if svc.min_instances else 0.0
        if ps_act > idle_rate:
            f = (ps_inst - idle_rate) / (ps_act - idle_rate)
            if f < 1:
                out.append(f"instance-based billing: {usd(inst_month)}/month flat; cheaper once sockets are open "
                           f"more than {f:.0%} of the month (request-based at 100%: "
                           f"{usd(SECONDS * ps_act)}/month)")
            else:
                out.append(f"instance-based billing: {usd(inst_month)}/month flat, never cheaper here")
    if svc.min_instances:
        out.append(f"Server-Sent Events served by an existing web service instead of a separate WebSocket "
                   f"service: saves the idle floor ({usd(svc.min_instances * SECONDS * ps_idle)}/month); "
                   f"open streams still bill at the active rate")
    return out


def instance_line(ctx: Ctx, name: str, svc: Service) -> None:
    retention = ctx.rules["cloud_run"]["idle_retention_s"]
    if svc.role == "worker":
        from launchdeck.estimators.workload import worker_instances

        n_lo, n_hi = worker_instances(svc)
        life = (n_lo * SECONDS, n_hi * SECONDS)
        drive = f"average {n_lo:g}–{n_hi:g} instance{'s' if n_hi != 1 else ''} running all month"
    else:
        life = instance_lifetime(svc, retention)
        drive = (f"{num(life[0])}–{num(life[1])} instance-s of lifetime: instances stay up to "
                 f"{retention / 60:g} min after their last request (low: traffic clustered in one busy window a "
                 "day; high: spread evenly), at least min_instances all month")
    qs = quantities(ctx, "inst", svc, life)
    ctx.pool("run-inst-cpu", qs[0].low, qs[0].high)
    ctx.pool("run-inst-gib", qs[1].low, qs[1].high)
    notes = [f"instance-based (CPU always allocated, no request fee), {_shape(svc)}", _tier_note(ctx), drive]
    alts = worker_alternatives(ctx, name, svc) if svc.role == "worker" else []
    if svc.role == "websocket":
        ps_act, ps_idle = per_second(ctx, "req", svc), per_second(ctx, "idle", svc)
        if ps_act is not None and ps_idle is not None:
            alts += [a for a in websocket_alternatives(ctx, svc, ps_act, ps_idle) if a.startswith("Server-Sent")]
    ctx.priced(f"service:{name}", f"{name} (Cloud Run, instance-based)", "compute", name, qs, notes, alts)


def worker_pool_line(ctx: Ctx, name: str, svc: Service) -> None:
    """A worker pool bills every instance for the whole month: instances × 730 h, its own SKUs."""
    wp = worker_pool_shape(svc)
    n = float(wp.instances)
    qs = quantities(ctx, "pool", svc, (n * SECONDS, n * SECONDS), shape=(wp.cpu, wp.memory_mib / 1024))
    notes = [f"Cloud Run worker pool, {_shape(svc)}", _tier_note(ctx),
             f"{wp.instances} instance{'s' if wp.instances != 1 else ''} (manual scaling) × {SECONDS / 3600:g} h: "
             "billed for the whole lifetime, no request fee", *wp.notes]
    ctx.priced(f"service:{name}", f"{name} (Cloud Run worker pool)", "compute", name, qs, notes,
               worker_alternatives(ctx, name, svc))


def job_line(ctx: Ctx, name: str, svc: Service) -> None:
    if svc.role == "worker":
        s_lo, s_hi = worker_busy_seconds(svc)
        drive = f"runs only while there is work: {num(s_lo)}–{num(s_hi)} task-s (busy share of the month)"
    else:
        s_lo, s_hi = job_task_seconds(svc)
        u = svc.usage
        drive = (f"{rng(*u.executions_per_month)} executions × {rng(*u.tasks_per_execution)} task(s) × "
                 f"{rng(*u.seconds_per_execution)} s")
    qs = quantities(ctx, "jobs", svc, (s_lo, s_hi))
    ctx.pool("run-inst-cpu", qs[0].low, qs[0].high)
    ctx.pool("run-inst-gib", qs[1].low, qs[1].high)
    ctx.priced(f"service:{name}", f"{name} (Cloud Run Job)", "compute", name, qs,
               [f"Cloud Run Job, {_shape(svc)}", _tier_note(ctx), drive])


def worker_alternatives(ctx: Ctx, name: str, svc: Service) -> list[str]:
    """The same worker as a Job (when its work is batchable), a worker pool, and on GKE."""
    out: list[str] = []
    jobs = per_second(ctx, "jobs", svc)
    if jobs is not None and ctx.target != "cloud-run-jobs":
        b_lo, b_hi = worker_busy_seconds(svc)
        out.append(f"as a Cloud Run Job, if the work can be batched (runs only while the queue has work): "
                   f"{usd_range(b_lo * jobs, b_hi * jobs)}/month (busy time only, {usd(jobs * 3600)}/hour)")
    wp = worker_pool_shape(svc)
    pool = per_second(ctx, "pool", svc, shape=(wp.cpu, wp.memory_mib / 1024))
    if pool is not None and not runs_as_worker_pool(svc, ctx.target):
        out.append(f"as a Cloud Run worker pool: {usd(wp.instances * SECONDS * pool)}/month "
                   f"({wp.instances} instance{'s' if wp.instances != 1 else ''} all month)")
    ap = gke.autopilot_pod_month(ctx, svc)
    if ap is not None:
        n = max(1, wp.instances)
        fee, _ = ctx.price("gke.cluster.autopilot")
        credit = float(ctx.rules["gke"]["cluster_fee_credit_usd"])
        extra = ""
        if fee is not None:
            extra = (f" (+ {usd(fee.usd * SECONDS / 3600)} cluster fee, cancelled by the {usd(credit)} monthly credit "
                     "for one cluster)")
        out.append(f"on GKE Autopilot: {usd(ap * n)}/month for {n} pod{'s' if n != 1 else ''}{extra}")
    std = gke.single_node_month(ctx, svc)
    if std is not None:
        out.append(f"on a GKE Standard {std[0]} node: {usd(std[1])}/month incl. boot disk "
                   f"(zonal cluster fee covered by the credit)")
    return out


def free_tier_lines(ctx: Ctx) -> None:
    """Cloud Run's pooled monthly free tier, valued at Tier 1 prices, as negative lines."""
    ref = ctx.rules.get("reference_region", "us-central1")
    free = ctx.rules["cloud_run"]["free_tier"]
    pools = ctx.pools
    if "run-req-cpu" in pools:
        fr = free["request_based"]
        req_price, _ = ctx.price("run.requests")
        n_free = req_price.free if req_price else 0.0
        cpu = [min(pools["run-req-cpu"][i], fr["vcpu_seconds"]) for i in (0, 1)]
        mem = [min(pools["run-req-gib"][i], fr["gib_seconds"]) for i in (0, 1)]
        reqs = [min(pools["run-requests"][i], n_free) for i in (0, 1)]
        qs = [Qty("free vCPU-seconds (active)", "vCPU-s", -cpu[0], -cpu[1], "run.req.cpu", ref),
              Qty("free GiB-seconds (active)", "GiB-s", -mem[0], -mem[1], "run.req.mem", ref)]
        if reqs[1]:
            qs.append(Qty("free requests", "request", -reqs[0], -reqs[1], "run.requests"))
        ctx.priced("free-tier:cloud-run-request", "Cloud Run free tier (request-based)", "free-tier", None, qs,
                   f"per billing account per month, valued at Tier 1 ({ref}) prices: {num(fr['vcpu_seconds'])} "
                   f"vCPU-s, {num(fr['gib_seconds'])} GiB-s, {num(n_free)} requests; not applied to min-instance "
                   "idle time")
    if "run-inst-cpu" in pools:
        fi = free["instance_based"]
        cpu = [min(pools["run-inst-cpu"][i], fi["vcpu_seconds"]) for i in (0, 1)]
        mem = [min(pools["run-inst-gib"][i], fi["gib_seconds"]) for i in (0, 1)]
        qs = [Qty("free vCPU-seconds (instance-based, Jobs)", "vCPU-s", -cpu[0], -cpu[1], "run.inst.cpu", ref),
              Qty("free GiB-seconds (instance-based, Jobs)", "GiB-s", -mem[0], -mem[1], "run.inst.mem", ref)]
        ctx.priced("free-tier:cloud-run-instance", "Cloud Run free tier (instance-based and Jobs)", "free-tier",
                   None, qs, f"per billing account per month, shared by instance-based services and Jobs: "
                   f"{num(fi['vcpu_seconds'])} vCPU-s, {num(fi['gib_seconds'])} GiB-s, valued at Tier 1 ({ref}) "
                   "prices")
