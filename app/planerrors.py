"""Plan file errors, kept apart from the pydantic models so the TUI can catch them without
importing pydantic before its first paint."""

from __future__ import annotations

from dataclasses import dataclass

from launchdeck.app.termtext import visible


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
