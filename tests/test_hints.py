"""The hint catalog and engine: examples, formats, multi-line rules, traps."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from launchdeck.app.hints import Hint, get_engine, load_hints
from launchdeck.app.hints.hint_catalog import load_rules
from launchdeck.app.hints.normalize import detect_format, normalize
from launchdeck.assets import HINTS_YAML

DATA = Path(__file__).parent / "data" / "logs"
EXPECTED = yaml.safe_load((DATA / "expected.yaml").read_text())


def _scan(name: str) -> list[str]:
    from launchdeck.app.commands.scan import read_log, scan_rows

    rows = scan_rows(read_log(str(DATA / name)))
    return [f"{r['line']} {r['hint']}" + (f" x{r['count']}" if r["count"] > 1 else "") for r in rows]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_logs_give_exactly_the_expected_hints(name):
    assert _scan(name) == EXPECTED[name]


def test_catalog_entries_are_complete():
    hints = load_hints()
    assert len(hints) >= 90
    ids = [h.id for h in hints]
    assert len(ids) == len(set(ids))
    for h in hints:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", h.id), h.id
        assert h.severity in ("error", "warning", "info")
        assert h.title and h.meaning and h.fix
        assert h.docs.startswith("https://"), h.id


def test_every_rule_is_reachable_through_the_prefilter():
    engine = get_engine()
    assert engine.always == []  # no rule runs on every line


def _context_free(rule) -> bool:
    return not rule.context


@pytest.mark.parametrize("rule", [r for r in load_rules() if _context_free(r)], ids=lambda r: r.hint.id)
def test_every_example_line_gives_its_own_hint(rule):
    engine = get_engine()
    for line in rule.examples:
        hint = engine.match_line(line)
        assert hint is not None and hint.id == rule.hint.id, (line, hint and hint.id)


def test_context_rules_need_their_context():
    engine = get_engine()
    probe = 'Default STARTUP TCP probe failed 1 time consecutively for container "worker-1" on port 8080.'
    assert engine.match_line(probe).id == "cr-startup-probe-failed"
    with_banner = ["[2025-10-15 10:23:41,220: INFO/MainProcess] celery@localhost ready.", "x", probe]
    hits = engine.scan(with_banner)
    assert [(h.line, h.hint.id) for h in hits] == [(3, "cr-worker-deployed-as-service")]
    slow = 'STARTUP TCP probe succeeded after 38 attempts for container "api-1" on port 8080.'
    assert engine.scan([slow]) == []
    assert [h.hint.id for h in engine.scan(["Starting new instance. Reason: AUTOSCALING - x", slow])] == [
        "cr-cold-start-slow"]


@pytest.mark.parametrize("line", [
    'Default STARTUP TCP probe succeeded after 1 attempt for container "api-1" on port 8080.',
    "Ready condition status changed to True for Revision api-00012-xat.",
    "migrate-1 exited with code 0",
    "worker-1 exited with code 1",
    "    Restart Count:  0",
    "    Liveness:   http-get http://:8000/healthz delay=10s timeout=1s period=10s #success=1 #failure=3",
    "  role: roles/secretmanager.secretAccessor",
    "   - Local:        http://localhost:3000",
    'INFO:     172.18.0.1:51240 - "POST /api/avatar HTTP/1.1" 413 Request Entity Too Large',
    'The log said "exec format error" is not something we have seen since the rebuild.',
    "2025-10-15 10:23:44,101 WARNING app.config: SENTRY_DSN not set, error reporting disabled",
    "HF_TOKEN not set, downloads will be anonymous",
    "Celery CPendingDeprecationWarning: The broker_connection_retry configuration setting will no longer determine",
    "Warning: The `set-output` command is deprecated and will be disabled soon.",
    "      Reason:       Completed",
    "      Exit Code:    0",
    '{"httpRequest":{"requestUrl":"https://ws.example.com/ws","status":101,"latency":"12.0s"},"severity":"INFO"}',
    '{"httpRequest":{"requestUrl":"https://a.example.com/avatar","requestSize":"2101233","status":413}}',
])
def test_benign_look_alikes_are_not_flagged(line):
    engine = get_engine()
    hint = engine.match_line(line)
    assert hint is None or hint.severity == "info", hint
    assert [h for h in engine.scan([line]) if h.hint.severity != "info"] == []


def test_harmless_lines_are_explained_as_info():
    hint = get_engine().match_line("WARN[0000] /x/docker-compose.yml: the attribute `version` is obsolete, it will be ignored")
    assert isinstance(hint, Hint) and hint.id == "compose-version-obsolete" and hint.severity == "info"


@pytest.mark.parametrize("raw", [
    "\x1b[36mbackend-1  |\x1b[0m Memory limit of 512 MiB exceeded with 513 MiB used.",
    "backend-1  | 2025-10-15T10:23:40.118532123Z Memory limit of 512 MiB exceeded with 513 MiB used.",
    "[pod/api-7d9c6b5f4-x2k8p/api] 2025-10-15T10:23:40.118532Z Memory limit of 512 MiB exceeded with 513 MiB used.",
    "2025-10-15T10:20:05.0012345Z Memory limit of 512 MiB exceeded with 513 MiB used.",
    "2025-10-15T10:24:05.118301Z  ERROR     Memory limit of 512 MiB exceeded with 513 MiB used.",
    "#9 41.35 Memory limit of 512 MiB exceeded with 513 MiB used.",
    '{"textPayload":"Memory limit of 512 MiB exceeded with 513 MiB used.","severity":"ERROR"}',
    '{"jsonPayload":{"msg":"Memory limit of 512 MiB exceeded with 513 MiB used."}}',
    '{"jsonPayload":{"err":{"message":"boom","stack":"x\\nMemory limit of 512 MiB exceeded with 513 MiB used."}}}',
])
def test_prefixes_and_payloads(raw):
    assert normalize(raw).startswith("Memory limit") or raw.startswith("{")
    assert get_engine().match_line(raw).id == "cr-memory-limit-exceeded"


def test_proto_payload_status_message():
    line = json.dumps({"protoPayload": {"status": {"code": 3, "message":
                       "Execution migrate-x7k2p has failed to complete, 0/1 tasks were a success."}}})
    assert get_engine().match_line(line).id == "crj-task-exited-with-error"


def test_chained_traceback_counts_once_on_the_last_line():
    lines = [
        "Traceback (most recent call last):",
        '  File "/x.py", line 1, in f',
        "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 5432)",
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
        '  File "/y.py", line 2, in g',
        "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 5432)",
        "INFO done",
    ]
    hits = get_engine().scan(lines)
    assert [(h.line, h.hint.id, h.count) for h in hits] == [(9, "db-dial-localhost-fallback", 1)]


def test_two_separate_tracebacks_with_different_modules_are_two_hints():
    lines = []
    for mod in ("torch", "soundfile"):
        lines += ["Traceback (most recent call last):", '  File "/w.py", line 1, in <module>',
                  f"    import {mod}", f"ModuleNotFoundError: No module named '{mod}'", "INFO retrying"]
    hits = get_engine().scan(lines)
    assert [(h.line, h.hint.id) for h in hits] == [(4, "py-module-not-found"), (9, "py-module-not-found")]


def test_stack_frame_paths_are_not_errors():
    lines = ["Traceback (most recent call last):",
             '  File "/usr/lib/python3/site-packages/redis/exceptions/timeout.py", line 3, in x',
             "ValueError: bad input"]
    assert get_engine().scan(lines) == []


def test_repeats_fold_with_a_count():
    line = "[CRITICAL] WORKER TIMEOUT (pid:{})"
    lines = []
    for i in range(5):
        lines += [f"[2025-10-15 10:4{i}:12 +0000] [1] " + line.format(8 + i)] + ["INFO ok"] * 20
    hits = get_engine().scan(lines)
    assert [(h.line, h.hint.id, h.count) for h in hits] == [(1, "gunicorn-worker-timeout", 5)]


def test_umbrella_gives_way_to_specific_cause():
    lines = ["ModuleNotFoundError: No module named 'torch'", "Container called exit(1)."]
    assert [h.hint.id for h in get_engine().scan(lines)] == ["py-module-not-found"]
    assert [h.hint.id for h in get_engine().scan(["Container called exit(1)."])] == ["cr-container-exited"]


@pytest.mark.parametrize("name,fmt", [
    ("compose-selfhost.log", "compose"), ("kubectl-prefix.log", "kubectl"),
    ("gcloud-table-newest-first.log", "gcloud"), ("logentries.jsonl", "jsonl"),
    ("gcloud-read.json", "json-array"), ("github-actions.log", "github-actions"),
    ("buildkit.log", "buildkit"), ("cloudrun-plain.log", "plain"), ("gcloud-yaml.log", "gcloud-yaml"),
])
def test_format_detection(name, fmt):
    lines = (DATA / name).read_text().splitlines()
    assert detect_format(lines[:200]) == fmt


def test_declared_literals_are_sound_for_every_catalog_example():
    """A regex hit on an example line always contains one of the rule's declared literals, so
    the prefilter cannot hide it (the catalog declares literals instead of us parsing regexes)."""
    for rule in load_rules():
        keys = set(rule.literals) | {s.lower() for s in rule.substrings}
        for rx in rule.regexes + rule.weak:
            assert rule.literals, (rule.hint.id, "regexes need declared literals")
            for ex in rule.examples:
                if rx.search(ex):
                    assert any(k in ex.lower() for k in keys), (rule.hint.id, rx.pattern)


def test_declared_literals_are_lowercase_and_long_enough():
    for rule in load_rules():
        for lit in rule.literals:
            assert lit == lit.lower() and len(lit) >= 4, (rule.hint.id, lit)


def test_seen_in_entries_are_addresses():
    """Evidence for a hint's text is a public address: an https URL or owner/repo:path of the code that prints it."""
    raw = yaml.safe_load((Path(__file__).parents[1] / "assets" / "hints.yaml").read_text())["hints"]
    for h in raw:
        seen = h.get("seen_in")
        if seen is None:
            continue
        assert isinstance(seen, list) and seen, h["id"]
        for s in seen:
            assert isinstance(s, str) and (
                re.fullmatch(r"https://\S+", s) or re.fullmatch(r"[\w.-]+/[\w.-]+:\S+", s)
            ), (h["id"], s)


def test_fast_and_portable_prefilters_agree():
    """The optional ahocorasick_rs pass and the pyahocorasick-only pass find the same candidates."""
    from launchdeck.app.hints.engine import Engine

    slow = Engine(load_rules())
    slow._fast = None
    fast = get_engine()
    lines = []
    for name in sorted(EXPECTED):
        lines += (DATA / name).read_text().splitlines()
    lines += ["plain noise line"] * 50 + ["caf\u00e9 \u25b2 Memory limit of 512 MiB exceeded with 513 MiB used."]
    assert slow._prefilter(lines) == fast._prefilter(lines)
    assert [(h.line, h.hint.id) for h in slow.scan(lines)] == [(h.line, h.hint.id) for h in fast.scan(lines)]


def test_demo_log_has_its_known_errors():
    from launchdeck.app.commands.scan import read_log, scan_rows

    demo = Path(__file__).parent.parent / "assets" / "demo.log"
    ids = [r["hint"] for r in scan_rows(read_log(str(demo)))]
    assert len(ids) >= 10 and len(set(ids)) == len(ids)
    assert {"py-module-not-found", "db-dial-localhost-fallback", "cr-request-too-large-413",
            "compose-port-already-allocated"} <= set(ids)


def test_readme_table_lists_every_id_once(tmp_path):
    import importlib.util
    import shutil

    spec = importlib.util.spec_from_file_location(
        "readme_errors", Path(__file__).parent.parent / "scripts" / "readme_errors.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    (tmp_path / "assets").mkdir()
    shutil.copy(Path(__file__).parent.parent / "assets" / "hints.yaml", tmp_path / "assets" / "hints.yaml")
    (tmp_path / "assets" / "preflight.yaml").write_text(
        "findings:\n- {id: py-module-not-found, severity: error, title: t, message: m, fix: f}\n"
        "- {id: cr-timeout-too-short, severity: warning, title: Short timeout, message: m, fix: 'Raise {service} timeout'}\n")
    table = mod.table(tmp_path)
    ids = [line.split("`")[1] for line in table.splitlines()[2:]]
    assert len(ids) == len(set(ids)) == len(load_hints()) + 1
    row = next(line for line in table.splitlines() if "`py-module-not-found`" in line)
    assert "logs + preflight" in row
    assert "Raise SERVICE timeout" in table


_NOISE = ['INFO:     169.254.1.1:40112 - "GET /api/health HTTP/1.1" 200 OK',
          "[2025-10-15 10:23:41,220: INFO/MainProcess] Task app.tasks.ping[1b2c] succeeded in 0.01s",
          'Default STARTUP TCP probe succeeded after 1 attempt for container "api-1" on port 8080.',
          "migrate-1 exited with code 0", "2025-10-15 10:23:44,101 INFO app: ready"]


def _wrap(kind: str, i: int, text: str) -> str:
    ts = f"2025-10-15T10:{i // 60 % 60:02d}:{i % 60:02d}.{i:06d}Z"
    return {
        "plain": text, "compose": f"api-1  | {ts} {text}", "kubectl": f"[pod/api-1/api] {ts} {text}",
        "github-actions": f"2025-10-15T10:00:{i % 60:02d}.{i:07d}Z {text}", "gcloud": f"{ts}  ERROR     {text}",
        "value": f"{ts}\t{text}", "jsonl": json.dumps({"textPayload": text, "timestamp": ts}),
        "json-message": json.dumps({"jsonPayload": {"message": text}, "timestamp": ts}),
        "buildkit": f"#12 {i}.{i % 100:02d} {text}",
    }[kind]


@pytest.mark.parametrize("kind", ["plain", "compose", "kubectl", "github-actions", "gcloud", "value", "jsonl",
                                  "json-message", "buildkit"])
def test_every_example_in_every_format_on_its_line(kind):
    """Each catalog example, dressed in a format's prefixes between noise, is found on its own line."""
    import random

    rnd = random.Random(kind)
    engine = get_engine()
    misses = []
    for rule in load_rules():
        if rule.context or rule.hint.severity == "info":
            continue
        for ex in rule.examples:
            if ex.startswith("{") and kind != "plain":
                continue
            lines = [_wrap(kind, i, rnd.choice(_NOISE)) for i in range(8)] + [_wrap(kind, 8, ex)]
            lines += [_wrap(kind, 9 + i, rnd.choice(_NOISE)) for i in range(8)]
            got = [(h.line, h.hint.id) for h in engine.scan(lines) if h.hint.severity != "info"]
            if got != [(9, rule.hint.id)]:
                misses.append((rule.hint.id, got))
    assert misses == []


def test_newest_first_without_timestamps_keeps_the_newest_exception():
    forward = [
        "Traceback (most recent call last):",
        '  File "/x.py", line 1, in f',
        "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 5432)",
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "Traceback (most recent call last):",
        '  File "/y.py", line 2, in g',
        'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "localhost" '
        "(127.0.0.1), port 5432 failed: Connection refused",
    ]
    backward = ["INFO shutting down"] + forward[::-1] + ["INFO booting"]
    hits = get_engine().scan(backward)
    assert [(h.line, h.hint.id) for h in hits] == [(2, "db-dial-localhost-fallback")]


def test_different_things_on_neighbouring_lines_stay_apart():
    engine = get_engine()
    lines = ["ModuleNotFoundError: No module named 'torch'", "ModuleNotFoundError: No module named 'soundfile'"]
    assert [h.line for h in engine.scan(lines)] == [1, 2]
    lines = ["worker-1 exited with code 137", "stems-1 exited with code 137"]
    assert [h.line for h in engine.scan(lines)] == [1, 2]
    lines = ["backend-1  | Memory limit of 512 MiB exceeded with 513 MiB used.",
             "worker-1   | Memory limit of 512 MiB exceeded with 513 MiB used."]
    assert [(h.line, h.count) for h in engine.scan(lines)] == [(1, 1), (2, 1)]


@pytest.mark.parametrize("rule", [r for r in load_rules() if r.traps], ids=lambda r: r.hint.id)
def test_trap_lines_do_not_give_the_hint(rule):
    engine = get_engine()
    for line in rule.traps:
        assert rule.hint.id not in [h.hint.id for h in engine.scan([line])], line
        hint = engine.match_line(line)
        assert hint is None or hint.id != rule.hint.id, line


def test_specific_wins_and_the_generic_is_kept_as_also():
    line = ("[2023-06-12 12:00:58,796: ERROR/MainProcess] consumer: Cannot connect to redis://10.128.0.5:6379/0: "
            "Error 110 connecting to 10.128.0.5:6379. Connection timed out..")
    [hit] = get_engine().scan([line])
    assert hit.hint.id == "memorystore-private-ip-no-egress"
    assert "celery-broker-connection-error" in hit.also
    public = line.replace("10.128.0.5", "redis")
    assert get_engine().scan([public])[0].hint.id == "celery-broker-connection-error"


def test_every_hinted_line_is_accounted_for():
    """Repeats point at their first line; a symptom names its root cause."""
    lines = (DATA / "compose-selfhost.log").read_text().splitlines()
    [celery] = [h for h in get_engine().scan(lines) if h.hint.id == "celery-broker-connection-error"]
    recs = celery.records()
    assert recs[0]["line"] == 30 and recs[0]["count"] == 3 and recs[0]["lines"] == [30, 32, 34]
    assert [(r["line"], r["first"]) for r in recs[1:]] == [(32, 30), (34, 30)]
    crash = [
        "NAME                    READY   STATUS             RESTARTS   AGE",
        "api-7d9c6b5f4-x2k8p     0/1     CrashLoopBackOff   5          3m",
        "    Last State:     Terminated",
        "      Reason:       OOMKilled",
        "      Exit Code:    137",
    ]
    hits = get_engine().scan(crash)
    [root] = [h for h in hits if h.hint.id == "k8s-oomkilled"]
    assert [(s.line, s.hint.id) for s in root.symptoms] == [(2, "k8s-crashloopbackoff")]
    sym = [r for r in root.records() if "explained_by" in r]
    assert sym == [{**sym[0], "line": 2, "explained_by": {"line": root.line, "hint": "k8s-oomkilled"}}]


def test_catalog_cache_gives_the_same_rules_and_survives_a_bad_file(tmp_path, monkeypatch):
    from launchdeck.app.hints import hint_catalog

    monkeypatch.setenv("LAUNCHDECK_CACHE_DIR", str(tmp_path))
    fresh = [(r.hint, r.literals, [x.pattern for x in r.regexes]) for r in hint_catalog.load_rules()]
    [cached_file] = tmp_path.glob("hints-*.marshal")
    again = [(r.hint, r.literals, [x.pattern for x in r.regexes]) for r in hint_catalog.load_rules()]
    assert again == fresh
    cached_file.write_bytes(b"\x00garbage")
    assert [r.hint.id for r in hint_catalog.load_rules()] == [h.id for h, _l, _p in fresh]


def test_every_hint_has_a_trap_line():
    """Each hint carries at least one look-alike line (tested above) that must not give it."""
    doc = yaml.safe_load(Path(HINTS_YAML).read_text())
    assert [e["id"] for e in doc["hints"] if not e.get("traps")] == []
