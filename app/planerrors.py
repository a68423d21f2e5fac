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


@dataclass(frozen=True)
class PlanError:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return visible(text)


class PlanFileError(Exception):
    """One or more problems with a plan file; `str()` gives one line per problem."""

    def __init__(self, errors: list[PlanError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
