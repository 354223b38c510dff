"""The block style most org files are written in, read without PyYAML.

A file made only of printable ASCII lines of `key: value`, `key:` with a nested block,
`- value` and `- key: value` items, comment lines and blank lines, where every value is
a plain scalar of ordinary characters, a quoted one without escapes, or a one-line list
or mapping of those (`[a, b]`, `{ae: 1, csm: 1}`), is read here, line by line, into the
same values at the same places as libyaml gives (the tests compare the two on every
YAML file of the repository and on generated files). Importing PyYAML costs a run more
than reading a typical file, and its events cost more than these lines do.

Anything else (nested or multi-line flow collections, multi-line or empty values, tags,
anchors, document markers, a key given twice, tabs, other characters, a depth or size
limit reached) returns None, and the file is read by libyaml, which gives the errors too.
"""

import re
from typing import Any, NamedTuple

from podcheck.orgfile.source import (
    KEYWORDS,
    MAX_DEPTH,
    MAX_VALUES,
    NUMBER_START,
    Document,
    Path,
    Place,
    Value,
    resolve_plain,
)


class Mark(NamedTuple):
    """Where a value starts, counted from 0 as libyaml's marks are."""

    line: int
    column: int


_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# A plain value's first character: not one YAML gives a meaning at the start of a value.
_PLAIN_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789$.~+_(/")


# Document markers and directives, which stand at the start of a line.
_MARKERS = ("---", "...", "%")
_new = tuple.__new__


# How a line reads on its own, whatever stands around it: kinds of line and of value.
_SKIP = 0  # blank, or a comment
_ITEM = 1  # `- value` or `- [flow]`: (kind, indent, value kind, column, scalar or flow text)
_ENTRY = 2  # `key: ...` or `- key: ...`: (kind, indent, value kind, column, scalar or flow
# text, key, the key's column, whether the line opens a list item)
_SCALAR, _FLOW, _OPEN = 0, 1, 2  # a value on the line, a one-line list or mapping, none yet
# A scalar as read: (as written, its style: '' plain or the quote, its value).
Lexed = tuple[Any, ...] | None

# Org files repeat their lines (the same keys, policies and small values in file after file
# and pod after pod): a run reads each distinct short line once. Bounded: cleared when full.
_LINES: dict[str, Lexed] = {}
_LINES_KEPT = 16_384
_LINE_REMEMBERED = 200  # longer lines are read each time
_UNREAD: Any = object()


def read(text: str, path: str) -> Document | None:
    """The document, or None when `text` is not in the block style this reader takes."""
    # ASCII only; each line is printable and no document marker (_lex).
    if not text.isascii():
        return None
    # A line holds at most two values, and one more per comma: a file with fewer lines
    # and commas cannot pass the limit.
    if (text.count("\n") + text.count(",") + 1) * 2 >= MAX_VALUES:
        return None
    places: dict[Path, Place] = {}
    root: Value = None
    # The open block (its keys' or dashes' column, its mapping or list, its path), and
    # the enclosing ones, saved while it is open.
    indent_now = -1
    mapping: dict[str, Value] | None = None
    sequence: list[Value] | None = None
    at_now: Path = ()
    stack: list[tuple[int, dict[str, Value] | None, list[Value] | None, Path]] = []
    # A `key:` whose value is the block on the next lines: its key and the key's mark.
    waiting: tuple[str, Mark] | None = None
    # After a value on a line, the next line may not be indented further than this (it
    # would continue the value over lines, which this reader leaves to libyaml).
    deepest = -1
    remembered = _LINES.get
    for number, line in enumerate(text.split("\n")):
        lexed = remembered(line, _UNREAD)
        if lexed is _UNREAD:
            lexed = _lex(line)
            if len(line) <= _LINE_REMEMBERED:
                if len(_LINES) >= _LINES_KEPT:
                    _LINES.clear()
                _LINES[line] = lexed
        if lexed is None:
            return None
        kind = lexed[0]
        if kind == _SKIP:
            continue
        indent = lexed[1]
        dash = kind == _ITEM or lexed[7]
        if waiting is not None:
            key, key_mark = waiting
            waiting = None
            if indent < indent_now or (indent == indent_now and not dash):
                return None  # an empty value: libyaml says where it stands
            if len(stack) >= MAX_DEPTH:
                return None
            inner = (*at_now, key)
            child: dict[str, Value] | list[Value] = [] if dash else {}
            mapping[key] = child  # type: ignore[index]
            places[inner] = (_new(Mark, (number, indent)), key_mark, None, False)
            stack.append((indent_now, mapping, sequence, at_now))
            indent_now, at_now = indent, inner
            mapping, sequence = (None, child) if dash else (child, None)  # type: ignore[assignment]
        elif indent > deepest >= 0:
            return None
        while indent < indent_now:
            if not stack:
                return None
            indent_now, mapping, sequence, at_now = stack.pop()
        if indent_now < 0:  # the first line: the document's mapping or list
            if places:
                return None
            child = [] if dash else {}
            root = child
            places[()] = (_new(Mark, (number, indent)), None, None, False)
            stack.append((-1, None, None, ()))
            indent_now = indent
            mapping, sequence = (None, child) if dash else (child, None)  # type: ignore[assignment]
        if indent != indent_now:
            return None
        if sequence is not None and not dash:
            # A list at its key's own indentation ends where the next key starts.
            indent_now, mapping, sequence, at_now = stack.pop()
            if mapping is None or indent != indent_now:
                return None
        if dash:
            if sequence is None:
                return None  # a list item among keys
            at = (*at_now, len(sequence))
            column = indent + 2
            if kind == _ENTRY:
                # `- key: value`: a mapping whose keys stand two columns in.
                if len(stack) >= MAX_DEPTH:
                    return None
                opened: dict[str, Value] = {}
                sequence.append(opened)
                places[at] = (_new(Mark, (number, column)), None, None, False)
                stack.append((indent_now, mapping, sequence, at_now))
                indent_now, mapping, sequence, at_now = column, opened, None, at
                indent = column
            elif lexed[2] == _FLOW:
                if len(stack) >= MAX_DEPTH:
                    return None
                flow = _flow(lexed[4], number, column)
                if flow is None:
                    return None
                sequence.append(flow[0])
                places[at] = (_new(Mark, (number, column)), None, None, False)
                for step, place in flow[1]:
                    inner_at = (*at, step)
                    places[inner_at] = place
                deepest = indent
                continue
            else:
                raw, style, value = lexed[4]
                sequence.append(value)
                places[at] = (_new(Mark, (number, column)), None, raw, not style)
                deepest = indent
                continue
        assert mapping is not None
        key = lexed[5]
        if key in mapping:
            return None
        key_mark = _new(Mark, (number, indent))
        held = lexed[2]
        if held == _OPEN:
            waiting = (key, key_mark)
            deepest = -1
            continue
        column = lexed[3]
        at = (*at_now, key)
        if held == _FLOW:
            if len(stack) >= MAX_DEPTH:
                return None
            flow = _flow(lexed[4], number, column)
            if flow is None:
                return None
            mapping[key] = flow[0]
            places[at] = (_new(Mark, (number, column)), key_mark, None, False)
            for step, place in flow[1]:
                inner_at = (*at, step)
                places[inner_at] = place
            deepest = indent
            continue
        raw, style, value = lexed[4]
        mapping[key] = value
        places[at] = (_new(Mark, (number, column)), key_mark, raw, not style)
        deepest = indent
    if waiting is not None or not places:
        return None
    return Document(path, root, places)


def _lex(line: str) -> Lexed:
    """How `line` reads on its own (see _SKIP, _ITEM, _ENTRY); None for a line this reader
    leaves to libyaml whatever stands around it."""
    # Printable only (no tab, no carriage return, no other break); no document marker.
    if not line.isprintable() or line.startswith(_MARKERS):
        return None
    content = line.lstrip(" ")
    if not content or content[0] == "#":
        return (_SKIP,)
    indent = len(line) - len(content)
    if content[0] == "-" and (len(content) == 1 or content[1] == " "):
        if len(content) < 3 or content[2] == " ":
            return None
        item, column = content[2:], indent + 2
        if item[0] == "-" and (len(item) == 1 or item[1] == " "):
            return None  # a list in a list
        if item[0] == "[" or item[0] == "{":
            return (_ITEM, indent, _FLOW, column, item)
        if ": " in item or item[-1] == ":":
            return _entry(item, indent, column, opens_item=True)
        scalar = _scalar(item)
        if scalar is None:
            return None
        raw, style = scalar
        return (_ITEM, indent, _SCALAR, column, (raw, style, _value(raw, style)))
    return _entry(content, indent, indent, opens_item=False)


def _entry(content: str, indent: int, key_column: int, *, opens_item: bool) -> Lexed:
    """`key: ...` standing at `key_column`, on a line indented `indent` (two less for a
    `- key: ...` item)."""
    colon = content.find(":")
    key = content[:colon]
    if colon < 1 or not (key.isidentifier() or _KEY.fullmatch(key)):
        return None
    rest = content[colon + 1 :]
    value = rest.lstrip(" ")
    if not value or value[0] == "#":
        if rest and rest[0] != " ":
            return None
        return (_ENTRY, indent, _OPEN, None, None, key, key_column, opens_item)
    if rest[0] != " ":
        return None
    column = key_column + colon + 1 + len(rest) - len(value)
    if value[0] == "[" or value[0] == "{":
        return (_ENTRY, indent, _FLOW, column, value, key, key_column, opens_item)
    if value[0] in _PLAIN_START and ":" not in value and "#" not in value:
        raw, style = value.rstrip(" "), ""  # the common value: a plain word or number
    else:
        scalar = _scalar(value)
        if scalar is None:
            return None
        raw, style = scalar
    return (
        _ENTRY,
        indent,
        _SCALAR,
        column,
        (raw, style, _value(raw, style)),
        key,
        key_column,
        opens_item,
    )


def _scalar(text: str) -> tuple[str, str] | None:
    """A value as written and its style ('' plain, or the quote), without any comment;
    None for a value this reader leaves to libyaml."""
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment]
    text = text.rstrip(" ")
    first = text[0]
    if first == "'" or first == '"':
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != first or first in inner or "\\" in inner:
            return None
        return inner, first
    if first not in _PLAIN_START and not (first == "-" and text[1:2].isdigit()):
        return None
    if ":" in text or "#" in text:
        return None
    return text, ""


def _flow(
    text: str, number: int, column: int
) -> tuple[Value, list[tuple[str | int, Place]]] | None:
    """A list or mapping of values written on one line (`[a, b]`, `{a: 1, b: 2}`, a comment
    after it allowed): the value and each item's step and place; None for anything else."""
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment]
    text = text.rstrip(" ")
    closing = "]" if text[0] == "[" else "}"
    inner = text[1:-1]
    if len(text) < 2 or text[-1] != closing or any(c in inner for c in "[]{}#"):
        return None
    if not inner.strip(" "):
        return ([] if closing == "]" else {}), []
    if closing == "}":
        return _flow_mapping(inner, number, column + 1)
    items: list[Value] = []
    places: list[tuple[str | int, Place]] = []
    start = column + 1
    for index, part in enumerate(inner.split(",")):
        item = part.strip(" ")
        scalar = _scalar(item) if item else None
        if scalar is None:
            return None
        raw, style = scalar
        items.append(_value(raw, style))
        at = start + len(part) - len(part.lstrip(" "))
        places.append((index, (_new(Mark, (number, at)), None, raw, not style)))
        start += len(part) + 1
    return items, places


def _flow_mapping(
    inner: str, number: int, start: int
) -> tuple[Value, list[tuple[str | int, Place]]] | None:
    """`key: value, ...` between braces: each value plain, each key a name given once."""
    mapping: dict[str, Value] = {}
    places: list[tuple[str | int, Place]] = []
    for part in inner.split(","):
        item = part.lstrip(" ")
        colon = item.find(": ")
        key, value = item[:colon], item[colon + 2 :].strip(" ")
        if colon < 1 or not value or key in mapping or not _KEY.fullmatch(key) or ":" in value:
            return None
        scalar = _scalar(value)
        if scalar is None:
            return None
        raw, style = scalar
        key_at = start + len(part) - len(item)
        value_at = key_at + colon + 2 + len(item[colon + 2 :]) - len(item[colon + 2 :].lstrip(" "))
        mapping[key] = _value(raw, style)
        places.append(
            (key, (_new(Mark, (number, value_at)), _new(Mark, (number, key_at)), raw, not style))
        )
        start += len(part) + 1
    return mapping, places


def _value(raw: str, style: str) -> Value:
    if style or (raw[:1] not in NUMBER_START and raw not in KEYWORDS):
        return raw
    return resolve_plain(raw)
