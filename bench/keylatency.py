"""Key-to-paint latency on the Plan screen, in a pseudo-terminal, as a user's terminal sees it.

launchdeck runs on a 120x40 (or --size) pty on a copy of the built-in example. For each key the
bench writes it to the terminal and times until the app has finished drawing its answer (the end
of Textual's synchronized-output frame, or the first bytes when the terminal does not ask for
one). Keys: typing into a field (each keystroke validates the plan, re-prices it for the nav bar
and repaints), tab / shift+tab between fields, ↓/↑ in the component list (each shows another
component's form), and ctrl+z / ctrl+y (undo / redo, one field edit per step). Prints p50, p95
and max per kind (goal: p95 < 50 ms).

    .venv/bin/python bench/keylatency.py [--rounds 40] [--size 80x24]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ptyrun import PtySession  # noqa: E402

FRAME_END = b"\x1b[?2026l"  # Textual ends each synchronized frame with this
DOWN, UP, TAB, BACKTAB, ENTER = b"\x1b[B", b"\x1b[A", b"\t", b"\x1b[Z", b"\r"
CTRL_Z, CTRL_Y, BACKSPACE = b"\x1a", b"\x19", b"\x7f"


def press(run: PtySession, key: bytes, timeout: float = 5.0) -> float:
    """Write `key`, return seconds until the answering frame is drawn."""
    run.drain(0.03)
    mark = len(run.output)
    start = time.perf_counter()
    run.write(key)
    while time.perf_counter() - start < timeout:
        run.read_some(0.005)
        new = run.output[mark:]
        if FRAME_END in new or (new and FRAME_END not in run.output[:mark]):
            return time.perf_counter() - start
    raise TimeoutError(f"no answer to {key!r} in {timeout} s")


def summary(name: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (f"{name:<22} n={len(ms):3d}  p50 {statistics.median(ms):5.1f} ms  p95 {p95:5.1f} ms  "
            f"max {ms[-1]:5.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    cols, rows = (int(n) for n in args.size.split("x"))
    from launchdeck.assets import EXAMPLE_PLAN

    with tempfile.TemporaryDirectory() as cwd:
        plan = Path(cwd) / "launchdeck.yaml"
        shutil.copy(EXAMPLE_PLAN, plan)
        env = {**os.environ, "LAUNCHDECK_CACHE_DIR": str(Path(cwd) / "cache")}
        run = PtySession([sys.executable, "-m", "launchdeck.app.cli", str(plan)], cwd=cwd, env=env,
                         size=(cols, rows))
        try:
            run.read_until(b"Services and datastores", timeout=60)
            run.drain(0.5)
            results: dict[str, list[float]] = {"type a digit": [], "backspace": [], "tab / shift+tab": [],
                                               "list ↓ / ↑": [], "undo (ctrl+z)": [], "redo (ctrl+y)": []}
            for _ in range(2):  # visit every component once: each form is built on its first visit
                for _ in range(12):
                    press(run, DOWN)
                for _ in range(12):
                    press(run, UP)
            for _ in range(args.rounds // 4):
                results["list ↓ / ↑"] += [press(run, DOWN), press(run, DOWN), press(run, UP), press(run, UP)]
            for _ in range(3):
                press(run, DOWN)  # worker
            press(run, ENTER)  # its first field
            for _ in range(8):
                press(run, TAB)  # to max_instances: role port image build command cpu memory min max
            press(run, b"\x1b[F")  # end: the cursor after the value
            for _ in range(args.rounds):
                results["type a digit"].append(press(run, b"1"))
                results["backspace"].append(press(run, BACKSPACE))
            for _ in range(args.rounds // 2):
                results["tab / shift+tab"] += [press(run, TAB), press(run, BACKTAB)]
            # undo steps, one per field edit: type in a field, leave it, type in the next, ...
            edits = min(args.rounds, 20)
            for i in range(edits):
                press(run, b"\x1b[F")  # end: after the value
                press(run, b"5")
                press(run, TAB if i % 2 == 0 else BACKTAB)
            for _ in range(edits):
                results["undo (ctrl+z)"].append(press(run, CTRL_Z))
            for _ in range(edits):
                results["redo (ctrl+y)"].append(press(run, CTRL_Y))
        finally:
            run.kill()
    print(f"launchdeck Plan screen, {cols}x{rows} pseudo-terminal, key written → frame drawn")
    for name, values in results.items():
        print(summary(name, values))
    everything = [v for values in results.values() for v in values]
    print(summary("all keys", everything))


if __name__ == "__main__":
    main()
