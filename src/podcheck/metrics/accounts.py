"""Metrics measured from an account export (the POD7xx rules).

Each reads the subject's `export` (see podcheck.accounts.measures): the export matched with
the org file.
Rules on these metrics say `requires: accounts`, so they run only when an export is given.
People and pods are named; accounts are named only with --show-accounts (the book's
examples are rows otherwise).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from podcheck.core.numbers import format_money, quotient
from podcheck.metrics.registry import Measurement, Params, Subject, metric

if TYPE_CHECKING:  # a run without an export never loads the export's modules
    from podcheck.accounts.measures import Area, Book

# The metrics that read renewal dates: without a rule on one, a bad date costs no row.
RENEWAL_METRICS = ("export_renewal_peak",)


def _book(subject: Subject) -> Book:
    book: Book | None = subject.export
    assert book is not None, "an accounts metric ran without an export"
    return book


def _area(subject: Subject) -> Area:
    pod = subject.pod.id if subject.pod is not None else None
    return _book(subject).area(subject.seg().id, pod)


def _where(subject: Subject) -> str:
    return subject.pod.id if subject.pod is not None else subject.seg().id


@metric(
    "export_csm_load",
    scopes=("segment", "pod"),
    details=("csm", "heaviest", "accounts", "where"),
    cases=("empty", "no_csm"),
)
def export_csm_load(subject: Subject, params: Params) -> Measurement:
    """The heaviest load among the CSMs with accounts here, counted over the whole export."""
    area = _area(subject)
    at = subject.path("accounts")
    details = {"accounts": area.accounts, "where": _where(subject)}
    if area.accounts == 0:
        return Measurement(None, at, outcome="skip", case="empty", details=details)
    if not area.csm_loads:
        return Measurement(None, at, outcome="fail", case="no_csm", details=details)
    csm, load = area.csm_loads[0]
    heaviest = [f"{name} {count}" for name, count in area.csm_loads[:5]]
    return Measurement(load, at, details={**details, "csm": csm, "heaviest": heaviest})


@metric(
    "export_book_spread",
    scopes=("segment",),
    details=("smallest", "largest", "smallest_pod", "largest_pod", "pod"),
    cases=("too_few", "zero_arr"),
)
def export_book_spread(subject: Subject, params: Params) -> Measurement:
    """The largest pod book's ARR over the smallest's, as the export shows them."""
    segment = _book(subject).segments.get(subject.seg().id)
    books = [(area.arr, pod) for pod, area in (segment.pods.items() if segment else ())]
    at = subject.path("pods")
    if len(books) < 2:
        return Measurement(None, at, outcome="skip", case="too_few")
    smallest = min(books, key=lambda item: (item[0], item[1]))
    largest = min(books, key=lambda item: (-item[0], item[1]))
    if smallest[0] == 0:
        return Measurement(None, at, outcome="fail", case="zero_arr", details={"pod": smallest[1]})
    details = {
        "smallest": format_money(smallest[0]),
        "largest": format_money(largest[0]),
        "smallest_pod": smallest[1],
        "largest_pod": largest[1],
    }
    return Measurement(Fraction(largest[0]) / Fraction(smallest[0]), at, details=details)


@metric(
    "export_below_floor",
    scopes=("segment", "pod"),
    details=("below", "accounts", "floor"),
    cases=("empty",),
)
def export_below_floor(subject: Subject, params: Params) -> Measurement:
    """The share of accounts whose ARR is under the ACV floor in force."""
    area, book = _area(subject), _book(subject)
    at = subject.path("acv") if subject.pod is None else subject.path("arr")
    details = {
        "below": area.below_floor,
        "accounts": area.accounts,
        "floor": format_money(book.floor),
    }
    if area.accounts == 0:
        return Measurement(None, at, outcome="skip", case="empty", details=details)
    return Measurement(quotient(area.below_floor, area.accounts), at, details=details)


@metric(
    "export_uncovered",
    scopes=("segment", "pod"),
    details=("accounts", "examples"),
)
def export_uncovered(subject: Subject, params: Params) -> Measurement:
    """Accounts with no CSM."""
    area = _area(subject)
    details = {"accounts": area.accounts, "examples": list(area.uncovered_examples)}
    return Measurement(area.uncovered, subject.path("headcount"), details=details)


@metric(
    "export_pairing_leakage",
    scopes=("segment", "pod"),
    details=("leaking", "paired", "pairs"),
    cases=("no_ae", "empty"),
)
def export_pairing_leakage(subject: Subject, params: Params) -> Measurement:
    """The share of paired accounts whose AE and CSM have different home pods."""
    area = _area(subject)
    at = subject.path("pods") if subject.pod is None else subject.path()
    if not _book(subject).has_ae:
        return Measurement(None, at, outcome="skip", case="no_ae")
    details = {"leaking": area.leaking, "paired": area.paired, "pairs": list(area.leak_examples)}
    if area.paired == 0:
        return Measurement(None, at, outcome="skip", case="empty", details=details)
    return Measurement(quotient(area.leaking, area.paired), at, details=details)


@metric(
    "export_renewal_peak",
    scopes=("segment", "pod"),
    details=("csm", "due_month"),
    cases=("no_column", "none_due"),
)
def export_renewal_peak(subject: Subject, params: Params) -> Measurement:
    """The most renewals one CSM has due in one month, among the accounts here."""
    area = _area(subject)
    at = subject.path("accounts")
    if not _book(subject).has_renewal:
        return Measurement(None, at, outcome="skip", case="no_column")
    if area.renewal_peak is None:
        return Measurement(None, at, outcome="skip", case="none_due")
    csm, month, count = area.renewal_peak
    return Measurement(count, at, details={"csm": csm, "due_month": month})


@metric(
    "export_stated_accounts",
    scopes=("segment", "pod"),
    details=("counted", "stated"),
    cases=("none_stated",),
)
def export_stated_accounts(subject: Subject, params: Params) -> Measurement:
    """How far the export's account count is from the org file's, as a share of the latter."""
    area = _area(subject)
    stated = subject.pod.accounts if subject.pod is not None else subject.seg().accounts
    at = subject.path("accounts")
    details = {"counted": area.accounts, "stated": stated}
    if stated == 0:
        if area.accounts == 0:
            return Measurement(0, at, details=details)
        return Measurement(None, at, outcome="fail", case="none_stated", details=details)
    return Measurement(quotient(abs(area.accounts - stated), stated), at, details=details)
