"""Plan file errors, kept apart from the pydantic models so the TUI can catch them without
importing pydantic before its first paint."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanError:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class PlanFileError(Exception):
    """One or more problems with a plan file; `str()` gives one line per problem."""

    def __init__(self, errors: list[PlanError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
