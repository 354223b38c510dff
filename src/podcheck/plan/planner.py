"""What it would take: the smallest changes that turn a no-go proposal into a go.

A pure planner. The engine's own rule runs are the oracle (see `segment.SegmentWork`);
closed-form bounds only seed the search (`search`). Each strategy is a module: `launch`
(CSMs at launch, pods for the pilot), `moves` (AEs and accounts), `hires` (CSM hires in
the hiring plan) and `deferrals` (AE hires later). Which rule each fixes is said by the
rule data (`roles.plan`), read by `roles`.

Minimal in the sense of the plan contract (README, "What it would take"): applying the
plan makes every targeted rule pass, and undoing one unit of any numeric change makes one
of them fail again.
"""

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from podcheck.core.numbers import format_money
from podcheck.judge.engine import evaluate, planning_context
from podcheck.judge.report import FileReport, Result
from podcheck.judge.rulebook import Rule, load_catalogue
from podcheck.judge.waivers import Waiver
from podcheck.orgfile.loader import LoadedOrg
from podcheck.orgfile.model import Segment
from podcheck.plan.changes import Change, Plan, Strategy, Todo, gate_severities, targets
from podcheck.plan.deferrals import defer_hires
from podcheck.plan.hires import hire_later
from podcheck.plan.launch import add_pods, launch_pods, launch_segment
from podcheck.plan.moves import move_pod_aes, move_segment_aes, rebalance_pods
from podcheck.plan.roles import PlanRules, plan_rules
from podcheck.plan.segment import SegmentWork, needed


def make_plan(
    loaded: LoadedOrg,
    rules: Sequence[Rule],
    waivers: Sequence[Waiver] = (),
    strategy: Strategy = "hire",
    fail_on: str = "error",
    report: FileReport | None = None,
    verify: bool = True,
    book: Sequence[Rule] | None = None,
) -> Plan:
    """The plan for one file. `report` is the file's evaluation, when already made.

    With `verify`, the revised proposal is judged again for `verdict_after`; without (for
    evaluate's "to reach go", which does not show it), the verdict is the plan's own: go
    unless something is left to do. Every change is checked by the oracle either way.
    """
    org, document = loaded.org, loaded.document
    gate = gate_severities(fail_on)
    book = load_catalogue() if book is None else book
    if report is None:
        report = evaluate(loaded, rules, waivers, book)
    failing = targets(report, fail_on)
    if not failing:
        return Plan(document.path, org.org.name, "go", "go", (), (), org)
    in_force = {rule.code: rule for rule in rules if rule.severity in gate}
    roles = plan_rules(book)
    context = planning_context(book)
    changes: list[Change] = []
    todo: list[Todo] = []
    segments = list(org.segments)
    by_segment: dict[str, list[Result]] = {}
    for result in failing:
        if result.segment is None:
            change, item = _org_todo(result, in_force.get(result.rule), roles)
            if change is not None:
                changes.append(change)
            todo.append(item)
        else:
            by_segment.setdefault(result.segment, []).append(result)
    for index, segment in enumerate(org.segments):
        found = by_segment.get(segment.id)
        if not found:
            continue
        work = SegmentWork(org, index, segment, document, in_force, roles, waivers, found, context)
        fits = "pod"
        if any(r.rule in roles.misfit for r in found):
            fits = next((s.recommended for s in report.segments if s.id == segment.id), "pod")
        segments[index] = _plan_segment(work, strategy, fits)
        changes.extend(work.changes)
        todo.extend(work.todo)
    revised = replace(org, segments=segments)
    if verify:
        still = bool(targets(evaluate(LoadedOrg(revised, document), rules, waivers, book), fail_on))
    else:
        still = bool(todo)
    return Plan(
        document.path,
        org.org.name,
        "no-go",
        "no-go" if still else "go",
        tuple(changes),
        tuple(todo),
        revised,
    )


def _plan_segment(work: SegmentWork, strategy: Strategy, recommended: str) -> Segment:
    """The strategy's changes, in order: what needs a person, the pilot's pods, moves
    (rebalance, defer), CSMs at launch, AE deferrals (defer), then CSM hires."""
    for result in work.failing:
        _person(work, result, recommended)
    if any(code in work.codes for code in work.roles.pods):
        add_pods(work)
    if strategy == "rebalance":
        rebalance_pods(work)
    if strategy == "defer":
        # CSMs the load needs come first: they may bring the ratio under its bar too.
        launch_pods(work, work.roles.load)
        move_pod_aes(work)
    launch_pods(work)
    if strategy == "defer":
        launch_segment(work, work.roles.load)
        move_segment_aes(work)
    launch_segment(work)
    if strategy == "defer":
        defer_hires(work)
    hire_later(work)
    return work.segment


def _person(work: SegmentWork, result: Result, recommended: str) -> None:
    """Failures no count can fix: a structural misfit, or what needs measuring."""
    code = result.rule
    segment = work.segment
    if code in work.roles.misfit:
        attribute = work.roles.misfit[code]
        field = f"{work.where}.{attribute}"
        need = needed(work.rules.get(code))
        message = (
            f"{segment.id} does not fit pods ({code}: {result.message}); "
            f"its fit is the {recommended} model, or {field} {need}"
        )
        work.changes.append(
            Change(
                "structural", segment.id, None, None, None, field,
                getattr(segment, attribute), need, (code,), message,
            )
        )  # fmt: skip
        work.todo.append(Todo(code, segment.id, message))
    elif code not in work.roles.counted:
        where = f"{result.pod}: " if result.pod else ""
        work.todo.append(Todo(code, segment.id, f"{where}{result.message}"))


def _org_todo(result: Result, rule: Rule | None, roles: PlanRules) -> tuple[Change | None, Todo]:
    policy = roles.policy.get(result.rule)
    if policy is None:
        return None, Todo(result.rule, None, result.message)
    field, need = policy
    value = need or needed(rule)
    message = f"write {field}: {value} ({result.rule}: {result.message})"
    change = Change("policy", None, None, None, None, field, None, value, (result.rule,), message)
    return change, Todo(result.rule, None, message)


def with_account_moves(plan: Plan, moves: Any, rule: str) -> Plan:
    """The plan with named accounts moved between CSMs, from an account export
    (`podcheck.accounts.moves.propose_moves`): the export's books, not the org file's figures, so
    `--write` leaves the file alone. Accounts nobody has room for are a hire: a to-do."""
    changes = [
        Change(
            "move-account",
            move.segment,
            move.from_pod,
            None,
            1,
            None,
            move.from_csm,
            move.to_csm,
            (rule,),
            f"move {move.account} ({format_money(move.arr)}) from {move.from_csm} "
            f"({move.from_pod}) to {move.to_csm} ({move.to_pod})",
        )
        for move in moves.moves
    ]
    # The moves settle the load rule's failures, unless some accounts have nowhere to go.
    todo = [t for t in plan.todo if t.rule != rule]
    if moves.unplaced:
        todo.append(
            Todo(
                rule,
                None,
                f"{moves.unplaced} account{'s' if moves.unplaced != 1 else ''} over the load "
                "bar and no CSM with room: hire a CSM",
            )
        )
    after = plan.verdict_after if not todo else "no-go"
    return plan._replace(changes=(*plan.changes, *changes), todo=tuple(todo), verdict_after=after)
