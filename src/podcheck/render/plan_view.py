"""The plan as people read it: terminal text, JSON and Markdown. Pure functions of plans."""

from collections.abc import Sequence
from typing import Any

import orjson

from podcheck import __version__
from podcheck.core import inert
from podcheck.core.errors import one_line
from podcheck.judge.report import Step
from podcheck.plan.changes import Change, Plan, Todo
from podcheck.plan.cheapest import Choice
from podcheck.plan.costs import PlanCost, Priced
from podcheck.render import plan_costs_view as money
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


def _priced(plan: Plan, cost: PlanCost | None) -> dict[int, Priced]:
    """Each change's cost by its position in the plan; empty without costs."""
    if cost is None:
        return {}
    return {id(change): priced for change, priced in zip(plan.changes, cost.changes, strict=True)}


def _lines(plan: Plan, cost: PlanCost | None = None, choice: Choice | None = None) -> list[str]:
    # Names and messages quote the file's text: one line each, control characters escaped.
    lines = [f"{plan.path} · {one_line(plan.org)}: {_VERDICT[plan.verdict_before]}"]
    if choice is not None:
        lines += [f"  {line}" for line in money.choice_lines(choice)]
    if plan.verdict_before == "go":
        return [*lines, "  nothing to change: every rule at the gate passes", ""]
    priced = _priced(plan, cost)
    for segment in _segments(plan):
        changes = [c for c in plan.numeric if c.segment == segment]
        todo = [t for t in plan.todo if t.segment == segment]
        lines.append(f"  {segment}" if segment else "  the whole org")
        lines += [
            f"    - {one_line(c.message)}{money.change_words(priced.get(id(c)))}" for c in changes
        ]
        lines += [f"    - to do: {t.rule} {one_line(t.message)}" for t in todo]
    after = _VERDICT[plan.verdict_after]
    if plan.verdict_after == "go":
        lines.append(f"  with these changes the proposal would be {after}")
    else:
        lines.append(
            f"  with these changes the proposal would still be {after}: the to-dos need a person"
        )
    lines += [f"  {line}" for line in money.summary_lines(cost)]
    return [*lines, ""]


Costs = Sequence[PlanCost | None]
Choices = Sequence[Choice | None]


def render_terminal(plans: Sequence[Plan], costs: Costs = (), choices: Choices = ()) -> str:
    """One block per file: per segment, one line per change, then to-dos, then the verdict;
    with costs, what each change and the whole plan cost."""
    return inert.lines(
        line
        for index, plan in enumerate(plans)
        for line in _lines(plan, _at(costs, index), _at(choices, index))
    )


def _at(items: Sequence[Any], index: int) -> Any:
    return items[index] if index < len(items) else None


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


def plan_dict(
    plan: Plan, cost: PlanCost | None = None, choice: Choice | None = None
) -> dict[str, Any]:
    priced = _priced(plan, cost)
    data = {
        "path": plan.path,
        "org": plan.org,
        "verdict_before": plan.verdict_before,
        "verdict_after": plan.verdict_after,
        "changes": [
            {**_change(c), "cost": money.change_cost(priced.get(id(c)))} for c in plan.changes
        ],
        "todo": [_todo(t) for t in plan.todo],
        "cost": money.file_cost(cost),
    }
    if choice is not None:
        data["strategy"] = money.choice_dict(choice)
    result: dict[str, Any] = json_value(data)
    return result


def render_json(plans: Sequence[Plan], costs: Costs = (), choices: Choices = ()) -> str:
    files = [plan_dict(p, _at(costs, i), _at(choices, i)) for i, p in enumerate(plans)]
    data = {"tool": "podcheck", "version": __version__, "files": files}
    return inert.json_safe(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def render_markdown(plans: Sequence[Plan], costs: Costs = (), choices: Choices = ()) -> str:
    """A pull-request comment: a table of changes and a list of to-dos per file."""
    lines = ["## podcheck plan", ""]
    for index, plan in enumerate(plans):
        cost, choice = _at(costs, index), _at(choices, index)
        lines += [
            f"### {cell(plan.path)} · {cell(plan.org)}: {_VERDICT[plan.verdict_before]} → "
            f"{_VERDICT[plan.verdict_after]}",
            "",
        ]
        if choice is not None:
            lines += [cell(line) + "  " for line in money.choice_lines(choice)]
            lines.append("")
        priced = _priced(plan, cost)
        if plan.numeric:
            lines += ["| segment | pod | change | fixes |", "|---|---|---|---|"]
            lines += [
                f"| {cell(c.segment or '')} | {cell(c.pod or '')} "
                f"| {cell(c.message + money.change_words(priced.get(id(c))))} "
                f"| {cell(', '.join(c.rules))} |"
                for c in plan.numeric
            ]
            lines.append("")
        if cost is not None:
            lines += [f"- {cell(line)}" for line in money.summary_lines(cost)]
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
