"""Input errors: what was wrong with a file, and exactly where."""

from collections.abc import Iterable
from dataclasses import dataclass

from podcheck import inert


def one_line(text: str) -> str:
    """Text with line breaks and other control characters escaped, so it prints as one line.

    Messages quote values from the file, and a YAML key or value may contain a newline.
    """
    return inert.escape(text)


def shown_path(path: str) -> str:
    """A file name as it can be printed and written into reports.

    Python keeps bytes of a file name that are not UTF-8 as lone surrogates, which no
    UTF-8 output can hold; they are shown as U+FFFD. Control characters are escaped.
    """
    if path.isascii() and path.isprintable():
        return path
    raw = path.encode("utf-8", "surrogateescape")
    return one_line(raw.decode("utf-8", "replace"))


@dataclass(frozen=True, order=True)
class InputError:
    path: str
    line: int
    column: int
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", shown_path(self.path))
        object.__setattr__(self, "message", one_line(self.message))

    def __str__(self) -> str:
        return inert.ci_safe(f"{self.path}:{self.line}:{self.column}: error: {self.message}")


class InputErrors(Exception):
    """One or more input errors; a file that has any is not evaluated."""

    def __init__(self, errors: Iterable[InputError]) -> None:
        self.errors = tuple(sorted(set(errors)))
        super().__init__("\n".join(map(str, self.errors)))


class UsageError(Exception):
    """A wrong option or combination of options: one line, exit 2."""
