"""The pure engine: a loaded org file and the rules in force in, a FileReport out.

It never prints and never exits. Every comparison is made on ints and Fractions.
"""

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from podcheck.core.numbers import exactly, order
from podcheck.judge import economics
from podcheck.judge.messages import RuleMessages
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
from podcheck.judge.rulebook import load_catalogue, role_rule, with_role
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
from podcheck.metrics.registry import Group, MetricFunction
from podcheck.orgfile.loader import LoadedOrg
from podcheck.orgfile.model import OrgFile, Segment
from podcheck.orgfile.source import Document


def _contains_all(actual: Any, required: Any) -> bool:
    return set(required) <= set(actual or ())


def _matches(actual: Any, wanted: Any) -> bool:
    return all(actual.get(key) == value for key, value in wanted.items())


# Orderings compare ints and Fractions exactly by cross-multiplying (core.numbers.exactly).
COMPARISONS: Mapping[str, Callable[[Any, Any], bool]] = {
    ">=": exactly(operator.ge),
    ">": exactly(operator.gt),
    "<=": exactly(operator.le),
    "<": exactly(operator.lt),
    "in": lambda actual, allowed: actual in allowed,
    "is": operator.eq,
    "contains-all": _contains_all,
    "matches": _matches,
    "empty": lambda actual, _: not actual,
}
# A series is reported by its worst element: the highest for an upper bound.
_UPPER_BOUNDS = frozenset({"<=", "<"})

SCORE_WEIGHTS: Mapping[str, int] = {"error": 3, "warning": 1}

_make_result: Callable[[type[Result], tuple[Any, ...]], Result] = tuple.__new__


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
    roles = _book_roles(load_catalogue() if book is None else book)

    context = Context(
        _judge,
        _status,
        scale_up=roles.scale_up,
        fit_gates=roles.fit_gates,
        acv_floor=roles.acv_floor,
    )
    prepared = _prepared_all(rules)
    subjects = _Subjects(org, context, export)
    by_rule: list[list[Result]] = []
    made = subjects.made
    for found in prepared:
        # _run, inline: this loop runs every rule on every file.
        judged: Sequence[Subject] | None = () if found.after_segments else made.get(found.kind_key)
        if judged is None:
            judged = subjects.of(found.kind, found.kind_key)
        if len(judged) == 1:  # most rules judge one subject a file
            by_rule.append([_result(found, judged[0], document, waivers)])
        else:
            by_rule.append([_result(found, subject, document, waivers) for subject in judged])
    # Rules that read pilot decisions run once the segments' own results are known.
    decisions: dict[str, PilotDecision] = {}
    piloted = [segment for segment in org.pod_segments if segment.pilot_results is not None]
    if piloted:
        own = _by_segment(by_rule)
        decisions = {
            segment.id: decide_pilot(segment, own.get(segment.id, []), roles.pilot)
            for segment in piloted
        }
        context = context._replace(decisions={key: d.action for key, d in decisions.items()})
        subjects = _Subjects(org, context, export)
    for position, found in enumerate(prepared):
        if found.after_segments:
            by_rule[position] = _run(found, subjects, document, waivers)
    results: list[Result] = []
    for found_results in by_rule:
        results += found_results
    own = _by_segment((results,))
    summaries = tuple(
        _summarise(
            org,
            index,
            segment,
            own.get(segment.id, []),
            decisions.get(segment.id),
            roles.acv_floor,
            document,
        )
        for index, segment in enumerate(org.segments)
    )
    failed = any(r.status == "fail" and r.severity == "error" for r in results)
    return FileReport(
        path=document.path,
        org=org.org.name,
        verdict="no-go" if failed else "go",
        segments=summaries,
        results=tuple(results),
    )


class _BookRoles(NamedTuple):
    """What the rules that consult others read from the catalogue as configured."""

    book: Sequence[Rule]
    scale_up: tuple[Rule, ...]
    fit_gates: tuple[Rule, ...]
    acv_floor: Any
    pilot: dict[str, str]  # rule code -> its role in the pilot decision


_last_roles: list[_BookRoles] = []


def _book_roles(book: Sequence[Rule]) -> _BookRoles:
    """The book's roles, read once per book: a run judges every file with the same one."""
    if type(book) is tuple and _last_roles and _last_roles[0].book is book:
        return _last_roles[0]
    found = _BookRoles(
        book,
        with_role(book, "scale_up"),
        with_role(book, "fit_gate"),
        role_rule(book, "acv_floor").threshold,
        {rule.code: rule.roles.pilot for rule in book if rule.roles.pilot},
    )
    _last_roles[:] = [found]
    return found


def _run(
    found: "_Prepared", subjects: "_Subjects", document: Document, waivers: Sequence[Waiver]
) -> list[Result]:
    judged = subjects.made.get(found.kind_key)
    if judged is None:
        judged = subjects.of(found.kind, found.kind_key)
    return [_result(found, subject, document, waivers) for subject in judged]


def _by_segment(groups: Iterable[Sequence[Result]]) -> dict[str | None, list[Result]]:
    """Results grouped by the segment they are scoped to (pods' results with their segment)."""
    found: dict[str | None, list[Result]] = {}
    for results in groups:
        for result in results:
            found.setdefault(result.segment, []).append(result)
    return found


class _Kind(NamedTuple):
    """Which subjects a rule judges: every rule of one kind judges the same ones."""

    org: bool
    always: bool  # the org even in a file without pod segments
    segment: bool
    pod: bool
    whole: bool  # the whole segment, not the pilot cohort
    requires: str | None


class _PodSegment(NamedTuple):
    """A pod segment's subjects, made once: the segment as its pilot cohort and as a whole,
    and the pods of each."""

    segment: Segment
    cohort: Subject
    cohort_pods: tuple[Subject, ...]
    whole: Subject
    all_pods: tuple[Subject, ...]


class _Subjects:
    """Everything rules judge in one file, made when first asked for, in file order."""

    __slots__ = ("context", "export", "made", "org", "org_subject", "pod_segments")

    def __init__(self, org: OrgFile, context: Context, export: Any = None) -> None:
        self.org, self.context, self.export = org, context, export
        self.org_subject = Subject(org, context=context, export=export)
        self.pod_segments: list[tuple[int, Segment, _PodSegment | None]] = [
            (index, segment, None)
            for index, segment in enumerate(org.segments)
            if segment.model == "pod"
        ]
        self.made: dict[int, tuple[Subject, ...]] = {}  # by the kind's key

    def of(self, kind: _Kind, key: int) -> tuple[Subject, ...]:
        """Every subject a rule of this kind judges, in file order: the org, pod segments,
        their pods."""
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = tuple(self._judged(kind))
        return found

    def _judged(self, kind: _Kind) -> Iterator[Subject]:
        if kind.org and (kind.always or self.pod_segments):
            yield self.org_subject
        for position, (index, segment, made) in enumerate(self.pod_segments):
            if _lacks(kind.requires, segment, self.export):
                continue
            if made is None:
                made = _pod_segment(self.org, index, segment, self.context, self.export)
                self.pod_segments[position] = (index, segment, made)
            if kind.segment:
                yield made.whole if kind.whole else made.cohort
            if kind.pod:
                yield from made.all_pods if kind.whole else made.cohort_pods


def _pod_segment(
    org: OrgFile, index: int, segment: Segment, context: Context, export: Any = None
) -> _PodSegment:
    whole = whole_segment(segment, index)
    cohort = _cohort(org, segment, index, whole)
    groups = [whole] if cohort is whole else [cohort, whole]
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


def _cohort(org: OrgFile, segment: Segment, index: int, whole: Group) -> Group:
    """The group segment rules judge: `whole` itself unless a pilot cohort is marked."""
    cohort = judged_group(org, segment, index)
    return cohort if cohort.marked else whole


def _judged_in(pod_segment: _PodSegment, rule: Rule, export: Any = None) -> Iterator[Subject]:
    segment, cohort, cohort_pods, whole, all_pods = pod_segment
    if _lacks(rule.requires, segment, export):
        return
    judges_whole = rule.judges == "segment"
    if "segment" in rule.scope:
        yield whole if judges_whole else cohort
    if "pod" in rule.scope:
        yield from all_pods if judges_whole else cohort_pods


def planning_context(book: Sequence[Rule]) -> Context:
    """The context rules that consult others need, for judging candidate changes one rule
    and one segment at a time (podcheck plan)."""

    return rule_context(book, _judge)


def rule_context(
    book: Sequence[Rule], judge: Callable[[Rule, Subject], tuple[str, str]]
) -> Context:
    """What the rules that consult others read from the catalogue as configured: the rules
    scale-up readiness re-judges, the model fit's gates and its ACV floor."""
    roles = _book_roles(book)
    return Context(
        judge,
        _status,
        scale_up=roles.scale_up,
        fit_gates=roles.fit_gates,
        acv_floor=roles.acv_floor,
    )


def segment_subject(
    org: OrgFile, index: int, segment: Segment, rule: Rule, context: Context
) -> Subject | None:
    """The segment-scope subject `rule` judges in one pod segment (its cohort or the whole
    segment), or None when the rule does not judge it; made alone, for a search that
    judges one candidate segment after another."""
    if "segment" not in rule.scope or _lacks(rule.requires, segment, None):
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


def _lacks(requires: str | None, segment: Segment, export: Any) -> bool:
    """Whether a rule that `requires` data lacks it in this run: an account export, or a
    segment field such as pilot_results."""
    if requires is None:
        return False
    if requires == "accounts":
        return export is None
    return getattr(segment, requires) is None


# A message field's value: (subject, measurement, actual, month, first failing, bar) -> text.
class _Prepared(NamedTuple):
    """A rule made ready to run, once per rule: its metric, how it compares, which subjects
    it judges and its messages' fields, so that a result costs only what varies."""

    rule: Rule
    measure: MetricFunction
    after_segments: bool
    kind: _Kind
    kind_key: int  # the same for every rule of the kind: cheaper to look up than the kind
    passes: Callable[[Any, Any], bool]
    upper: bool  # a series is reported by its highest element
    messages: RuleMessages


# Rules prepared so far, by identity: a run judges every file with the same rule objects.
_PREPARED: dict[int, _Prepared] = {}
_PREPARED_LIMIT = 4096
_KIND_KEYS: dict[_Kind, int] = {}


def _prepared(rule: Rule) -> _Prepared:
    found = _PREPARED.get(id(rule))
    if found is not None and found.rule is rule:
        return found
    if len(_PREPARED) >= _PREPARED_LIMIT:  # rules made over and over (tests, configs)
        _PREPARED.clear()
    spec = REGISTRY[rule.metric]
    scope = rule.scope
    kind = _Kind(
        "org" in scope,
        rule.runs == "always",
        "segment" in scope,
        "pod" in scope,
        rule.judges == "segment",
        rule.requires,
    )
    found = _PREPARED[id(rule)] = _Prepared(
        rule=rule,
        measure=spec.function,
        after_segments=spec.after_segments,
        kind=kind,
        kind_key=_KIND_KEYS.setdefault(kind, len(_KIND_KEYS)),
        passes=COMPARISONS[rule.compare],
        upper=rule.compare in _UPPER_BOUNDS,
        messages=RuleMessages(rule),
    )
    return found


_last_prepared: list[tuple[tuple[Rule, ...], tuple[_Prepared, ...]]] = []


def _prepared_all(rules: Sequence[Rule]) -> Sequence[_Prepared]:
    """The rules in force, prepared; once per run for a run's tuple of them."""
    if type(rules) is not tuple:
        return [_prepared(rule) for rule in rules]
    if _last_prepared and _last_prepared[0][0] is rules:
        return _last_prepared[0][1]
    found = tuple(_prepared(rule) for rule in rules)
    _last_prepared[:] = [(rules, found)]
    return found


def run_rule(
    rule: Rule, subject: Subject, document: Document, waivers: Sequence[Waiver] = ()
) -> Result:
    return _result(_prepared(rule), subject, document, waivers)


def _result(
    found: _Prepared, subject: Subject, document: Document, waivers: Sequence[Waiver]
) -> Result:
    rule = found.rule
    measured = found.measure(subject, rule.params)
    bar = measured.reference if rule.threshold is None else rule.threshold
    # What _decide says, its most common case inline: one result is made per rule and subject.
    if measured.outcome is None and measured.series is None:
        actual, month, first = measured.value, None, None
        status: Status = "pass" if found.passes(actual, bar) else "fail"
    else:
        status, actual, month, first = _decide(found, measured, bar)
    at = measured.at
    place = document.places.get(at)
    if place is None:
        line, column = document.locate(at)
    else:  # the value is there: where it stands (what locate says, without the search)
        line, column = place[0].line + 1, place[0].column + 1
    segment = subject.segment.id if subject.segment else None
    pod = subject.pod.id if subject.pod else None
    waiver = (
        find_waiver(waivers, rule.code, document.path, segment, pod)
        if status == "fail" and waivers
        else None
    )
    # In field order, by tuple.__new__: one result is made per rule and subject, and the
    # named tuple's own __new__ (a Python function) would add half again to what making
    # one costs.
    return _make_result(
        Result,
        (
            rule.code,
            rule.name,
            rule.severity,
            "waived" if waiver else status,
            segment,
            pod,
            actual,
            bar,
            rule.unit,
            found.messages.write(subject, measured, status, actual, month, first, bar),
            line,
            column,
            waiver.reason if waiver else None,
            waiver.index if waiver else None,
        ),
    )


def _judge(rule: Rule, subject: Subject) -> tuple[str, str]:
    """A rule's status and message on a subject, for the rules that consult others."""
    found = _prepared(rule)
    measured = found.measure(subject, rule.params)
    bar = measured.reference if rule.threshold is None else rule.threshold
    status, actual, month, first = _decide(found, measured, bar)
    return status, found.messages.write(subject, measured, status, actual, month, first, bar)


def _decide(
    found: _Prepared, measured: Measurement, bar: Any
) -> tuple[Status, Any, int | None, tuple[int, Any] | None]:
    """Status, the value that decided it, its month (for a series) and the first month
    that fails with its value; a series is judged by its worst month."""
    if measured.outcome is not None:
        return measured.outcome, measured.value, measured.details.get("month"), None
    if measured.series is None:
        status: Status = "pass" if found.passes(measured.value, bar) else "fail"
        return status, measured.value, None, None
    first = _first_failing(measured.series, found.passes, bar)
    month, value = _worst(measured.series, found.upper)
    return "fail" if first else "pass", value, month, first


_UNCHECKED = object()


def _first_failing(
    series: Sequence[tuple[int, Any]], passes: Callable[[Any, Any], bool], bar: Any
) -> tuple[int, Any] | None:
    """The first month of a series that fails, and its value."""
    passed: Any = _UNCHECKED
    for month, value in series:
        # A plan's months repeat one ratio until the next hire: judge it once.
        if value is not passed:
            if not passes(value, bar):
                return month, value
            passed = value
    return None


def _worst(series: Sequence[tuple[int, Any]], upper: bool) -> tuple[int, Any]:
    """The highest element of a series (the lowest unless `upper`), the earliest month of
    it on a tie."""
    month, value = series[0]
    sign = 1 if upper else -1
    for other_month, other in series[1:]:
        beyond = 0 if other is value else order(other, value) * sign
        if beyond > 0 or (beyond == 0 and other_month < month):
            month, value = other_month, other
    return month, value


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
        failed, score = _tally(own)
        verdict = "no-go" if failed else "go"
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
    return _tally(results)[1]


def _tally(results: Sequence[Result]) -> tuple[bool, int]:
    """Whether an error fails, and the readiness score, in one pass over the results."""
    failed = False
    total = passed = 0
    for result in results:
        status = result.status
        if status == "pass" or status == "fail":
            weight = SCORE_WEIGHTS.get(result.severity, 0)
            total += weight
            if status == "pass":
                passed += weight
            elif result.severity == "error":
                failed = True
    return failed, passed * 100 // total if total else 100


def rule_status(
    rule: Rule, subject: Subject, document: Document, waivers: Sequence[Waiver] = ()
) -> Status:
    """The status `run_rule` would give, without writing the message: for searches that
    judge many candidate changes (podcheck plan)."""
    status = _status(rule, subject)
    if status != "fail":
        return status
    segment = subject.segment.id if subject.segment else None
    pod = subject.pod.id if subject.pod else None
    return "waived" if find_waiver(waivers, rule.code, document.path, segment, pod) else status


def _status(rule: Rule, subject: Subject) -> Status:
    """A rule's status on a subject before waivers, without its message."""
    found = _prepared(rule)
    measured = found.measure(subject, rule.params)
    if measured.outcome is not None:
        return measured.outcome
    bar = measured.reference if rule.threshold is None else rule.threshold
    if measured.series is None:
        return "pass" if found.passes(measured.value, bar) else "fail"
    return "fail" if _first_failing(measured.series, found.passes, bar) else "pass"
