"""hire: extra CSM hires in the hiring plan, placed as late as possible, until every month
passes (for 12-month totals, the CSM total raised by the smallest amount that does)."""

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from math import ceil

from podcheck.core.numbers import format_ratio
from podcheck.judge.rule import Rule
from podcheck.orgfile.model import MAX_PEOPLE, HiringMonth, HiringTotals, Segment
from podcheck.plan.changes import Change
from podcheck.plan.months import (
    PLAN_MONTHS,
    hires_by_month,
    in_month,
    month_field,
    respread,
    truncated,
)
from podcheck.plan.search import bound, highest, least, whole_bar
from podcheck.plan.segment import SegmentWork
from podcheck.plan.values import edited


def hire_later(work: SegmentWork) -> None:
    """hire: CSM hires added as late as possible until every month passes."""
    segment = work.segment
    # Only the rules still failing: more CSM hires cannot make a passing one fail.
    codes = tuple(c for c in work.plan_codes() if not work.segment_passes(segment, (c,)))
    if not codes:
        return
    plan = segment.hiring_plan
    if plan is None:
        for code in codes:
            work.unfixed(
                code, None,
                "no hiring plan is stated: write hiring_plan (e.g. {ae: 0, csm: 0}) "
                "with the hires planned",
            )  # fmt: skip
        return
    if isinstance(plan, HiringTotals):
        _raise_total(work, segment, plan, codes)
    else:
        _Monthly(work, segment, plan, codes).hire()


def _ratio_rules(work: SegmentWork, codes: Sequence[str]) -> list[Rule]:
    return [work.rules[c] for c in codes if c in work.roles.hiring_ratio]


def _pace(work: SegmentWork, codes: Sequence[str]) -> tuple[str, ...]:
    return tuple(c for c in codes if c in work.roles.pace)


def _raise_total(
    work: SegmentWork, segment: Segment, plan: HiringTotals, codes: Sequence[str]
) -> None:
    def trial(extra: int) -> bool:
        return work.segment_passes(
            replace(segment, hiring_plan=replace(plan, csm=plan.csm + extra)), codes
        )

    # Month m holds AE0 + m·ae/12 AEs over CSM0 + m·csm/12 CSMs: solve for csm (a
    # guess the oracle checks, with the hire-count reading of the hiring pace beside it).
    head = segment.headcount
    needs: list[Fraction] = []
    for rule in _ratio_rules(work, codes):
        if isinstance(rule.threshold, (int, Fraction)) and rule.threshold > 0:
            bar = Fraction(rule.threshold)
            for month in range(1, PLAN_MONTHS + 1):
                ae = head.ae + Fraction(plan.ae * month, PLAN_MONTHS)
                needs.append((ae / bar - head.csm) * PLAN_MONTHS / month)
    for code in _pace(work, codes):
        pace = work.rules[code]
        if isinstance(pace.threshold, (int, Fraction)):
            needs.append(Fraction(plan.ae) / (1 + Fraction(pace.threshold)))
    guess = max(ceil(max(needs)) - plan.csm, 0) if needs else None
    extra = least(trial, 0, MAX_PEOPLE, guess)
    caused = work.made_to_fail(codes)  # before this change joins the ones above
    if not extra:
        if extra is None:
            work.unfixed(codes[0], None, "no CSM hiring total passes")
        return
    work.set(replace(segment, hiring_plan=replace(plan, csm=plan.csm + extra)))
    work.changes.append(
        Change(
            "hire-csm", segment.id, None, None, extra, f"{work.where}.hiring_plan.csm",
            plan.csm, plan.csm + extra, tuple(codes),
            f"hire {extra} more CSM{'s' if extra != 1 else ''} over the next 12 months: "
            f"{plan.csm} → {plan.csm + extra} "
            f"({work.ratio_words(segment, work.segment, tuple(codes))}"
            f"{caused})",
        )
    )  # fmt: skip


class _Monthly:
    """A monthly plan's extra CSM hires, as a cumulative count by month."""

    def __init__(
        self, work: SegmentWork, segment: Segment, plan: list[HiringMonth], codes: Sequence[str]
    ) -> None:
        self.work, self.segment, self.plan, self.codes = work, segment, plan, codes
        self.csm_plan = hires_by_month(plan, "csm")
        # Whole people after each month 0..12: a monthly plan keeps them whole.
        head = segment.headcount
        self.ae = [head.ae + hired for hired in hires_by_month(plan, "ae")]
        self.csm = [head.csm + hired for hired in self.csm_plan]
        self.ratio_codes = tuple(c for c in codes if c not in work.roles.pace)
        # The month whose added hires the hiring pace set, not a month's ratio (see _guess).
        self.paced: int | None = None
        # Candidates by sequence: the one confirmed is the one kept, judged once.
        self._made: dict[tuple[int, ...], Segment] = {}

    def with_extra(self, cumulative: Sequence[int]) -> Segment:
        key = tuple(cumulative)
        made = self._made.get(key)
        if made is None:
            target = [planned + added for planned, added in zip(self.csm_plan, key, strict=True)]
            made = edited(self.segment, hiring_plan=respread(self.plan, "csm", target))
            self._made = {key: made}
        return made

    def hire(self) -> None:
        work, segment, plan, codes = self.work, self.segment, self.plan, self.codes
        extra = [0] * (PLAN_MONTHS + 1)
        guessed = self._guess()
        if guessed is not None and self._confirmed(guessed):
            extra = guessed
        elif not self._search(extra):
            return
        if not extra[PLAN_MONTHS]:
            return
        revised = self.with_extra(extra)
        caused = work.made_to_fail(codes)  # before these changes join the ones above
        work.set(revised)
        fixed = tuple(codes)
        ratio_fixed = [c for c in fixed if c in work.roles.hiring_ratio]
        pace = tuple(work.roles.pace)
        for month in range(1, PLAN_MONTHS + 1):
            added = extra[month] - extra[month - 1]
            if not added:
                continue
            csm = self.csm[month]
            if (
                csm
                and ratio_fixed
                and (
                    month < PLAN_MONTHS
                    or work.segment_passes(
                        truncated(self.with_extra([*extra[:-1], extra[-2]]), PLAN_MONTHS),
                        self.ratio_codes,
                    )
                    is False
                )
            ):
                # The projected ratio's rule, before the parity that also reads it.
                code = ratio_fixed[-1]
                ratio = format_ratio(Fraction(self.ae[month], csm))
                why = f"{code}: without it, the ratio would reach {ratio} in month {month}"
            else:
                why = work.ratio_words(segment, revised, pace)
            before = in_month(plan, month, "csm")
            work.changes.append(
                Change(
                    "hire-csm", segment.id, None, month, added,
                    month_field(work.where, plan, month, "csm"),
                    before, before + added, fixed,
                    f"hire {added} more CSM{'s' if added != 1 else ''} in month {month} "
                    f"({why}{caused})",
                )
            )  # fmt: skip

    def _guess(self) -> list[int] | None:
        """The cumulative extra CSM hires by month, in closed form: each month's need from
        its headcount and the ratio bar, kept non-decreasing; the hiring pace's (as a
        hire-count bar) in month 12. A guess: the oracle confirms it or it is searched."""
        extra = [0] * (PLAN_MONTHS + 1)
        # Each ratio bar in whole numbers: a month's fewest CSMs are a quotient of its AEs.
        bars = []
        for rule in _ratio_rules(self.work, self.codes):
            solved = whole_bar(rule)
            if solved is None:
                return None
            bars.append(solved)
        ae, csm = self.ae, self.csm
        most = 0
        for month in range(1, PLAN_MONTHS + 1):
            # Most months of a monthly plan hire nobody: the month before's need holds.
            if month == 1 or ae[month] != ae[month - 1] or csm[month] != csm[month - 1]:
                for times, under, strict in bars:
                    top = ae[month] * times
                    need = (top // under + 1 if strict else -(-top // under)) - csm[month]
                    if need > most:
                        most = need
            extra[month] = most
        by_ratio = extra[PLAN_MONTHS]
        for code in _pace(self.work, self.codes):
            pace = self.work.rules[code]
            if not isinstance(pace.threshold, (int, Fraction)):
                return None
            ae_hires = ae[PLAN_MONTHS] - ae[0]
            csm_hires = csm[PLAN_MONTHS] - csm[0]
            need = ceil(ae_hires / (1 + Fraction(pace.threshold)) - csm_hires)
            extra[PLAN_MONTHS] = max(extra[PLAN_MONTHS], need)
        self.paced = PLAN_MONTHS if extra[PLAN_MONTHS] > by_ratio else None
        return extra

    def _confirmed(self, extra: Sequence[int]) -> bool:
        """The oracle's word on a guessed sequence: it passes, and each added hire moved a
        month later (or dropped, in month 12) fails.

        A month whose hires a ratio bar set needs no asking: a ratio rule of the hiring
        plan (its role in the rule data) judges AEs per CSM in every month 1 to 12, and
        one CSM fewer that month puts the month over the bar the guess solved. Only the
        hiring pace's month is asked: its closed form reads the pace as a hire count.
        """
        passes = self.work.segment_passes
        if not passes(self.with_extra(extra), self.codes):
            return False
        month = self.paced
        if month is not None and extra[month] > extra[month - 1]:
            later = list(extra)
            later[month] -= 1
            if passes(self.with_extra(later), self.codes):
                return False
        return True

    def _search(self, extra: list[int]) -> bool:
        """The sequence found month by month with the oracle: each month's hires are the
        fewest that keep months 1 to it passing; the hiring pace's extra goes in month 12."""
        work, codes, ratio_codes = self.work, self.codes, self.ratio_codes
        hiring_months = {e.month for e in self.plan if e.month <= PLAN_MONTHS}
        rules = _ratio_rules(work, codes)
        for month in range(1, PLAN_MONTHS + 1):
            extra[month] = extra[month - 1]
            if not ratio_codes or (month not in hiring_months and month > 1):
                continue  # nothing changes this month: it passes as the month before
            guess = highest([bound(rule, self.ae[month], below=True) for rule in rules])
            if guess is not None:
                guess = max(guess - self.csm[month], extra[month - 1])

            def trial(n: int, month: int = month) -> bool:
                cumulative = [*extra[:month], *([n] * (PLAN_MONTHS + 1 - month))]
                return work.segment_passes(
                    truncated(self.with_extra(cumulative), month), ratio_codes
                )

            found = least(trial, extra[month - 1], MAX_PEOPLE, guess)
            if found is None:
                work.unfixed(ratio_codes[0], None, f"no CSM hires make month {month} pass")
                return False
            extra[month] = found
        pace = _pace(work, codes)
        if pace:

            def last(n: int) -> bool:
                return work.segment_passes(self.with_extra([*extra[:-1], extra[-1] + n]), codes)

            more = least(last, 0, MAX_PEOPLE)
            if more is None:
                work.unfixed(pace[0], None, "no CSM hires make the hiring pace pass")
                return False
            extra[PLAN_MONTHS] += more
        return True
