"""Google calls that fail: every command ends with one line naming the cause and the fix, exit 2.

The real GAPIC clients talk to tests/fakes/fake_faults.py (a server that never answers, or answers
every call with UNAVAILABLE, PERMISSION_DENIED or RESOURCE_EXHAUSTED) or to a closed port.
LAUNCHDECK_API_TIMEOUT shrinks the per-call deadline so the deadline path runs in a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from launchdeck.app.cli import main
from launchdeck.app.logsources import Backoff, open_source
from launchdeck.app.logsources.base import SourceError
from tests.fakes.fake_faults import FakeFaults

DEADLINE = "1"


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[FakeFaults]:
    with FakeFaults(request.param) as fake:
        monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", fake.target)
        monkeypatch.setenv("LAUNCHDECK_API_TIMEOUT", DEADLINE)
        yield fake


@pytest.fixture
def closed_port(monkeypatch: pytest.MonkeyPatch) -> str:
    with socket.socket() as s:  # bind, note the port, close: nothing listens there now
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", f"127.0.0.1:{port}")
    monkeypatch.setenv("LAUNCHDECK_API_TIMEOUT", DEADLINE)
    return str(port)


def one_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in out + err and "RetryError" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


EXPECT = {
    "silent": ("no answer from", "within 1 s", "LAUNCHDECK_API_TIMEOUT"),
    "unavailable": ("unavailable", "retried for 1 s", "Retry"),
    "denied": ("permission denied", "Grant"),
    "exhausted": ("quota exhausted", "Wait"),
}


@pytest.mark.parametrize("faults", list(EXPECT), indirect=True)
def test_status_says_cause_and_fix(faults: FakeFaults, plan_file: Path, capsys) -> None:
    line = one_error(capsys, "status", str(plan_file))
    for part in EXPECT[faults.mode]:
        assert part in line, line
    if faults.mode == "denied":
        assert "roles/run.viewer" in line
    assert "[same for 1 more service]" in line  # the plan has a service and a job: one line for both


@pytest.mark.parametrize("faults", list(EXPECT), indirect=True)
def test_logs_once_says_cause_and_fix(faults: FakeFaults, capsys) -> None:
    line = one_error(capsys, "logs", "--source", "cloud-run:api", "--project", "p", "--no-follow")
    assert line.startswith("launchdeck: reading logs of cloud-run:api in p: ")
    for part in EXPECT[faults.mode]:
        if part != "Grant" or faults.mode == "denied":
            assert part in line, line


@pytest.mark.parametrize("faults", ["silent", "unavailable", "exhausted"], indirect=True)
def test_prices_refresh_says_cause_and_fix(faults: FakeFaults, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LAUNCHDECK_CACHE_DIR", str(tmp_path / "cache"))
    line = one_error(capsys, "prices", "refresh")
    assert EXPECT[faults.mode][0] in line
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


@pytest.mark.parametrize("faults", ["silent", "denied"], indirect=True)
def test_deploy_stops_before_changing_anything(faults: FakeFaults, plan_file: Path, capsys) -> None:
    code = main(["deploy", str(plan_file), "--yes"])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in out + err
    assert EXPECT[faults.mode][0] in err
    assert not any(m.startswith(("Create", "Update")) for m in faults.calls)


def test_closed_port_is_a_connection_error(closed_port: str, plan_file: Path, capsys) -> None:
    line = one_error(capsys, "status", str(plan_file))
    assert "cannot connect" in line or "unavailable" in line, line
    line = one_error(capsys, "logs", "--source", "cloud-run:api", "--project", "p", "--no-follow")
    assert "cannot connect" in line or "unavailable" in line, line


@pytest.mark.parametrize("faults", ["silent", "unavailable"], indirect=True)
async def test_following_that_never_connects_stops_with_the_cause(faults: FakeFaults) -> None:
    # No answer at all is not an interruption to ride out: one line, like `kubectl logs -f`.
    agen = open_source("cloud-run:api", project="p", region="us-central1", since="1m", follow=True,
                       backoff=Backoff(initial=0.01, maximum=0.05, jitter=0.0))
    try:
        async with asyncio.timeout(30):
            with pytest.raises(SourceError) as stop:
                async for line in agen:
                    pytest.fail(f"nothing should be yielded: {line.text}")
    finally:
        await agen.aclose()
    assert EXPECT[faults.mode][0] in str(stop.value)


@pytest.mark.parametrize("faults", ["silent", "unavailable"], indirect=True)
def test_logs_following_an_unreachable_api_exits_2(faults: FakeFaults, capsys) -> None:
    line = one_error(capsys, "logs", "--source", "cloud-run:api", "--project", "p")
    assert line.startswith("launchdeck: reading logs of cloud-run:api in p: ")
    assert EXPECT[faults.mode][0] in line, line


def test_explanations_name_dns_and_credentials() -> None:
    from google.api_core import exceptions as gex

    from launchdeck.app.gcp import explain_google_error

    dns = gex.ServiceUnavailable("errors resolving run.googleapis.com:443: [hostname lookup error: "
                                 "Domain name not found]")
    wrapped = gex.RetryError("Timeout of 20.0s exceeded", cause=dns)
    line = explain_google_error(wrapped, "status")
    assert "cannot look up run.googleapis.com" in line and "DNS" in line and "RetryError" not in line
    refresh = gex.ServiceUnavailable("Getting metadata from plugin failed with error: ('invalid_grant: Token has "
                                     "been expired or revoked.')")
    assert "application-default login" in explain_google_error(refresh, "logs")
    refused = gex.ServiceUnavailable("failed to connect to all addresses; last error: UNKNOWN: "
                                     "ipv4:10.0.0.1:443: Connection refused")
    assert "cannot connect" in explain_google_error(refused, "logs")
    # What gRPC says when its own connect timeout (20 s) ends first against a black hole: the TCP
    # handshake got no answer. It once read "TLS handshake failed" on an insecure channel.
    hole = gex.RetryError("Timeout of 30.0s exceeded", cause=gex.ServiceUnavailable(
        "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:46339: tcp handshaker shutdown"))
    line = explain_google_error(hole, "status")
    assert "connection attempt got no answer" in line and "firewall" in line and "TLS" not in line, line


# --- a black hole: the TCP handshake never completes ------------------------------------------
# TEST-NET addresses are no black holes on every machine (on this one 192.0.2.1 is the gateway and
# refuses, and a transparent proxy answers 10.255.255.1), so the hole is made on loopback: a
# listening socket whose accept queue is full drops every further SYN, exactly as a firewall that
# drops packets would (with Linux's default net.ipv4.tcp_abort_on_overflow=0).


@pytest.fixture
def black_hole(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    fillers = []
    for _ in range(3):  # fill the accept queue; nobody ever accepts
        c = socket.socket()
        c.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            c.connect(("127.0.0.1", port))
        fillers.append(c)
    probe = socket.socket()
    probe.settimeout(0.5)
    try:
        with pytest.raises(TimeoutError):  # checked, not assumed: a connect here must hang
            probe.connect(("127.0.0.1", port))
    finally:
        probe.close()
    monkeypatch.setenv("LAUNCHDECK_EMULATOR_HOST", f"127.0.0.1:{port}")
    monkeypatch.setenv("LAUNCHDECK_API_TIMEOUT", DEADLINE)
    try:
        yield str(port)
    finally:
        for c in fillers:
            c.close()
        srv.close()


@pytest.mark.parametrize("argv", [
    ("status", "{plan}"),
    ("logs", "--source", "cloud-run:api", "--project", "p", "--no-follow"),
    ("deploy", "{plan}", "--yes"),
], ids=["status", "logs", "deploy"])
def test_a_black_holed_endpoint_is_one_line_with_cause_and_fix(black_hole: str, plan_file: Path, capsys,
                                                                argv: tuple[str, ...]) -> None:
    line = one_error(capsys, *(a.replace("{plan}", str(plan_file)) for a in argv))
    assert "no answer from" in line and "within 1 s" in line and "LAUNCHDECK_API_TIMEOUT" in line, line


async def test_following_a_black_hole_stops_with_why(black_hole: str) -> None:
    agen = open_source("cloud-run:api", project="p", region="us-central1", since="1m", follow=True,
                       backoff=Backoff(initial=0.01, maximum=0.05, jitter=0.0))
    try:
        async with asyncio.timeout(30):
            with pytest.raises(SourceError) as stop:
                await anext(agen)
    finally:
        await agen.aclose()
    assert "no answer from" in str(stop.value), stop.value
