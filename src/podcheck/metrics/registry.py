"""Named measurements that rules compare against their thresholds: what a metric is.

Each metric is one pure function of a `Subject` (the org, and the segment or pod being
judged) returning a `Measurement`. A rule file names the metric; adding a threshold rule
is a YAML edit, adding a new kind of measurement is one function here.

A metric may decide an outcome itself (no CSMs fails, absent data skips); it then names
a `case`, and the rule's messages must have a template for it. The rule book checks at
load time that every case and detail a message uses is one the metric declares.
"""

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from podcheck.core.numbers import Number
from podcheck.orgfile.model import OrgFile, Pod, Segment
from podcheck.orgfile.source import Path

Status = Literal["pass", "fail", "skip", "waived"]


class Group(NamedTuple):
    """What a segment-scope rule judges: the pilot cohort, or the whole segment.

    With `org.rollout: pilot` and pods marked `pilot: true`, the pilot criteria apply to
    those pods ("for the pilot group"); otherwise to the segment as stated.
    """

    marked: bool
    pods: tuple[tuple[int, Pod], ...]  # (index in the segment's list, pod)
    ae: int
    csm: int
    accounts: int
    pod_total: int
    at: Path  # where the group's people and accounts are stated


def whole_segment(segment: Segment, index: int) -> Group:
    head = segment.headcount
    return Group(
        False,
        tuple(enumerate(segment.pods or ())),
        head.ae,
        head.csm,
        segment.accounts,
        segment.pod_total,
        ("segments", index, "headcount"),
    )


def judged_group(org: OrgFile, segment: Segment, index: int) -> Group:
    """The pilot cohort where one is marked under a pilot rollout, else the whole segment."""
    cohort = tuple((position, pod) for position, pod in enumerate(segment.pods or ()) if pod.pilot)
    if org.org.rollout != "pilot" or not cohort:
        return whole_segment(segment, index)
    return Group(
        True,
        cohort,
        sum(pod.ae for _, pod in cohort),
        sum(pod.csm for _, pod in cohort),
        sum(pod.accounts for _, pod in cohort),
        len(cohort),
        ("segments", index, "pods"),
    )


class Context(NamedTuple):
    """What rules that look beyond their own subject need from the run.

    `judge` runs a rule on a subject and returns its status and message (the engine's own
    function, handed in so that metrics need not import the engine), `status` its status
    alone (cheaper: no message is written); `scale_up` are the rules
    scale-up readiness re-judges on the whole segment, and `fit_gates` those whose failure
    already says a segment does not fit pods (both by their roles in the rule data);
    `acv_floor` is the configured floor of the structural fit; `decisions` maps a segment id
    to its pilot decision, for the rules that run after the segments are
    judged.
    """

    judge: Callable[[Any, "Subject"], tuple[str, str]]
    status: Callable[[Any, "Subject"], str]
    scale_up: tuple[Any, ...] = ()
    fit_gates: tuple[Any, ...] = ()
    acv_floor: Any = None
    decisions: Mapping[str, str] = MappingProxyType({})


class Subject(NamedTuple):
    """What one rule run looks at: the whole org, one segment, or one pod of a segment."""

    org: OrgFile
    segment: Segment | None = None
    segment_index: int | None = None
    pod: Pod | None = None
    pod_index: int | None = None
    group: Group | None = None
    context: Context | None = None
    # An account export measured against this org (podcheck.accounts.measures.Book), for
    # the POD7xx rules.
    export: Any = None

    def path(self, *rest: str | int) -> Path:
        """The data path of a field of this subject, for locating the result."""
        base: Path = ()
        if self.segment_index is not None:
            base = ("segments", self.segment_index)
        if self.pod_index is not None:
            base = (*base, "pods", self.pod_index)
        return (*base, *rest)

    def seg(self) -> Segment:
        assert self.segment is not None, "segment metric run without a segment"
        return self.segment

    def judged(self) -> Group:
        """The group a segment-scope rule judges (the whole segment unless one is given)."""
        if self.group is not None:
            return self.group
        assert self.segment_index is not None, "segment metric run without a segment"
        return whole_segment(self.seg(), self.segment_index)


class Measurement(NamedTuple):
    value: Any = None
    at: Path = ()
    # A bar the data itself supplies, e.g. a pilot's baseline.
    reference: Any = None
    # Values to compare one by one (e.g. month by month); the first failure decides.
    series: tuple[tuple[int, Number], ...] | None = None
    outcome: Status | None = None
    case: str | None = None
    details: Mapping[str, Any] = MappingProxyType({})


Params = Mapping[str, Any]
MetricFunction = Callable[[Subject, Params], Measurement]


class MetricSpec(NamedTuple):
    function: MetricFunction
    scopes: frozenset[str]
    details: frozenset[str]
    cases: frozenset[str]
    # Runs after the segments are judged: it reads their pilot decisions.
    after_segments: bool = False


REGISTRY: dict[str, MetricSpec] = {}


def metric(
    name: str,
    *,
    scopes: tuple[str, ...],
    details: tuple[str, ...] = (),
    cases: tuple[str, ...] = (),
    after_segments: bool = False,
) -> Callable[[MetricFunction], MetricFunction]:
    def register(function: MetricFunction) -> MetricFunction:
        REGISTRY[name] = MetricSpec(
            function, frozenset(scopes), frozenset(details), frozenset(cases), after_segments
        )
        return function

    return register


def book_of(subject: Subject) -> tuple[int, int, int, Path]:
    """AEs, CSMs and accounts of the pod or judged group, and where its people are stated."""
    if subject.pod is not None:
        return subject.pod.ae, subject.pod.csm, subject.pod.accounts, subject.path()
    group = subject.judged()
    return group.ae, group.csm, group.accounts, group.at
