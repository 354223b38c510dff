"""A rule's messages as a run writes them.

Each template a rule's results read is prepared once per rule: cut at its fields, with the
threshold the rule states written in, and a reader chosen for each other field. A result's
message then costs only the figures that vary from subject to subject.
"""

import string
from collections.abc import Callable
from typing import Any, NamedTuple

from podcheck.core import units
from podcheck.judge.rule import Rule
from podcheck.metrics import Measurement, Subject

# A message field's value: (subject, measurement, actual, month, first failing, bar) -> text.
_Field = Callable[[Subject, Measurement, Any, Any, Any, Any], str]


class _Template(NamedTuple):
    """A message template cut at its fields, with what is the same for every subject (the
    threshold the rule states) already written into the text around them."""

    texts: tuple[str, ...]  # one more than `fields`: the text before, between and after
    fields: tuple[_Field, ...]


class RuleMessages:
    """The messages of one rule, each template prepared the first time a result needs it."""

    __slots__ = ("rule", "templates")

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.templates: dict[tuple[str, str | None], _Template | None] = {}  # (status, case)

    def write(
        self,
        subject: Subject,
        measured: Measurement,
        status: str,
        actual: Any,
        month: Any,
        first: Any,
        bar: Any,
    ) -> str:
        """The message of a result: `actual` the value that decided `status`, `month` its
        month in a series, `first` the first failing month and its value, `bar` the
        threshold it was compared with."""
        key = (status, measured.case)
        templates = self.templates
        template = templates[key] if key in templates else self._prepare(key)
        if template is None:
            return "not applicable"
        texts, fields = template
        # Joined piece by piece: cheaper than str.format, which parses the template each time.
        if not fields:
            return texts[0]
        if len(fields) == 1:
            return texts[0] + fields[0](subject, measured, actual, month, first, bar) + texts[1]
        pieces = [texts[0]]
        for field, text in zip(fields, texts[1:], strict=True):
            pieces.append(field(subject, measured, actual, month, first, bar))
            pieces.append(text)
        return "".join(pieces)

    def _prepare(self, key: tuple[str, str | None]) -> _Template | None:
        """The template a status and case read (the status's own without a case's)."""
        rule = self.rule
        status, case = key
        messages = rule.messages
        text = (case and messages.get(f"{status}_{case}")) or messages.get(status)
        prepared = None
        if text is not None:
            texts = [""]
            fields: list[_Field] = []
            # The rule book has checked that every field is a plain name.
            for literal, name, _, _ in string.Formatter().parse(text):
                texts[-1] += literal
                if name is None:
                    continue
                if name == "threshold" and rule.threshold is not None:
                    texts[-1] += rule.threshold_text
                else:
                    fields.append(_field(rule, name))
                    texts.append("")
            prepared = _Template(tuple(texts), tuple(fields))
        self.templates[key] = prepared
        return prepared


_ABSENT = object()


def _field(rule: Rule, name: str) -> _Field:
    """How one field of a message is read: a standard field, else a detail of the
    measurement, else a parameter of the rule."""
    writer = units.UNITS[rule.unit].write

    def write(value: Any) -> str:
        return "not stated" if value is None else writer(value)

    def actual(s: Subject, m: Measurement, actual: Any, month: Any, first: Any, bar: Any) -> str:
        return "not stated" if actual is None else writer(actual)

    def other(s: Subject, measured: Measurement, *_: Any) -> str:
        value = measured.details.get(name, _ABSENT)
        if value is _ABSENT:
            value = rule.params.get(name, _ABSENT)
            if value is _ABSENT:
                return ""  # `pod` outside a pod
        return value if type(value) is str else units.write_detail(value)

    def missing(s: Subject, m: Measurement, actual: Any, month: Any, first: Any, bar: Any) -> str:
        wanted = bar if rule.compare == "contains-all" and bar else []
        return units.write_detail([item for item in wanted if item not in (actual or ())])

    def pod(subject: Subject, measured: Measurement, *rest: Any) -> str:
        return subject.pod.id if subject.pod else other(subject, measured, *rest)

    standard: dict[str, _Field] = {
        "actual": actual,
        "when": lambda s, m, actual, month, first, bar: _when(month),
        "first_when": lambda s, m, a, mo, first, b: _when(first[0]) if first else "",
        "first_month": lambda s, m, a, mo, first, b: str(first[0]) if first else "",
        "first_actual": lambda s, m, a, mo, first, b: write(first[1]) if first else "",
        "threshold": lambda s, m, actual, month, first, bar: write(bar),
        "segment": lambda subject, *_: subject.segment.id if subject.segment else "",
        "pod": pod,
        "month": lambda s, m, a, month, f, b: str(month) if month is not None else "",
        "missing": missing,
    }
    return standard.get(name, other)


def _when(month: int | None) -> str:
    """A month of a series as a sentence says it: "today" or "in month 4"."""
    if month is None:
        return ""
    return "today" if month == 0 else f"in month {month}"
