"""The podcheck commands a report suggests ("for the rest", "Printable version", init's
"then run"), written with the options that shaped what the run said.

A suggested command that drops `--accounts` or `--select` judges another proposal: it
would print GO for a file just found NO-GO. So each carries the options in force that
its own command takes, as they were given (never a default the command finds again by
itself, such as ./podcheck.yaml), in one fixed order. Every word is quoted for a POSIX
shell, and control characters are escaped (`inert.escape`); each format escapes the rest
its own way. Pure functions of their arguments.
"""

import shlex
from typing import NamedTuple

from podcheck.core import inert

STDIN_SHOWN = "<stdin>"


class Invocation(NamedTuple):
    """The options given to the command that judged the files, as given."""

    config: str | None = None
    config_ref: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    today: str | None = None
    accounts: str | None = None
    column_map: str | None = None
    date_order: str | None = None
    show_accounts: bool = False
    max_file_bytes: int | None = None

    def words(self, *, selection: bool = True) -> list[str]:
        """The options as command-line words. `selection`: with --select, --ignore and
        --fail-on (`report` and `checklist` take none of them)."""
        pairs: list[tuple[str, str | None]] = [
            ("--config", self.config),
            ("--config-ref", self.config_ref),
        ]
        if selection:
            pairs += [
                ("--select", ",".join(self.select) or None),
                ("--ignore", ",".join(self.ignore) or None),
                ("--fail-on", self.fail_on),
            ]
        pairs += [
            ("--today", self.today),
            ("--accounts", self.accounts),
            ("--map", self.column_map),
            ("--date-order", self.date_order),
            ("--max-file-bytes", None if self.max_file_bytes is None else str(self.max_file_bytes)),
        ]
        words = []
        for flag, value in pairs:
            if value is None:
                continue
            # A value that starts with '-' could be read as an option: joined to its flag.
            words += [f"{flag}={value}"] if value.startswith("-") else [flag, value]
        if self.show_accounts:
            words.append("--show-accounts")
        return words

    @property
    def unsupported_by_pack(self) -> list[str]:
        """The options given that `report` and `checklist` do not take."""
        given = [
            ("--select", bool(self.select)),
            ("--ignore", bool(self.ignore)),
            ("--fail-on", self.fail_on is not None),
        ]
        return [flag for flag, present in given if present]


# A run given none of these options.
NONE_GIVEN = Invocation()


def shell(words: list[str]) -> str:
    """Words as one shell command line: each quoted, control characters escaped."""
    return inert.escape(" ".join(shlex.quote(word) for word in words))


def _command(name: str, path: str, options: list[str]) -> str:
    """`podcheck NAME FILE OPTIONS...`; a name that starts with '-' comes last, after '--'
    (it would be read as an option), and standard input is '-'."""
    if path == STDIN_SHOWN:
        path = "-"
    if path.startswith("-") and path != "-":
        return shell(["podcheck", name, *options, "--", path])
    return shell(["podcheck", name, path, *options])


def plan_command(path: str, invocation: Invocation = NONE_GIVEN) -> str:
    """`podcheck plan FILE` with the options that shaped the verdict."""
    return _command("plan", path, invocation.words())


def report_command(path: str, invocation: Invocation = NONE_GIVEN) -> str:
    """`podcheck report FILE -o report.html` with the options the pack takes."""
    return _command("report", path, [*invocation.words(selection=False), "-o", "report.html"])


def evaluate_command(path: str, invocation: Invocation = NONE_GIVEN) -> str:
    """`podcheck evaluate FILE` with the options given (init's "then run")."""
    return _command("evaluate", path, invocation.words())
