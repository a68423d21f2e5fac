"""Fuzzing the loaders and the CLI with plan and compose documents: valid, nearly valid and hostile.

Documents are built as data, written as block YAML, and then (for most examples) damaged at the
text level the way real files and attackers damage them: a value swapped for NaN, infinity, a
5000-digit number or odd unicode; a duplicate key; tabs; a BOM; NUL bytes; CRLF; truncation; deep
nesting; an alias bomb; wrong types. Each goes through the real CLI in this process and must keep
the contract: exit 0, 1 or 2; on 2 one short message naming the file, never a traceback; on 0
JSON without NaN or Infinity. Hypothesis' deadline bounds each example's time, so an expansion or a
hang shows up as a failure. `--hypothesis-show-statistics` prints the count of each kind of probe.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from launchdeck.app.cli import main

SETTINGS = settings(max_examples=40, deadline=10_000, suppress_health_check=list(HealthCheck))

# --- valid documents --------------------------------------------------------------------------

_NAMES = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)
_CPU_MEM = st.sampled_from([(1, "512Mi"), (1, "2Gi"), (2, "4Gi"), ("1000m", "1Gi"), (4, "8Gi")])
_RANGE = st.tuples(st.integers(0, 1000), st.integers(0, 1000)).map(sorted)


@st.composite
def plan_service(draw: st.DrawFn) -> dict:
    role = draw(st.sampled_from(["web", "websocket", "worker", "job"]))
    cpu, memory = draw(_CPU_MEM)
    svc: dict = {"role": role, "cpu": cpu, "memory": memory}
    svc["image" if draw(st.booleans()) else "build"] = draw(st.sampled_from(["nginx:1.27", "./api", "me/app:2"]))
    if role in ("web", "websocket"):
        svc["port"] = draw(st.integers(1, 65535))
    if draw(st.booleans()):
        svc["env"] = draw(st.dictionaries(st.from_regex(r"[A-Z][A-Z0-9_]{0,8}", fullmatch=True),
                                          st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
                                                  max_size=12), max_size=3))
    if draw(st.booleans()):
        svc["usage"] = {"requests_per_month": list(draw(_RANGE)), "egress_gb": draw(st.integers(0, 50))}
    svc["max_instances"] = draw(st.integers(1, 100))
    return svc


@st.composite
def plan_doc(draw: st.DrawFn) -> dict:
    doc: dict = {"name": draw(_NAMES), "region": draw(st.sampled_from(["us-central1", "europe-west1", "asia-south1"])),
                 "target": draw(st.sampled_from(["cloud-run", "cloud-run-jobs", "gke-autopilot", "compose"])),
                 "services": draw(st.dictionaries(_NAMES, plan_service(), min_size=1, max_size=3))}
    if draw(st.booleans()):
        doc["postgres"] = {"tier": "db-g1-small", "storage_gb": draw(st.integers(1, 500))}
    if draw(st.booleans()):
        doc["redis"] = {"size_gb": draw(st.integers(1, 10))}
    return doc


@st.composite
def compose_doc(draw: st.DrawFn) -> dict:
    services: dict = {}
    for name in draw(st.lists(st.sampled_from(["web", "api", "worker", "db", "cache", "minio", "beat", "proxy"]),
                              min_size=1, max_size=5, unique=True)):
        svc: dict = {}
        if name == "db":
            svc["image"] = "postgres:16"
        elif name == "cache":
            svc["image"] = "redis:7"
        elif name == "minio":
            svc["image"] = "minio/minio"
        else:
            svc["build"] = "."
        if name in ("web", "api", "proxy"):
            svc["ports"] = [f"{draw(st.integers(1, 65535))}:{draw(st.integers(1, 65535))}"]
        if name in ("worker", "beat"):
            svc["command"] = f"celery -A app {name}"
        if draw(st.booleans()):
            svc["environment"] = {"LOG_LEVEL": "info", "WORKERS": draw(st.integers(1, 8))}
        if draw(st.booleans()):
            svc["deploy"] = {"resources": {"limits": {"cpus": str(draw(st.sampled_from([0.5, 1, 2]))),
                                                      "memory": draw(st.sampled_from(["256m", "1g", "2G"]))}}}
        services[name] = svc
    return {"services": services}


def as_yaml(doc: dict) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


# --- damage -------------------------------------------------------------------------------------

HOSTILE_VALUES = [
    ".nan", ".inf", "-.inf", ".NaN", "1e999", "-1e999", "9" * 5000, "1" + "0" * 400, "0x" + "f" * 300,
    "[]", "{}", "~", "''", "!!binary aGVsbG8=", "*nowhere", "&x [*x]", "-1", "1e308", "99999999999Ti",
    "\"\\u202eevil\\u200b\"", "\"\\u0000\"", "\"\u00e9\u0301\U0001f680\"", "true", "[1, [2, [3]]]", "{a: {b: {c: d}}}",
    "!!python/object/apply:os.system ['true']", "!!str", "|\n  multi\n  line", "\"" + "x" * 70_000 + "\"",
]


def _value_lines(text: str) -> list[int]:
    return [i for i, ln in enumerate(text.splitlines()) if ":" in ln and not ln.rstrip().endswith(":")]


@st.composite
def damaged(draw: st.DrawFn, base: st.SearchStrategy[dict]) -> tuple[str, bytes]:
    """(kind, file bytes): a document from `base`, damaged one way (or not at all)."""
    text = as_yaml(draw(base))
    kind = draw(st.sampled_from([
        "valid", "value", "value", "value", "duplicate-key", "tab-indent", "bom", "nul-byte", "crlf", "truncated",
        "deep-nesting", "alias-bomb", "wrong-type", "odd-unicode-key", "binary-garbage", "empty", "top-level-list",
    ]))
    lines = text.splitlines()
    spots = _value_lines(text)
    if kind == "value" and spots:
        i = draw(st.sampled_from(spots))
        key = lines[i].split(":", 1)[0]
        lines[i] = f"{key}: {draw(st.sampled_from(HOSTILE_VALUES))}"
        kind = "hostile-value"
    elif kind == "duplicate-key" and spots:
        i = draw(st.sampled_from(spots))
        lines.insert(i + 1, lines[i])
    elif kind == "tab-indent":
        lines = [ln.replace("  ", "\t", 1) if ln.startswith("  ") and draw(st.booleans()) else ln for ln in lines]
    elif kind == "truncated":
        cut = draw(st.integers(0, len(text)))
        return kind, text[:cut].encode()
    elif kind == "deep-nesting":
        depth = draw(st.sampled_from([60, 150, 2000, 20000]))
        lines.append("x-deep: " + "[" * depth + "]" * depth)
    elif kind == "alias-bomb":
        names = "abcdefghij"
        bomb = ["x-bomb:", "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        bomb += [f"  {n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip(names, names[1:], strict=False)]
        lines = bomb + lines
    elif kind == "wrong-type" and spots:
        i = draw(st.sampled_from(spots))
        key = lines[i].split(":", 1)[0]
        lines[i] = f"{key}: " + draw(st.sampled_from(["[a, b]", "{k: v}", "yes", "null", "12", "'text'"]))
    elif kind == "odd-unicode-key" and spots:
        i = draw(st.sampled_from(spots))
        key, _, value = lines[i].partition(":")
        lines[i] = f"{key}\u200b\u202e:{value}"
    elif kind == "empty":
        return kind, draw(st.sampled_from([b"", b"\n", b"# only a comment\n", b"---\n", b"...\n"]))
    elif kind == "top-level-list":
        return kind, b"- " + text.replace("\n", "\n  ").encode()
    elif kind == "binary-garbage":
        return kind, draw(st.binary(min_size=1, max_size=200))
    out = "\n".join(lines) + "\n"
    if kind == "crlf":
        out = out.replace("\n", "\r\n")
    data = out.encode()
    if kind == "bom":
        data = b"\xef\xbb\xbf" + data
    elif kind == "nul-byte":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\x00" + data[at:]
    return ("valid" if kind in ("value", "duplicate-key", "wrong-type", "odd-unicode-key") and not spots else kind), data


# --- the contract -------------------------------------------------------------------------------


def _no_non_finite(text: str) -> None:
    def refuse(name: str) -> None:
        raise AssertionError(f"JSON output contains {name}")

    json.loads(text, parse_constant=refuse)


def check_contract(code: int, out: str, err: str, path: Path) -> None:
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in out + err
    if code == 2:
        assert err.strip(), "exit 2 without a message"
        first = err.splitlines()[0]
        assert first.startswith((str(path), "launchdeck:")), first
        assert len(err.splitlines()) <= 40
        assert len(first) < 2000, "a message that repeats the hostile value"


@pytest.fixture
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@SETTINGS
@given(damaged(plan_doc()))
def test_fuzzed_plans_keep_the_contract(workdir: Path, capsys: pytest.CaptureFixture[str],
                                        probe: tuple[str, bytes]) -> None:
    kind, data = probe
    event(f"plan: {kind}")
    path = workdir / "launchdeck.yaml"
    path.write_bytes(data)
    code = main(["estimate", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    check_contract(code, out, err, path)
    if code == 0:
        _no_non_finite(out)
    if kind == "valid":
        assert code == 0, err
    if kind in ("alias-bomb", "nul-byte", "binary-garbage", "empty", "top-level-list"):
        assert code == 2


@SETTINGS
@given(damaged(compose_doc()))
def test_fuzzed_compose_files_keep_the_contract(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                probe: tuple[str, bytes]) -> None:
    kind, data = probe
    event(f"compose: {kind}")
    path = workdir / "docker-compose.yml"
    path.write_bytes(data)
    out_plan = workdir / "imported.yaml"
    out_plan.unlink(missing_ok=True)
    code = main(["import", str(path), "-o", str(out_plan), "--format", "json"])
    out, err = capsys.readouterr()
    check_contract(code, out, err, path)
    if code == 2:
        assert not out_plan.exists(), "a refused import still wrote a plan"
    if kind == "valid":
        assert code == 0, err
    if code == 0:
        # What the importer wrote is itself a plan the loader accepts, with finite numbers only.
        code2 = main(["estimate", str(out_plan), "--format", "json"])
        out2, err2 = capsys.readouterr()
        assert code2 == 0, err2
        _no_non_finite(out2)


@settings(max_examples=15, deadline=20_000, suppress_health_check=list(HealthCheck))
@given(damaged(plan_doc()))
def test_fuzzed_plans_through_doctor_and_generate(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                  probe: tuple[str, bytes]) -> None:
    kind, data = probe
    event(f"generate: {kind}")
    path = workdir / "launchdeck.yaml"
    path.write_bytes(data)
    code = main(["doctor", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    check_contract(code, out, err, path)
    out_dir = workdir / f"out-{abs(hash(data))}"
    code = main(["generate", str(path), "--out", str(out_dir), "--dry-run"])
    out, err = capsys.readouterr()
    check_contract(code, out, err, path)
    assert not out_dir.exists() or not any(out_dir.iterdir()), "--dry-run wrote files"


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(damaged(compose_doc()), st.sampled_from(["estimate", "doctor", "import"]))
def test_fuzzed_files_in_a_fresh_process(workdir: Path, probe: tuple[str, bytes], command: str) -> None:
    """The same contract from the installed entry point, in a separate process with a time limit."""
    kind, data = probe
    event(f"subprocess: {kind}")
    path = workdir / "docker-compose.yml"
    path.write_bytes(data)
    argv = [sys.executable, "-c", "import sys; from launchdeck.app.entry import main; sys.exit(main())", command,
            str(path)]
    if command == "import":
        argv += ["-o", str(workdir / "p.yaml"), "--force"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=workdir)
    check_contract(proc.returncode, proc.stdout, proc.stderr, path)
