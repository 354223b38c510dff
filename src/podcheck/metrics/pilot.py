"""The pilot results family (POD5xx)."""

from fractions import Fraction
from typing import Any

from podcheck.core.numbers import format_plain
from podcheck.metrics.registry import Measurement, Params, Subject, metric
from podcheck.orgfile.source import Path


def _pilot_field(subject: Subject, name: str) -> tuple[Any, Path]:
    results = subject.seg().pilot_results
    value = getattr(results, name) if results is not None else None
    return value, subject.path("pilot_results", name)


def _against_baseline(subject: Subject, name: str) -> Measurement:
    pair, at = _pilot_field(subject, name)
    if pair is None:
        return Measurement(None, at, outcome="skip", case="absent")
    return Measurement(pair.pilot, (*at, "pilot"), reference=pair.baseline)


@metric("handoff_quality", scopes=("segment",), cases=("absent",))
def handoff_quality(subject: Subject, params: Params) -> Measurement:
    return _against_baseline(subject, "handoff_quality")


@metric("time_to_value", scopes=("segment",), details=("improvement",), cases=("absent",))
def time_to_value(subject: Subject, params: Params) -> Measurement:
    found = _against_baseline(subject, "time_to_first_value_days")
    if found.outcome is not None:
        return found
    pilot, baseline = found.value, found.reference
    improvement = "n/a"
    if baseline > 0:
        improvement = f"{format_plain(round(Fraction(baseline - pilot) * 100 / baseline, 1))}%"
    return Measurement(pilot, found.at, reference=baseline, details={"improvement": improvement})


@metric("forecast_accuracy", scopes=("segment",), cases=("absent",))
def forecast_accuracy(subject: Subject, params: Params) -> Measurement:
    return _against_baseline(subject, "renewal_forecast_accuracy_pct")


def _pilot_figure(subject: Subject, name: str) -> Measurement:
    value, at = _pilot_field(subject, name)
    if value is None:
        return Measurement(None, at, outcome="skip", case="absent")
    return Measurement(value, at)


@metric("csm_presales_pct", scopes=("segment",), cases=("absent",))
def csm_presales_pct(subject: Subject, params: Params) -> Measurement:
    return _pilot_figure(subject, "csm_presales_pct")


@metric("ae_presales_pct", scopes=("segment",), cases=("absent",))
def ae_presales_pct(subject: Subject, params: Params) -> Measurement:
    return _pilot_figure(subject, "ae_presales_pct")


@metric("pilot_days", scopes=("segment",), cases=("absent",))
def pilot_days(subject: Subject, params: Params) -> Measurement:
    return _pilot_figure(subject, "days")


# How the decision's actions read in messages: a case per action other than `extend`.
_DECISION_CASES = {
    "relabel-as-swarm": "relabel",
    "fix-and-remeasure": "remeasure",
    "keep-measuring": "measuring",
}


@metric(
    "pilot_decision",
    scopes=("segment",),
    cases=("undecided", *_DECISION_CASES.values()),
    after_segments=True,
)
def pilot_decision(subject: Subject, params: Params) -> Measurement:
    """The segment's pilot decision, made from the other rules' results before this runs."""
    decisions = subject.context.decisions if subject.context else {}
    at = subject.path("pilot_results")
    action = decisions.get(subject.seg().id)
    if action is None:
        return Measurement(None, at, outcome="skip", case="undecided")
    return Measurement(action, at, case=_DECISION_CASES.get(action))
