"""Input errors: what was wrong with a file, and exactly where."""

from collections.abc import Iterable
from typing import NamedTuple

from podcheck.core import inert


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


# A message says what was expected; it quotes values only in short excerpts.
MAX_MESSAGE_CHARS = 300


class _Place(NamedTuple):
    path: str
    line: int
    column: int
    message: str


class InputError(_Place):
    """One problem with an input, at a line and column of its file.

    A tuple (ordered by path, line, column, message) rather than a dataclass: every run
    imports it, and a dataclass compiles its generated methods at each start-up.
    """

    __slots__ = ()

    def __new__(cls, path: str, line: int, column: int, message: str) -> "InputError":
        message = one_line(message)
        if len(message) > MAX_MESSAGE_CHARS:  # a net under the excerpts of values
            message = message[:MAX_MESSAGE_CHARS] + "…"
        return super().__new__(cls, shown_path(path), line, column, message)

    def __str__(self) -> str:
        return inert.ci_safe(f"{self.path}:{self.line}:{self.column}: error: {self.message}")


# A file with more errors than this is far from valid; the rest would only flood the log.
MAX_ERRORS_PER_FILE = 50
# The last line of a list that was cut short starts so.
MORE = "... and"


def count_errors(errors: tuple[InputError, ...]) -> str:
    """How many input errors `errors` stands for, in words: '3 input errors', '50+ ...'."""
    if errors and errors[-1].message.startswith(MORE):
        return f"more than {len(errors) - 1} input errors"
    return f"{len(errors)} input error{'s' if len(errors) != 1 else ''}"


class InputErrors(Exception):
    """One or more input errors; a file that has any is not evaluated.

    At most MAX_ERRORS_PER_FILE are kept, then one line that says more were found;
    `complete=False` says the check stopped early, so the number of the rest is unknown.
    """

    def __init__(self, errors: Iterable[InputError], complete: bool = True) -> None:
        ordered = sorted(set(errors))
        if len(ordered) > MAX_ERRORS_PER_FILE or not complete:
            kept = ordered[:MAX_ERRORS_PER_FILE]
            last = kept[-1]
            rest = len(ordered) - len(kept)
            more = (
                f"{MORE} {rest} more errors"
                if complete
                else f"{MORE} more errors; only the first {len(kept)} are shown"
            )
            ordered = [*kept, InputError(last.path, last.line, last.column, more)]
        self.errors = tuple(ordered)
        super().__init__("\n".join(map(str, self.errors)))


class UsageError(Exception):
    """A wrong option or combination of options: one line, exit 2."""


class Interrupted(BaseException):
    """Ctrl-C; not a KeyboardInterrupt, which click would turn into "Aborted!" and exit 1."""
