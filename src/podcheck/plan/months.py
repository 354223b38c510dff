"""Hiring plans as cumulative sequences of hires by month, and what they lead to."""

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from itertools import accumulate
from operator import sub
from typing import Any

from podcheck.metrics.projection import project
from podcheck.orgfile.model import HiringMonth, Segment
from podcheck.plan.values import edited

PLAN_MONTHS = 12
# Hires a plan may defer to: the first month after the 12 the rules judge.
DEFERRED_MONTH = PLAN_MONTHS + 1


def monthly(plan: Any) -> list[HiringMonth] | None:
    return list(plan) if isinstance(plan, list) else None


def hires_by_month(entries: Sequence[HiringMonth], role: str) -> list[int]:
    """Hires of `role` by the end of each month 0..12."""
    per_month = [0] * (PLAN_MONTHS + 1)
    for entry in entries:
        if entry.month <= PLAN_MONTHS:
            per_month[entry.month] += getattr(entry, role)
    return list(accumulate(per_month))


def respread(entries: Sequence[HiringMonth], role: str, target: Sequence[int]) -> list[HiringMonth]:
    """The plan with `role`'s hires re-spread so that its cumulative count follows `target`
    in months 1..12; the rest of the planned hires go to month 13 (past the plan's year).

    Each month's change is made on the month's first entry; a month without one gets a new
    entry, in month order.
    """
    # Each month's hires as planned (months 1..13), counted in one pass.
    had = [0] * (DEFERRED_MONTH + 1)
    planned = 0
    for entry in entries:
        month = entry.month
        if month <= DEFERRED_MONTH:
            count = getattr(entry, role)
            had[month] += count
            if month <= PLAN_MONTHS:
                planned += count
    wanted = [0, *map(sub, target[1 : PLAN_MONTHS + 1], target[:PLAN_MONTHS])]
    changed = {m for m in range(1, PLAN_MONTHS + 1) if wanted[m] != had[m]}
    extra_later = planned - target[PLAN_MONTHS]
    if extra_later > 0:
        wanted.append(had[DEFERRED_MONTH] + extra_later)
        changed.add(DEFERRED_MONTH)
    result: list[HiringMonth] = []
    done: set[int] = set()
    emptied: set[int] = set()
    for entry in entries:
        month = entry.month
        if month not in changed:
            result.append(entry)
        elif month in done:
            # The month's first entry took the month's change; zero only when it must.
            result.append(edited(entry, **{role: 0}) if month in emptied else entry)
        else:
            done.add(month)
            others = had[month] - getattr(entry, role)
            if wanted[month] >= others:
                result.append(edited(entry, **{role: wanted[month] - others}))
            else:
                emptied.add(month)
                result.append(edited(entry, **{role: wanted[month]}))
    for month in sorted(changed):
        if month not in done and wanted[month] > 0:
            position = next((i for i, e in enumerate(result) if e.month > month), len(result))
            result.insert(position, HiringMonth(month=month, **{role: wanted[month]}))
    return result


def truncated(segment: Segment, month: int) -> Segment:
    """The segment with its monthly plan cut after `month`: later months repeat month's
    headcount, so a rule over the year passes exactly when months 1..month pass."""
    entries = monthly(segment.hiring_plan) or []
    return replace(segment, hiring_plan=[e for e in entries if e.month <= month])


def in_month(plan: Sequence[HiringMonth], month: int, role: str) -> int:
    return sum(getattr(e, role) for e in plan if e.month == month)


def month_field(where: str, plan: Sequence[HiringMonth], month: int, role: str) -> str:
    for index, entry in enumerate(plan):
        if entry.month == month:
            return f"{where}.hiring_plan[{index}].{role}"
    return f"{where}.hiring_plan"


def peak(segment: Segment) -> tuple[Fraction | None, int]:
    """The highest AE:CSM ratio in months 1..12 and its first month."""
    best: Fraction | None = None
    at = 0
    for month in project(segment, PLAN_MONTHS)[1:]:
        ratio = month.ratio
        if ratio is not None and (best is None or ratio > best):
            best, at = ratio, month.month
    return best, at
