"""The plan as people read it: terminal text, JSON and Markdown. Pure functions of plans."""

from collections.abc import Sequence
from typing import Any

import orjson

from podcheck import __version__
from podcheck.core import inert
from podcheck.core.errors import one_line
from podcheck.judge.report import Step
from podcheck.plan.changes import Change, Plan, Todo
from podcheck.render.formats.json import json_value
from podcheck.render.formats.markdown import cell

_VERDICT = {"go": "GO", "no-go": "NO-GO"}


def _segments(plan: Plan) -> list[str | None]:
    """The segments the plan speaks about, org-wide items (None) first, then in order."""
    found: list[str | None] = []
    for segment in [c.segment for c in plan.numeric] + [t.segment for t in plan.todo]:
        if segment not in found:
            found.append(segment)
    return sorted(found, key=lambda s: (s is not None, found.index(s)))


def _lines(plan: Plan) -> list[str]:
    # Names and messages quote the file's text: one line each, control characters escaped.
    lines = [f"{plan.path} · {one_line(plan.org)}: {_VERDICT[plan.verdict_before]}"]
    if plan.verdict_before == "go":
        return [*lines, "  nothing to change: every rule at the gate passes", ""]
    for segment in _segments(plan):
        changes = [c for c in plan.numeric if c.segment == segment]
        todo = [t for t in plan.todo if t.segment == segment]
        lines.append(f"  {segment}" if segment else "  the whole org")
        lines += [f"    - {one_line(c.message)}" for c in changes]
        lines += [f"    - to do: {t.rule} {one_line(t.message)}" for t in todo]
    after = _VERDICT[plan.verdict_after]
    if plan.verdict_after == "go":
        lines.append(f"  with these changes the proposal would be {after}")
    else:
        lines.append(
            f"  with these changes the proposal would still be {after}: the to-dos need a person"
        )
    return [*lines, ""]


def render_terminal(plans: Sequence[Plan]) -> str:
    """One block per file: per segment, one line per change, then to-dos, then the verdict."""
    return inert.lines(line for plan in plans for line in _lines(plan))


def _change(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "segment": change.segment,
        "pod": change.pod,
        "month": change.month,
        "count": change.count,
        "field": change.field,
        "before": json_value(change.before),
        "after": json_value(change.after),
        "rules": list(change.rules),
        "message": change.message,
    }


def _todo(todo: Todo) -> dict[str, Any]:
    return {"rule": todo.rule, "segment": todo.segment, "message": todo.message}


def plan_dict(plan: Plan) -> dict[str, Any]:
    return {
        "path": plan.path,
        "org": plan.org,
        "verdict_before": plan.verdict_before,
        "verdict_after": plan.verdict_after,
        "changes": [_change(c) for c in plan.changes],
        "todo": [_todo(t) for t in plan.todo],
    }


def render_json(plans: Sequence[Plan]) -> str:
    data = {"tool": "podcheck", "version": __version__, "files": [plan_dict(p) for p in plans]}
    return inert.json_safe(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def render_markdown(plans: Sequence[Plan]) -> str:
    """A pull-request comment: a table of changes and a list of to-dos per file."""
    lines = ["## podcheck plan", ""]
    for plan in plans:
        lines += [
            f"### {cell(plan.path)} · {cell(plan.org)}: {_VERDICT[plan.verdict_before]} → "
            f"{_VERDICT[plan.verdict_after]}",
            "",
        ]
        if plan.numeric:
            lines += ["| segment | pod | change | fixes |", "|---|---|---|---|"]
            lines += [
                f"| {cell(c.segment or '')} | {cell(c.pod or '')} | {cell(c.message)} "
                f"| {cell(', '.join(c.rules))} |"
                for c in plan.numeric
            ]
            lines.append("")
        if plan.todo:
            lines += ["To do (needs a person):", ""]
            lines += [
                f"- [ ] {cell(t.rule)}{' · ' + cell(t.segment) if t.segment else ''}: "
                f"{cell(t.message)}"
                for t in plan.todo
            ]
            lines.append("")
        if plan.verdict_before == "go":
            lines += ["Nothing to change.", ""]
    return inert.plain("\n".join(lines).rstrip("\n") + "\n")


def to_reach_go(plan: Plan) -> tuple[Step, ...]:
    """The plan as steps for evaluate's reports: its changes, then the to-dos no change
    covers (a person's changes, policy and structural, are to-dos already)."""
    numeric = [c for c in plan.changes if c.count is not None]
    steps = [Step(c.segment, c.message, _change(c)) for c in numeric]
    steps += [Step(c.segment, c.message, _change(c)) for c in plan.changes if c.count is None]
    covered = {(c.segment, rule) for c in plan.changes for rule in c.rules}
    steps += [
        Step(t.segment, f"to do: {t.rule} {t.message}")
        for t in plan.todo
        if (t.segment, t.rule) not in covered
    ]
    return tuple(steps)
