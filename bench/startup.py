"""Time to first paint: `launchdeck` (the built-in example on the Plan screen) vs a bare Textual app.

Each run is a fresh interpreter, timed from spawn until the app is ready (first screen composed,
mounted and painted headless), alternating the two apps. Prints medians and the ratio (goal ≤ 1.3×).

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
from textual.app import App
from textual.widgets import Footer, Label

class Bare(App):
    def compose(self):
        yield Label("hello")
        yield Footer()

async def ready(pilot):
    await pilot.pause()  # let the first screen finish mounting and painting
    print("READY", flush=True)
    pilot.app.exit()

Bare().run(headless=True, size=(120, 40), auto_pilot=ready)
"""

DECK = """
import sys
sys.path.insert(0, {root!r})
from app.tui import make_app

async def ready(pilot):
    await pilot.pause()  # let the first screen finish mounting and painting
    print("READY", flush=True)
    pilot.app.exit()

make_app(None).run(headless=True, size=(120, 40), auto_pilot=ready)
"""


def once(code: str, cwd: str) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=cwd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "READY":
            elapsed = time.perf_counter() - start
            break
    else:
        raise SystemExit(f"app did not start (exit {proc.wait()})")
    proc.wait(timeout=30)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    deck = DECK.format(root=str(ROOT))
    with tempfile.TemporaryDirectory() as cwd:  # no launchdeck.yaml here: the built-in example opens
        once(BARE, cwd), once(deck, cwd)  # warm the bytecode and OS caches
        bare, ours = [], []
        for _ in range(args.runs):
            bare.append(once(BARE, cwd))
            ours.append(once(deck, cwd))
    b, d = statistics.median(bare), statistics.median(ours)
    print(f"bare Textual app : median {b * 1000:6.0f} ms  (min {min(bare) * 1000:.0f}, max {max(bare) * 1000:.0f})")
    print(f"launchdeck       : median {d * 1000:6.0f} ms  (min {min(ours) * 1000:.0f}, max {max(ours) * 1000:.0f})")
    print(f"ratio            : {d / b:.2f}x  (goal <= 1.30x, {args.runs} runs each)")


if __name__ == "__main__":
    main()
