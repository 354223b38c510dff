"""The decision checklist the CRO and VP of Customer Success take into the review meeting.

Five questions, each answered from the file with its evidence and the rule behind it; then
the pilot's starting criteria and the 90-day success metrics. Built from the same
FileReport the other formats use: the checklist never judges anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from podcheck.model import OrgFile, Segment
from podcheck.numbers import format_pct, format_plain
from podcheck.report import FileReport, Result
from podcheck.rulebook import Rule
from podcheck.units import expectation, write

# `waived`: the rule behind it fails but a config waiver accepts it; never ticked.
Answer = Literal["yes", "no", "open", "waived"]


@dataclass(frozen=True)
class Evidence:
    text: str
    rule: str  # e.g. "POD101 acv-floor"
    passed: bool  # False for a failure, waived or not
    waiver: str | None = None  # the reason, when a waiver accepts the failure
    pod: str | None = None  # the pod a pod-level result is about


@dataclass(frozen=True)
class Question:
    number: int
    text: str
    answer: Answer
    evidence: tuple[Evidence, ...]
    missing: str = ""  # what the file would need to say, for an open question

    @property
    def ticked(self) -> bool:
        return self.answer == "yes"


@dataclass(frozen=True)
class Criterion:
    name: str
    answer: Answer
    evidence: str


@dataclass(frozen=True)
class Metric:
    name: str
    value: str  # "not measured yet" when the file has no figure
    note: str
    answer: Answer  # yes: better than baseline / within limit; no: worse; open: no figure


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

    @property
    def answered(self) -> int:
        return sum(q.ticked for q in self.questions)


QUESTIONS = (
    (1, "Is the ACV high enough to pay for a dedicated AE+CSM pair?", ("POD101",)),
    (2, "Can the 1:1 ratio be sustained through the hiring plan?", ("POD201", "POD203", "POD204")),
    (3, "Is there a coverage plan for when a pod member is out of office?", ("POD311",)),
    (4, "Are the renewal ownership rules written down?", ("POD301",)),
    (5, "Does comp give the pair shared accountability through NRR?", ("POD321",)),
)


def _missing(org: OrgFile, number: int) -> str:
    """What the file leaves unsaid for a question, or '' when it has the facts."""
    policies = org.policies
    if number in (1, 2) and not org.pod_segments:
        return "no segment is proposed with model: pod"
    if number == 3 and (
        policies.coverage_plan is None or policies.coverage_plan.documented is None
    ):
        return "policies.coverage_plan (documented, backup)"
    if number == 4 and (
        policies.renewal_ownership is None or policies.renewal_ownership.written is None
    ):
        return "policies.renewal_ownership.written"
    if number == 5 and (
        policies.comp is None
        or (policies.comp.ae_metrics is None and policies.comp.csm_metrics is None)
    ):
        return "policies.comp (ae_metrics, csm_metrics)"
    return ""


def _evidence(result: Result, rules: dict[str, Rule]) -> Evidence:
    rule = rules[result.rule]
    where = result.segment or ""
    if result.pod:
        where += f"/{result.pod}"
    prefix = f"{where}: " if where else ""
    figure = ""
    actual = write(result.unit, result.actual) if result.actual is not None else ""
    # The figure against its threshold, unless the message already states it.
    if actual and result.unit not in ("flag", "names", "owners") and actual not in result.message:
        figure = f" ({actual} vs {expectation(rule.compare, rule.unit, result.threshold)})"
    return Evidence(
        f"{prefix}{result.message}{figure}",
        f"{result.rule} {result.name}",
        result.status == "pass",
        result.waiver if result.status == "waived" else None,
        result.pod,
    )


def _question(
    number: int,
    text: str,
    codes: Sequence[str],
    org: OrgFile,
    report: FileReport,
    rules: dict[str, Rule],
) -> Question:
    missing = _missing(org, number)
    # Segment and org results, and the pods that fail: a passing pod repeats its segment.
    found = [
        r
        for r in report.results
        if r.rule in codes and r.status != "skip" and (r.pod is None or r.failed)
    ]
    if not missing and not found:
        missing = f"rule {', '.join(codes)} is turned off in the config"
    evidence = tuple(_evidence(r, rules) for r in found)
    if missing:
        return Question(number, text, "open", evidence, missing)
    return Question(number, text, _answer(evidence), evidence)


def _answer(evidence: Sequence[Evidence]) -> Answer:
    """No if anything fails; waived if a waiver is all that lets it pass; else yes."""
    if any(not e.passed and e.waiver is None for e in evidence):
        return "no"
    return "waived" if any(e.waiver is not None for e in evidence) else "yes"


def _criterion(name: str, result: Result | None, rules: dict[str, Rule]) -> Criterion:
    if result is None:
        return Criterion(name, "open", "not judged (rule turned off or not applicable)")
    if result.status == "skip":
        return Criterion(name, "open", result.message)
    evidence = _evidence(result, rules)
    return Criterion(name, _answer((evidence,)), evidence.text)


def _segment_result(report: FileReport, segment: str, code: str) -> Result | None:
    return next(
        (r for r in report.results if r.rule == code and r.segment == segment and r.pod is None),
        None,
    )


def _comparison_metric(name: str, result: Result | None, better: str) -> Metric:
    if result is None or result.status == "skip":
        return Metric(name, "not measured yet", better, "open")
    answer: Answer = (
        "yes" if result.status == "pass" else "waived" if result.status == "waived" else "no"
    )
    return Metric(name, result.message, better, answer)


def _metrics(segment: Segment, report: FileReport) -> tuple[Metric, ...]:
    pilot = segment.pilot_results
    attendance = pilot.ae_attendance_pct if pilot else None
    presales = pilot.csm_presales_pct if pilot else None
    presales_result = _segment_result(report, segment.id, "POD503")
    if presales is None:
        split = Metric(
            "CSM time on pre-sales vs post-sales",
            "not measured yet",
            "pre-sales should stay at or under 25% of CSM time",
            "open",
        )
    else:
        answer: Answer = "no" if presales_result is not None and presales_result.failed else "yes"
        split = Metric(
            "CSM time on pre-sales vs post-sales",
            f"{format_pct(presales)} pre-sales / {format_pct(100 - presales)} post-sales",
            "pre-sales should stay at or under 25% of CSM time",
            answer,
        )
    return (
        _comparison_metric(
            "Handoff quality (CSM-rated)",
            _segment_result(report, segment.id, "POD501"),
            "higher than the baseline",
        ),
        _comparison_metric(
            "Time to first value vs the non-pod baseline",
            _segment_result(report, segment.id, "POD502"),
            "shorter; aligned pods report about 23% faster",
        ),
        Metric(
            "AE attendance on CSM calls",
            "not measured yet" if attendance is None else f"{format_plain(attendance)}% of calls",
            "shows whether the pair collaborates or is paired in name only",
            "open" if attendance is None else "yes",
        ),
        split,
        _comparison_metric(
            "Renewal forecast accuracy 120 days out",
            _segment_result(report, segment.id, "POD505"),
            "no worse than the baseline",
        ),
    )


def build(report: FileReport, org: OrgFile, rules: Sequence[Rule]) -> Checklist:
    by_code = {rule.code: rule for rule in rules}
    questions = tuple(
        _question(n, text, codes, org, report, by_code) for n, text, codes in QUESTIONS
    )
    pilots = tuple(
        SegmentPilot(
            segment=segment.id,
            name=segment.display_name,
            criteria=(
                _criterion(
                    "Segment: mid-market or enterprise",
                    _segment_result(report, segment.id, "POD102"),
                    by_code,
                ),
                _criterion(
                    "AE:CSM ratio 1:1, no worse than 1.2:1",
                    _segment_result(report, segment.id, "POD201"),
                    by_code,
                ),
                _criterion(
                    "CSM load under 35 accounts",
                    _segment_result(report, segment.id, "POD103"),
                    by_code,
                ),
                _criterion(
                    "Pilot size: at least 3 pods",
                    _segment_result(report, segment.id, "POD401"),
                    by_code,
                ),
            ),
            metrics=_metrics(segment, report),
        )
        for segment in org.pod_segments
    )
    return Checklist(report.path, org.org.name, report.verdict, questions, pilots)
