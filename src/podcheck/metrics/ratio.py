"""The ratio and hiring family (POD2xx), and a pod's pairing."""

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from podcheck.core.numbers import format_ratio, order, quotient
from podcheck.metrics.projection import ratios
from podcheck.metrics.registry import Measurement, Params, Subject, book_of, metric
from podcheck.orgfile.model import Segment
from podcheck.orgfile.source import Path


def _people(count: int, role: str) -> str:
    """A headcount as messages write it: "1 AE", "4 AEs"."""
    return f"{count} {role}" if count == 1 else f"{count} {role}s"


# Pods repeat a few headcounts, and two rules read each pod's.
@lru_cache(maxsize=1024)
def _headcount(ae: int, csm: int) -> Mapping[str, Any]:
    """The people of a pair as messages name them."""
    return MappingProxyType(
        {"ae": ae, "csm": csm, "aes": _people(ae, "AE"), "csms": _people(csm, "CSM")}
    )


def _ratio(subject: Subject) -> Measurement:
    ae, csm, _, at = book_of(subject)
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
    if today.outcome is not None:  # no CSMs today: "today", where a month of the plan is named
        return today._replace(details={**today.details, "month": 0})
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
    ae_from, csm_from = segment.headcount.ae, segment.headcount.csm
    ae_to, csm_to = ae_from + ae_hires, csm_from + csm_hires
    details = {
        "ae_hires": ae_hires,
        "csm_hires": csm_hires,
        "ae_from": ae_from,
        "ae_to": ae_to,
        "csm_from": csm_from,
        "csm_to": csm_to,
    }
    # x / y - 1 as (x - y) / y: the same exact value without Fraction arithmetic.
    if ae_from and csm_from:
        base = ae_from * csm_to
        lead = quotient(ae_to * csm_from - base, base)
        led = order(lead, 0) <= 0
        return Measurement(lead, at, case="csm_led" if led else None, details=details)
    if ae_hires == 0 and csm_hires == 0:
        return Measurement(None, at, outcome="pass", case="no_hires", details=details)
    if csm_hires == 0:
        return Measurement(None, at, outcome="fail", case="no_csm_hires", details=details)
    lead = quotient(ae_hires - csm_hires, csm_hires)
    case = "hires_csm_led" if order(lead, 0) <= 0 else "hires"
    return Measurement(lead, at, case=case, details=details)


@metric(
    "projected_ratio",
    scopes=("segment",),
    details=("cohort", "pooled_at"),
    cases=("pooled", "no_csm", "cohort", "no_plan"),
)
def projected_ratio(subject: Subject, params: Params) -> Measurement:
    """The ratio after each month 1 to 12 of the hiring plan: its peak decides.

    Without a plan, today's ratio holds for the 12 months.
    """
    at = subject.path("hiring_plan")
    skipped = _skip_for_cohort(subject, at)
    if skipped is not None:
        return skipped
    series = ratios(subject.seg(), 12)[1:]
    pooled_at = params["pooled_at"]
    pooled = False
    seen = None
    for month, ratio in series:
        if ratio is None:
            return Measurement(None, at, outcome="fail", case="no_csm", details={"month": month})
        # Months without hires share one ratio object: compare only a new one.
        if ratio is not seen:
            # At 1.5 AEs per CSM the pairing "is already fictional": that bar is inclusive.
            pooled = pooled or order(ratio, pooled_at) >= 0
            seen = ratio
    details = {"pooled_at": format_ratio(pooled_at)}
    # Without a plan, today's ratio is all there is: said so, never "month 1 of the plan".
    case = "no_plan" if subject.seg().hiring_plan is None else "pooled" if pooled else None
    return Measurement(None, at, series=series, case=case, details=details)  # type: ignore[arg-type]


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
    ae, csm, _, at = book_of(subject)
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
