"""`launchdeck scan`: find known errors in a log file (or - for stdin) and print hints."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from launchdeck.app.commands._common import CommandError, add_format_arg
from launchdeck.app.termtext import json_safe


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="find known errors in a log file (or - for stdin) and print hints", description="find known errors in a log file (or - for stdin) and print hints.")
    p.add_argument("file", metavar="FILE", help="log file, or - for standard input")
    add_format_arg(p, ("table", "jsonl", "md"))
    p.add_argument("--all", action="store_true", help="also list harmless lines the catalog explains (severity info)")
    p.set_defaults(func=run)


_SMALL = 8 << 20  # logs up to this size are read whole (every format); bigger ones stream


def scan_log(name: str) -> tuple[list, int]:
    """(hits, number of lines) of a log file or stdin, in bounded memory.

    Small logs are read whole so that whole-document formats (a JSON array, gcloud's YAML, a
    hard-wrapped terminal capture) are understood; bigger ones stream through a block finder."""
    from launchdeck.app.hints import get_engine
    from launchdeck.app.safeio import Snapshot, UnreadableFile, open_regular

    if name == "-":
        f = Snapshot(sys.stdin.buffer)  # a redirected file: up to its size now; a pipe: to its end
        label = "standard input"
    else:
        label = name
        try:  # one open, checked on the descriptor: no window for a FIFO to take the name
            f = Snapshot(open_regular(name, "log file"))
        except UnreadableFile as exc:
            if exc.missing:
                raise CommandError(f"{name}: no such file") from None
            hint = "" if "directory" in exc.reason else "; to scan a stream, pipe it in: ... | launchdeck scan -"
            raise CommandError(f"{name}: {exc.reason}{hint}") from None
    try:
        head = f.read(_SMALL + 1)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # PowerShell's `>` writes UTF-16
            if len(head) > _SMALL:
                raise CommandError(f"{label}: is UTF-16 text; convert it to UTF-8 first "
                                   "(iconv -f UTF-16 -t UTF-8, or Set-Content -Encoding utf8)")
            head = head.decode("utf-16", errors="replace").encode("utf-8")
        _check_text(head, label)
        if len(head) <= _SMALL:
            lines = _split(head)
            return get_engine().scan(lines), len(lines)
        from launchdeck.app.hints.stream import scan_stream

        res = scan_stream(get_engine(), _Chain(head, f))
        return res.hits, res.n_lines
    except OSError as exc:
        raise CommandError(f"{label}: cannot read ({exc.strerror or exc})") from None
    finally:
        if f.fh is not sys.stdin.buffer:
            f.close()


class _Chain:
    """Bytes already read, then the rest of the file."""

    def __init__(self, first: bytes, rest):
        self.first, self.rest = first, rest

    def read(self, n: int) -> bytes:
        if self.first:
            out, self.first = self.first[:n], self.first[n:]
            return out
        return self.rest.read(n)


def _check_text(data: bytes, label: str) -> None:
    if b"\x00" in data[:8192]:
        raise CommandError(f"{label}: looks like a binary file, not a text log")
    if data.startswith(b"\x1f\x8b"):
        raise CommandError(f"{label}: is gzip-compressed; decompress it first (zcat FILE | launchdeck scan -)")


def _split(data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [x[:-1] if x.endswith("\r") else x for x in lines]
    return lines


def read_log(name: str) -> list[str]:
    """The lines of a log file or stdin, read whole (tests and small inputs; `scan` streams)."""
    if name == "-":
        data = sys.stdin.buffer.read()
        label = "standard input"
    else:
        label = name
        data = _read_regular(name)
    _check_text(data, label)
    return _split(data)


def check_regular(name: str) -> None:
    """Only regular files: a device (/dev/zero), FIFO or socket could be endless or block forever."""
    import os
    import stat

    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise CommandError(f"{name}: no such file") from None
    except OSError as exc:
        raise CommandError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise CommandError(f"{name}: is a directory, not a log file")
    if not stat.S_ISREG(st.st_mode):
        raise CommandError(f"{name}: not a regular file (device, pipe or socket); "
                           "to scan a stream, pipe it in: ... | launchdeck scan -")


def _read_regular(name: str) -> bytes:
    check_regular(name)
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise CommandError(f"{name}: cannot read ({exc.strerror or exc})") from None


def scan_hits(lines: list[str]) -> list:
    from launchdeck.app.hints import get_engine

    return get_engine().scan(lines)


def _visible(hits: list, include_info: bool) -> list:
    return [h for h in hits if include_info or h.hint.severity != "info"]


def scan_rows(lines: list[str], include_info: bool = False) -> list[dict]:
    """One row per root cause (repeats and symptoms folded under it), in line order."""
    rows = []
    for h in _visible(scan_hits(lines), include_info):
        rows.append({"line": h.line, "hint": h.hint.id, "severity": h.hint.severity, "title": h.hint.title,
                     "fix": h.hint.fix, "count": h.count, "lines": h.lines or [h.line],
                     "symptoms": [(s.line, s.hint.id) for s in h.symptoms]})
    return rows


def scan_records(hits: list, include_info: bool = False) -> list[dict]:
    """One record per hinted line (repeats and symptoms included), in line order."""
    return list(iter_records(hits, include_info))


def iter_records(hits: list, include_info: bool = False):
    """`scan_records` lazily: each hit's records are already in line order, so a merge suffices."""
    import heapq

    streams = [h.iter_records() for h in _visible(hits, include_info)]
    return heapq.merge(*streams, key=lambda r: (r["line"], "explained_by" in r))


def run(args: argparse.Namespace) -> int:
    hits, n_lines = scan_log(args.file)
    out = sys.stdout
    if args.format == "jsonl":
        for r in iter_records(hits, include_info=args.all):
            out.write(json_safe(json.dumps(r, ensure_ascii=False)) + "\n")
        return 0
    shown = _visible(hits, args.all)

    def excerpt(h) -> str:
        from launchdeck.app.hints.normalize import normalize
        from launchdeck.app.redact import redact  # only the human views print log text

        text = redact(normalize(h.text)).strip()
        return text if len(text) <= 100 else text[:97] + "..."

    def also_seen(h) -> str:
        """Repeats and symptoms, summarised under their root cause."""
        parts = []
        more = [n for n in (h.lines or []) if n != h.line]
        if more:
            parts.append("also on line " + _line_list(more))
        by_hint: dict[str, list[int]] = {}
        for s in h.symptoms:
            by_hint.setdefault(s.hint.id, []).append(s.line)
        parts += [f"explains {hid} (line {_line_list(ns)})" for hid, ns in by_hint.items()]
        return "; ".join(parts)

    if args.format == "md":
        from launchdeck.app.output import md_table

        out.write(md_table(["line", "severity", "hint", "title", "count", "fix", "also seen"],
                           [[h.line, h.hint.severity, f"`{h.hint.id}`", h.hint.title, h.count, h.hint.fix,
                             also_seen(h)] for h in shown]) + "\n")
        return 0
    if not shown:
        out.write(f"No known errors found in {n_lines} lines.\n")
        return 0
    from launchdeck.app.output import text_table

    table_rows = []
    for h in shown:
        extra = also_seen(h)
        table_rows.append([h.line, h.hint.severity, h.hint.id + (f" (x{h.count})" if h.count > 1 else ""),
                           h.hint.title + "\n" + excerpt(h) + ("\n" + extra if extra else "")])
    out.write(text_table(["line", "severity", "hint", "what / where"], table_rows, right=(0,)) + "\n")
    n_hinted = sum(len(h.lines or [h.line]) + len(h.symptoms) for h in shown)
    out.write(f"{len(shown)} root cause(s) on {n_hinted} hinted line(s) in {n_lines} lines. "
              "Every line: --format jsonl; fixes: --format md.\n")
    return 0


def _line_list(ns: list[int], limit: int = 8) -> str:
    head = ", ".join(map(str, ns[:limit]))
    return head + (f" and {len(ns) - limit} more" if len(ns) > limit else "")
