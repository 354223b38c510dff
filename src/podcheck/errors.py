"""Input errors: what was wrong with a file, and exactly where."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class InputError:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: error: {self.message}"


class InputErrors(Exception):
    """One or more input errors; a file that has any is not evaluated."""

    def __init__(self, errors: Iterable[InputError]) -> None:
        self.errors = tuple(sorted(set(errors)))
        super().__init__("\n".join(map(str, self.errors)))
