"""The pure engine: a loaded org file and the rules in force in, a FileReport out.

It never prints and never exits. Every comparison is made on ints and Fractions.
"""

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from functools import cache
from typing import Any, NamedTuple

from podcheck import units
from podcheck.loader import LoadedOrg
from podcheck.metrics import REGISTRY, Measurement, Status, Subject
from podcheck.model import OrgFile, Segment
from podcheck.pilot import decide_pilot
from podcheck.recommend import recommend
from podcheck.report import FileReport, Result, SegmentSummary, SegmentVerdict
from podcheck.rulebook import Rule, template_fields
from podcheck.source import Document
from podcheck.waivers import Waiver
from podcheck.waivers import find as find_waiver


def _contains_all(actual: Any, required: Any) -> bool:
    return set(required) <= set(actual or ())


def _matches(actual: Any, wanted: Any) -> bool:
    return all(actual.get(key) == value for key, value in wanted.items())


COMPARISONS: Mapping[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "in": lambda actual, allowed: actual in allowed,
    "is": operator.eq,
    "contains-all": _contains_all,
    "matches": _matches,
    "empty": lambda actual, _: not actual,
}
# For a series that passes, the element nearest the bar is reported.
_UPPER_BOUNDS = frozenset({"<=", "<"})

SCORE_WEIGHTS: Mapping[str, int] = {"error": 3, "warning": 1}

# Errors of these scopes decide whether a segment is fit for pods at all.
READINESS_SCOPES = frozenset({"segment", "pod"})


def evaluate(
    loaded: LoadedOrg, rules: Sequence[Rule], waivers: Sequence[Waiver] = ()
) -> FileReport:
    """Judge one org file. `waivers` must already exclude expired ones."""
    org, document = loaded.org, loaded.document
    subjects = _Subjects.of(org)
    results = tuple(
        run_rule(rule, subject, document, waivers)
        for rule in rules
        for subject in subjects.judged_by(rule)
    )
    by_segment: dict[str | None, list[Result]] = {}
    for result in results:
        by_segment.setdefault(result.segment, []).append(result)
    summaries = tuple(
        _summarise(org, index, segment, by_segment.get(segment.id, []), rules, document)
        for index, segment in enumerate(org.segments)
    )
    failed = any(r.failed and r.severity == "error" for r in results)
    return FileReport(
        path=document.path,
        org=org.org.name,
        verdict="no-go" if failed else "go",
        segments=summaries,
        results=results,
    )


class _Subjects(NamedTuple):
    """Everything rules judge in one file, made once: the org, and each pod segment with
    its pods, in file order."""

    org: Subject
    # (segment, its subject, its pods' subjects) for each pod segment
    pod_segments: tuple[tuple[Segment, Subject, tuple[Subject, ...]], ...]

    @classmethod
    def of(cls, org: OrgFile) -> "_Subjects":
        return cls(
            Subject(org),
            tuple(
                (
                    segment,
                    Subject(org, segment, index),
                    tuple(
                        Subject(org, segment, index, pod, pod_index)
                        for pod_index, pod in enumerate(segment.pods or ())
                    ),
                )
                for index, segment in enumerate(org.segments)
                if segment.model == "pod"
            ),
        )

    def judged_by(self, rule: Rule) -> Iterator[Subject]:
        """Every subject the rule judges, in file order: the org, pod segments, their pods."""
        if "org" in rule.scope and (rule.runs == "always" or self.pod_segments):
            yield self.org
        for segment, subject, pods in self.pod_segments:
            if rule.requires and getattr(segment, rule.requires) is None:
                continue
            if "segment" in rule.scope:
                yield subject
            if "pod" in rule.scope:
                yield from pods


def segment_subjects(org: OrgFile, index: int, segment: Segment, rule: Rule) -> Iterator[Subject]:
    """The segment and its pods as the rule's scope asks, whatever model the segment has."""
    if rule.requires and getattr(segment, rule.requires) is None:
        return
    if "segment" in rule.scope:
        yield Subject(org, segment, index)
    if "pod" in rule.scope:
        for pod_index, pod in enumerate(segment.pods or ()):
            yield Subject(org, segment, index, pod, pod_index)


def run_rule(
    rule: Rule, subject: Subject, document: Document, waivers: Sequence[Waiver] = ()
) -> Result:
    measured = REGISTRY[rule.metric].function(subject, rule.params)
    bar = measured.reference if rule.threshold is None else rule.threshold
    status, actual, month = _decide(rule, measured, bar)
    line, column = document.locate(measured.at)
    segment = subject.segment.id if subject.segment else None
    pod = subject.pod.id if subject.pod else None
    waiver = (
        find_waiver(waivers, rule.code, document.path, segment, pod) if status == "fail" else None
    )
    # In field order, without keywords: one result is made per rule and subject, and
    # keyword arguments double what making one costs.
    return Result(
        rule.code,
        rule.name,
        rule.severity,
        "waived" if waiver else status,
        segment,
        pod,
        actual,
        bar,
        rule.unit,
        _message(rule, subject, measured, status, actual, bar, month),
        line,
        column,
        waiver.reason if waiver else None,
        waiver.index if waiver else None,
    )


def _decide(rule: Rule, measured: Measurement, bar: Any) -> tuple[Status, Any, int | None]:
    """Status, the value that decided it, and the month that decided it (for series)."""
    if measured.outcome is not None:
        return measured.outcome, measured.value, measured.details.get("month")
    compare = COMPARISONS[rule.compare]
    if measured.series is not None:
        for month, value in measured.series:
            if not compare(value, bar):
                return "fail", value, month
        sign = -1 if rule.compare in _UPPER_BOUNDS else 1
        month, value = min(measured.series, key=lambda item: (sign * item[1], item[0]))
        return "pass", value, month
    return ("pass" if compare(measured.value, bar) else "fail"), measured.value, None


def _message(
    rule: Rule,
    subject: Subject,
    measured: Measurement,
    status: Status,
    actual: Any,
    bar: Any,
    month: int | None,
) -> str:
    messages = rule.messages
    case = measured.case
    template = (case and messages.get(f"{status}_{case}")) or messages.get(status)
    if template is None:
        return "not applicable"
    fields = {
        name: _field(name, rule, subject, measured, actual, bar, month)
        for name in _template_fields(template)
    }
    return template.format_map(fields)


@cache
def _template_fields(template: str) -> tuple[str, ...]:
    """The fields a message template names, once each (the rule book has checked them)."""
    return tuple(dict.fromkeys(template_fields(template)))


def _field(
    name: str,
    rule: Rule,
    subject: Subject,
    measured: Measurement,
    actual: Any,
    bar: Any,
    month: int | None,
) -> str:
    """One field of a message: a standard field, else a detail of the measurement, else a
    parameter of the rule."""
    if name == "actual":
        return units.write(rule.unit, actual)
    if name == "threshold":
        return rule.threshold_text if bar is rule.threshold else units.write(rule.unit, bar)
    if name == "segment":
        return subject.segment.id if subject.segment else ""
    if name == "pod" and subject.pod:
        return subject.pod.id
    if name == "month":
        return str(month) if month is not None else ""
    if name == "missing":
        wanted = bar if rule.compare == "contains-all" and bar else []
        return units.write_detail([item for item in wanted if item not in (actual or ())])
    if name in measured.details:
        return units.write_detail(measured.details[name])
    if name in rule.params:
        return units.write_detail(rule.params[name])
    return ""  # `pod` outside a pod


def _summarise(
    org: OrgFile,
    index: int,
    segment: Segment,
    own: Sequence[Result],
    rules: Sequence[Rule],
    document: Document,
) -> SegmentSummary:
    line, column = document.locate(("segments", index, "id"))
    readiness = _readiness(org, index, segment, rules, document) if segment.model != "pod" else own
    recommended, reason = recommend(segment, readiness)
    verdict: SegmentVerdict
    if segment.model != "pod":
        verdict, score, pilot = "n/a", None, None
    else:
        failed = any(r.failed and r.severity == "error" for r in own)
        verdict = "no-go" if failed else "go"
        score = readiness_score(own)
        pilot = decide_pilot(segment, own) if segment.pilot_results is not None else None
    return SegmentSummary(
        id=segment.id,
        name=segment.display_name,
        tier=segment.tier,
        model=segment.model,
        verdict=verdict,
        score=score,
        recommended=recommended,
        recommended_reason=reason,
        pilot=pilot,
        line=line,
        column=column,
    )


def _readiness(
    org: OrgFile, index: int, segment: Segment, rules: Sequence[Rule], document: Document
) -> Iterator[Result]:
    """Segment and pod results for a segment judged as if it were proposed as pods.

    A generator: the recommendation stops at the first blocking result.
    """
    return (
        run_rule(rule, subject, document)
        for rule in rules
        if READINESS_SCOPES & set(rule.scope)
        for subject in segment_subjects(org, index, segment, rule)
    )


def readiness_score(results: Sequence[Result]) -> int:
    """0-100: the weighted share of passing error (x3) and warning (x1) results.

    Skipped and waived results are not counted.

    Rounded down, so only a segment with nothing failing scores 100.
    """
    counted = [r for r in results if r.severity in SCORE_WEIGHTS and r.status in ("pass", "fail")]
    total = sum(SCORE_WEIGHTS[r.severity] for r in counted)
    if total == 0:
        return 100
    passed = sum(SCORE_WEIGHTS[r.severity] for r in counted if r.status == "pass")
    return int(Fraction(passed * 100, total))


def rule_status(
    rule: Rule, subject: Subject, document: Document, waivers: Sequence[Waiver] = ()
) -> Status:
    """The status `run_rule` would give, without writing the message: for searches that
    judge many candidate changes (podcheck plan)."""
    measured = REGISTRY[rule.metric].function(subject, rule.params)
    bar = measured.reference if rule.threshold is None else rule.threshold
    status = _decide(rule, measured, bar)[0]
    if status != "fail":
        return status
    segment = subject.segment.id if subject.segment else None
    pod = subject.pod.id if subject.pod else None
    return "waived" if find_waiver(waivers, rule.code, document.path, segment, pod) else status
