"""`launchdeck scan`: find known errors in a log file (or - for stdin) and print hints."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from launchdeck.app.commands._common import CommandError, add_format_arg


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="find known errors in a log file (or - for stdin) and print hints", description="find known errors in a log file (or - for stdin) and print hints.")
    p.add_argument("file", metavar="FILE", help="log file, or - for standard input")
    add_format_arg(p, ("table", "jsonl", "md"))
    p.add_argument("--all", action="store_true", help="also list harmless lines the catalog explains (severity info)")
    p.set_defaults(func=run)


def read_log(name: str) -> list[str]:
    """The lines of a log file or stdin; CommandError for anything unreadable or binary."""
    if name == "-":
        data = sys.stdin.buffer.read()
        label = "standard input"
    else:
        path = Path(name)
        label = name
        if path.is_dir():
            raise CommandError(f"{name}: is a directory, not a log file")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"{name}: no such file") from None
        except OSError as exc:
            raise CommandError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if b"\x00" in data[:8192]:
        raise CommandError(f"{label}: looks like a binary file, not a text log")
    if data.startswith(b"\x1f\x8b"):
        raise CommandError(f"{label}: is gzip-compressed; decompress it first (zcat FILE | launchdeck scan -)")
    text = data.decode("utf-8", errors="replace")
    del data  # keep peak memory at text + lines
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [x[:-1] if x.endswith("\r") else x for x in lines]
    return lines


def scan_rows(lines: list[str], include_info: bool = False) -> list[dict]:
    from launchdeck.app.hints import get_engine

    hits = get_engine().scan(lines)
    rows = []
    for h in hits:
        if h.hint.severity == "info" and not include_info:
            continue
        rows.append({"line": h.line, "hint": h.hint.id, "severity": h.hint.severity,
                     "title": h.hint.title, "fix": h.hint.fix, "count": h.count})
    return rows


def run(args: argparse.Namespace) -> int:
    from launchdeck.app.redact import redact

    lines = read_log(args.file)
    rows = scan_rows(lines, include_info=args.all)
    out = sys.stdout
    if args.format == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
        return 0
    def excerpt(n: int) -> str:
        from launchdeck.app.hints.normalize import normalize

        text = redact(normalize(lines[n - 1])).strip() if 0 < n <= len(lines) else ""
        return text if len(text) <= 100 else text[:97] + "..."

    if args.format == "md":
        from launchdeck.app.output import md_table

        out.write(md_table(["line", "severity", "hint", "title", "count", "fix"],
                           [[r["line"], r["severity"], f"`{r['hint']}`", r["title"], r["count"], r["fix"]]
                            for r in rows]) + "\n")
        return 0
    if not rows:
        out.write(f"No known errors found in {len(lines)} lines.\n")
        return 0
    from launchdeck.app.output import text_table

    table_rows = [[r["line"], r["severity"], r["hint"] + (f" (x{r['count']})" if r["count"] > 1 else ""),
                   r["title"] + "\n" + excerpt(r["line"])] for r in rows]
    out.write(text_table(["line", "severity", "hint", "what / where"], table_rows, right=(0,)) + "\n")
    out.write(f"{len(rows)} hint(s) in {len(lines)} lines. Fix details: --format jsonl or md.\n")
    return 0
