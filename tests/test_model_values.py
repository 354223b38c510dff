"""The org model's classes compare, hash, print and stay frozen exactly as the dataclasses
the decorator would generate (they share those methods instead of compiling them)."""

from __future__ import annotations

import dataclasses
import pickle
from fractions import Fraction

import pytest

from podcheck.orgfile import model


def _reference(cls: type) -> type:
    """The same fields in a dataclass with every method generated."""
    fields = [(f.name, object, dataclasses.field(default=None)) for f in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(cls.__name__, fields, frozen=True, slots=True, kw_only=True)


POD = {"id": "p1", "ae": 1, "csm": 1, "accounts": 30, "arr": Fraction(12, 10)}


@pytest.mark.parametrize(
    ("cls", "values"),
    [
        (model.Pod, POD),
        (model.Headcount, {"ae": 2, "csm": 3}),
        (model.Costs, {"ae": 150_000}),
        (model.Org, {"name": "Acme 'Co'\n", "rollout": "pilot"}),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_values_behave_as_generated_dataclass_methods(cls, values):
    one, same = cls(**values), cls(**values)
    reference = _reference(cls)
    full = {f.name: getattr(one, f.name) for f in dataclasses.fields(cls)}
    assert repr(one) == repr(reference(**full))
    assert one == same
    assert (one != same) is False
    assert hash(one) == hash(same) == hash(reference(**full))
    assert one != reference(**full)  # another class is never equal
    changed = dataclasses.replace(one, **{next(iter(values)): values[next(iter(values))] * 2})
    assert changed != one
    assert pickle.loads(pickle.dumps(one)) == one
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.__setattr__(next(iter(values)), None)
    assert {one: 1}[same] == 1
