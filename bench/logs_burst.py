"""Log screen under a burst: 5,000 lines/s for 10 s through the real `file:` source.

A writer thread appends to a temp log at the target rate (some lines carry known errors, some carry
secrets); the Logs screen tails it (source → redaction → hint engine → deque → 1/15 s batches →
LogView). Meanwhile a key (`j`, cursor down) is sent every 100 ms and the time until the LogView
handles it is recorded. Prints throughput, keypress latency (p50/p95/max; goal p95 < 50 ms) and
memory (retained lines stay at max_lines; RSS before/after).

    .venv/bin/python bench/logs_burst.py [--rate 5000] [--seconds 10] [--ui-only]

--ui-only feeds ready-made lines straight into the screen's queue (no source process), which
separates the UI's own cost from the source's (reading + redaction + hint matching).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LINES = (
    "2026-11-27T10:00:00Z INFO GET /api/songs 200 12ms",
    "2026-11-27T10:00:00Z INFO worker: task app.tasks.split_stems succeeded in 2.1s",
    "2026-11-27T10:00:00Z WARNING slow query 812ms SELECT * FROM songs",
    "2026-11-27T10:00:00Z INFO connecting DATABASE_URL=postgres://app:hunter2@10.0.0.3/app",
    "2026-11-27T10:00:00Z ERROR Default STARTUP TCP probe failed 1 time consecutively for container "
    "\"backend-1\" on port 8080.",
    "2026-11-27T10:00:00Z INFO GET /healthz 200 1ms",
)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def feeder(screen: object, rate: int, seconds: float, stop: threading.Event, written: list[int]) -> None:
    """--ui-only: put lines (every 6th hinted) straight into the Logs screen's queue at `rate`."""
    from launchdeck.app.hints import get_engine
    from launchdeck.screens.widgets.log_view import Entry

    engine = get_engine()
    hints = [engine.match_line(line) for line in LINES]
    tick = 0.05
    per_tick = max(1, int(rate * tick))
    start = time.perf_counter()
    n = 0
    while not stop.is_set() and time.perf_counter() - start < seconds:
        screen.pending.extend(  # type: ignore[attr-defined]
            Entry(f"{LINES[(n + i) % len(LINES)].replace('hunter2', '***')} #{n + i}", "info",
                  hints[(n + i) % len(LINES)]) for i in range(per_tick))
        n += per_tick
        time.sleep(max(0.0, start + (n / per_tick) * tick - time.perf_counter()))
    written.append(n)


def writer(path: Path, rate: int, seconds: float, stop: threading.Event, written: list[int]) -> None:
    tick = 0.05
    per_tick = max(1, int(rate * tick))
    start = time.perf_counter()
    n = 0
    with path.open("a", encoding="utf-8") as fh:
        while not stop.is_set() and time.perf_counter() - start < seconds:
            fh.write("".join(f"{LINES[(n + i) % len(LINES)]} #{n + i}\n" for i in range(per_tick)))
            fh.flush()
            n += per_tick
            next_at = start + (n / per_tick) * tick
            time.sleep(max(0.0, next_at - time.perf_counter()))
    written.append(n)


async def run(rate: int, seconds: float, ui_only: bool = False) -> None:
    from textual import events

    from launchdeck.app.tui import make_app
    from launchdeck.screens.widgets.log_view import LogView

    handled: list[float] = []
    original = LogView.action_cursor

    def timed(self: LogView, delta: int) -> None:
        handled.append(time.perf_counter())
        original(self, delta)

    LogView.action_cursor = timed  # type: ignore[method-assign]

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "burst.log"
        log.write_text("")
        app = make_app(None, cwd=Path(tmp), log_source=f"file:{log}", status_enabled=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("6")
            while app.current_mode != "logs":
                await pilot.pause(0.05)
            await pilot.pause(0.5)
            view = app.screen.query_one(LogView)
            rss_before = rss_mib()
            stop, written = threading.Event(), []
            target, first = (feeder, app.screen) if ui_only else (writer, log)
            thread = threading.Thread(target=target, args=(first, rate, seconds, stop, written), daemon=True)
            t0 = time.perf_counter()
            thread.start()
            latencies: list[float] = []
            while thread.is_alive():
                before = len(handled)
                sent = time.perf_counter()
                app.post_message(events.Key("j", "j"))
                while len(handled) == before and time.perf_counter() - sent < 2:
                    await asyncio.sleep(0.001)
                if len(handled) > before:
                    latencies.append(handled[before] - sent)
                await asyncio.sleep(0.1)
            # let the tail catch up with what was written
            deadline = time.perf_counter() + 15
            while view.total_seen < written[0] and time.perf_counter() < deadline:
                await pilot.pause(0.05)
            elapsed = time.perf_counter() - t0
            rss_after = rss_mib()
            seen, retained = view.total_seen, len(view.entries)
            hinted = sum(1 for e in view.entries if e.hint is not None)
            leaked = sum(1 for e in view.entries if "hunter2" in e.text)
    lat = sorted(x * 1000 for x in latencies)
    p95 = lat[max(0, int(len(lat) * 0.95) - 1)] if lat else float("nan")
    how = "queued directly (--ui-only)" if ui_only else "written to a file: source"
    print(f"lines {how}: {written[0]:,} at {rate:,}/s for {seconds:g} s")
    print(f"lines shown       : {seen:,} in {elapsed:.1f} s ({seen / elapsed:,.0f}/s end to end)")
    print(f"retained          : {retained:,} (max_lines {view.max_lines:,}); hinted among them {hinted:,}; "
          f"secrets leaked {leaked}")
    print(f"keypress latency  : p50 {statistics.median(lat):.1f} ms, p95 {p95:.1f} ms, max {lat[-1]:.1f} ms "
          f"({len(lat)} keys; goal p95 < 50 ms)")
    print(f"memory (RSS)      : {rss_before:.0f} MiB before, {rss_after:.0f} MiB after")
    print(f"machine load      : {Path('/proc/loadavg').read_text().split()[0]} (1-min load average)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--ui-only", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.rate, args.seconds, args.ui_only))


if __name__ == "__main__":
    main()
