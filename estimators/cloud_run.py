"""Cloud Run: request-based and instance-based services, min-instance idle, WebSockets, Jobs, free tiers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from launchdeck.app.plan import runs_as_job
from launchdeck.estimators.report import SECONDS, CostLine, Ctx, gib, num, rng, usd, usd_range
from launchdeck.estimators.workload import (
    active_seconds,
    job_task_seconds,
    poisson_busy_share,
    worker_busy_seconds,
    worker_instances,
)

if TYPE_CHECKING:
    from launchdeck.app.plan import Service

Pair = tuple[float, float]


def tier_of(ctx: Ctx) -> tuple[int, str, str]:
    """(tier, region to price Cloud Run at, note)."""
    rules = ctx.rules["cloud_run"]
    region = ctx.region
    if region in rules["tier1"]:
        return 1, region, ""
    if region in rules["tier2"]:
        return 2, region, ""
    tier = int(rules.get("unlisted_region_tier", 2))
    stand_in = rules["tier1" if tier == 1 else "tier2"][0]
    return tier, stand_in, f"{region} is on neither Cloud Run tier list; priced as Tier {tier} ({stand_in})"


def rates(ctx: Ctx, mode: str, region: str | None = None) -> tuple[float, float, str] | None:
    """(vCPU-second, GiB-second, note) for mode req | idle | inst | jobs; None if the catalog lacks it."""
    _, at, tier_note = tier_of(ctx)
    cpu, n1 = ctx.price(f"run.{mode}.cpu", region or at)
    mem, n2 = ctx.price(f"run.{mode}.mem", region or at)
    if cpu is None or mem is None:
        return None
    note = "; ".join(n for n in dict.fromkeys((tier_note if region is None else "", n1, n2)) if n)
    return cpu.usd, mem.usd, note


def per_second(r: tuple[float, float, str], svc: Service) -> float:
    return svc.cpu * r[0] + gib(svc) * r[1]


def _unpriced(ctx: Ctx, name: str, svc: Service, what: str) -> CostLine:
    return ctx.add(CostLine(f"service:{name}", f"{name} ({what})", "compute", name, None, None,
                            f"unpriced: the price catalog has no Cloud Run {what} rate for {ctx.region}"))


def _shape(svc: Service) -> str:
    return f"{svc.cpu_text} vCPU / {svc.memory}"


def estimate_services(ctx: Ctx) -> None:
    for name, svc in ctx.plan.services.items():
        if runs_as_job(svc, ctx.target):
            job_line(ctx, name, svc)
        elif svc.billing == "instance":
            instance_line(ctx, name, svc)
        else:
            request_line(ctx, name, svc)
    free_tier_lines(ctx)


def request_line(ctx: Ctx, name: str, svc: Service) -> None:
    act, idle = rates(ctx, "req"), rates(ctx, "idle")
    req_price, req_note = ctx.price("run.requests")
    if act is None or idle is None or req_price is None:
        _unpriced(ctx, name, svc, "request-based")
        return
    a_lo, a_hi = active_seconds(svc)
    floor = svc.min_instances * SECONDS
    i_lo, i_hi = max(0.0, floor - a_lo), max(0.0, floor - a_hi)
    reqs = svc.usage.requests_per_month if svc.role in ("web", "websocket") else (0.0, 0.0)
    ps_act, ps_idle = per_second(act, svc), per_second(idle, svc)
    lo = a_lo * ps_act + i_lo * ps_idle + req_price.cost(reqs[0])
    hi = a_hi * ps_act + i_hi * ps_idle + req_price.cost(reqs[1])
    ctx.pool("run-req-cpu", a_lo * svc.cpu, a_hi * svc.cpu)
    ctx.pool("run-req-gib", a_lo * gib(svc), a_hi * gib(svc))
    ctx.pool("run-requests", reqs[0], reqs[1])

    notes: list[str] = [f"request-based, {_shape(svc)}"]
    alts: list[str] = []
    if svc.role == "web":
        u = svc.usage
        notes.append(f"{num(reqs[0])}–{num(reqs[1])} requests × {rng(*u.seconds_per_request)} s = "
                     f"{num(a_lo)}–{num(a_hi)} instance-s at "
                     f"{usd(ps_act)}/s (each request counted alone: conservative)")
        load = a_hi / SECONDS
        if svc.concurrency > 1 and load > 0:
            shared = SECONDS * poisson_busy_share(load)
            saving = (a_hi - shared) * ps_act
            if saving >= 0.01:
                notes.append(f"with concurrency {svc.concurrency}, overlapping requests share an instance: "
                             f"about {num(shared)} instance-s, {usd(saving)} less at the high end")
    elif svc.role == "websocket":
        b = svc.usage.busy_fraction
        notes.append(f"an open socket is an in-flight request: active rate while sockets are open "
                     f"({b[0]:.0%}–{b[1]:.0%} of the month)")
        alts += websocket_alternatives(ctx, svc, ps_act, ps_idle)
    else:
        notes.append("a worker on request-based billing gets CPU only while serving a request; a queue "
                     "consumer needs instance-based billing or a Cloud Run Job")
        alts += worker_alternatives(ctx, name, svc)
    if svc.min_instances:
        idle_floor = floor * ps_idle
        notes.append(f"min {svc.min_instances} instance{'s' if svc.min_instances > 1 else ''} kept warm: "
                     f"idle floor {usd(idle_floor)}/month at {usd(ps_idle)}/s")
    if svc.role == "web":
        worst = svc.max_instances * SECONDS * ps_act
        notes.append(f"max_instances {svc.max_instances} caps the worst case at {usd(worst)}/month")
    notes += [n for n in (act[2], idle[2], req_note) if n]
    ctx.add(CostLine(f"service:{name}", f"{name} (Cloud Run, request-based)", "compute", name, lo, hi,
                     "; ".join(notes), alts))


def websocket_alternatives(ctx: Ctx, svc: Service, ps_act: float, ps_idle: float) -> list[str]:
    inst = rates(ctx, "inst")
    out: list[str] = []
    if inst is not None:
        ps_inst = per_second(inst, svc)
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
    inst = rates(ctx, "inst")
    if inst is None:
        _unpriced(ctx, name, svc, "instance-based")
        return
    if svc.role == "worker":
        n_lo, n_hi = worker_instances(svc)
        s_lo, s_hi = n_lo * SECONDS, n_hi * SECONDS
        drive = f"average {n_lo:g}–{n_hi:g} instance{'s' if n_hi != 1 else ''} running all month"
    else:
        a_lo, a_hi = active_seconds(svc)
        floor = svc.min_instances * SECONDS
        s_lo, s_hi = max(floor, a_lo), max(floor, a_hi)
        drive = f"{num(s_lo)}–{num(s_hi)} instance-s (busy time, at least min_instances all month)"
    ps = per_second(inst, svc)
    lo, hi = s_lo * ps, s_hi * ps
    ctx.pool("run-inst-cpu", s_lo * svc.cpu, s_hi * svc.cpu)
    ctx.pool("run-inst-gib", s_lo * gib(svc), s_hi * gib(svc))
    notes = [f"instance-based (CPU always allocated), {_shape(svc)}", drive]
    if svc.min_instances:
        notes.append(f"min {svc.min_instances} instance{'s' if svc.min_instances > 1 else ''}, always-allocated "
                     f"CPU: fixed {usd(svc.min_instances * SECONDS * ps)}/month before any work")
    if inst[2]:
        notes.append(inst[2])
    alts = worker_alternatives(ctx, name, svc) if svc.role == "worker" else []
    if svc.role == "websocket":
        act, idle = rates(ctx, "req"), rates(ctx, "idle")
        if act and idle:
            alts += [a for a in websocket_alternatives(ctx, svc, per_second(act, svc), per_second(idle, svc))
                     if a.startswith("Server-Sent")]
    ctx.add(CostLine(f"service:{name}", f"{name} (Cloud Run, instance-based)", "compute", name, lo, hi,
                     "; ".join(notes), alts))


def job_line(ctx: Ctx, name: str, svc: Service) -> None:
    jobs = rates(ctx, "jobs")
    if jobs is None:
        _unpriced(ctx, name, svc, "Jobs")
        return
    if svc.role == "worker":
        s_lo, s_hi = worker_busy_seconds(svc)
        drive = f"runs only while there is work: {num(s_lo)}–{num(s_hi)} task-s (busy share of the month)"
    else:
        s_lo, s_hi = job_task_seconds(svc)
        u = svc.usage
        drive = (f"{rng(*u.executions_per_month)} executions × {rng(*u.tasks_per_execution)} task(s) × "
                 f"{rng(*u.seconds_per_execution)} s")
    ps = per_second(jobs, svc)
    ctx.pool("run-inst-cpu", s_lo * svc.cpu, s_hi * svc.cpu)
    ctx.pool("run-inst-gib", s_lo * gib(svc), s_hi * gib(svc))
    notes = [f"Cloud Run Job, {_shape(svc)}", drive, f"{usd(ps * 3600)}/task-hour"]
    if jobs[2]:
        notes.append(jobs[2])
    ctx.add(CostLine(f"service:{name}", f"{name} (Cloud Run Job)", "compute", name, s_lo * ps, s_hi * ps,
                     "; ".join(notes)))


def worker_alternatives(ctx: Ctx, name: str, svc: Service) -> list[str]:
    from launchdeck.estimators import gke

    out: list[str] = []
    jobs = rates(ctx, "jobs")
    if jobs is not None and ctx.target != "cloud-run-jobs":
        b_lo, b_hi = worker_busy_seconds(svc)
        ps = per_second(jobs, svc)
        out.append(f"as a Cloud Run Job / scale to zero when the queue is idle: {usd_range(b_lo * ps, b_hi * ps)}"
                   f"/month (busy time only, {usd(ps * 3600)}/hour)")
    ap = gke.autopilot_pod_month(ctx, svc)
    if ap is not None:
        n_lo, n_hi = worker_instances(svc)
        out.append(f"on GKE Autopilot: {usd_range(ap * max(n_lo, 1), ap * max(n_hi, 1))}/month "
                   f"(+ $73 cluster fee, cancelled by the $74.40 monthly credit for one cluster)")
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
        act = rates(ctx, "req", region=ref)
        req_price, _ = ctx.price("run.requests")
        if act and req_price:
            fr = free["request_based"]
            credit = []
            for i in (0, 1):
                c = min(pools["run-req-cpu"][i], fr["vcpu_seconds"]) * act[0]
                c += min(pools["run-req-gib"][i], fr["gib_seconds"]) * act[1]
                c += min(pools["run-requests"][i], req_price.free) * req_price.usd
                credit.append(-c)
            ctx.add(CostLine(
                "free-tier:cloud-run-request", "Cloud Run free tier (request-based)", "free-tier", None,
                credit[0], credit[1],
                f"per billing account per month, valued at Tier 1 prices: {num(fr['vcpu_seconds'])} vCPU-s, "
                f"{num(fr['gib_seconds'])} GiB-s, {num(req_price.free)} requests (worth at most "
                f"{usd(fr['vcpu_seconds'] * act[0] + fr['gib_seconds'] * act[1] + req_price.free * req_price.usd)}); "
                "not applied to min-instance idle time"))
    if "run-inst-cpu" in pools:
        inst = rates(ctx, "inst", region=ref)
        if inst:
            fi = free["instance_based"]
            credit = [-(min(pools["run-inst-cpu"][i], fi["vcpu_seconds"]) * inst[0]
                        + min(pools["run-inst-gib"][i], fi["gib_seconds"]) * inst[1]) for i in (0, 1)]
            ctx.add(CostLine(
                "free-tier:cloud-run-instance", "Cloud Run free tier (instance-based and Jobs)", "free-tier", None,
                credit[0], credit[1],
                f"per billing account per month, shared by instance-based services and Jobs: "
                f"{num(fi['vcpu_seconds'])} vCPU-s, {num(fi['gib_seconds'])} GiB-s (worth at most "
                f"{usd(fi['vcpu_seconds'] * inst[0] + fi['gib_seconds'] * inst[1])})"))
