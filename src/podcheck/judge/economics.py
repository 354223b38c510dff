"""A pod segment's economics: its ARR, ARR per CSM, what its people cost, the CSMs' cost as a
share of ARR, and what one pod costs (economics.md).

Exact rationals throughout; money is rounded to whole dollars only when written. A figure
that needs a role's cost the file does not state is left out and names the role: it is
never priced at zero.
"""

from fractions import Fraction
from typing import Literal, NamedTuple

from podcheck.core.numbers import Number, format_money, format_plain, normalise
from podcheck.orgfile.model import ROLES, Costs, OrgFile, Segment

ArrSource = Literal["pods", "accounts"]

ARR_SOURCES: dict[str, str] = {
    "pods": "the sum of the pods' ARR",
    "accounts": "accounts × ACV",
}


class Economics(NamedTuple):
    """One pod segment's figures; None where the file does not state what one needs."""

    arr: Number
    arr_source: ArrSource
    arr_per_csm: Number | None
    people_cost: Number | None
    csm_cost_share: Number | None
    cost_per_pod: Number | None
    # Why each absent figure is absent, by figure name, in words.
    absent: tuple[tuple[str, str], ...] = ()

    @property
    def missing_roles(self) -> tuple[str, ...]:
        """Roles whose cost a figure needs and no `costs` states, in role order."""
        said = " ".join(reason for _, reason in self.absent)
        return tuple(role for role in ROLES if f"no cost for {role}" in said)


def segment_arr(segment: Segment) -> tuple[Number, ArrSource]:
    """The pods' ARR summed when every listed pod states one, else accounts × ACV."""
    pods = segment.pods or ()
    if pods and all(pod.arr is not None for pod in pods):
        return normalise(sum((Fraction(pod.arr or 0) for pod in pods), Fraction(0))), "pods"
    return normalise(Fraction(segment.acv) * segment.accounts), "accounts"


def arr_per_csm(segment: Segment) -> Number | None:
    """The segment's ARR per CSM, or None without CSMs (POD801's measure)."""
    arr, _ = segment_arr(segment)
    csm = segment.headcount.csm
    return normalise(Fraction(arr) / csm) if csm else None


def of_segment(org: OrgFile, segment: Segment) -> Economics | None:
    """The segment's economics; None unless it is a pod segment of a file that states costs."""
    if segment.model != "pod" or not org.states_costs:
        return None
    costs = org.costs_of(segment) or Costs()
    head = segment.headcount
    arr, source = segment_arr(segment)
    absent: list[tuple[str, str]] = []
    per_csm = arr_per_csm(segment)
    if per_csm is None:
        absent.append(("arr_per_csm", "no CSM to divide by"))
    people = _priced(costs, {role: getattr(head, role) for role in ROLES})
    if isinstance(people, str):
        absent.append(("people_cost", people))
        people_cost = None
    else:
        people_cost = people
    csm_cost = costs.csm
    share: Number | None = None
    if csm_cost is None:
        absent.append(("csm_cost_share", "no cost for csm"))
    elif arr == 0:
        absent.append(("csm_cost_share", "no ARR to divide by"))
    else:
        share = normalise(Fraction(csm_cost) * head.csm / Fraction(arr))
    pod = _priced(costs, _one_pod(segment))
    if isinstance(pod, str):
        absent.append(("cost_per_pod", pod))
        per_pod = None
    else:
        per_pod = pod
    return Economics(
        arr=arr,
        arr_source=source,
        arr_per_csm=per_csm,
        people_cost=people_cost,
        csm_cost_share=share,
        cost_per_pod=per_pod,
        absent=tuple(absent),
    )


def _one_pod(segment: Segment) -> dict[str, Number]:
    """One AE and one CSM, plus a third role the listed pods state, at its average per pod."""
    people: dict[str, Number] = {"ae": 1, "csm": 1}
    pods = segment.pods or ()
    for role in ("se", "sdr"):
        stated = sum(getattr(pod, role) for pod in pods)
        if stated:
            people[role] = normalise(Fraction(stated, len(pods)))
    return people


def _priced(costs: Costs, people: dict[str, Number]) -> Number | str:
    """People priced by role; the roles with people and no stated cost, named, if any."""
    unpriced = [role for role in ROLES if people.get(role) and costs.of(role) is None]
    if unpriced:
        return "no cost for " + " or ".join(unpriced)
    total = sum(
        (Fraction(costs.of(role) or 0) * count for role, count in people.items() if count),
        Fraction(0),
    )
    return normalise(total)


def whole_dollars(value: Number) -> int:
    """Money as shown: rounded to the nearest dollar, halves away from zero."""
    exact = Fraction(value)
    magnitude = (abs(exact) * 2 + 1) // 2
    return int(magnitude if exact >= 0 else -magnitude)


def dollars(value: Number) -> str:
    """$1,234,567: whole dollars, thousands grouped; a saving is written -$12,000."""
    rounded = whole_dollars(value)
    return format_money(rounded) if rounded >= 0 else "-" + format_money(-rounded)


def share_text(value: Number) -> str:
    """A share as a percentage to one decimal place: 8.4%."""
    tenths = whole_dollars(Fraction(value) * 1000)
    return f"{format_plain(Fraction(tenths, 10))}%"


def sentence(economics: Economics) -> str:
    """The segment's figures in one line, as the terminal and Markdown reports show them."""
    absent = dict(economics.absent)
    source = "pods' ARR" if economics.arr_source == "pods" else "accounts × ACV"
    parts = [f"ARR {dollars(economics.arr)} ({source})"]
    if economics.arr_per_csm is not None:
        parts.append(f"{dollars(economics.arr_per_csm)} ARR per CSM")
    else:
        parts.append(f"ARR per CSM not shown ({absent['arr_per_csm']})")
    if economics.people_cost is not None:
        parts.append(f"people cost {dollars(economics.people_cost)} a year")
    else:
        parts.append(f"people cost not priced ({absent['people_cost']})")
    if economics.csm_cost_share is not None:
        parts.append(f"CSM cost {share_text(economics.csm_cost_share)} of ARR")
    else:
        parts.append(f"CSM cost share not shown ({absent['csm_cost_share']})")
    if economics.cost_per_pod is not None:
        parts.append(f"{dollars(economics.cost_per_pod)} per pod")
    else:
        parts.append(f"cost per pod not priced ({absent['cost_per_pod']})")
    return " · ".join(parts)
