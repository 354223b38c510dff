"""Digits in an export are ASCII digits: any other Unicode digit is a refused row, never ARR.

`int()`, `float()` and regular expressions' `\\d` read `٤٨٢٥٠` (Arabic-Indic) or `４８２５０`
(full-width) as 48250; an org file refuses them, and so does an export, row by row.
"""

from __future__ import annotations

import zipfile
from fractions import Fraction
from pathlib import Path

import pytest

from podcheck.accounts.cells import parse_cents
from podcheck.core.numbers import AmountError
from test_accounts_crm import HEADER, crm_rows, hand_made_workbook, judge, write_csv

ARABIC_INDIC = "٤٥٠٠٠"  # 45000
EXTENDED_ARABIC_INDIC = "۴۵۰۰۰"  # 45000, as written in Persian
FULL_WIDTH = "４５０００"  # 45000
DEVANAGARI = "४५०००"  # 45000


@pytest.mark.parametrize(
    "text",
    [
        ARABIC_INDIC,
        f"{ARABIC_INDIC}.٠٠",
        f"${ARABIC_INDIC}",
        "$٤٥,٠٠٠.٠٠",
        f"{FULL_WIDTH} USD",
        f"{EXTENDED_ARABIC_INDIC}.00",
        DEVANAGARI,
        "45,٠٠٠",
        "٤5000",
        "45K٠",
        "4٥K",
    ],
)
def test_money_in_other_digits_is_refused(text):
    with pytest.raises(AmountError):
        parse_cents(text)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("48250", 4_825_000),
        ("48250.00", 4_825_000),
        ("0", 0),
        ("0.00", 0),
        ("0.5", 50),
        ("1.5", 150),
        ("1.555", Fraction(311, 2)),
        ("999999999999", 99_999_999_999_900),
        ("999999999999.99", 99_999_999_999_999),
    ],
)
def test_plain_amounts_and_their_near_misses_are_read_as_the_money_parser_reads_them(text, cents):
    found = parse_cents(text)
    assert (found, type(found)) == (cents, type(cents))


@pytest.mark.parametrize(
    "text", ["00", "01.00", ".50", "50.", "1.2.3", "9999999999999", "9999999999999.99", "٤.00"]
)
def test_near_misses_of_a_plain_amount_are_refused(text):
    with pytest.raises(AmountError):
        parse_cents(text)


def test_ascii_money_beside_unicode_spaces_is_still_read():
    assert parse_cents("\u00a045000.00\u00a0") == 4_500_000
    assert parse_cents("45000.00\u00a0USD") == 4_500_000


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULL_WIDTH, DEVANAGARI])
def test_a_csv_row_whose_arr_is_in_other_digits_is_refused_and_the_file_incomplete(
    tmp_path, digits
):
    rows = crm_rows()
    rows[99][6] = digits  # row 101
    report = judge(write_csv(tmp_path / "books.csv", rows))
    assert report.verdict == "incomplete"
    assert report.export is not None
    assert (report.export.rows, report.export.read, report.export.refused) == (300, 299, 1)
    assert report.export.reasons == (("ARR not an amount", 1),)
    assert [(e.line, e.column) for e in report.errors] == [(101, 7)]
    assert report.errors[0].message == (
        f"ARR: expected an amount such as 48250, $48,250 or 48250.00 USD, got '{digits}'"
    )


def _number_cell(value: str) -> str:
    return f"<c><v>{value}</v></c>"


def _text_cells(*values: str) -> str:
    return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULL_WIDTH])
def test_a_workbook_number_cell_in_other_digits_is_refused_and_the_file_incomplete(
    tmp_path, digits
):
    # Excel writes a number cell's value in ASCII; a workbook made by hand need not.
    body = []
    for index, row in enumerate(crm_rows(arr="45000")):
        arr = digits if index == 99 else row[6]
        cells = _text_cells(*row[:6]) + _number_cell(arr) + _text_cells(row[7])
        body.append(f'<row r="{index + 2}">{cells}</row>')
    sheet = (
        '<worksheet xmlns="x"><sheetData>'
        f'<row r="1">{_text_cells(*HEADER)}</row>{"".join(body)}'
        "</sheetData></worksheet>"
    )
    path = hand_made_workbook(tmp_path / "books.xlsx", sheet)
    assert digits in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    report = judge(path)
    assert report.verdict == "incomplete"
    assert report.export is not None
    assert (report.export.rows, report.export.read, report.export.refused) == (300, 299, 1)
    assert [(e.line, e.column) for e in report.errors] == [(101, 7)]
    assert report.errors[0].message.endswith(f"got '{digits}'")


def test_the_same_books_in_ascii_digits_are_a_go(tmp_path: Path):
    report = judge(write_csv(tmp_path / "books.csv", crm_rows(arr="45000.00")))
    assert report.verdict == "go"
    assert report.errors == ()
