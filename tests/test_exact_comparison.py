"""Thresholds are compared by cross-multiplying integer ratios: exactly as Fractions compare,
at, just under and just over a threshold no decimal writes out."""

import dataclasses
import operator
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import CATALOGUE, org, result, run
from podcheck.core import numbers
from podcheck.judge.engine import COMPARISONS

OPERATORS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
TINY = Fraction(1, 10**30)


@pytest.mark.parametrize("threshold", [Fraction(1, 3), Fraction(7, 3), Fraction(-2, 3)])
@pytest.mark.parametrize("symbol", sorted(OPERATORS))
def test_at_just_under_and_just_over_a_non_terminating_threshold(symbol, threshold):
    compare, expected = COMPARISONS[symbol], OPERATORS[symbol]
    for value in (threshold, threshold - TINY, threshold + TINY):
        assert compare(value, threshold) is expected(value, threshold)
    # ints on either side of it, and the threshold against ints
    for whole in (int(threshold) - 1, int(threshold), int(threshold) + 1):
        assert compare(whole, threshold) is expected(whole, threshold)
        assert compare(threshold, whole) is expected(threshold, whole)
    assert numbers.order(threshold, threshold) == 0
    assert numbers.order(threshold - TINY, threshold) == -1
    assert numbers.order(threshold + TINY, threshold) == 1


numbers_ = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.fractions(max_denominator=10**9),
)


@given(numbers_, numbers_)
def test_exact_comparisons_agree_with_fraction_operators(left, right):
    for symbol, expected in OPERATORS.items():
        assert COMPARISONS[symbol](left, right) is expected(Fraction(left), Fraction(right))
    assert numbers.order(left, right) == (left > right) - (left < right)


@pytest.mark.parametrize(
    ("csm", "status"),
    # 4 AEs against a limit of 4/3 AEs per CSM: 3 CSMs is exactly at it, 4 under, 2 over.
    [(3, "pass"), (4, "pass"), (2, "fail")],
)
def test_a_rule_with_a_non_terminating_threshold_passes_at_it(csm, status):
    ratio_rule = next(rule for rule in CATALOGUE if rule.metric == "ae_csm_ratio")
    limit = Fraction(4, 3)
    rules = tuple(
        dataclasses.replace(rule, threshold=limit) if rule is ratio_rule else rule
        for rule in CATALOGUE
    )
    data = org(**{"segments.0.headcount": {"ae": 4, "csm": csm}, "segments.0.pods": None})
    found = result(run(data, rules), ratio_rule.code, "mm")
    assert found.status == status
    assert found.threshold == limit
    assert found.actual == Fraction(4, csm)
