"""Plan file errors, kept apart from the pydantic models so the TUI can catch them without
importing pydantic before its first paint."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def visible(text: str) -> str:
    """`text` with control, format (bidi overrides, zero-width) and other invisible characters
    written as \\u escapes: a key from a hostile file must not reorder or hide what the terminal shows."""
    if text.isprintable() and not any(unicodedata.category(c) == "Cf" for c in text):
        return text
    return "".join(c if c.isprintable() and unicodedata.category(c) != "Cf" else f"\\u{ord(c):04x}" for c in text)


def clip(text: str, limit: int = 400) -> str:
    """At most `limit` characters: a hostile value quoted in a message must not flood the terminal."""
    if len(text) <= limit:
        return text
    keep = limit - 40
    return f"{text[: keep * 2 // 3]}… ({len(text) - keep:,} characters left out) …{text[-(keep // 3):]}"


@dataclass(frozen=True)
class PlanError:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        path, message = clip(self.path, 200), clip(self.message)
        text = f"{where}: {path}: {message}" if path else f"{where}: {message}"
        return visible(text)


class PlanFileError(Exception):
    """One or more problems with a plan file; `str()` gives one line per problem."""

    def __init__(self, errors: list[PlanError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
