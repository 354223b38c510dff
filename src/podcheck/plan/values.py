"""Copies of the org file's frozen values with some fields changed, for the candidates a
search judges one after another."""

from typing import Any, TypeVar

T = TypeVar("T")

_new = object.__new__
_set = object.__setattr__


def edited(value: T, **changes: Any) -> T:
    """`dataclasses.replace` for the model's slotted frozen dataclasses, whose `__init__`
    only sets the fields: the fields copied slot by slot, without `replace`'s walk of the
    field definitions and a call with every field by keyword (about half the cost)."""
    cls = value.__class__
    new = _new(cls)
    for name in cls.__slots__:  # type: ignore[attr-defined]
        _set(new, name, getattr(value, name))
    for name, field_value in changes.items():
        if name not in cls.__slots__:  # type: ignore[attr-defined]
            raise TypeError(f"{cls.__name__} has no field {name!r}")
        _set(new, name, field_value)
    return new
