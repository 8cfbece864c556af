"""Errors that front ends show to users as they are (no traceback)."""

from __future__ import annotations

from dataclasses import dataclass


class PmError(Exception):
    """A user-facing error: the message says what went wrong and what to do."""


class NotFound(PmError):
    """A code or key that does not exist."""


class PermissionDenied(PmError):
    """The acting user may not do this; the attempt has been audited."""


@dataclass(frozen=True)
class Problem:
    """One problem found while validating input: where it is and why it is wrong."""

    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class ValidationFailed(PmError):
    """Input was refused; ``problems`` lists each row and field at fault."""

    def __init__(self, problems: list[Problem], summary: str = "input refused"):
        self.problems = problems
        super().__init__(f"{summary}: {len(problems)} problem(s)\n" + "\n".join(str(p) for p in problems))
