"""`launchdeck scan` as a whole process next to `grep -c -F -f`, and its peak memory.

Generates a realistic compose-style log (default 500k lines, ~1 % known errors taken from the
catalog's example lines, the rest access logs, worker chatter, SQL and start-up noise) and times,
alternating, median of N runs each:
  - grep -c -F -f LITERALS FILE   (LITERALS = the catalog's prefilter literals)
  - launchdeck scan FILE -f jsonl (the whole process: start-up, imports, catalog, scan, output)
Then measures the peak RSS of `launchdeck scan` on a ~200 MB log and on a log with one 50 MB line
(goal: <= 150 MB each).

    .venv/bin/python bench/scan.py [--lines 500000] [--repeat 3] [--no-memory]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
NL = b"\n"
LAUNCHDECK = [sys.executable, "-m", "launchdeck.app.cli"]


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


def timed(cmd: list[str]) -> tuple[float, int, bytes]:
    """Wall seconds, peak RSS (KB) and stdout of one child process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read() if p.stdout else b""
    _pid, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    return dt, usage.ru_maxrss, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=500_000)
    ap.add_argument("--errors", type=float, default=0.01)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-memory", action="store_true")
    args = ap.parse_args()

    from launchdeck.app.hints import get_engine
    from launchdeck.app.hints.stream import BlockFinder

    engine = get_engine()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "big.log"
        lits = Path(tmp) / "literals.txt"
        n_err = generate(log, args.lines, args.errors)
        lits.write_text("\n".join(engine.literals) + "\n")
        size = log.stat().st_size
        print(f"log: {args.lines:,} lines, {size / 1e6:.1f} MB, {n_err:,} injected error lines; "
              f"{len(engine.literals)} literals for grep; block finder: {BlockFinder(engine.prefilter_keys).kind}")
        grep = shutil.which("grep")
        g_times, s_times = [], []
        out = b""
        timed(LAUNCHDECK + ["scan", str(log), "-f", "jsonl"])  # warm the page cache and bytecode
        for _ in range(args.repeat):
            if grep:
                g_times.append(timed([grep, "-c", "-F", "-f", str(lits), str(log)])[0])
            dt, _rss, out = timed(LAUNCHDECK + ["scan", str(log), "-f", "jsonl"])
            s_times.append(dt)
        g, s = (statistics.median(g_times) if g_times else None), statistics.median(s_times)
        if g:
            print(f"grep -c -F -f:   {args.lines / g:12,.0f} lines/s  (median {g:.3f} s of {args.repeat})")
        print(f"launchdeck scan: {args.lines / s:12,.0f} lines/s  (median {s:.3f} s of {args.repeat}, "
              f"{out.count(NL):,} hinted lines in the jsonl)")
        if g:
            print(f"ratio scan/grep (whole process): {g / s:.2f}  (goal >= 0.5)")
        t0 = timed(LAUNCHDECK + ["scan", str(lits), "-f", "jsonl"])[0]
        print(f"start-up (scan of a tiny file): {t0:.3f} s")

        if args.no_memory:
            return
        big = Path(tmp) / "200mb.log"
        with open(big, "wb") as f:
            chunk = log.read_bytes()
            while f.tell() < 200_000_000:
                f.write(chunk)
        dt, rss, out = timed(LAUNCHDECK + ["scan", str(big), "-f", "jsonl"])
        print(f"200 MB log ({big.stat().st_size / 1e6:.0f} MB): {dt:.2f} s, peak RSS {rss / 1024:.0f} MB "
              f"(goal <= 150), {out.count(NL):,} hinted lines")
        big.unlink()
        long = Path(tmp) / "longline.log"
        with open(long, "wb") as f:
            f.write(b"backend-1  | starting\n{\"payload\":\"")
            for _ in range(50):
                f.write(os.urandom(500_000).hex().encode())
            f.write(b" Error: Cannot find module 'express'\"}\n")
            f.write(b"backend-1  | Memory limit of 512 MiB exceeded with 513 MiB used.\n")
        dt, rss, out = timed(LAUNCHDECK + ["scan", str(long), "-f", "jsonl"])
        print(f"one 50 MB line ({long.stat().st_size / 1e6:.0f} MB): {dt:.2f} s, peak RSS {rss / 1024:.0f} MB "
              f"(goal <= 150), {out.count(NL):,} hinted lines")


if __name__ == "__main__":
    main()
