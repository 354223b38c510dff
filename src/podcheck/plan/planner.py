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

from collections.abc import Collection, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any, Literal

from podcheck.core.numbers import format_money, format_plain
from podcheck.judge.engine import evaluate, planning_context
from podcheck.judge.report import FileReport, Result
from podcheck.judge.rule import Rule
from podcheck.judge.rulebook import load_catalogue
from podcheck.judge.waivers import Waiver
from podcheck.orgfile.loader import LoadedOrg
from podcheck.orgfile.model import OrgFile, Segment
from podcheck.plan import pilot_segment
from podcheck.plan.attribution import attribute
from podcheck.plan.balance import balance_books
from podcheck.plan.changes import (
    PERSON_KINDS,
    Change,
    Plan,
    Strategy,
    Todo,
    Total,
    gate_severities,
    targets,
)
from podcheck.plan.deferrals import defer_hires
from podcheck.plan.hires import hire_later
from podcheck.plan.launch import add_pods, launch_pods, launch_segment
from podcheck.plan.moves import move_pod_aes, move_segment_aes, rebalance_pods
from podcheck.plan.roles import PlanRules, plan_rules
from podcheck.plan.segment import SegmentWork, needed
from podcheck.plan.structure import change_model, mark_pilot
from podcheck.plan.values import edited


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
    When an org-wide rule fails, the revised proposal is judged again even without
    `verify`: an org rule stops applying when the plan leaves no pod segment, and "to
    reach go" must not list what `podcheck plan` drops.
    The recommended changes are planned on the revised proposal, for the failing warnings
    that arithmetic can fix, and kept only where no rule at the gate fails for them.
    """
    org, document = loaded.org, loaded.document
    gate = gate_severities(fail_on)
    book = load_catalogue() if book is None else book
    if report is None:
        report = evaluate(loaded, rules, waivers, book)
    roles = plan_rules(book)
    context = _context(book)
    # One pass over the results: most pass, and only the failing ones are planned for.
    failed = [r for r in report.results if r.status == "fail"]
    failing = tuple([r for r in failed if r.severity in gate])
    in_force = _in_force(rules, gate)
    changes: list[Change] = []
    todo: list[Todo] = []
    # A pilot in several segments: one keeps it, the others wait, and the plan says so first
    # and plans nothing for them (growing a second pilot is what the rule says to stop).
    rollout = [r for r in failing if r.segment is None and r.rule in roles.single_pilot]
    # A segment that leaves the pod model (its change-model) is no pilot and never waits.
    leaving = {r.segment for r in failing if r.rule in roles.misfit}
    kept = pilot_segment.keep(org, report, leaving) if rollout else None
    waits = pilot_segment.waiting(org, kept[0], leaving) if kept is not None else ()
    if kept is not None and waits:
        todo.append(pilot_segment.todo(rollout[0], kept[0], kept[1], waits))
    leading = len(todo)
    for result in failing:
        if leading and result is rollout[0]:
            continue
        if result.segment is None:
            change, item = _org_todo(result, in_force.get(result.rule), roles)
            if change is not None:
                changes.append(change)
            todo.append(item)
    planned = [r for r in failing if r.segment not in waits]
    revised, made, left = _plan_segments(
        LoadedOrg(org, document), report, planned, in_force, roles, waivers, context, strategy
    )
    changes += made
    todo += left
    verdict_after: Literal["go", "no-go"] = "go"
    after = report if not failing else None
    if failing and (verify or any(r.segment is None for r in failing)):
        after = evaluate(LoadedOrg(revised, document), rules, waivers, book)
        left_over = targets(after, fail_on)
        verdict_after = "no-go" if left_over else "go"
        # An org rule stops applying when no pod segment is left: nothing to do for it.
        still = {r.rule for r in left_over if r.segment is None}
        changes = [c for c in changes if c.segment is not None or c.rules[0] in still]
        settled = {r.rule for r in failing if r.segment is None} - still
        if settled:
            undo = LoadedOrg(revised, document), org, rules, waivers, book
            changes = _credit_org_rules(changes, settled, *undo)
        leading = sum(1 for t in todo[:leading] if t.rule in still)
        todo = [t for t in todo if t.segment is not None or t.rule in still]
        todo += _unsettled(left_over, changes, todo)
    elif failing:
        # Not judged again: a failing rule nothing speaks of stays a to-do, as `plan` says.
        todo += _unsettled([r for r in failing if r.segment not in waits], changes, todo)
        verdict_after = "no-go" if todo else "go"
    recommended: list[Change] = []
    with_recommended = revised
    # The required changes add people and move accounts, never ARR: a warning arithmetic
    # can fix that passes now passes after them, so with none failing there is none to plan.
    if any(_recommendable(r, gate, roles) for r in failed):
        recommended, with_recommended = _recommend(
            LoadedOrg(revised, document), report, rules, waivers, gate, roles, context, strategy,
            waits,
        )  # fmt: skip
    return Plan(
        document.path,
        org.org.name,
        "no-go" if failing else "go",
        verdict_after,
        tuple(changes),
        tuple(todo),
        revised,
        recommended=tuple(recommended),
        totals=_totals(org, revised, changes),
        revised_recommended=with_recommended,
        leading=leading,
        waiting=tuple(waits),
    )


def _credit_org_rules(
    changes: list[Change],
    settled: set[str],
    revised: LoadedOrg,
    org: OrgFile,
    rules: Sequence[Rule],
    waivers: Sequence[Waiver],
    book: Sequence[Rule],
) -> list[Change]:
    """Org rules the plan settles by taking a segment out of pods (a pilot in two segments,
    one of which cannot carry pods) listed on each `change-model` without which they fail
    again, so that the reader sees what fixed them."""
    before = {segment.id: segment for segment in org.segments}
    found = []
    for change in changes:
        if change.kind == "change-model":
            segments = [before[s.id] if s.id == change.segment else s for s in revised.org.segments]
            undone = LoadedOrg(replace(revised.org, segments=segments), revised.document)
            judged = evaluate(undone, rules, waivers, book)
            again = {r.rule for r in judged.results if r.segment is None and r.status == "fail"}
            if settled & again:
                change = replace(change, rules=tuple(sorted({*change.rules, *(settled & again)})))
        found.append(change)
    return found


def _unsettled(
    left_over: Sequence[Result], changes: Sequence[Change], todo: Sequence[Todo]
) -> list[Todo]:
    """A to-do for each rule still failing at the gate that no change or to-do speaks of:
    a plan that stays no-go always says what is left (a bar set by the config that no
    arithmetic can reach, a rule no strategy fixes)."""
    spoken = {(c.segment, code) for c in changes for code in c.rules}
    spoken |= {(t.segment, t.rule) for t in todo}
    found: list[Todo] = []
    for result in left_over:
        if (result.segment, result.rule) in spoken:
            continue
        spoken.add((result.segment, result.rule))
        found.append(
            Todo.at(
                result.rule,
                result.segment,
                result.pod,
                f"no change podcheck can make passes it: {result.message}",
            )
        )
    return found


# The last rules' codes in force at a gate: a run plans every file with the same rules.
_IN_FORCE: list[tuple[Sequence[Rule], frozenset[str], dict[str, Rule]]] = []


def _in_force(rules: Sequence[Rule], gate: frozenset[str]) -> dict[str, Rule]:
    """The rules at the gate by code: made once for the same tuple of rules (by identity;
    a tuple and its frozen rules do not change), afresh for any other sequence."""
    if _IN_FORCE and _IN_FORCE[0][0] is rules and _IN_FORCE[0][1] == gate:
        return _IN_FORCE[0][2]
    found = {rule.code: rule for rule in rules if rule.severity in gate}
    if isinstance(rules, tuple):
        _IN_FORCE[:] = [(rules, gate, found)]
    return found


# The last rule book's planning context: made once for the many files of a run.
_CONTEXT: list[tuple[Sequence[Rule], Any]] = []


def _context(book: Sequence[Rule]) -> Any:
    """The engine's planning context for `book`, made once per rule book (by identity)."""
    if not _CONTEXT or _CONTEXT[0][0] is not book:
        _CONTEXT[:] = [(book, planning_context(book))]
    return _CONTEXT[0][1]


def _plan_segments(
    loaded: LoadedOrg,
    report: FileReport,
    failing: Sequence[Result],
    in_force: dict[str, Rule],
    roles: PlanRules,
    waivers: Sequence[Waiver],
    context: Any,
    strategy: Strategy,
    recommending: bool = False,
) -> tuple[OrgFile, list[Change], list[Todo]]:
    """Each segment's changes for its failing results, and the proposal they lead to."""
    org, document = loaded.org, loaded.document
    by_segment: dict[str, list[Result]] = {}
    for result in failing:
        if result.segment is not None:
            by_segment.setdefault(result.segment, []).append(result)
    segments = list(org.segments)
    changes: list[Change] = []
    todo: list[Todo] = []
    fits = {s.id: s.recommended for s in report.segments}
    proposed = _hiring_verdicts(report, in_force, roles)
    for index, segment in enumerate(org.segments):
        found = by_segment.get(segment.id)
        if not found:
            continue
        work = SegmentWork(org, index, segment, document, in_force, roles, waivers, found, context)
        work.knows(proposed.get(segment.id, {}))
        segments[index] = _plan_segment(work, strategy, fits.get(segment.id, "pod"), recommending)
        changes.extend(work.changes)
        todo.extend(work.todo)
    return edited(org, segments=segments), changes, todo


def _hiring_verdicts(
    report: FileReport, in_force: dict[str, Rule], roles: PlanRules
) -> dict[str, dict[str, bool]]:
    """The report's verdicts on each segment as proposed, for the hiring plan's rules:
    they read the segment's headcount and plan alone (no export, no other rule), so the
    engine's word on the proposal is the oracle's, and hiring need not ask it again."""
    found: dict[str, dict[str, bool]] = {}
    hiring = roles.hiring
    for result in report.results:
        if result.rule in hiring and result.pod is None and result.segment is not None:
            rule = in_force.get(result.rule)
            if rule is not None and rule.requires is None:
                found.setdefault(result.segment, {})[result.rule] = result.status != "fail"
    return found


def _plan_segment(
    work: SegmentWork, strategy: Strategy, recommended: str, recommending: bool
) -> Segment:
    """The strategy's changes, in order: a model that fits (and nothing else), a pilot
    cohort (and nothing else), what needs a person, the pilot's pods, moves (rebalance,
    defer), CSMs at launch, AE deferrals (defer), CSM hires, then the books evened."""
    if change_model(work, recommended, required=not recommending):
        return work.segment
    if not recommending and mark_pilot(work):
        return work.segment
    counted = work.roles.counted
    fixed = tuple(sorted(code for code in work.codes if code in counted))
    if not recommending:
        arithmetic = work.roles.arithmetic
        for result in work.failing:
            _person(work, result, arithmetic)
    if not work.codes.isdisjoint(work.roles.pods):
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
    balance_books(work)
    attribute(work, tuple(c for c in fixed if work.segment_passes(work.segment, (c,))))
    return work.segment


def _recommend(
    loaded: LoadedOrg,
    report: FileReport,
    rules: Sequence[Rule],
    waivers: Sequence[Waiver],
    gate: frozenset[str],
    roles: PlanRules,
    context: Any,
    strategy: Strategy,
    waits: Sequence[str] = (),
) -> tuple[list[Change], OrgFile]:
    """Changes for the failing warnings arithmetic can fix (`report`: the proposal's own
    evaluation), planned on the revised proposal in `loaded` and judged there by the
    oracle: a warning the required changes settled is left alone, a change is kept only for
    a warning it fixes, and none for a segment where a rule at the gate would fail."""
    org = loaded.org
    wanted = [r for r in report.results if _recommendable(r, gate, roles)]
    codes = {r.rule for r in wanted}
    in_force = {rule.code: rule for rule in rules if rule.severity in gate or rule.code in codes}
    at_gate = tuple(code for code, rule in in_force.items() if rule.severity in gate)
    fits = {s.id: s.recommended for s in report.segments}
    segments = list(org.segments)
    changes: list[Change] = []
    for index, segment in enumerate(org.segments):
        found = [r for r in wanted if r.segment == segment.id]
        if not found or segment.model != "pod" or segment.id in waits:
            continue
        work = SegmentWork(
            org, index, segment, loaded.document, in_force, roles, waivers, found, context
        )
        work.failing = [r for r in found if not work.segment_passes(segment, (r.rule,))]
        work.codes = {r.rule for r in work.failing}
        if not work.failing:
            continue
        new = _plan_segment(work, strategy, fits.get(segment.id, "pod"), recommending=True)
        if _breaks(work, segment, new, at_gate):
            continue
        # A segment that leaves the pod model is judged by no pod rule.
        fixed = {c for c in work.codes if new.model != "pod" or work.segment_passes(new, (c,))}
        kept = [c for c in work.changes if fixed & set(c.rules)]
        if kept:
            segments[index] = new
            changes += kept
    return changes, replace(org, segments=segments)


def _breaks(work: SegmentWork, before: Segment, after: Segment, codes: Sequence[str]) -> bool:
    """Whether a rule at the gate that passes on `before` fails on `after`."""
    if after.model != "pod":
        return False
    if any(
        not work.segment_passes(after, (c,)) for c in codes if work.segment_passes(before, (c,))
    ):
        return True
    return not work.pods_pass(after, codes) and work.pods_pass(before, codes)


def _recommendable(result: Result, gate: frozenset[str], roles: PlanRules) -> bool:
    """A failing warning outside the gate that arithmetic can fix."""
    return (
        result.status == "fail"
        and result.severity == "warning"
        and result.severity not in gate
        and result.segment is not None
        and result.rule in roles.arithmetic
    )


def _totals(org: OrgFile, revised: OrgFile, changes: Sequence[Change]) -> tuple[Total, ...]:
    """Each changed segment's headcount at launch, before and after."""
    changed = {c.segment for c in changes if c.kind not in PERSON_KINDS}
    return tuple(
        Total(old.id, old.headcount.ae, new.headcount.ae, old.headcount.csm, new.headcount.csm)
        for old, new in zip(org.segments, revised.segments, strict=True)
        if old.id in changed
    )


def _person(work: SegmentWork, result: Result, arithmetic: Sequence[str]) -> None:
    """Failures no count can fix (`arithmetic`: the rules the plan fixes itself): what needs
    measuring, deciding or a person."""
    code = result.rule
    if code not in arithmetic:
        work.todo.append(Todo.at(code, work.segment.id, result.pod, result.message))


def _org_todo(result: Result, rule: Rule | None, roles: PlanRules) -> tuple[Change | None, Todo]:
    policy = roles.policy.get(result.rule)
    if policy is None:
        return None, Todo(result.rule, None, result.message)
    field, need = policy
    value = need or needed(rule)
    message = f"write {field}: {value} ({result.rule}: {result.message})"
    change = Change("policy", None, None, None, None, field, None, value, (result.rule,), message)
    return change, Todo(result.rule, None, message)


def with_moves_pending(plan: Plan, rule: str) -> Plan:
    """The plan as `with_account_moves` makes it, for a run that did not keep the export's
    accounts (evaluate): each segment's load to-dos become one `move-account` change with no
    count, standing for the moves (and hires) `podcheck plan --accounts` names, so that the
    way out is not told as a person's task the plan settles by itself."""
    moved = [t for t in plan.todo if t.rule == rule]
    if not moved:
        return plan
    changes = []
    for segment in dict.fromkeys(t.segment for t in moved):
        said = next(t.message for t in moved if t.segment == segment)
        message = (
            f"move accounts from the CSMs over the load bar to CSMs with room, or hire where "
            f"none has room ({rule}: {said})"
        )
        changes.append(
            Change("move-account", segment, None, None, None, None, None, None, (rule,), message)
        )
    todo = [t for t in plan.todo if t.rule != rule]
    after = plan.verdict_after if not todo else "no-go"
    leading = sum(1 for t in plan.first if t.rule != rule)
    return plan._replace(
        changes=(*plan.changes, *changes), todo=tuple(todo), verdict_after=after, leading=leading
    )


def with_export_judged(
    plan: Plan, after: FileReport, fail_on: str, export_rules: Collection[str], load: str | None
) -> Plan:
    """The plan checked against the export: `after` is the revised proposal judged with the
    export measured against it. The planner's oracle judges the file's figures alone, so a
    change can seem to settle one of the `export_rules` (a pilot cohort holding accounts with
    no CSM): each still failing in a changed segment is taken off that segment's changes and
    stays a to-do. The `load` rule's to-dos become the account moves (`with_account_moves`),
    so they leave the verdict as it was; any other makes it no-go. Segments the plan leaves
    alone (one that waits for the pilot) keep what the planner said of them."""
    changed = {c.segment for c in plan.changes if c.segment is not None}
    left = [r for r in targets(after, fail_on) if r.segment in changed and r.rule in export_rules]
    if not left:
        return plan
    failing: dict[str, set[str]] = {}
    for result in left:
        failing.setdefault(result.segment or "", set()).add(result.rule)
    changes = tuple(_without(c, failing.get(c.segment or "", set())) for c in plan.changes)
    listed = {(t.rule, t.segment) for t in plan.todo}
    added = [
        Todo.at(r.rule, r.segment, r.pod, r.message)
        for r in left
        if (r.rule, r.segment) not in listed
    ]
    after_verdict = plan.verdict_after
    if any(t.rule != load for t in added):
        after_verdict = "no-go"
    return plan._replace(changes=changes, todo=(*plan.todo, *added), verdict_after=after_verdict)


def _without(change: Change, codes: set[str]) -> Change:
    """The change with the rules it does not fix taken off its list (and its message)."""
    kept = tuple(c for c in change.rules if c not in codes)
    if kept == change.rules:
        return change
    message = change.message
    listed = f"({', '.join(change.rules)})"
    if message.endswith(listed):  # a mark-pilot names the rules it settles
        message = message[: -len(listed)] + f"({', '.join(kept)})"
    return replace(change, rules=kept, message=message)


def _pod_change(move: Any) -> str:
    """What a move into another pod asks beyond the CSM: in a pod, AE and CSM share the
    book, so the account's AE hands it over too, and that AE is the one who objects."""
    if not move.changes_pod:
        return ""
    return (
        f"; it changes pods: its AE hands it to {move.to_pod}'s AE too, and the article warns "
        "the AE who built it will resist"
    )


def _move_message(move: Any) -> str:
    """`move row 12 ($77,170) from Priya Shah (mm-north) to Lee Park (mm-west)...`; a CSM the
    plan hires is named by the pod that hires them, never as a person of the export."""
    source = f"move {move.account} ({format_money(move.arr)}) from {move.from_csm} "
    source += f"({move.from_pod or 'no pod'})"
    if move.hired:
        return f"{source} to {move.to_csm} for {move.to_pod}{_pod_change(move)}"
    return f"{source} to {move.to_csm} ({move.to_pod or 'no pod'}){_pod_change(move)}"


def with_account_moves(plan: Plan, moves: Any, rule: str) -> Plan:
    """The plan with named accounts moved between CSMs, from an account export
    (`podcheck.accounts.moves.propose_moves`): moves in the export's books, which `--write`
    leaves out of the file. Accounts nobody in the segment has room for are a hire in the
    pod that holds them, one change per pod, counted in the segment's totals and written
    into the revised proposal's headcount. A
    segment the plan takes out of pods gets neither: no load rule judges it there. A CSM the
    moves leave over the bar (held there by accounts outside the pod segments) stays a
    to-do."""
    pods = {s.id for s in plan.revised.pod_segments}
    moves = moves._replace(
        moves=tuple(m for m in moves.moves if m.segment in pods),
        hires=tuple(h for h in moves.hires if h.segment in pods),
    )
    changes = [
        Change(
            "move-account",
            move.segment,
            move.from_pod or None,
            None,
            1,
            None,
            move.from_csm,
            move.to_csm,
            (rule,),
            _move_message(move),
        )
        for move in moves.moves
    ]
    for hire in moves.hires:
        before = format_plain(Fraction(hire.accounts, hire.csms)) if hire.csms else "no CSM"
        after = format_plain(Fraction(hire.accounts, hire.csms + hire.added))
        where = f"pod {hire.pod}" if hire.pod else f"{hire.segment}'s accounts in no pod"
        changes.append(
            Change(
                "launch-csm", hire.segment, hire.pod or None, None, hire.added, None,
                hire.csms, hire.csms + hire.added, (rule,),
                f"hire {hire.added} CSM{'s' if hire.added != 1 else ''} for {where} "
                f"({before} → {after} accounts per CSM)",
            )
        )  # fmt: skip
    # The moves and hires settle the load rule's failures, but for CSMs they leave over it.
    todo = [t for t in plan.todo if t.rule != rule]
    todo += [
        Todo(
            rule,
            None,
            f"{csm} carries {load} accounts, {outside} of them outside the pod segments whose "
            "accounts the plan moves: no move between pods brings the load under the bar",
        )
        for csm, load, outside in moves.overloaded
    ]
    after = plan.verdict_after if not todo else "no-go"
    leading = sum(1 for t in plan.first if t.rule != rule)
    return plan._replace(
        changes=(*plan.changes, *changes),
        todo=tuple(todo),
        verdict_after=after,
        leading=leading,
        totals=_with_hires(plan, moves.hires),
        revised=_hired(plan.revised, moves.hires),
    )


def _hired(revised: OrgFile, hires: Sequence[Any]) -> OrgFile:
    """The revised proposal with the CSMs the export's books need: in the pod that holds
    the accounts (the segment's headcount alone for accounts in no pod), so that `--write`
    writes the headcount the plan's totals say."""
    if not hires:
        return revised
    segments = []
    for segment in revised.segments:
        mine = [h for h in hires if h.segment == segment.id]
        if mine:
            extra = sum(h.added for h in mine)
            by_pod = {h.pod: h.added for h in mine if h.pod}
            pods = segment.pods
            if pods is not None and by_pod:
                pods = [replace(pod, csm=pod.csm + by_pod.get(pod.id, 0)) for pod in pods]
            head = replace(segment.headcount, csm=segment.headcount.csm + extra)
            segment = replace(segment, pods=pods, headcount=head)
        segments.append(segment)
    return replace(revised, segments=segments)


def _with_hires(plan: Plan, hires: Sequence[Any]) -> tuple[Total, ...]:
    """The segments' totals at launch with the CSMs the export's books add."""
    added: dict[str, int] = {}
    for hire in hires:
        added[hire.segment] = added.get(hire.segment, 0) + hire.added
    if not added:
        return plan.totals
    known = {t.segment: t for t in plan.totals}
    totals = []
    for segment in plan.revised.segments:
        ae, csm = segment.headcount.ae, segment.headcount.csm
        total = known.get(segment.id) or Total(segment.id, ae, ae, csm, csm)
        if segment.id in known or segment.id in added:
            totals.append(total._replace(csm_after=total.csm_after + added.get(segment.id, 0)))
    return tuple(totals)
