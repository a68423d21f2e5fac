"""Rendering of report rows as a terminal table, Markdown or JSON, for every headless command."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

FORMATS = ("table", "json", "md")


def emit(text: str, stream: TextIO | None = None) -> None:
    """Write a whole report with its newline in one call: a Ctrl-C between print()'s two writes
    would leave the last line without its end, and a script could not tell the report was cut."""
    (stream or sys.stdout).write(text if text.endswith("\n") else text + "\n")


def use_color() -> bool:
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        return str(v if v is not None else "").replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str | None = None,
    right: Sequence[int] = (),
    footer: Sequence[Any] | None = None,
) -> str:
    """A terminal table through rich; plain text when colour is off (NO_COLOR or a pipe)."""
    import io

    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_footer=footer is not None, header_style="bold", expand=False)
    for i, h in enumerate(headers):
        table.add_column(
            h,
            justify="right" if i in right else "left",
            overflow="fold",
            footer=str(footer[i]) if footer is not None else "",
        )
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    buf = io.StringIO()
    width = int(os.environ.get("COLUMNS", "0") or 0) or 140
    Console(file=buf, width=width, no_color=not use_color(), force_terminal=use_color(),
            highlight=False).print(table)
    return buf.getvalue().rstrip("\n")


def money(value: float | None) -> str:
    if value is None:
        return "unpriced"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"
