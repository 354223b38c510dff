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

import datetime
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

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


def person(cell: str) -> str:
    """An owner cell as a name; "" when it names nobody."""
    name = cell.strip()
    return "" if name.lower() in NOBODY else name


def cleaned(key: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    return key[0].strip(), key[1].strip(), person(key[2]), person(key[3])


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
    errors = RowErrors(path)
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
            segment, pod, _, csm = cleaned(group_key)
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
