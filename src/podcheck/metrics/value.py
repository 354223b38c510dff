"""The value family (POD8xx): what a pod segment's book is worth per CSM.

ARR is formed as economics.md says: the pods' ARR summed when every listed pod states one
(and, podcheck's reading, the pods hold all the segment's accounts), otherwise accounts ×
ACV. The economics figures (podcheck.judge.economics) read the same.
"""

from fractions import Fraction
from typing import Literal

from podcheck.core.numbers import Number, format_money, normalise, quotient
from podcheck.metrics.registry import Measurement, Params, Subject, metric
from podcheck.orgfile.model import Segment

ArrSource = Literal["pods", "accounts"]


def segment_arr(segment: Segment) -> tuple[Number, ArrSource]:
    """The segment's ARR and how it was formed.

    The pods' ARR stands for the segment's only when the listed pods hold all its accounts:
    a pilot's four pods beside a larger segment would otherwise be divided by every CSM.
    """
    pods = segment.pods or ()
    whole = sum(pod.accounts for pod in pods) == segment.accounts
    # Amounts are ints or Fractions, whose sums and products are exact.
    if pods and whole and all(pod.arr is not None for pod in pods):
        return normalise(sum(pod.arr for pod in pods)), "pods"  # type: ignore[misc]
    return normalise(segment.acv * segment.accounts), "accounts"


def arr_per_csm(segment: Segment) -> Number | None:
    """The segment's ARR per CSM; None without CSMs."""
    return _per_csm(segment_arr(segment)[0], segment.headcount.csm)


def _per_csm(arr: Number, csm: int) -> Number | None:
    if not csm:
        return None
    return quotient(arr, csm) if type(arr) is int else normalise(Fraction(arr) / csm)


_FORMED = {"pods": "the pods' ARR", "accounts": "accounts × ACV"}


@metric("arr_per_csm", scopes=("segment",), details=("arr", "csms", "formed"), cases=("no_csm",))
def book_value(subject: Subject, params: Params) -> Measurement:
    segment = subject.seg()
    arr, source = segment_arr(segment)
    csm = segment.headcount.csm
    at = subject.path("headcount", "csm")
    details = {
        "arr": format_money(arr),
        "csms": f"{csm} CSM" if csm == 1 else f"{csm} CSMs",
        "formed": _FORMED[source],
    }
    if not csm:
        return Measurement(None, at, outcome="skip", case="no_csm", details=details)
    return Measurement(_per_csm(arr, csm), at, details=details)
