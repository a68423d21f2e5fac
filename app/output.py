"""Rendering of report rows as a terminal table, Markdown or JSON, for every headless command."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from launchdeck.app.termtext import json_safe, visible

FORMATS = ("table", "json", "md")


def emit(text: str, stream: TextIO | None = None) -> None:
    """Write a whole report with its newline in one call: a Ctrl-C between print()'s two writes
    would leave the last line without its end, and a script could not tell the report was cut."""
    (stream or sys.stdout).write(text if text.endswith("\n") else text + "\n")


def use_color() -> bool:
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


def to_json(data: Any, indent: int | None = 2) -> str:
    """JSON with non-ASCII text kept readable, but never a character a terminal would act on."""
    return json_safe(json.dumps(data, indent=indent, ensure_ascii=False, default=str))


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        return visible(str(v if v is not None else "").replace("\n", " ")).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def terminal_width() -> int:
    """COLUMNS when set (an 80-column terminal, a test), else a wide default for pipes and files.
    A user's shell may export anything: garbage counts as unset, and a width is kept in 40..10000."""
    raw = os.environ.get("COLUMNS", "").strip()
    cols = int(raw) if raw.isdigit() and len(raw) <= 6 else 0
    return min(max(40, cols), 10_000) if cols else 140


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str | None = None,
    right: Sequence[int] = (),
    footer: Sequence[Any] | None = None,
    styles: Sequence[str | None] | None = None,
    section_ends: Sequence[int] = (),
    nowrap: Sequence[int] = (),
) -> str:
    """A terminal table through rich; plain text when colour is off (NO_COLOR or a pipe).

    Every cell is a rich Text, never markup: a log line holding `[/foo]` or `[link=...]` is shown
    as written (as markup it raised MarkupError or became a link), and controls come out escaped."""
    import io

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def text(v: Any, style: str = "") -> Text:
        return Text("" if v is None else visible(str(v), keep_newlines=True), style=style)

    # Box-drawing characters only where the output encoding has them (PYTHONIOENCODING=ascii, a
    # Latin-1 locale): otherwise every border would come out as \u2500 escapes.
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("_", "-")
    table = Table(title=text(title) if title is not None else None, show_footer=footer is not None,
                  header_style="bold", expand=False,
                  box=box.HEAVY_HEAD if encoding.startswith("utf") else box.ASCII)
    for i, h in enumerate(headers):
        table.add_column(
            text(h),
            justify="right" if i in right else "left",
            overflow="fold",
            no_wrap=i in nowrap,
            footer=text(footer[i]) if footer is not None else "",
        )
    ends = set(section_ends)
    for n, row in enumerate(rows):
        style = (styles[n] if styles is not None and n < len(styles) else None) or ""
        table.add_row(*(text(v, style) for v in row), end_section=n in ends)
    buf = io.StringIO()
    Console(file=buf, width=terminal_width(), no_color=not use_color(), force_terminal=use_color(),
            highlight=False).print(table)
    return buf.getvalue().rstrip("\n")


def wrap(text: str, indent: str = "") -> str:
    """A paragraph under a table, wrapped to the terminal width."""
    import textwrap

    return textwrap.fill(text, width=terminal_width(), initial_indent=indent, subsequent_indent=indent + "  "
                         if indent else "", break_on_hyphens=False)


def money(value: float | None) -> str:
    if value is None:
        return "unpriced"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"
