"""The CLI surface: --version, --help listing every command, NO_COLOR."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from launchdeck.app import __version__

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("estimate", "compare", "doctor", "generate", "scan", "logs", "prices", "import", "status", "deploy",
            "init")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "launchdeck.app.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_version() -> None:
    proc = cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"launchdeck {__version__}"


def test_help_lists_every_command() -> None:
    proc = cli("--help")
    assert proc.returncode == 0
    listed = proc.stdout.split("positional arguments:")[1]
    for name in COMMANDS:
        assert f"\n    {name} " in listed or f"\n    {name}\n" in listed, name


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    from launchdeck.app.cli import main

    for name in COMMANDS:
        with pytest.raises(SystemExit) as info:
            main([name, "--help"])
        assert info.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: launchdeck {name}"), name


def test_report_commands_take_format() -> None:
    from launchdeck.app.cli import build_parser

    parser = build_parser()
    choices = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in ("estimate", "compare", "doctor", "import"):
        fmt = next(a for a in choices[name]._actions if a.dest == "format")
        assert {"table", "json", "md"} <= set(fmt.choices), name


def test_unknown_option_is_exit_2() -> None:
    proc = cli("import", "--no-such-flag")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def _run_in_terminal(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run with stdout on a pseudo-terminal (so colour is possible) and return what it printed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=slave, stderr=subprocess.PIPE, cwd=cwd, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO once the child has gone
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_color_is_respected(tmp_path: Path) -> None:
    compose = ROOT / "assets" / "example" / "docker-compose.yml"
    base = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    base["TERM"] = "xterm-256color"
    args = [sys.executable, "-m", "launchdeck.app.cli", "import", str(compose), "-o", "p.yaml", "--force"]
    colored = _run_in_terminal(args, base, tmp_path)
    plain = _run_in_terminal(args, {**base, "NO_COLOR": "1"}, tmp_path)
    assert "realtime" in colored and "realtime" in plain
    assert "\x1b[" in colored  # a terminal gets colour by default ...
    assert "\x1b[" not in plain  # ... and none with NO_COLOR


def test_command_names_match_the_parser():
    """`launchdeck PLAN` opens the TUI by telling plan paths from command names without building the parser."""
    from launchdeck.app.cli import build_parser
    from launchdeck.app.commands import COMMAND_NAMES

    parser = build_parser()
    assert set(parser._subparsers._group_actions[0].choices) == COMMAND_NAMES


@pytest.mark.parametrize("command", ["estimate", "compare", "doctor", "status"])
def test_the_plan_defaults_to_launchdeck_yaml_here(command: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from launchdeck.app.cli import main

    monkeypatch.chdir(tmp_path)
    assert main([command]) == 2
    err = capsys.readouterr().err
    assert "no launchdeck.yaml here" in err and "launchdeck import" in err
    if command == "status":
        return  # status would go on to call Google; the plan lookup is what this checks
    (tmp_path / "launchdeck.yaml").write_text((ROOT / "assets/example/launchdeck.yaml").read_text())
    assert main([command, "--format", "json"]) in (0, 1)  # doctor exits 1 on findings
    assert capsys.readouterr().out.lstrip().startswith("{")
