"""GKE: Autopilot (billed per pod request, with Autopilot's minimums and ratios) and Standard (services
bin-packed onto a node type), the cluster fee and the monthly GKE credit."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from launchdeck.estimators.report import HOURS, CostLine, Ctx, ceil_step, num, rng, usd
from launchdeck.estimators.report import gib as svc_gib
from launchdeck.estimators.workload import job_task_seconds, replicas

if TYPE_CHECKING:
    from launchdeck.app.plan import Service


def autopilot_shape(rules: dict[str, Any], svc: Service) -> tuple[float, float]:
    """Pod requests as Autopilot bills them: CPU in 0.25 steps, memory within 1–6.5 GiB per vCPU."""
    ap = rules["gke"]["autopilot"]
    step = ap["cpu_step"]
    cpu = max(ap["min_cpu"], ceil_step(svc.cpu, step))
    gib = max(svc_gib(svc), ap["min_gib"])
    if gib > cpu * ap["max_gib_per_cpu"]:
        cpu = ceil_step(gib / ap["max_gib_per_cpu"], step)
    gib = max(gib, cpu * ap["min_gib_per_cpu"])
    return cpu, gib


def _autopilot_rates(ctx: Ctx) -> tuple[float, float, float, str] | None:
    cpu, n1 = ctx.price("gke.ap.cpu")
    mem, n2 = ctx.price("gke.ap.mem")
    eph, n3 = ctx.price("gke.ap.eph")
    if cpu is None or mem is None:
        return None
    note = "; ".join(dict.fromkeys(n for n in (n1, n2, n3) if n))
    return cpu.usd, mem.usd, (eph.usd if eph else 0.0), note


def autopilot_pod_hour(ctx: Ctx, svc: Service) -> float | None:
    r = _autopilot_rates(ctx)
    if r is None:
        return None
    cpu, gib = autopilot_shape(ctx.rules, svc)
    return cpu * r[0] + gib * r[1] + ctx.rules["gke"]["autopilot"]["ephemeral_gib_per_pod"] * r[2]


def autopilot_pod_month(ctx: Ctx, svc: Service) -> float | None:
    hour = autopilot_pod_hour(ctx, svc)
    return None if hour is None else hour * HOURS


def estimate_autopilot(ctx: Ctx) -> None:
    r = _autopilot_rates(ctx)
    for name, svc in ctx.plan.services.items():
        hour = autopilot_pod_hour(ctx, svc)
        if hour is None or r is None:
            ctx.add(CostLine(f"service:{name}", f"{name} (GKE Autopilot)", "compute", name, None, None,
                             f"unpriced: no Autopilot pod prices for {ctx.region} in the catalog"))
            continue
        cpu, gib = autopilot_shape(ctx.rules, svc)
        shape = f"pod requests {cpu:g} vCPU / {gib:g} GiB"
        if (cpu, gib) != (svc.cpu, svc_gib(svc)):
            shape += f" (plan asks {svc.cpu_text} vCPU / {svc.memory}; Autopilot rounds to 0.25 vCPU steps, 1–6.5 GiB per vCPU)"
        if svc.role == "job":
            s_lo, s_hi = job_task_seconds(svc)
            lo, hi = s_lo / 3600 * hour, s_hi / 3600 * hour
            drive = f"Kubernetes Job: {num(s_lo)}–{num(s_hi)} pod-seconds a month"
        else:
            n_lo, n_hi = replicas(svc)
            lo, hi = n_lo * hour * HOURS, n_hi * hour * HOURS
            drive = f"{rng(n_lo, n_hi)} replica{'s' if n_hi != 1 else ''} running all month (pods do not scale to zero)"
        notes = [shape, drive, f"{usd(hour * HOURS)}/pod-month incl. 1 GiB ephemeral storage"]
        if r[3]:
            notes.append(r[3])
        alts = [run_job_alternative(ctx, svc)] if svc.role == "worker" else []
        ctx.add(CostLine(f"service:{name}", f"{name} (GKE Autopilot)", "compute", name, lo, hi, "; ".join(notes),
                         [a for a in alts if a]))
    cluster_lines(ctx, "autopilot")


def run_job_alternative(ctx: Ctx, svc: Service) -> str:
    """A worker as a Cloud Run Job: billed only while there is work."""
    from launchdeck.estimators.cloud_run import per_second, rates
    from launchdeck.estimators.workload import worker_busy_seconds

    jobs = rates(ctx, "jobs")
    if jobs is None:
        return ""
    ps = per_second(jobs, svc)
    b_lo, b_hi = worker_busy_seconds(svc)
    return (f"as a Cloud Run Job that runs only while the queue has work: {usd(b_lo * ps)}–{usd(b_hi * ps)}/month "
            f"({usd(ps * 3600)}/hour, before Cloud Run's free tier)")


def cluster_lines(ctx: Ctx, kind: str) -> None:
    fee, _ = ctx.price(f"gke.cluster.{kind}")
    if fee is None:
        ctx.add(CostLine("gke:cluster", "GKE cluster management fee", "platform", None, None, None,
                         "unpriced: no cluster fee SKU in the catalog"))
        return
    month = fee.usd * HOURS
    label = "Autopilot" if kind == "autopilot" else "zonal Standard"
    ctx.add(CostLine("gke:cluster", f"GKE cluster fee ({label})", "platform", None, month, month,
                     f"{usd(fee.usd)}/cluster-hour × {HOURS:g} h"))
    credit = min(month, float(ctx.rules["gke"]["cluster_fee_credit_usd"]))
    ctx.add(CostLine("free-tier:gke-credit", "GKE free tier credit", "free-tier", None, -credit, -credit,
                     f"{usd(ctx.rules['gke']['cluster_fee_credit_usd'])}/month per billing account, covers one "
                     "zonal or Autopilot cluster's fee (not a regional Standard cluster)"))


# ---------------------------------------------------------------- Standard

def _stepwise(amount: float, steps: list[list[float]]) -> float:
    reserved, left = 0.0, amount
    for size, share in steps:
        take = min(left, size)
        reserved += take * share
        left -= take
        if left <= 0:
            break
    return reserved


def allocatable(rules: dict[str, Any], vcpu: float, gib: float) -> tuple[float, float]:
    std = rules["gke"]["standard"]
    return (vcpu - _stepwise(vcpu, std["reserved_cpu_steps"]),
            gib - _stepwise(gib, std["reserved_memory_steps"]) - std["eviction_gib"])


def node_month(ctx: Ctx, node_type: str) -> tuple[float, float, str] | None:
    """(VM $/month, boot disk $/month, fallback note) for a node type (memoised per catalog and region)."""
    memo = ctx.catalog.memo
    key = ("node", f"{node_type}@{ctx.region}")
    if key not in memo:
        memo[key] = _node_month(ctx, node_type)
    return memo[key]


def _node_month(ctx: Ctx, node_type: str) -> tuple[float, float, str] | None:
    shape = ctx.rules["gke"]["standard"]["node_types"][node_type]
    core, n1 = ctx.price(f"gce.{shape['family']}.core")
    ram, n2 = ctx.price(f"gce.{shape['family']}.ram")
    if core is None or ram is None:
        return None
    std = ctx.rules["gke"]["standard"]
    disk, n3 = ctx.price(std["boot_disk_key"])
    vm = (shape["vcpu"] * core.usd + shape["memory_gib"] * ram.usd) * HOURS
    boot = std["boot_disk_gib"] * (disk.usd if disk else 0.0)
    return vm, boot, "; ".join(dict.fromkeys(n for n in (n1, n2, n3) if n))


def pack(pods: list[tuple[str, float, float]], cap: tuple[float, float]) -> list[list[str]] | None:
    """First-fit decreasing by CPU; None if one pod does not fit a node at all."""
    bins: list[list[Any]] = []  # [cpu_left, gib_left, names]
    for name, cpu, gib in sorted(pods, key=lambda p: (-p[1], -p[2])):
        if cpu > cap[0] + 1e-9 or gib > cap[1] + 1e-9:
            return None
        for b in bins:
            if cpu <= b[0] + 1e-9 and gib <= b[1] + 1e-9:
                b[0] -= cpu
                b[1] -= gib
                b[2].append(name)
                break
        else:
            bins.append([cap[0] - cpu, cap[1] - gib, [name]])
    return [b[2] for b in bins] or [[]]


def _pods(ctx: Ctx, which: int) -> list[tuple[str, float, float]]:
    pods = []
    for name, svc in ctx.plan.services.items():
        if svc.role == "job":
            continue
        count = math.ceil(round(replicas(svc)[which], 6))
        pods += [(name, svc.cpu, svc_gib(svc))] * count
    return pods


def choose_nodes(ctx: Ctx, pods: list[tuple[str, float, float]]) -> tuple[str, list[list[str]], float, float, str] | None:
    """Cheapest node type for these pods: (type, bins, VM $/node-month, boot disk $/node-month, note).

    Each case (low, high) gets its own cheapest type, so each total is a minimum over node types
    and never falls when usage grows."""
    best = None
    for node_type, shape in ctx.rules["gke"]["standard"]["node_types"].items():
        price = node_month(ctx, node_type)
        if price is None:
            continue
        bins = pack(pods, allocatable(ctx.rules, shape["vcpu"], shape["memory_gib"]))
        if bins is None:
            continue
        cost = len(bins) * (price[0] + price[1])
        if best is None or (cost, len(bins)) < (best[0], len(best[2])):
            best = (cost, node_type, bins, price)
    if best is None:
        return None
    _, node_type, bins, price = best
    return node_type, bins, price[0], price[1], price[2]


def single_node_month(ctx: Ctx, svc: Service) -> tuple[str, float] | None:
    """The cheapest node type one pod of `svc` fits on, with its monthly VM + boot disk price."""
    best: tuple[str, float] | None = None
    for node_type, shape in ctx.rules["gke"]["standard"]["node_types"].items():
        cap = allocatable(ctx.rules, shape["vcpu"], shape["memory_gib"])
        if svc.cpu > cap[0] or svc_gib(svc) > cap[1]:
            continue
        price = node_month(ctx, node_type)
        if price and (best is None or price[0] + price[1] < best[1]):
            best = (node_type, price[0] + price[1])
    return best


def _describe(bins: list[list[str]]) -> str:
    return "; ".join(f"node {i + 1}: {', '.join(sorted(b)) or 'empty'}" for i, b in enumerate(bins))


def estimate_standard(ctx: Ctx) -> None:
    lo, hi = choose_nodes(ctx, _pods(ctx, 0)), choose_nodes(ctx, _pods(ctx, 1))
    if lo is None or hi is None:
        ctx.add(CostLine("gke:nodes", "GKE Standard node pool", "compute", None, None, None,
                         "unpriced: no catalog node type fits the largest pod, or no Compute Engine prices"))
    else:
        types = ctx.rules["gke"]["standard"]["node_types"]
        notes = []
        for case, (node_type, bins, vm, _disk, _note) in (("low", lo), ("high", hi)):
            shape = types[node_type]
            cap = allocatable(ctx.rules, shape["vcpu"], shape["memory_gib"])
            notes.append(f"{case}: {len(bins)} × {node_type} ({shape['vcpu']} vCPU / {shape['memory_gib']} GiB, "
                         f"allocatable {cap[0]:.2f} vCPU / {cap[1]:.1f} GiB after GKE's reservations) at "
                         f"{usd(vm)}/node-month — {_describe(bins)}")
        notes.append("cheapest catalog node type for each case; pods bin-packed first-fit decreasing, "
                     "fractional average replicas rounded up")
        if hi[4]:
            notes.append(hi[4])
        label = lo[0] if lo[0] == hi[0] else f"{lo[0]} / {hi[0]}"
        nodes = ctx.add(CostLine("gke:nodes", f"GKE Standard nodes ({label})", "compute", None,
                                 len(lo[1]) * lo[2], len(hi[1]) * hi[2], "; ".join(notes)))
        std = ctx.rules["gke"]["standard"]
        ctx.add(CostLine("gke:boot-disks", "GKE node boot disks", "storage", None, len(lo[1]) * lo[3],
                         len(hi[1]) * hi[3], f"{std['boot_disk_gib']} GiB pd-balanced per node "
                         f"({usd(hi[3])}/node-month), {rng(len(lo[1]), len(hi[1]))} node(s)"))
        for name, svc in ctx.plan.services.items():
            alt = run_job_alternative(ctx, svc) if svc.role == "worker" else ""
            if alt:
                nodes.alternatives.append(f"{name} {alt}, on smaller nodes")
        for name, svc in ctx.plan.services.items():
            if svc.role == "job":
                ctx.add(CostLine(f"service:{name}", f"{name} (Kubernetes Job)", "compute", name, 0.0, 0.0,
                                 "runs on the node pool's spare capacity: no charge of its own unless it forces "
                                 "a scale-up"))
    cluster_lines(ctx, "zonal")
