"""Recall and false flags of `launchdeck scan` on a held-out-style corpus (bench/eval/logs/).

Each log in the corpus is real-shaped output (gcloud table newest-first, Cloud Logging JSON, a
TrueNAS compose session, kubectl, GitHub Actions, Celery, a Next.js crash, polyglot boots);
bench/eval/expected.yaml lists the (line, hint) pairs a reader needs and the look-alike lines that
must not be flagged. A pair counts as found when `scan --format jsonl` has a record for that line
with that hint (root cause, repeat or symptom). A false flag is a non-info record on a look-alike
line. Targets: recall >= 90 %, <= 3 false flags.

    .venv/bin/python bench/hint_eval.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent / "eval"


def records(path: Path) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "launchdeck.app.cli", "scan", str(path), "-f", "jsonl", "--all"],
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(x) for x in out.splitlines()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    expected = yaml.safe_load((HERE / "expected.yaml").read_text())
    total = found = false_flags = traps = 0
    for name, want in sorted(expected.items()):
        recs = records(HERE / "logs" / name)
        got = {(r["line"], r["hint"]) for r in recs}
        pairs = [tuple(p) for p in want["expect"]]
        hit = [p for p in pairs if p in got]
        flagged = [r for r in recs if r["line"] in set(want["traps"]) and r["severity"] != "info"]
        total, found = total + len(pairs), found + len(hit)
        traps, false_flags = traps + len(want["traps"]), false_flags + len(flagged)
        print(f"{name:32} recall {len(hit)}/{len(pairs)}  false flags {len(flagged)}/{len(want['traps'])}")
        if args.verbose:
            for p in pairs:
                if p not in got:
                    print(f"    missed line {p[0]}: {p[1]}  (got {[h for n, h in got if n == p[0]] or 'nothing'})")
            for r in flagged:
                print(f"    false flag line {r['line']}: {r['hint']}")
    print(f"recall {found}/{total} = {100 * found / total:.1f} % (goal >= 90 %); "
          f"false flags {false_flags} on {traps} look-alike lines (goal <= 3)")


if __name__ == "__main__":
    main()
