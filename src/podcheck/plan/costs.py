"""What a plan costs (economics.md): each change priced exactly, by the month a hire starts.

- a CSM (or AE) at launch: first year = run rate = count × cost;
- a hire in month m (1-12): employed from month m to month 12, so the first year is
  count × cost × (13 - m) / 12 and the run rate count × cost. A plan written as 12-month
  totals spreads each hire evenly over months 1 to 12 (as the projection does), so an extra
  hire in the totals costs cost × 13/24 of its first year;
- an AE hire deferred from month a to month b: a saving of cost × (b - a) / 12 in the first
  year, b counted as 13 when it moves past month 12; the run rate is unchanged (the person is
  still hired). Dropping hires from a totals plan defers them past month 12: cost × 13/24
  each;
- moves, policies, a change of model, marking the pilot: 0. An AE fewer at launch still works
  somewhere, so it is not a saving;
- pods added from people outside pods: 0; with people added at launch: as a launch.

Money stays exact (Fractions); it is rounded to whole dollars only when shown. A change that
needs a role's cost the file does not state is left unpriced and names the role.
"""

from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

from podcheck.core.numbers import Number, normalise
from podcheck.orgfile.model import Costs, HiringTotals, OrgFile, Segment
from podcheck.plan.changes import Change, Plan
from podcheck.plan.months import DEFERRED_MONTH, PLAN_MONTHS, hires_by_month, monthly

# The share of a year a hire in a totals plan is employed in its first year: the mean of
# (13 - m) / 12 over months 1 to 12.
_SPREAD_YEAR = Fraction(13, 24)


class Cost(NamedTuple):
    first_year: Number
    run_rate: Number


def plus(one: Cost, other: Cost) -> Cost:
    return Cost(
        normalise(Fraction(one.first_year) + other.first_year),
        normalise(Fraction(one.run_rate) + other.run_rate),
    )


FREE = Cost(0, 0)


class Priced(NamedTuple):
    """A change's cost, or the roles whose cost it needs and the file does not state."""

    cost: Cost | None
    missing: tuple[str, ...] = ()


class PlanCost(NamedTuple):
    """A plan's changes priced one by one (in the plan's order) and summed."""

    changes: tuple[Priced, ...]
    required: Cost | None  # None when some required change cannot be priced
    recommended: tuple[Priced, ...] = ()
    recommended_total: Cost | None = FREE
    missing: tuple[str, ...] = ()  # roles a change needs and no `costs` states


def price_plan(plan: Plan, org: OrgFile) -> PlanCost | None:
    """The plan's costs; None when the file states no costs (nothing is priced then)."""
    if not org.states_costs:
        return None
    changes = tuple(price_change(change, org, plan.revised) for change in plan.changes)
    # Recommended changes are made on the proposal with the required ones applied.
    after = plan.revised_recommended or plan.revised
    recommended = tuple(price_change(change, plan.revised, after) for change in plan.recommended)
    missing = sorted({role for item in (*changes, *recommended) for role in item.missing})
    return PlanCost(
        changes=changes,
        required=_total(changes),
        recommended=recommended,
        recommended_total=_total(recommended),
        missing=tuple(missing),
    )


def _total(priced: Sequence[Priced]) -> Cost | None:
    total = FREE
    for item in priced:
        if item.cost is None:
            return None
        total = plus(total, item.cost)
    return total


def price_change(change: Change, org: OrgFile, revised: OrgFile) -> Priced:
    """One change's first-year cost and run rate: `org` is the proposal the change is made
    on, `revised` the proposal once it is made."""
    segment = _segment(org, change.segment)
    count = change.count or 0
    if segment is None or not count:
        return Priced(FREE)
    costs = org.costs_of(segment) or Costs()
    if change.kind == "launch-csm":
        return _launch(costs, {"csm": count})
    if change.kind == "hire-csm":
        return _hire(costs, "csm", count, change.month)
    if change.kind == "defer-ae":
        return _defer(costs, change, segment, _segment(revised, change.segment))
    if change.kind == "add-pod":
        return _launch(costs, _staffed_at_launch(segment, count))
    return Priced(FREE)


def _segment(org: OrgFile, segment_id: str | None) -> Segment | None:
    return next((s for s in org.segments if s.id == segment_id), None)


def _role_cost(costs: Costs, role: str) -> Fraction | None:
    value = costs.of(role)
    return None if value is None else Fraction(value)


def _launch(costs: Costs, people: dict[str, int]) -> Priced:
    total = Fraction(0)
    for role, count in people.items():
        if not count:
            continue
        cost = _role_cost(costs, role)
        if cost is None:
            return Priced(None, (role,))
        total += count * cost
    return Priced(Cost(normalise(total), normalise(total)))


def _hire(costs: Costs, role: str, count: int, month: int | None) -> Priced:
    cost = _role_cost(costs, role)
    if cost is None:
        return Priced(None, (role,))
    year = _SPREAD_YEAR if month is None else Fraction(max(DEFERRED_MONTH - month, 0), 12)
    return Priced(Cost(normalise(count * cost * year), normalise(count * cost)))


def _defer(costs: Costs, change: Change, before: Segment, after: Segment | None) -> Priced:
    cost = _role_cost(costs, "ae")
    if cost is None:
        return Priced(None, ("ae",))
    count = change.count or 0
    if change.month is None or isinstance(before.hiring_plan, HiringTotals):
        return Priced(Cost(normalise(-count * cost * _SPREAD_YEAR), 0))
    months = sum(later - change.month for later in _moved_to(change.month, before, after))
    return Priced(Cost(normalise(-cost * months / 12), 0))


def _moved_to(month: int, before: Segment, after: Segment | None) -> list[int]:
    """Where the AE hires planned in `month` went, paired first in, first out as the plan
    pairs them; a hire beyond month 12 counts as month 13 (the first-year saving stops)."""
    planned = hires_by_month(monthly(before.hiring_plan) or [], "ae")
    kept = hires_by_month(monthly(after.hiring_plan if after else None) or [], "ae")
    old, new = _units(planned), _units(kept)
    new += [DEFERRED_MONTH] * (len(old) - len(new))
    return [
        min(later, DEFERRED_MONTH)
        for earlier, later in zip(old, new, strict=False)
        if earlier == month and later != earlier
    ]


def _units(cumulative: Sequence[int]) -> list[int]:
    """The month of each hire, in order, from cumulative hires by month 0..12."""
    found: list[int] = []
    for month in range(1, PLAN_MONTHS + 1):
        found += [month] * (cumulative[month] - cumulative[month - 1])
    return found


def _staffed_at_launch(segment: Segment, pods: int) -> dict[str, int]:
    """The people `pods` new pods of one AE and one CSM add at launch: those the segment's
    people outside pods cannot staff."""
    if segment.pods is None:
        return {}
    spare = {
        role: getattr(segment.headcount, role) - sum(getattr(p, role) for p in segment.pods)
        for role in ("ae", "csm")
    }
    return {role: max(pods - max(spare[role], 0), 0) for role in ("ae", "csm")}
