"""Strict validation of plain data against podcheck's frozen dataclasses.

podcheck runs in every CI job, so its start-up budget is a few tens of milliseconds; building
pydantic models costs more than that before a file is read. The format is therefore written
as plain dataclasses with small constraint markers (Bounds, Length, Pattern, Parsed),
validated here by reading their type hints. pydantic still generates the JSON Schema from
the same dataclasses (schema.py), and the tests check that pydantic and this validator
accept and reject the same documents.

Problems are reported as dicts shaped like pydantic's errors (`loc`, `type`, `ctx`, `input`,
`msg`), so the loader turns both into the same one-line messages.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar, Union

from podcheck.numbers import AmountError

T = TypeVar("T")
Loc = tuple[str | int, ...]
_MISSING = object()


@dataclass(frozen=True)
class Strict:
    """No conversions: "12" is not 12. podcheck's validator is always strict; pydantic is told."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema["strict"] = True
        return schema


STRICT = Strict()


@dataclass(frozen=True)
class Bounds:
    """A number within `ge`..`le` (either may be None)."""

    ge: int | None = None
    le: int | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema.update(
            {key: value for key, value in (("ge", self.ge), ("le", self.le)) if value is not None}
        )
        return schema


@dataclass(frozen=True)
class Length:
    """A string or list with `min_length`..`max_length` items (either may be None)."""

    min_length: int | None = None
    max_length: int | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        limits = (("min_length", self.min_length), ("max_length", self.max_length))
        schema.update({key: value for key, value in limits if value is not None})
        return schema


@dataclass(frozen=True)
class Pattern:
    """A string must match this regular expression (anchored at both ends)."""

    regex: str
    message: str

    @property
    def compiled(self) -> re.Pattern[str]:
        return _compiled(self.regex)

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema["pattern"] = f"^(?:{self.regex})$"  # JSON Schema patterns search; anchor them
        return schema


@dataclass(frozen=True, eq=False)  # compared by identity: its JSON schema is a dict
class Parsed:
    """The value is read by `parse` (money, percentages); `kind` names the error type."""

    parse: Callable[[Any], Any]
    kind: str
    json_schema: dict[str, Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import PydanticCustomError, core_schema

        def validate(value: Any) -> Any:
            try:
                return self.parse(value)
            except AmountError as exc:
                raise PydanticCustomError(self.kind, str(exc)) from None

        return core_schema.no_info_plain_validator_function(validate)

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return dict(self.json_schema)


@dataclass(frozen=True)
class Expect:
    """What to say when a value matches no member of a union."""

    kind: str
    message: str


@cache
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


@cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


class Invalid(Exception):
    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(problems)} validation problem(s)")
        self.problems = problems


def validate(cls: type[T], data: Any) -> T:
    """An instance of the dataclass `cls` built from `data`, or Invalid listing every problem."""
    problems: list[dict[str, Any]] = []
    value = _check(cls, data, (), problems)
    if problems:
        raise Invalid(problems)
    return value


def _problem(
    problems: list[dict[str, Any]], loc: Loc, kind: str, value: Any, msg: str = "", **ctx: Any
) -> object:
    problems.append({"loc": loc, "type": kind, "input": value, "msg": msg, "ctx": ctx})
    return _MISSING


def _expected(choices: tuple[Any, ...]) -> str:
    items = [repr(choice) for choice in choices]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _check(tp: Any, value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(tp)
        return _annotated(base, metadata, value, loc, problems)
    if tp is Any:
        return value
    if origin is Literal:
        choices = typing.get_args(tp)
        if any(value == choice and type(value) is type(choice) for choice in choices):
            return value
        return _problem(problems, loc, "literal_error", value, expected=_expected(choices))
    if origin is Union or origin is types.UnionType:
        return _union(tp, typing.get_args(tp), value, loc, problems, None)
    if origin is list:
        if type(value) is not list:
            return _problem(problems, loc, "list_type", value)
        (item,) = typing.get_args(tp)
        checked = [_check(item, element, (*loc, i), problems) for i, element in enumerate(value)]
        return _MISSING if _MISSING in checked else checked
    if origin is dict:
        if type(value) is not dict:
            return _problem(problems, loc, "dict_type", value)
        _, item = typing.get_args(tp)
        checked_map = {
            key: _check(item, element, (*loc, key), problems) for key, element in value.items()
        }
        return _MISSING if _MISSING in checked_map.values() else checked_map
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp, value, loc, problems)
    if tp is bool:
        return value if type(value) is bool else _problem(problems, loc, "bool_type", value)
    if tp is int:
        return value if type(value) is int else _problem(problems, loc, "int_type", value)
    if tp is str:
        return value if type(value) is str else _problem(problems, loc, "string_type", value)
    raise TypeError(f"validation does not support {tp!r}")  # a model bug, not an input error


def _annotated(
    base: Any, metadata: list[Any], value: Any, loc: Loc, problems: list[dict[str, Any]]
) -> Any:
    parsed = next((m for m in metadata if isinstance(m, Parsed)), None)
    if parsed is not None:
        try:
            return parsed.parse(value)
        except AmountError as exc:
            return _problem(problems, loc, parsed.kind, value, str(exc))
    expect = next((m for m in metadata if isinstance(m, Expect)), None)
    origin = typing.get_origin(base)
    if expect is not None and (origin is Union or origin is types.UnionType):
        return _union(base, typing.get_args(base), value, loc, problems, expect)
    before = len(problems)
    checked = _check(base, value, loc, problems)
    if len(problems) > before:
        return _MISSING
    for constraint in metadata:
        if not _satisfies(constraint, checked, loc, problems):
            return _MISSING
    return checked


def _satisfies(constraint: Any, value: Any, loc: Loc, problems: list[dict[str, Any]]) -> bool:
    is_text = isinstance(value, str)
    if isinstance(constraint, Bounds):
        if constraint.ge is not None and value < constraint.ge:
            _problem(problems, loc, "greater_than_equal", value, ge=constraint.ge)
            return False
        if constraint.le is not None and value > constraint.le:
            _problem(problems, loc, "less_than_equal", value, le=constraint.le)
            return False
    elif isinstance(constraint, Length):
        if constraint.min_length is not None and len(value) < constraint.min_length:
            kind = "string_too_short" if is_text else "too_short"
            _problem(problems, loc, kind, value, min_length=constraint.min_length)
            return False
        if constraint.max_length is not None and len(value) > constraint.max_length:
            kind = "string_too_long" if is_text else "too_long"
            _problem(problems, loc, kind, value, max_length=constraint.max_length)
            return False
    elif isinstance(constraint, Pattern) and not constraint.compiled.fullmatch(value):
        _problem(
            problems,
            loc,
            "string_pattern_mismatch",
            value,
            constraint.message,
            pattern=constraint.regex,
        )
        return False
    return True


def _shape(tp: Any) -> type:
    """The Python type of data a union member accepts, to pick the member by the data."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _shape(typing.get_args(tp)[0])
    if dataclasses.is_dataclass(tp) or origin is dict:
        return dict
    if origin is list:
        return list
    return tp if isinstance(tp, type) else object


def _union(
    tp: Any,
    members: tuple[Any, ...],
    value: Any,
    loc: Loc,
    problems: list[dict[str, Any]],
    expect: Expect | None,
) -> Any:
    if value is None and type(None) in members:
        return None
    candidates = [m for m in members if m is not type(None)]
    if len(candidates) == 1:
        return _check(candidates[0], value, loc, problems)
    for member in candidates:
        if type(value) is _shape(member):
            return _check(member, value, loc, problems)
    if expect is not None:
        return _problem(problems, loc, expect.kind, value, expect.message)
    return _problem(problems, loc, "union_type", value, f"expected {tp}")


def _dataclass(cls: type, value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
    if type(value) is not dict:
        return _problem(problems, loc, "model_type", value)
    hints = _hints(cls)
    fields = _fields(cls)
    names = {f.name for f in fields}
    before = len(problems)
    for key in value:
        if key not in names:
            _problem(problems, (*loc, key), "extra_forbidden", value[key])
    arguments: dict[str, Any] = {}
    for field in fields:
        if field.name in value:
            arguments[field.name] = _check(
                hints[field.name], value[field.name], (*loc, field.name), problems
            )
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            _problem(problems, (*loc, field.name), "missing", _MISSING)
    if len(problems) > before:
        return _MISSING
    return cls(**arguments)


def field_names(cls: type, loc: Loc) -> list[str]:
    """The keys allowed at `loc` below the dataclass `cls`, for "did you mean" suggestions."""
    candidates: list[Any] = [cls]
    for step in loc:
        following: list[Any] = []
        for candidate in _members(candidates):
            if (
                isinstance(step, str)
                and isinstance(candidate, type)
                and dataclasses.is_dataclass(candidate)
            ):
                hints = _hints(candidate)
                if step in hints:
                    following.append(hints[step])
            elif isinstance(step, int) and typing.get_origin(candidate) is list:
                following.extend(typing.get_args(candidate))
            elif typing.get_origin(candidate) is dict:
                following.append(typing.get_args(candidate)[1])
        candidates = following or candidates
    classes = [
        c for c in _members(candidates) if isinstance(c, type) and dataclasses.is_dataclass(c)
    ]
    return sorted({f.name for c in classes for f in _fields(c)})


def _members(annotations: list[Any]) -> Iterator[Any]:
    for annotation in annotations:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            yield from _members([typing.get_args(annotation)[0]])
        elif origin is Union or origin is types.UnionType:
            yield from _members([a for a in typing.get_args(annotation) if a is not type(None)])
        else:
            yield annotation
