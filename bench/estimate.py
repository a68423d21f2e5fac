"""Re-estimate the example plan after one setting changes, as the TUI does on every edit.

Prints p50/p99 over N runs (default 2000) with the catalog already loaded. Goal: p99 < 2 ms.
Wall-clock p99 includes time the OS gave to other processes; on a busy machine the thread CPU time
line shows what the estimate itself costs.
    .venv/bin/python bench/estimate.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from launchdeck.app.planfile import load_plan  # noqa: E402
from launchdeck.estimators import compare, estimate, load_catalog  # noqa: E402


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def main(n: int = 2000) -> None:
    t0 = time.perf_counter()
    catalog = load_catalog()
    t_load = time.perf_counter() - t0
    plan = load_plan(ROOT / "assets" / "example" / "launchdeck.yaml").plan
    backend = plan.services["backend"]
    edit_ms, est_ms, cpu_ms = [], [], []
    targets = ("cloud-run", "cloud-run-jobs", "gke-autopilot", "gke-standard", "compose")
    for i in range(n):
        t1 = time.perf_counter()
        # One setting changes: the backend's high request count (a new Plan, as the TUI builds it).
        usage = backend.usage.model_copy(update={"requests_per_month": (200_000, 1_500_000 + i)})
        services = dict(plan.services, backend=backend.model_copy(update={"usage": usage}))
        changed = plan.model_copy(update={"services": services})
        t2, c2 = time.perf_counter(), time.thread_time()
        estimate(changed, targets[i % len(targets)] if "--all-targets" in sys.argv else None, catalog)
        t3, c3 = time.perf_counter(), time.thread_time()
        cpu_ms.append((c3 - c2) * 1000)
        edit_ms.append((t3 - t1) * 1000)
        est_ms.append((t3 - t2) * 1000)
    t4 = time.perf_counter()
    for _ in range(50):
        compare(plan, catalog)
    cmp_ms = (time.perf_counter() - t4) / 50 * 1000
    print(f"catalog load (first, parse + rules): {t_load * 1000:.1f} ms; again (cached): "
          f"{_again(load_catalog) * 1000:.3f} ms")
    print(f"estimate after one change, {n} runs: p50 {statistics.median(est_ms):.3f} ms, p99 {pct(est_ms, 99):.3f} ms, "
          f"max {max(est_ms):.3f} ms")
    print(f"  CPU time of this thread (unaffected by other processes): p50 {statistics.median(cpu_ms):.3f} ms, "
          f"p99 {pct(cpu_ms, 99):.3f} ms")
    print(f"  incl. building the changed Plan:   p50 {statistics.median(edit_ms):.3f} ms, p99 {pct(edit_ms, 99):.3f} ms")
    print(f"compare (all 5 targets): mean {cmp_ms:.2f} ms")


def _again(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 2000)
