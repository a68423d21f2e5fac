"""Worker pools on project trees modelled on real open-source stacks (tests/data/worker_projects).

For each tree: `launchdeck import` its docker-compose.yml, then `generate --target cloud-run`
without --force, then (if preflight refused) with --force, and count what came out: services the
import made `role: worker`, worker pools written, validator checks passed/failed/skipped, and the
preflight findings that blocked generate. Then the same plan with every worker declared `role: web`
must be refused. Prints one row per tree and the totals.

    .venv/bin/python bench/worker_pools.py
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests/data/worker_projects"
LD = [sys.executable, "-m", "launchdeck.app.cli"]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LD, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def blockers(stderr: str) -> list[str]:
    return re.findall(r"^  ([a-z0-9-]+) \(([^)]*)\):", stderr, re.M)


def main() -> int:
    rows, totals = [], {"workers": 0, "pools": 0, "ok": 0, "failed": 0, "skipped": 0, "no_force": 0,
                        "web_refused": 0}
    for proj in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / proj.name
            shutil.copytree(proj, tree)
            imp = run(["import", "docker-compose.yml", "-o", "launchdeck.yaml", "-f", "json"], tree)
            if imp.returncode:
                rows.append((proj.name, f"import failed: {imp.stderr.strip()[:120]}"))
                continue
            plan_text = (tree / "launchdeck.yaml").read_text()
            workers = re.findall(r"^  ([a-z0-9-]+):\n(?:    .*\n)*?    role: worker", plan_text, re.M)
            gen = run(["generate", "launchdeck.yaml", "--target", "cloud-run", "--out", "out", "-f", "json"], tree)
            refused = blockers(gen.stderr) if gen.returncode else []
            forced = gen
            if gen.returncode:
                forced = run(["generate", "launchdeck.yaml", "--target", "cloud-run", "--out", "out", "-f", "json",
                              "--force"], tree)
            data = json.loads(forced.stdout or "{}")
            summary = data.get("validation_summary", {})
            tf = (tree / "out/terraform/worker_pools.tf")
            pools = len(re.findall(r'resource "google_cloud_run_v2_worker_pool"', tf.read_text())) if tf.exists() else 0
            # the same workers declared as web services must be refused
            (tree / "launchdeck.yaml").write_text(plan_text.replace("role: worker", "role: web"))
            web = run(["generate", "launchdeck.yaml", "--target", "cloud-run", "--out", "out-web", "-f", "json"], tree)
            web_refused = web.returncode == 1 and "cr-worker-deployed-as-service" in web.stderr
            totals["workers"] += len(workers)
            totals["pools"] += pools
            for k in ("ok", "failed", "skipped"):
                totals[k] += summary.get(k, 0)
            totals["no_force"] += gen.returncode == 0
            totals["web_refused"] += web_refused
            rows.append((proj.name, f"workers {len(workers)}  pools {pools}  checks ok {summary.get('ok', 0)} "
                                    f"failed {summary.get('failed', 0)} skipped {summary.get('skipped', 0)}  "
                                    f"generate w/o --force: {'ok' if not gen.returncode else 'refused'}"
                                    + (f" by {', '.join(f'{i} ({s})' for i, s in refused)}" if refused else "")
                                    + f"  as web: {'refused' if web_refused else 'NOT refused'}"))
    width = max(len(n) for n, _ in rows)
    for name, text in rows:
        print(f"{name:<{width}}  {text}")
    n = len(rows)
    print(f"\n{n} trees: {totals['workers']} workers -> {totals['pools']} worker pools; validator checks "
          f"{totals['ok']} ok, {totals['failed']} failed, {totals['skipped']} skipped; generate without --force "
          f"{totals['no_force']}/{n}; workers declared web refused {totals['web_refused']}/{n}")
    return 0 if totals["workers"] == totals["pools"] and not totals["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
