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

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, Literal, NamedTuple, TypeVar, Union

from podcheck.core.numbers import AmountError

T = TypeVar("T")
Loc = tuple[str | int, ...]
_MISSING = object()


# The constraint markers are tuples and plain classes rather than dataclasses: every
# run imports them, and a dataclass costs its methods' compilation at each start-up.


class Strict:
    """No conversions: "12" is not 12. podcheck's validator is always strict; pydantic is told."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema["strict"] = True
        return schema


STRICT = Strict()


class Bounds(NamedTuple):
    """A number within `ge`..`le` (either may be None)."""

    ge: int | None = None
    le: int | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema.update(
            {key: value for key, value in (("ge", self.ge), ("le", self.le)) if value is not None}
        )
        return schema


class Length(NamedTuple):
    """A string or list with `min_length`..`max_length` items (either may be None)."""

    min_length: int | None = None
    max_length: int | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        limits = (("min_length", self.min_length), ("max_length", self.max_length))
        schema.update({key: value for key, value in limits if value is not None})
        return schema


class Pattern(NamedTuple):
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


class Parsed:
    """The value is read by `parse` (money, percentages); `kind` names the error type.

    Compared by identity: its JSON schema is a dict.
    """

    __slots__ = ("json_schema", "kind", "parse")

    def __init__(self, parse: Callable[[Any], Any], kind: str, json_schema: dict[str, Any]):
        self.parse = parse
        self.kind = kind
        self.json_schema = json_schema

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


class Expect(NamedTuple):
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


# Past this many problems a file is not worth reading further: validation stops, so that a
# file of thousands of empty entries costs no more than one with a few.
MAX_PROBLEMS = 50


class Invalid(Exception):
    def __init__(self, problems: list[dict[str, Any]], complete: bool = True) -> None:
        super().__init__(f"{len(problems)} validation problem(s)")
        self.problems = problems
        self.complete = complete  # False: validation stopped at MAX_PROBLEMS


class _Enough(Exception):
    """Raised once MAX_PROBLEMS are recorded, to stop validating."""


def validate(cls: type[T], data: Any) -> T:
    """An instance of the dataclass `cls` built from `data`, or Invalid listing the problems
    (every one, or the first MAX_PROBLEMS)."""
    problems: list[dict[str, Any]] = []
    try:
        value: T = _checker(typing.cast(Any, cls))(data, (), problems)
    except _Enough:
        raise Invalid(problems, complete=False) from None
    if problems:
        raise Invalid(problems)
    return value


# A checker returns the checked value, or _MISSING after recording why in `problems`.
Checker = Callable[[Any, Loc, list[dict[str, Any]]], Any]


def _problem(
    problems: list[dict[str, Any]], loc: Loc, kind: str, value: Any, msg: str = "", **ctx: Any
) -> object:
    problems.append({"loc": loc, "type": kind, "input": value, "msg": msg, "ctx": ctx})
    if len(problems) > MAX_PROBLEMS:
        raise _Enough
    return _MISSING


def _expected(choices: tuple[Any, ...]) -> str:
    items = [repr(choice) for choice in choices]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


@cache
def _checker(tp: Any) -> Checker:
    """The checker for a type hint, built once: reading type hints on every value is slow."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(tp)
        return _annotated(base, tuple(metadata))
    if tp is Any:
        return lambda value, loc, problems: value
    if origin is Literal:
        return _literal(typing.get_args(tp))
    if origin is Union or origin is types.UnionType:
        return _union(tp, None)
    if origin is list:
        return _list(typing.get_args(tp)[0])
    if origin is dict:
        return _dict(typing.get_args(tp)[1])
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp)
    if tp in _SCALARS:
        return _scalar(tp, _SCALARS[tp])
    raise TypeError(f"validation does not support {tp!r}")  # a model bug, not an input error


_SCALARS = {bool: "bool_type", int: "int_type", str: "string_type"}


def _scalar(tp: type, kind: str) -> Checker:
    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        # Exact types: True is not an integer, and no string is taken for a number.
        return value if type(value) is tp else _problem(problems, loc, kind, value)

    return check


def _literal(choices: tuple[Any, ...]) -> Checker:
    allowed = frozenset((type(choice), choice) for choice in choices)
    expected = _expected(choices)

    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        try:
            if (type(value), value) in allowed:
                return value
        except TypeError:  # an unhashable value (a list or mapping) is no choice
            pass
        return _problem(problems, loc, "literal_error", value, expected=expected, choices=choices)

    return check


# A checker records a problem whenever it returns _MISSING, so a collection is complete
# when no problem was added while checking it: counting is cheaper than searching it for
# _MISSING (which would compare every item with it).


def _later(tp: Any) -> Callable[[], Checker]:
    """The checker of `tp`, built on first use (types may refer to each other) and kept."""
    built: list[Checker] = []

    def get() -> Checker:
        if not built:
            built.append(_checker(tp))
        return built[0]

    return get


def _list(item: Any) -> Checker:
    item_checker = _later(item)

    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        if type(value) is not list:
            return _problem(problems, loc, "list_type", value)
        check_item = item_checker()
        before = len(problems)
        checked = [check_item(element, (*loc, i), problems) for i, element in enumerate(value)]
        return _MISSING if len(problems) > before else checked

    return check


def _dict(item: Any) -> Checker:
    item_checker = _later(item)

    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        if type(value) is not dict:
            return _problem(problems, loc, "dict_type", value)
        check_item = item_checker()
        before = len(problems)
        checked = {
            key: check_item(element, (*loc, key), problems) for key, element in value.items()
        }
        return _MISSING if len(problems) > before else checked

    return check


def _annotated(base: Any, metadata: tuple[Any, ...]) -> Checker:
    parsed = next((m for m in metadata if isinstance(m, Parsed)), None)
    if parsed is not None:
        return _parsed(parsed)
    expect = next((m for m in metadata if isinstance(m, Expect)), None)
    origin = typing.get_origin(base)
    if expect is not None and (origin is Union or origin is types.UnionType):
        return _union(base, expect)
    check_base = _checker(base)
    constraints = tuple(c for c in map(_constraint, metadata) if c is not None)
    if not constraints:
        return check_base
    if base in _SCALARS:  # the common case, checked in one call
        kind = _SCALARS[base]

        def check_scalar(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
            if type(value) is not base:
                return _problem(problems, loc, kind, value)
            for satisfied in constraints:
                if not satisfied(value, loc, problems):
                    return _MISSING
            return value

        return check_scalar

    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        checked = check_base(value, loc, problems)
        if checked is _MISSING:
            return _MISSING
        for satisfied in constraints:
            if not satisfied(checked, loc, problems):
                return _MISSING
        return checked

    return check


def _parsed(parsed: Parsed) -> Checker:
    parse, kind = parsed.parse, parsed.kind

    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        try:
            return parse(value)
        except AmountError as exc:
            return _problem(problems, loc, kind, value, str(exc))

    return check


Constraint = Callable[[Any, Loc, list[dict[str, Any]]], bool]


def _constraint(marker: Any) -> Constraint | None:
    """A test for one constraint marker; None for markers that constrain nothing here."""
    if isinstance(marker, Bounds):
        return _bounds(marker)
    if isinstance(marker, Length):
        return _length(marker)
    if isinstance(marker, Pattern):
        return _pattern(marker)
    return None


def _bounds(bounds: Bounds) -> Constraint:
    def satisfied(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> bool:
        if bounds.ge is not None and value < bounds.ge:
            _problem(problems, loc, "greater_than_equal", value, ge=bounds.ge)
            return False
        if bounds.le is not None and value > bounds.le:
            _problem(problems, loc, "less_than_equal", value, le=bounds.le)
            return False
        return True

    return satisfied


def _length(length: Length) -> Constraint:
    def satisfied(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> bool:
        is_text = isinstance(value, str)
        if length.min_length is not None and len(value) < length.min_length:
            kind = "string_too_short" if is_text else "too_short"
            _problem(problems, loc, kind, value, min_length=length.min_length)
            return False
        if length.max_length is not None and len(value) > length.max_length:
            kind = "string_too_long" if is_text else "too_long"
            _problem(problems, loc, kind, value, max_length=length.max_length)
            return False
        return True

    return satisfied


def _pattern(pattern: Pattern) -> Constraint:
    fullmatch = pattern.compiled.fullmatch

    def satisfied(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> bool:
        if fullmatch(value):
            return True
        _problem(
            problems, loc, "string_pattern_mismatch", value, pattern.message, pattern=pattern.regex
        )
        return False

    return satisfied


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


def _union(tp: Any, expect: Expect | None) -> Checker:
    members = typing.get_args(tp)
    optional = type(None) in members
    candidates = [m for m in members if m is not type(None)]
    if len(candidates) == 1:
        only = _checker(candidates[0])

        def check_optional(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
            return None if value is None and optional else only(value, loc, problems)

        return check_optional
    by_shape = {}
    for member in reversed(candidates):  # the first member of a shape wins
        by_shape[_shape(member)] = _later(member)
    message = expect.message if expect else f"expected {tp}"
    kind = expect.kind if expect else "union_type"

    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        if value is None and optional:
            return None
        member = by_shape.get(type(value))
        if member is None:
            return _problem(problems, loc, kind, value, message)
        return member()(value, loc, problems)

    return check


def _dataclass(cls: type) -> Checker:
    fields = _fields(cls)
    names = frozenset(f.name for f in fields)
    # (name, required, checker), filled on first use so that types may refer to each other.
    checkers: list[tuple[str, bool, Checker]] = []

    def check(value: Any, loc: Loc, problems: list[dict[str, Any]]) -> Any:
        if type(value) is not dict:
            return _problem(problems, loc, "model_type", value)
        if not checkers:
            hints = _hints(cls)
            checkers.extend((f.name, _required(f), _checker(hints[f.name])) for f in fields)
        before = len(problems)
        if not names.issuperset(value):
            for key in value:
                if key not in names:
                    _problem(problems, (*loc, key), "extra_forbidden", value[key])
        arguments: dict[str, Any] = {}
        for name, required, check_field in checkers:
            if name in value:
                arguments[name] = check_field(value[name], (*loc, name), problems)
            elif required:
                _problem(problems, (*loc, name), "missing", _MISSING)
        if len(problems) > before:
            return _MISSING
        return cls(**arguments)

    return check


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


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
