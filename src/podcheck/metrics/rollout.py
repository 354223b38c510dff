"""The scale and rollout family (POD4xx)."""

from fractions import Fraction
from operator import itemgetter

from podcheck.core.numbers import format_money
from podcheck.metrics.registry import Measurement, Params, Subject, metric, whole_segment


@metric("pilot_pod_count", scopes=("segment",), cases=("org_wide",))
def pilot_pod_count(subject: Subject, params: Params) -> Measurement:
    segment = subject.seg()
    group = subject.judged()
    if subject.org.org.rollout == "org-wide":
        return Measurement(None, ("org", "rollout"), outcome="skip", case="org_wide")
    at = subject.path("pods") if segment.pods is not None else subject.path("pod_count")
    return Measurement(group.pod_total, at)


@metric("total_pod_count", scopes=("org",))
def total_pod_count(subject: Subject, params: Params) -> Measurement:
    return Measurement(sum(s.pod_total for s in subject.org.pod_segments), ("segments",))


# The article's success metrics are 90-day metrics: a pilot is complete from day 90.
PILOT_DAYS = 90


@metric(
    "staged_rollout",
    scopes=("org",),
    details=("pilot_segments",),
    cases=("pilot", "no_pilot", "unfinished"),
    after_segments=True,
)
def staged_rollout(subject: Subject, params: Params) -> Measurement:
    """A pilot rollout, or an org-wide one backed by a completed pilot that decided extend."""
    org = subject.org
    if org.org.rollout == "pilot":
        return Measurement(True, ("org", "rollout"), case="pilot")
    decisions = subject.context.decisions if subject.context else {}
    measured = [segment for segment in org.pod_segments if segment.pilot_results is not None]
    completed = [
        segment.id
        for segment in measured
        if (segment.pilot_results.days or 0) >= PILOT_DAYS  # type: ignore[union-attr]
        and decisions.get(segment.id) == "extend"
    ]
    details = {"pilot_segments": completed or [segment.id for segment in measured]}
    if completed:
        return Measurement(True, ("org", "rollout"), details=details)
    return Measurement(
        False, ("org", "rollout"), case="unfinished" if measured else "no_pilot", details=details
    )


@metric("single_pilot_segment", scopes=("org",), details=("pod_segments",), cases=("org_wide",))
def single_pilot_segment(subject: Subject, params: Params) -> Measurement:
    count = len(subject.org.pod_segments)
    if subject.org.org.rollout == "org-wide":
        return Measurement(None, ("org", "rollout"), outcome="skip", case="org_wide")
    return Measurement(count == 1, ("segments",), details={"pod_segments": count})


@metric(
    "scale_up_readiness",
    scopes=("segment",),
    details=("blockers", "cohort"),
    cases=("no_cohort",),
)
def scale_up_readiness(subject: Subject, params: Params) -> Measurement:
    """With a pilot cohort marked: what in the whole segment blocks scaling beyond it."""
    group = subject.judged()
    at = subject.path("headcount")
    if not group.marked:
        return Measurement(None, at, outcome="skip", case="no_cohort")
    assert subject.context is not None, "scale-up readiness needs the run's context"
    segment, index = subject.seg(), subject.segment_index
    assert index is not None
    whole = subject._replace(group=whole_segment(segment, index))
    blockers = []
    for rule in subject.context.scale_up:
        status, message = subject.context.judge(rule, whole)
        if status == "fail":
            blockers.append(f"{rule.code} {message}")
    details = {"blockers": "; ".join(blockers), "cohort": [pod.id for _, pod in group.pods]}
    return Measurement(not blockers, at, outcome="fail" if blockers else "pass", details=details)


@metric(
    "book_spread",
    scopes=("segment",),
    details=("smallest", "largest", "smallest_pod", "largest_pod", "pod"),
    cases=("too_few", "zero_arr"),
)
def book_spread(subject: Subject, params: Params) -> Measurement:
    books = [
        (pod.arr, index, pod.id) for index, pod in subject.judged().pods if pod.arr is not None
    ]
    if len(books) < 2:
        return Measurement(None, subject.path("pods"), outcome="skip", case="too_few")
    for arr, index, pod_id in books:
        if arr == 0:
            return Measurement(
                None,
                subject.path("pods", index, "arr"),
                outcome="fail",
                case="zero_arr",
                details={"pod": pod_id},
            )
    # The first pod of the smallest and of the largest book (min and max keep the first).
    smallest = min(books, key=itemgetter(0))
    largest = max(books, key=itemgetter(0))
    details = {
        "smallest": format_money(smallest[0]),
        "largest": format_money(largest[0]),
        "smallest_pod": smallest[2],
        "largest_pod": largest[2],
    }
    high, low = largest[0], smallest[0]
    # A Fraction either way, as the figure has always been (xlsx writes it as a decimal).
    spread = Fraction(high, low) if type(high) is int and type(low) is int else high / low
    return Measurement(spread, subject.path("pods", largest[1], "arr"), details=details)
