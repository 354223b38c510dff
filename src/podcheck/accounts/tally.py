"""An account export's rows tallied: streamed into a few counters, nothing kept per account.

Pure: rows come in as lists of text (the reader in `export` opens the file), counters come
out. Rows are grouped by (segment, pod, AE, CSM) as the cells are written; nothing is kept
per account unless a rebalancing plan asks for it. Money is counted in cents, as ints, so
sums and the ACV floor are exact.

Names from the export are people's and customers'. Everything echoed is passed through
`safe_text`: control characters escaped, and a value that a spreadsheet would run as a
formula (starting with = + - @) prefixed with an apostrophe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from podcheck.accounts.cells import (
    ORDER_NAMES,
    DateOrder,
    Slashed,
    month_of,
    parse_cents,
    read_date,
)
from podcheck.core import numbers
from podcheck.core.errors import InputError, one_line

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
    blank: int = 0  # blank lines among `rows`
    # Why rows were left out, and fields left unread in rows kept: (reason, rows), most first.
    refused: tuple[tuple[str, int], ...] = ()
    unread: tuple[tuple[str, int], ...] = ()
    date_order: DateOrder | None = None
    # The config's names for the export's segments and pods: export name -> id in the file.
    segment_names: Mapping[str, str] = {}
    pod_names: Mapping[str, str] = {}
    # The first 12 hex digits of the SHA-256 of the file's bytes, which the pack is stamped with.
    digest: str | None = None

    @property
    def data_rows(self) -> int:
        return self.rows - self.blank


class RowErrors:
    """Row errors of one export: the first MAX_ERRORS kept, every one counted."""

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


def person(cell: str) -> str:
    """An owner cell as a name; "" when it names nobody."""
    name = cell.strip()
    return "" if name.lower() in NOBODY else name


def cleaned(key: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    return key[0].strip(), key[1].strip(), person(key[2]), person(key[3])


# Dates repeat across an export: this many are remembered once checked.
_DATES_REMEMBERED = 10_000
# Distinct (segment, pod, AE, CSM) combinations and (segment, pod, CSM, month) renewal
# counters an export may make: a CRM's books have far fewer, and each costs memory.
MAX_GROUPS = 100_000
MAX_RENEWAL_KEYS = 400_000


class Reasons:
    """Why rows were refused, or a field left unread, grouped: reason -> rows."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, reason: str, rows: int = 1) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + rows

    def final(self) -> tuple[tuple[str, int], ...]:
        """Most rows first, then by reason."""
        return tuple(sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0])))


class TooMuch(Exception):
    """The export asks for more work than any CRM's books need; the message says what."""


def tally(
    path: str,
    rows: Iterable[Sequence[str]],
    columns: Columns,
    *,
    floor: numbers.Number,
    first_row: int = 2,
    show_accounts: bool = False,
    keep_accounts: bool = False,
    date_order: DateOrder | None = None,
    renewal_needed: bool = True,
) -> Tally:
    """Stream the export's data rows (after the header) into counters.

    A bad row is one error (its first problem) and is left out of every figure. A renewal
    date no rule in force reads never costs a row: it is counted as unread and the row kept.
    TooMuch when the export needs more counters than the limits allow.
    """
    errors = RowErrors(path)
    refused, unread = Reasons(), Reasons()
    groups: dict[tuple[str, str, str, str], list[Any]] = {}
    # (segment, pod, CSM) as written -> renewals due by month (str, or Slashed until the
    # export's date order is known).
    due_by_csm: dict[tuple[str, str, str], dict[str | Slashed, int]] = {}
    renewal_keys = 0
    seen: dict[str, int] = {}
    months: dict[str, str | Slashed] = {}  # a renewal cell -> its month, "" if no date
    shown_order: dict[DateOrder, int] = {}  # the order a date shows -> its first row
    kept: list[Kept] | None = [] if keep_accounts else None
    floor_cents = numbers.normalise(Fraction(floor) * 100)
    i_account, i_arr, i_seg, i_pod, i_csm = columns[:5]
    i_ae, i_renewal, i_id = columns.ae, columns.renewal, columns.account_id
    width = max(i for i in columns if i is not None) + 1
    number = first_row - 1
    blank = 0
    last_row = first_row + MAX_ROWS
    # Bound once: the loop runs per row.
    remember, known_month, group_of = seen.setdefault, months.get, groups.get
    for row in rows:
        number += 1
        if number >= last_row:
            if number == last_row:
                errors.add(number, 1, f"more than {MAX_ROWS:,} rows; split the export")
            refused.add(f"past the {MAX_ROWS:,}-row limit")
            continue
        if len(row) < width:  # a blank line is shorter than any row read
            if not row:
                blank += 1
                continue
            row = [*row, *([""] * (width - len(row)))]
        name = row[i_account].strip()
        if not name:
            errors.add(number, i_account + 1, "account: expected a name, got an empty cell")
            refused.add("account name empty")
            continue
        key = row[i_id].strip() if i_id is not None else name
        if i_id is not None and not key:
            errors.add(number, i_id + 1, "account id: expected an id, got an empty cell")
            refused.add("account id empty")
            continue
        first = remember(key, number)
        if first != number:
            what = "account id" if i_id is not None else "account"
            errors.add(
                number,
                (i_id if i_id is not None else i_account) + 1,
                f"{what}: duplicate '{safe_text(key)}' (first given at row {first})",
            )
            refused.add(f"duplicate {what if i_id is not None else 'account name'}")
            continue
        try:
            cents = parse_cents(row[i_arr])
        except numbers.AmountError:
            errors.add(
                number,
                i_arr + 1,
                "ARR: expected an amount such as 48250, $48,250 or 48250.00 USD, "
                f"got '{safe_text(row[i_arr].strip())}'",
            )
            refused.add("ARR not an amount")
            continue
        month: str | Slashed | None = ""
        if i_renewal is not None:
            due = row[i_renewal]
            if due:
                month = known_month(due)
                if month is None:
                    # A date not met before: read, and the order it shows noted (a date met
                    # again shows it at a later row).
                    month = ""
                    if due.strip():
                        try:
                            month, shown = read_date(due.strip(), date_order)
                        except ValueError:
                            if renewal_needed:
                                written = ORDER_NAMES[date_order] if date_order else "M/D/YYYY"
                                errors.add(
                                    number,
                                    i_renewal + 1,
                                    f"renewal: expected a date written YYYY-MM-DD or {written}, "
                                    f"got '{safe_text(due.strip())}'",
                                )
                                refused.add("renewal date not a date")
                                continue
                            unread.add("renewal date not a date")
                            shown = None
                        if shown is not None:
                            shown_order.setdefault(shown, number)
                        if len(months) < _DATES_REMEMBERED:
                            months[due] = month
                elif not month:
                    unread.add("renewal date not a date")
        group_key = (row[i_seg], row[i_pod], row[i_ae] if i_ae is not None else "", row[i_csm])
        group = group_of(group_key)
        if group is None:
            if len(groups) >= MAX_GROUPS:
                raise TooMuch(
                    f"more than {MAX_GROUPS:,} distinct segment, pod, AE and CSM "
                    "combinations; a CRM's books have far fewer"
                )
            # The sixth slot is the CSM's renewal counts by month, shared by their groups
            # and taken off at the end.
            groups[group_key] = group = [
                1,
                cents,
                1 if cents < floor_cents else 0,
                number,
                [(number, name)],
                due_by_csm.setdefault((group_key[0], group_key[1], group_key[3]), {}),
            ]
        else:
            group[0] += 1
            group[1] += cents
            if cents < floor_cents:
                group[2] += 1
            if group[0] <= EXAMPLES:
                group[4].append((number, name))
        if month:
            due_in = group[5]
            count = due_in.get(month)
            if count is None:
                renewal_keys += 1
                if renewal_keys > MAX_RENEWAL_KEYS:
                    raise TooMuch(
                        f"more than {MAX_RENEWAL_KEYS:,} distinct renewal months per CSM; "
                        "a CRM's books have far fewer"
                    )
                due_in[month] = 1
            else:
                due_in[month] = count + 1
        if kept is not None:
            segment, pod, _, csm = cleaned(group_key)
            kept.append(Kept(segment, pod, csm, cents, number, name))
    for group in groups.values():
        del group[5]
    renewals = {
        (*csm, month): count
        for csm, by_month in due_by_csm.items()
        for month, count in by_month.items()
    }
    order = _date_order(date_order, shown_order, renewals, renewal_needed)
    return Tally(
        path=path,
        groups=groups,
        renewals=_months(renewals, order),
        errors=errors.final(),
        error_count=errors.count,
        rows=number - first_row + 1,
        floor_cents=floor_cents,
        has_ae=i_ae is not None,
        has_renewal=i_renewal is not None,
        show_accounts=show_accounts,
        columns=columns,
        kept=tuple(kept) if kept is not None else None,
        blank=blank,
        refused=refused.final(),
        unread=unread.final(),
        date_order=order,
    )


class DateOrderUnknown(Exception):
    """The export's renewal dates could be read in either order; the message says so."""


def _date_order(
    given: DateOrder | None,
    shown: Mapping[DateOrder, int],
    renewals: Mapping[tuple[str, str, str, str | Slashed], int],
    needed: bool,
) -> DateOrder | None:
    """The order of the export's A/B/YYYY dates: the one given, else the one its dates show."""
    if given is not None:
        return given
    if len(shown) == 2:
        raise DateOrderUnknown(
            f"renewal dates are written M/D/YYYY (row {shown['mdy']:,}) and D/M/YYYY "
            f"(row {shown['dmy']:,}); export them in one order"
        )
    if shown:
        return next(iter(shown))
    if needed and any(isinstance(key[3], Slashed) for key in renewals):
        raise DateOrderUnknown(
            "renewal dates such as 3/4/2027 could be M/D/YYYY or D/M/YYYY and no day is over "
            "12; say which with --date-order mdy or --date-order dmy"
        )
    return None


def _months(
    renewals: Mapping[tuple[str, str, str, str | Slashed], int], order: DateOrder | None
) -> dict[tuple[str, str, str, str], int]:
    """The renewal counters keyed by "YYYY-MM", once the order of A/B/YYYY dates is known."""
    resolved: dict[tuple[str, str, str, str], int] = {}
    for (segment, pod, csm, month), count in renewals.items():
        if isinstance(month, Slashed):
            if order is None:
                continue  # no rule reads them
            month = month_of(month, order)
        key = (segment, pod, csm, month)
        resolved[key] = resolved.get(key, 0) + count
    return resolved
