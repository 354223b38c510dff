"""Reading YAML text safely into plain values that remember where they came from.

The document is built from the parser's event stream with an explicit stack, never by
PyYAML's recursive composer: a deeply nested document is refused at the depth limit
instead of overflowing the C stack. Tags, anchors, aliases and merge keys are refused
as they appear, so no YAML feature beyond plain data can reach the rest of podcheck.

Plain scalars are resolved with a deliberately small schema (YAML 1.2 core, minus
floats in exponent form): `null`/`~`, `true`/`false`, decimal integers and decimals.
Everything else stays text, so `no`, `010`, `0x1F`, `1:30` and `2026-01-15` reach the
validator as the strings they were typed as, and the validator says what to write.
"""

import re
import sys
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple

import yaml
from yaml import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from podcheck.core import paths
from podcheck.core.errors import InputError, InputErrors, shown_path
from podcheck.core.inert import excerpt

try:  # libyaml is several times faster; the pure-Python parser gives the same events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

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

_KEYWORDS: dict[str, Value] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
_NUMBER_START = frozenset("+-0123456789")
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
    if text in _KEYWORDS:
        return _KEYWORDS[text]
    first = text[:1]
    if first not in _NUMBER_START:  # most scalars are words: skip the patterns
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
    loader = _Loader(text)
    try:
        return _Builder(path).build(loader.get_event)
    except yaml.MarkedYAMLError as exc:
        raise InputErrors([_syntax_error(exc, text, path)]) from None
    except yaml.reader.ReaderError as exc:
        line, column = _position(text, exc.position)
        raise InputErrors(
            [InputError(path, line, column, f"invalid YAML: {exc.reason} (#x{exc.character:04x})")]
            if isinstance(exc.character, int)
            else [InputError(path, line, column, f"invalid YAML: {exc.reason}")]
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every parser error is one of the above
        raise InputErrors([InputError(path, 1, 1, f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()


_OPENED = {
    "while parsing a flow sequence": "'[' is never closed",
    "while parsing a flow mapping": "'{' is never closed",
    "while scanning a quoted scalar": "the quote is never closed",
}


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, path: str) -> InputError:
    """The parser's error, placed where the problem starts.

    An unclosed '[', '{' or quote is only noticed at the end of the file, past the last
    line; the error points at where it was opened and names the end in the message.
    """
    problem_mark, context_mark = exc.problem_mark, exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    opened = _OPENED.get(exc.context or "")
    at_end = problem_mark is not None and not text[problem_mark.index :].strip()
    if opened and context_mark is not None and at_end:
        end_line, end_column = _position(text, len(text.rstrip()))
        return InputError(
            path,
            context_mark.line + 1,
            context_mark.column + 1,
            f"invalid YAML: {opened} (the file ends at line {end_line}:{end_column})",
        )
    if at_end:  # past the last line: point at the file's last character instead
        end = len(text.rstrip())
        line, column = _position(text, max(end - 1, 0))
        return InputError(
            path, line, column, f"invalid YAML: {problem} (at the end of the file, line {line})"
        )
    mark = problem_mark or context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if "nesting depth" in problem:
        # libyaml 0.2.5+ (PyYAML 6.0.4) refuses deep nesting while scanning ahead, before
        # the builder sees the events: the same refusal, in podcheck's words.
        return InputError(path, line, column, _TOO_DEEP)
    return InputError(path, line, column, f"invalid YAML: {problem}")


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels; no org file needs that"
_TOO_MANY = f"more than {MAX_VALUES:,} values; no org file needs that many"


class _Builder:
    """Turns parser events into values and places, refusing what podcheck does not accept.

    It runs once per value of every file, so the open collection's state lives in local
    variables (saved on a stack while a child is open), the common path (a scalar) is
    written out in the loop, and events are told apart by their exact class.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.places: dict[Path, Place] = {}

    def build(self, next_event: Callable[[], Any]) -> Document:
        places = self.places
        root: Value = None
        documents = 0
        # The open collection (exactly one of mapping and sequence is set, or neither at
        # the top level), its path, the key waiting for its value and the next list index.
        mapping: dict[str, Value] | None = None
        sequence: list[Value] | None = None
        path: Path = ()
        key: str | None = None
        key_mark: Mark = None
        index = 0
        # The enclosing collections' states, saved while a child is open.
        stack: list[tuple[Any, Any, Path, Any, Mark, int]] = []
        at: Path
        while (event := next_event()) is not None:
            kind = type(event)
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    self.refuse_properties(event)
                text, style = event.value, event.style
                if mapping is not None:
                    if key is None:
                        if text in mapping or (text == "<<" and not style):
                            raise self.refuse_key(path, event)
                        key, key_mark = text, event.start_mark
                        continue
                    # A mapping's value, the most common event. Quoted and block scalars
                    # are text, and so are most plain ones (words): no call for those.
                    if style or (text[:1] not in _NUMBER_START and text not in _KEYWORDS):
                        value = text
                    else:
                        value = resolve_plain(text)
                    mapping[key] = value
                    at = (*path, key)
                    places[at] = (event.start_mark, key_mark, text, not style)
                    key = None
                    if len(places) > MAX_VALUES:
                        raise self.fail(event.start_mark, _TOO_MANY)
                    continue
                if len(places) > MAX_VALUES:
                    raise self.fail(event.start_mark, _TOO_MANY)
                value = text if style else resolve_plain(text)
                if sequence is not None:
                    sequence.append(value)
                    at = (*path, index)
                    places[at] = (event.start_mark, None, text, not style)
                    index += 1
                else:
                    root = value
                    places[()] = (event.start_mark, None, text, not style)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                self.refuse_properties(event)
                mark = event.start_mark
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(mark, _TOO_DEEP)
                if mapping is not None and key is None:
                    raise self.fail(
                        mark, "a mapping key must be a plain value, not a list or mapping"
                    )
                if len(places) > MAX_VALUES:
                    raise self.fail(mark, _TOO_MANY)
                container: Any = {} if kind is MappingStartEvent else []
                inner: Path
                if mapping is not None:
                    mapping[key] = container  # type: ignore[index]
                    inner = (*path, key)  # type: ignore[arg-type]
                    places[inner] = (mark, key_mark, None, False)
                    key = None
                elif sequence is not None:
                    sequence.append(container)
                    inner = (*path, index)
                    places[inner] = (mark, None, None, False)
                    index += 1
                else:
                    root, inner = container, ()
                    places[()] = (mark, None, None, False)
                stack.append((mapping, sequence, path, key, key_mark, index))
                if kind is MappingStartEvent:
                    mapping, sequence = container, None
                else:
                    mapping, sequence = None, container
                path, key, key_mark, index = inner, None, None, 0
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                mapping, sequence, path, key, key_mark, index = stack.pop()
            elif kind is AliasEvent:
                raise self.fail(
                    event.start_mark, f"alias '*{event.anchor}' is not allowed; write the value out"
                )
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self.fail(
                        event.start_mark, "more than one YAML document; expected exactly one"
                    )
        return Document(self.path, root, places)

    def fail(self, mark: Mark, message: str) -> InputErrors:
        return InputErrors([InputError(self.path, mark.line + 1, mark.column + 1, message)])

    def refuse_properties(self, event: yaml.ScalarEvent | yaml.CollectionStartEvent) -> None:
        if event.anchor is not None:
            raise self.fail(
                event.start_mark, f"anchor '&{event.anchor}' is not allowed; write the value out"
            )
        if event.tag is not None:
            raise self.fail(
                event.start_mark, f"tag '{event.tag}' is not allowed; write plain values"
            )

    def refuse_key(self, path: Path, event: yaml.ScalarEvent) -> InputErrors:
        """The error for a merge key or a key given twice in the mapping at `path`."""
        key = event.value
        if key == "<<" and not event.style:
            return self.fail(event.start_mark, "merge key '<<' is not allowed; write the keys out")
        at = (*path, key)
        first = self.places[at][1]
        assert first is not None  # every value in a mapping has its key's mark
        message = f"duplicate key {excerpt(key)} (first given at line {first.line + 1})"
        return self.fail(event.start_mark, message)
