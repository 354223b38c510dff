"""A pod segment's economics: its ARR, ARR per CSM, what its people cost, the CSMs' cost as a
share of ARR, and what one pod costs (economics.md).

Exact rationals throughout; money is rounded to whole dollars only when written. A figure
that needs a role's cost the file does not state is left out and names the role: it is
never priced at zero.
"""

from fractions import Fraction
from typing import NamedTuple

from podcheck.core.numbers import Number, normalise
from podcheck.metrics.value import ArrSource, arr_per_csm, segment_arr
from podcheck.orgfile.model import ROLES, Costs, OrgFile, Segment


class Economics(NamedTuple):
    """One pod segment's figures; None where the file does not state what one needs."""

    arr: Number
    arr_source: ArrSource  # "pods": the pods' ARR summed; "accounts": accounts × ACV
    arr_per_csm: Number | None
    people_cost: Number | None
    csm_cost_share: Number | None
    cost_per_pod: Number | None
    # Why each absent figure is absent, (figure, reason), in the order of the fields.
    absent: tuple[tuple[str, str], ...] = ()
    # Roles whose cost a figure needs and no `costs` states, in role order.
    missing_roles: tuple[str, ...] = ()


def of_segment(org: OrgFile, segment: Segment) -> Economics | None:
    """The segment's economics; None unless it is a pod segment of a file that states costs."""
    if segment.model != "pod" or not org.states_costs:
        return None
    costs = org.costs_of(segment) or Costs()
    head = segment.headcount
    arr, source = segment_arr(segment)
    absent: list[tuple[str, str]] = []
    missing: set[str] = set()
    per_csm = arr_per_csm(segment)
    if per_csm is None:
        absent.append(("arr_per_csm", "no CSM to divide by"))
    people_cost, unpriced = _priced(costs, {role: getattr(head, role) for role in ROLES})
    if people_cost is None:
        absent.append(("people_cost", _no_cost(unpriced)))
        missing.update(unpriced)
    share: Number | None = None
    if costs.csm is None and head.csm:
        absent.append(("csm_cost_share", _no_cost(("csm",))))
        missing.add("csm")
    elif arr == 0:
        absent.append(("csm_cost_share", "no ARR to divide by"))
    else:
        share = normalise(Fraction(costs.csm or 0) * head.csm / Fraction(arr))
    per_pod, unpriced = _priced(costs, _one_pod(segment))
    if per_pod is None:
        absent.append(("cost_per_pod", _no_cost(unpriced)))
        missing.update(unpriced)
    return Economics(
        arr=arr,
        arr_source=source,
        arr_per_csm=per_csm,
        people_cost=people_cost,
        csm_cost_share=share,
        cost_per_pod=per_pod,
        absent=tuple(absent),
        missing_roles=tuple(role for role in ROLES if role in missing),
    )


def _no_cost(roles: tuple[str, ...]) -> str:
    return "no cost stated for " + " or ".join(roles)


def _one_pod(segment: Segment) -> dict[str, Number]:
    """One AE and one CSM, plus a third role the listed pods state, at its average per pod."""
    people: dict[str, Number] = {"ae": 1, "csm": 1}
    pods = segment.pods or ()
    for role in ("se", "sdr"):
        stated = sum(getattr(pod, role) for pod in pods)
        if stated:
            people[role] = normalise(Fraction(stated, len(pods)))
    return people


def _priced(costs: Costs, people: dict[str, Number]) -> tuple[Number | None, tuple[str, ...]]:
    """People priced by role, or None and the roles that have people and no stated cost."""
    unpriced = tuple(role for role in ROLES if people.get(role) and costs.of(role) is None)
    if unpriced:
        return None, unpriced
    total = sum(
        (Fraction(costs.of(role) or 0) * count for role, count in people.items() if count),
        Fraction(0),
    )
    return normalise(total), ()
