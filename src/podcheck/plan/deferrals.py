"""defer: planned AE hires moved as late as needed, past month 12 where they must."""

from collections.abc import Sequence
from dataclasses import replace

from podcheck.orgfile.model import HiringMonth, HiringTotals, Segment
from podcheck.plan.changes import Change
from podcheck.plan.months import (
    DEFERRED_MONTH,
    PLAN_MONTHS,
    hires_by_month,
    in_month,
    month_field,
    respread,
    truncated,
)
from podcheck.plan.search import most
from podcheck.plan.segment import SegmentWork


def defer_hires(work: SegmentWork) -> None:
    """defer: the AE hires that keep every month passing stay; the rest move later."""
    codes = work.plan_codes()
    segment = work.segment
    plan = segment.hiring_plan
    if not codes or plan is None or work.segment_passes(segment, codes):
        return
    if not isinstance(plan, HiringTotals):
        _defer_monthly(work, segment, plan, codes)
        return

    def trial(kept: int) -> bool:
        return work.segment_passes(replace(segment, hiring_plan=replace(plan, ae=kept)), codes)

    kept = most(trial, 0, plan.ae)
    if kept is None:
        kept = 0  # the rest falls back to hiring CSMs
    if kept == plan.ae:
        return
    # Only the rules that fail: a passing one named beside its figure reads as broken.
    failing = work.fixed(segment, codes)
    work.set(replace(segment, hiring_plan=replace(plan, ae=kept)))
    moved = plan.ae - kept
    work.changes.append(
        Change(
            "defer-ae", segment.id, None, None, moved, f"{work.where}.hiring_plan.ae",
            plan.ae, kept, failing,
            f"defer {moved} AE hire{'s' if moved != 1 else ''} past month 12: "
            f"{plan.ae} → {kept} in the next 12 months "
            f"({work.ratio_words(segment, work.segment, failing)})",
        )
    )  # fmt: skip


def _defer_monthly(
    work: SegmentWork, segment: Segment, plan: list[HiringMonth], codes: Sequence[str]
) -> None:
    planned = hires_by_month(plan, "ae")
    ratio_codes = tuple(c for c in codes if c not in work.roles.pace)
    kept = [0] * (PLAN_MONTHS + 1)

    def with_kept(cumulative: Sequence[int]) -> Segment:
        return replace(segment, hiring_plan=respread(plan, "ae", cumulative))

    for month in range(1, PLAN_MONTHS + 1):

        def trial(n: int, month: int = month) -> bool:
            cumulative = [*kept[:month], *([n] * (PLAN_MONTHS + 1 - month))]
            return work.segment_passes(truncated(with_kept(cumulative), month), ratio_codes)

        low, high = kept[month - 1], max(planned[month], kept[month - 1])
        if not ratio_codes or high == low:
            kept[month] = high
            continue
        kept[month] = most(trial, low, high) or low
    if any(c in work.roles.pace for c in codes):

        def pace(n: int) -> bool:
            return work.segment_passes(with_kept([min(k, n) for k in kept]), codes)

        cap = most(pace, 0, kept[PLAN_MONTHS])
        kept = [min(k, cap if cap is not None else 0) for k in kept]
    if kept == planned:
        return
    revised = with_kept(kept)
    work.set(revised)
    fixed = work.fixed(segment, codes)
    words = work.ratio_words(segment, revised, fixed)
    for month, count, destination in deferrals(planned, kept):
        work.changes.append(
            Change(
                "defer-ae", segment.id, None, month, count,
                month_field(work.where, plan, month, "ae"),
                in_month(plan, month, "ae"), in_month(plan, month, "ae") - count, fixed,
                f"move {count} AE hire{'s' if count != 1 else ''} from month {month} to "
                f"{destination} ({words})",
            )
        )  # fmt: skip


def deferrals(planned: Sequence[int], kept: Sequence[int]) -> list[tuple[int, int, str]]:
    """(month, hires moved out of it, where they go), pairing hires first in, first out."""

    def units(cumulative: Sequence[int]) -> list[int]:
        found = []
        for month in range(1, len(cumulative)):
            found += [month] * (cumulative[month] - cumulative[month - 1])
        return found

    old, new = units(planned), units(kept)
    new += [DEFERRED_MONTH] * (len(old) - len(new))
    moved: dict[int, list[int]] = {}
    for before, after in zip(old, new, strict=True):
        if after != before:
            moved.setdefault(before, []).append(after)
    found = []
    for month in sorted(moved):
        places = sorted(set(moved[month]))
        where = ", ".join("past month 12" if m == DEFERRED_MONTH else f"month {m}" for m in places)
        found.append((month, len(moved[month]), where))
    return found
