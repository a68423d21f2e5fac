"""Throughput of `launchdeck scan` (the hint engine over a file) next to `grep -c -F -f`.

Generates a realistic compose-style log (default 600k lines, ~1 % known errors taken from the
catalog's example lines, the rest access logs, worker chatter, SQL and start-up noise) in a temp
dir, then times in the same run:
  - grep -c -F -f LITERALS FILE   (LITERALS = the engine's prefilter strings: catalog substrings
                                   and the literals derived from its regexes)
  - the engine: read the file + engine.scan(lines), as `launchdeck scan` does
and prints lines/s for both, the ratio (goal >= 0.25 of grep) and the engine's peak memory.

    .venv/bin/python bench/scan.py [--lines 600000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NOISE = [
    'INFO:     169.254.1.{a}:{p} - "GET /api/health HTTP/1.1" 200 OK',
    'INFO:     169.254.1.{a}:{p} - "POST /api/jobs HTTP/1.1" 202 Accepted',
    'INFO:     169.254.1.{a}:{p} - "GET /api/jobs/{h} HTTP/1.1" 200 OK',
    'INFO:     169.254.1.{a}:{p} - "GET /static/app.{h}.js HTTP/1.1" 304 Not Modified',
    "[2025-10-15 10:{m:02d}:{s:02d},{ms:03d}: INFO/ForkPoolWorker-{a}] Task app.tasks.process_audio[{h}] succeeded in {f}s: None",
    "[2025-10-15 10:{m:02d}:{s:02d},{ms:03d}: INFO/MainProcess] Task app.tasks.process_audio[{h}] received",
    "2025-10-15 10:{m:02d}:{s:02d},{ms:03d} INFO sqlalchemy.engine.Engine SELECT jobs.id, jobs.status FROM jobs WHERE jobs.id = %(pk)s",
    "2025-10-15 10:{m:02d}:{s:02d},{ms:03d} INFO app.stems separated stem vocals for job {h} in {f}s",
    "2025-10-15 10:{m:02d}:{s:02d},{ms:03d} WARNING app.storage retrying upload of {h}.flac (attempt 2)",
    " GET /_next/static/chunks/{h}.js 200 in {a}ms",
    "[{m:02d}:{s:02d}] redis: 1:M 15 Oct 2025 10:{m:02d}:{s:02d}.{ms:03d} * Background saving terminated with success",
    "LOG:  checkpoint complete: wrote {a} buffers (0.1%); 0 WAL file(s) added, 0 removed, 0 recycled; write={f} s",
]
SERVICES = ["backend-1", "worker-1", "frontend-1", "postgres-1", "redis-1", "realtime-1"]


def generate(path: Path, n: int, error_rate: float, seed: int = 7) -> int:
    from launchdeck.app.hints.hint_catalog import load_rules

    rnd = random.Random(seed)
    errors = [ex for r in load_rules() if not r.context and r.hint.severity != "info" for ex in r.examples]
    n_err = 0
    with open(path, "w") as f:
        for _ in range(n):
            svc = rnd.choice(SERVICES)
            if rnd.random() < error_rate:
                text = rnd.choice(errors)
                n_err += 1
            elif rnd.random() < 0.002:  # once per instance start on Cloud Run: a trap for the matcher
                text = 'Default STARTUP TCP probe succeeded after 1 attempt for container "backend-1" on port 8080.'
            else:
                text = rnd.choice(NOISE).format(
                    a=rnd.randint(1, 250), p=rnd.randint(30000, 60000), h=f"{rnd.getrandbits(48):012x}",
                    m=rnd.randint(0, 59), s=rnd.randint(0, 59), ms=rnd.randint(0, 999), f=round(rnd.random() * 9, 3))
            f.write(f"{svc:<11}| {text}\n")
    return n_err


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=600_000)
    ap.add_argument("--errors", type=float, default=0.01)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from launchdeck.app.commands.scan import read_log
    from launchdeck.app.hints import get_engine

    engine = get_engine()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "big.log"
        lits = Path(tmp) / "literals.txt"
        n_err = generate(log, args.lines, args.errors)
        lits.write_text("\n".join(engine.literals) + "\n")
        size = log.stat().st_size
        print(f"log: {args.lines:,} lines, {size / 1e6:.1f} MB, {n_err:,} injected error lines; "
              f"{len(engine.literals)} prefilter literals; prefilter: "
              + ("ahocorasick_rs (bytes) + pyahocorasick per candidate" if engine._fast else "pyahocorasick"))

        # grep and the engine alternate, best of N each, so load from other processes hits both alike.
        grep = shutil.which("grep")
        g_best = e_best = None
        grep_count, hits = "", []
        for _ in range(args.repeat):
            if grep:
                t = time.perf_counter()
                res = subprocess.run([grep, "-c", "-F", "-f", str(lits), str(log)], capture_output=True, text=True)
                dt = time.perf_counter() - t
                g_best = dt if g_best is None else min(g_best, dt)
                grep_count = res.stdout.strip()
            t = time.perf_counter()
            hits = engine.scan(read_log(str(log)))
            dt = time.perf_counter() - t
            e_best = dt if e_best is None else min(e_best, dt)
        if g_best:
            print(f"grep -c -F -f: {args.lines / g_best:12,.0f} lines/s  ({g_best:.3f} s, {grep_count} matching lines)")
        print(f"launchdeck scan: {args.lines / e_best:10,.0f} lines/s  ({e_best:.3f} s, {len(hits)} hints, "
              f"{sum(h.count for h in hits):,} occurrences)")
        if g_best:
            print(f"ratio scan/grep: {g_best / e_best:.2f}  (goal >= 0.25)")

        tracemalloc.start()
        engine.scan(read_log(str(log)))
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        import resource

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory: {peak / 1e6:.0f} MB traced (Python allocations), {rss:.0f} MB max RSS of the process")


if __name__ == "__main__":
    main()
