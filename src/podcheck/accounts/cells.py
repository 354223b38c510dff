"""Cells of an export as CRMs write them: money and renewal dates.

Money: `48250`, `48250.00`, `$27,632.89`, `27632.89 USD`, `48.25K`, read as exact cents.
Dates: `2027-11-17` (a time after it is ignored), `11/17/2027` or `17/11/2027`. Which of the
last two an export uses is told by a day over 12 somewhere in it, else by `--date-order`.
"""

from __future__ import annotations

import datetime
import re
from fractions import Fraction
from typing import Literal

from podcheck.core import numbers

DateOrder = Literal["mdy", "dmy"]
DATE_ORDERS: tuple[DateOrder, ...] = ("mdy", "dmy")
ORDER_NAMES = {"mdy": "M/D/YYYY", "dmy": "D/M/YYYY"}
_CURRENCY = "USD"
_MAX_DIGITS = 13


def _grouped(whole: str) -> str | None:
    """`27,632` as `27632`; None when the commas do not group thousands."""
    parts = whole.split(",")
    if not 0 < len(parts[0]) <= 3:
        return None
    for part in parts[1:]:  # a loop, not any(): this runs per cell
        if len(part) != 3:
            return None
    return "".join(parts)


def parse_cents(text: str) -> int | Fraction:
    """An ARR cell as exact cents; never negative. AmountError when it is not an amount.

    The forms CRMs write (digits, an optional `$` or `USD`, thousands commas, two decimals)
    are read with string methods, in about the time `float()` takes; anything else
    (`48.25K`, more decimals) goes to the general money parser, which refuses what is not
    money. Digits are ASCII only: `٤٨٢٥٠` or full-width `４８２５０` is refused, never read
    as an amount (as in org files).
    """
    # _plain's test, inline and in as few calls as can make it: this runs per row. ASCII
    # digits with at most one dot taken out; then the dot, if any, before two decimals.
    digits = text.replace(".", "", 1)
    if text.isascii() and digits.isdigit():
        size = len(text)
        if len(digits) == size:
            if size < _MAX_DIGITS and (text[0] != "0" or size == 1):
                return int(digits) * 100
        elif 3 < size < _MAX_DIGITS + 3 and text[-3] == "." and (text[0] != "0" or size == 4):
            return int(digits)
    amount = text.strip()
    if amount.endswith(_CURRENCY):
        amount = amount[: -len(_CURRENCY)].rstrip()
    elif amount.startswith(_CURRENCY):
        amount = amount[len(_CURRENCY) :].lstrip()
    if amount.startswith("$"):
        amount = amount[1:]
    whole, dot, cents = amount.partition(".")
    if "," in whole:
        grouped = _grouped(whole)
        found = _plain(grouped + dot + cents) if grouped else None
    else:
        found = _plain(amount)
    if found is not None:
        return found
    if amount.startswith("$"):
        raise numbers.AmountError("expected one currency sign")
    written = amount or text.strip()
    if not written.isascii():  # the money parser's \d would read other digits
        raise numbers.AmountError("expected an amount in ASCII digits")
    value = numbers.parse_money(written)
    return numbers.normalise(Fraction(value) * 100)


# The cells `parse_cents` reads first, one per line: whole dollars, or dollars and cents,
# with no leading zero and fewer than _MAX_DIGITS digits before any dot.
_DOLLARS = f"(?:[1-9][0-9]{{0,{_MAX_DIGITS - 2}}}|0)"
_WHOLE_COLUMN = re.compile(f"(?:{_DOLLARS}\n)*{_DOLLARS}")
_CENTS_COLUMN = re.compile(f"(?:{_DOLLARS}\\.[0-9][0-9]\n)*{_DOLLARS}\\.[0-9][0-9]")


def plain_cents(cells: list[str]) -> list[int] | None:
    """Every cell's cents when all are written in one of the forms CRMs export most, all
    `48250` or all `48250.00`; None otherwise. One pattern over the column and `int` on
    each cell: what `parse_cents` gives them, at a fraction of its cost a cell."""
    column = "\n".join(cells)
    if _CENTS_COLUMN.fullmatch(column):
        found = list(map(int, column.replace(".", "").split("\n")))
    elif _WHOLE_COLUMN.fullmatch(column):
        found = [int(dollars) * 100 for dollars in column.split("\n")]
    else:
        return None
    # A cell holding a line break is more than one line of the column.
    return found if len(found) == len(cells) else None


def _plain(text: str) -> int | None:
    """Cents of `48250` or `48250.00`; None for any other form."""
    whole, dot, cents = text.partition(".")
    # A leading zero is left to the general parser, which refuses it as money does everywhere.
    if not (whole.isdigit() and whole.isascii() and len(whole) < _MAX_DIGITS):
        return None
    if whole[0] == "0" and whole != "0":
        return None
    if not dot:
        return int(whole) * 100
    if len(cents) == 2 and cents.isdigit() and cents.isascii():
        return int(whole + cents)
    return None


class Slashed(tuple[int, int, int]):
    """A date written A/B/YYYY whose order the export has not told yet: (year, A, B)."""


def read_date(text: str, order: DateOrder | None) -> tuple[str | Slashed, DateOrder | None]:
    """'YYYY-MM' of a renewal date, or a `Slashed` date when `order` is None and both orders
    give a real date; with the order the date itself shows (a day over 12), if any.
    ValueError when it is no date (in the order given, when one is)."""
    day = text.split(" ", 1)[0].split("T", 1)[0] if len(text) > 10 else text
    if not day.isascii():
        raise ValueError(text)
    if len(day) == 10 and day[4] == "-":
        if len(text) > 10 and text[10] not in " T":
            raise ValueError(text)
        datetime.date.fromisoformat(day)
        return day[:7], None
    parts = day.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        raise ValueError(text)
    if len(parts[0]) > 2 or len(parts[1]) > 2:
        raise ValueError(text)
    first, second, year = int(parts[0]), int(parts[1]), int(parts[2])
    as_mdy = _real(year, first, second)
    as_dmy = _real(year, second, first)
    shown: DateOrder | None = None
    if as_mdy != as_dmy:
        shown = "mdy" if as_mdy else "dmy"
    chosen = order or shown
    if chosen is None:
        if not as_mdy:  # neither order gives a date
            raise ValueError(text)
        return Slashed((year, first, second)), None
    if not (as_mdy if chosen == "mdy" else as_dmy):
        raise ValueError(text)
    return month_of((year, first, second), chosen), shown


def _real(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def month_of(date: tuple[int, int, int], order: DateOrder) -> str:
    """'YYYY-MM' of a date written A/B/YYYY, read in `order`."""
    year, first, second = date
    return f"{year:04d}-{(first if order == 'mdy' else second):02d}"
