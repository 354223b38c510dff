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
    function, handed in so that metrics need not import the engine); `scale_up` are the rules
    POD405 re-judges on the whole segment; `decisions` maps a segment id to its pilot
    decision, for the rules that run after the segments are judged.
    """

    judge: Callable[[Any, "Subject"], tuple[str, str]]
    scale_up: tuple[Any, ...] = ()
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
    # An account export measured against this org (podcheck.book.Book), for POD7xx rules.
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


def _book(subject: Subject) -> tuple[int, int, int, Path]:
    """AEs, CSMs and accounts of the pod or judged group, and where its people are stated."""
    if subject.pod is not None:
        return subject.pod.ae, subject.pod.csm, subject.pod.accounts, subject.path()
    group = subject.judged()
    return group.ae, group.csm, group.accounts, group.at


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
    _, csm, accounts, at = _book(subject)
    if subject.pod is None and not subject.judged().marked:
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


def _headcount(ae: int, csm: int) -> dict[str, Any]:
    """The people of a pair as messages name them."""
    return {"ae": ae, "csm": csm, "aes": _people(ae, "AE"), "csms": _people(csm, "CSM")}


def _ratio(subject: Subject) -> Measurement:
    ae, csm, _, at = _book(subject)
    details = _headcount(ae, csm)
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


def _skip_for_cohort(subject: Subject, at: Path) -> Measurement | None:
    """Hiring belongs to the whole segment: with a marked cohort it is judged in POD405."""
    group = subject.judged()
    if not group.marked:
        return None
    pods = [pod.id for _, pod in group.pods]
    return Measurement(None, at, outcome="skip", case="cohort", details={"cohort": pods})


@metric(
    "enterprise_ae_csm_ratio",
    scopes=("segment",),
    details=("ae", "csm", "aes", "csms", "tier"),
    cases=("no_csm", "not_enterprise", "cohort_today"),
)
def enterprise_ae_csm_ratio(subject: Subject, params: Params) -> Measurement:
    """Today's ratio, and with no marked cohort every month 1 to 12 of the projection."""
    segment = subject.seg()
    if not segment.is_enterprise:
        return Measurement(
            None,
            subject.path("tier"),
            outcome="skip",
            case="not_enterprise",
            details={"tier": segment.tier},
        )
    today = _ratio(subject)
    if today.outcome is not None:
        return today
    if subject.judged().marked:
        return today._replace(case="cohort_today")
    projected = ratios(segment, 12)
    if any(ratio is None for _, ratio in projected):
        month = next(m for m, ratio in projected if ratio is None)
        return Measurement(
            None,
            subject.path("hiring_plan"),
            outcome="fail",
            case="no_csm",
            details={**today.details, "month": month},
        )
    series = tuple((month, ratio) for month, ratio in projected if ratio is not None)
    return Measurement(None, subject.path("hiring_plan"), series=series, details=today.details)


def _headcount_after_year(segment: Segment) -> tuple[int, int, int, int]:
    """(AE today, CSM today, AE after 12 months, CSM after 12 months)."""
    head = segment.headcount
    ae_hires, csm_hires = segment.hires_next_12_months
    return head.ae, head.csm, head.ae + ae_hires, head.csm + csm_hires


@metric(
    "hiring_pace",
    scopes=("segment",),
    details=("ae_hires", "csm_hires", "ae_from", "ae_to", "csm_from", "csm_to", "cohort"),
    cases=("no_plan", "no_hires", "no_csm_hires", "csm_led", "hires", "hires_csm_led", "cohort"),
)
def hiring_pace(subject: Subject, params: Params) -> Measurement:
    """How much faster AE headcount grows than CSM headcount over 12 months.

    0.2 means AE headcount grows 20% faster: (AE12 / AE0) / (CSM12 / CSM0) - 1. With no AEs
    or no CSMs today, growth rates do not exist and the hires are compared instead.
    """
    segment = subject.seg()
    at = subject.path("hiring_plan")
    skipped = _skip_for_cohort(subject, at)
    if skipped is not None:
        return skipped
    if segment.hiring_plan is None:
        return Measurement(None, subject.path(), outcome="fail", case="no_plan")
    ae_hires, csm_hires = segment.hires_next_12_months
    ae_from, csm_from, ae_to, csm_to = _headcount_after_year(segment)
    details = {
        "ae_hires": ae_hires,
        "csm_hires": csm_hires,
        "ae_from": ae_from,
        "ae_to": ae_to,
        "csm_from": csm_from,
        "csm_to": csm_to,
    }
    if ae_from and csm_from:
        lead = quotient(ae_to * csm_from, ae_from * csm_to) - 1
        return Measurement(lead, at, case="csm_led" if lead <= 0 else None, details=details)
    if ae_hires == 0 and csm_hires == 0:
        return Measurement(None, at, outcome="pass", case="no_hires", details=details)
    if csm_hires == 0:
        return Measurement(None, at, outcome="fail", case="no_csm_hires", details=details)
    lead = quotient(ae_hires, csm_hires) - 1
    return Measurement(lead, at, case="hires_csm_led" if lead <= 0 else "hires", details=details)


@metric(
    "projected_ratio",
    scopes=("segment",),
    details=("cohort", "pooled_at"),
    cases=("pooled", "no_csm", "cohort"),
)
def projected_ratio(subject: Subject, params: Params) -> Measurement:
    """The ratio after each month 1 to 12 of the hiring plan: its peak decides.

    Without a plan, today's ratio holds for the 12 months.
    """
    at = subject.path("hiring_plan")
    skipped = _skip_for_cohort(subject, at)
    if skipped is not None:
        return skipped
    series: list[tuple[int, Number]] = []
    for month, ratio in ratios(subject.seg(), 12)[1:]:
        if ratio is None:
            return Measurement(None, at, outcome="fail", case="no_csm", details={"month": month})
        series.append((month, ratio))
    pooled_at = params["pooled_at"]
    # At 1.5 AEs per CSM the pairing "is already fictional": that bar is inclusive.
    case = "pooled" if max(ratio for _, ratio in series) >= pooled_at else None
    details = {"pooled_at": format_ratio(pooled_at)}
    return Measurement(None, at, series=tuple(series), case=case, details=details)


def _snapshot_at(segment: Segment, month: int) -> tuple[int, int]:
    """Headcount `month` months ago: the nearest snapshot at least that old, else the oldest."""
    history = sorted(segment.history or (), key=lambda snap: snap.months_ago)
    if month == 0 or not history:
        return segment.headcount.ae, segment.headcount.csm
    chosen = next((snap for snap in history if snap.months_ago >= month), history[-1])
    return chosen.ae, chosen.csm


@metric(
    "trailing_ratio",
    scopes=("segment",),
    details=("ae_total", "csm_total"),
    cases=("absent", "no_csm"),
)
def trailing_ratio(subject: Subject, params: Params) -> Measurement:
    """The 12-month trailing AE:CSM ratio: AEs over CSMs summed over months 0 to 11 ago."""
    segment = subject.seg()
    at = subject.path("history")
    if segment.history is None:
        return Measurement(None, at, outcome="skip", case="absent")
    months = [_snapshot_at(segment, month) for month in range(12)]
    ae_total, csm_total = sum(ae for ae, _ in months), sum(csm for _, csm in months)
    details = {"ae_total": ae_total, "csm_total": csm_total}
    if csm_total == 0:
        return Measurement(None, at, outcome="fail", case="no_csm", details=details)
    return Measurement(quotient(ae_total, csm_total), at, details=details)


@metric(
    "pod_pairing",
    scopes=("segment", "pod"),
    details=("ae", "csm", "aes", "csms"),
    cases=("no_ae", "no_csm", "no_one"),
)
def pod_pairing(subject: Subject, params: Params) -> Measurement:
    """A pod pairs at least one AE with at least one CSM."""
    ae, csm, _, at = _book(subject)
    details = _headcount(ae, csm)
    paired = ae >= 1 and csm >= 1
    case = None if paired else "no_one" if ae == csm == 0 else "no_ae" if ae == 0 else "no_csm"
    return Measurement(paired, at, outcome="pass" if paired else "fail", case=case, details=details)


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


@metric("expansion_owner", scopes=("org",), cases=("absent", "ae", "csm"))
def expansion_owner(subject: Subject, params: Params) -> Measurement:
    renewal = subject.org.policies.renewal_ownership
    owner = renewal.expansion if renewal else None
    at = ("policies", "renewal_ownership", "expansion")
    case = "absent" if owner is None else owner if owner in ("ae", "csm") else None
    return Measurement(owner, at, case=case)


@metric("expansion_attribution", scopes=("org",), cases=("absent",))
def expansion_attribution(subject: Subject, params: Params) -> Measurement:
    renewal = subject.org.policies.renewal_ownership
    stated = renewal.expansion_attribution if renewal else None
    at = ("policies", "renewal_ownership", "expansion_attribution")
    if stated is None:
        return Measurement(False, at, case="absent")
    return Measurement(stated, at)


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


# Spellings of net revenue retention, compared after lower-casing and turning spaces and
# hyphens into underscores: "Net Revenue Retention" and "NDR" are both NRR.
NRR_NAMES = frozenset(
    {
        "nrr",
        "ndr",
        "net_revenue_retention",
        "net_dollar_retention",
        "net_retention",
        "net_revenue_retention_rate",
        "net_retention_rate",
    }
)


def metric_key(name: str) -> str:
    """A comp metric's name as rules.md compares it: lower-cased, spaces and hyphens as `_`."""
    return name.lower().replace(" ", "_").replace("-", "_")


@metric(
    "shared_comp_metrics",
    scopes=("org",),
    details=("ae_metrics", "csm_metrics", "ae_nrr", "csm_nrr", "shared"),
    cases=("absent", "shared_other"),
)
def shared_comp_metrics(subject: Subject, params: Params) -> Measurement:
    """Whether both comp plans carry an NRR metric, under any of its usual names."""
    comp = subject.org.policies.comp
    at = ("policies", "comp")
    if comp is None or (comp.ae_metrics is None and comp.csm_metrics is None):
        return Measurement(False, at, case="absent", details={"ae_metrics": [], "csm_metrics": []})
    ae, csm = comp.ae_metrics or [], comp.csm_metrics or []
    ae_nrr = [name for name in ae if metric_key(name) in NRR_NAMES]
    csm_nrr = [name for name in csm if metric_key(name) in NRR_NAMES]
    shared = sorted({metric_key(name) for name in ae} & {metric_key(name) for name in csm})
    details = {
        "ae_metrics": _normalised(ae),
        "csm_metrics": _normalised(csm),
        "ae_nrr": ae_nrr[:1],
        "csm_nrr": csm_nrr[:1],
        "shared": shared,
    }
    both = bool(ae_nrr and csm_nrr)
    return Measurement(
        both, at, case="shared_other" if shared and not both else None, details=details
    )


@metric("collaboration_norms", scopes=("org",))
def collaboration_norms(subject: Subject, params: Params) -> Measurement:
    norms = subject.org.policies.collaboration_norms
    return Measurement(_normalised(norms), ("policies", "collaboration_norms"))


# Scale and rollout


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


# Lowest to highest: how much human attention each model gives an account, and tiers by
# account value. A segment should not get more attention than a segment of a higher tier.
MODEL_INTENSITY = ("none", "ai-agent", "pool", "named", "pod", "swarm")
TIER_ORDER = ("smb", "mid-market", "enterprise", "strategic")


@metric(
    "model_fit",
    scopes=("org",),
    details=("models", "first", "second"),
    cases=("same_tier", "inverted"),
)
def model_fit(subject: Subject, params: Params) -> Measurement:
    """The hybrid maze: mixed models within a tier, models out of tier order, or too many."""
    segments = [s for s in subject.org.segments if _covered(s) and s.model != "none"]
    models = sorted({s.model for s in segments}, key=MODEL_INTENSITY.index)
    details: dict[str, Any] = {"models": models}
    # (a) one model per tier: the first segment of a tier sets its model.
    first: dict[str, Segment] = {}
    for segment in segments:
        chosen = first.setdefault(segment.tier, segment)
        if chosen.model != segment.model:
            pair = {"first": _named(chosen), "second": _named(segment)}
            return Measurement(
                None, ("segments",), outcome="fail", case="same_tier", details={**details, **pair}
            )
    # (b) with one model per tier, no tier gets more attention than a higher one.
    tiers = sorted(first, key=TIER_ORDER.index)
    for position, low in enumerate(tiers):
        for high in tiers[position + 1 :]:
            if MODEL_INTENSITY.index(first[low].model) > MODEL_INTENSITY.index(first[high].model):
                pair = {"first": _named(first[low]), "second": _named(first[high])}
                return Measurement(
                    None,
                    ("segments",),
                    outcome="fail",
                    case="inverted",
                    details={**details, **pair},
                )
    return Measurement(len(models), ("segments",), details=details)


def _named(segment: Segment) -> str:
    return f"'{segment.id}' ({segment.tier}, {segment.model})"


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
