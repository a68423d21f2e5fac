"""GKE: Autopilot (billed per pod request, with Autopilot's minimums and ratios) and Standard (services
bin-packed onto a node type), the cluster fee and the monthly GKE credit."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from launchdeck.estimators.report import HOURS, CostLine, Ctx, Qty, ceil_step, num, rng, usd
from launchdeck.estimators.report import gib as svc_gib
from launchdeck.estimators.run_rates import per_second
from launchdeck.estimators.workload import job_task_seconds, replicas, worker_busy_seconds

if TYPE_CHECKING:
    from launchdeck.app.plan import Service


def autopilot_class(rules: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ap = rules["gke"]["autopilot"]
    name = ap.get("compute_class", "general-purpose")
    if name == "general-purpose" and not ap.get("bursting", True):
        name = "general-purpose-no-bursting"
    return name, ap["classes"][name]


def autopilot_shape(rules: dict[str, Any], svc: Service) -> tuple[float, float]:
    """Pod requests as Autopilot bills them: raised to the compute class's minimums and into its
    memory:CPU ratio (CPU raised when memory is above the ratio, memory raised when below)."""
    _, cc = autopilot_class(rules)
    step = cc["cpu_step"]
    cpu = max(cc["min_cpu"], ceil_step(svc.cpu, step) if step else svc.cpu)
    gib = max(svc_gib(svc), cc["min_gib"])
    if gib > cpu * cc["max_gib_per_cpu"]:
        cpu = gib / cc["max_gib_per_cpu"]
        cpu = ceil_step(cpu, step) if step else cpu
    gib = max(gib, cpu * cc["min_gib_per_cpu"])
    return cpu, gib


def _pod_quantities(ctx: Ctx, svc: Service, hours: tuple[float, float]) -> list[Qty]:
    cpu, gib = autopilot_shape(ctx.rules, svc)
    eph = ctx.rules["gke"]["autopilot"]["ephemeral_gib_per_pod"]
    return [Qty("pod vCPU-hours (requests)", "vCPU-h", cpu * hours[0], cpu * hours[1], "gke.ap.cpu"),
            Qty("pod GiB-hours (memory requests)", "GiB-h", gib * hours[0], gib * hours[1], "gke.ap.mem"),
            Qty("pod ephemeral GiB-hours", "GiB-h", eph * hours[0], eph * hours[1], "gke.ap.eph")]


def autopilot_pod_hour(ctx: Ctx, svc: Service) -> float | None:
    total = 0.0
    for q in _pod_quantities(ctx, svc, (1.0, 1.0)):
        p, _ = ctx.price(q.key)
        if p is None:
            return None
        total += q.high * p.usd
    return total


def autopilot_pod_month(ctx: Ctx, svc: Service) -> float | None:
    hour = autopilot_pod_hour(ctx, svc)
    return None if hour is None else hour * HOURS


def estimate_autopilot(ctx: Ctx) -> None:
    name_cc, cc = autopilot_class(ctx.rules)
    source = ctx.rules["gke"]["autopilot"].get("source", "")
    for name, svc in ctx.plan.services.items():
        cpu, gib = autopilot_shape(ctx.rules, svc)
        shape = f"pod requests {cpu:g} vCPU / {gib:g} GiB"
        rule = (f"{name_cc} class: at least {cc['min_cpu']:g} vCPU / {cc['min_gib'] * 1024:g} MiB, "
                f"{cc['min_gib_per_cpu']:g}–{cc['max_gib_per_cpu']:g} GiB per vCPU ({source})")
        if (round(cpu, 6), round(gib, 6)) != (round(svc.cpu, 6), round(svc_gib(svc), 6)):
            shape += f" (plan asks {svc.cpu_text} vCPU / {svc.memory}; raised to the {rule})"
        else:
            shape += f" ({rule})"
        if svc.role == "job":
            s_lo, s_hi = job_task_seconds(svc)
            hours = (s_lo / 3600, s_hi / 3600)
            drive = f"Kubernetes Job: {num(s_lo)}–{num(s_hi)} pod-seconds a month"
        else:
            n_lo, n_hi = replicas(svc)
            hours = (n_lo * HOURS, n_hi * HOURS)
            drive = f"{rng(n_lo, n_hi)} replica{'s' if n_hi != 1 else ''} running all month (pods do not scale to zero)"
        alts = [run_job_alternative(ctx, svc)] if svc.role == "worker" else []
        ctx.priced(f"service:{name}", f"{name} (GKE Autopilot)", "compute", name, _pod_quantities(ctx, svc, hours),
                   [shape, drive, "1 GiB ephemeral storage per pod"], [a for a in alts if a])
    cluster_lines(ctx, "autopilot")


def run_job_alternative(ctx: Ctx, svc: Service) -> str:
    """A worker as a Cloud Run Job: billed only while there is work."""
    ps = per_second(ctx, "jobs", svc)
    if ps is None:
        return ""
    b_lo, b_hi = worker_busy_seconds(svc)
    return (f"as a Cloud Run Job that runs only while the queue has work: {usd(b_lo * ps)}–{usd(b_hi * ps)}/month "
            f"({usd(ps * 3600)}/hour, before Cloud Run's free tier)")


def cluster_lines(ctx: Ctx, kind: str) -> None:
    label = "Autopilot" if kind == "autopilot" else "zonal Standard"
    line = ctx.priced("gke:cluster", f"GKE cluster fee ({label})", "platform", None,
                      [Qty("cluster-hours", "h", HOURS, HOURS, f"gke.cluster.{kind}")], "one cluster all month")
    if line.high is None:
        return
    credit_usd = float(ctx.rules["gke"]["cluster_fee_credit_usd"])
    credit = min(line.high, credit_usd)
    ctx.priced("free-tier:gke-credit", "GKE free tier credit", "free-tier", None,
               [Qty("monthly GKE credit used", "USD", -credit, -credit, unit_price=1.0,
                    source="rules.yaml gke.cluster_fee_credit_usd")],
               f"{usd(credit_usd)}/month per billing account, covers one zonal or Autopilot cluster's fee "
               "(not a regional Standard cluster)")


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
    if disk is None:
        return None
    vm = (shape["vcpu"] * core.usd + shape["memory_gib"] * ram.usd) * HOURS
    boot = std["boot_disk_gib"] * disk.usd
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
        why = [w for f in ("e2", "n2") for k in ("core", "ram") for w in [ctx.price(f"gce.{f}.{k}")[1]] if w]
        ctx.add(CostLine("gke:nodes", "GKE Standard node pool", "compute", None, None, None,
                         "unpriced: " + ("; ".join(dict.fromkeys(why)) if len(why) == 4 else
                                         "no node type launchdeck knows fits the largest pod")))
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
        qs: list[Qty] = []
        for fam in dict.fromkeys(types[t]["family"] for t in (lo[0], hi[0])):
            def amount(case: tuple[Any, ...], dim: str, f: str = fam) -> float:
                shape = types[case[0]]
                return len(case[1]) * shape[dim] * HOURS if shape["family"] == f else 0.0
            qs += [Qty(f"{fam.upper()} vCPU-hours", "vCPU-h", amount(lo, "vcpu"), amount(hi, "vcpu"), f"gce.{fam}.core"),
                   Qty(f"{fam.upper()} GiB-hours", "GiB-h", amount(lo, "memory_gib"), amount(hi, "memory_gib"),
                       f"gce.{fam}.ram")]
        nodes = ctx.priced("gke:nodes", f"GKE Standard nodes ({label})", "compute", None, qs, notes)
        std = ctx.rules["gke"]["standard"]
        disk = std["boot_disk_gib"]
        ctx.priced("gke:boot-disks", "GKE node boot disks", "storage", None,
                   [Qty("boot disk GiB-months", "GiB-mo", len(lo[1]) * disk, len(hi[1]) * disk, std["boot_disk_key"])],
                   f"{disk} GiB pd-balanced per node, {rng(len(lo[1]), len(hi[1]))} node(s)")
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
