"""Named measurements that rules compare against their thresholds.

Each metric is one pure function of a `Subject` (the org, and the segment or pod being
judged) returning a `Measurement`. A rule file names the metric; adding a threshold rule
is a YAML edit, adding a new kind of measurement is one function here.

A metric may decide an outcome itself (no CSMs fails, absent data skips); it then names
a `case`, and the rule's messages must have a template for it. The rule book checks at
load time that every case and detail a message uses is one the metric declares.
"""

from collections.abc import Callable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from podcheck.model import OrgFile, Pod, Segment
from podcheck.numbers import Number, format_money, format_plain, format_ratio, quotient
from podcheck.projection import ratios
from podcheck.source import Path

Status = Literal["pass", "fail", "skip", "waived"]


class Subject(NamedTuple):
    """What one rule run looks at: the whole org, one segment, or one pod of a segment."""

    org: OrgFile
    segment: Segment | None = None
    segment_index: int | None = None
    pod: Pod | None = None
    pod_index: int | None = None
    book: Any = None  # the account export measured against this org (podcheck.book.Book)

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


REGISTRY: dict[str, MetricSpec] = {}


def metric(
    name: str,
    *,
    scopes: tuple[str, ...],
    details: tuple[str, ...] = (),
    cases: tuple[str, ...] = (),
) -> Callable[[MetricFunction], MetricFunction]:
    def register(function: MetricFunction) -> MetricFunction:
        REGISTRY[name] = MetricSpec(
            function, frozenset(scopes), frozenset(details), frozenset(cases)
        )
        return function

    return register


def _book(subject: Subject) -> tuple[int, int, int, Path]:
    """AEs, CSMs and accounts of the segment or pod, and where its people are stated."""
    if subject.pod is not None:
        return subject.pod.ae, subject.pod.csm, subject.pod.accounts, subject.path()
    segment = subject.seg()
    head = segment.headcount
    return head.ae, head.csm, segment.accounts, subject.path("headcount")


# Economics


@metric("acv", scopes=("segment",))
def acv(subject: Subject, params: Params) -> Measurement:
    return Measurement(subject.seg().acv, subject.path("acv"))


@metric("tier", scopes=("segment",))
def tier(subject: Subject, params: Params) -> Measurement:
    return Measurement(subject.seg().tier, subject.path("tier"))


@metric(
    "accounts_per_csm", scopes=("segment", "pod"), details=("accounts", "csm"), cases=("no_csm",)
)
def accounts_per_csm(subject: Subject, params: Params) -> Measurement:
    _, csm, accounts, _ = _book(subject)
    at = subject.path("accounts")
    details = {"accounts": accounts, "csm": csm}
    if csm == 0:
        return Measurement(None, at, outcome="fail", case="no_csm", details=details)
    return Measurement(quotient(accounts, csm), at, details=details)


@metric("onboarding_days", scopes=("segment",), cases=("absent",))
def onboarding_days(subject: Subject, params: Params) -> Measurement:
    days = subject.seg().onboarding_days
    if days is None:
        return Measurement(None, subject.path("onboarding_days"), outcome="skip", case="absent")
    return Measurement(days, subject.path("onboarding_days"))


# Ratio and hiring


def _people(count: int, role: str) -> str:
    """A headcount as messages write it: "1 AE", "4 AEs"."""
    return f"{count} {role}" if count == 1 else f"{count} {role}s"


def _ratio(subject: Subject) -> Measurement:
    ae, csm, _, at = _book(subject)
    details = {"ae": ae, "csm": csm, "aes": _people(ae, "AE"), "csms": _people(csm, "CSM")}
    if csm == 0:
        return Measurement(None, at, outcome="fail", case="no_csm", details=details)
    return Measurement(quotient(ae, csm), at, details=details)


@metric(
    "ae_csm_ratio",
    scopes=("segment", "pod"),
    details=("ae", "csm", "aes", "csms"),
    cases=("no_csm",),
)
def ae_csm_ratio(subject: Subject, params: Params) -> Measurement:
    return _ratio(subject)


@metric(
    "enterprise_ae_csm_ratio",
    scopes=("segment",),
    details=("ae", "csm", "aes", "csms", "tier"),
    cases=("no_csm", "not_enterprise"),
)
def enterprise_ae_csm_ratio(subject: Subject, params: Params) -> Measurement:
    segment = subject.seg()
    if not segment.is_enterprise:
        return Measurement(
            None,
            subject.path("tier"),
            outcome="skip",
            case="not_enterprise",
            details={"tier": segment.tier},
        )
    return _ratio(subject)


@metric(
    "hiring_pace",
    scopes=("segment",),
    details=("ae_hires", "csm_hires"),
    cases=("no_hires", "no_csm_hires", "csm_led"),
)
def hiring_pace(subject: Subject, params: Params) -> Measurement:
    segment = subject.seg()
    ae_hires, csm_hires = segment.hires_next_12_months
    details = {"ae_hires": ae_hires, "csm_hires": csm_hires}
    at = subject.path("hiring_plan")
    if ae_hires == 0 and csm_hires == 0:
        return Measurement(None, at, outcome="pass", case="no_hires", details=details)
    if csm_hires == 0:
        return Measurement(None, at, outcome="fail", case="no_csm_hires", details=details)
    # How far AE hiring runs ahead of CSM hiring: 0.2 means 20% more AE hires.
    lead = quotient(ae_hires, csm_hires) - 1
    return Measurement(lead, at, case="csm_led" if lead <= 0 else None, details=details)


@metric(
    "projected_ratio",
    scopes=("segment",),
    details=("pooled_month", "pooled_ratio"),
    cases=("pooled", "no_csm"),
)
def projected_ratio(subject: Subject, params: Params) -> Measurement:
    at = subject.path("hiring_plan")
    series: list[tuple[int, Number]] = []
    for month, ratio in ratios(subject.seg(), 12)[1:]:
        if ratio is None:
            return Measurement(None, at, outcome="fail", case="no_csm", details={"month": month})
        series.append((month, ratio))
    pooled_at = params["pooled_at"]
    pooled = next(((month, ratio) for month, ratio in series if ratio > pooled_at), None)
    details: dict[str, Any] = {}
    if pooled is not None:
        details = {"pooled_month": pooled[0], "pooled_ratio": format_ratio(pooled[1])}
    case = "pooled" if pooled else None
    return Measurement(None, at, series=tuple(series), case=case, details=details)


@metric("ratio_review_months", scopes=("org",), cases=("absent",))
def ratio_review_months(subject: Subject, params: Params) -> Measurement:
    months = subject.org.org.ratio_review_months
    at = ("org", "ratio_review_months")
    if months is None:
        return Measurement(None, at, outcome="fail", case="absent")
    return Measurement(months, at)


# Policies


@metric("renewal_rules_written", scopes=("org",), cases=("absent",))
def renewal_rules_written(subject: Subject, params: Params) -> Measurement:
    renewal = subject.org.policies.renewal_ownership
    at = ("policies", "renewal_ownership", "written")
    if renewal is None or renewal.written is None:
        return Measurement(False, at, case="absent")
    return Measurement(renewal.written, at)


@metric("renewal_split", scopes=("org",))
def renewal_split(subject: Subject, params: Params) -> Measurement:
    renewal = subject.org.policies.renewal_ownership
    value = {
        "process_owner": renewal.process_owner if renewal else None,
        "commercial_owner": renewal.commercial_owner if renewal else None,
    }
    return Measurement(value, ("policies", "renewal_ownership", "process_owner"))


@metric("expansion_owner", scopes=("org",), cases=("absent",))
def expansion_owner(subject: Subject, params: Params) -> Measurement:
    renewal = subject.org.policies.renewal_ownership
    owner = renewal.expansion if renewal else None
    at = ("policies", "renewal_ownership", "expansion")
    return Measurement(owner, at, case="absent" if owner is None else None)


@metric(
    "coverage_plan",
    scopes=("org",),
    details=("backup",),
    cases=("absent", "undocumented", "no_backup"),
)
def coverage_plan(subject: Subject, params: Params) -> Measurement:
    plan = subject.org.policies.coverage_plan
    at = ("policies", "coverage_plan")
    if plan is None or (plan.documented is None and plan.backup is None):
        return Measurement(False, at, case="absent", details={"backup": None})
    details = {"backup": plan.backup}
    if not plan.documented:
        return Measurement(False, (*at, "documented"), case="undocumented", details=details)
    if plan.backup in (None, "none"):
        return Measurement(False, (*at, "backup"), case="no_backup", details=details)
    return Measurement(True, at, details=details)


def _normalised(names: list[str] | None) -> list[str]:
    return sorted({name.strip().lower() for name in names or ()})


@metric(
    "shared_comp_metrics", scopes=("org",), details=("ae_metrics", "csm_metrics"), cases=("absent",)
)
def shared_comp_metrics(subject: Subject, params: Params) -> Measurement:
    comp = subject.org.policies.comp
    at = ("policies", "comp")
    if comp is None or (comp.ae_metrics is None and comp.csm_metrics is None):
        return Measurement([], at, case="absent", details={"ae_metrics": [], "csm_metrics": []})
    ae, csm = _normalised(comp.ae_metrics), _normalised(comp.csm_metrics)
    shared = sorted(set(ae) & set(csm))
    return Measurement(shared, at, details={"ae_metrics": ae, "csm_metrics": csm})


@metric("collaboration_norms", scopes=("org",))
def collaboration_norms(subject: Subject, params: Params) -> Measurement:
    norms = subject.org.policies.collaboration_norms
    return Measurement(_normalised(norms), ("policies", "collaboration_norms"))


# Scale and rollout


@metric("pilot_pod_count", scopes=("segment",), cases=("org_wide",))
def pilot_pod_count(subject: Subject, params: Params) -> Measurement:
    segment = subject.seg()
    at = subject.path("pods") if segment.pods is not None else subject.path("pod_count")
    if subject.org.org.rollout == "org-wide":
        return Measurement(None, ("org", "rollout"), outcome="skip", case="org_wide")
    return Measurement(segment.pod_total, at)


@metric("total_pod_count", scopes=("org",))
def total_pod_count(subject: Subject, params: Params) -> Measurement:
    return Measurement(sum(s.pod_total for s in subject.org.pod_segments), ("segments",))


@metric("staged_rollout", scopes=("org",), details=("pod_segments",), cases=("org_wide", "several"))
def staged_rollout(subject: Subject, params: Params) -> Measurement:
    count = len(subject.org.pod_segments)
    details = {"pod_segments": count}
    if subject.org.org.rollout == "org-wide":
        return Measurement(False, ("org", "rollout"), case="org_wide", details=details)
    if count != 1:
        return Measurement(False, ("segments",), case="several", details=details)
    return Measurement(True, ("org", "rollout"), details=details)


@metric(
    "book_spread",
    scopes=("segment",),
    details=("smallest", "largest", "smallest_pod", "largest_pod", "pod"),
    cases=("too_few", "zero_arr"),
)
def book_spread(subject: Subject, params: Params) -> Measurement:
    segment = subject.seg()
    books = [
        (pod.arr, index, pod.id)
        for index, pod in enumerate(segment.pods or ())
        if pod.arr is not None
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
    smallest = min(books, key=lambda book: (book[0], book[1]))
    largest = max(books, key=lambda book: (book[0], -book[1]))
    details = {
        "smallest": format_money(smallest[0]),
        "largest": format_money(largest[0]),
        "smallest_pod": smallest[2],
        "largest_pod": largest[2],
    }
    spread = Fraction(largest[0]) / Fraction(smallest[0])
    return Measurement(spread, subject.path("pods", largest[1], "arr"), details=details)


# Pilot results


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


# Model fit


def _covered(segment: Segment) -> bool:
    return segment.accounts > 0


@metric("distinct_models", scopes=("org",), details=("models",))
def distinct_models(subject: Subject, params: Params) -> Measurement:
    models = sorted({s.model for s in subject.org.segments if _covered(s)})
    return Measurement(len(models), ("segments",), details={"models": models})


@metric("uncovered_segments", scopes=("org",))
def uncovered_segments(subject: Subject, params: Params) -> Measurement:
    uncovered = [
        segment.id
        for segment in subject.org.segments
        if _covered(segment)
        and (
            segment.model == "none" or (segment.headcount.csm == 0 and segment.model != "ai-agent")
        )
    ]
    return Measurement(uncovered, ("segments",))


# Measured from an account export: registered by importing their module.
from podcheck import account_metrics  # noqa: E402, F401
