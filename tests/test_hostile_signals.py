"""Ctrl-C ends every command promptly with exit 130 and no traceback: at start-up, during a log
catch-up on a big file, and while a Google call waits on a server that never answers.

Each test runs the real entry point in a child process and sends SIGINT. The timeouts here are
bounds on a hang (generous for a loaded machine), not performance targets; bench/hostile_probes.py
measures how fast the exit really is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.fake_faults import FakeFaults

pytestmark = pytest.mark.slow

ENTRY = "import sys; from launchdeck.app.entry import main; sys.exit(main())"
EXAMPLE = str(Path(__file__).resolve().parents[1] / "assets" / "example" / "launchdeck.yaml")
BOUND = 10  # seconds: far above the real exit time, so only a hang fails


def launch(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", ENTRY, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})}, cwd=cwd)


def interrupt(proc: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=BOUND)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"still running {BOUND} s after Ctrl-C: {err.decode()[-500:]}")
    return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def wait_for_output(proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Block until the child has written something to stdout (it is busy, not starting)."""
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), True)
    end = time.monotonic() + timeout
    first = proc.stdout.read(1)
    assert first and time.monotonic() < end, "the command printed nothing"


# SIGINT from inside the child, `ms` after the entry module loaded: from the first instant of
# launchdeck's own code, through the command imports (pydantic, ruamel) to the command's work.
# (Before that, CPython is still importing `site`; nothing of ours runs yet, and no program can
# catch an interrupt there.)
TIMED = ("import os, signal, sys, threading, time\n"
         "import launchdeck.app.entry as entry\n"
         "ms = float(sys.argv.pop(1))\n"
         "if ms == 0:\n"
         "    os.kill(os.getpid(), signal.SIGINT)\n"
         "else:\n"
         "    threading.Timer(ms / 1000, os.kill, (os.getpid(), signal.SIGINT)).start()\n"
         "sys.exit(entry.main())\n")


@pytest.mark.parametrize("ms", [0, 1, 5, 20, 50, 100, 200, 400])
def test_ctrl_c_from_the_first_instant_is_quiet(ms: int, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", TIMED, str(ms), "estimate", EXAMPLE, "--format", "json"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 130), proc.stderr  # 0: the estimate finished first
    if proc.returncode == 130:
        assert proc.stdout == "" or proc.stdout.endswith("\n")  # nothing cut mid-line
    if ms == 0:
        assert proc.returncode == 130


def test_ctrl_c_stops_a_catch_up_on_a_big_log(tmp_path: Path) -> None:
    big = tmp_path / "big.log"
    line = b"2024-05-01T10:00:00Z INFO GET /api/items/42 200 12ms user=alice\n"
    with big.open("wb") as fh:
        for _ in range(40):
            fh.write(line * 10_000)  # ~26 MB, far more than a second's catch-up
    proc = launch("logs", "--source", f"file:{big}")
    wait_for_output(proc)
    code, _, err = interrupt(proc)
    assert code == 130, err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["status", "PLAN"], ["logs", "--source", "cloud-run:api", "--project", "p"],
                                  ["deploy", "PLAN", "--yes"]])
def test_ctrl_c_while_a_google_call_waits(argv: list[str], plan_file: Path) -> None:
    with FakeFaults("silent") as fake:
        proc = launch(*[str(plan_file) if a == "PLAN" else a for a in argv],
                      env={"LAUNCHDECK_EMULATOR_HOST": fake.target, "LAUNCHDECK_API_TIMEOUT": "60"})
        end = time.monotonic() + 60
        while not fake.calls and time.monotonic() < end:  # wait until the call is in flight
            time.sleep(0.05)
        assert fake.calls, "no call reached the fake"
        code, _, err = interrupt(proc)
    assert code == 130, err
    assert "Traceback" not in err


def test_interrupted_import_leaves_no_plan_behind(tmp_path: Path) -> None:
    """A plan is written through a temp file and a rename: interrupted, there is either the whole
    file or none, and no temp file is left."""
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("services:\n" + "".join(f"  s{i}:\n    image: me/s{i}:1\n    ports: ['80{i % 10}:80']\n"
                                               for i in range(300)))
    whole = tmp_path / "plan-whole.yaml"
    subprocess.run([sys.executable, "-c", ENTRY, "import", str(compose), "-o", str(whole)],
                   capture_output=True, text=True, timeout=60, cwd=tmp_path, check=True)
    for ms in (30, 100, 250, 500, 900):
        target = tmp_path / f"plan-{ms}.yaml"
        proc = subprocess.run([sys.executable, "-c", TIMED, str(ms), "import", str(compose), "-o", str(target)],
                              capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode in (0, 130), proc.stderr
        if target.exists():  # finished, or interrupted after the rename: then it is the whole plan
            assert target.read_text() == whole.read_text()
        else:
            assert proc.returncode == 130
        assert not list(tmp_path.glob(".plan-*.tmp"))


def test_an_interrupt_deferred_past_an_import_is_not_lost_when_the_command_finishes(tmp_path, capsys):
    """Ctrl-C during an import is sent again 20 ms later; a command that finishes in between must
    still end with 130 (it once exited 0 with its whole output, the Ctrl-C swallowed)."""
    from launchdeck.app import interrupts
    from launchdeck.app.cli import main

    plan = tmp_path / "p.yaml"
    plan.write_text("name: app\nregion: us-central1\nservices:\n  web:\n    image: nginx:1\n    port: 8080\n")
    interrupts._deferred.set()  # what interrupt_handler leaves when the signal landed in an import
    assert main(["estimate", str(plan)]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert main(["estimate", str(plan)]) == 0  # owed once, not forever
