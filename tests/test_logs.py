"""`launchdeck logs` and the local sources: file follow (truncation, rotation), compose, kubectl."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import stat

import pytest

from launchdeck.app.cli import main
from launchdeck.app.logsources import SourceError, open_source, parse_since
from launchdeck.app.logsources.files import follow_file
from launchdeck.app.logsources.procs import _COMPOSE, _KUBECTL, split_line
from tests.fakes.fake_logging import FakeLogging

CANARY = "c4n4ry-Zq9x7Lw3"


async def _take(agen, n: int, timeout: float = 10.0) -> list[str]:
    out: list[str] = []

    async def run():
        async for line in agen:
            out.append(line.text)
            if len(out) >= n:
                return

    await asyncio.wait_for(run(), timeout)
    return out


async def test_file_follows_appends_truncation_and_rotation(tmp_path):
    path = tmp_path / "app.log"
    path.write_text("one\ntwo\n")
    agen = follow_file(str(path), poll=0.02)
    try:
        assert await _take(agen, 2) == ["one", "two"]
        with open(path, "a") as f:
            f.write("three\npart")
        assert await _take(agen, 1) == ["three"]
        with open(path, "a") as f:
            f.write("ial\n")
        assert await _take(agen, 1) == ["partial"]
        path.write_text("after truncate\n")  # same inode, shorter
        assert await _take(agen, 1) == ["after truncate"]
        with open(path, "a") as f:
            f.write("last words of old file\n")
        os.rename(path, tmp_path / "app.log.1")
        path.write_text(f"new file PASSWORD={CANARY}\n")
        assert await _take(agen, 2) == ["last words of old file", "new file PASSWORD=***"]
    finally:
        await agen.aclose()


async def test_file_errors_are_source_errors(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        await _take(open_source(f"file:{tmp_path}/missing.log", follow=False), 1)
    with pytest.raises(SourceError, match="directory"):
        await _take(open_source(f"file:{tmp_path}", follow=False), 1)


@pytest.mark.parametrize("spec", ["nope:x", "kubectl:", "cloud-run:", "file:"])
def test_bad_specs(spec):
    with pytest.raises(SourceError):
        open_source(spec)


def test_parse_since():
    assert parse_since("10m") == dt.timedelta(minutes=10)
    assert parse_since("2h") == dt.timedelta(hours=2)
    assert parse_since("") is None
    with pytest.raises(SourceError):
        parse_since("ten minutes")


def test_prefix_parsing():
    line = split_line("\x1b[36mbackend-1  |\x1b[0m 2025-10-15T10:23:40.118532123Z hello DB_PASSWORD=x1y2z3", _COMPOSE, "c")
    assert line.source == "backend-1" and line.text == "hello DB_PASSWORD=***"
    assert line.timestamp == dt.datetime(2025, 10, 15, 10, 23, 40, 118532, tzinfo=dt.UTC)
    line = split_line("[pod/api-7d9c/api] 2025-10-15T10:23:40.1Z boom", _KUBECTL, "k")
    assert line.source == "api-7d9c/api" and line.text == "boom"


def _fake_tool(tmp_path, name: str, body: str) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    exe = bindir / name
    exe.write_text("#!/bin/sh\n" + body)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)


def test_compose_source_runs_docker_compose(tmp_path, monkeypatch, capsys):
    _fake_tool(tmp_path, "docker", 'echo "$@" > "$(dirname "$0")/argv"\n'
               "echo 'worker-1  | 2025-10-15T10:24:02.1Z consumer: Cannot connect to redis://redis:6379/0: "
               "Error -2 connecting to redis:6379. Name or service not known..'\n"
               "echo 'web-1     | 2025-10-15T10:24:03.1Z ready'\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    code = main(["logs", "--source", f"compose:{tmp_path}", "--no-follow", "-f", "jsonl"])
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [(r["source"], r["hint"]) for r in rows] == [("worker-1", "celery-broker-connection-error"), ("web-1", None)]
    argv = (tmp_path / "bin" / "argv").read_text().split()
    assert argv[:4] == ["compose", "logs", "--timestamps", "--no-color"] and "-f" not in argv
    assert argv[-2:] == ["--since", "600s"]


def test_kubectl_source_and_failure(tmp_path, monkeypatch, capsys):
    _fake_tool(tmp_path, "kubectl", 'echo "$@" > "$(dirname "$0")/argv"\n'
               "echo '[pod/api-1/api] 2025-10-15T10:23:40.4Z KeyError: '\"'\"'DATABASE_URL'\"'\"''\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    code = main(["logs", "--source", "kubectl:app=api", "--no-follow", "-f", "jsonl"])
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert code == 0 and rows[0]["hint"] == "py-missing-env-var" and rows[0]["source"] == "api-1/api"
    argv = (tmp_path / "bin" / "argv").read_text().split()
    assert argv[:7] == ["logs", "-l", "app=api", "--all-containers", "--prefix", "--timestamps", "--max-log-requests"]
    main(["logs", "--source", "kubectl:app.kubernetes.io/part-of=shop@shop", "--no-follow"])
    argv = (tmp_path / "bin" / "argv").read_text().split()
    assert argv[1:3] == ["-l", "app.kubernetes.io/part-of=shop"]
    assert argv[argv.index("--namespace") + 1] == "shop"
    capsys.readouterr()
    _fake_tool(tmp_path, "kubectl", "echo 'error: You must be logged in to the server (Unauthorized)' >&2\nexit 1\n")
    code = main(["logs", "--source", "kubectl:app=api", "--no-follow"])
    err = capsys.readouterr().err
    assert code == 2 and "Unauthorized" in err and len(err.strip().splitlines()) == 1


def test_file_logs_table_with_inline_hints_and_no_canary(tmp_path, capsys):
    f = tmp_path / "svc.log"
    f.write_text(f"starting DATABASE_URL=postgresql://app:{CANARY}@db/app\n"
                 "[2025-10-15 10:40:12 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:8)\n"
                 "[2025-10-15 10:40:42 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)\n")
    code = main(["logs", "--source", f"file:{f}", "--no-follow"])
    out = capsys.readouterr().out
    assert code == 0 and CANARY not in out
    assert "gunicorn-worker-timeout: gunicorn worker timed out" in out and "again (x2)" in out
    code = main(["logs", "--source", f"file:{f}", "--no-follow", "-f", "jsonl"])
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["hint"] for r in rows] == [None, "gunicorn-worker-timeout", "gunicorn-worker-timeout"]
    assert CANARY not in json.dumps(rows)


@pytest.fixture
def fake(fake_logging: FakeLogging) -> FakeLogging:
    """`fake` in this module is the Cloud Logging fake (tests/conftest.py)."""
    return fake_logging


def test_cli_cloud_run_backfill(fake, capsys, monkeypatch):
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "p")
    t = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    fake.add(fake.entry(f"PASSWORD={CANARY} boot", timestamp=t),
             fake.entry("Container called exit(1).", timestamp=t + dt.timedelta(seconds=1), severity="ERROR"))
    code = main(["logs", "--source", "cloud-run:api", "--no-follow", "--since", "10m", "-f", "jsonl"])
    out = capsys.readouterr().out
    rows = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and CANARY not in out
    assert [(r["source"], r["hint"], r["severity"]) for r in rows] == [
        ("api", None, "DEFAULT"), ("api", "cr-container-exited", "ERROR")]


def test_cli_permission_denied_exit_2(fake, capsys):
    fake.deny = True
    code = main(["logs", "--source", "cloud-run:api", "--project", "p"])
    err = capsys.readouterr().err
    assert code == 2 and "permission denied" in err and len(err.strip().splitlines()) == 1


def test_tool_failure_keeps_the_cause_from_either_end_of_stderr(tmp_path, monkeypatch, capsys):
    # docker prints the cause first and a generic line last; kubectl the other way round.
    _fake_tool(tmp_path, "docker", "echo 'docker: unknown command: docker compose' >&2\necho >&2\n"
               "echo \"Run 'docker --help' for more information\" >&2\nexit 1\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    code = main(["logs", "--source", f"compose:{tmp_path}", "--no-follow"])
    err = capsys.readouterr().err
    assert code == 2 and "unknown command: docker compose" in err and "docker --help" in err
    assert len(err.strip().splitlines()) == 1


# -- the live path shares scan's rules -----------------------------------------------------------

def _feed(lines):
    from launchdeck.app.hints import get_engine
    from launchdeck.app.hints.live import LiveMatcher

    live = LiveMatcher(get_engine())
    return [live.feed(t) for t in lines]


def test_live_folds_a_chained_traceback_into_one_event():
    lines = [
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.11/asyncio/base_events.py", line 1085, in create_connection',
        "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 5432)",
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
        '  File "/app/api/routes/jobs.py", line 41, in create_job',
        "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 5432)",
    ]
    marks = _feed(lines)
    hinted = [(i + 1, m.hint.id, m.first) for i, m in enumerate(marks) if m]
    assert hinted == [(3, "db-dial-localhost-fallback", None), (9, "db-dial-localhost-fallback", 3)]


def test_live_names_the_root_cause_of_a_symptom_even_when_it_comes_later():
    marks = _feed([
        "NAME                    READY   STATUS             RESTARTS   AGE",
        "api-7d9c6b5f4-x2k8p     0/1     CrashLoopBackOff   5          3m",
        "    Last State:     Terminated",
        "      Reason:       OOMKilled",
    ])
    assert marks[1].hint.id == "k8s-crashloopbackoff"
    assert marks[3].hint.id == "k8s-oomkilled" and marks[3].explained_by is None
    # The symptom was shown before its cause arrived: the cause's mark carries the update for it.
    assert marks[3].updates == [(2, (4, "k8s-oomkilled"))] and marks[1].explained_by == (4, "k8s-oomkilled")


def test_logs_jsonl_marks_repeats_and_symptoms(tmp_path, capsys):
    f = tmp_path / "pods.log"
    f.write_text("api-7d9c6b5f4-x2k8p     0/1     CrashLoopBackOff   5          3m\n"
                 "      Reason:       OOMKilled\n"
                 "[1] [CRITICAL] WORKER TIMEOUT (pid:8)\n"
                 "[1] [CRITICAL] WORKER TIMEOUT (pid:9)\n")
    assert main(["logs", "--source", f"file:{f}", "--no-follow", "-f", "jsonl"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(r["line"], r["hint"]) for r in rows] == [
        (1, "k8s-crashloopbackoff"), (2, "k8s-oomkilled"), (3, "gunicorn-worker-timeout"),
        (4, "gunicorn-worker-timeout")]
    assert rows[3]["first"] == 3 and "first" not in rows[2]


def test_severity_filter_counts_a_hinted_line_at_its_hint_severity():
    from launchdeck.app.hints import get_engine
    from launchdeck.screens.widgets.log_view import SEVERITY_RANK, Entry

    hint = get_engine().match_line("exec /app/server: exec format error")
    plain = Entry("exec /app/server: exec format error", "info", hint)
    assert plain.rank == SEVERITY_RANK["error"]
    assert Entry("GET /health 200", "info").rank == SEVERITY_RANK["info"]
