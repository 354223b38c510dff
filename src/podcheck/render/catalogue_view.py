"""The rule catalogue for people (`podcheck rules`, `podcheck explain`) and as JSON."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import Any

from podcheck.core.units import expectation, write
from podcheck.judge.rule import Rule
from podcheck.judge.rulebook import ARTICLES
from podcheck.render.formats.json import json_value


def boundary(rule: Rule) -> str:
    """What happens exactly at the threshold, the case people ask about."""
    if rule.threshold is None:
        if rule.compare in (">", "<"):
            return "equal to the baseline fails: the pilot must do better"
        if rule.compare == ">=":
            return "equal to the baseline passes"
        return ""
    at = write(rule.unit, rule.threshold)
    if rule.compare in ("<", ">"):
        return f"exactly {at} fails"
    if rule.compare in ("<=", ">="):
        return f"exactly {at} passes"
    return ""


def threshold_text(rule: Rule) -> str:
    if rule.threshold is None:
        return "none" if rule.compare == "empty" else "the pilot's baseline"
    return expectation(rule.compare, rule.unit, rule.threshold)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width`, broken only at spaces: a word is never cut, and a word longer
    than the width is left whole on its own line."""
    return textwrap.wrap(text, max(width, 1), break_long_words=False, break_on_hyphens=False) or [
        ""
    ]


def rules_table(rules: Sequence[Rule], width: int = 100) -> str:
    """The catalogue as a table that fits `width` columns.

    Each rule takes a row of short columns, the threshold wrapped in the last, and its summary
    on the lines below, indented and wrapped, so that 80 columns hold it without cutting a word.
    """
    rows = [
        (r.code, r.name, r.severity, ", ".join(r.scope), threshold_text(r), r.summary_in_force)
        for r in rules
    ]
    headers = ("code", "name", "severity", "scope", "passes when", "what it checks")
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(4)]
    left = sum(widths) + 2 * len(widths)
    longest = max((len(word) for row in rows for word in row[4].split()), default=0)
    room = max(width - left, longest)
    indent = " " * (widths[0] + 2)
    lines = []
    for row in [headers, *rows]:
        fixed = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4]))
        first, *more = _wrap(row[4], room)
        lines.append(f"{fixed}  {first}".rstrip())
        lines.extend(" " * left + line for line in more)
        lines.extend(indent + line for line in _wrap(row[5], width - len(indent)))
    return "\n".join(lines) + "\n"


def rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "default_severity": rule.default_severity,
        "scope": list(rule.scope),
        "metric": rule.metric,
        "compare": rule.compare,
        "threshold": json_value(rule.threshold),
        "default_threshold": json_value(rule.default_threshold),
        "summary": rule.summary,
        "formula": rule.formula,
        "rationale": rule.rationale,
        "article": ARTICLES[rule.article],
        "source": rule.source,
    }


def rules_json(rules: Sequence[Rule]) -> str:
    return json.dumps({"rules": [rule_dict(r) for r in rules]}, indent=2, ensure_ascii=False) + "\n"


def explain(rule: Rule, width: int = 88) -> str:
    wrap = textwrap.TextWrapper(width=width, initial_indent="  ", subsequent_indent="  ")
    changed = []
    if rule.severity != rule.default_severity:
        changed.append(
            f"severity set to {rule.severity} by config (default {rule.default_severity})"
        )
    if rule.threshold != rule.default_threshold:
        changed.append(
            "threshold set by config (default "
            f"{expectation(rule.compare, rule.unit, rule.default_threshold)})"
        )
    lines = [
        f"{rule.code} {rule.name}",
        "",
        f"  {rule.summary_in_force}",
        "",
        f"  severity:    {rule.severity}",
        f"  scope:       {', '.join(rule.scope)}",
        f"  passes when: {threshold_text(rule)}",
        *([f"  boundary:    {boundary(rule)}"] if boundary(rule) else []),
        *(f"  note:        {note}" for note in changed),
        "",
        "Formula",
        wrap.fill(rule.formula),
        *(
            [f"  where the bar is {write(rule.unit, rule.threshold)}"]
            if rule.threshold is not None and rule.unit not in ("flag", "names", "choice", "owners")
            else []
        ),
        "",
        "Why",
        wrap.fill(rule.rationale),
        "",
        "Source",
        wrap.fill(f"{ARTICLES[rule.article]}: {rule.source}"),
    ]
    return "\n".join(lines) + "\n"
