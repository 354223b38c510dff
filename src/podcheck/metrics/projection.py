"""The AE:CSM ratio month by month under a segment's hiring plan.

Headcount is counted in twelfths of a person: a totals plan spreads each year's hires
evenly over months 1 to 12, so every month's headcount is a whole number of twelfths.
Sums stay integers, and each ratio is exact.
"""

from collections.abc import Iterator
from fractions import Fraction
from itertools import repeat
from typing import NamedTuple

from podcheck.core.numbers import Number, order, quotient
from podcheck.orgfile.model import HiringTotals, Segment

MAX_MONTHS = 24
_TWELFTHS = 12


class Month(NamedTuple):
    """Headcount after `month` months of the hiring plan (month 0 is today)."""

    month: int
    ae: Fraction
    csm: Fraction

    @property
    def ratio(self) -> Fraction | None:
        """AEs per CSM; None when there are no CSMs to divide by."""
        return self.ae / self.csm if self.csm else None


def project(segment: Segment, months: int) -> list[Month]:
    """Today and each of the next `months` months (1 to 24), exactly.

    Totals plans are spread evenly over months 1 to 12, so headcount may be fractional
    part-way through the year; the ratio is still exact.
    """
    return [
        Month(month, Fraction(ae, _TWELFTHS), Fraction(csm, _TWELFTHS))
        for month, ae, csm in _in_twelfths(segment, months)
    ]


def peak_ratio(segment: Segment) -> tuple[Number | None, int]:
    """The highest AE:CSM ratio from today to the hiring plan's end (12 months, or the last
    month a monthly plan names, up to 24), and its first month; None when a month has no
    CSMs."""
    plan = segment.hiring_plan
    months = 12
    if isinstance(plan, list):
        months = min(max([12, *(entry.month for entry in plan)]), MAX_MONTHS)
    worst: Number | None = None
    at = 0
    for month, ratio in ratios(segment, months):
        if ratio is None:
            return None, month
        # Months without hires share one ratio object: compare only a new one.
        if worst is None or (ratio is not worst and order(ratio, worst) > 0):
            worst, at = ratio, month
    return worst, at


# The last segment's ratios: its rules and its summary all read them.
_last: list[tuple[Segment, int, tuple[tuple[int, Number | None], ...]]] = []


def ratios(segment: Segment, months: int) -> tuple[tuple[int, Number | None], ...]:
    """(month, AEs per CSM) for today and each of the next `months` months.

    The same ratios as `project`, for the rules, without building each month's headcount.
    """
    if _last and _last[0][0] is segment and _last[0][1] == months:
        return _last[0][2]
    found = _ratios(segment, months)
    _last[:] = [(segment, months, found)]
    return found


def _ratios(segment: Segment, months: int) -> tuple[tuple[int, Number | None], ...]:
    hires = _hires(segment, months)
    ae = segment.headcount.ae * _TWELFTHS
    csm = segment.headcount.csm * _TWELFTHS
    ratio = quotient(ae, csm) if csm else None
    found: list[tuple[int, Number | None]] = []
    start = 0
    # Most months hire nobody: a ratio is worked out only where headcount changes, and the
    # months up to the next change share it.
    for month, (ae_hires, csm_hires) in enumerate(hires):
        if ae_hires or csm_hires:
            found += zip(range(start, month), repeat(ratio))
            ae += ae_hires
            csm += csm_hires
            ratio = quotient(ae, csm) if csm else None
            start = month
    found += zip(range(start, months + 1), repeat(ratio))
    return tuple(found)


def _in_twelfths(segment: Segment, months: int) -> Iterator[tuple[int, int, int]]:
    """(month, AEs, CSMs) in twelfths of a person, for months 0 to `months`."""
    hires = _hires(segment, months)
    ae = segment.headcount.ae * _TWELFTHS
    csm = segment.headcount.csm * _TWELFTHS
    for month in range(months + 1):
        ae += hires[month][0]
        csm += hires[month][1]
        yield month, ae, csm


def _hires(segment: Segment, months: int) -> list[tuple[int, int]]:
    """(AEs, CSMs) hired in each of months 0 to `months`, in twelfths of a person."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be 1 to {MAX_MONTHS}, got {months}")
    hires = [(0, 0)] * (months + 1)
    plan = segment.hiring_plan
    if isinstance(plan, HiringTotals):
        # A year's total n spread over 12 months is n twelfths of a person a month.
        for month in range(1, min(months, 12) + 1):
            hires[month] = (plan.ae, plan.csm)
    elif plan is not None:
        for entry in plan:
            if entry.month <= months:
                ae_hires, csm_hires = hires[entry.month]
                hires[entry.month] = (
                    ae_hires + entry.ae * _TWELFTHS,
                    csm_hires + entry.csm * _TWELFTHS,
                )
    return hires
