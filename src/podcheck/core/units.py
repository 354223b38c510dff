"""The kinds of value a rule compares, and how each is read from YAML and written for people.

A rule names its unit; thresholds from rule files and config files are coerced with the
unit's parser, and every formatter prints actual and threshold values with its writer.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from podcheck.core import numbers


def _plural(word: str) -> Callable[[Any], str]:
    def write(value: Any) -> str:
        text = numbers.format_plain(value)
        return f"{text} {word}" if text == "1" else f"{text} {word}s"

    return write


def _whole(word: str) -> Callable[[Any], Any]:
    """A whole number of `word`s, written 90 or as `podcheck rules` writes it ("90 days")."""
    pattern = re.compile(rf"(?P<number>[0-9]{{1,15}}) ?{word}s?")
    example = f'a whole number of {word}s such as 3 or "3 {word}s"'

    def parse(value: Any) -> Any:
        if isinstance(value, str):
            match = pattern.fullmatch(value.strip()) if len(value) <= 40 else None
            if match is None:
                raise numbers.AmountError(f"expected {example}, got {numbers.describe(value)}")
            value = int(match["number"])
        if isinstance(value, bool) or not numbers.is_number(value) or value != int(value):
            raise numbers.AmountError(f"expected {example}, got {numbers.describe(value)}")
        return numbers.parse_number(int(value))

    return parse


def _names(value: Any) -> str:
    return ", ".join(str(item) for item in value) if value else "none"


def _choices(value: Any) -> str:
    if isinstance(value, str):
        return value
    items = [str(item) for item in value]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _owners(value: Any) -> str:
    labels = {"process_owner": "process", "commercial_owner": "commercial"}
    return ", ".join(f"{labels.get(k, k)}: {v or 'not stated'}" for k, v in value.items())


def _text_list(value: Any) -> list[str]:
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return list(value)
    got = "an empty list" if value == [] else numbers.describe(value)
    raise numbers.AmountError(f"expected a list of names, got {got}")


def _choice_list(value: Any) -> list[str]:
    """One choice or a list of them; a text may list them as `podcheck rules` writes them
    (`mid-market, enterprise or strategic`)."""
    if isinstance(value, str) and value.strip():
        parts = [part for part in _CHOICES_APART.split(value.strip()) if part]
        if parts:
            return list(dict.fromkeys(parts))
    return _text_list(value)


_CHOICES_APART = re.compile(r"\s*,\s*(?:or\s+)?|\s+or\s+")


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise numbers.AmountError(f"expected true or false, got {numbers.describe(value)}")


def _owner_map(value: Any) -> dict[str, str]:
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        return dict(value)
    raise numbers.AmountError(f"expected a mapping of owners, got {numbers.describe(value)}")


def _share(value: Any) -> Any:
    """A share of a whole, written 0.2 or "20%".

    A bare number above 1 is refused: `20` for a 20% threshold would otherwise mean 2000%.
    """
    # A percentage out of range is said as parse_pct says it; text that is no percentage
    # at all gets a share's example below, as a bare 18 does.
    if isinstance(value, str) and numbers.is_pct_text(value):
        return numbers.normalise(Fraction(numbers.parse_pct(value)) / 100)
    if numbers.is_number(value) and value > 1:
        shown = numbers.format_plain(value)
        share = numbers.format_plain(Fraction(value) / 100)
        raise numbers.AmountError(
            f'expected a share from 0 to 1, got {shown}; write {share} or "{shown}%" for {shown}%'
        )
    if not numbers.is_number(value):
        raise numbers.AmountError(
            f'expected a share such as 0.2 or "20%", got {numbers.describe(value)}'
        )
    return numbers.parse_number(value)


def _pct(value: Any) -> Any:
    """A percentage, written 25 or "25%".

    A bare number between 0 and 1 is refused: `0.25` for 25% would otherwise mean a
    quarter of one percent.
    """
    if numbers.is_number(value) and 0 < value < 1:
        shown = numbers.format_plain(value)
        whole = numbers.format_plain(Fraction(value) * 100)
        raise numbers.AmountError(
            f"expected a percentage from 0 to 100, got {shown}, which reads as {shown}%;"
            f' write {whole} or "{whole}%" for {whole}%'
        )
    return numbers.parse_pct(value)


def _written_as(pattern: "re.Pattern[str]", example: str) -> Callable[[Any], Any]:
    """A number, or the text a report writes it as (`"1.2:1"` for a ratio, `"3x"` for a
    multiple): a config may copy a bar from `podcheck rules`."""

    def parse(value: Any) -> Any:
        if not isinstance(value, str):
            if numbers.is_number(value):
                return numbers.parse_number(value)
            raise numbers.AmountError(f"expected {example}, got {numbers.describe(value)}")
        text = value.strip()
        match = pattern.fullmatch(text) if len(text) <= 32 else None
        if match is None or (len(match["whole"]) > 1 and match["whole"].startswith("0")):
            raise numbers.AmountError(f"expected {example}, got {numbers.describe(value)}")
        return numbers.normalise(Fraction(match["number"]))

    return parse


# As many digits as a number the YAML reader takes: a longer one would pass a report's
# exact figures a number JSON cannot hold.
_NUMBER = r"(?P<number>(?P<whole>[0-9]{1,15})(?:\.[0-9]{1,15})?)"
_ratio = _written_as(re.compile(_NUMBER + r" ?: ?1"), 'a ratio such as 1.2 or "1.2:1"')
_multiple = _written_as(re.compile(_NUMBER + r" ?[x×]"), 'a multiple such as 3 or "3x"')


class Unit(NamedTuple):
    parse: Callable[[Any], Any]
    write: Callable[[Any], str]


UNITS: Mapping[str, Unit] = {
    "money": Unit(numbers.parse_money, numbers.format_money),
    "count": Unit(numbers.parse_number, numbers.format_plain),
    "number": Unit(numbers.parse_number, numbers.format_plain),
    "ratio": Unit(_ratio, numbers.format_ratio),
    "share": Unit(_share, numbers.format_share),
    "pct": Unit(_pct, numbers.format_pct),
    "multiple": Unit(_multiple, lambda v: f"{numbers.format_plain(v)}x"),
    "days": Unit(_whole("day"), _plural("day")),
    "months": Unit(_whole("month"), _plural("month")),
    "pods": Unit(_whole("pod"), _plural("pod")),
    "models": Unit(_whole("model"), _plural("model")),
    "choice": Unit(_choice_list, _choices),
    "names": Unit(_text_list, _names),
    "flag": Unit(_flag, lambda v: "yes" if v else "no"),
    "owners": Unit(_owner_map, _owners),
}


def threshold(unit: str, value: Any) -> Any:
    """A threshold as written in a rule file or config, read in the rule's unit."""
    return None if value is None else UNITS[unit].parse(value)


def write(unit: str, value: Any) -> str:
    """A value as people read it; `None` is written as 'not stated'."""
    if value is None:
        return "not stated"
    return UNITS[unit].write(value)


# How a label names a bar when its own words say what is counted ("At least 3 pilot pods",
# "ACV of at least $30K"): money in K or M, a count without its noun.
_SHORT: Mapping[str, Callable[[Any], str]] = {
    "money": numbers.format_money_short,
    **dict.fromkeys(("days", "months", "pods", "models"), numbers.format_plain),
}


def write_short(unit: str, value: Any) -> str:
    """A threshold as a label names it; units with no shorter form are written as `write`."""
    short = _SHORT.get(unit)
    return short(value) if short is not None and value is not None else write(unit, value)


def write_detail(value: Any) -> str:
    """A metric's supporting figure in a message."""
    kind = type(value)
    if kind is str:  # most details are words, or figures written already
        return value
    if kind is int:
        return str(value)
    if value is None:
        return "not stated"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if numbers.is_number(value):
        return numbers.format_plain(value)
    if isinstance(value, (list, tuple)):
        return _names(value)
    return str(value)


_EXPECTATIONS = {
    ">=": "at least {}",
    ">": "more than {}",
    "<=": "at most {}",
    "<": "under {}",
    "in": "{}",
    "is": "{}",
    "contains-all": "all of {}",
    "matches": "{}",
}


def expectation(compare: str, unit: str, threshold: Any) -> str:
    """What passing looks like, e.g. 'under 35' or 'at least $30,000'."""
    if compare == "empty":
        return "none"
    return _EXPECTATIONS[compare].format(write(unit, threshold))


def unknown_choice(values: Iterable[str], choices: Sequence[str]) -> str | None:
    """Why a `choice` threshold names what its rule cannot mean (`banana` for a model), with
    the nearest choice when one is close; None when every value is a choice."""
    import difflib  # only while a config or a rule file is checked

    from podcheck.core import inert

    for value in values:
        if value not in choices:
            close = difflib.get_close_matches(value, choices, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            return f"{inert.excerpt(value)} is not one of {', '.join(choices)}{hint}"
    return None
