"""Exact quantities: money and percentages parsed to Fractions, and printed back.

Nothing here uses floats: every threshold decision is made on ints and Fractions,
and floats appear only when a value is written into JSON.
"""

import math
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

Number = int | Fraction

# Longer strings are not amounts anyone writes; refusing them keeps parsing cheap.
_MAX_AMOUNT_CHARS = 40
# No contract or book is worth a trillion dollars; larger figures are typing mistakes.
MAX_MONEY = 10**12

# Commas must group thousands: "1,5M" (a decimal comma) must not read as 15M. Digits are
# ASCII only ([0-9], not \d): "৪৪" (Bengali 44, which looks like 88) is no amount to read.
_MONEY = re.compile(
    r"\$?(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:_[0-9]+)*)(?:\.(?P<frac>[0-9]+))?"
    r"(?P<suffix>[kKmM])?"
)
# A count written with separators, as CRM exports print them: "1,234", never "1,23,4".
COUNT_PATTERN = r"^[0-9]{1,3}(,[0-9]{3})+$"
_COUNT = re.compile(COUNT_PATTERN)
_PCT = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)\s?%")
_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000}


class AmountError(ValueError):
    """A value that is not the kind of amount expected; the message says what was."""


# Exact type tests: isinstance against Fraction goes through the numbers ABCs, which is
# slow on a path taken for every value, and bool must not count as a number anyway.
_NUMBER_TYPES = frozenset({int, Fraction})


def normalise(value: Number) -> Number:
    """An integral Fraction becomes an int, so that 85000.0 and 85000 print alike."""
    if type(value) is Fraction and value.denominator == 1:
        return int(value.numerator)
    return value


def is_number(value: object) -> bool:
    """An int or a Fraction, and not a bool."""
    return type(value) in _NUMBER_TYPES


def quotient(numerator: int, denominator: int) -> Number:
    """numerator / denominator exactly: an int when it divides, else a Fraction.

    The two are equal as numbers; ints are several times cheaper to make and compare.
    """
    whole, rest = divmod(numerator, denominator)
    return whole if rest == 0 else Fraction(numerator, denominator)


def order(left: object, right: object) -> int:
    """-1, 0 or 1 as `left` is below, equal to or above `right`, exactly.

    Ints and Fractions are compared by cross-multiplying their integer ratios (denominators
    are positive), which is several times cheaper than Fraction's own comparison and as
    exact; other values are compared by their own operators.
    """
    left_kind, right_kind = type(left), type(right)
    if left_kind is int and right_kind is int:
        return (left > right) - (left < right)  # type: ignore[operator]
    if left_kind in _NUMBER_TYPES and right_kind in _NUMBER_TYPES:
        numerator, denominator = left.as_integer_ratio()  # type: ignore[attr-defined]
        other, other_denominator = right.as_integer_ratio()  # type: ignore[attr-defined]
        left, right = numerator * other_denominator, other * denominator
    return (left > right) - (left < right)  # type: ignore[operator]


def exactly(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """`compare` (operator.ge, operator.lt, ...) made exact and cheap for ints and Fractions,
    as `order` compares them; other values go to `compare` itself."""

    def holds(left: Any, right: Any) -> bool:
        left_kind, right_kind = type(left), type(right)
        if left_kind is int and right_kind is int:
            return compare(left, right)
        if left_kind in _NUMBER_TYPES and right_kind in _NUMBER_TYPES:
            numerator, denominator = left.as_integer_ratio()
            other, other_denominator = right.as_integer_ratio()
            return compare(numerator * other_denominator, other * denominator)
        return compare(left, right)

    return holds


def parse_money(value: object) -> Number:
    """Parse `85000`, `85000.50`, `"$85K"`, `"85,000"`, `"1.2M"` to an exact amount in USD."""
    amount: Number
    if is_number(value):
        amount = value  # type: ignore[assignment]
    elif isinstance(value, str):
        text = value.strip()
        match = _MONEY.fullmatch(text) if len(text) <= _MAX_AMOUNT_CHARS else None
        if match is None:
            raise AmountError(
                f'expected an amount in USD such as 85000, "$85K" or "1.2M", got {describe(value)}'
            )
        if _leading_zero(match["whole"]):
            raise AmountError(
                f"expected an amount without a leading zero, got {describe(value)} "
                "(a leading zero is an octal number in YAML 1.1)"
            )
        whole = int(match["whole"].replace(",", "").replace("_", ""))
        scale = _SUFFIX[(match["suffix"] or "").lower()]
        frac = match["frac"]
        # Whole amounts stay ints ("1.2M" too); only cents or "1.2345K" need a Fraction,
        # which costs several times what the rest of the parse does.
        if frac is None:
            amount = whole * scale
        else:
            numerator, denominator = (whole * 10 ** len(frac) + int(frac)) * scale, 10 ** len(frac)
            whole, rest = divmod(numerator, denominator)
            amount = Fraction(numerator, denominator) if rest else whole
    else:
        raise AmountError(
            f'expected an amount in USD such as 85000 or "$85K", got {describe(value)}'
        )
    if amount < 0:
        raise AmountError(f"expected an amount >= 0, got {format_plain(amount)}")
    if amount > MAX_MONEY:
        raise AmountError(
            f"expected an amount up to {format_money(MAX_MONEY)}, got {format_money(amount)}"
        )
    return normalise(amount)


def count_parser(maximum: int) -> Callable[[object], int]:
    """A parser of whole counts from 0 to `maximum`: 1234, or "1,234" with separators."""

    def parse_count(value: object) -> int:
        count: object = value
        if isinstance(value, str) and len(value) <= _MAX_AMOUNT_CHARS and _COUNT.match(value):
            count = int(value.replace(",", ""))
        if type(count) is not int:
            raise AmountError(f"expected an integer >= 0, got {describe(value)}")
        if count < 0:
            raise AmountError(f"expected an integer >= 0, got {count}")
        if count > maximum:
            raise AmountError(f"expected an integer <= {maximum}, got {count}")
        return count

    return parse_count


def is_pct_text(text: str) -> bool:
    """Whether `text` is written as a percentage (`18%`, `18.5 %`), whatever its range."""
    text = text.strip()
    return len(text) <= _MAX_AMOUNT_CHARS and _PCT.fullmatch(text) is not None


def parse_pct(value: object) -> Number:
    """Parse a percentage written `18`, `18.5` or `"18%"`; it must lie in 0..100.

    A bare number strictly between 0 and 1 is refused: it is almost always a share typed
    as a fraction (0.31 for 31%), and taking it as 0.31% would pass what should fail.
    """
    if is_number(value):
        pct = Fraction(value)  # type: ignore[call-overload]
        if 0 < pct < 1:
            shown = format_plain(pct)
            raise AmountError(
                f"expected a percentage from 0 to 100, got {shown}, which looks like a "
                f'fraction: write {format_plain(pct * 100)} or "{format_plain(pct * 100)}%" '
                f'(or "{shown}%" if that is truly meant)'
            )
    elif isinstance(value, str):
        text = value.strip()
        match = _PCT.fullmatch(text) if is_pct_text(text) else None
        if match is None:
            raise AmountError(
                f'expected a percentage from 0 to 100 such as 18 or "18%", got {describe(value)}'
            )
        if _leading_zero(match["number"].partition(".")[0]):
            raise AmountError(
                f"expected a percentage without a leading zero, got {describe(value)}"
            )
        pct = Fraction(match["number"])
    else:
        raise AmountError(f"expected a percentage from 0 to 100, got {describe(value)}")
    if not 0 <= pct <= 100:
        raise AmountError(f"expected a percentage from 0 to 100, got {format_plain(pct)}")
    return normalise(pct)


def _leading_zero(digits: str) -> bool:
    return len(digits) > 1 and digits.startswith("0")


def parse_number(value: object) -> Number:
    """A non-negative decimal number (a score, a count of days)."""
    if not is_number(value):
        raise AmountError(f"expected a number >= 0, got {describe(value)}")
    if value < 0:  # type: ignore[operator]
        raise AmountError(f"expected a number >= 0, got {format_plain(value)}")  # type: ignore[arg-type]
    return normalise(value)  # type: ignore[arg-type]


def describe(value: object) -> str:
    """How an input value is named in an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return format_plain(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        from podcheck.core.inert import excerpt

        return excerpt(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def format_plain(value: Number, places: int = 4) -> str:
    """A decimal string: exact when it fits in `places` decimals, else rounded with '~'."""
    if type(value) is int:  # most figures
        return str(value)
    value = normalise(value)
    if isinstance(value, int):
        return str(value)
    # In integers: Fraction arithmetic costs several times more.
    numerator, denominator = value.numerator, value.denominator
    scale = 10**places
    scaled, rest = divmod(abs(numerator) * scale, denominator)
    if rest == 0:
        whole, frac = divmod(scaled, scale)
        sign = "-" if numerator < 0 else ""
        digits = f"{frac:0{places}d}".rstrip("0")
        return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"
    return "~" + format_plain(round(value, 2), places)


def format_money(value: Number) -> str:
    """$85,000 or $2,200,000.50: thousands grouped, cents only when present."""
    if type(value) is int:  # most amounts
        return f"${value:,}"
    value = normalise(value)
    if isinstance(value, int):
        return f"${value:,}"
    cents = round(value * 100)
    return f"${cents // 100:,}.{cents % 100:02d}"


def format_money_short(value: Number) -> str:
    """$30K or $1.2M, as labels name a bar; an amount those forms cannot write exactly in
    two decimals ($30,001) is written in full."""
    value = normalise(value)
    if value >= 1_000_000 and value % 10_000 == 0:
        return f"${format_plain(Fraction(value, 1_000_000))}M"
    if 1_000 <= value < 1_000_000 and value % 10 == 0:
        return f"${format_plain(Fraction(value, 1_000))}K"
    return format_money(value)


def format_pct(value: Number) -> str:
    return f"{format_plain(value)}%"


def format_share(value: Number) -> str:
    """A fraction as a percentage: 1/5 -> 20%; rounded to two places and marked '~' where
    that changed it (0.615625 -> ~61.56%), as format_plain rounds figures elsewhere."""
    pct = Fraction(value) * 100
    shown = round(pct, 2)
    return f"{format_plain(shown)}%" if shown == pct else f"~{format_plain(shown)}%"


def format_dollars(value: Number) -> str:
    """Money in whole dollars (half a dollar rounds up), for tables and charts: $2,125,536."""
    return f"${math.floor(Fraction(value) + Fraction(1, 2)):,}"


def format_ratio(value: Number) -> str:
    """An AE:CSM ratio as people say it: 1.2:1."""
    return f"{format_plain(value)}:1"


def json_number(value: Number) -> int | float:
    """JSON has no rationals: integers stay exact, the rest are rounded to 4 places."""
    if type(value) is Fraction:
        numerator, denominator = value.numerator, value.denominator
        # int / int is the correctly rounded float, as float(Fraction) is, and cheaper.
        return numerator if denominator == 1 else round(numerator / denominator, 4)
    value = normalise(value)
    if isinstance(value, int):
        return value
    return round(float(value), 4)
