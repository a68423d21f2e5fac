"""Hostile input, case by case: alias bombs, absurd numbers, files that are no files, unbounded reads.

Each case runs the real loader or the CLI in this process and checks the contract: exit 2, the
file and line named, the key named where there is one, and no expansion or read of the whole
hostile thing (a regression here shows as a hang or MemoryError, not as a slow pass).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from launchdeck.app.cli import main
from launchdeck.app.logsources.base import SourceError, parse_since
from launchdeck.app.logsources.files import CUT_MARK, LineSplitter
from launchdeck.app.planerrors import PlanFileError
from launchdeck.app.planfile import load_plan, parse_yaml
from launchdeck.app.safeio import UnreadableFile, read_bounded
from launchdeck.app.units import UnitError, parse_cpu, parse_memory_mib
from launchdeck.app.yamlbounds import YamlLimitError, check_expansion

PLAN_HEAD = "name: app\nregion: us-central1\nservices:\n  web:\n    image: nginx:1\n    port: 8080\n"


def alias_bomb(levels: int = 9, fan: int = 9, indent: str = "") -> str:
    """The classic 'billion laughs': each anchor lists `fan` aliases of the one before."""
    names = "abcdefghijklmnop"
    out = [f'{indent}a: &a [{",".join(["lol"] * fan)}]']
    for prev, name in zip(names, names[1:levels], strict=False):
        out.append(f"{indent}{name}: &{name} [{','.join(['*' + prev] * fan)}]")
    return "\n".join(out) + "\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# --- YAML expansion ---------------------------------------------------------------------------


def test_alias_bomb_in_a_plan_is_refused_with_its_line(tmp_path: Path, capsys) -> None:
    bomb = alias_bomb(indent="  ")
    assert len(bomb) < 500
    plan = tmp_path / "launchdeck.yaml"
    plan.write_text("x-bomb:\n" + bomb + PLAN_HEAD + "    env:\n      A: *i\n")
    code, _, err = run(capsys, "estimate", str(plan))
    assert code == 2
    assert f"{plan}:7: x-bomb.f:" in err and "alias" in err  # 9**6 > 200k: anchor f
    assert len(err.splitlines()) == 1


def test_alias_bomb_in_a_compose_file_is_refused(tmp_path: Path, capsys) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("x-bomb:\n" + alias_bomb(indent="  ")
                       + "services:\n  api:\n    image: me/api:1\n    environment:\n      A: *i\n")
    code, _, err = run(capsys, "import", str(compose), "-o", str(tmp_path / "plan.yaml"))
    assert code == 2 and "alias" in err and f"{compose}:" in err
    assert not (tmp_path / "plan.yaml").exists()


def test_shared_anchors_below_the_bound_still_load() -> None:
    # Compose files reuse blocks through anchors and merge keys all the time.
    text = ("x-env: &env {A: '1', B: '2'}\nservices:\n" +
            "".join(f"  s{i}:\n    image: x\n    environment: *env\n    <<: {{labels: *env}}\n" for i in range(50)))
    doc = parse_yaml(text, "c.yml")
    assert doc["services"]["s49"]["environment"]["B"] == "2"


def test_expansion_check_counts_each_anchor_once_and_stops_at_the_bound() -> None:
    from ruamel.yaml import YAML

    node = YAML(typ="rt").compose(alias_bomb(levels=5, fan=10))
    check_expansion(node, max_nodes=200_000)  # 10**5 leaves: fine
    with pytest.raises(YamlLimitError) as exc:
        check_expansion(node, max_nodes=50_000)
    assert exc.value.line == 5  # the anchor whose aliases pass the bound


def test_deep_nesting_is_refused_with_a_line() -> None:
    with pytest.raises(PlanFileError) as exc:
        parse_yaml("a: " + "[" * 150 + "]" * 150 + "\n", "deep.yaml")
    assert "deep" in str(exc.value)
    with pytest.raises(PlanFileError):  # past the parser's own recursion: still one clean error
        parse_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n", "deeper.yaml")


def test_a_5000_digit_integer_names_its_key(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(PLAN_HEAD + "    usage:\n      requests_per_month: " + "9" * 5000 + "\n")
    code, _, err = run(capsys, "estimate", str(plan))
    assert code == 2
    assert f"{plan}:8: services.web.usage.requests_per_month:" in err and "5,000 digits" in err
    assert "9" * 100 not in err


# --- Numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "key"), [
    ("    cpu: .nan", "services.web.cpu"),
    ("    cpu: .inf", "services.web.cpu"),
    ("    memory: 1e400", "services.web.memory"),
    ("    usage: {requests_per_month: .nan}", "services.web.usage.requests_per_month"),
    ("    usage: {egress_gb: [0, .inf]}", "services.web.usage.egress_gb"),
    ("    usage: {seconds_per_request: 1e300}", "services.web.usage.seconds_per_request"),
    ("    max_instances: 99999999999999999999", "services.web.max_instances"),
    ("    memory: 99999999999999Ti", "services.web.memory"),
])
def test_non_finite_and_absurd_numbers_name_the_key(tmp_path: Path, capsys, line: str, key: str) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(PLAN_HEAD + line + "\n")
    code, out, err = run(capsys, "estimate", str(plan), "--format", "json")
    assert code == 2 and out == ""
    assert f"{plan}:7: {key}:" in err, err


def test_plan_level_numbers_are_bounded_too(tmp_path: Path) -> None:
    plan = tmp_path / "p.yaml"
    for extra in ("postgres: {storage_gb: .nan}", "selfhost: {watts: .inf}", "buckets: {media: {class_a_ops: 1e300}}",
                  "network: {egress_gb: [-1, 5]}", "selfhost: {uid: -5}"):
        plan.write_text(PLAN_HEAD + extra + "\n")
        with pytest.raises(PlanFileError) as exc:
            load_plan(plan)
        assert str(exc.value).startswith(f"{plan}:7: "), extra


def test_units_refuse_non_finite_and_huge() -> None:
    for bad in (float("nan"), float("inf"), "nan", "infm", "1e999", 10**400, "9" * 5000):
        with pytest.raises(UnitError):
            parse_cpu(bad)
    for bad in (float("nan"), "99999999999999Ti", 10**400, "1" * 5000 + "Mi"):
        with pytest.raises(UnitError):
            parse_memory_mib(bad)
    assert parse_cpu("250m") == 0.25 and parse_memory_mib("2Gi") == 2048


def test_nan_cpu_never_reaches_generated_compose(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(PLAN_HEAD.replace("region: us-central1", "region: us-central1\ntarget: compose")
                    + "    cpu: .nan\n")
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, "generate", str(plan), "--out", str(out_dir))
    assert code == 2 and "services.web.cpu" in err
    assert not any("nan" in p.read_text() for p in out_dir.rglob("*") if p.is_file())


def test_compose_resource_limits_must_be_finite(tmp_path: Path, capsys) -> None:
    compose = tmp_path / "compose.yml"
    compose.write_text("services:\n  api:\n    image: me/api:1\n    cpus: .nan\n"
                       "    deploy: {resources: {limits: {memory: .inf}}}\n")
    code, _, err = run(capsys, "import", str(compose), "-o", str(tmp_path / "plan.yaml"))
    assert code == 2
    assert f"{compose}:4: services.api.cpus:" in err
    assert "services.api.deploy.resources.limits.memory" in err


# --- Files that are not files ----------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


def test_a_fifo_plan_is_refused_without_waiting_for_a_writer(fifo: Path, capsys) -> None:
    code, _, err = run(capsys, "estimate", str(fifo))
    assert code == 2 and "named pipe" in err and str(fifo) in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_as_plan_compose_or_env_file(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "doctor", "/dev/zero")
    assert code == 2 and "character device" in err
    compose = tmp_path / "compose.yml"
    compose.write_text("services:\n  api:\n    image: me/api:1\n    env_file: /dev/zero\n")
    code, _, err = run(capsys, "import", str(compose), "-o", str(tmp_path / "plan.yaml"))
    assert code == 2
    assert f"{compose}:4: services.api.env_file: /dev/zero: is a character device" in err


def test_env_file_fifo_and_oversized(tmp_path: Path, fifo: Path, capsys) -> None:
    compose = tmp_path / "compose.yml"
    compose.write_text(f"services:\n  api:\n    image: me/api:1\n    env_file: [{fifo}]\n")
    code, _, err = run(capsys, "import", str(compose), "-o", str(tmp_path / "plan.yaml"))
    assert code == 2 and "named pipe" in err
    big = tmp_path / "big.env"
    big.write_bytes(b"A=" + b"x" * (2 * 1024 * 1024) + b"\n")
    compose.write_text("services:\n  api:\n    image: me/api:1\n    env_file: big.env\n")
    code, _, err = run(capsys, "import", str(compose), "-o", str(tmp_path / "plan.yaml"))
    assert code == 2 and "larger than" in err


def test_missing_env_file_stays_a_note(tmp_path: Path, capsys) -> None:
    compose = tmp_path / "compose.yml"
    compose.write_text("services:\n  api:\n    image: me/api:1\n    env_file: .env\n")
    code, out, _ = run(capsys, "import", str(compose), "-o", str(tmp_path / "plan.yaml"))
    assert code == 0 and ".env not found" in out


def test_oversized_plan_is_refused_before_parsing(tmp_path: Path) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text(PLAN_HEAD + "# " + "x" * (3 * 1024 * 1024) + "\n")
    with pytest.raises(PlanFileError) as exc:
        load_plan(plan)
    assert "larger than" in str(exc.value)


def test_read_bounded_reads_regular_files_only(tmp_path: Path, fifo: Path) -> None:
    (tmp_path / "f").write_bytes(b"abc")
    assert read_bounded(tmp_path / "f", 3) == b"abc"
    with pytest.raises(UnreadableFile, match="larger than"):
        read_bounded(tmp_path / "f", 2)
    with pytest.raises(UnreadableFile, match="named pipe"):
        read_bounded(fifo, 10)
    with pytest.raises(UnreadableFile, match="directory"):
        read_bounded(tmp_path, 10)
    with pytest.raises(UnreadableFile) as exc:
        read_bounded(tmp_path / "nope", 10)
    assert exc.value.missing


# --- Logs: durations, devices, long lines -------------------------------------------------------


@pytest.mark.parametrize("since", ["99999999999999d", "3651d", "1e9", "10y", "-5m", "9" * 5000])
def test_since_is_bounded(since: str) -> None:
    with pytest.raises(SourceError):
        parse_since(since)


def test_since_accepts_ordinary_windows() -> None:
    assert parse_since("90s").total_seconds() == 90
    assert parse_since("2w").days == 14
    assert parse_since("3650d").days == 3650


def test_since_error_is_exit_2(capsys) -> None:
    code, _, err = run(capsys, "logs", "--source", "file:/etc/hostname", "--since", "99999999999999d")
    assert code == 2 and "--since" in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_logs_refuse_devices_and_fifos(fifo: Path, capsys) -> None:
    for path in ("/dev/zero", str(fifo)):
        code, _, err = run(capsys, "logs", "--source", f"file:{path}", "--no-follow")
        assert code == 2 and "not a log file" in err


def test_line_splitter_cuts_a_line_without_end() -> None:
    lines = LineSplitter(max_line=10)
    out = list(lines.feed(b"short\n" + b"x" * 25))
    out += list(lines.feed(b"y" * 25 + b"\nnext\n"))
    out += list(lines.flush())
    assert out == ["short", "x" * 10 + CUT_MARK, "next"]


def test_logs_read_standard_input(monkeypatch, capsys) -> None:
    r, w = os.pipe()
    os.write(w, b"first line\nsecond password=hunter2 line\n")
    os.close(w)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(os.fdopen(r, "rb")))
    code, out, _ = run(capsys, "logs", "--source", "file:-", "--format", "jsonl")
    assert code == 0
    assert "first line" in out and "hunter2" not in out


@pytest.mark.parametrize(("name", "text", "key"), [
    ("docker-compose.yml", 'services:\n  web:\n    image: x\n    env_file: "a\\0b"\n', "services.web.env_file"),
    ("launchdeck.yaml", 'name: x\nservices:\n  web:\n    build: "./a\\0b"\n    port: 80\n', "services.web.build"),
])
def test_a_nul_character_in_a_value_is_refused_with_its_key(tmp_path: Path, capsys, name: str, text: str,
                                                             key: str) -> None:
    """Found by the fuzz suite: a NUL in a path reached os.path.realpath and ended in a traceback."""
    path = tmp_path / name
    path.write_text(text)
    command = ["import", str(path), "-o", str(tmp_path / "p.yaml")] if name.startswith("docker") \
        else ["estimate", str(path)]
    code, _, err = run(capsys, *command)
    assert code == 2
    assert f"{name}:4: {key}: a value holds a NUL character" in err


def test_a_huge_value_is_not_repeated_whole_in_its_error(tmp_path: Path, capsys) -> None:
    """Found by the fuzz suite: a 70,000-character name came back whole in the error line."""
    plan = tmp_path / "p.yaml"
    plan.write_text('name: "' + "x" * 70_000 + '"\nservices:\n  a:\n    build: .\n    port: 80\n')
    code, _, err = run(capsys, "estimate", str(plan))
    assert code == 2
    assert err.startswith(f"{plan}:1: name: ") and "characters left out" in err
    assert len(err) < 1000


@pytest.mark.parametrize("build", ["x" * 300, "ctx/" * 1100, {"context": ".", "dockerfile": "d" * 256}])
def test_a_build_path_no_filesystem_accepts_is_a_plan_error(build, tmp_path: Path, capsys) -> None:
    import yaml

    plan = tmp_path / "launchdeck.yaml"
    plan.write_text(yaml.safe_dump({"name": "p", "services": {"api": {"build": build, "port": 8080}}}))
    assert main(["doctor", str(plan)]) == 2
    err = capsys.readouterr().err
    assert "services.api.build" in err and "Traceback" not in err
