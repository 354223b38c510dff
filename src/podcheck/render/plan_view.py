"""The plan as people read it: terminal text, JSON and Markdown. Pure functions of plans."""

import re
from collections.abc import Sequence
from typing import Any

import orjson

from podcheck import __version__
from podcheck.core import inert
from podcheck.core.errors import one_line
from podcheck.judge.report import Step
from podcheck.plan.changes import PERSON_KINDS, Change, Plan, Todo, Total
from podcheck.plan.cheapest import Choice
from podcheck.plan.costs import PlanCost, Priced
from podcheck.render import plan_costs_view as money
from podcheck.render.formats.json import json_value
from podcheck.render.formats.markdown import cell

_VERDICT = {"go": "GO", "no-go": "NO-GO", "incomplete": "INCOMPLETE"}


def _by_segment(items: Sequence[Any]) -> dict[str | None, list[Any]]:
    found: dict[str | None, list[Any]] = {}
    for item in items:
        found.setdefault(item.segment, []).append(item)
    return found


def _priced(plan: Plan, cost: PlanCost | None) -> dict[int, Priced]:
    """Each change's cost by its position in the plan; empty without costs."""
    if cost is None:
        return {}
    found = {id(c): priced for c, priced in zip(plan.changes, cost.changes, strict=True)}
    found |= {id(c): priced for c, priced in zip(plan.recommended, cost.recommended, strict=True)}
    return found


def said(change: Change) -> str:
    """A change's message, and the rules it also settles that the message, naming others,
    does not (JSON lists every one under `rules`). A message that names no rule, such as an
    account move's, is the load rule's by what it says."""
    message = change.message
    if _RULE_CODE.search(message) is None:
        return message
    more = [code for code in change.rules if code not in message]
    return f"{message}; it also settles {', '.join(more)}" if more else message


_RULE_CODE = re.compile(r"\bPOD\d{3}\b")


def _lines(plan: Plan, cost: PlanCost | None = None, choice: Choice | None = None) -> list[str]:
    # Names and messages quote the file's text: one line each, control characters escaped.
    lines = [f"{plan.path} · {one_line(plan.org)}: {_VERDICT[plan.verdict_before]}"]
    if choice is not None:
        lines += [f"  {line}" for line in money.choice_lines(choice)]
    if plan.verdict_before == "go" and not plan.recommended:
        return [*lines, "  nothing to change: every rule at the gate passes", ""]
    if plan.verdict_before == "incomplete" and not plan.recommended:
        return [*lines, f"  {_unread_words(plan)}", ""]
    priced = _priced(plan, cost)
    totals = {t.segment: t for t in plan.totals}
    changes, todo = _by_segment(plan.made), _by_segment(plan.todo)
    recommended = _by_segment(plan.recommended)
    # The to-dos to settle before any change come first of all.
    first = plan.first
    lines += [f"  first, to do: {t.rule} {one_line(t.message)}" for t in first]
    for segment in _segments(plan):
        lines.append(f"  {segment}" if segment else "  the whole org")
        lines += [
            f"    - {one_line(said(c))}{money.change_words(priced.get(id(c)))}"
            for c in changes.get(segment, ())
        ]
        lines += [
            f"    - to do: {t.rule} {one_line(t.message)}"
            for t in todo.get(segment, ())
            if t not in first
        ]
        total = totals.get(segment) if segment is not None else None
        if total is not None and (total.ae_before, total.csm_before) != (
            total.ae_after,
            total.csm_after,
        ):
            lines.append(f"    = {_total(total)}")
        lines += [
            f"    - recommended: {one_line(said(c))}{money.change_words(priced.get(id(c)))}"
            for c in recommended.get(segment, ())
        ]
    after = _VERDICT[plan.verdict_after]
    if plan.verdict_before == "go":
        lines.append("  every rule at the gate passes; the recommended changes make it sustainable")
    elif plan.verdict_before == "incomplete":
        lines.append(f"  {_unread_words(plan)}; the recommended changes make it sustainable")
    elif plan.verdict_after == "incomplete":
        lines.append(f"  with these changes the proposal would be {after}: {one_line(plan.unread)}")
    elif plan.verdict_after == "go":
        lines.append(f"  with these changes the proposal would be {after}")
    else:
        lines.append(
            f"  with these changes the proposal would still be {after}: the to-dos need a person"
        )
    lines += [f"  {line}" for line in money.summary_lines(cost, bool(plan.recommended))]
    return [*lines, ""]


def _unread_words(plan: Plan) -> str:
    """Why a file whose rows read pass every rule is still not go."""
    return (
        f"every rule at the gate passes on the rows read, but {one_line(plan.unread)}: "
        "not go until the export is read whole"
    )


def _segments(plan: Plan) -> list[str | None]:
    """The segments the plan speaks about, in the order every view lists them: org-wide
    items (None) first, then each segment as its first change, to-do or recommended
    change comes."""
    found = dict.fromkeys(
        [
            *_by_segment(plan.made),
            *_by_segment(plan.todo[plan.leading :]),
            *_by_segment(plan.recommended),
        ]
    )
    return sorted(found, key=lambda segment: segment is not None)


def _total(total: Total) -> str:
    return (
        f"the segment at launch: {total.ae_before} AEs → {total.ae_after}, "
        f"{total.csm_before} CSMs → {total.csm_after}"
    )


PlanCosts = Sequence[PlanCost | None]
Choices = Sequence[Choice | None]


def render_terminal(
    plans: Sequence[Plan],
    costs: PlanCosts = (),
    choices: Choices = (),
    shaped: Sequence[str] = (),
) -> str:
    """One block per file: per segment, one line per change, then to-dos, then the verdict;
    with costs, what each change and the whole plan cost; then what shaped the plan besides
    the files (`podcheck.review.shaping`), as evaluate says it."""
    said = ["What shaped this plan", *(f"  - {line}" for line in shaped), ""] if shaped else []
    return inert.lines(
        [
            *(
                line
                for index, plan in enumerate(plans)
                for line in _lines(plan, _at(costs, index), _at(choices, index))
            ),
            *said,
        ]
    )


def _at(items: Sequence[Any], index: int) -> Any:
    return items[index] if index < len(items) else None


def _change(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "segment": change.segment,
        "pod": change.pod,
        "pods": None if change.pods is None else list(change.pods),
        "month": change.month,
        "count": change.count,
        "field": change.field,
        "before": json_value(change.before),
        "after": json_value(change.after),
        "rules": list(change.rules),
        "message": change.message,
        "cost": None,
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
        "recommended": [
            {**_change(c), "cost": money.change_cost(priced.get(id(c)))} for c in plan.recommended
        ],
        "todo": [_todo(t) for t in plan.todo],
        "totals": [t._asdict() for t in plan.totals],
        "cost": money.file_cost(cost),
    }
    if choice is not None:
        data["strategy"] = money.choice_dict(choice)
    result: dict[str, Any] = json_value(data)
    return result


def render_json(plans: Sequence[Plan], costs: PlanCosts = (), choices: Choices = ()) -> str:
    files = [plan_dict(p, _at(costs, i), _at(choices, i)) for i, p in enumerate(plans)]
    data = {"tool": "podcheck", "version": __version__, "files": files}
    return inert.json_safe(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def _table(changes: Sequence[Change], priced: dict[int, Priced]) -> list[str]:
    lines = ["| segment | pod | change | fixes |", "|---|---|---|---|"]
    lines += [
        f"| {cell(c.segment or '')} | {cell(c.pod or '')} "
        f"| {cell(c.message + money.change_words(priced.get(id(c))))} "
        f"| {cell(', '.join(c.rules))} |"
        for c in changes
    ]
    return [*lines, ""]


def render_markdown(
    plans: Sequence[Plan],
    costs: PlanCosts = (),
    choices: Choices = (),
    shaped: Sequence[str] = (),
) -> str:
    """A pull-request comment: a table of changes and a list of to-dos per file, then what
    shaped the plan besides the files."""
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
        if plan.first:
            lines += ["First, before any change:", ""]
            lines += [f"- [ ] {cell(t.rule)}: {cell(t.message)}" for t in plan.first]
            lines.append("")
        if plan.made:
            lines += _table(plan.made, priced)
        changed = [
            t for t in plan.totals if (t.ae_before, t.csm_before) != (t.ae_after, t.csm_after)
        ]
        if changed:
            lines += [f"- {cell(t.segment)}: {cell(_total(t))}" for t in changed]
            lines.append("")
        if cost is not None:
            lines += [
                f"- {cell(line)}" for line in money.summary_lines(cost, bool(plan.recommended))
            ]
            lines.append("")
        rest = plan.todo[plan.leading :]
        if rest:
            lines += ["To do (needs a person):", ""]
            lines += [
                f"- [ ] {cell(t.rule)}{' · ' + cell(t.segment) if t.segment else ''}: "
                f"{cell(t.message)}"
                for t in rest
            ]
            lines.append("")
        if plan.recommended:
            lines += ["Recommended (warnings arithmetic can fix; not needed for go):", ""]
            lines += _table(plan.recommended, priced)
        if plan.verdict_before == "go" and not plan.recommended:
            lines += ["Nothing to change.", ""]
        elif plan.verdict_before == "incomplete" or plan.verdict_after == "incomplete":
            unread = plan.unread[:1].upper() + plan.unread[1:]
            lines += [f"{cell(unread)}: not go until the export is read whole.", ""]
    if shaped:
        lines += ["#### What shaped this plan", "", *(f"- {cell(line)}" for line in shaped)]
    return inert.plain("\n".join(lines).rstrip("\n") + "\n")


def to_reach_go(plan: Plan, cost: PlanCost | None = None) -> tuple[Step, ...]:
    """The plan as steps for evaluate's reports, in the order `podcheck plan` prints them:
    the to-dos to settle before any change, then segment by segment (org-wide first) its
    changes, its to-dos (a policy's to-do carries its `policy` change) and its recommended
    changes, marked as such. With costs, each change is priced as the plan prices it."""
    priced = _priced(plan, cost)

    def change(c: Change) -> dict[str, Any]:
        return {**_change(c), "cost": money.change_cost(priced.get(id(c)))}

    # A policy is a change a person makes: the plan lists it as a to-do, and JSON as a change.
    policies = {(c.segment, c.rules[0]): c for c in plan.changes if c.kind in PERSON_KINDS}

    def todo(item: Todo, said: str) -> Step:
        policy = policies.pop((item.segment, item.rule), None)
        shown = None if policy is None else change(policy)
        # A policy's to-do says its reason after the value; the brief form stops before it.
        brief = (
            None if policy is None else f"{said}{item.rule} write {policy.field}: {policy.after}"
        )
        return Step(
            item.segment, f"{said}{item.rule} {item.message}", shown, todo=_todo(item), brief=brief
        )

    first = plan.first
    steps = [todo(t, "first, to do: ") for t in first]
    made, todos = _by_segment(plan.made), _by_segment(plan.todo)
    recommended = _by_segment(plan.recommended)
    for segment in _segments(plan):
        for c in made.get(segment, ()):
            if c.kind == "move-account" and c.count is None:
                # It stands for the moves (and hires) the export's rows decide: not priced here.
                steps.append(Step(c.segment, c.message, _change(c), replan=True))
            else:
                steps.append(Step(c.segment, said(c), change(c)))
        steps += [todo(t, "to do: ") for t in todos.get(segment, ()) if t not in first]
        steps += [
            Step(c.segment, said(c), change(c), recommended=True)
            for c in recommended.get(segment, ())
        ]
    # A policy change always comes with its to-do; should one not, it is still listed.
    steps += [Step(c.segment, c.message, change(c)) for c in policies.values()]
    return tuple(steps)
