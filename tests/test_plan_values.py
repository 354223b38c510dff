"""The planner's cheap building blocks give what their plain forms give: a value edited slot
by slot equals `dataclasses.replace`'s, a ratio bar read once solves as `bound` does, and a
hiring plan re-spread in one pass is the dictionary-by-month reference's."""

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podcheck.judge.rulebook import load_catalogue
from podcheck.orgfile.loader import load_org
from podcheck.orgfile.model import HiringMonth
from podcheck.plan.months import DEFERRED_MONTH, PLAN_MONTHS, hires_by_month, respread
from podcheck.plan.roles import plan_rules
from podcheck.plan.search import bound, whole_bar
from podcheck.plan.values import edited

CATALOGUE = load_catalogue()
TEXT = """version: 1
org: {name: Values}
segments:
  - id: mm
    tier: mid-market
    model: pod
    acv: 60000
    accounts: 100
    headcount: {ae: 4, csm: 4}
    hiring_plan: [{month: 2, ae: 1}, {month: 3, csm: 1}]
    pods: [{id: p1, ae: 1, csm: 1, accounts: 20}]
"""


def test_an_edited_value_equals_the_replaced_one() -> None:
    org = load_org("values.yaml", TEXT).org
    segment = org.segments[0]
    plan = [HiringMonth(month=2, ae=1, csm=1)]
    assert edited(segment, hiring_plan=plan) == replace(segment, hiring_plan=plan)
    assert edited(segment, hiring_plan=plan).hiring_plan is plan
    assert edited(org, segments=[segment]) == replace(org, segments=[segment])
    entry = HiringMonth(month=3, csm=1)
    assert edited(entry, csm=0) == HiringMonth(month=3, csm=0)
    assert edited(entry) == entry and edited(entry) is not entry
    # The original is left as it was: a frozen value.
    assert segment.hiring_plan == [HiringMonth(month=2, ae=1), HiringMonth(month=3, csm=1)]


def test_an_edited_value_refuses_an_unknown_field() -> None:
    with pytest.raises(TypeError, match="no field 'cms'"):
        edited(HiringMonth(month=3, csm=1), cms=2)


@given(
    st.integers(-3, 9),
    st.integers(1, 5),
    st.sampled_from(["<=", "<", ">=", "is"]),
    st.integers(0, 60),
)
def test_a_whole_bar_solves_as_bound_does(top: int, under: int, compare: str, ae: int) -> None:
    roles = plan_rules(CATALOGUE)
    (rule,) = [r for r in CATALOGUE if r.code == roles.hiring_ratio[0]]
    rule = replace(rule, threshold=Fraction(top, under), compare=compare)
    expected = bound(rule, ae, below=True)
    bar = whole_bar(rule)
    if bar is None:
        assert expected is None
        return
    times, below, strict = bar
    found = ae * times // below + 1 if strict else -(-ae * times // below)
    assert found == expected


def _reference_respread(
    entries: list[HiringMonth], role: str, target: list[int]
) -> list[HiringMonth]:
    """The re-spread with each month's hires counted in dictionaries by month."""
    wanted = {m: target[m] - target[m - 1] for m in range(1, PLAN_MONTHS + 1)}
    planned = hires_by_month(entries, role)
    extra_later = planned[PLAN_MONTHS] - target[PLAN_MONTHS]
    if extra_later > 0:
        wanted[DEFERRED_MONTH] = sum(getattr(e, role) for e in entries if e.month == DEFERRED_MONTH)
        wanted[DEFERRED_MONTH] += extra_later
    had = dict.fromkeys(wanted, 0)
    for entry in entries:
        if entry.month in had:
            had[entry.month] += getattr(entry, role)
    changed = {m for m in wanted if wanted[m] != had[m]}
    result: list[HiringMonth] = []
    done: set[int] = set()
    emptied: set[int] = set()
    for entry in entries:
        month = entry.month
        if month not in changed:
            result.append(entry)
        elif month in done:
            result.append(replace(entry, **{role: 0}) if month in emptied else entry)
        else:
            done.add(month)
            others = had[month] - getattr(entry, role)
            if wanted[month] >= others:
                result.append(replace(entry, **{role: wanted[month] - others}))
            else:
                emptied.add(month)
                result.append(replace(entry, **{role: wanted[month]}))
    for month in sorted(changed):
        if month not in done and wanted[month] > 0:
            position = next((i for i, e in enumerate(result) if e.month > month), len(result))
            result.insert(position, HiringMonth(month=month, **{role: wanted[month]}))
    return result


ENTRIES = st.lists(
    st.builds(
        HiringMonth,
        month=st.integers(1, 24),
        ae=st.integers(0, 3),
        csm=st.integers(0, 3),
    ),
    max_size=6,
).map(lambda entries: sorted(entries, key=lambda e: e.month))


@given(ENTRIES, st.lists(st.integers(0, 2), min_size=PLAN_MONTHS, max_size=PLAN_MONTHS))
def test_a_respread_plan_is_the_references(entries: list[HiringMonth], steps: list[int]) -> None:
    for role in ("csm", "ae"):
        planned = hires_by_month(entries, role)
        # Targets above and below the plan: more hires, and hires moved past month 12.
        for shift in (1, 0, -1):
            target = [0]
            for month, step in enumerate(steps, start=1):
                target.append(max(target[-1], planned[month] + shift * step))
            assert respread(entries, role, target) == _reference_respread(entries, role, target)
