"""The AE:CSM ratio month by month under a segment's hiring plan."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from podcheck.model import Segment

MAX_MONTHS = 24


@dataclass(frozen=True)
class Month:
    """Headcount after `month` months of the hiring plan (month 0 is today)."""

    month: int
    ae: Fraction
    csm: Fraction

    @cached_property  # read several times per month by the rules; dividing Fractions is slow
    def ratio(self) -> Fraction | None:
        """AEs per CSM; None when there are no CSMs to divide by."""
        return self.ae / self.csm if self.csm else None


def project(segment: Segment, months: int) -> list[Month]:
    """Today and each of the next `months` months (1 to 24), exactly.

    Totals plans are spread evenly over months 1 to 12, so headcount may be fractional
    part-way through the year; the ratio is still exact.
    """
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be 1 to {MAX_MONTHS}, got {months}")
    ae = Fraction(segment.headcount.ae)
    csm = Fraction(segment.headcount.csm)
    timeline = [Month(0, ae, csm)]
    for index, (ae_hires, csm_hires) in enumerate(segment.hires_by_month(months), start=1):
        if ae_hires:  # most months of a monthly plan hire nobody: skip the Fraction sum
            ae += ae_hires
        if csm_hires:
            csm += csm_hires
        timeline.append(Month(index, ae, csm))
    return timeline
