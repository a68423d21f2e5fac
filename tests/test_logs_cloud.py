"""Cloud Logging tail against the fake Logging gRPC server, with the real GAPIC async client."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from launchdeck.app.logsources import Backoff, SourceError, open_source
from tests.fakes.fake_logging import FakeLogging

FAST = Backoff(initial=0.01, maximum=0.05, exhausted_min=0.05, overlap=30, jitter=0.1)


@pytest.fixture
def fake(fake_logging: FakeLogging) -> FakeLogging:
    """`fake` in this module is the Cloud Logging fake (tests/conftest.py)."""
    return fake_logging


async def _collect(agen, until: str, timeout: float = 30.0) -> tuple[list[str], list[str]]:
    got: list[str] = []
    notes: list[str] = []

    async def run():
        async for line in agen:
            if line.source == "launchdeck":
                notes.append(line.text)
                continue
            got.append(line.text)
            if line.text == until:
                return

    try:
        await asyncio.wait_for(run(), timeout)
    finally:
        await agen.aclose()
    return got, notes


async def _publish(fake: FakeLogging, start: int, stop: int, pause: float = 0.015) -> None:
    for i in range(start, stop):
        fake.add(fake.entry(f"entry {i:03d}"))
        await asyncio.sleep(pause)
    await asyncio.sleep(0.1)
    fake.add(fake.entry("entry end"))


@pytest.mark.slow
async def test_every_entry_exactly_once_through_faults(fake):
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    fake.add(*[fake.entry(f"entry {i:03d}", timestamp=past + dt.timedelta(seconds=i)) for i in range(5)])
    fake.add(fake.entry("entry of another service", service="web"))
    fake.add(fake.entry("too old", timestamp=past - dt.timedelta(hours=1)))
    fake.faults = [("unavailable_after", 3), ("close_after", 4), ("exhausted", 0.2), ("unavailable_after", 5), None]
    agen = open_source("cloud-run:api", project="p", region="us-central1", since="10m", backoff=FAST)
    task = asyncio.create_task(_publish(fake, 5, 45))
    got, notes = await _collect(agen, "entry end")
    await task
    assert got == [f"entry {i:03d}" for i in range(45)] + ["entry end"]
    assert fake.tail_opens >= 5
    assert any("RESOURCE_EXHAUSTED" in n and "reconnecting in 0.2s" in n for n in notes), notes
    assert any("closed by the server" in n for n in notes)
    assert any("is unavailable" in n for n in notes)  # UNAVAILABLE, said in words
    # Backfills asked for exactly this service's resource and a timestamp lower bound.
    filt = fake.list_calls[-1].filter
    assert 'resource.labels.service_name="api"' in filt and "timestamp>=" in filt


async def test_job_filter_and_payloads(fake):
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)
    fake.add(
        fake.entry(job="migrate", json_payload={"message": "Memory limit of 512 MiB exceeded with 513 MiB used."},
                   timestamp=now, severity="ERROR"),
        fake.entry("not this job", job="other", timestamp=now),
        fake.entry(job="migrate", http={"request_method": "POST", "request_size": 104857812, "status": 413},
                   timestamp=now + dt.timedelta(seconds=1)),
    )
    agen = open_source("cloud-run-job:migrate", project="p", since="5m", follow=False, backoff=FAST)
    lines = [x async for x in agen]
    assert [x.source for x in lines] == ["migrate", "migrate"]
    assert lines[0].text.startswith("Memory limit") and lines[0].severity == "ERROR"
    assert '"requestSize":"104857812"' in lines[1].text and '"status":413' in lines[1].text
    from launchdeck.app.hints import get_engine

    assert [get_engine().match_line(x.text).id for x in lines] == ["cr-memory-limit-exceeded",
                                                                     "cr-request-too-large-413"]
    assert lines[0].key[1].startswith("id")


async def test_permission_denied_is_one_clear_error(fake):
    fake.deny = True
    agen = open_source("cloud-run:api", project="p", since="10m", backoff=FAST)
    with pytest.raises(SourceError) as info:
        await asyncio.wait_for(agen.__anext__(), 20)
    msg = str(info.value)
    assert "permission denied" in msg and "\n" not in msg


async def test_canary_redacted_in_cloud_lines(fake):
    canary = "c4n4ry-Zq9x7Lw3"
    fake.add(fake.entry(f"connecting to postgresql://app:{canary}@10.0.0.3/db",
                        timestamp=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)))
    lines = [x async for x in open_source("cloud-run:api", project="p", since="1m", follow=False)]
    assert len(lines) == 1 and canary not in lines[0].text


@pytest.mark.parametrize("code,message,expect", [
    ("PERMISSION_DENIED", "Cloud Logging API has not been used in project 123 before or it is disabled.",
     "API is disabled"),
    ("UNAUTHENTICATED", "Request had invalid authentication credentials.", "gcloud auth application-default login"),
    ("NOT_FOUND", "Project p not found.", "not found"),
])
async def test_fatal_errors_stop_with_one_line(fake, code, message, expect):
    import grpc

    fake.fail = (getattr(grpc.StatusCode, code), message)
    agen = open_source("cloud-run:api", project="p", since="10m", backoff=FAST)
    with pytest.raises(SourceError) as info:
        await asyncio.wait_for(agen.__anext__(), 20)
    assert expect in str(info.value) and "\n" not in str(info.value)
