"""What every log source shares: the line type, the one-line error, reconnect delays and --since."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


class SourceError(Exception):
    """A log source cannot be read; str() is one line saying why and what to do."""


@dataclass
class LogLine:
    text: str  # already redacted
    source: str  # service/job/container/file the line came from; "launchdeck" for status notes
    timestamp: dt.datetime | None = None
    severity: str | None = None
    key: tuple | None = None  # de-duplication identity, e.g. (log_name, insert_id, timestamp)


@dataclass
class Backoff:
    """Reconnect delays for cloud tails (seconds); tests shrink them."""

    initial: float = 1.0
    maximum: float = 60.0
    exhausted_min: float = 10.0  # RESOURCE_EXHAUSTED without RetryInfo
    overlap: float = 30.0  # backfill re-reads this much before the newest entry seen
    jitter: float = 0.25


_SINCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def parse_since(since: str | None) -> dt.timedelta | None:
    """'10m' / '2h' / '30s' / '1d' / '0' -> timedelta; None or '' -> None."""
    if not since:
        return None
    m = _SINCE.match(since)
    if not m:
        raise SourceError(f"--since {since!r}: use a number with s, m, h or d (e.g. 10m, 2h)")
    factor = {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    return dt.timedelta(seconds=float(m.group(1)) * factor)
