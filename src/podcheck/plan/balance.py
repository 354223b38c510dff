"""Book balance: accounts moved, with their share of ARR, from the pod with the largest book
to the pod with the smallest, the fewest accounts that bring the spread within the bar."""

from dataclasses import replace
from fractions import Fraction
from math import floor

from podcheck.core import numbers
from podcheck.core.numbers import format_money
from podcheck.orgfile.model import Pod
from podcheck.plan.changes import Change
from podcheck.plan.search import least, most
from podcheck.plan.segment import SegmentWork


def balance_books(work: SegmentWork) -> None:
    for code in work.in_force(c for c in work.roles.books if c in work.codes):
        # Each move evens the largest and the smallest book; a pod can be each once.
        for _ in range(len(work.segment.pods or ())):
            if work.segment_passes(work.segment, (code,)) or not _move_once(work, code):
                break
        if not work.segment_passes(work.segment, (code,)):
            work.unfixed(code, None, "no move of accounts between the pods evens the books")


def _judged(work: SegmentWork) -> list[int]:
    pods = work.segment.pods or []
    marked = work.org.org.rollout == "pilot" and any(pod.pilot for pod in pods)
    return [i for i, pod in enumerate(pods) if pod.arr is not None and (pod.pilot or not marked)]


def _share(pod: Pod, count: int) -> numbers.Number:
    """The ARR that `count` of the pod's accounts carry, at its average, in whole dollars."""
    assert pod.arr is not None and pod.accounts
    return floor(Fraction(pod.arr) * count / pod.accounts)


def _move_once(work: SegmentWork, code: str) -> bool:
    segment = work.segment
    pods = list(segment.pods or ())
    judged = _judged(work)
    if len(judged) < 2:
        return False
    giver_at = max(judged, key=lambda i: (pods[i].arr, -i))
    taker_at = min(judged, key=lambda i: (pods[i].arr, i))
    giver, taker = pods[giver_at], pods[taker_at]
    rule = work.rules[code]
    if not giver.accounts or not isinstance(rule.threshold, (int, Fraction)):
        return False
    pod_codes = work.in_force(work.roles.pod)

    def moved(count: int) -> tuple[Pod, Pod]:
        arr = _share(giver, count)
        assert giver.arr is not None and taker.arr is not None
        return (
            replace(giver, accounts=giver.accounts - count, arr=giver.arr - arr),
            replace(taker, accounts=taker.accounts + count, arr=taker.arr + arr),
        )

    def even(count: int) -> bool:
        """The two books within the bar of each other (the rule's own comparison)."""
        new_giver, new_taker = moved(count)
        high, low = sorted((Fraction(new_giver.arr or 0), Fraction(new_taker.arr or 0)))[::-1]
        if low == 0:
            return False
        return high / low <= rule.threshold if rule.compare == "<=" else high / low < rule.threshold

    def apart(count: int) -> bool:
        new_giver, new_taker = moved(count)
        return (new_giver.arr or 0) >= (new_taker.arr or 0)

    # Up to the point the two books cross, more accounts moved only even them further.
    crossing = most(apart, 1, giver.accounts)
    if crossing is None:
        return False
    count = least(even, 1, crossing)
    if count is None:
        return False
    new_giver, new_taker = moved(count)
    pods[giver_at], pods[taker_at] = new_giver, new_taker
    revised = replace(segment, pods=pods)
    # The receiving pod must still carry its load: a move never makes a gate rule fail.
    if not work.pod_passes(revised, taker_at, new_taker, pod_codes):
        return False
    work.set(revised)
    arr = _share(giver, count)
    plural = "s" if count != 1 else ""
    work.changes.append(
        Change(
            "move-accounts", segment.id, giver.id, None, count,
            f"{work.where}.pods[{giver_at}].accounts", giver.accounts, new_giver.accounts,
            (code,),
            f"move {count} account{plural} ({format_money(arr)} of ARR) from pod {giver.id} to "
            f"pod {taker.id}: books {format_money(giver.arr or 0)} → "
            f"{format_money(new_giver.arr or 0)} and {format_money(taker.arr or 0)} → "
            f"{format_money(new_taker.arr or 0)} ({code}: within {rule.threshold_text}); "
            "the article warns that the AE who built those relationships will resist",
            target=taker.id,
        )
    )  # fmt: skip
    return True
