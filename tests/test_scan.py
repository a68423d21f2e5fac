"""`launchdeck scan`: formats, exit codes, stdin, redaction of excerpts."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from launchdeck.app.cli import main

DATA = Path(__file__).parent / "data" / "logs"
CANARY = "c4n4ry-Zq9x7Lw3"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_jsonl_contract(capsys):
    code, out, _ = run(capsys, "scan", str(DATA / "cloudrun-plain.log"), "--format", "jsonl")
    assert code == 0
    rows = [json.loads(x) for x in out.splitlines()]
    firsts = [r for r in rows if "count" in r]
    assert firsts[0] == {**firsts[0], "line": 25, "hint": "db-dial-localhost-fallback", "severity": "error",
                         "lines": [16, 25]}
    # The chained traceback's first exception line is in the output too, pointing at its record.
    assert {**rows[0], "title": ""} == {**rows[0], "title": "", "line": 16, "first": 25}
    assert [r["line"] for r in rows] == sorted(r["line"] for r in rows)
    for r in rows:
        assert {"line", "hint", "severity", "title", "fix"} <= set(r)
        assert isinstance(r["line"], int) and r["line"] >= 1
        assert ("count" in r) + ("first" in r) + ("explained_by" in r) == 1


@pytest.mark.parametrize("name", ["compose-selfhost.log", "kubectl-get-pods.log", "gcloud-table-newest-first.log",
                                  "kubectl-describe.log", "cloudrun-deploy.log"])
def test_jsonl_lists_every_hinted_line_and_the_table_folds_them(capsys, name):
    rows = [json.loads(x) for x in run(capsys, "scan", str(DATA / name), "-f", "jsonl")[1].splitlines()]
    firsts = {r["line"]: r for r in rows if "count" in r}
    for r in rows:
        if "first" in r:
            assert r["line"] in firsts[r["first"]]["lines"] and r["hint"] == firsts[r["first"]]["hint"]
        if "explained_by" in r:
            assert firsts[r["explained_by"]["line"]]["hint"] == r["explained_by"]["hint"]
    assert sum(len(r["lines"]) for r in firsts.values()) == sum(1 for r in rows if "explained_by" not in r)
    table = run(capsys, "scan", str(DATA / name))[1]
    for line in firsts:
        assert f"│ {line:>4} │" in table


def test_table_and_md(capsys):
    code, out, _ = run(capsys, "scan", str(DATA / "compose-selfhost.log"))
    assert code == 0 and "compose-port-already-allocated" in out and "celery-broker-connection-error (x3)" in out
    code, out, _ = run(capsys, "scan", str(DATA / "compose-selfhost.log"), "--format", "md")
    assert code == 0 and out.startswith("| line |") and "`k8s-oomkilled`" in out


def test_no_hints_is_still_success(capsys, tmp_path):
    f = tmp_path / "ok.log"
    f.write_text("INFO all good\nmigrate-1 exited with code 0\n")
    code, out, _ = run(capsys, "scan", str(f), "-f", "jsonl")
    assert code == 0 and out == ""
    code, out, _ = run(capsys, "scan", str(f))
    assert code == 0 and "No known errors" in out


def test_info_only_with_all(capsys, tmp_path):
    f = tmp_path / "c.log"
    f.write_text("WARN[0000] docker-compose.yml: the attribute `version` is obsolete, it will be ignored\n")
    assert run(capsys, "scan", str(f), "-f", "jsonl")[1] == ""
    rows = [json.loads(x) for x in run(capsys, "scan", str(f), "-f", "jsonl", "--all")[1].splitlines()]
    assert [r["hint"] for r in rows] == ["compose-version-obsolete"]


def test_stdin(capsys, monkeypatch):
    data = (DATA / "logentries.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run(capsys, "scan", "-", "-f", "jsonl")
    assert code == 0
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["line"] for r in rows] == [2, 4, 6, 7, 8, 10]
    assert rows[3]["explained_by"] == {"line": 8, "hint": "db-password-auth-failed"}


@pytest.mark.parametrize("make", ["missing", "dir", "binary", "gzip"])
def test_unreadable_input_exits_2(capsys, tmp_path, make):
    target = tmp_path / "x.log"
    if make == "dir":
        target.mkdir()
    elif make == "binary":
        target.write_bytes(b"\x7fELF\x00\x00\x01binary")
    elif make == "gzip":
        target.write_bytes(b"\x1f\x8b\x08\x00rest")
    code, out, err = run(capsys, "scan", str(target))
    assert code == 2 and out == ""
    assert err.startswith("launchdeck: ") and len(err.strip().splitlines()) == 1


def test_canary_never_printed(capsys, tmp_path):
    f = tmp_path / "s.log"
    f.write_text(
        f"sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"localhost\" "
        f"(127.0.0.1), port 5432 failed: Connection refused DATABASE_URL=postgresql://app:{CANARY}@localhost/db\n"
        f"PASSWORD={CANARY} Memory limit of 512 MiB exceeded with 513 MiB used.\n")
    for fmt in ("table", "jsonl", "md"):
        code, out, err = run(capsys, "scan", str(f), "-f", fmt)
        assert code == 0 and CANARY not in out + err
    assert "db-dial-localhost-fallback" in out


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null"])
def test_non_regular_files_are_refused_not_read(capsys, path):
    code, out, err = run(capsys, "scan", path)
    assert code == 2 and out == "" and "is a character device, not a log file" in err and "scan -" in err


# -- streaming (big logs): same results as the whole-file engine, either block finder -------------

STREAMABLE = sorted(p.name for p in DATA.iterdir()
                    if p.suffix in (".log", ".jsonl") and "yaml" not in p.name and "wrapped" not in p.name)


def _shape(hits):
    return [(h.line, h.hint.id, h.count, h.lines, [(s.line, s.hint.id) for s in h.symptoms]) for h in hits]


@pytest.mark.parametrize("finder", ["hyperscan", "ahocorasick-rs"])
@pytest.mark.parametrize("name", STREAMABLE)
def test_streaming_scan_matches_the_whole_file_scan(name, finder):
    import io

    from launchdeck.app.hints import get_engine
    from launchdeck.app.hints.stream import BlockFinder, scan_stream

    if finder == "hyperscan":
        pytest.importorskip("hyperscan", reason="no hyperscan wheel for this platform; the Rust finder is tested")
    engine = get_engine()
    data = (DATA / name).read_bytes()
    whole = _shape(engine.scan(data.decode().splitlines()))
    fd = BlockFinder(engine.prefilter_keys, prefer=finder if finder == "hyperscan" else "rust")
    assert fd.kind == finder
    for segment in (1 << 20, 2048):  # one segment, and boundaries in the middle of the log
        res = scan_stream(engine, io.BytesIO(data), finder=fd, segment=segment)
        assert _shape(res.hits) == whole, segment
        assert res.n_lines == len(data.decode().splitlines())


def test_both_block_finders_flag_the_same_lines():
    pytest.importorskip("hyperscan", reason="no hyperscan wheel for this platform")
    from launchdeck.app.hints import get_engine
    from launchdeck.app.hints.stream import BlockFinder

    keys = get_engine().prefilter_keys
    hs, rs = BlockFinder(keys, prefer="hyperscan"), BlockFinder(keys, prefer="rust")
    block = b"".join((DATA / n).read_bytes() for n in STREAMABLE) + "MEMORY LIMIT OF 1 MiB Exceeded \u00e9\n".encode()
    assert hs.lines(block) == rs.lines(block) and len(hs.lines(block)) > 50


def test_an_overlong_line_is_reduced_not_held_and_still_matches():
    import io

    from launchdeck.app.hints import get_engine
    from launchdeck.app.hints.stream import scan_stream

    blob = b"x" * 300_000 + b" Memory limit of 512 MiB exceeded with 513 MiB used. " + b"y" * 300_000
    data = b"first\n" + blob + b"\nModuleNotFoundError: No module named 'flask'\n"
    res = scan_stream(get_engine(), io.BytesIO(data), segment=64 * 1024, long_line=100_000)
    assert [(h.line, h.hint.id) for h in res.hits] == [(2, "cr-memory-limit-exceeded"), (3, "py-module-not-found")]
    assert len(res.hits[0].text) <= 8192 and res.n_lines == 3


def test_a_big_log_streams_through_the_cli(capsys, tmp_path, monkeypatch):
    from launchdeck.app.commands import scan as scan_cmd

    monkeypatch.setattr(scan_cmd, "_SMALL", 4096)
    src = (DATA / "compose-selfhost.log").read_text()
    f = tmp_path / "big.log"
    f.write_text(src * 5)
    code, out, _ = run(capsys, "scan", str(f), "-f", "jsonl")
    rows = [json.loads(x) for x in out.splitlines()]
    n = len(src.splitlines())
    lines = {r["line"] for r in rows}
    assert code == 0 and {9, 9 + 4 * n, 37 + 4 * n} <= lines


def test_eval_corpus_recall_and_false_flags():
    """bench/eval/: every (line, hint) pair a reader needs, and no flag on the look-alike lines
    (bench/hint_eval.py prints the same figures per log)."""
    import yaml

    from launchdeck.app.commands.scan import scan_log, scan_records

    root = Path(__file__).parent.parent / "bench" / "eval"
    expected = yaml.safe_load((root / "expected.yaml").read_text())
    total = found = flags = 0
    for name, want in expected.items():
        hits, _n = scan_log(str(root / "logs" / name))
        recs = scan_records(hits, include_info=True)
        got = {(r["line"], r["hint"]) for r in recs}
        total += len(want["expect"])
        found += sum(1 for p in want["expect"] if tuple(p) in got)
        flags += sum(1 for r in recs if r["line"] in want["traps"] and r["severity"] != "info")
    assert found / total >= 0.9 and flags <= 3, (found, total, flags)


def test_chance_literals_in_a_long_payload_do_not_crowd_out_the_message():
    import io

    from launchdeck.app.hints import get_engine
    from launchdeck.app.hints.stream import scan_stream

    noise = b"ab1006cd" * 40_000  # a literal of a websocket rule, over and over, matching nothing
    data = b"{\"payload\":\"" + noise + b" Error: Cannot find module 'express'\"}\n"
    res = scan_stream(get_engine(), io.BytesIO(data), segment=64 * 1024, long_line=100_000)
    assert [(h.line, h.hint.id) for h in res.hits] == [(1, "node-cannot-find-module")]


def test_table_summary_counts_hinted_lines_and_all_lines(capsys, tmp_path):
    log = tmp_path / "a.log"
    log.write_text("starting\n" * 40 + "exec /usr/local/bin/python: exec format error\n" + "ok\n" * 9)
    code, out, _ = run(capsys, "scan", str(log))
    assert code == 0
    assert "1 root cause(s) on 1 hinted line(s) in 50 lines." in out
