"""The pure engine: a loaded org file and the rules in force in, a FileReport out.

It never prints and never exits. Every comparison is made on ints and Fractions.
"""

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from functools import cache
from typing import Any, NamedTuple

from podcheck.core import units
from podcheck.judge import economics
from podcheck.judge.pilot_decision import decide_pilot
from podcheck.judge.recommend import recommend
from podcheck.judge.report import (
    Figures,
    FileReport,
    PilotDecision,
    Result,
    SegmentSummary,
    SegmentVerdict,
)
from podcheck.judge.rule import Rule
from podcheck.judge.rulebook import load_catalogue, role_rule, template_fields, with_role
from podcheck.judge.waivers import Waiver
from podcheck.judge.waivers import find as find_waiver
from podcheck.metrics import (
    REGISTRY,
    Context,
    Measurement,
    Status,
    Subject,
    judged_group,
    whole_segment,
)
from podcheck.metrics.projection import peak_ratio
from podcheck.orgfile.loader import LoadedOrg
from podcheck.orgfile.model import OrgFile, Segment
from podcheck.orgfile.source import Document


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
# A series is reported by its worst element: the highest for an upper bound.
_UPPER_BOUNDS = frozenset({"<=", "<"})

SCORE_WEIGHTS: Mapping[str, int] = {"error": 3, "warning": 1}


def evaluate(
    loaded: LoadedOrg,
    rules: Sequence[Rule],
    waivers: Sequence[Waiver] = (),
    book: Sequence[Rule] | None = None,
    export: Any = None,
) -> FileReport:
    """Judge one org file with the rules in force. `waivers` must already exclude expired
    ones; `book` is the whole catalogue as configured (by default, as shipped), which the
    rules that consult others read; `export` is an account export measured against this
    org (podcheck.accounts.measures.Book), for the rules that require one."""
    org, document = loaded.org, loaded.document
    book = load_catalogue() if book is None else book

    def judge(rule: Rule, subject: Subject) -> tuple[str, str]:
        found = run_rule(rule, subject, document)
        return found.status, found.message

    context = rule_context(book, judge)
    subjects = _Subjects.of(org, context, export)
    by_rule: dict[str, tuple[Result, ...]] = {}
    later = [rule for rule in rules if REGISTRY[rule.metric].after_segments]
    for rule in rules:
        if not REGISTRY[rule.metric].after_segments:
            by_rule[rule.code] = _run(rule, subjects, document, waivers)
    # Rules that read pilot decisions run once the segments' own results are known.
    own = _by_segment(by_rule.values())
    pilot_roles = {rule.code: rule.roles.pilot for rule in book if rule.roles.pilot}
    decisions = {
        segment.id: decide_pilot(segment, own.get(segment.id, []), pilot_roles)
        for segment in org.pod_segments
        if segment.pilot_results is not None
    }
    if later:
        context = context._replace(decisions={key: d.action for key, d in decisions.items()})
        subjects = _Subjects.of(org, context, export)
        for rule in later:
            by_rule[rule.code] = _run(rule, subjects, document, waivers)
        own = _by_segment(by_rule.values())
    results = tuple(result for rule in rules for result in by_rule[rule.code])
    floor = role_rule(book, "acv_floor").threshold
    summaries = tuple(
        _summarise(
            org,
            index,
            segment,
            own.get(segment.id, []),
            decisions.get(segment.id),
            floor,
            document,
        )
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


def _run(
    rule: Rule, subjects: "_Subjects", document: Document, waivers: Sequence[Waiver]
) -> tuple[Result, ...]:
    return tuple(run_rule(rule, subject, document, waivers) for subject in subjects.judged_by(rule))


def _by_segment(groups: Iterable[Sequence[Result]]) -> dict[str | None, list[Result]]:
    """Results grouped by the segment they are scoped to (pods' results with their segment)."""
    found: dict[str | None, list[Result]] = {}
    for results in groups:
        for result in results:
            found.setdefault(result.segment, []).append(result)
    return found


class _PodSegment(NamedTuple):
    """A pod segment's subjects, made once: the segment as its pilot cohort and as a whole,
    and the pods of each."""

    segment: Segment
    cohort: Subject
    cohort_pods: tuple[Subject, ...]
    whole: Subject
    all_pods: tuple[Subject, ...]


class _Subjects(NamedTuple):
    """Everything rules judge in one file, made once, in file order."""

    org_subject: Subject
    pod_segments: tuple[_PodSegment, ...]

    @classmethod
    def of(cls, org: OrgFile, context: Context, export: Any = None) -> "_Subjects":
        made = [
            _pod_segment(org, index, segment, context, export)
            for index, segment in enumerate(org.segments)
            if segment.model == "pod"
        ]
        return cls(Subject(org, context=context, export=export), tuple(made))

    def judged_by(self, rule: Rule) -> Iterator[Subject]:
        """Every subject the rule judges, in file order: the org, pod segments, their pods."""
        if "org" in rule.scope and (rule.runs == "always" or self.pod_segments):
            yield self.org_subject
        for pod_segment in self.pod_segments:
            yield from _judged_in(pod_segment, rule, self.org_subject.export)


def _pod_segment(
    org: OrgFile, index: int, segment: Segment, context: Context, export: Any = None
) -> _PodSegment:
    whole = whole_segment(segment, index)
    cohort = judged_group(org, segment, index)
    groups = [whole] if cohort is whole or cohort == whole else [cohort, whole]
    subjects = [
        (
            Subject(org, segment, index, group=group, context=context, export=export),
            tuple(
                Subject(org, segment, index, pod, pod_index, group, context, export)
                for pod_index, pod in group.pods
            ),
        )
        for group in groups
    ]
    return _PodSegment(segment, *subjects[0], *subjects[-1])


def _judged_in(pod_segment: _PodSegment, rule: Rule, export: Any = None) -> Iterator[Subject]:
    segment, cohort, cohort_pods, whole, all_pods = pod_segment
    if _lacks(rule, segment, export):
        return
    judges_whole = rule.judges == "segment"
    if "segment" in rule.scope:
        yield whole if judges_whole else cohort
    if "pod" in rule.scope:
        yield from all_pods if judges_whole else cohort_pods


def planning_context(book: Sequence[Rule]) -> Context:
    """The context rules that consult others need, for judging candidate changes one rule
    and one segment at a time (podcheck plan)."""

    def judge(rule: Rule, subject: Subject) -> tuple[str, str]:
        found = run_rule(rule, subject, Document("", None, {}))
        return found.status, found.message

    return rule_context(book, judge)


def rule_context(
    book: Sequence[Rule], judge: Callable[[Rule, Subject], tuple[str, str]]
) -> Context:
    """What the rules that consult others read from the catalogue as configured: the rules
    scale-up readiness re-judges, the model fit's gates and its ACV floor."""
    return Context(
        judge,
        scale_up=with_role(book, "scale_up"),
        fit_gates=with_role(book, "fit_gate"),
        acv_floor=role_rule(book, "acv_floor").threshold,
    )


def segment_subject(
    org: OrgFile, index: int, segment: Segment, rule: Rule, context: Context
) -> Subject | None:
    """The segment-scope subject `rule` judges in one pod segment (its cohort or the whole
    segment), or None when the rule does not judge it; made alone, for a search that
    judges one candidate segment after another."""
    if "segment" not in rule.scope or _lacks(rule, segment, None):
        return None
    judged = judged_group(org, segment, index)
    group = whole_segment(segment, index) if rule.judges == "segment" else judged
    return Subject(org, segment, index, group=group, context=context)


def segment_subjects(
    org: OrgFile, index: int, segment: Segment, rule: Rule, context: Context
) -> Iterator[Subject]:
    """The subjects `rule` judges in one pod segment (the cohort or the whole segment, and
    its pods), `segment` standing at `index` in `org` in place of what the file says."""
    return _judged_in(_pod_segment(org, index, segment, context), rule)


def _lacks(rule: Rule, segment: Segment, export: Any) -> bool:
    """Whether the rule needs data this run does not have: an account export, or a
    segment field such as pilot_results."""
    if rule.requires == "accounts":
        return export is None
    return rule.requires is not None and getattr(segment, rule.requires) is None


def run_rule(
    rule: Rule, subject: Subject, document: Document, waivers: Sequence[Waiver] = ()
) -> Result:
    measured = REGISTRY[rule.metric].function(subject, rule.params)
    bar = measured.reference if rule.threshold is None else rule.threshold
    decision = _decide(rule, measured, bar)
    status = decision.status
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
        decision.actual,
        bar,
        rule.unit,
        _message(rule, subject, measured, decision, bar),
        line,
        column,
        waiver.reason if waiver else None,
        waiver.index if waiver else None,
    )


class _Decision(NamedTuple):
    status: Status
    actual: Any
    month: int | None = None  # the month of `actual`, for a series
    first: tuple[int, Any] | None = None  # the first month that fails, and its value


def _decide(rule: Rule, measured: Measurement, bar: Any) -> _Decision:
    """Status and the value that decided it; a series is judged by its worst month."""
    if measured.outcome is not None:
        return _Decision(measured.outcome, measured.value, measured.details.get("month"))
    compare = COMPARISONS[rule.compare]
    if measured.series is not None:
        first = next(((m, v) for m, v in measured.series if not compare(v, bar)), None)
        sign = 1 if rule.compare in _UPPER_BOUNDS else -1
        month, value = max(measured.series, key=lambda item: (sign * item[1], -item[0]))
        return _Decision("fail" if first else "pass", value, month, first)
    return _Decision("pass" if compare(measured.value, bar) else "fail", measured.value)


def _message(
    rule: Rule, subject: Subject, measured: Measurement, decision: _Decision, bar: Any
) -> str:
    messages = rule.messages
    case = measured.case
    status = decision.status
    template = (case and messages.get(f"{status}_{case}")) or messages.get(status)
    if template is None:
        return "not applicable"
    fields = {
        name: _field(name, rule, subject, measured, decision, bar)
        for name in _template_fields(template)
    }
    return template.format_map(fields)


@cache
def _template_fields(template: str) -> tuple[str, ...]:
    """The fields a message template names, once each (the rule book has checked them)."""
    return tuple(dict.fromkeys(template_fields(template)))


def _field(
    name: str, rule: Rule, subject: Subject, measured: Measurement, decision: _Decision, bar: Any
) -> str:
    """One field of a message: a standard field, else a detail of the measurement, else a
    parameter of the rule."""
    actual, month = decision.actual, decision.month
    if name == "actual":
        return units.write(rule.unit, actual)
    if name == "when":
        return _when(month)
    if name == "first_when":
        return _when(decision.first[0]) if decision.first else ""
    if name == "first_month":
        return str(decision.first[0]) if decision.first else ""
    if name == "first_actual":
        return units.write(rule.unit, decision.first[1]) if decision.first else ""
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


def _when(month: int | None) -> str:
    """A month of a series as a sentence says it: "today" or "in month 4"."""
    if month is None:
        return ""
    return "today" if month == 0 else f"in month {month}"


def _summarise(
    org: OrgFile,
    index: int,
    segment: Segment,
    own: Sequence[Result],
    pilot: PilotDecision | None,
    acv_floor: Any,
    document: Document,
) -> SegmentSummary:
    line, column = document.locate(("segments", index, "id"))
    fit = recommend(segment, acv_floor)
    verdict: SegmentVerdict
    cohort: tuple[str, ...] | None = None
    if segment.model != "pod":
        verdict, score = "n/a", None
    else:
        failed = any(r.failed and r.severity == "error" for r in own)
        verdict = "no-go" if failed else "go"
        score = readiness_score(own)
        group = judged_group(org, segment, index)
        cohort = tuple(pod.id for _, pod in group.pods) if group.marked else None
    return SegmentSummary(
        id=segment.id,
        name=segment.display_name,
        tier=segment.tier,
        model=segment.model,
        verdict=verdict,
        score=score,
        recommended=fit.model,
        recommended_reason=fit.reason,
        pilot=pilot,
        line=line,
        column=column,
        alternative=fit.alternative,
        cohort=cohort,
        figures=Figures(
            segment.acv,
            segment.accounts,
            segment.headcount.ae,
            segment.headcount.csm,
            *peak_ratio(segment),
        ),
        economics=economics.of_segment(org, segment),
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
