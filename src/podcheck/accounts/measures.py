"""An export's tally measured against one org file: each segment's and pod's book as the
export shows it (accounts, ARR, CSM loads, pairing, renewals).

Rows naming a segment or pod the org does not have are errors, one line per unknown name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from operator import itemgetter
from typing import Any, NamedTuple

from podcheck.accounts.tally import (
    EXAMPLES,
    Reasons,
    RowErrors,
    Tally,
    safe_text,
)
from podcheck.core import numbers
from podcheck.core.errors import InputError
from podcheck.orgfile.model import OrgFile, Pod, Segment


class Area(NamedTuple):
    """A segment's or a pod's book as the export shows it."""

    accounts: int = 0
    arr_cents: int | Fraction = 0
    below_floor: int = 0
    uncovered: int = 0
    uncovered_examples: tuple[str, ...] = ()
    # Each CSM with accounts here and their load over the whole export, heaviest first.
    csm_loads: tuple[tuple[str, int], ...] = ()
    # Accounts with both an AE and a CSM, and those whose AE and CSM sit in different pods.
    paired: int = 0
    leaking: int = 0
    leak_examples: tuple[str, ...] = ()
    # The most renewals one CSM has due in one month: (CSM, "YYYY-MM", count).
    renewal_peak: tuple[str, str, int] | None = None

    @property
    def arr(self) -> numbers.Number:
        return numbers.normalise(Fraction(self.arr_cents) / 100)


EMPTY = Area()


class SegmentBook(NamedTuple):
    area: Area
    pods: Mapping[str, Area]  # pod id (as the org file writes it) -> its area, in pod order


class Book(NamedTuple):
    """An export measured against one org file, by segment id."""

    path: str
    segments: Mapping[str, SegmentBook]
    floor_cents: int | Fraction
    has_ae: bool
    has_renewal: bool
    show_accounts: bool
    csm_loads: tuple[tuple[str, int], ...]  # every CSM, heaviest first
    rows: int = 0  # data rows in the export
    # Rows left out of every figure and fields left unread in rows kept: (reason, rows).
    refused: tuple[tuple[str, int], ...] = ()
    unread: tuple[tuple[str, int], ...] = ()

    @property
    def refused_rows(self) -> int:
        return sum(count for _, count in self.refused)

    @property
    def floor(self) -> numbers.Number:
        return numbers.normalise(Fraction(self.floor_cents) / 100)

    def area(self, segment: str, pod: str | None = None) -> Area:
        found = self.segments.get(segment)
        if found is None:
            return EMPTY
        return found.area if pod is None else found.pods.get(pod, EMPTY)


def _home_pods(counts: Mapping[tuple[str, str], int]) -> dict[str, str]:
    """Each person's home pod: where they hold the most accounts (ties: first pod by id)."""
    best: dict[str, tuple[int, str]] = {}
    for (who, pod), count in counts.items():
        held = best.get(who)
        if held is None or count > held[0] or (count == held[0] and pod < held[1]):
            best[who] = (count, pod)
    return {who: pod for who, (_, pod) in best.items()}


def _by_load(loads: Mapping[str, int], people: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """Heaviest first, then by name: sorted by name, then stably by load (plain strings,
    then plain ints, sort in a fraction of the time pairs take)."""
    found = [(p, loads[p]) for p in sorted(set(people))]
    found.sort(key=_LOAD, reverse=True)  # reverse keeps equal loads in name order
    return tuple(found)


_LOAD = itemgetter(1)


BookKey = tuple[str, str, str, str]


def label_key(label: str) -> str:
    """A segment or pod name as compared: case, accents, spaces and punctuation aside
    (`Mid Market` is `mid-market`, `Pod #1` is `pod-1`), so that a slug made of a name
    (`podcheck init --accounts`) finds it again."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    key = " ".join("".join(c if c.isalnum() else " " for c in plain.lower()).split())
    # A name of no Latin letters or digits at all is compared as written.
    return key or " ".join(label.casefold().split())


def home_pods(counts: Mapping[tuple[str, str], int]) -> dict[str, str]:
    """Each person's home pod: where they hold the most accounts (ties: first pod by id)."""
    return _home_pods(counts)


def books(tally_: Tally) -> dict[BookKey, list[Any]]:
    """The tally's groups with their cells cleaned up, merged where cleaning makes them one,
    without a blank segment: (segment, pod, AE, CSM) -> [accounts, ARR in cents,
    accounts under the floor, first row, examples]."""
    return _normalised(tally_, RowErrors(tally_.path), Reasons())[0]


def _normalised(
    tally_: Tally, errors: RowErrors, refused: Reasons
) -> tuple[dict[BookKey, list[Any]], dict[BookKey, int]]:
    """The tally's groups and renewals with their cells cleaned up, merged where cleaning
    makes them one; a blank segment is one error per group, at its first row.

    A blank pod is kept: a pool's or a named model's accounts are in no pod, and a pod
    segment's accounts not yet in a pod still count in its segment's figures."""
    groups: dict[BookKey, list[Any]] = {}
    for raw, (count, cents, below, row, examples) in tally_.groups.items():
        key = tally_.cleaned(raw)
        if not key[0]:
            rows = f"{count:,} row{'s' if count != 1 else ''}"
            column = tally_.columns.segment + 1
            errors.add(row, column, f"segment: expected a segment, got an empty cell ({rows})")
            refused.add("segment empty", count)
        else:
            found = groups.get(key)
            if found is None:
                groups[key] = [count, cents, below, row, list(examples)]
            else:
                found[0] += count
                found[1] += cents
                found[2] += below
                found[3] = min(found[3], row)
                found[4] = sorted(found[4] + examples)[:EXAMPLES]
    renewals: dict[BookKey, int] = {}
    for (segment, pod, csm, month), count in tally_.renewals.items():
        key = (segment.strip(), pod.strip(), tally_.owner(csm), month)
        if key[2]:
            renewals[key] = renewals.get(key, 0) + count
    return groups, renewals


class _Pods(NamedTuple):
    """A segment's pods as an export's pod column finds them: by id, else by `name`."""

    ids: dict[str, str]
    names: dict[str, str]

    def find(self, segment_id: str, wanted: str) -> str | None:
        # An id matches before any name, with the segment's id in front too (`ent-p1` for the
        # CRM's `p1`): a name cannot take rows from the pod whose id says them.
        ids = self.ids
        found = ids.get(wanted) or ids.get(label_key(f"{segment_id} {wanted}"))
        return found or self.names.get(wanted)


def _pod_ids(pods: Sequence[Pod]) -> _Pods:
    names: dict[str, str] = {}
    for pod in pods:
        if pod.name is not None:
            names.setdefault(label_key(pod.name), pod.id)
    return _Pods({label_key(pod.id): pod.id for pod in pods}, names)


class Resolver:
    """Where an export's segment and pod cells put a row in an org file.

    Names are matched by `label_key`, after the export's own names are mapped through the
    config's `segments:` and `pods:` (a CRM's `Commercial` for the file's `mid-market`); a
    pod id may also be the segment's id and the pod's name (`enterprise-p1` for `p1`).
    Measuring an export and planning its moves read rows through the same resolver.
    """

    def __init__(self, tally_: Tally, org: OrgFile) -> None:
        self.segment_names = {label_key(k): label_key(v) for k, v in tally_.segment_names.items()}
        self.pod_names = {label_key(k): label_key(v) for k, v in tally_.pod_names.items()}
        # Ids first, then names: a segment's name cannot take rows from the one whose id
        # says them.
        self.segment_ids = {label_key(segment.id): segment.id for segment in org.segments}
        self.pod_ids: dict[str, _Pods | None] = {}
        for segment in org.segments:
            self.segment_ids.setdefault(label_key(segment.display_name), segment.id)
            listed = segment.pods
            self.pod_ids[segment.id] = _pod_ids(listed) if listed else None
        # Thousands of groups share a few hundred segment and pod labels: each compared once.
        self.keys: dict[str, str] = {}

    def _compared(self, label: str) -> str:
        found = self.keys.get(label)
        if found is None:
            found = self.keys[label] = label_key(label)
        return found

    def segment(self, label: str) -> str | None:
        """The id of the segment a segment cell names, or None for one the org lacks."""
        wanted = self._compared(label)
        return self.segment_ids.get(self.segment_names.get(wanted, wanted))

    def pod(self, segment_id: str, label: str) -> str | None:
        """The id of the pod a pod cell names in a segment ("" for none of its pods, and the
        cell as written in a segment that lists none), or None for one it lacks."""
        pods = self.pod_ids[segment_id]
        if pods is None or not label:
            return label
        wanted = self._compared(label)
        # A pod id may carry its segment's id in front (`ent-p1` for the CRM's `p1`), as
        # pod ids are unique in the file while CRMs reuse pod names across segments.
        return pods.find(segment_id, self.pod_names.get(wanted, wanted))


def measure(tally_: Tally, org: OrgFile) -> tuple[Book, tuple[InputError, ...]]:
    """The export matched with the org's segments and pods (see `Resolver`); rows naming a
    segment or pod the org does not have are errors (one line per unknown name, at its
    first row)."""
    errors = RowErrors(tally_.path)
    refused = Reasons()
    for reason, count in tally_.refused:
        refused.add(reason, count)
    groups, renewals = _normalised(tally_, errors, refused)
    where = Resolver(tally_, org)
    pod_ids = where.pod_ids
    unknown: dict[tuple[str, str], list[int]] = {}  # label -> [rows, first row]

    # Resolve every group to (segment id, pod id), in the export's row order.
    resolved: dict[BookKey, tuple[str, str]] = {}
    for key, (count, _, _, row, _) in sorted(groups.items(), key=lambda kv: kv[1][3]):
        segment_label, pod_label = key[0], key[1]
        segment_id = where.segment(segment_label)
        if segment_id is None:
            note = unknown.setdefault(("segment", segment_label), [0, row])
            note[0] += count
            continue
        pod_id = where.pod(segment_id, pod_label)
        if pod_id is None:
            note = unknown.setdefault(("pod", f"{segment_id}\0{pod_label}"), [0, row])
            note[0] += count
            continue
        resolved[key] = (segment_id, pod_id)
    for (kind, label), (count, row) in sorted(unknown.items(), key=lambda kv: kv[1][1]):
        column = (tally_.columns.segment if kind == "segment" else tally_.columns.pod) + 1
        rows = f"{count:,} row{'s' if count != 1 else ''}"
        if kind == "segment":
            known = ", ".join(s.id for s in org.segments)
            message = f"unknown segment '{safe_text(label)}' ({rows}); expected one of {known}"
            refused.add(f"segment '{safe_text(label)}' not in the org file", count)
        else:
            segment_id, pod_label = label.split("\0", 1)
            found_pods = pod_ids[segment_id]
            known = ", ".join(sorted(found_pods.ids.values()) if found_pods else ())
            message = (
                f"unknown pod '{safe_text(pod_label)}' in segment {segment_id} ({rows}); "
                f"expected one of {known}"
            )
            refused.add(f"pod '{safe_text(pod_label)}' not in segment {segment_id}", count)
        errors.add(row, column, f"{kind}: {message}")

    loads: dict[str, int] = {}
    for key in resolved:
        csm = key[3]
        if csm:
            loads[csm] = loads.get(csm, 0) + groups[key][0]
    by_segment: dict[str, list[BookKey]] = {s.id: [] for s in org.segments}
    for key, (segment_id, _) in resolved.items():
        by_segment[segment_id].append(key)
    due: _Due = {}
    for (segment_label, pod_label, csm, month), count in renewals.items():
        due.setdefault((segment_label, pod_label), []).append(((csm, month), count))
    shown = {csm: safe_text(csm) for csm in loads}  # each CSM is named in several areas
    context = _Context(
        groups, resolved, loads, shown, due, tally_.has_renewal, tally_.show_accounts
    )
    book_segments = {
        segment.id: _segment_book(context, by_segment[segment.id], segment)
        for segment in org.segments
    }
    book = Book(
        path=tally_.path,
        segments=book_segments,
        floor_cents=tally_.floor_cents,
        has_ae=tally_.has_ae,
        has_renewal=tally_.has_renewal,
        show_accounts=tally_.show_accounts,
        csm_loads=_by_load(loads, loads),
        rows=tally_.data_rows,
        refused=refused.final(),
        unread=tally_.unread,
    )
    return book, (*tally_.errors, *errors.final())


class _Context(NamedTuple):
    """What measuring every segment and pod shares."""

    groups: Mapping[BookKey, list[Any]]
    resolved: Mapping[BookKey, tuple[str, str]]
    loads: Mapping[str, int]
    shown: Mapping[str, str]  # each CSM's name as it may be printed
    # (segment, pod) as the export writes them -> ((CSM, "YYYY-MM"), renewals due) pairs
    due: Mapping[tuple[str, str], list[tuple[tuple[str, str], int]]]
    has_renewal: bool
    show_accounts: bool


_Due = dict[tuple[str, str], list[tuple[tuple[str, str], int]]]


def _segment_book(context: _Context, keys: Sequence[BookKey], segment: Segment) -> SegmentBook:
    ae_counts: dict[tuple[str, str], int] = {}
    csm_counts: dict[tuple[str, str], int] = {}
    by_pod: dict[str, list[BookKey]] = {}
    unpodded: list[BookKey] = []
    for key in keys:
        pod, ae, csm = context.resolved[key][1], key[2], key[3]
        if not pod:
            # In no pod: in the segment's area only, and no one's home pod is made of these.
            unpodded.append(key)
            continue
        by_pod.setdefault(pod, []).append(key)
        count = context.groups[key][0]
        if ae:
            ae_counts[(ae, pod)] = ae_counts.get((ae, pod), 0) + count
        if csm:
            csm_counts[(csm, pod)] = csm_counts.get((csm, pod), 0) + count
    homes = (_home_pods(ae_counts), _home_pods(csm_counts))
    # The segment's figures are its pods' added up, with those of the accounts in none.
    whole = _sums(context, unpodded, homes)
    pods = {}
    for pod, pod_keys in by_pod.items():
        sums = _sums(context, pod_keys, homes)
        whole.add(sums)
        pods[pod] = _area(context, sums, homes)
    # Pods in the org file's order, then those only the export names, by name.
    order = {pod.id: index for index, pod in enumerate(segment.pods or ())}
    ordered = sorted(pods.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    return SegmentBook(_area(context, whole, homes), dict(ordered))


class _Sums:
    """An area's figures as its groups are added up, before they are ordered and shown."""

    def __init__(self) -> None:
        self.accounts = self.below = self.uncovered = self.paired = self.leaking = 0
        self.arr: int | Fraction = 0
        self.leaks: dict[tuple[str, str], int] = {}
        self.csms: set[str] = set()
        self.labels: set[tuple[str, str]] = set()
        self.first_uncovered: list[tuple[int, str]] = []

    def add(self, other: _Sums) -> None:
        self.accounts += other.accounts
        self.arr += other.arr
        self.below += other.below
        self.uncovered += other.uncovered
        self.paired += other.paired
        self.leaking += other.leaking
        for pair, count in other.leaks.items():
            self.leaks[pair] = self.leaks.get(pair, 0) + count
        self.csms |= other.csms
        self.labels |= other.labels
        self.first_uncovered.extend(other.first_uncovered)


def _sums(
    context: _Context,
    keys: Sequence[BookKey],
    homes: tuple[Mapping[str, str], Mapping[str, str]],
) -> _Sums:
    ae_home, csm_home = homes
    accounts = arr = below = uncovered = paired = leaking = 0
    found = _Sums()
    leaks, csms, labels = found.leaks, found.csms, found.labels
    first_uncovered = found.first_uncovered
    for key in keys:
        count, cents, under, _, examples = context.groups[key]
        accounts += count
        arr += cents
        below += under
        labels.add((key[0], key[1]))
        ae, csm = key[2], key[3]
        if not csm:
            uncovered += count
            first_uncovered.extend(examples)
            continue
        csms.add(csm)
        if ae:
            paired += count
            # One with no home pod (all their accounts in none) is "": unlike any pod.
            if ae_home.get(ae, "") != csm_home.get(csm, ""):
                leaking += count
                leaks[(ae, csm)] = leaks.get((ae, csm), 0) + count
    found.accounts, found.arr, found.below = accounts, arr, below
    found.uncovered, found.paired, found.leaking = uncovered, paired, leaking
    return found


def _area(
    context: _Context, sums: _Sums, homes: tuple[Mapping[str, str], Mapping[str, str]]
) -> Area:
    ae_home, csm_home = homes
    first_uncovered, leaks, labels, csms = sums.first_uncovered, sums.leaks, sums.labels, sums.csms
    arr = sums.arr
    shown = tuple(
        safe_text(name) if context.show_accounts else f"row {row}"
        for row, name in sorted(first_uncovered)[:EXAMPLES]
    )
    leak_examples = tuple(
        f"AE {safe_text(ae)} ({safe_text(ae_home.get(ae) or 'no pod')}) with CSM "
        f"{safe_text(csm)} ({safe_text(csm_home.get(csm) or 'no pod')})"
        for (ae, csm), _ in sorted(leaks.items(), key=lambda kv: (-kv[1], kv[0]))[:EXAMPLES]
    )
    peak: tuple[str, str, int] | None = None
    if context.has_renewal and csms:
        due: dict[tuple[str, str], int] = {}
        for label in labels:
            for csm_month, count in context.due.get(label, ()):
                due[csm_month] = due.get(csm_month, 0) + count
        if due:
            (csm, month), count = min(due.items(), key=lambda kv: (-kv[1], kv[0]))
            peak = (safe_text(csm), month, count)
    return Area(
        accounts=sums.accounts,
        arr_cents=numbers.normalise(arr) if isinstance(arr, Fraction) else arr,
        below_floor=sums.below,
        uncovered=sums.uncovered,
        uncovered_examples=shown,
        csm_loads=tuple((context.shown[p], n) for p, n in _by_load(context.loads, csms)),
        paired=sums.paired,
        leaking=sums.leaking,
        leak_examples=leak_examples,
        renewal_peak=peak,
    )
