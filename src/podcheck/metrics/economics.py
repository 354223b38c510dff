"""The economics family (POD1xx): ACV, tier, load, onboarding."""

from podcheck.core.numbers import quotient
from podcheck.metrics.registry import Measurement, Params, Subject, book_of, metric


@metric("acv", scopes=("segment",))
def acv(subject: Subject, params: Params) -> Measurement:
    return Measurement(subject.seg().acv, subject.path("acv"))


@metric("tier", scopes=("segment",), cases=("strategic",))
def tier(subject: Subject, params: Params) -> Measurement:
    # Strategic is read as enterprise here; its messages say so, since the article names
    # mid-market and enterprise only.
    tier = subject.seg().tier
    return Measurement(
        tier, subject.path("tier"), case="strategic" if tier == "strategic" else None
    )


@metric(
    "accounts_per_csm", scopes=("segment", "pod"), details=("accounts", "csm"), cases=("no_csm",)
)
def accounts_per_csm(subject: Subject, params: Params) -> Measurement:
    _, csm, accounts, at = book_of(subject)
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
