"""Reading YAML text safely into plain values that remember where they came from.

Most org files are written in the block style alone (keys, lists, plain or simply
quoted values): the block reader (block.py) reads those without PyYAML. Any other file,
and every file with an error, is read by libyaml (events.py), which refuses tags,
anchors, aliases, merge keys and deep nesting: both give the same values at the same
places.

Plain scalars are resolved with a deliberately small schema (YAML 1.2 core, minus
floats in exponent form): `null`/`~`, `true`/`false`, decimal integers and decimals.
Everything else stays text, so `no`, `010`, `0x1F`, `1:30` and `2026-01-15` reach the
validator as the strings they were typed as, and the validator says what to write.
"""

import re
import sys
from fractions import Fraction
from typing import Any, NamedTuple

from podcheck.core import paths
from podcheck.core.errors import InputError, InputErrors, shown_path

Path = tuple[str | int, ...]
# libyaml's marks and the pure-Python parser's are different classes with the same fields.
Mark = Any
Value = None | bool | int | Fraction | str | list["Value"] | dict[str, "Value"]

# A valid org file nests five levels deep (org > segments > segment > pods > pod).
MAX_DEPTH = 12
# Values in one file: a 5,000-pod org holds about 40,000; past this the file is refused
# before it can cost seconds and hundreds of MB (a 4 MiB flow list has two million).
MAX_VALUES = 250_000
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels; no org file needs that"
TOO_MANY = f"more than {MAX_VALUES:,} values; no org file needs that many"

KEYWORDS: dict[str, Value] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
NUMBER_START = frozenset("+-0123456789")
# Longer digit strings are kept as text: they are not counts anyone means, and
# converting them would cost time on hostile input.
_INTEGER = re.compile(r"[-+]?[0-9]{1,15}")
_DECIMAL = re.compile(r"[-+]?[0-9]{1,15}\.[0-9]{1,15}")


class Node(NamedTuple):
    """Where one value stands: its key (for mapping values) and the value itself.

    A tuple rather than a dataclass: a file makes one per value, and tuples are the
    cheapest records Python builds.
    """

    line: int
    column: int
    key_line: int | None = None
    key_column: int | None = None
    raw: str | None = None  # the scalar as written
    plain: bool = False  # unquoted scalar


# Where a value stands, as the parser saw it: the value's mark, its key's mark (None for
# list items and the root), the scalar as written (None for collections), and whether the
# scalar was plain. Marks are kept as they are: turning them into a Node for every value
# of every file would cost more than the few lookups that need one.
Place = tuple[Mark, Mark | None, str | None, bool]


class Document(NamedTuple):
    """Plain data plus a table from each value's path to where it stands."""

    path: str
    data: Value
    places: dict[Path, Place]

    def node(self, path: Path) -> Node | None:
        """Where the value at `path` stands, if there is one."""
        place = self.places.get(path)
        if place is None:
            return None
        mark, key_mark, raw, plain = place
        if key_mark is None:
            return Node(mark.line + 1, mark.column + 1, raw=raw, plain=plain)
        return Node(
            mark.line + 1, mark.column + 1, key_mark.line + 1, key_mark.column + 1, raw, plain
        )

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest enclosing key when it is absent (the
        key a person would add the missing value under)."""
        places = self.places
        absent = False
        while path not in places and path:
            path, absent = path[:-1], True
        place = places.get(path)
        if place is None:
            return 1, 1
        mark = place[1] if (key or absent) and place[1] is not None else place[0]
        return mark.line + 1, mark.column + 1

    def error(self, path: Path, message: str, *, key: bool = False) -> InputError:
        line, column = self.locate(path, key=key)
        return InputError(self.path, line, column, message)


def resolve_plain(text: str) -> Value:
    """The value of an unquoted scalar under podcheck's small schema."""
    if text in KEYWORDS:
        return KEYWORDS[text]
    first = text[:1]
    if first not in NUMBER_START:  # most scalars are words: skip the patterns
        return text
    if text.isdigit() and text.isascii() and len(text) <= 15:  # a count, the common number
        return text if first == "0" and len(text) > 1 else int(text)
    if _INTEGER.fullmatch(text):
        digits = text.lstrip("+-")
        if len(digits) > 1 and digits.startswith("0"):
            return text  # YAML 1.1 octal: the validator explains
        return int(text)
    if _DECIMAL.fullmatch(text):
        return Fraction(text)
    return text


def decode(raw: bytes, path: str) -> str:
    """UTF-8 text (a BOM is allowed), or an error at the first byte that is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise InputErrors(
            [
                InputError(
                    path, line, column, f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x})"
                )
            ]
        ) from None


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES, root: str | None = None) -> bytes:
    """The file's bytes, refusing anything larger than `max_bytes` before reading it all.

    Only a regular file is read, reached through no link out of `root` (the working
    directory unless given): see podcheck.core.paths, the guard every named path passes.
    """
    raw = paths.read_regular(path, max_bytes + 1, root)
    check_size(raw, path, max_bytes)
    return raw


STDIN = "-"


def read(path: str, max_bytes: int = DEFAULT_MAX_BYTES, root: str | None = None) -> tuple[str, str]:
    """The name to show for `path` and its text; `-` reads standard input."""
    if path != STDIN:
        return shown_path(path), decode(read_bytes(path, max_bytes, root), path)
    raw = sys.stdin.buffer.read(max_bytes + 1)
    check_size(raw, "<stdin>", max_bytes)
    return "<stdin>", decode(raw, "<stdin>")


def check_size(raw: bytes, path: str, max_bytes: int) -> None:
    if len(raw) > max_bytes:
        raise too_large(path, max_bytes)


def too_large(path: str, max_bytes: int) -> InputErrors:
    return InputErrors(
        [InputError(path, 1, 1, f"file is larger than the {max_bytes:,}-byte limit")]
    )


def parse(text: str, path: str) -> Document:
    """Parse one YAML document of plain data; raise InputErrors on anything else."""
    from podcheck.orgfile import block

    document = block.read(text, path)
    if document is not None:
        return document
    from podcheck.orgfile import events

    return events.parse(text, path)
