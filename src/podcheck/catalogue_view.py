"""The rule catalogue for people (`podcheck rules`, `podcheck explain`) and as JSON."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import Any

from podcheck.formats.json import json_value
from podcheck.rulebook import ARTICLES, Rule
from podcheck.units import expectation, write


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


def rules_table(rules: Sequence[Rule], width: int = 100) -> str:
    rows = [
        (r.code, r.name, r.severity, ", ".join(r.scope), threshold_text(r), r.summary)
        for r in rules
    ]
    headers = ("code", "name", "severity", "scope", "passes when", "checks")
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(5)]
    lines = []
    for row in [headers, *rows]:
        fixed = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5]))
        lines.append(f"{fixed}  {row[5]}".rstrip())
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
        f"  {rule.summary}",
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
