"""Ctrl-C in the first milliseconds of `launchdeck`: who prints a traceback, and with what exit code.

    python bench/early_sigint.py [--launchdeck PATH] [--runs 10] [--max-ms 30]

Spawns the installed console script (`launchdeck estimate PLAN`) and sends SIGINT D ms after the
spawn, for D = 0, 1, ..., --max-ms, --runs times each (the wait is a busy loop on perf_counter, so
D is kept to a fraction of a millisecond; the spawn itself takes part of the first millisecond).
Each run is classified by what it printed and how it ended:

- killed: ended by the signal itself (the kernel's default action: SIGINT arrived before CPython
  installed its handler). A shell shows this as exit 130; Popen reports -2. No traceback.
- 130: launchdeck's own handler (app/entry.py) ran: quiet exit 130.
- traceback: CPython's KeyboardInterrupt traceback (or "Fatal Python error"), printed while the
  interpreter imported `site` or the console script's own imports ran, before launchdeck's handler.
- other exit codes are listed as they are.

Also prints the import timeline up to the handler (`-X importtime` of the console script's imports).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PLAN = "name: app\nregion: us-central1\nservices:\n  web:\n    image: nginx:1\n    port: 8080\n"


def one(exe: str, plan: Path, delay_ms: float) -> str:
    env = {**os.environ, "NO_COLOR": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen([exe, "estimate", str(plan)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = start + delay_ms / 1000
    while time.perf_counter() < deadline:
        pass
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    text = err.decode(errors="replace")
    if "Traceback" in text or "Fatal Python error" in text:
        return "traceback"
    if proc.returncode == -signal.SIGINT:
        return "killed"
    return str(proc.returncode)


def timeline(exe: str) -> str:
    """The console script's imports, from `-X importtime`, up to launchdeck.app.entry."""
    script = Path(exe).read_text(errors="replace").splitlines()
    python = script[0][2:].strip()
    imports = "; ".join(line for line in script[1:] if line.startswith(("import ", "from ")))
    res = subprocess.run([python, "-X", "importtime", "-c", imports], capture_output=True, text=True, timeout=30)
    rows = [line for line in res.stderr.splitlines() if re.match(r"import time:\s+\d", line)]
    top = [r for r in rows if re.search(r"\|\s\S", r) and not re.search(r"\|\s{2,}\S", r.split("|")[-1])]
    return "\n".join(top)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--launchdeck", default=shutil.which("launchdeck"))
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--max-ms", type=int, default=30)
    args = ap.parse_args()
    if not args.launchdeck:
        ap.error("no launchdeck on PATH: pass --launchdeck")
    exe = str(Path(args.launchdeck).resolve()) if "/" in args.launchdeck else args.launchdeck
    print("console script imports (-X importtime, top level, microseconds self | cumulative):")
    print(timeline(args.launchdeck))
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "p.yaml"
        plan.write_text(PLAN)
        for _ in range(3):
            one(exe, plan, 500)  # warm the OS caches
        total: Counter[str] = Counter()
        print(f"\n{'ms':>3}  outcomes of {args.runs} runs")
        for ms in range(args.max_ms + 1):
            got = Counter(one(exe, plan, ms) for _ in range(args.runs))
            total += got
            print(f"{ms:>3}  " + ", ".join(f"{k} {v}" for k, v in sorted(got.items())), flush=True)
    n = sum(total.values())
    print(f"\nall {n} runs: " + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
    print(f"traceback in {total['traceback']} of {n} ({100 * total['traceback'] / n:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
