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

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from itertools import islice, repeat
from operator import itemgetter
from typing import Any, NamedTuple, cast

from podcheck.accounts.cells import (
    ORDER_NAMES,
    DateOrder,
    Slashed,
    month_of,
    parse_cents,
    plain_cents,
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
    # Owners' other spellings -> the one first given (`spellings`).
    same_person: Mapping[str, str] = {}

    @property
    def data_rows(self) -> int:
        return self.rows - self.blank

    def owner(self, cell: str) -> str:
        """An AE or CSM cell as the person's name, spelt as the export first spells it."""
        name = person(cell)
        return self.same_person.get(name, name)

    def cleaned(self, key: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
        """A group's (segment, pod, AE, CSM) cells, each owner by one spelling."""
        return key[0].strip(), key[1].strip(), self.owner(key[2]), self.owner(key[3])


class RowErrors:
    """Row errors of one export: the first MAX_ERRORS kept, every one counted."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[InputError] = []
        self.count = 0

    @property
    def full(self) -> bool:
        """Whether a further error is only counted (its message is not kept)."""
        return len(self.found) >= MAX_ERRORS

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


# What prints as nothing beyond format characters: Hangul and Khmer fillers, the blank
# Braille pattern, the combining grapheme joiner, variation selectors, and the code points
# Unicode reserves to be ignored when shown (default-ignorable, not yet assigned).
_UNSEEN_MARKS = frozenset(
    [
        *(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0),
        *range(0x180B, 0x1810),
        *range(0xFE00, 0xFE10),
        *range(0xFFF0, 0xFFF9),
        *range(0x1BCA0, 0x1BCA4),
        *range(0x1D173, 0x1D17B),
        *range(0xE0000, 0xE1000),
    ]
)


def _as_seen(char: str) -> str:
    """A character of a name as it separates words: a blank or an invisible break (a
    zero-width space or joiner, which a CRM shows between two words) is a space; a soft
    hyphen, a control, a filler or a code point no font draws is nothing."""
    if char.isspace():
        return " "
    kind = unicodedata.category(char)
    if kind == "Cf":
        return "" if char == "\xad" else " "
    return "" if kind in ("Cc", "Cn") or ord(char) in _UNSEEN_MARKS else char


# Controls among ASCII: what a cell shows as nothing (DEL, backspace, escape...).
_ASCII_UNSEEN = {code: None for code in (*range(0x20), 0x7F) if not chr(code).isspace()}


def person(cell: str) -> str:
    """An owner cell as a name, the way a reader sees it; "" when it names nobody.

    One person is one name however the cell spells its blanks: runs of spaces, no-break and
    other Unicode spaces and invisible breaks (zero-width spaces and joiners) are one space,
    compatibility forms are composed (NFKC), and what prints as nothing within a word (soft
    hyphens, fillers, variation selectors) is dropped. `Priya\\u200cShah` or `Priya  Shah` on
    half of Priya Shah's rows must not make a second CSM, taking half her accounts out of
    her load. (A look-alike letter from another script still makes another name.)
    """
    if cell.isascii():
        if not cell.isprintable():
            cell = cell.translate(_ASCII_UNSEEN)
        name = " ".join(cell.split())
    else:
        composed = unicodedata.normalize("NFKC", cell)
        # Composed again once the unseen are out: `e\u034f\u0301` is `é` as a reader sees it.
        seen = unicodedata.normalize("NFKC", "".join(map(_as_seen, composed)))
        name = " ".join(seen.split())
    return "" if name.lower() in NOBODY else name


def cleaned(key: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    return key[0].strip(), key[1].strip(), person(key[2]), person(key[3])


def identity(name: str) -> str:
    """Who a name (as `person` reads it) is: its letters, without blanks or accents, each
    character that looks like an ASCII one read as that one, then case folded, with the
    ASCII letters and digits that print alike (`I`, `l` and `1`; `O` and `0`) read as one.
    An invisible break inside a word (`Pri\u200bya`) reads as a space, and `priya shah`,
    `Prìya Shah`, `Pri\u0307ya` (a dot drawn over the i's own), `Priya Sh\u0430h` (a
    Cyrillic a), `\u041caria` (a Cyrillic M) or `AIi` for `Ali` are the same person: none
    may take half a book out of a CSM's load. Names that differ only in blanks, accents or
    look-alike characters are one person: a load then reads too high, never too low."""
    joined = "".join(name.split())
    if not joined.isascii():
        letters = unicodedata.normalize("NFKD", joined).translate(_DOTLESS)
        joined = "".join(char for char in letters if not unicodedata.combining(char))
        # Before case folding: a capital looks like its Latin capital (Cyrillic М like M),
        # where its small letter (м) looks like no Latin one.
        joined = _as_latin(joined)
    return joined.casefold().translate(_ASCII_ALIKE)


# ASCII that prints alike in the fonts CRMs use (after case folding, `I` is `i`).
_ASCII_ALIKE = str.maketrans({"l": "i", "1": "i", "|": "i", "0": "o"})


def _as_latin(text: str) -> str:
    """`text` with each character beyond ASCII that Unicode lists as confusable with an
    ASCII one (Cyrillic "а", Greek "Ρ") written as that one; ASCII stays as it is."""
    unseen = {char for char in text if not char.isascii()}.difference(_LATIN_SEEN)
    if unseen:
        from confusable_homoglyphs import confusables

        for char in unseen:  # each character is looked up once a run, not once a name
            # No preferred script: a Latin letter beyond ASCII (ɑ, a small capital ᴏ) that
            # looks like an ASCII one counts too.
            found = confusables.is_confusable(char, greedy=True, preferred_aliases=[])
            plain = [g["c"] for item in found or () for g in item["homoglyphs"] if g["c"].isascii()]
            if plain:
                _AS_LATIN[ord(char)] = plain[0]
        _LATIN_SEEN.update(unseen)
    return text.translate(_AS_LATIN)


# Characters looked up so far, and those that read as an ASCII letter (for str.translate).
_LATIN_SEEN: set[str] = set()
_AS_LATIN: dict[int, str] = {}


# Letters NFKD leaves whole that print as another with a mark added or dropped.
_DOTLESS = str.maketrans({"ı": "i", "ȷ": "j"})


def spellings(names: Iterable[str]) -> dict[str, str]:
    """Each other spelling of a person mapped to the first one given."""
    first: dict[str, str] = {}
    other: dict[str, str] = {}
    for name in names:
        if name and (seen := first.setdefault(identity(name), name)) != name:
            other[name] = seen
    return other


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


# Rows are counted this many at a time. A chunk whose every row is regular (the common case)
# is checked by passes over its columns that run in C; any other is checked row by row,
# which alone writes errors. The tally of 200,000 rows takes a sixth less CPU time so.
CHUNK_ROWS = 512
# While chunks go row by row (see `_Counter.add`), fewer rows are held: 512 rows and what is
# made of them outgrow the processor's cache, and an export irregular all through (unique
# renewal timestamps) took 15% more CPU time than reading it a row at a time; 64, the same.
ROW_BY_ROW_CHUNK_ROWS = 64

# An accepted row: (group key, cents, row number, account name stripped, renewal month or "").
_Row = tuple[tuple[str, str, str, str], int | Fraction, int, str, str | Slashed]
_Accepted = Iterable[_Row]


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
    counter = _Counter(path, columns, floor, first_row, keep_accounts, date_order, renewal_needed)
    source = iter(rows)
    while True:
        chunk: list[Sequence[str]] = []
        try:
            # extend keeps the rows read if the reader fails
            chunk.extend(islice(source, ROW_BY_ROW_CHUNK_ROWS if counter.skip else CHUNK_ROWS))
        except Exception:
            # The rows before a bad line count first, as they would one at a time: a limit
            # they reach is what the export is refused for.
            counter.add(chunk)
            raise
        if not chunk:
            return counter.final(show_accounts)
        counter.add(chunk)


class _Counter:
    """One export's counters, fed a chunk of rows at a time."""

    def __init__(
        self,
        path: str,
        columns: Columns,
        floor: numbers.Number,
        first_row: int,
        keep_accounts: bool,
        date_order: DateOrder | None,
        renewal_needed: bool,
    ) -> None:
        self.path, self.columns, self.first_row = path, columns, first_row
        self.date_order, self.renewal_needed = date_order, renewal_needed
        self.errors = RowErrors(path)
        self.refused, self.unread = Reasons(), Reasons()
        self.groups: dict[tuple[str, str, str, str], list[Any]] = {}
        # (segment, pod, CSM) as written -> renewals due by month (str, or Slashed until the
        # export's date order is known).
        self.due_by_csm: dict[tuple[str, str, str], dict[str | Slashed, int]] = {}
        self.renewal_keys = 0
        self.seen: set[str] = set()  # the accounts (or ids) given so far
        # The same, with the row each was given at, chunk by chunk: searched only to name
        # the row a duplicate was first given at. A set is less memory to reach than a
        # dict of rows: 200,000 rows tally in a tenth less time.
        self.given: list[tuple[Sequence[str], Sequence[int]]] = []
        # The log as a dict, made the first time a duplicate is named and then kept up to
        # date: (entries of the log in it, rows of the last of them).
        self.first_rows: dict[str, int] = {}
        self.indexed = (0, 0)
        self.months: dict[str, str | Slashed] = {}  # a renewal cell -> its month, "" if no date
        self.shown_order: dict[DateOrder, int] = {}  # the order a date shows -> its first row
        self.kept: list[Kept] | None = [] if keep_accounts else None
        self.floor_cents = numbers.normalise(Fraction(floor) * 100)
        self.width = max(i for i in columns if i is not None) + 1
        self.number = first_row - 1  # the last row counted
        # After a chunk that could not be checked at once, this many go row by row before
        # the next try (doubling to 64, back to 1 on success): an export irregular all
        # through (a duplicate or a new date in every chunk) wastes few column passes.
        self.skip, self.backoff = 0, 1
        self.blank = 0
        self.last_row = first_row + MAX_ROWS
        # Cells as the column passes take them.
        self.name_of = itemgetter(columns.account)
        self.key_of = None if columns.account_id is None else itemgetter(columns.account_id)
        self.arr_of = itemgetter(columns.arr)
        self.due_of = None if columns.renewal is None else itemgetter(columns.renewal)

    def add(self, chunk: Sequence[Sequence[str]]) -> None:
        if not chunk:
            return
        first = self.number + 1
        accepted = None
        if self.skip:
            self.skip -= 1
        else:
            accepted = self.at_once(chunk, first)
            self.skip, self.backoff = (
                (0, 1) if accepted is not None else (self.backoff, min(2 * self.backoff, 64))
            )
        if accepted is None:
            accepted = self.one_by_one(chunk, first)
        self.number += len(chunk)
        self.count(accepted)

    def at_once(self, chunk: Sequence[Sequence[str]], first: int) -> _Accepted | None:
        """The chunk's rows, checked column by column; None unless every row is regular: as
        wide as the header, named, with an account (or id) not given before, an amount, and a
        renewal cell empty or a date already read. Nothing is counted unless the chunk is
        accepted whole."""
        size = len(chunk)
        if first + size > self.last_row or min(map(len, chunk)) < self.width:
            return None
        names = list(map(str.strip, map(self.name_of, chunk)))
        if not all(names):
            return None
        keys = names if self.key_of is None else list(map(str.strip, map(self.key_of, chunk)))
        if not all(keys):
            return None
        # The cheaper checks first: a chunk refused late would be read twice.
        fresh = set(keys)
        if len(fresh) < size or not self.seen.isdisjoint(fresh):
            return None
        months: Iterable[str | Slashed] = repeat("", size)
        not_dates = 0
        if self.due_of is not None:
            dues = list(map(self.due_of, chunk))
            known: list[str | Slashed | None] = list(map(self.months.get, dues))
            if None in known:  # an empty cell is no date; one not read yet is read row by row
                known = [
                    "" if month is None and not due else month
                    for month, due in zip(known, dues, strict=True)
                ]
                if None in known:
                    return None
            # Cells once read as no date ("" remembered), unread as they were then.
            not_dates = known.count("") - dues.count("")
            months = cast(list[str | Slashed], known)  # no None is left
        cents = amounts(list(map(self.arr_of, chunk)))
        if cents is None:
            return None
        self.seen |= fresh
        rows = range(first, first + size)
        self.given.append((keys, rows))
        if not_dates:
            self.unread.add("renewal date not a date", not_dates)
        return zip(self.group_keys(chunk), cents, rows, names, months, strict=True)

    def group_keys(self, chunk: Sequence[Sequence[str]]) -> list[tuple[str, str, str, str]]:
        """(segment, pod, AE, CSM) of each row as the cells are written; AE "" without one."""
        columns = self.columns
        if columns.ae is not None:
            return list(
                map(itemgetter(columns.segment, columns.pod, columns.ae, columns.csm), chunk)
            )
        cells = itemgetter(columns.segment, columns.pod, columns.csm)
        return [(segment, pod, "", csm) for segment, pod, csm in map(cells, chunk)]

    def one_by_one(self, chunk: Sequence[Sequence[str]], first: int) -> _Accepted:
        """The chunk's rows checked one at a time: a bad row is one error, and left out."""
        errors, refused, unread = self.errors, self.refused, self.unread
        i_account, i_arr, i_seg, i_pod, i_csm = self.columns[:5]
        i_ae, i_renewal, i_id = self.columns.ae, self.columns.renewal, self.columns.account_id
        date_order, renewal_needed = self.date_order, self.renewal_needed
        width, last_row = self.width, self.last_row
        months, shown_order = self.months, self.shown_order
        seen, known_month = self.seen, months.get
        given_keys: list[str] = []
        given_rows: list[int] = []
        self.given.append((given_keys, given_rows))
        accepted: list[_Row] = []
        for number, row in enumerate(chunk, first):
            if number >= last_row:
                if number == last_row:
                    errors.add(number, 1, f"more than {MAX_ROWS:,} rows; split the export")
                refused.add(f"past the {MAX_ROWS:,}-row limit")
                continue
            if len(row) < width:  # a blank line is shorter than any row read
                if not row:
                    self.blank += 1
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
            if key in seen:
                what = "account id" if i_id is not None else "account"
                # Searched for only while error messages are kept.
                message = (
                    ""
                    if errors.full
                    else f"{what}: duplicate '{safe_text(key)}' "
                    f"(first given at row {self.first_given(key)})"
                )
                errors.add(number, (i_id if i_id is not None else i_account) + 1, message)
                refused.add(f"duplicate {what if i_id is not None else 'account name'}")
                continue
            seen.add(key)
            given_keys.append(key)
            given_rows.append(number)
            try:
                cents = parse_cents(row[i_arr])
            except numbers.AmountError:
                errors.add(
                    number,
                    i_arr + 1,
                    "ARR: expected an amount such as 48250, $48,250 or 48250.00 USD, got "
                    + (f"'{safe_text(cell)}'" if (cell := row[i_arr].strip()) else "an empty cell"),
                )
                refused.add("ARR not an amount")
                continue
            month: str | Slashed = ""
            if i_renewal is not None:
                due = row[i_renewal]
                remembered = known_month(due) if due else ""
                if remembered is not None:
                    month = remembered
                    if due and not month:  # read before, as no date
                        unread.add("renewal date not a date")
                elif due.strip():
                    # A date not met before: read, and the order it shows noted (a date met
                    # again shows it at a later row).
                    try:
                        month, shown = read_date(due.strip(), date_order)
                    except ValueError:
                        if renewal_needed:
                            written = (
                                f"YYYY-MM-DD or {ORDER_NAMES[date_order]}"
                                if date_order
                                else "YYYY-MM-DD, M/D/YYYY or D/M/YYYY"
                            )
                            errors.add(
                                number,
                                i_renewal + 1,
                                f"renewal: expected a date written {written}, "
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
            group = (row[i_seg], row[i_pod], row[i_ae] if i_ae is not None else "", row[i_csm])
            accepted.append((group, cents, number, name, month))
        return accepted

    def first_given(self, key: str) -> int:
        """The row an account (or id) already seen was given at."""
        entries, done = self.indexed
        given = self.given
        # The last entry indexed may have grown since (a chunk read row by row).
        for position in range(max(entries - 1, 0), len(given)):
            keys, rows = given[position]
            start = done if position == entries - 1 else 0
            self.first_rows.update(zip(keys[start:], rows[start:], strict=True))
        self.indexed = (len(given), len(given[-1][0]))
        return self.first_rows[key]

    def count(self, accepted: _Accepted) -> None:
        """Accepted rows into the counters: their groups, and their CSMs' renewals."""
        groups, group_of, due_by_csm = self.groups, self.groups.get, self.due_by_csm
        floor_cents, kept = self.floor_cents, self.kept
        for key, amount, number, name, month in accepted:
            group = group_of(key)
            if group is None:
                if len(groups) >= MAX_GROUPS:
                    raise TooMuch(
                        f"more than {MAX_GROUPS:,} distinct segment, pod, AE and CSM "
                        "combinations; a CRM's books have far fewer"
                    )
                # The sixth slot is the CSM's renewal counts by month, shared by their
                # groups and taken off at the end.
                groups[key] = group = [
                    1,
                    amount,
                    1 if amount < floor_cents else 0,
                    number,
                    [(number, name)],
                    due_by_csm.setdefault((key[0], key[1], key[3]), {}),
                ]
            else:
                group[0] += 1
                group[1] += amount
                if amount < floor_cents:
                    group[2] += 1
                if group[0] <= EXAMPLES:
                    group[4].append((number, name))
            if month:
                due_in = group[5]
                due = due_in.get(month)
                if due is None:
                    self.renewal_keys += 1
                    if self.renewal_keys > MAX_RENEWAL_KEYS:
                        raise TooMuch(
                            f"more than {MAX_RENEWAL_KEYS:,} distinct renewal months per CSM; "
                            "a CRM's books have far fewer"
                        )
                    due_in[month] = 1
                else:
                    due_in[month] = due + 1
            if kept is not None:
                segment, pod, _, csm = cleaned(key)
                kept.append(Kept(segment, pod, csm, amount, number, name))

    def final(self, show_accounts: bool) -> Tally:
        for group in self.groups.values():
            del group[5]
        renewals = {
            (*csm, month): count
            for csm, by_month in self.due_by_csm.items()
            for month, count in by_month.items()
        }
        order = _date_order(self.date_order, self.shown_order, renewals, self.renewal_needed)
        columns = self.columns
        # Groups in the order of their first rows: a person is spelt as first given.
        same = spellings(person(name) for key in self.groups for name in (key[2], key[3]))
        kept = self.kept
        if kept is not None and same:
            kept = [k._replace(csm=same[k.csm]) if k.csm in same else k for k in kept]
        return Tally(
            path=self.path,
            groups=self.groups,
            renewals=_months(renewals, order),
            errors=self.errors.final(),
            error_count=self.errors.count,
            rows=self.number - self.first_row + 1,
            floor_cents=self.floor_cents,
            has_ae=columns.ae is not None,
            has_renewal=columns.renewal is not None,
            show_accounts=show_accounts,
            columns=columns,
            kept=tuple(kept) if kept is not None else None,
            blank=self.blank,
            refused=self.refused.final(),
            unread=self.unread.final(),
            date_order=order,
            same_person=same,
        )


def amounts(cells: list[str]) -> list[int | Fraction] | None:
    """Every cell's cents (as `parse_cents` reads them); None if one is not an amount."""
    found = plain_cents(cells)
    if found is not None:
        return found  # type: ignore[return-value]
    try:
        return list(map(parse_cents, cells))
    except numbers.AmountError:
        return None


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
