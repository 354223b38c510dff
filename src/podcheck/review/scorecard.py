"""The review pack's scorecard: each segment's figures as a CRO reads them, exactly.

Every segment is on it, pod or not, since a pool at 383 accounts per CSM is as much part
of the decision as the pods. Figures come from the org file and podcheck.metrics.projection; the
verdicts come from the FileReport, so the scorecard never judges anything itself.
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from podcheck.core.numbers import Number, quotient
from podcheck.judge.report import FileReport, SegmentSummary
from podcheck.metrics.projection import MAX_MONTHS, project
from podcheck.orgfile.model import HiringTotals, OrgFile, Segment

# A totals plan covers the next 12 months; so does a monthly plan that ends sooner, since
# its silence about the other months means no hires in them.
PLAN_YEAR = 12


class Hiring(NamedTuple):
    ae: int
    csm: int
    months: int  # the months the plan covers, from now
    monthly: bool  # written month by month rather than as 12-month totals


class FiguresApart(NamedTuple):
    """Figures of a part of a segment judged apart: its pilot cohort, or its books in an
    account export."""

    accounts: int
    ae: int | None  # None where the source does not count them (the export's AEs)
    csm: int
    acv: Number | None = None
    heaviest: int | None = None  # the export's heaviest CSM load, which the rules judge

    @property
    def accounts_per_csm(self) -> Number | None:
        return quotient(self.accounts, self.csm) if self.csm else None

    @property
    def ratio(self) -> Number | None:
        return quotient(self.ae, self.csm) if self.csm and self.ae is not None else None


class SegmentFigures(NamedTuple):
    summary: SegmentSummary
    acv: Number
    accounts: int
    ae: int
    csm: int
    accounts_per_csm: Number | None  # None without CSMs
    ratio_today: Number | None
    peak_ratio: Number | None  # the highest AE:CSM ratio while the plan runs; None: no CSMs
    peak_month: int
    hiring: Hiring | None
    cohort: FiguresApart | None = None  # the pilot cohort, when the rules judge it apart
    books: FiguresApart | None = None  # the segment in the account export, when one was given


def plan_months(segment: Segment) -> int:
    """How many months ahead the hiring plan speaks for (12 without a plan)."""
    plan = segment.hiring_plan
    if plan is None or isinstance(plan, HiringTotals):
        return PLAN_YEAR
    return max([PLAN_YEAR, *(entry.month for entry in plan)])


def _hiring(segment: Segment) -> Hiring | None:
    plan = segment.hiring_plan
    if plan is None:
        return None
    if isinstance(plan, HiringTotals):
        return Hiring(plan.ae, plan.csm, PLAN_YEAR, False)
    return Hiring(sum(e.ae for e in plan), sum(e.csm for e in plan), plan_months(segment), True)


def _peak(segment: Segment) -> tuple[Number | None, int]:
    """The highest ratio from today to the plan's end, and its first month."""
    worst: Number | None = None
    worst_month = 0
    for month in project(segment, min(plan_months(segment), MAX_MONTHS)):
        ratio = month.ratio
        if ratio is None:
            return None, month.month
        if worst is None or ratio > worst:
            worst, worst_month = ratio, month.month
    return worst, worst_month


def _cohort(segment: Segment, pods: tuple[str, ...] | None) -> FiguresApart | None:
    if pods is None:
        return None
    chosen = [pod for pod in segment.pods or () if pod.id in pods]
    return FiguresApart(
        accounts=sum(pod.accounts for pod in chosen),
        ae=sum(pod.ae for pod in chosen),
        csm=sum(pod.csm for pod in chosen),
    )


def _books(export: Any, segment: Segment) -> FiguresApart | None:
    """The segment as the export's books show it (podcheck.accounts.measures.Book)."""
    found = export.segments.get(segment.id) if export is not None else None
    if found is None or found.area.accounts == 0:
        return None
    area = found.area
    return FiguresApart(
        accounts=area.accounts,
        ae=None,
        csm=len(area.csm_loads),
        acv=quotient(area.arr, area.accounts),
        heaviest=area.csm_loads[0][1] if area.csm_loads else None,
    )


def figures(report: FileReport, org: OrgFile, export: Any = None) -> tuple[SegmentFigures, ...]:
    """Each segment's figures as the file states them, with its pilot cohort's and, given
    an account export, its books' beside them."""
    by_id = {segment.id: segment for segment in org.segments}
    rows = []
    for summary in report.segments:
        segment = by_id[summary.id]
        ae, csm = segment.headcount.ae, segment.headcount.csm
        peak, month = _peak(segment)
        rows.append(
            SegmentFigures(
                summary=summary,
                acv=segment.acv,
                accounts=segment.accounts,
                ae=ae,
                csm=csm,
                accounts_per_csm=quotient(segment.accounts, csm) if csm else None,
                ratio_today=quotient(ae, csm) if csm else None,
                peak_ratio=peak,
                peak_month=month,
                hiring=_hiring(segment),
                cohort=_cohort(segment, summary.cohort),
                books=_books(export, segment),
            )
        )
    return tuple(rows)


def digest(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of a file's text: enough to tell versions apart."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
