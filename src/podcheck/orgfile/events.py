"""The full YAML reader: libyaml's event stream built into a located document.

The document is built from the parser's event stream with an explicit stack, never by
PyYAML's recursive composer: a deeply nested document is refused at the depth limit
instead of overflowing the C stack. Tags, anchors, aliases and merge keys are refused
as they appear, so no YAML feature beyond plain data can reach the rest of podcheck.

Importing PyYAML costs a run more than reading a typical file does (its pure-Python
reader compiles a large pattern at import), so this module is imported only for a file
that the block reader (podcheck.orgfile.block) leaves to it.
"""

from collections.abc import Callable
from typing import Any

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

from podcheck.core.errors import InputError, InputErrors
from podcheck.core.inert import excerpt
from podcheck.orgfile.source import (
    KEYWORDS,
    MAX_DEPTH,
    MAX_VALUES,
    NUMBER_START,
    TOO_DEEP,
    TOO_MANY,
    Document,
    Mark,
    Path,
    Place,
    Value,
    resolve_plain,
)

try:  # libyaml is several times faster; the pure-Python parser gives the same events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def parse(text: str, path: str) -> Document:
    """Parse one YAML document of plain data with libyaml; raise InputErrors on anything else."""
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


TAB = "a tab, where YAML indents with spaces only; indent with spaces"

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
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        # libyaml says "cannot start any token" of a tab that indents a line.
        return InputError(path, line, column, f"invalid YAML: {TAB}")
    if "nesting depth" in problem:
        # libyaml 0.2.5+ (PyYAML 6.0.4) refuses deep nesting while scanning ahead, before
        # the builder sees the events: the same refusal, in podcheck's words.
        return InputError(path, line, column, TOO_DEEP)
    return InputError(path, line, column, f"invalid YAML: {problem}")


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


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
                    if style or (text[:1] not in NUMBER_START and text not in KEYWORDS):
                        value = text
                    else:
                        value = resolve_plain(text)
                    mapping[key] = value
                    at = (*path, key)
                    places[at] = (event.start_mark, key_mark, text, not style)
                    key = None
                    if len(places) > MAX_VALUES:
                        raise self.fail(event.start_mark, TOO_MANY)
                    continue
                if len(places) > MAX_VALUES:
                    raise self.fail(event.start_mark, TOO_MANY)
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
                    raise self.fail(mark, TOO_DEEP)
                if mapping is not None and key is None:
                    raise self.fail(
                        mark, "a mapping key must be a plain value, not a list or mapping"
                    )
                if len(places) > MAX_VALUES:
                    raise self.fail(mark, TOO_MANY)
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
