"""The decision checklist the CRO and VP of Customer Success take into the review meeting.

Five questions, each answered from the file with its evidence and the rule behind it; then
the pilot's starting criteria and the 90-day success metrics. Built from the same
FileReport the other formats use: the checklist never judges anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from podcheck.core.numbers import format_plain
from podcheck.core.units import expectation, write
from podcheck.judge.report import FileReport, Result
from podcheck.judge.rule import Rule
from podcheck.judge.rulebook import load_catalogue
from podcheck.orgfile.model import OrgFile, Segment

# `waived`: the rule behind it fails but a config waiver accepts it; never ticked.
# `review`: a figure the article asks to watch but sets no bar for; never ticked either.
Answer = Literal["yes", "no", "open", "waived", "review"]


@dataclass(frozen=True)
class Evidence:
    text: str
    rule: str  # the code and the name, e.g. POD101 acv-floor
    passed: bool  # False for a failure, waived or not
    waiver: str | None = None  # the reason, when a waiver accepts the failure
    pod: str | None = None  # the pod a pod-level result is about


@dataclass(frozen=True)
class Question:
    number: int
    text: str
    answer: Answer
    evidence: tuple[Evidence, ...]
    missing: str = ""  # why an open question is open: what the file would need to say

    @property
    def ticked(self) -> bool:
        return self.answer == "yes"


@dataclass(frozen=True)
class Criterion:
    name: str
    answer: Answer
    evidence: str
    waiver: str | None = None  # the reason, when a waiver accepts a failure behind it


@dataclass(frozen=True)
class Metric:
    name: str
    value: str  # "not measured yet" when the file has no figure
    note: str
    # yes: better than baseline / within limit; no: worse; open: no figure; review: no bar
    answer: Answer


@dataclass(frozen=True)
class SegmentPilot:
    segment: str
    name: str
    criteria: tuple[Criterion, ...]
    metrics: tuple[Metric, ...]


@dataclass(frozen=True)
class Checklist:
    path: str
    org: str
    verdict: str
    questions: tuple[Question, ...]
    pilots: tuple[SegmentPilot, ...]
    # Error-severity failures no question asks about, which still make the file no-go.
    also_failing: tuple[Evidence, ...] = ()
    # Warning-severity failures no question asks about: they do not decide the verdict, but
    # they are what a reviewer acts on next (a pilot's pre-sales drift, a thin pilot).
    warnings: tuple[Evidence, ...] = ()
    # What shaped the verdict besides the file: rules not run, config overrides, the gate.
    notes: tuple[str, ...] = ()
    # How many export rows were refused and why, when some were: the verdict cannot be go.
    export: str | None = None

    @property
    def answered(self) -> int:
        return sum(q.ticked for q in self.questions)


# The article's five decision questions; which rules answer each is said by the rules'
# `roles.question` in the rule data.
QUESTIONS = (
    (1, "Is the ACV high enough to pay for a dedicated AE+CSM pair?"),
    (2, "Can the 1:1 ratio be sustained through the hiring plan?"),
    (3, "Is there a coverage plan for when a pod member is out of office?"),
    (4, "Are the renewal ownership rules written down?"),
    (5, "Does comp hold the pair jointly accountable, through a shared NRR or expansion target?"),
)


def _missing(org: OrgFile, number: int) -> str:
    """Why a question stays open, as a sentence's clause, or '' when the file has the
    facts."""
    policies = org.policies
    if not org.pod_segments:  # the rules that answer it run only beside pod segments
        return "no segment is proposed with model: pod, so there is no pair to ask it of"
    if number == 3 and (
        policies.coverage_plan is None or policies.coverage_plan.documented is None
    ):
        return _unsaid("policies.coverage_plan (documented, backup)")
    if number == 4 and (
        policies.renewal_ownership is None or policies.renewal_ownership.written is None
    ):
        return _unsaid("policies.renewal_ownership.written")
    if number == 5 and (
        policies.comp is None
        or (policies.comp.ae_metrics is None and policies.comp.csm_metrics is None)
    ):
        return _unsaid("policies.comp (ae_metrics, csm_metrics)")
    return ""


def _unsaid(field: str) -> str:
    return f"the file does not say {field}"


def _evidence(
    result: Result, rules: dict[str, Rule], label: str = "", where: bool = True
) -> Evidence:
    """A result as evidence: where it was judged (`label` says on what: the proposal or the
    books, the pilot cohort or the whole segment), its message and its figure."""
    rule = rules[result.rule]
    place = ""
    if where:
        place = (result.segment or "") + (f"/{result.pod}" if result.pod else "")
    place = ", ".join(part for part in (place, label) if part)
    prefix = f"{place}: " if place else ""
    figure = ""
    actual = write(result.unit, result.actual) if result.actual is not None else ""
    # The figure against its threshold, unless the message already states it.
    if actual and result.unit not in ("flag", "names", "owners") and actual not in result.message:
        figure = f" ({actual} vs {expectation(rule.compare, rule.unit, result.threshold)})"
    # A failing warning says so: a question left open by one alone does not stop a GO.
    severity = ", warning" if result.severity == "warning" and result.status == "fail" else ""
    return Evidence(
        f"{prefix}{result.message}{figure}",
        f"{result.rule} {result.name}{severity}",
        result.status == "pass",
        result.waiver if result.status == "waived" else None,
        result.pod,
    )


# What a result was judged on, where a reader could take one figure for another.
PROPOSAL, BOOKS = "proposal", "books"
COHORT, WHOLE = "pilot cohort", "whole segment"


class _Labels(NamedTuple):
    """How to label the results shown together: by source when the proposal's figures and
    the export's books both appear, by group (cohort or whole) where a pilot cohort is
    judged apart from its segment."""

    rules: dict[str, Rule]
    cohorts: frozenset[str]  # segments judged on a pilot cohort
    sources: bool = False

    def among(self, results: Sequence[Result]) -> _Labels:
        books = {self.rules[r.rule].requires == "accounts" for r in results}
        return self._replace(sources=len(books) > 1)

    def of(self, result: Result) -> str:
        rule = self.rules[result.rule]
        parts = []
        # The load and ratio rules (those scale-up readiness re-judges on the whole
        # segment) are the figures that differ between a cohort and its segment.
        if result.segment in self.cohorts and result.pod is None and rule.roles.scale_up:
            parts.append(WHOLE if rule.judges == "segment" else COHORT)
        if self.sources:
            parts.append(BOOKS if rule.requires == "accounts" else PROPOSAL)
        return " ".join(parts) if len(parts) < 2 else f"{parts[0]}, {parts[1]}"


class _Index(NamedTuple):
    """A report's results looked up by rule, built once: a big org has thousands of them."""

    by_rule: dict[str, list[tuple[int, Result]]]  # with each result's place in the report
    by_segment: dict[tuple[str, str], Result]  # (rule, segment) -> the segment's own result
    # (rule, segment) -> its pods' failing results, in the report's order
    failing_pods: dict[tuple[str, str], list[Result]]

    @classmethod
    def of(cls, report: FileReport) -> _Index:
        by_rule: dict[str, list[tuple[int, Result]]] = {}
        by_segment: dict[tuple[str, str], Result] = {}
        failing_pods: dict[tuple[str, str], list[Result]] = {}
        for place, result in enumerate(report.results):
            by_rule.setdefault(result.rule, []).append((place, result))
            if result.segment is None:
                continue
            if result.pod is None:
                by_segment.setdefault((result.rule, result.segment), result)
            elif result.failed:
                failing_pods.setdefault((result.rule, result.segment), []).append(result)
        return cls(by_rule, by_segment, failing_pods)

    def segment(self, segment: str, code: str) -> Result | None:
        return self.by_segment.get((code, segment))

    def hidden_pods(self, segment: str, code: str) -> list[Result]:
        """The pods failing a rule their segment does not fail: the segment's figure, an
        average over them, would hide them. A failing segment already says no."""
        own = self.segment(segment, code)
        if own is not None and own.failed:
            return []
        return self.failing_pods.get((code, segment), [])


def _question(
    number: int,
    text: str,
    codes: Sequence[str],
    org: OrgFile,
    index: _Index,
    labels: _Labels,
) -> Question:
    missing = _missing(org, number)
    # Segment and org results, and the pods that fail: a passing pod repeats its segment.
    # Results stay in the report's order, whatever the order of the codes.
    found = [
        r
        for _, r in sorted(
            (place, r)
            for code in dict.fromkeys(codes)
            for place, r in index.by_rule.get(code, ())
            if r.status != "skip" and (r.pod is None or r.failed)
        )
    ]
    if not missing and not found:
        missing = f"rule {', '.join(codes)} is turned off in the config"
    labels = labels.among(found)
    evidence = tuple(_evidence(r, labels.rules, labels.of(r)) for r in found)
    if missing:
        return Question(number, text, "open", evidence, missing)
    return Question(number, text, _answer(evidence), evidence)


def _answer(evidence: Sequence[Evidence]) -> Answer:
    """No if anything fails; waived if a waiver is all that lets it pass; else yes."""
    if any(not e.passed and e.waiver is None for e in evidence):
        return "no"
    return "waived" if any(e.waiver is not None for e in evidence) else "yes"


def _criterion(
    name: str,
    results: Sequence[Result],
    labels: _Labels,
    pods: Sequence[Result] = (),
    apart: bool = False,
) -> Criterion:
    """A starting criterion from every rule that answers it (the proposal's figure, and the
    books' where an export was given), each labelled when they stand side by side.

    `pods` are pod results failing a rule the segment passes: the segment's figure is an
    average over its pods, and the criterion must not be ticked while one of them fails.
    Each is named with its figure. `apart`: its label-mates stand apart with other bars, so
    its evidence is labelled as the proposal's or the books' all the same."""
    judged = [r for r in results if r.status != "skip"]
    if not results and not pods:
        return Criterion(name, "open", "not judged (rule turned off or not applicable)")
    if not judged and not pods:
        return Criterion(name, "open", results[0].message)
    labels = labels.among([*judged, *pods])
    labels = labels._replace(sources=True) if apart else labels
    failing = {r.rule for r in pods}
    evidence = [
        _evidence(r, labels.rules, _overall(labels, r, r.rule in failing), where=False)
        for r in judged
    ]
    evidence += [_evidence(r, labels.rules, _pod_label(labels, r), where=False) for r in pods]
    waivers = [e.waiver for e in evidence if e.waiver is not None]
    return Criterion(
        name,
        _answer(evidence),
        " · ".join(e.text for e in evidence),
        "; ".join(dict.fromkeys(waivers)) or None,
    )


def _overall(labels: _Labels, result: Result, beside_pods: bool) -> str:
    """A segment's label; beside its failing pods, it says the figure is taken over them all."""
    label = labels.of(result)
    if not beside_pods:
        return label
    overall = "taken together" if result.unit == "ratio" else "on average"
    return f"{label or 'segment'} {overall}"


def _pod_label(labels: _Labels, result: Result) -> str:
    label = labels.of(result)
    return f"pod {result.pod}" + (f", {label}" if label else "")


def _comparison_metric(name: str, result: Result | None, better: str) -> Metric:
    if result is None or result.status == "skip":
        return Metric(name, "not measured yet", better, "open")
    answer: Answer = (
        "yes" if result.status == "pass" else "waived" if result.status == "waived" else "no"
    )
    return Metric(name, result.message, better, answer)


def _metrics(
    segment: Segment, index: _Index, book: Sequence[Rule], by_code: dict[str, Rule]
) -> tuple[Metric, ...]:
    """The 90-day success metrics: one per rule with a `success_metric` role, then AE
    attendance, which the article asks to track but gives no bar for."""
    found = []
    for listed in book:
        label = listed.roles.success_metric
        if label is None:
            continue
        rule = by_code[listed.code]
        result = index.segment(segment.id, rule.code)
        found.append(_comparison_metric(label, result, _aim(rule)))
    pilot = segment.pilot_results
    attendance = pilot.ae_attendance_pct if pilot else None
    found.append(
        Metric(
            "AE attendance on CSM calls",
            "not measured yet" if attendance is None else f"{format_plain(attendance)}% of calls",
            "no bar in the article: read it to see whether the pair works together or is "
            "paired in name only",
            "open" if attendance is None else "review",
        )
    )
    return tuple(found)


class _Carriers(NamedTuple):
    """The rules that answer a criterion; `apart` when rules sharing its label were given
    other bars, so its evidence says whether it is the proposal's or the books'."""

    codes: list[str]
    apart: bool


def _criteria(
    book: Sequence[Rule], by_code: dict[str, Rule], run: set[str]
) -> dict[str, _Carriers]:
    """Each criterion once, by its label with the bar in force, with the rules that answer
    it, in the catalogue's order. Rules sharing a label (the proposal's and the books') are
    labelled by those that run; when the config gives them different bars, each bar is a
    criterion of its own (marked `apart`), so that no label names a bar its evidence was not
    judged by."""
    shared: dict[str, list[Rule]] = {}
    for rule in book:
        if rule.roles.criterion is not None:
            shared.setdefault(rule.roles.criterion, []).append(by_code[rule.code])
    criteria: dict[str, _Carriers] = {}
    for carriers in shared.values():
        # With none run, one row says the criterion was not judged.
        shown = [r for r in carriers if r.code in run] or carriers[:1]
        apart = len({r.criterion_label for r in shown}) > 1
        for rule in shown:
            label = rule.criterion_label or ""
            criteria.setdefault(label, _Carriers([], apart)).codes.append(rule.code)
    return criteria


def _aim(rule: Rule) -> str:
    """A metric's aim: the rule's summary, which states the catalogue's bar, and the bar in
    force when the config moved it."""
    aim = rule.summary.rstrip(".")
    if rule.threshold == rule.default_threshold:
        return aim
    return f"{aim} (the catalogue's bar; the config sets {rule.threshold_text})"


def build(
    report: FileReport, org: OrgFile, rules: Sequence[Rule], book: Sequence[Rule] | None = None
) -> Checklist:
    """The checklist of one judged file; `book` (default: the shipped catalogue) says which
    rules answer which question, whether or not they ran."""
    book = load_catalogue() if book is None else book
    by_code = {rule.code: rule for rule in (*book, *rules)}
    index = _Index.of(report)
    cohorts = frozenset(s.id for s in report.segments if s.cohort is not None)
    labels = _Labels(by_code, cohorts)
    questions = tuple(
        _question(
            number,
            text,
            [rule.code for rule in book if rule.roles.question == number],
            org,
            index,
            labels,
        )
        for number, text in QUESTIONS
    )
    criteria = _criteria(book, by_code, {rule.code for rule in rules})
    pilots = tuple(
        SegmentPilot(
            segment=segment.id,
            name=segment.display_name,
            criteria=tuple(
                _criterion(
                    name,
                    [r for code in codes if (r := index.segment(segment.id, code)) is not None],
                    labels,
                    [r for code in codes for r in index.hidden_pods(segment.id, code)],
                    apart,
                )
                for name, (codes, apart) in criteria.items()
            ),
            metrics=_metrics(segment, index, book, by_code),
        )
        for segment in org.pod_segments
    )
    asked = {rule.code for rule in book if rule.roles.question is not None}
    unasked = [r for r in report.results if r.failed and r.rule not in asked]
    also = tuple(_evidence(r, by_code, labels.of(r)) for r in unasked if r.severity == "error")
    warnings = tuple(
        _evidence(r, by_code, labels.of(r)) for r in unasked if r.severity == "warning"
    )
    export = report.export.line if report.export is not None and report.export.incomplete else None
    return Checklist(
        report.path,
        org.org.name,
        report.verdict,
        questions,
        pilots,
        also,
        export=export,
        warnings=warnings,
    )
