"""A plain install works: the wheel, installed WITHOUT extras into a fresh venv, runs every command.

What a user gets from `pip install launchdeck` (or pipx): one top-level import name, the validators
included, and commands that work from inside their own project -- which very often has an `app/`
package of its own, here booby-trapped so that importing it by mistake fails loudly.

Slow (about a minute: building the wheel and installing its dependencies from pip's cache), so
marked `slow`; it still runs in CI through `make test`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from launchdeck.app.targets import TARGETS

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("app", "screens", "estimators", "assets", "pyproject.toml", "README.md")
TRAP = 'raise RuntimeError("USER-APP-IMPORTED: launchdeck imported the user\'s own {name}")\n'
TIMEOUT = 240  # seconds for any one step; a hang fails the test instead of stalling CI

pytestmark = pytest.mark.slow


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def _build_venv(work: Path) -> Path:
    """Build the wheel from a copy of the sources and install it, no extras, into a fresh venv."""
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(item, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    build = _run([*pip, "wheel", "-q", "--no-deps", "-w", str(work / "wheel"), str(src)], work, dict(os.environ))
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = (work / "wheel").glob("launchdeck-*.whl")
    venv = work / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work, dict(os.environ))
    assert made.returncode == 0, made.stderr
    # The main venv's pip installs into the new one: the dependencies come from pip's cache and the
    # configured indexes (they were fetched for the main install); --no-compile saves a third of the time.
    install = _run([*pip, "--python", str(venv / "bin/python"), "install", "-q", "--no-compile", str(wheel)],
                   work, dict(os.environ))
    assert install.returncode == 0, install.stderr[-3000:]
    return venv


def _project(work: Path) -> Path:
    """A user's project dir with its own `app`, `screens`, `estimators` and `assets` packages."""
    proj = work / "project"
    for pkg in ("app", "screens", "estimators", "assets"):
        (proj / pkg).mkdir(parents=True)
        (proj / pkg / "__init__.py").write_text(TRAP.format(name=pkg))
    for mod in ("hints", "cli", "tui", "plan", "validate", "logsources"):
        (proj / "app" / f"{mod}.py").write_text(TRAP.format(name=f"app.{mod}"))
    (proj / "main.py").write_text("from app import hints  # the user's FastAPI entry point\n")
    return proj


PILOT = textwrap.dedent('''
    """Open the TUI on the Logs screen inside the plain venv and wait for the demo log's lines."""
    import asyncio
    from pathlib import Path

    from launchdeck.app.tui import make_app
    from launchdeck.assets import DEMO_LOG


    async def main() -> None:
        app = make_app(None, cwd=Path.cwd(), status_enabled=False, log_source=f"file:{DEMO_LOG}")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.switch_mode("logs")
            screen = app.screen
            log = screen.query_one("LogView")

            def state() -> str:
                return str(getattr(screen, "source_state", ""))

            for _ in range(400):  # up to 20 s; stops as soon as lines arrive or the stream stops
                if len(log.entries) > 5 or "stream stopped" in state():
                    break
                await pilot.pause(0.05)
            print("MODE", app.current_mode)
            print("ENTRIES", len(log.entries))
            print("STATE", state())
            assert "stream stopped" not in state(), state()
            assert len(log.entries) > 5, "no log lines arrived"


    asyncio.run(main())
''')


def test_plain_install_runs_every_command_from_a_project_with_its_own_app(tmp_path: Path) -> None:
    started = time.monotonic()
    venv = _build_venv(tmp_path)
    py = str(venv / "bin/python")
    deck = str(venv / "bin/launchdeck")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GOOGLE_", "CLOUDSDK_", "LAUNCHDECK_"))}
    env |= {"LAUNCHDECK_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path / "home"), "COLUMNS": "160"}
    (tmp_path / "home").mkdir()
    neutral = tmp_path / "neutral"  # a cwd with no `app/`: what the venv itself can import
    neutral.mkdir()

    # One top-level import name, and no `app` to collide with the user's.
    show = _run([*[sys.executable, "-m", "pip", "--python", py], "show", "-f", "launchdeck"], neutral, env)
    assert show.returncode == 0, show.stderr
    files = show.stdout.split("Files:", 1)[1].split()
    top = {f.split("/", 1)[0] for f in files if not f.startswith("..") and ".dist-info" not in f.split("/", 1)[0]}
    assert top == {"launchdeck"}, top
    for name in ("app", "screens", "estimators", "assets"):
        probe = _run([py, "-c", f"import {name}"], neutral, env)
        assert probe.returncode != 0 and "ModuleNotFoundError" in probe.stderr, (name, probe.stderr)
    where = _run([py, "-c", "from launchdeck.assets import EXAMPLE_PLAN, DEMO_LOG; print(EXAMPLE_PLAN); "
                  "print(DEMO_LOG)"], neutral, env)
    assert where.returncode == 0, where.stderr
    example_plan, demo_log = map(Path, where.stdout.split())
    assert str(example_plan).startswith(str(venv)), example_plan  # the installed copy, not the repo's
    compose = example_plan.parent / "docker-compose.yml"

    proj = _project(tmp_path)
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    results["init"] = _run([deck, "init"], proj, env)
    assert results["init"].returncode == 0, results["init"].stderr
    plan = "launchdeck.yaml"

    def generate(target: str) -> subprocess.CompletedProcess[str]:
        argv = [deck, "generate", plan, "--target", target, "--out", f"deploy/{target}"]
        first = _run(argv, proj, env)
        if first.returncode == 1 and "not generating" in first.stderr:  # preflight refused: the contract's 1
            results[f"generate {target} (refused)"] = first
            return _run([*argv, "--force"], proj, env)
        return first

    jobs = {
        "import": lambda: _run([deck, "import", str(compose), "-o", "imported.yaml"], proj, env),
        "estimate": lambda: _run([deck, "estimate", plan], proj, env),
        "compare": lambda: _run([deck, "compare", plan], proj, env),
        "doctor": lambda: _run([deck, "doctor", plan], proj, env),
        "scan": lambda: _run([deck, "scan", str(demo_log)], proj, env),
        "tui-logs": lambda: _run([py, str(tmp_path / "pilot_logs.py")], proj, env, timeout=120),
        **{f"generate {t}": (lambda t=t: generate(t)) for t in TARGETS},
    }
    (tmp_path / "pilot_logs.py").write_text(PILOT)  # outside the project: its dir goes on sys.path, not proj
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        logs = _follow_logs(deck, demo_log, proj, env)
        for name, fut in futures.items():
            results[name] = fut.result()
    results["logs"] = logs

    expected = {"init": {0}, "import": {0}, "estimate": {0}, "compare": {0}, "doctor": {0, 1}, "scan": {0, 1},
                "tui-logs": {0}, "logs": {130}, **{f"generate {t}": {0} for t in TARGETS},
                **{f"generate {t} (refused)": {1} for t in TARGETS}}
    problems = []
    for name, proc in results.items():
        # `logs` and `scan` print the demo log, which has Python tracebacks of its own in it.
        text = proc.stderr if name in ("logs", "scan") else proc.stdout + proc.stderr
        if proc.returncode not in expected[name]:
            problems.append(f"{name}: exit {proc.returncode}, expected {sorted(expected[name])}\n{text[-2000:]}")
        for bad in ("Traceback", "USER-APP-IMPORTED", "stream stopped"):
            if bad in text:
                problems.append(f"{name}: printed {bad!r}\n{text[-2000:]}")
    assert not problems, "\n\n".join(problems)

    # The validators ship with the plain install: none of them may be skipped (terraform is not ours).
    for target in TARGETS:
        out = results[f"generate {target}"].stdout
        for tool in ("shellcheck", "actionlint", "kubernetes-validate"):
            assert f"{tool} skipped" not in out, (target, out[-2000:])
        assert "0 failed" in out, (target, out[-2000:])
    assert (proj / "deploy/gke-autopilot/k8s").is_dir() and (proj / "deploy/compose/docker-compose.yml").is_file()
    assert "ENTRIES" in results["tui-logs"].stdout
    assert len(results["logs"].stdout.splitlines()) > 5, results["logs"].stdout
    print(f"plain install check: {time.monotonic() - started:.0f} s")  # shown with -s; keep it < ~2-3 min


def _follow_logs(deck: str, demo_log: Path, proj: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`logs --source file:…` for a few seconds, then Ctrl-C: it must end at once with 130, quietly."""
    out, err = proj.parent / "logs.out", proj.parent / "logs.err"
    with out.open("w") as fo, err.open("w") as fe:
        proc = subprocess.Popen([deck, "logs", "--source", f"file:{demo_log}"], cwd=proj, env=env,
                                stdout=fo, stderr=fe, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None and out.stat().st_size < 2000:
            time.sleep(0.2)  # until it has printed the backfill (or died)
        time.sleep(1)  # now following the file
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
            note = ""
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            note = "\n(did not end within 10 s of SIGINT)"
    return subprocess.CompletedProcess(proc.args, proc.returncode, out.read_text(), err.read_text() + note)
