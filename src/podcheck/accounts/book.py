"""The real books: an account export's rows tallied, then measured against one org file.

Pure: rows come in as lists of text (the reader in `accounts` opens the file), figures come
out. Rows are streamed into a few counters keyed by (segment, pod, AE, CSM); nothing is
kept per account unless a rebalancing plan asks for it. Money is counted in cents, as ints,
so sums and the ACV floor are exact.

Names from the export are people's and customers'. Everything echoed is passed through
`safe_text`: control characters escaped, and a value that a spreadsheet would run as a
formula (starting with = + - @) prefixed with an apostrophe.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from podcheck.core import numbers
from podcheck.core.errors import InputError, one_line
from podcheck.orgfile.model import OrgFile, Segment

# One export yields at most this many error lines; the rest are counted.
MAX_ERRORS = 50
MAX_ROWS = 2_000_000
# Echoed names are cut to this many characters.
MAX_SHOWN = 60
# Values that mean "nobody" in a CRM's owner column.
NOBODY = frozenset({"", "-", "none", "n/a", "unassigned", "no owner"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXAMPLES = 3


def safe_text(value: str) -> str:
    """A value from the export as it may be printed or written into any report."""
    text = one_line(value[:MAX_SHOWN] + ("…" if len(value) > MAX_SHOWN else ""))
    return "'" + text if text.startswith(_FORMULA_START) else text


class Columns(NamedTuple):
    """Where each field stands in a row (0-based); optional fields may be None."""

    account: int
    arr: int
    segment: int
    pod: int
    csm: int
    ae: int | None = None
    renewal: int | None = None
    account_id: int | None = None


class Kept(NamedTuple):
    """One account, kept only for rebalancing plans."""

    segment: str
    pod: str
    csm: str
    arr_cents: int | Fraction
    row: int
    name: str


class Tally(NamedTuple):
    """What an export holds, before it is matched with an org file."""

    path: str
    # (segment, pod, AE, CSM) as the cells are written -> [accounts, ARR in cents, accounts
    # under the floor, first row, the first few (row, account name)]. Cells are cleaned up
    # (spaces, "unassigned") per group when measured, not per row.
    groups: Mapping[tuple[str, str, str, str], list[Any]]
    # (segment, pod, CSM, "YYYY-MM") as written -> renewals due
    renewals: Mapping[tuple[str, str, str, str], int]
    errors: tuple[InputError, ...]
    error_count: int
    rows: int
    floor_cents: int | Fraction
    has_ae: bool
    has_renewal: bool
    show_accounts: bool
    columns: Columns
    kept: tuple[Kept, ...] | None = None


class _Errors:
    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[InputError] = []
        self.count = 0

    def add(self, row: int, column: int, message: str) -> None:
        self.count += 1
        if len(self.found) < MAX_ERRORS:
            self.found.append(InputError(self.path, row, column, message))

    def final(self) -> tuple[InputError, ...]:
        extra = self.count - len(self.found)
        if extra > 0:
            last = self.found[-1]
            more = InputError(self.path, last.line, 1, f"and {extra:,} more row errors")
            return (*self.found, more)
        return tuple(self.found)


def parse_cents(text: str) -> int | Fraction:
    """An ARR cell as exact cents: 48250, 48250.00, $48,250, 48.25K; never negative.

    Spaces around the amount are allowed."""
    # CRMs write plain amounts: read those without the general parser.
    whole, dot, cents = text.partition(".")
    # A leading zero goes to the general parser, which refuses it as money does everywhere.
    plain = whole.isdigit() and whole.isascii() and len(whole) < 13
    if plain and (whole[:1] != "0" or whole == "0"):
        if not dot:
            return int(whole) * 100
        if len(cents) == 2 and cents.isdigit() and cents.isascii():
            return int(whole + cents)
    amount = numbers.parse_money(text.strip())
    return numbers.normalise(Fraction(amount) * 100)


def renewal_month(text: str) -> str:
    """'YYYY-MM' of a date written YYYY-MM-DD (a time after it is ignored)."""
    if len(text) > 10 and text[10] not in " T":
        raise ValueError(text)
    day = text[:10]
    if len(day) != 10 or not day.isascii():
        raise ValueError(text)
    datetime.date.fromisoformat(day)
    return text[:7]


def _person(cell: str) -> str:
    """An owner cell as a name; "" when it names nobody."""
    name = cell.strip()
    return "" if name.lower() in NOBODY else name


def _cleaned(key: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    return key[0].strip(), key[1].strip(), _person(key[2]), _person(key[3])


# Dates repeat across an export: this many are remembered once checked.
_DATES_REMEMBERED = 10_000


def tally(
    path: str,
    rows: Iterable[Sequence[str]],
    columns: Columns,
    *,
    floor: numbers.Number,
    first_row: int = 2,
    show_accounts: bool = False,
    keep_accounts: bool = False,
) -> Tally:
    """Stream the export's data rows (after the header) into counters.

    A bad row is one error (its first problem) and is left out of every figure.
    """
    errors = _Errors(path)
    groups: dict[tuple[str, str, str, str], list[Any]] = {}
    renewals: dict[tuple[str, str, str, str], int] = {}
    seen: dict[str, int] = {}
    months: dict[str, str] = {}
    kept: list[Kept] | None = [] if keep_accounts else None
    floor_cents = numbers.normalise(Fraction(floor) * 100)
    i_account, i_arr, i_seg, i_pod, i_csm = columns[:5]
    i_ae, i_renewal, i_id = columns.ae, columns.renewal, columns.account_id
    width = max(i for i in columns if i is not None) + 1
    number = first_row - 1
    last_row = first_row + MAX_ROWS
    # Bound once: the loop runs per row.
    remember, known_month, group_of, due_count = (
        seen.setdefault,
        months.get,
        groups.get,
        renewals.get,
    )
    for row in rows:
        number += 1
        if number >= last_row:
            errors.add(number, 1, f"more than {MAX_ROWS:,} rows; split the export")
            break
        if not row:  # a blank line
            continue
        if len(row) < width:
            row = [*row, *([""] * (width - len(row)))]
        name = row[i_account].strip()
        if not name:
            errors.add(number, i_account + 1, "account: expected a name, got an empty cell")
            continue
        key = row[i_id].strip() if i_id is not None else name
        if i_id is not None and not key:
            errors.add(number, i_id + 1, "account id: expected an id, got an empty cell")
            continue
        first = remember(key, number)
        if first != number:
            what = "account id" if i_id is not None else "account"
            errors.add(
                number,
                (i_id if i_id is not None else i_account) + 1,
                f"{what}: duplicate '{safe_text(key)}' (first given at row {first})",
            )
            continue
        try:
            cents = parse_cents(row[i_arr])
        except numbers.AmountError:
            errors.add(
                number,
                i_arr + 1,
                "ARR: expected an amount such as 48250 or $48,250, "
                f"got '{safe_text(row[i_arr].strip())}'",
            )
            continue
        month = ""
        if i_renewal is not None:
            due = row[i_renewal]
            if due:
                month = known_month(due, "")
                if not month and due.strip():
                    try:
                        month = renewal_month(due.strip())
                    except ValueError:
                        errors.add(
                            number,
                            i_renewal + 1,
                            "renewal: expected a date written YYYY-MM-DD, "
                            f"got '{safe_text(due.strip())}'",
                        )
                        continue
                    if len(months) < _DATES_REMEMBERED:
                        months[due] = month
        group_key = (row[i_seg], row[i_pod], row[i_ae] if i_ae is not None else "", row[i_csm])
        group = group_of(group_key)
        if group is None:
            groups[group_key] = [
                1,
                cents,
                1 if cents < floor_cents else 0,
                number,
                [(number, name)],
            ]
        else:
            group[0] += 1
            group[1] += cents
            if cents < floor_cents:
                group[2] += 1
            if len(group[4]) < EXAMPLES:
                group[4].append((number, name))
        if month:
            renewal_key = (group_key[0], group_key[1], group_key[3], month)
            renewals[renewal_key] = due_count(renewal_key, 0) + 1
        if kept is not None:
            segment, pod, _, csm = _cleaned(group_key)
            kept.append(Kept(segment, pod, csm, cents, number, name))
    return Tally(
        path=path,
        groups=groups,
        renewals=renewals,
        errors=errors.final(),
        error_count=errors.count,
        rows=number - first_row + 1,
        floor_cents=floor_cents,
        has_ae=i_ae is not None,
        has_renewal=i_renewal is not None,
        show_accounts=show_accounts,
        columns=columns,
        kept=tuple(kept) if kept is not None else None,
    )


# Measuring against an org file


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
    for (person, pod), count in counts.items():
        held = best.get(person)
        if held is None or count > held[0] or (count == held[0] and pod < held[1]):
            best[person] = (count, pod)
    return {person: pod for person, (_, pod) in best.items()}


def _by_load(loads: Mapping[str, int], people: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(((p, loads[p]) for p in set(people)), key=lambda item: (-item[1], item[0])))


Key = tuple[str, str, str, str]


def _normalised(tally_: Tally, errors: _Errors) -> tuple[dict[Key, list[Any]], dict[Key, int]]:
    """The tally's groups and renewals with their cells cleaned up, merged where cleaning
    makes them one; a blank segment or pod is one error per group, at its first row."""
    groups: dict[Key, list[Any]] = {}
    for raw, (count, cents, below, row, examples) in tally_.groups.items():
        key = _cleaned(raw)
        for value, column, what in (
            (key[0], tally_.columns.segment, "segment"),
            (key[1], tally_.columns.pod, "pod"),
        ):
            if not value:
                rows = f"{count:,} row{'s' if count != 1 else ''}"
                errors.add(
                    row, column + 1, f"{what}: expected a {what}, got an empty cell ({rows})"
                )
                break
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
    renewals: dict[Key, int] = {}
    for (segment, pod, csm, month), count in tally_.renewals.items():
        key = (segment.strip(), pod.strip(), _person(csm), month)
        if key[2]:
            renewals[key] = renewals.get(key, 0) + count
    return groups, renewals


def measure(tally_: Tally, org: OrgFile) -> tuple[Book, tuple[InputError, ...]]:
    """The export matched with the org's segments and pods; rows naming a segment or pod
    the org does not have are errors (one line per unknown name, at its first row)."""
    errors = _Errors(tally_.path)
    groups, renewals = _normalised(tally_, errors)
    segment_ids: dict[str, str] = {}
    pod_ids: dict[str, dict[str, str] | None] = {}
    for segment in org.segments:
        for label in (segment.id, segment.display_name):
            segment_ids.setdefault(label.strip().lower(), segment.id)
        listed = segment.pods
        pod_ids[segment.id] = {p.id.lower(): p.id for p in listed} if listed else None
    unknown: dict[tuple[str, str], list[int]] = {}  # label -> [rows, first row]
    # Resolve every group to (segment id, pod id), in the export's row order.
    resolved: dict[Key, tuple[str, str]] = {}
    for key, (count, _, _, row, _) in sorted(groups.items(), key=lambda kv: kv[1][3]):
        segment_label, pod_label = key[0], key[1]
        segment_id = segment_ids.get(segment_label.lower())
        if segment_id is None:
            note = unknown.setdefault(("segment", segment_label), [0, row])
            note[0] += count
            continue
        pods = pod_ids[segment_id]
        pod_id = pod_label if pods is None else pods.get(pod_label.lower())
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
        else:
            segment_id, pod_label = label.split("\0", 1)
            known = ", ".join(sorted(pod_ids[segment_id] or {}))
            message = (
                f"unknown pod '{safe_text(pod_label)}' in segment {segment_id} ({rows}); "
                f"expected one of {known}"
            )
        errors.add(row, column, f"{kind}: {message}")

    loads: dict[str, int] = {}
    for key in resolved:
        csm = key[3]
        if csm:
            loads[csm] = loads.get(csm, 0) + groups[key][0]
    by_segment: dict[str, list[Key]] = {s.id: [] for s in org.segments}
    for key, where in resolved.items():
        by_segment[where[0]].append(key)
    due: _Due = {}
    for (segment_label, pod_label, csm, month), count in renewals.items():
        due.setdefault((segment_label, pod_label), []).append(((csm, month), count))
    context = _Context(groups, resolved, loads, due, tally_.has_renewal, tally_.show_accounts)
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
    )
    return book, (*tally_.errors, *errors.final())


class _Context(NamedTuple):
    """What measuring every segment and pod shares."""

    groups: Mapping[Key, list[Any]]
    resolved: Mapping[Key, tuple[str, str]]
    loads: Mapping[str, int]
    # (segment, pod) as the export writes them -> ((CSM, "YYYY-MM"), renewals due) pairs
    due: Mapping[tuple[str, str], list[tuple[tuple[str, str], int]]]
    has_renewal: bool
    show_accounts: bool


_Due = dict[tuple[str, str], list[tuple[tuple[str, str], int]]]


def _segment_book(context: _Context, keys: Sequence[Key], segment: Segment) -> SegmentBook:
    ae_counts: dict[tuple[str, str], int] = {}
    csm_counts: dict[tuple[str, str], int] = {}
    for key in keys:
        pod, ae, csm = context.resolved[key][1], key[2], key[3]
        count = context.groups[key][0]
        if ae:
            ae_counts[(ae, pod)] = ae_counts.get((ae, pod), 0) + count
        if csm:
            csm_counts[(csm, pod)] = csm_counts.get((csm, pod), 0) + count
    homes = (_home_pods(ae_counts), _home_pods(csm_counts))
    by_pod: dict[str, list[Key]] = {}
    for key in keys:
        by_pod.setdefault(context.resolved[key][1], []).append(key)
    pods = {pod: _area(context, pod_keys, homes) for pod, pod_keys in by_pod.items()}
    # Pods in the org file's order, then those only the export names, by name.
    order = {pod.id: index for index, pod in enumerate(segment.pods or ())}
    ordered = sorted(pods.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    return SegmentBook(_area(context, keys, homes), dict(ordered))


def _area(
    context: _Context,
    keys: Sequence[Key],
    homes: tuple[Mapping[str, str], Mapping[str, str]],
) -> Area:
    ae_home, csm_home = homes
    accounts = arr = below = uncovered = paired = leaking = 0
    leaks: dict[tuple[str, str], int] = {}
    csms: set[str] = set()
    labels: set[tuple[str, str]] = set()
    first_uncovered: list[tuple[int, str]] = []
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
            if ae_home[ae] != csm_home[csm]:
                leaking += count
                leaks[(ae, csm)] = leaks.get((ae, csm), 0) + count
    shown = tuple(
        safe_text(name) if context.show_accounts else f"row {row}"
        for row, name in sorted(first_uncovered)[:EXAMPLES]
    )
    leak_examples = tuple(
        f"AE {safe_text(ae)} ({safe_text(ae_home[ae])}) with CSM {safe_text(csm)} "
        f"({safe_text(csm_home[csm])})"
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
        accounts=accounts,
        arr_cents=numbers.normalise(arr) if isinstance(arr, Fraction) else arr,
        below_floor=below,
        uncovered=uncovered,
        uncovered_examples=shown,
        csm_loads=tuple((safe_text(p), n) for p, n in _by_load(context.loads, csms)),
        paired=paired,
        leaking=leaking,
        leak_examples=leak_examples,
        renewal_peak=peak,
    )


# Rebalancing


class Move(NamedTuple):
    """One account moved from an overloaded CSM to one with room."""

    account: str  # the account's name with --show-accounts, else its row
    arr: numbers.Number
    segment: str
    from_csm: str
    from_pod: str
    to_csm: str
    to_pod: str


def _first_most(counts: Mapping[str, int]) -> str:
    """The key with the largest count; ties go to the first key in sorted order."""
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


class Plan(NamedTuple):
    moves: tuple[Move, ...]
    # Accounts that no CSM of the segment has room for: a hire, not a move.
    unplaced: int


def propose_moves(tally_: Tally, org: OrgFile, limit: int) -> Plan:
    """The fewest moves that bring every CSM under `limit` accounts, within each segment.

    Each overloaded CSM gives away exactly the accounts over the bar (limit - 1 is the
    most a CSM may keep), so no plan has fewer moves. Largest accounts move first: each
    move then takes the most ARR off the overloaded book, so pod books even out too. The
    receiving CSM is one in the account's pod when one has room (an account changes pods
    only when it must), then the one with the most room, then by name. Accounts no CSM
    has room for are counted as unplaced. The tally must have been made with
    `keep_accounts`.
    """
    if tally_.kept is None:
        raise ValueError("propose_moves needs a tally made with keep_accounts=True")
    keep = limit - 1
    moves: list[Move] = []
    unplaced = 0
    for segment in org.segments:
        ids = {s.lower(): s for s in (segment.id, segment.display_name)}
        accounts = [a for a in tally_.kept if a.csm and a.segment.strip().lower() in ids]
        loads: dict[str, int] = {}
        home: dict[str, dict[str, int]] = {}
        for account in accounts:
            loads[account.csm] = loads.get(account.csm, 0) + 1
            pods = home.setdefault(account.csm, {})
            pods[account.pod] = pods.get(account.pod, 0) + 1
        home_pod = {
            csm: min(p.items(), key=lambda kv: (-kv[1], kv[0]))[0] for csm, p in home.items()
        }
        for donor in sorted(loads, key=lambda c: (-loads[c], c)):
            excess = loads[donor] - keep
            if excess <= 0:
                continue
            own = sorted(
                (a for a in accounts if a.csm == donor), key=lambda a: (-a.arr_cents, a.row)
            )
            for account in own[:excess]:
                room = [c for c in loads if loads[c] < keep]
                if not room:
                    unplaced += 1
                    continue
                target = min(
                    room,
                    key=lambda c: (home_pod[c] != account.pod, loads[c], c),
                )
                loads[donor] -= 1
                loads[target] += 1
                moves.append(
                    Move(
                        account=safe_text(account.name)
                        if tally_.show_accounts
                        else f"row {account.row}",
                        arr=numbers.normalise(Fraction(account.arr_cents) / 100),
                        segment=segment.id,
                        from_csm=safe_text(donor),
                        from_pod=safe_text(account.pod),
                        to_csm=safe_text(target),
                        to_pod=safe_text(home_pod[target]),
                    )
                )
    return Plan(tuple(moves), unplaced)
