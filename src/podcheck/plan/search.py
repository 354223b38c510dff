"""Searching counts with the oracle: the oracle decides, a closed-form bound only guesses.

A bound the oracle does not confirm is searched around (galloping, then binary search on
the count), so a guess can cost calls but never change the answer.
"""

from collections.abc import Callable, Iterable
from fractions import Fraction
from math import ceil, floor

from podcheck.judge.rule import Rule


def least(ok: Callable[[int], bool], lo: int, hi: int, guess: int | None = None) -> int | None:
    """The smallest n in [lo, hi] with ok(n), for ok False then True; None when none is.

    A closed-form `guess` is checked first (it and the count below it: two calls when it is
    right); otherwise the search gallops up from `lo` and halves.
    """
    if lo > hi:
        return None
    if guess is not None and lo <= guess <= hi:
        if ok(guess):
            if guess == lo or not ok(guess - 1):
                return guess
            hi = guess - 1
        else:
            lo = guess + 1
    if lo > hi:
        return None
    if ok(lo):
        return lo
    bad, step = lo, 1
    while True:
        probe = min(bad + step, hi)
        if ok(probe):
            good = probe
            break
        if probe == hi:
            return None
        bad, step = probe, step * 2
    while good - bad > 1:
        middle = (bad + good) // 2
        if ok(middle):
            good = middle
        else:
            bad = middle
    return good


def most(ok: Callable[[int], bool], lo: int, hi: int, guess: int | None = None) -> int | None:
    """The largest n in [lo, hi] with ok(n), for ok True then False; None when none is."""
    found = least(lambda n: ok(hi + lo - n), lo, hi, None if guess is None else hi + lo - guess)
    return None if found is None else hi + lo - found


def bound(rule: Rule | None, numerator: int | Fraction, below: bool) -> int | None:
    """The smallest denominator d with numerator / d under the rule's bar (a guess only)."""
    if rule is None or not isinstance(rule.threshold, (int, Fraction)) or rule.threshold <= 0:
        return None
    # numerator / threshold as a whole-number quotient: exact, without making Fractions.
    top = numerator.numerator * rule.threshold.denominator
    under = numerator.denominator * rule.threshold.numerator
    if rule.compare == "<=":
        return -(-top // under)
    if rule.compare == "<":
        return top // under + 1
    return None


def whole_bar(rule: Rule | None) -> tuple[int, int, bool] | None:
    """The rule's bar as `bound` reads it, once for many numerators: the threshold's
    denominator and numerator, and whether it is strict ("<"); None where `bound` gives no
    guess. `bound(rule, n)` is then -(-n·denominator // numerator), or n·denominator //
    numerator + 1 when strict."""
    if rule is None or not isinstance(rule.threshold, (int, Fraction)) or rule.threshold <= 0:
        return None
    if rule.compare not in ("<=", "<"):
        return None
    return rule.threshold.denominator, rule.threshold.numerator, rule.compare == "<"


def cap(rule: Rule | None, denominator: Fraction) -> int | None:
    """The largest whole numerator n with n / denominator under the rule's bar (a guess)."""
    if rule is None or not isinstance(rule.threshold, (int, Fraction)):
        return None
    limit = Fraction(rule.threshold) * denominator
    if rule.compare == "<=":
        return floor(limit)
    if rule.compare == "<":
        return ceil(limit) - 1
    return None


def highest(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None
