"""What launchdeck prints from files nobody here wrote must not act on the terminal, and the
standard streams themselves may be hostile (closed, full, an encoding without the characters).

Escape sequences (OSC 52 clipboard writes, clear screen, window titles), C1 controls, CR and
backspace overwrites and bidi overrides come out escaped or dropped; rich markup in a log line is
shown as written; a plan refuses control characters in any value, naming the key.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from launchdeck.app.cli import main
from launchdeck.app.output import md_table, terminal_width, text_table, to_json
from launchdeck.app.redact import redact
from launchdeck.app.termtext import safe_line, strip_escapes, visible

ESC = "\x1b]52;c;Y2FuYXJ5\x07\x1b[2J\x1b]0;T\x1b\\\u202e\x9b31m\x1bP+q\x1b\\\x07\x08\r"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PLAN = "name: app\nregion: us-central1\nservices:\n  web:\n    image: nginx:1\n    port: 8080\n"


def unsafe(text: str) -> list[str]:
    return UNSAFE.findall(text)


@pytest.mark.parametrize("seq", [
    "\x1b]52;c;ZWNobyBoaQ==\x07", "\x1b]52;c;ZWNobyBoaQ==\x1b\\", "\x1b[2J", "\x1b]0;title\x07", "\x1bP+q\x1b\\",
    "\x1bc", "\x9b2J", "\x9d0;title\x9c", "\x1b[?1049h", "\x1b]8;;https://evil.example\x1b\\",
])
def test_escape_sequences_are_dropped_whole(seq: str) -> None:
    assert strip_escapes(f"a{seq}b") == "ab"
    assert safe_line(f"a{seq}b") == "ab"


@pytest.mark.parametrize("ch", ["\u202e", "\u2066", "\u200f", "\x08", "\r", "\x07", "\x00", "\x7f", "\x85"])
def test_lone_controls_and_direction_marks_are_escaped_visibly(ch: str) -> None:
    shown = safe_line(f"user {ch}evil")
    assert not unsafe(shown) and "evil" in shown and "\\" in shown


def test_tab_newline_and_ordinary_unicode_stay() -> None:
    text = "caf\u00e9\tok\n\U0001f680 \u4e2d\u6587"
    assert safe_line(text) == text
    assert visible("caf\u00e9") == "caf\u00e9"


def test_redact_makes_log_text_terminal_safe_and_still_masks() -> None:
    shown = redact(f"DATABASE_URL=postgres://app:CanaryPw1@db/app {ESC} done")
    assert "CanaryPw1" not in shown and not unsafe(shown) and shown.endswith("done")


def test_rich_markup_in_a_table_cell_is_text_not_markup() -> None:
    out = text_table(["a"], [["[/foo] [link=https://evil.example]x[/link] [bold]y"]])
    assert "[/foo]" in out and "[link=https://evil.example]" in out and "[bold]" in out


def test_tables_and_json_escape_controls() -> None:
    assert not unsafe(text_table(["h"], [[ESC]], title=ESC, footer=[ESC]))
    assert not unsafe(md_table(["h"], [[ESC]]))
    dumped = to_json({"k": ESC})
    assert not unsafe(dumped) and json.loads(dumped) == {"k": ESC}  # escaped, and still the same data


@pytest.mark.parametrize("raw, want", [("abc", 140), ("-5", 140), ("99999999999", 140), ("", 140), ("100", 100),
                                       ("5", 40), ("200000", 10_000)])
def test_columns_from_the_environment_is_only_used_when_sane(monkeypatch, raw: str, want: int) -> None:
    monkeypatch.setenv("COLUMNS", raw)
    assert terminal_width() == want


def test_a_plan_value_with_a_control_character_is_refused_with_its_key(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(PLAN.replace("image: nginx:1", 'image: "nginx\\e]52;c;eA==\\a"') + "    env: {A: \"x\\u202ey\"}\n")
    code = main(["estimate", str(plan)])
    err = capsys.readouterr().err
    assert code == 2
    assert "services.web.image" in err and "services.web.env" in err and "control character" in err
    assert not unsafe(err)


def test_a_compose_service_named_with_escapes_never_reaches_the_terminal(tmp_path: Path, capsys) -> None:
    compose = tmp_path / "c.yml"
    compose.write_text('services:\n  "api\\e[2J\\u202e":\n    build: .\n    ports: ["8000:8000"]\n')
    code = main(["import", str(compose), "-o", str(tmp_path / "o.yaml")])
    out, err = capsys.readouterr()
    assert code in (0, 2) and not unsafe(out + err)


def test_error_messages_escape_what_the_user_typed(tmp_path: Path, capsys) -> None:
    assert main(["logs", "--source", f"file:{tmp_path}/x{ESC}"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["estimate", "p.yaml", "--bogus", f"v{ESC}"])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert not unsafe(out + err) and "--bogus" in err


def _cli(tmp_path: Path, argv: list[str], shell_redirect: str = "", **env: str) -> subprocess.CompletedProcess:
    code = "import sys; from launchdeck.app.entry import main; sys.exit(main())"
    cmd = [sys.executable, "-c", code, *argv]
    if shell_redirect:
        cmd = ["sh", "-c", f'"$@" {shell_redirect}', "sh", *cmd]
    return subprocess.run(cmd, cwd=tmp_path, capture_output=not shell_redirect.startswith(">"),
                          stderr=subprocess.PIPE if shell_redirect.startswith(">") else None,
                          env={**os.environ, "NO_COLOR": "1", **env}, timeout=60, text=True)


def test_stdout_on_a_full_device_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(PLAN)
    r = _cli(tmp_path, ["estimate", "p.yaml"], ">/dev/full")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "No space left" in r.stderr


def test_closed_stdout_and_an_ascii_only_encoding_do_not_crash(tmp_path: Path) -> None:
    (tmp_path / "u.log").write_text("Error: connect ECONNREFUSED 127.0.0.1:5432 caf\u00e9 \U0001f680\n")
    closed = _cli(tmp_path, ["scan", "u.log"], ">&-")
    assert closed.returncode == 0 and "Traceback" not in closed.stderr
    ascii_only = _cli(tmp_path, ["scan", "u.log"], PYTHONIOENCODING="ascii")
    assert ascii_only.returncode == 0 and "Traceback" not in ascii_only.stderr
    assert "db-dial-localhost-fallback" in ascii_only.stdout and "caf\\xe9" in ascii_only.stdout


def test_the_app_without_a_terminal_exits_2_at_once(tmp_path: Path) -> None:
    """`launchdeck` from a script or cron: no keys will ever come, so no app waiting for them."""
    (tmp_path / "launchdeck.yaml").write_text(PLAN)
    r = subprocess.run([sys.executable, "-c", "import sys; from launchdeck.app.entry import main; sys.exit(main())"],
                       cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                       env={**os.environ, "LAUNCHDECK_CACHE_DIR": str(tmp_path / "cache")})
    assert r.returncode == 2 and "needs a terminal" in r.stderr and r.stdout == ""


def test_deploy_refuses_a_plan_holding_a_secret_value_like_generate(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(PLAN.replace("region: us-central1", "region: us-central1\nproject: demo-project")
                    + "    command: [celery, -A, app, worker, -b, 'redis://:Zq9x7Lw3hunter@redis:6379/0']\n")
    code = main(["deploy", str(plan), "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2 and "services.web.command" in err and "Zq9x7Lw3hunter" not in err


def test_a_deploy_diff_masks_a_secret_in_live_args() -> None:
    from launchdeck.app.live.diff import diff_views

    [change] = diff_views({"web.args": "--requirepass Zq9x7Lw3hunter"}, {"web.args": "--port 6379"})
    assert "Zq9x7Lw3hunter" not in change.line("service web") and "--port 6379" in change.line("service web")
