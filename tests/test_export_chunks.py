"""The tally checks a chunk of regular rows column by column and any other row by row: both
give the same counters, errors and order, wherever the chunks fall."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podcheck.accounts import cells, tally
from podcheck.core import numbers

FULL = tally.Columns(account=0, arr=1, segment=2, pod=3, csm=4, ae=5, renewal=6, account_id=7)
FEWEST = tally.Columns(account=0, arr=1, segment=2, pod=3, csm=4)
NO_ID = tally.Columns(account=0, arr=1, segment=2, pod=3, csm=4, ae=5, renewal=6)

# What CRMs write, and every irregular cell the tally knows.
PLAIN_AMOUNTS = st.one_of(
    st.integers(0, 10**6).map(str),
    st.integers(0, 10**8).map(lambda cents: f"{cents // 100}.{cents % 100:02d}"),
)
AMOUNTS = st.one_of(
    PLAIN_AMOUNTS,
    st.sampled_from(
        ["$1,200.50", "48,250", "12.5K", "48250.00 USD", "07", "00.50", "1.5", "1.505", "lots"]
    ),
    st.sampled_from(["", " 42 ", "-5", "9" * 13, "9" * 12, "1\n2", "٤٢", "$$5"]),
)
PLAIN_DATES = st.sampled_from(["", "2027-03-15", "2027-11-01 09:00", "13/4/2027"])
DATES = st.sampled_from(
    [
        *["", "2027-03-15", "2027-03-15T10:00", "2027-11-01 09:00", "3/4/2027", "13/4/2027"],
        *["4/13/2027", "soon", "  ", "2027-02-30", "2027-03-15x"],
    ]
)
PEOPLE = st.sampled_from(["CSM A", "CSM B", " CSM A ", "unassigned", "", "AE C"])


def _row(names: Any, amounts: Any, dates: Any, ids: Any) -> Any:
    return st.tuples(
        names,
        amounts,
        st.sampled_from(["mid-market", "enterprise", " mid-market", ""]),
        st.sampled_from(["p1", "p2", ""]),
        PEOPLE,
        PEOPLE,
        dates,
        ids,
    ).map(list)


# Most rows regular (so that whole chunks are), a few of every other kind among them.
REGULAR = _row(
    st.integers(0, 10**4).map(lambda n: f"Customer {n}"),
    PLAIN_AMOUNTS,
    PLAIN_DATES,
    st.integers(0, 10**4).map(lambda n: f"00{n}"),
)
ANY_ROW = _row(
    st.one_of(st.integers(0, 30).map(lambda n: f"Customer {n}"), st.sampled_from(["", "  "])),
    AMOUNTS,
    DATES,
    st.one_of(st.integers(0, 30).map(lambda n: f"00{n}"), st.sampled_from(["", " 007 "])),
)
ROWS = st.lists(
    st.one_of(*[REGULAR] * 20, ANY_ROW, st.just([]), ANY_ROW.map(lambda row: row[:3])),
    max_size=60,
)


def _counted(rows: list[list[str]], columns: tally.Columns, **options: Any) -> Any:
    """The tally as data that compares whole (dicts in their order), or the refusal."""
    try:
        found = tally.tally("books.csv", rows, columns, floor=30_000, **options)
    except (tally.TooMuch, tally.DateOrderUnknown) as exc:
        return type(exc).__name__, str(exc)
    return [list(value.items()) if isinstance(value, dict) else value for value in found]


@settings(deadline=None)
@given(
    rows=ROWS,
    chunk=st.integers(1, 5),
    columns=st.sampled_from([FULL, FEWEST, NO_ID]),
    keep_accounts=st.booleans(),
    renewal_needed=st.booleans(),
    date_order=st.sampled_from([None, "mdy", "dmy"]),
    max_rows=st.sampled_from([tally.MAX_ROWS, 9, 30]),
)
def test_chunks_checked_at_once_count_as_rows_checked_one_by_one(
    rows, chunk, columns, keep_accounts, renewal_needed, date_order, max_rows
):
    options = {
        "keep_accounts": keep_accounts,
        "renewal_needed": renewal_needed,
        "date_order": date_order,
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tally, "CHUNK_ROWS", chunk)
        patch.setattr(tally, "ROW_BY_ROW_CHUNK_ROWS", chunk)
        patch.setattr(tally, "MAX_ROWS", max_rows)
        at_once = _counted(rows, columns, **options)
        patch.setattr(tally._Counter, "at_once", lambda self, chunk, first: None)
        one_by_one = _counted(rows, columns, **options)
    assert at_once == one_by_one


def _regular(n: int) -> list[str]:
    return [f"Customer {n}", f"{45_000 + n}.00", "mid-market", "p1", "CSM A", "AE", "", f"id{n}"]


# One row that is not regular, or not in a chunk's one plain form, as a change of a regular
# row (`rows` are the export's, to name another row's account).
IRREGULAR: dict[str, Any] = {
    "blank line": lambda row, rows: [],
    "short row": lambda row, rows: row[:2],
    "no name": lambda row, rows: ["", *row[1:]],
    "blank name": lambda row, rows: ["  ", *row[1:]],
    "no id": lambda row, rows: [*row[:7], ""],
    "the first row's id": lambda row, rows: [*row[:7], rows[0][7]],
    "the next row's id": lambda row, rows: [*row[:7], f"id{int(row[7][2:]) + 1}"],
    "not an amount": lambda row, rows: [row[0], "lots", *row[2:]],
    "thousands": lambda row, rows: [row[0], "12.5K", *row[2:]],
    "grouped dollars": lambda row, rows: [row[0], "$1,200.50", *row[2:]],
    "leading zero": lambda row, rows: [row[0], "07", *row[2:]],
    "whole dollars": lambda row, rows: [row[0], "45000", *row[2:]],
    "two lines": lambda row, rows: [row[0], "1.00\n2.00", *row[2:]],
    "a date": lambda row, rows: [*row[:6], "2027-03-15", row[7]],
    "another date": lambda row, rows: [*row[:6], "2027-09-01 10:00", row[7]],
    "no date": lambda row, rows: [*row[:6], "soon", row[7]],
    "a blank date": lambda row, rows: [*row[:6], "  ", row[7]],
    "either order": lambda row, rows: [*row[:6], "3/4/2027", row[7]],
    "day first": lambda row, rows: [*row[:6], "13/4/2027", row[7]],
}


@pytest.mark.parametrize("renewal_needed", [True, False])
@pytest.mark.parametrize("kind", IRREGULAR)
def test_a_chunk_with_any_irregular_row_counts_as_row_by_row(kind, renewal_needed):
    """Each kind of row at every place of a small export, and again a chunk later."""
    change = IRREGULAR[kind]
    for at in range(9):
        rows = [_regular(n) for n in range(14)]
        rows[at] = change(rows[at], rows)
        rows[at + 4] = change(rows[at + 4], rows)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(tally, "CHUNK_ROWS", 4)
            patch.setattr(tally, "ROW_BY_ROW_CHUNK_ROWS", 4)
            at_once = _counted(rows, FULL, renewal_needed=renewal_needed)
            patch.setattr(tally._Counter, "at_once", lambda self, chunk, first: None)
            one_by_one = _counted(rows, FULL, renewal_needed=renewal_needed)
        assert at_once == one_by_one, (kind, at)


def test_rows_past_the_limit_count_as_row_by_row(monkeypatch):
    monkeypatch.setattr(tally, "CHUNK_ROWS", 4)
    monkeypatch.setattr(tally, "ROW_BY_ROW_CHUNK_ROWS", 4)
    monkeypatch.setattr(tally, "MAX_ROWS", 6)
    rows = [_regular(n) for n in range(14)]
    counted = _counted(rows, FULL)
    monkeypatch.setattr(tally._Counter, "at_once", lambda self, chunk, first: None)
    assert counted == _counted(rows, FULL)
    found = tally.tally("books.csv", rows, FULL, floor=30_000)
    assert found.refused == (("past the 6-row limit", 8),)
    assert next(iter(found.groups.values()))[0] == 6


def test_the_regular_chunks_of_a_clean_export_are_checked_at_once(monkeypatch):
    checked: list[bool] = []
    at_once = tally._Counter.at_once

    def noted(self, chunk, first):
        found = at_once(self, chunk, first)
        checked.append(found is not None)
        return found

    monkeypatch.setattr(tally, "CHUNK_ROWS", 4)

    monkeypatch.setattr(tally, "ROW_BY_ROW_CHUNK_ROWS", 4)
    monkeypatch.setattr(tally._Counter, "at_once", noted)
    rows = [
        [f"Customer {n}", f"{40_000 + n}.00", "mid-market", "p1", "CSM A", "AE", "2027-03-15"]
        for n in range(16)
    ]
    counted = tally.tally("books.csv", rows, NO_ID, floor=30_000)
    # The first chunk reads a date not met before, one row at a time, and so does the next
    # (one chunk goes row by row before the next try); the rest need not.
    assert checked == [False, True, True]
    (group,) = counted.groups.values()
    assert group[:4] == [16, sum(4_000_000 + n * 100 for n in range(16)), 0, 2]
    assert counted.renewals == {("mid-market", "p1", "CSM A", "2027-03"): 16}


@pytest.mark.parametrize("again_at", [5, 13])
def test_a_duplicate_names_the_row_the_account_was_first_given_at(monkeypatch, again_at):
    """In the chunk that gave it, or a chunk later."""
    monkeypatch.setattr(tally, "CHUNK_ROWS", 4)
    monkeypatch.setattr(tally, "ROW_BY_ROW_CHUNK_ROWS", 4)
    rows = [[f"Customer {n}", "45000", "mid", "p1", "CSM", "AE", "", f"id{n}"] for n in range(14)]
    rows.insert(again_at - 2, ["Again", "45000", "mid", "p1", "CSM", "AE", "", "id1"])
    counted = tally.tally("books.csv", rows, FULL, floor=30_000)
    assert [(e.line, e.message) for e in counted.errors] == [
        (again_at, "account id: duplicate 'id1' (first given at row 3)")
    ]
    assert counted.refused == (("duplicate account id", 1),)
    assert next(iter(counted.groups.values()))[0] == 14


def test_a_limit_the_rows_reach_before_the_reader_fails_is_the_refusal(monkeypatch):
    """Rows are read a chunk at a time, but a bad line after a limit is reached does not
    take the limit's place: the rows read before it are counted first."""
    monkeypatch.setattr(tally, "MAX_GROUPS", 2)

    def rows():
        for n in range(3):
            yield [f"Customer {n}", "45000", "mid", f"p{n}", "CSM", "AE", ""]
        raise ValueError("a line the reader cannot read")

    with pytest.raises(tally.TooMuch, match="more than 2 distinct"):
        tally.tally("books.csv", rows(), NO_ID, floor=30_000)


def test_a_reader_failing_before_any_limit_is_the_refusal():
    def rows():
        yield ["Customer 1", "45000", "mid", "p1", "CSM", "AE", ""]
        raise ValueError("a line the reader cannot read")

    with pytest.raises(ValueError, match="cannot read"):
        tally.tally("books.csv", rows(), NO_ID, floor=30_000)


@settings(deadline=None)
@given(st.lists(st.text(alphabet="0123456789.,$ \n٤", max_size=16), min_size=1, max_size=8))
def test_a_column_of_plain_amounts_is_read_as_each_cell_is(column):
    found = cells.plain_cents(column)
    if found is None:
        return
    assert found == [cells.parse_cents(cell) for cell in column]
    assert all(type(cents) is int for cents in found)


@pytest.mark.parametrize(
    "column",
    [["48250", "0", "7"], ["48250.00", "0.50", "0.00"], ["1" + "0" * 11 + ".99"]],
)
def test_the_forms_crms_export_most_are_read_a_column_at_a_time(column):
    assert cells.plain_cents(column) == [cells.parse_cents(cell) for cell in column]


@pytest.mark.parametrize(
    "column",
    [["48250", "48250.00"], ["07"], ["1.5"], ["12.5K"], ["1.00\n2.00"], ["9" * 13], ["٤٢"], []],
)
def test_any_other_column_is_left_to_the_cell_by_cell_reader(column):
    assert cells.plain_cents(column) is None
    try:
        expected: Any = [cells.parse_cents(cell) for cell in column]
    except numbers.AmountError:
        expected = None
    assert tally.amounts(column) == expected


def test_a_cell_once_read_as_no_date_is_counted_unread_wherever_it_comes_again(monkeypatch):
    monkeypatch.setattr(tally, "CHUNK_ROWS", 2)
    monkeypatch.setattr(tally, "ROW_BY_ROW_CHUNK_ROWS", 2)
    # The second chunk goes row by row after the first (see `_Counter.add`), the third at once.
    due = ["soon", "2027-03-15", "", "", "soon", "soon", "2027-03-15", ""]
    rows = [
        [f"Customer {n}", "45000", "mid", "p1", "CSM", "AE", cell] for n, cell in enumerate(due)
    ]
    counted = tally.tally("books.csv", rows, NO_ID, floor=30_000, renewal_needed=False)
    assert counted.unread == (("renewal date not a date", 3),)
    assert counted.renewals == {("mid", "p1", "CSM", "2027-03"): 2}
    assert next(iter(counted.groups.values()))[0] == 8


def test_every_duplicate_names_its_first_row_as_the_export_goes_on(monkeypatch):
    """The first rows are looked up in an index made at the first duplicate and kept up to
    date: with rows given later in the same chunk, and in chunks after it."""
    monkeypatch.setattr(tally, "CHUNK_ROWS", 4)
    monkeypatch.setattr(tally, "ROW_BY_ROW_CHUNK_ROWS", 4)
    ids = ["id0", "id1", "id2", "id3", "id4", "id1", "id5", "id5"]
    ids += ["id6", "id7", "id8", "id9", "id8", "id10", "id11", "id12"]
    rows = [[f"Customer {n}", "45000", "mid", "p1", "CSM", "AE", "", i] for n, i in enumerate(ids)]
    counted = tally.tally("books.csv", rows, FULL, floor=30_000)
    assert [(e.line, e.message) for e in counted.errors] == [
        (7, "account id: duplicate 'id1' (first given at row 3)"),
        (9, "account id: duplicate 'id5' (first given at row 8)"),
        (14, "account id: duplicate 'id8' (first given at row 12)"),
    ]


def test_chunks_going_row_by_row_hold_fewer_rows(monkeypatch):
    """After a chunk that could not be checked at once, the next is read smaller."""
    sizes: list[int] = []
    one_by_one = tally._Counter.one_by_one

    def noted(self, chunk, first):
        sizes.append(len(chunk))
        return one_by_one(self, chunk, first)

    monkeypatch.setattr(tally, "CHUNK_ROWS", 4)
    monkeypatch.setattr(tally, "ROW_BY_ROW_CHUNK_ROWS", 2)
    monkeypatch.setattr(tally._Counter, "one_by_one", noted)
    rows = [_regular(n) for n in range(10)]
    rows[1] = [*rows[1][:6], "2027-03-15", rows[1][7]]  # a date not read yet: row by row
    counted = tally.tally("books.csv", rows, FULL, floor=30_000)
    assert sizes == [4, 2]  # then at once again: rows 8 to 11
    assert next(iter(counted.groups.values()))[0] == 10
