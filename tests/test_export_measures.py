"""Loads are listed heaviest first, equal loads by name."""

from __future__ import annotations

from podcheck.accounts import measures


def test_loads_are_heaviest_first_then_by_name():
    loads = {"Bo": 2, "al": 2, "Cy": 3, "Al": 2, "Di": 1, "Ed": 3}
    assert measures._by_load(loads, ["Bo", "al", "Cy", "Al", "Bo", "Di", "Ed"]) == (
        ("Cy", 3),
        ("Ed", 3),
        ("Al", 2),
        ("Bo", 2),
        ("al", 2),
        ("Di", 1),
    )
    assert measures._by_load(loads, []) == ()
