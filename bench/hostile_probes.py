"""Hostile-input probes against the installed `launchdeck`, one child process each, with a time limit.

    python bench/hostile_probes.py [--launchdeck PATH] [--quick] [--only KIND]

Each probe builds its input in a fresh directory, runs a command and passes when the exit code is
in the contract's set for it, nothing says "Traceback", it ended within its limit and its own
check holds (the key named, nothing written, the right cause). Kinds: yaml (alias bombs, nesting,
numbers), files (devices, FIFOs, sizes), logs, compose, signals (SIGINT at chosen moments) and
network (the fake servers of tests/fakes/, a closed port, no DNS with loadable credentials).
Prints one line per probe, totals per kind, and the slowest exits. --quick shortens the Google
call deadline to 3 s (the default is 20 s: the network probes then take minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.fakes

PLAN = "name: app\nregion: europe-west1\nproject: demo-project\nservices:\n  web:\n    image: nginx:1.27\n    port: 8080\n"
COMPOSE = "services:\n  api:\n    build: .\n    ports: ['8000:8000']\n"


def bomb(indent: str = "  ", levels: int = 9) -> str:
    names = "abcdefghij"
    out = [f"{indent}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    out += [f"{indent}{n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip(names, names[1:levels], strict=False)]
    return "\n".join(out) + "\n"


@dataclass
class Probe:
    name: str
    kind: str
    argv: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    codes: tuple[int, ...] = (2,)
    limit: float = 10.0
    env: dict[str, str] = field(default_factory=dict)
    check: Callable[[str, str, Path], str | None] | None = None  # returns a failure reason or None
    setup: Callable[[Path], None] | None = None
    sigint_after: float | None = None  # seconds, or wait for stdout when negative
    server: str | None = None  # fake_faults mode, or "closed"
    stdout: str | None = None  # "full" (/dev/full: every write fails with ENOSPC) or "closed" (fd 1 closed)


def says(*parts: str) -> Callable[[str, str, Path], str | None]:
    def check(out: str, err: str, d: Path) -> str | None:
        missing = [p for p in parts if p not in out + err]
        return f"missing {missing}" if missing else None
    return check


def nothing_written(name: str) -> Callable[[str, str, Path], str | None]:
    def check(out: str, err: str, d: Path) -> str | None:
        return f"{name} was written" if (d / name).exists() else None
    return check


def fifo(name: str) -> Callable[[Path], None]:
    return lambda d: os.mkfifo(d / name)


def link(name: str, to: str) -> Callable[[Path], None]:
    return lambda d: os.symlink(to, d / name)


def big_file(name: str, mib: int, line: bytes = b"2024-05-01T10:00:00Z INFO GET /x 200 user=alice\n") -> Callable:
    def make(d: Path) -> None:
        block = line * (1024 * 1024 // len(line) + 1)
        with (d / name).open("wb") as fh:
            for _ in range(mib):
                fh.write(block[: 1024 * 1024])
    return make


def no_nan_in(dirname: str) -> Callable[[str, str, Path], str | None]:
    def check(out: str, err: str, d: Path) -> str | None:
        for p in (d / dirname).rglob("*") if (d / dirname).exists() else []:
            if p.is_file() and "nan" in p.read_text(errors="replace").lower().split():
                return f"nan written to {p}"
        return None
    return check


# What a terminal acts on instead of showing: C0 controls but tab and newline, DEL, C1, bidi controls.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Escape sequences a hostile file may carry: clipboard write (OSC 52), clear screen, window title
# ended by ST, bidi override, 8-bit CSI, DCS, bell, backspace and a bare CR that overwrites the line.
ESC = "\x1b]52;c;Y2FuYXJ5\x07\x1b[2J\x1b]0;T\x1b\\\u202e\x9b31m\x1bP+q\x1b\\\x07\x08\r"
ESC_YAML = ESC.encode("unicode_escape").decode()  # the same inside a YAML double-quoted string


def terminal_safe(*also: str) -> Callable[[str, str, Path], str | None]:
    """Nothing printed that a terminal would act on; `also` must still be shown."""
    def check(out: str, err: str, d: Path) -> str | None:
        bad = sorted({repr(c) for c in UNSAFE.findall(out + err)})
        missing = [p for p in also if p not in out + err]
        return f"printed {', '.join(bad)}" if bad else f"missing {missing}" if missing else None
    return check


def plan_with(line: str) -> str:
    return PLAN + line + "\n"


def probes(quick: bool) -> list[Probe]:
    net_limit = 12.0 if quick else 30.0
    p: list[Probe] = []
    # --- yaml: expansion, nesting, numbers --------------------------------------------------
    p += [
        Probe("alias bomb in a plan", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": "x:\n" + bomb() + PLAN + "    env: {A: *i}\n"}, limit=2, check=says("p.yaml:", "alias")),
        Probe("alias bomb in a compose file (import)", "yaml", ["import", "c.yml", "-o", "out.yaml"],
              {"c.yml": "x-b:\n" + bomb() + COMPOSE + "    environment: {A: *i}\n"}, limit=2,
              check=nothing_written("out.yaml")),
        Probe("alias bomb in a compose file (estimate)", "yaml", ["estimate", "c.yml"],
              {"c.yml": "x-b:\n" + bomb() + COMPOSE}, limit=2),
        Probe("alias bomb through merge keys", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": "x:\n" + bomb() + "y: &y {<<: [*i, *i]}\n" + PLAN}, limit=2),
        Probe("alias that contains itself", "yaml", ["estimate", "p.yaml"], {"p.yaml": "x: &x [*x]\n" + PLAN}, limit=2),
        Probe("flow nesting 20000 deep", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": PLAN + "x: " + "[" * 20000 + "]" * 20000 + "\n"}, limit=2),
        Probe("block nesting 1500 deep", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": PLAN + "".join(" " * i + f"k{i}:\n" for i in range(1500)) + " " * 1500 + "v: 1\n"}, limit=10),
        Probe("5000-digit integer", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": plan_with("    usage: {requests_per_month: " + "9" * 5000 + "}")}, limit=2,
              check=says("requests_per_month")),
        Probe("300-digit hex integer", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": plan_with("    max_instances: 0x" + "f" * 300)}, limit=2, check=says("max_instances")),
        Probe("cpu .nan", "yaml", ["estimate", "p.yaml"], {"p.yaml": plan_with("    cpu: .nan")},
              check=says("services.web.cpu")),
        Probe("requests .inf", "yaml", ["estimate", "p.yaml", "-f", "json"],
              {"p.yaml": plan_with("    usage: {requests_per_month: [0, .inf]}")}, check=says("requests_per_month")),
        Probe("egress -.inf", "yaml", ["estimate", "p.yaml"], {"p.yaml": plan_with("    usage: {egress_gb: -.inf}")},
              check=says("egress_gb")),
        Probe("memory 1e999", "yaml", ["estimate", "p.yaml"], {"p.yaml": plan_with("    memory: 1e999")},
              check=says("memory")),
        Probe("memory 10^20 Ti", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": plan_with("    memory: 99999999999999999999Ti")}, check=says("memory")),
        Probe("cpu 1e-400 (underflows to 0)", "yaml", ["estimate", "p.yaml"], {"p.yaml": plan_with("    cpu: 1e-400")},
              check=says("cpu")),
        Probe("timeout 10^11 s", "yaml", ["estimate", "p.yaml"], {"p.yaml": plan_with("    timeout: 99999999999")},
              check=says("timeout")),
        Probe("postgres storage .nan", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": PLAN + "postgres: {storage_gb: .nan}\n"}, check=says("postgres.storage_gb")),
        Probe("selfhost watts .inf (compare)", "yaml", ["compare", "p.yaml"],
              {"p.yaml": PLAN + "selfhost: {watts: .inf}\n"}, check=says("selfhost.watts")),
        Probe("cpu .nan on the compose target: generate", "yaml", ["generate", "p.yaml", "--out", "out"],
              {"p.yaml": PLAN.replace("region:", "target: compose\nregion:") + "    cpu: .nan\n"},
              check=no_nan_in("out")),
        Probe("duplicate key", "yaml", ["estimate", "p.yaml"], {"p.yaml": PLAN + "    port: 9090\n"},
              check=says("duplicate")),
        Probe("tab indentation", "yaml", ["estimate", "p.yaml"], {"p.yaml": PLAN.replace("    port", "\tport")}),
        Probe("BOM before a valid plan", "yaml", ["estimate", "p.yaml"], {"p.yaml": b"\xef\xbb\xbf" + PLAN.encode()},
              codes=(0,)),
        Probe("NUL byte", "yaml", ["estimate", "p.yaml"], {"p.yaml": PLAN.encode() + b"x: \x00\n"}),
        Probe("NUL byte past 8 KiB", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": PLAN.encode() + b"#" + b"x" * 9000 + b"\ny: \x00\n"}),
        Probe("invalid UTF-8", "yaml", ["estimate", "p.yaml"], {"p.yaml": PLAN.encode() + b"x: \xff\xfe\n"}),
        Probe("empty file", "yaml", ["estimate", "p.yaml"], {"p.yaml": ""}),
        Probe("top level is a list", "yaml", ["estimate", "p.yaml"], {"p.yaml": "- a\n- b\n"}),
        Probe("services is a list", "yaml", ["estimate", "p.yaml"], {"p.yaml": "name: app\nservices: [web, api]\n"}),
        Probe("env value is a mapping", "yaml", ["estimate", "p.yaml"], {"p.yaml": plan_with("    env: {A: {b: c}}")}),
        Probe("RTL override in a service name", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": PLAN.replace("  web:", "  w\u202eeb:")}),
        Probe("emoji service name", "yaml", ["estimate", "p.yaml"], {"p.yaml": PLAN.replace("  web:", "  \U0001f680:")}),
        Probe("python object tag", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": PLAN + "x: !!python/object/apply:os.system ['touch pwned']\n"}, codes=(0, 2),
              check=nothing_written("pwned")),
        Probe("1 MiB single scalar", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": plan_with("    env: {A: '" + "x" * (1 << 20) + "'}")}, codes=(0, 2), limit=20),
        Probe("2000 services", "yaml", ["estimate", "p.yaml"],
              {"p.yaml": "name: app\nregion: us-central1\nservices:\n" + "".join(
                  f"  s{i}:\n    image: nginx\n    port: 8080\n" for i in range(2000))}, codes=(0, 1, 2), limit=30),
    ]
    # --- files that are not files -----------------------------------------------------------
    p += [
        Probe("plan over 2 MiB", "files", ["estimate", "p.yaml"], {"p.yaml": PLAN + "#" + "x" * (3 << 20) + "\n"},
              check=says("larger than")),
        Probe("plan is a directory", "files", ["estimate", "d"], setup=lambda d: (d / "d").mkdir()),
        Probe("plan is a FIFO", "files", ["estimate", "f.yaml"], setup=fifo("f.yaml"), limit=3, check=says("pipe")),
        Probe("plan is /dev/zero", "files", ["estimate", "/dev/zero"], limit=3, check=says("character device")),
        Probe("plan is a link to /dev/zero", "files", ["doctor", "z.yaml"], setup=link("z.yaml", "/dev/zero"), limit=3),
        Probe("plan is a link to /dev/urandom", "files", ["estimate", "r.yaml"], setup=link("r.yaml", "/dev/urandom"),
              limit=3),
        Probe("missing plan", "files", ["estimate", "nope.yaml"], check=says("not found")),
        Probe("compose file is a FIFO", "files", ["import", "c.yml", "-o", "o.yaml"], setup=fifo("c.yml"), limit=3),
        Probe("env_file: /dev/zero", "compose", ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": COMPOSE + "    env_file: /dev/zero\n"}, limit=3, check=says("env_file", "character device")),
        Probe("env_file is a FIFO", "compose", ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": COMPOSE + "    env_file: e.env\n"}, setup=fifo("e.env"), limit=3, check=nothing_written("o.yaml")),
        Probe("env_file of 5 MiB", "compose", ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": COMPOSE + "    env_file: e.env\n", "e.env": "A=" + "x" * (5 << 20) + "\n"}, limit=5),
        Probe("env_file missing (a note)", "compose", ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": COMPOSE + "    env_file: .env\n"}, codes=(0,), check=says(".env not found")),
        Probe("Dockerfile links to /dev/zero", "compose", ["import", "c.yml", "-o", "o.yaml"], {"c.yml": COMPOSE},
              setup=link("Dockerfile", "/dev/zero"), codes=(0,), limit=5),
        Probe("compose cpus .nan", "compose", ["import", "c.yml", "-o", "o.yaml"], {"c.yml": COMPOSE + "    cpus: .nan\n"},
              check=says("services.api.cpus")),
        Probe("compose mem_limit 1e400", "compose", ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": COMPOSE + "    mem_limit: 1e400\n"}, check=says("mem_limit")),
        Probe("compose limits.memory .inf", "compose", ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": COMPOSE + "    deploy: {resources: {limits: {memory: .inf}}}\n"}, check=says("memory")),
        Probe("compose cpus 1e6", "compose", ["import", "c.yml", "-o", "o.yaml"], {"c.yml": COMPOSE + "    cpus: 1e6\n"},
              check=says("out of range")),
        Probe("doctor on a tree with a FIFO and /dev/zero links", "files", ["doctor", "p.yaml"],
              {"p.yaml": PLAN.replace("image: nginx:1.27", "build: ."), "Dockerfile.real": "FROM python:3.12\n"},
              setup=lambda d: (os.mkfifo(d / "app.py"), os.symlink("/dev/zero", d / "requirements.txt"),
                               os.symlink("/dev/zero", d / "Dockerfile")), codes=(0, 1), limit=15),
    ]
    # --- logs -------------------------------------------------------------------------------
    p += [
        Probe("logs file:/dev/zero", "logs", ["logs", "--source", "file:/dev/zero"], limit=3),
        Probe("logs file:FIFO", "logs", ["logs", "--source", "file:f.log"], setup=fifo("f.log"), limit=3),
        Probe("logs file:directory", "logs", ["logs", "--source", "file:."], limit=3),
        Probe("logs 64 MiB without a newline", "logs", ["logs", "--source", "file:one.log", "--no-follow"],
              setup=big_file("one.log", 64, b"x" * 4096), codes=(0,), limit=30, check=says("line cut")),
        Probe("--since 99999999999999d", "logs", ["logs", "--source", "file:a.log", "--since", "99999999999999d"],
              {"a.log": "x\n"}, check=says("--since")),
        Probe("--since 3651d", "logs", ["logs", "--source", "file:a.log", "--since", "3651d"], {"a.log": "x\n"}),
        Probe("--since -5m", "logs", ["logs", "--source", "file:a.log", "--since=-5m"], {"a.log": "x\n"}),
        Probe("--since 1e9", "logs", ["logs", "--source", "file:a.log", "--since", "1e9"], {"a.log": "x\n"}),
        Probe("--since 5000 digits", "logs", ["logs", "--source", "file:a.log", "--since", "9" * 5000], {"a.log": "x\n"}),
        Probe("unknown source", "logs", ["logs", "--source", "ftp:x"]),
    ]
    # --- signals ----------------------------------------------------------------------------
    p += [
        Probe("Ctrl-C during a 200 MiB catch-up", "signals", ["logs", "--source", "file:big.log"],
              setup=big_file("big.log", 200), codes=(130,), sigint_after=-1, limit=1.0),
        # While estimate is still importing (pydantic, the catalog): the Ctrl-C is sent again once the
        # import is done, and must not be lost when the command finishes first (it once exited 0).
        *[Probe(f"Ctrl-C {ms} ms into estimate (during its imports)", "signals", ["estimate", "p.yaml"],
                {"p.yaml": PLAN}, codes=(130,), sigint_after=ms / 1000, limit=1.0) for ms in (40, 70, 100, 130)],
        Probe("Ctrl-C 0.3 s into estimate", "signals", ["estimate", "p.yaml"], {"p.yaml": PLAN}, codes=(0, 130),
              sigint_after=0.3, limit=1.0),
        Probe("Ctrl-C 0.6 s into doctor", "signals", ["doctor", "p.yaml"], {"p.yaml": PLAN}, codes=(0, 130),
              sigint_after=0.6, limit=1.0),
        Probe("Ctrl-C while status waits on a silent server", "signals", ["status", "p.yaml"], {"p.yaml": PLAN},
              codes=(130,), sigint_after=2.5, limit=1.0, server="silent"),
        Probe("Ctrl-C while logs follow a silent server", "signals",
              ["logs", "--source", "cloud-run:web", "--project", "p"], codes=(130,), sigint_after=2.5, limit=1.0,
              server="silent"),
        Probe("Ctrl-C while deploy waits on a silent server", "signals", ["deploy", "p.yaml", "--yes"],
              {"p.yaml": PLAN}, codes=(130,), sigint_after=2.5, limit=1.0, server="silent"),
    ]
    # --- network ----------------------------------------------------------------------------
    for mode, want in (("silent", "no answer"), ("unavailable", "unavailable"), ("denied", "permission denied"),
                       ("exhausted", "quota exhausted"), ("closed", "cannot connect")):
        p += [
            Probe(f"status, server {mode}", "network", ["status", "p.yaml"], {"p.yaml": PLAN}, limit=net_limit,
                  server=mode, check=says(want)),
            Probe(f"logs --no-follow, server {mode}", "network",
                  ["logs", "--source", "cloud-run:web", "--project", "p", "--no-follow"], limit=net_limit, server=mode,
                  check=says(want)),
        ]
    for argv in (["status", "p.yaml"], ["logs", "--source", "cloud-run:web", "--project", "p", "--no-follow"],
                 ["deploy", "p.yaml", "--yes"]):
        p.append(Probe(f"{argv[0]}, black-holed endpoint (SYN dropped)", "network", argv, {"p.yaml": PLAN},
                       limit=net_limit, server="blackhole", check=says("no answer from")))
    p += [
        Probe("prices refresh, server unavailable", "network", ["prices", "refresh"], limit=net_limit,
              server="unavailable", check=says("unavailable")),
        Probe("deploy, server denied: nothing changed", "network", ["deploy", "p.yaml", "--yes"], {"p.yaml": PLAN},
              limit=net_limit, server="denied", check=says("permission denied")),
        Probe("status, no DNS, loadable credentials", "network", ["status", "p.yaml"], {"p.yaml": PLAN},
              limit=net_limit, setup=fake_adc, env={"CLOUDSDK_CONFIG": "{dir}/gcloud"}, check=says("launchdeck:")),
        Probe("logs --no-follow, no DNS, loadable credentials", "network",
              ["logs", "--source", "cloud-run:web", "--project", "p", "--no-follow"], limit=net_limit,
              setup=fake_adc, env={"CLOUDSDK_CONFIG": "{dir}/gcloud"}, check=says("launchdeck:")),
        Probe("status, no credentials", "network", ["status", "p.yaml"], {"p.yaml": PLAN}, limit=net_limit,
              env={"CLOUDSDK_CONFIG": "{dir}/none"}, check=says("credentials")),
        Probe("GOOGLE_APPLICATION_CREDENTIALS is /dev/zero", "network", ["status", "p.yaml"], {"p.yaml": PLAN},
              limit=net_limit, env={"GOOGLE_APPLICATION_CREDENTIALS": "/dev/zero"}),
        Probe("GOOGLE_APPLICATION_CREDENTIALS is not JSON", "network", ["status", "p.yaml"],
              {"p.yaml": PLAN, "key.json": "{not json"}, limit=net_limit,
              env={"GOOGLE_APPLICATION_CREDENTIALS": "{dir}/key.json"}),
    ]
    p += terminal_probes() + cli_probes() + secret_probes() + file_probes() + compose_probes() + outdir_probes()
    p += generated_probes()
    return p


def generated_probes() -> list[Probe]:
    """Plan values that would be code in a generated file: shell in deploy.sh, `${...}` in Terraform."""
    g = "generated"

    def hcl_escaped(out: str, err: str, d: Path) -> str | None:
        tf = "\n".join(p.read_text() for p in (d / "out").rglob("*.tf"))
        if '"${file(' in tf or '"%{ for' in tf:
            return "a Terraform template sequence was written unescaped"
        sh = (d / "out" / "deploy.sh").read_text()
        bad = [line for line in sh.splitlines() if "PWNED" in line and "'" not in line]
        return f"unquoted in deploy.sh: {bad[0]}" if bad else None

    values = plan_with('    env: {A: "${file(\\"/etc/passwd\\")}", B: "$(touch PWNED)", C: "%{ for x in [1] }x%{ endfor }"}\n'
                       '    command: ["sh", "-c", "echo \'; touch PWNED; \'", "$(touch PWNED)", "`touch PWNED`"]')
    return [
        Probe("shell in the plan's project ID", g, ["generate", "p.yaml", "--out", "out"],
              {"p.yaml": PLAN.replace("project: demo-project", 'project: "demo; touch PWNED $(id)"')},
              check=says("project")),
        Probe("Terraform and shell sequences in env and command values", g, ["generate", "p.yaml", "--out", "out"],
              {"p.yaml": values}, codes=(0,), check=hcl_escaped),
    ]


def growing(name: str, seconds: float = 12.0, line: bytes = b"2024-05-01T10:00:00Z INFO GET /x 200\n") -> Callable:
    """A file a background thread keeps appending to (about 50 MB/s) for `seconds`."""
    def make(d: Path) -> None:
        import threading

        fh = (d / name).open("ab", buffering=0)
        block = line * (1024 * 1024 // len(line))

        def write() -> None:
            end = time.monotonic() + seconds
            with fh:
                while time.monotonic() < end:
                    fh.write(block)
                    time.sleep(0.02)
        fh.write(block * 4)
        threading.Thread(target=write, daemon=True).start()
    return make


def unchanged(path: str, content: str) -> Callable[[str, str, Path], str | None]:
    def check(out: str, err: str, d: Path) -> str | None:
        p = Path(path.replace("{dir}", str(d)))
        return None if p.read_text() == content else f"{p} was changed"
    return check


def no_nul(out: str, err: str, d: Path) -> str | None:
    return "printed NUL bytes" if "\x00" in out + err else None


def file_probes() -> list[Probe]:
    f = "files"
    utf16 = b"\xff\xfe" + PLAN.encode("utf-16-le")
    return [
        Probe("plan in UTF-16 with a BOM", f, ["estimate", "p.yaml"], {"p.yaml": utf16}, codes=(0,)),
        Probe("plan with CRLF line ends", f, ["estimate", "p.yaml"], {"p.yaml": PLAN.replace("\n", "\r\n")}, codes=(0,)),
        Probe("plan that is 1 MiB of NUL bytes", f, ["estimate", "p.yaml"], {"p.yaml": b"\x00" * (1 << 20)},
              check=says("binary")),
        Probe("plan is /proc/self/mem", f, ["estimate", "/proc/self/mem"], check=says("cannot read")),
        Probe("plan is a link to /dev/stdin", f, ["estimate", "s.yaml"], setup=link("s.yaml", "/dev/stdin"), limit=3),
        Probe("plan is a link to a directory", f, ["doctor", "d.yaml"], setup=link("d.yaml", "/tmp"), check=says("directory")),
        Probe("compose file is /proc/self/mem", f, ["import", "/proc/self/mem", "-o", "o.yaml"],
              check=nothing_written("o.yaml")),
        Probe("logs file:/proc/self/mem", f, ["logs", "--source", "file:/proc/self/mem", "--no-follow"], codes=(0, 2),
              limit=3),
        Probe("logs --no-follow on a file appended to forever", f, ["logs", "--source", "file:g.log", "--no-follow"],
              setup=growing("g.log"), codes=(0,), limit=8),
        Probe("scan a file appended to forever", f, ["scan", "g.log"], setup=growing("g.log"), codes=(0,), limit=8),
        Probe("scan a 100 MiB single line", f, ["scan", "one.log"], setup=big_file("one.log", 100, b"x" * 4096),
              codes=(0,), limit=30),
        Probe("logs of a 100 MiB single line", f, ["logs", "--source", "file:one.log", "--no-follow"],
              setup=big_file("one.log", 100, b"x" * 4096), codes=(0,), limit=30, check=says("line cut")),
        Probe("scan a UTF-16 log (PowerShell >)", f, ["scan", "w.log"],
              {"w.log": "\ufeffError: connect ECONNREFUSED 127.0.0.1:5432\r\n".encode("utf-16-le")}, codes=(0,),
              check=says("db-dial-localhost-fallback")),
        Probe("logs of a UTF-16 log says what it is", f, ["logs", "--source", "file:w.log", "--no-follow"],
              {"w.log": "\ufeffError: x\r\n".encode("utf-16-le")}, check=says("UTF-16")),
        Probe("logs of a NUL-filled log (copytruncate hole)", f, ["logs", "--source", "file:z.log", "--no-follow"],
              {"z.log": b"\x00" * 200_000 + b"Error: connect ECONNREFUSED 127.0.0.1:5432\n"}, codes=(0,),
              check=no_nul),
        Probe("scan of invalid UTF-8", f, ["scan", "i.log"],
              {"i.log": b"Error: connect ECONNREFUSED 127.0.0.1:5432 \xff\xfe\xc3(\n"}, codes=(0,)),
    ]


def compose_probes() -> list[Probe]:
    c = "compose"
    api = "services:\n  api:\n    build: .\n    ports: ['8000:8000']\n"
    nest = 3000
    return [
        Probe("include: outside the project", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": "include:\n  - ../../../etc/passwd\n" + api}, codes=(0,), check=says("include")),
        Probe("include: itself", c, ["import", "c.yml", "-o", "o.yaml"], {"c.yml": "include:\n  - c.yml\n" + api},
              codes=(0,), limit=3),
        Probe("include: /dev/zero", c, ["import", "c.yml", "-o", "o.yaml"], {"c.yml": "include: [/dev/zero]\n" + api},
              codes=(0,), limit=3),
        Probe("extends: itself in its own file", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": "services:\n  api:\n    build: .\n    extends: {file: c.yml, service: api}\n"}, codes=(0, 2),
              limit=3),
        Probe("extends: a loop of two services", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": "services:\n  a:\n    extends: {service: b}\n  b:\n    extends: {service: a}\n"},
              codes=(0, 2), limit=3),
        Probe("extends: a file that is /dev/zero", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": "services:\n  api:\n    build: .\n    extends: {file: /dev/zero, service: api}\n"},
              codes=(0, 2), limit=3),
        Probe("extends: a file outside the project", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": "services:\n  api:\n    build: .\n    extends: {file: /etc/passwd, service: root}\n"},
              codes=(0, 2), limit=3, check=no_canary("root:x:0", "c.yml")),
        Probe(f"interpolation nested {nest} deep", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": "services:\n  api:\n    image: \"" + "${A:-" * nest + "x" + "}" * nest + "\"\n"},
              codes=(0, 2), limit=5),
        Probe("20,000 interpolated variables", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": api + "    environment:\n" + "".join(f"      V{i}: ${{X{i}:-${{Y{i}}}}}\n" for i in range(20000))},
              codes=(0, 2), limit=20),
        Probe("10,000 services", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": "services:\n" + "".join(f"  s{i}:\n    image: nginx:1\n    ports: ['{8000 + i % 1000}:80']\n"
                                              for i in range(10000))}, codes=(0, 2), limit=60),
        Probe("a 1 MiB service name", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": "services:\n  " + "a" * (1 << 20) + ":\n    image: nginx\n"}, limit=5),
        Probe("a look-alike key (Cyrillic i in image)", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": "services:\n  api:\n    build: .\n    \u0456mage: nginx\n"}, codes=(0,),
              check=says("look-alike")),
        Probe("a look-alike top-level key (Cyrillic s in services)", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": "\u0455ervices:\n  api:\n    image: nginx\n"}, check=says("services")),
        Probe("env_file chain of 200 files", c, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": api + "    env_file: [" + ", ".join(f"e{i}.env" for i in range(200)) + "]\n",
               **{f"e{i}.env": f"V{i}=1\n" for i in range(200)}}, codes=(0,), limit=10),
    ]


def outdir_probes() -> list[Probe]:
    o = "outdir"
    gen = ["generate", "p.yaml", "--out", "out"]

    def hard_link(d: Path) -> None:
        (d / "out").mkdir()
        (d / "precious.txt").write_text("keep me\n")
        os.link(d / "precious.txt", d / "out" / "deploy.sh")

    def read_only(d: Path) -> None:
        (d / "out").mkdir()
        os.chmod(d / "out", 0o555)

    def out_link(d: Path) -> None:
        (d / "elsewhere").mkdir()
        os.symlink(d / "elsewhere", d / "out")

    return [
        Probe("--out holds a hard link to a file outside", o, [*gen, "--force"], {"p.yaml": PLAN}, setup=hard_link,
              codes=(0,), check=unchanged("{dir}/precious.txt", "keep me\n")),
        Probe("--out is read-only", o, gen, {"p.yaml": PLAN}, setup=read_only, check=says("read-only")),
        Probe("--out is a symlink to a directory (written there)", o, gen, {"p.yaml": PLAN}, setup=out_link, codes=(0,)),
        Probe("--out is /dev/null", o, ["generate", "p.yaml", "--out", "/dev/null"], {"p.yaml": PLAN}),
        Probe("--out is a FIFO", o, gen, {"p.yaml": PLAN}, setup=fifo("out"), limit=3),
        Probe("--out is the project itself: the user's compose file is kept", o,
              ["generate", "p.yaml", "--out", ".", "--target", "compose"],
              {"p.yaml": PLAN, "docker-compose.yml": "services: {mine: {image: x}}\n"}, codes=(0,),
              check=unchanged("{dir}/docker-compose.yml", "services: {mine: {image: x}}\n")),
        # A device is never used here: if the guard regressed, the probe would replace the machine's /dev/null.
        Probe("import -o a FIFO --force", o, ["import", "c.yml", "-o", "f.yaml", "--force"], {"c.yml": COMPOSE},
              setup=fifo("f.yaml"), limit=3, check=says("not a regular file")),
        Probe("import -o a symlink to a FIFO --force", o, ["import", "c.yml", "-o", "l.yaml", "--force"],
              {"c.yml": COMPOSE}, setup=lambda d: (os.mkfifo(d / "f"), os.symlink(d / "f", d / "l.yaml")), limit=3,
              check=says("not a regular file")),
        Probe("import -o a hard link to a file outside --force", o, ["import", "c.yml", "-o", "h.yaml", "--force"],
              {"c.yml": COMPOSE, "precious.txt": "keep me\n"},
              setup=lambda d: os.link(d / "precious.txt", d / "h.yaml"), codes=(0,),
              check=unchanged("{dir}/precious.txt", "keep me\n")),
        Probe("--out under a path whose parent is a file", o, ["generate", "p.yaml", "--out", "p.yaml/x"],
              {"p.yaml": PLAN}),
    ]


def no_canary(canary: str, *inputs: str) -> Callable[[str, str, Path], str | None]:
    """`canary` in no printed line and no file written (the probe's own input files aside)."""
    def check(out: str, err: str, d: Path) -> str | None:
        if canary in out + err:
            return "canary printed"
        for f in d.rglob("*"):
            if f.is_file() and not f.is_symlink() and f.name not in inputs and canary in f.read_text(errors="replace"):
                return f"canary written to {f.relative_to(d)}"
        return None
    return check


# (what, text holding a secret, the secret itself): log lines, env values and command words.
SA_KEY = json.dumps({"type": "service_account", "project_id": "demo", "private_key_id": "0f" * 20,
                     "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcCanaryBody1\n"
                                    "-----END PRIVATE KEY-----\n", "client_email": "x@demo.iam.gserviceaccount.com"})
SECRET_SHAPES = [
    ("AWS access key id", "aws_access_key_id = AKIAIOSFODNN7CANARY1", "AKIAIOSFODNN7CANARY1"),
    ("AWS secret key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYCanaryKey1", "bPxRfiCYCanaryKey1"),
    ("Stripe live key", "charging with sk_live_51HCanaryAbCdEfGhIjKlMn", "51HCanaryAbCdEfGhIjKlMn"),
    ("Google API key", "maps key AIzaSyCanaryabcdefghijklmnopqrstuvwx123", "AIzaSyCanary"),
    ("GCP service-account JSON", "GOOGLE_CREDENTIALS=" + SA_KEY, "CanaryBody1"),
    ("npm token", "//registry.npmjs.org/:_authToken=npm_CanaryAbcdefghijklmnopqrstuvwxyz123", "npm_Canary"),
    ("npmrc _authToken", "//npm.example/:_authToken=CanaryNpmTok123", "CanaryNpmTok123"),
    ("GitLab token", "git clone https://oauth2:glpat-CanaryAbcdefghij1234@gitlab.com/x/y.git", "glpat-Canary"),
    ("Slack bot token", "using xoxb-123456789012-CanaryAbcdefghij", "CanaryAbcdefghij"),
    ("SendGrid key", "sendgrid SG.CanaryAbcdefghijklm.nopqrstuvwxyzABCDEFG12", "SG.Canary"),
    ("amqp:// password", "broker amqp://guest:CanaryPw1@rabbit:5672//", "CanaryPw1"),
    ("mongodb+srv:// password", "mongo mongodb+srv://app:CanaryPw2@cluster0.x.mongodb.net/db", "CanaryPw2"),
    ("rediss:// password", "cache rediss://default:CanaryPw3@redis.example:6380/0", "CanaryPw3"),
    ("--password=", "mytool --password=CanaryPw4 --verbose", "CanaryPw4"),
    ("mysql -pPASSWORD", "mysql -h db -u root -pCanaryPw5 app", "CanaryPw5"),
    ("PGPASSWORD= inline", "PGPASSWORD=CanaryPw6 psql -h db -U app", "CanaryPw6"),
    ("Authorization: Basic", "curl -H 'Authorization: Basic Q2FuYXJ5OnBhc3N3b3JkMQ==' http://x", "Q2FuYXJ5OnBhc3N3"),
    ("X-Api-Key header", "curl -H 'X-Api-Key: CanaryApiKey8abcdefgh' http://x", "CanaryApiKey8"),
    ("Azure AccountKey", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Q2FuYXJ5S2V5OWFiY2RlZmdo==;"
     "EndpointSuffix=core.windows.net", "Q2FuYXJ5S2V5"),
    ("base64 PEM key", "tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcw",
     "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0t"),
    ("Vault token", "VAULT_TOKEN=hvs.CanaryAbcdefghijklmnopqrstuvwx", "hvs.Canary"),
    ("JVM -D password", "java -Dspring.datasource.password=CanaryPw7 -jar app.jar", "CanaryPw7"),
    ("--flag value at line start", "--db-password CanaryPw8", "CanaryPw8"),
    ("JVM options in JAVA_OPTS", "JAVA_OPTS=-Dspring.datasource.password=CanaryPw9 -Xmx512m", "CanaryPw9"),
]
# Every place a compose file can hold a secret, at once: x-launchdeck (top and service), build args,
# entrypoint, healthcheck, labels, JVM options in an env value.
SECRET_PLACES = """x-launchdeck:
  region: europe-west1
  notes: "postgres://app:CanaryTop1@db/app"
services:
  api:
    build:
      context: .
      args: {NPM_TOKEN: npm_CanaryBuildArg1234567890abcdefghijkl, GIT_URL: "https://o:CanaryBuild2@gitlab.com/x.git"}
    ports: ["8000:8000"]
    entrypoint: ["/bin/sh", "-c", "exec app --db postgres://app:CanaryEntry3@db/app"]
    healthcheck: {test: ["CMD", "curl", "-f", "-u", "admin:CanaryHealth4", "http://localhost:8000/health"]}
    x-launchdeck: {why: "uses ghp_CanaryXsvc5abcdefghijklmnopqrstuvwxyz12"}
    environment: ["JAVA_OPTS=-Dspring.datasource.password=CanaryJava6 -Xmx512m"]
"""
# Text that looks like a secret to a careless rule and must stay readable.
LOOK_ALIKES = ["sk_live_ is the Stripe prefix", "AKIA is the AWS key prefix", "mkdir -p /srv/app", "tsc -p tsconfig.json",
               "docker run -p 8080:80 nginx", "postgres://db:5432/app", "Authorization: Basic realm",
               "--password-file /run/secrets/db", "PASSWORD_MIN_LENGTH=12", "JWT_ALGORITHM=HS256",
               "request id 123e4567-e89b-12d3-a456-426614174000", "redis://redis:6379/0",
               "-----BEGIN CERTIFICATE----- MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA -----END CERTIFICATE-----"]


def secret_probes() -> list[Probe]:
    k = "secrets"
    p: list[Probe] = []
    for what, text, canary in SECRET_SHAPES:
        p.append(Probe(f"{what}: logs", k, ["logs", "--source", "file:s.log", "--no-follow"],
                       {"s.log": f"2024-05-01T10:00:00Z INFO {text}\n"}, codes=(0,), check=no_canary(canary, "s.log")))
    env_value = [s for s in SECRET_SHAPES if s[0] in ("AWS secret key", "GCP service-account JSON", "Azure AccountKey",
                                                      "base64 PEM key", "Vault token", "Authorization: Basic",
                                                      "JVM options in JAVA_OPTS")]
    for what, text, canary in env_value:
        value = text.split("=", 1)[1] if text.startswith(("GOOGLE_", "VAULT_", "JAVA_")) else text.split(": ", 1)[-1] \
            if what == "base64 PEM key" else text.split(" = ", 1)[-1]  # a bare value under a bland name
        compose = "services:\n  api:\n    build: .\n    ports: ['8000:8000']\n    environment:\n      SETTING: " + \
            json.dumps(value) + "\n"
        p.append(Probe(f"{what} in an env value: import", k, ["import", "c.yml", "-o", "o.yaml"], {"c.yml": compose},
                       codes=(0,), check=no_canary(canary, "c.yml")))
    for what, text, canary in [s for s in SECRET_SHAPES if s[0] in (
            "mysql -pPASSWORD", "PGPASSWORD= inline", "Authorization: Basic", "X-Api-Key header", "JVM -D password")]:
        compose = "services:\n  api:\n    build: .\n    ports: ['8000:8000']\n    command: " + \
            json.dumps(["sh", "-c", text]) + "\n"
        p.append(Probe(f"{what} in a command: import", k, ["import", "c.yml", "-o", "o.yaml"], {"c.yml": compose},
                       codes=(0,), check=no_canary(canary, "c.yml")))
        plan = plan_with("    command: " + json.dumps(["sh", "-c", text]))
        p.append(Probe(f"{what} in a plan command: generate refuses", k, ["generate", "p.yaml", "--out", "out"],
                       {"p.yaml": plan}, check=no_canary(canary, "p.yaml")))
    p.append(Probe("secrets in x-launchdeck, build args, entrypoint, healthcheck: import", k,
                   ["import", "c.yml", "-o", "o.yaml"], {"c.yml": SECRET_PLACES}, codes=(0,),
                   check=lambda out, err, d: next((why for c in ("CanaryTop1", "CanaryBuild", "CanaryEntry3",
                                                                 "CanaryHealth4", "CanaryXsvc5", "CanaryJava6")
                                                   if (why := no_canary(c, "c.yml")(out, err, d))), None)))
    worker = PLAN.replace("image: nginx:1.27\n    port: 8080", 'image: myapp:1\n    command: ["sh", "-c", "celery -A app '
                          'beat --broker-password CanaryDoc1 && PGPASSWORD=CanaryDoc2 celery -A app worker"]')
    for fmt in ("table", "md", "json"):
        p.append(Probe(f"a plan command with secrets quoted by doctor ({fmt})", k, ["doctor", "p.yaml", "-f", fmt],
                       {"p.yaml": worker}, codes=(1,),
                       check=lambda out, err, d: no_canary("CanaryDoc1", "p.yaml")(out, err, d) or
                       no_canary("CanaryDoc2", "p.yaml")(out, err, d)))
    p.append(Probe("deploy refuses a plan command holding a password", k, ["deploy", "p.yaml", "--dry-run"],
                   {"p.yaml": plan_with("    command: [celery, -A, app, worker, -b, 'redis://:CanaryDep1@redis/0']")},
                   check=lambda out, err, d: says("services.web.command")(out, err, d) or
                   no_canary("CanaryDep1", "p.yaml")(out, err, d)))
    p.append(Probe("look-alikes stay visible: logs", k, ["logs", "--source", "file:l.log", "--no-follow"],
                   {"l.log": "\n".join(LOOK_ALIKES) + "\n"}, codes=(0,), check=says(*LOOK_ALIKES)))
    return p


def terminal_probes() -> list[Probe]:
    """Escape sequences, C1 controls and bidi overrides in what launchdeck prints from files."""
    log = f"2024-05-01T10:00:00Z ERROR x{ESC}y\nError: connect ECONNREFUSED 127.0.0.1:5432 {ESC}\n"
    bidi = "Error: connect ECONNREFUSED 127.0.0.1:5432 user \u202eevil\u202c and \u2066x\u2069\n"
    c1 = "Error: connect ECONNREFUSED 127.0.0.1:5432 \x9b2J\x9d0;title\x9c and a \x85 NEL\n"
    markup = "Error: connect ECONNREFUSED 127.0.0.1:5432 [/foo] [link=https://evil.example]x[/link] [blink]y\n"
    compose_name = f'services:\n  "api{ESC_YAML}":\n    build: .\n    ports: ["8000:8000"]\n'
    compose_image = f'services:\n  db:\n    image: "postgres{ESC_YAML}:16"\n'
    t = "terminal"
    return [
        Probe("escapes in a log line: logs", t, ["logs", "--source", "file:e.log", "--no-follow"], {"e.log": log},
              codes=(0,), check=terminal_safe("ECONNREFUSED")),
        Probe("escapes in a log line: scan", t, ["scan", "e.log"], {"e.log": log}, codes=(0,),
              check=terminal_safe("db-dial-localhost-fallback")),
        Probe("escapes in a log line: scan --format md", t, ["scan", "e.log", "--format", "md"], {"e.log": log},
              codes=(0,), check=terminal_safe("db-dial-localhost-fallback")),
        Probe("escapes in a log line: logs --format jsonl", t,
              ["logs", "--source", "file:e.log", "--no-follow", "--format", "jsonl"], {"e.log": log}, codes=(0,),
              check=terminal_safe()),
        Probe("bidi overrides alone in a log line: logs", t, ["logs", "--source", "file:b.log", "--no-follow"],
              {"b.log": bidi}, codes=(0,), check=terminal_safe("evil")),
        Probe("bidi overrides alone: scan --format jsonl", t, ["scan", "b.log", "--format", "jsonl"],
              {"b.log": bidi}, codes=(0,), check=terminal_safe("db-dial-localhost-fallback")),
        Probe("8-bit C1 controls in a log line: scan", t, ["scan", "c.log"], {"c.log": c1}, codes=(0,),
              check=terminal_safe("ECONNREFUSED")),
        Probe("rich markup in a log line: scan table", t, ["scan", "m.log"], {"m.log": markup}, codes=(0,),
              check=terminal_safe("[/foo]", "[link=https://evil.example]")),
        Probe("escapes in a compose service name: import", t, ["import", "c.yml", "-o", "o.yaml"],
              {"c.yml": compose_name}, codes=(0, 2), check=terminal_safe()),
        Probe("escapes in a compose image: import --format md", t, ["import", "c.yml", "-o", "o.yaml", "-f", "md"],
              {"c.yml": compose_image}, codes=(0, 2), check=terminal_safe()),
        Probe("escapes in a plan image: estimate names the key", t, ["estimate", "p.yaml"],
              {"p.yaml": PLAN.replace("image: nginx:1.27", f'image: "nginx{ESC_YAML}"')},
              check=terminal_safe("services.web.image")),
        Probe("escapes in a plan command: doctor", t, ["doctor", "p.yaml"],
              {"p.yaml": plan_with(f'    command: ["celery{ESC_YAML}", "worker"]')},
              check=terminal_safe("services.web.command")),
        Probe("escapes in a --source file name", t, ["logs", "--source", f"file:x{ESC}"], check=terminal_safe()),
        Probe("escapes in an unknown argument (argparse)", t, ["estimate", "p.yaml", "--region", f"eu{ESC}"],
              {"p.yaml": PLAN}, check=terminal_safe()),
        Probe("escapes in a missing plan's name", t, ["estimate", f"p{ESC}.yaml"], check=terminal_safe()),
        Probe("escapes in a compose source", t, ["logs", "--source", f"compose:{ESC}", "--no-follow"],
              check=terminal_safe()),
    ]


def cli_probes() -> list[Probe]:
    """Garbage in the environment and in the standard streams."""
    c = "cli"
    log = {"u.log": "Error: connect ECONNREFUSED 127.0.0.1:5432 caf\u00e9 \U0001f680\n"}
    big = big_file("big.log", 8, b"Error: connect ECONNREFUSED 127.0.0.1:5432\n")
    return [
        Probe("the app with no terminal (a script, cron)", c, [], {"launchdeck.yaml": PLAN}, limit=5,
              check=says("needs a terminal")),
        Probe("COLUMNS=abc", c, ["estimate", "p.yaml"], {"p.yaml": PLAN}, codes=(0,), env={"COLUMNS": "abc"}),
        Probe("COLUMNS=-5", c, ["estimate", "p.yaml"], {"p.yaml": PLAN}, codes=(0,), env={"COLUMNS": "-5"}),
        Probe("COLUMNS=10^11", c, ["scan", "u.log"], log, codes=(0,), env={"COLUMNS": "99999999999"}),
        Probe("PYTHONIOENCODING=ascii with non-ASCII log text", c, ["scan", "u.log"], log, codes=(0,),
              env={"PYTHONIOENCODING": "ascii"}, check=says("db-dial-localhost-fallback")),
        Probe("PYTHONIOENCODING=latin-1: logs", c, ["logs", "--source", "file:u.log", "--no-follow"], log, codes=(0,),
              env={"PYTHONIOENCODING": "latin-1"}),
        Probe("LC_ALL=C with non-ASCII log text", c, ["scan", "u.log"], log, codes=(0,),
              env={"LC_ALL": "C", "LANG": "C"}),
        Probe("HOME unset: estimate", c, ["estimate", "p.yaml"], {"p.yaml": PLAN}, codes=(0,), env={"HOME": ""}),
        Probe("LAUNCHDECK_CACHE_DIR=/dev/null: prices show", c, ["prices", "show"], codes=(0, 2),
              env={"LAUNCHDECK_CACHE_DIR": "/dev/null"}),
        Probe("LAUNCHDECK_API_TIMEOUT=nan", c, ["status", "p.yaml"], {"p.yaml": PLAN}, limit=30, server="silent",
              env={"LAUNCHDECK_API_TIMEOUT": "nan"}),
        Probe("LAUNCHDECK_API_TIMEOUT=abc", c, ["status", "p.yaml"], {"p.yaml": PLAN}, limit=30, server="silent",
              env={"LAUNCHDECK_API_TIMEOUT": "abc"}),
        Probe("LAUNCHDECK_API_TIMEOUT=1e999", c, ["status", "p.yaml"], {"p.yaml": PLAN}, limit=30, server="silent",
              env={"LAUNCHDECK_API_TIMEOUT": "1e999"}),
        Probe("LAUNCHDECK_EMULATOR_HOST garbage", c, ["status", "p.yaml"], {"p.yaml": PLAN},
              env={"LAUNCHDECK_EMULATOR_HOST": "::::"}),
        Probe("stdout is /dev/full: estimate", c, ["estimate", "p.yaml"], {"p.yaml": PLAN}, stdout="full",
              check=says("No space left")),
        Probe("stdout is /dev/full: scan", c, ["scan", "big.log"], setup=big, stdout="full"),
        Probe("stdout is /dev/full: logs", c, ["logs", "--source", "file:big.log", "--no-follow"], setup=big,
              stdout="full"),
        Probe("stdout closed: scan", c, ["scan", "big.log"], setup=big, codes=(0,), stdout="closed"),
        Probe("stdout closed: estimate --format json", c, ["estimate", "p.yaml", "-f", "json"], {"p.yaml": PLAN},
              codes=(0,), stdout="closed"),
        Probe("stdout a pipe closed after one line: scan jsonl", c, ["scan", "big.log", "--format", "jsonl"],
              setup=big, codes=(0,), stdout="head"),
        Probe("stdout a pipe closed after one line: logs", c, ["logs", "--source", "file:big.log", "--no-follow"],
              setup=big, codes=(0,), stdout="head"),
    ]


def fake_adc(d: Path) -> None:
    (d / "gcloud").mkdir()
    (d / "gcloud" / "application_default_credentials.json").write_text(json.dumps({
        "type": "authorized_user", "client_id": "x.apps.googleusercontent.com", "client_secret": "s",
        "refresh_token": "1//not-a-real-token"}))


def black_hole() -> list[socket.socket]:
    """A loopback listener whose accept queue is full: every further SYN is dropped, as by a firewall
    (TEST-NET addresses are not black holes everywhere: here 192.0.2.1 refuses and a proxy answers
    10.255.255.1). Returns the listener first, then the connections that fill its queue."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    socks = [srv]
    for _ in range(3):
        c = socket.socket()
        c.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            c.connect(srv.getsockname())
        socks.append(c)
    return socks


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def run_probe(probe: Probe, command: list[str], quick: bool) -> tuple[bool, float, str]:
    with tempfile.TemporaryDirectory(prefix="ld-probe-") as tmp:
        d = Path(tmp)
        for name, content in probe.files.items():
            (d / name).write_bytes(content if isinstance(content, bytes) else content.encode())
        if probe.setup:
            probe.setup(d)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LAUNCHDECK_", "GOOGLE_"))}
        env.update({"COLUMNS": "120", "NO_COLOR": "1", "LAUNCHDECK_CACHE_DIR": str(d / "cache"),
                    "CLOUDSDK_CONFIG": str(d / "no-gcloud")})
        env.update({k: v.replace("{dir}", str(d)) for k, v in probe.env.items()})
        if quick:
            env["LAUNCHDECK_API_TIMEOUT"] = "3"
        server = None
        hole: list[socket.socket] = []
        if probe.server == "closed":
            env["LAUNCHDECK_EMULATOR_HOST"] = closed_port()
        elif probe.server == "blackhole":
            hole = black_hole()
            env["LAUNCHDECK_EMULATOR_HOST"] = f"127.0.0.1:{hole[0].getsockname()[1]}"
        elif probe.server:
            from tests.fakes.fake_faults import FakeFaults

            server = FakeFaults(probe.server)
            server.start()
            env["LAUNCHDECK_EMULATOR_HOST"] = server.target
        try:
            return _run(probe, command, d, env)
        finally:
            if server is not None:
                server.stop()
            for sock in hole:
                sock.close()


def _run(probe: Probe, command: list[str], d: Path, env: dict[str, str]) -> tuple[bool, float, str]:
    start = time.monotonic()
    out_to: int | object = subprocess.PIPE
    if probe.stdout == "full":
        out_to = os.open("/dev/full", os.O_WRONLY)
    elif probe.stdout == "closed":
        out_to = subprocess.DEVNULL
        command = ["sh", "-c", 'exec "$@" >&-', "sh", *command]
    proc = subprocess.Popen([*command, *probe.argv], cwd=d, env={k: v for k, v in env.items() if v != "" or k != "HOME"},
                            stdout=out_to, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if isinstance(out_to, int) and out_to > 2:
        os.close(out_to)
    if probe.stdout == "head":
        assert proc.stdout is not None
        proc.stdout.readline()
        proc.stdout.close()  # the reader went away: the next writes get EPIPE
    if probe.sigint_after is not None:
        if probe.sigint_after < 0:
            assert proc.stdout is not None
            proc.stdout.read(1)  # busy: it printed something
        else:
            time.sleep(probe.sigint_after)
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
    hard = max(probe.limit * 3, 5.0) if probe.sigint_after is not None else probe.limit * 3 + 5
    try:
        out, err = proc.communicate(timeout=hard)
        out = out or b""
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return False, time.monotonic() - start, f"no exit after {hard:.0f} s"
    took = time.monotonic() - start
    out_s, err_s = out.decode(errors="replace"), err.decode(errors="replace")
    problems = []
    if proc.returncode not in probe.codes:
        problems.append(f"exit {proc.returncode} (want {'/'.join(map(str, probe.codes))})")
    if "Traceback" in out_s + err_s or "Fatal Python error" in err_s:
        problems.append("traceback")
    if took > probe.limit:
        problems.append(f"took {took:.2f} s > {probe.limit:g} s")
    if probe.check and not problems:
        why = probe.check(out_s, err_s, d)
        if why:
            problems.append(why)
    first = (err_s.strip().splitlines() or [""])[0][:110]
    return not problems, took, "; ".join(problems) or first


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--launchdeck", help="the launchdeck program (default: on PATH, else this Python's entry point)")
    ap.add_argument("--quick", action="store_true", help="3 s Google call deadline instead of the default 20 s")
    ap.add_argument("--only", help="run one kind: yaml, files, compose, logs, signals, network, terminal, cli, ...")
    args = ap.parse_args()
    exe = str(Path(args.launchdeck).resolve()) if args.launchdeck else shutil.which("launchdeck")
    command = [exe] if exe else [sys.executable, "-c", "import sys; from launchdeck.app.entry import main; sys.exit(main())"]
    todo = [p for p in probes(args.quick) if not args.only or p.kind == args.only]
    passed, total, times = Counter(), Counter(), []
    for probe in todo:
        ok, took, note = run_probe(probe, command, args.quick)
        total[probe.kind] += 1
        passed[probe.kind] += ok
        times.append((took, probe.name))
        print(f"{'PASS' if ok else 'FAIL'} {took:6.2f}s  {probe.kind:8} {probe.name}: {note}", flush=True)
    print()
    for kind in total:
        print(f"{kind:8} {passed[kind]:3}/{total[kind]:<3}")
    print(f"{'total':8} {sum(passed.values()):3}/{sum(total.values()):<3}")
    print("slowest:", ", ".join(f"{n} {t:.2f}s" for t, n in sorted(times, reverse=True)[:5]))
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main())
