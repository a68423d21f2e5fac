"""Time to first paint: `launchdeck` (the built-in example) vs a bare Textual app, in a terminal.

Each run is a fresh interpreter on a 120x40 pseudo-terminal, timed from spawn until the first frame
with the app's content has been written to the terminal (what the user sees), alternating the two
apps. For launchdeck it also times the first key answered (`?` opens Help), which includes the plan
validation that runs right after the first paint, and the first paint of a plan opened for the first
time (an empty outline cache, so its YAML is parsed before the paint). Prints medians and the ratio
(goal <= 1.3x).

Bytecode is written as on a normal install (PYTHONDONTWRITEBYTECODE is cleared for the runs), and
one warm-up run of each app fills the bytecode and OS caches first.

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ptyrun import run_in_pty  # noqa: E402

BARE = """
from textual.app import App
from textual.widgets import Footer, Label

class Bare(App):
    def compose(self):
        yield Label("bare app ready")
        yield Footer()

Bare().run()
"""
BARE_MARK = b"bare app ready"

DECK = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from launchdeck.app.cli import main
main([])
"""
DECK_MARK = b"Services and datastores"  # the Plan screen's first pane title
HELP_MARK = b"launchdeck keys"  # the Help screen's title


def once(code: str, marker: bytes, cwd: str, env: dict[str, str], then: tuple[bytes, bytes] | None = None) -> tuple[float, float | None]:
    run = run_in_pty([sys.executable, "-c", code], cwd=cwd, env=env, marker=marker, then=then, timeout=60)
    assert run.marker_seconds is not None
    return run.marker_seconds, run.then_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as cwd:  # no launchdeck.yaml here: the built-in example opens
        once(BARE, BARE_MARK, cwd, env), once(DECK, DECK_MARK, cwd, env)  # warm the caches
        bare: list[float] = []
        ours: list[float] = []
        keys: list[float] = []
        first: list[float] = []
        for run in range(args.runs):
            bare.append(once(BARE, BARE_MARK, cwd, env)[0])
            paint, key = once(DECK, DECK_MARK, cwd, env, then=(b"?", HELP_MARK))
            ours.append(paint)
            if key is not None:
                keys.append(key)
            fresh = {**env, "LAUNCHDECK_CACHE_DIR": str(Path(cwd) / f"fresh-cache-{run}")}
            first.append(once(DECK, DECK_MARK, cwd, fresh)[0])
    b, d = statistics.median(bare), statistics.median(ours)
    print(f"bare Textual app : first paint median {b * 1000:5.0f} ms  (min {min(bare) * 1000:.0f}, max {max(bare) * 1000:.0f})")
    print(f"launchdeck       : first paint median {d * 1000:5.0f} ms  (min {min(ours) * 1000:.0f}, max {max(ours) * 1000:.0f})")
    if keys:
        print(f"launchdeck       : first key answered median {statistics.median(keys) * 1000:5.0f} ms"
              " (`?` pressed at first paint; includes validating the plan)")
    f = statistics.median(first)
    print(f"launchdeck       : first paint of a plan never opened before median {f * 1000:5.0f} ms"
          f" ({f / b:.2f}x; its outline is not cached yet)")
    print(f"ratio            : {d / b:.2f}x  (goal <= 1.30x, {args.runs} runs each)")


if __name__ == "__main__":
    main()
