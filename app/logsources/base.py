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


_SINCE = re.compile(r"^\s*(\d{1,30}(?:\.\d{1,9})?)\s*([smhdw]?)\s*$")
_UNITS = {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# Cloud Logging keeps logs for at most 3650 days (a custom bucket); nothing older can be read.
MAX_SINCE = dt.timedelta(days=3650)


def parse_since(since: str | None) -> dt.timedelta | None:
    """'10m' / '2h' / '30s' / '1d' / '0' -> timedelta; None or '' -> None. At most MAX_SINCE."""
    if not since:
        return None
    m = _SINCE.match(since)
    if not m:
        raise SourceError(f"--since {since[:40]!r}: use a number with s, m, h, d or w (e.g. 10m, 2h)")
    seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds > MAX_SINCE.total_seconds():
        raise SourceError(f"--since {since.strip()}: more than {MAX_SINCE.days} days back "
                          "(logs are not kept longer; use at most 3650d)")
    return dt.timedelta(seconds=seconds)
