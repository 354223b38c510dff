"""What it would take: the smallest changes that turn a no-go proposal into a go.

A pure planner. The engine's own rule runs are the oracle: every candidate change is made
on an immutable copy of the segment (`dataclasses.replace`) and judged with
`engine.run_rule` on the rules it targets, so the plan follows the rules exactly as they
are configured (thresholds, severities, waivers). Closed-form bounds only seed the search;
the oracle decides, and a bound the oracle does not confirm is searched around (galloping,
then binary search on the count).

Minimal in the sense of the plan contract (README, "What it would take"): applying the
plan makes every targeted rule pass, and undoing one unit of any numeric change makes one
of them fail again.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from math import ceil, floor
from typing import Any, Literal, NamedTuple

from podcheck.core.numbers import format_money, format_plain, format_ratio
from podcheck.judge.engine import (
    evaluate,
    planning_context,
    rule_status,
    segment_subject,
    segment_subjects,
)
from podcheck.judge.report import FileReport, Result
from podcheck.judge.rulebook import Rule, load_catalogue
from podcheck.judge.waivers import Waiver
from podcheck.metrics import Context, Subject
from podcheck.metrics.projection import project
from podcheck.orgfile.loader import LoadedOrg
from podcheck.orgfile.model import MAX_PEOPLE, HiringMonth, HiringTotals, OrgFile, Pod, Segment
from podcheck.orgfile.source import Document

Strategy = Literal["hire", "defer", "rebalance"]
STRATEGIES: tuple[Strategy, ...] = ("hire", "defer", "rebalance")
Kind = Literal[
    "launch-csm",
    "move-accounts",
    "move-ae",
    "hire-csm",
    "defer-ae",
    "add-pod",
    "policy",
    "structural",
    "move-account",
]

# Which kind of change fixes which rule (the plan contract's kinds of change).
TODAY_RULES = ("POD103", "POD105", "POD201", "POD202")
POD_RULES = ("POD103", "POD105", "POD201")
LOAD_RULES = ("POD103", "POD105")  # what no move of AEs can fix
PLAN_RULES = ("POD202", "POD203", "POD204")
PILOT_SIZE = "POD401"
STRUCTURAL = {"POD101": ("acv", "acv"), "POD102": ("tier", "tier")}
# Policy rules: the field a person writes and, where the threshold does not say it, what.
POLICY_FIELDS: Mapping[str, tuple[str, str | None]] = {
    "POD205": ("org.ratio_review_months", None),
    "POD301": ("policies.renewal_ownership.written", None),
    "POD302": ("policies.renewal_ownership", None),
    "POD303": ("policies.renewal_ownership.expansion", None),
    "POD304": ("policies.renewal_ownership.expansion_attribution", "true"),
    "POD311": ("policies.coverage_plan", "documented: true, and a backup other than none"),
    "POD321": ("policies.comp", "an NRR metric in both ae_metrics and csm_metrics"),
    "POD331": ("policies.collaboration_norms", None),
}
PLAN_MONTHS = 12
# Hires a plan may defer to: the first month after the 12 the rules judge.
DEFERRED_MONTH = PLAN_MONTHS + 1


@dataclass(frozen=True, slots=True)
class Change:
    """One change to the proposal; `count` is None for a change a person must make."""

    kind: Kind
    segment: str | None
    pod: str | None
    month: int | None
    count: int | None
    field: str | None
    before: Any
    after: Any
    rules: tuple[str, ...]
    message: str


class Todo(NamedTuple):
    """A failing rule the plan cannot settle by arithmetic: it needs a person."""

    rule: str
    segment: str | None
    message: str


class Plan(NamedTuple):
    path: str
    org: str
    verdict_before: Literal["go", "no-go"]
    verdict_after: Literal["go", "no-go"]
    changes: tuple[Change, ...]
    todo: tuple[Todo, ...]
    revised: OrgFile

    @property
    def numeric(self) -> tuple[Change, ...]:
        """The changes the plan makes itself (and `--write` writes)."""
        return tuple(c for c in self.changes if c.count is not None)


def gate_severities(fail_on: str) -> frozenset[str]:
    """The severities that fail the run, as `evaluate` gates it."""
    return frozenset({"error", "warning"}) if fail_on == "warning" else frozenset({"error"})


def targets(report: FileReport, fail_on: str) -> tuple[Result, ...]:
    """The results the plan must turn into passes: failing (not waived) at the gate."""
    gate = gate_severities(fail_on)
    return tuple(r for r in report.results if r.status == "fail" and r.severity in gate)


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
    context = planning_context(book)
    changes: list[Change] = []
    todo: list[Todo] = []
    segments = list(org.segments)
    by_segment: dict[str, list[Result]] = {}
    for result in failing:
        if result.segment is None:
            changes_or_todo = _org_todo(result, in_force.get(result.rule))
            if changes_or_todo[0] is not None:
                changes.append(changes_or_todo[0])
            todo.append(changes_or_todo[1])
        else:
            by_segment.setdefault(result.segment, []).append(result)
    for index, segment in enumerate(org.segments):
        found = by_segment.get(segment.id)
        if not found:
            continue
        planner = _SegmentPlanner(org, index, segment, document, in_force, waivers, found, context)
        fits = "pod"
        if any(r.rule in STRUCTURAL for r in found):
            fits = next((s.recommended for s in report.segments if s.id == segment.id), "pod")
        segments[index] = planner.run(strategy, fits)
        changes.extend(planner.changes)
        todo.extend(planner.todo)
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


# Searching counts with the oracle


def least(ok: Callable[[int], bool], lo: int, hi: int, guess: int | None = None) -> int | None:
    """The smallest n in [lo, hi] with ok(n), for ok False then True; None when none is.

    A closed-form `guess` is checked first (it and the count below it: two calls when it is
    right); otherwise the search gallops up from `lo` and halves.
    """
    if lo > hi:
        return None
    if guess is not None and lo <= guess <= hi:
        if ok(guess):
            if guess == lo or not ok(guess - 1):
                return guess
            hi = guess - 1
        else:
            lo = guess + 1
    if lo > hi:
        return None
    if ok(lo):
        return lo
    bad, step = lo, 1
    while True:
        probe = min(bad + step, hi)
        if ok(probe):
            good = probe
            break
        if probe == hi:
            return None
        bad, step = probe, step * 2
    while good - bad > 1:
        middle = (bad + good) // 2
        if ok(middle):
            good = middle
        else:
            bad = middle
    return good


def most(ok: Callable[[int], bool], lo: int, hi: int, guess: int | None = None) -> int | None:
    """The largest n in [lo, hi] with ok(n), for ok True then False; None when none is."""
    found = least(lambda n: ok(hi + lo - n), lo, hi, None if guess is None else hi + lo - guess)
    return None if found is None else hi + lo - found


def _bound(rule: Rule | None, numerator: Fraction, below: bool) -> int | None:
    """The smallest denominator d with numerator / d under the rule's bar (a guess only)."""
    if rule is None or not isinstance(rule.threshold, (int, Fraction)) or rule.threshold <= 0:
        return None
    limit = Fraction(numerator) / Fraction(rule.threshold)
    if rule.compare == "<=":
        return ceil(limit)
    if rule.compare == "<":
        return floor(limit) + 1
    return None


def _cap(rule: Rule | None, denominator: Fraction) -> int | None:
    """The largest whole numerator n with n / denominator under the rule's bar (a guess)."""
    if rule is None or not isinstance(rule.threshold, (int, Fraction)):
        return None
    limit = Fraction(rule.threshold) * denominator
    if rule.compare == "<=":
        return floor(limit)
    if rule.compare == "<":
        return ceil(limit) - 1
    return None


def _highest(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


# Hiring plans as cumulative sequences


def _monthly(plan: Any) -> list[HiringMonth] | None:
    return list(plan) if isinstance(plan, list) else None


def _cumulative(entries: Sequence[HiringMonth], role: str) -> list[int]:
    """Hires of `role` by the end of each month 0..12."""
    per_month = [0] * (PLAN_MONTHS + 1)
    for entry in entries:
        if entry.month <= PLAN_MONTHS:
            per_month[entry.month] += getattr(entry, role)
    total, found = 0, []
    for count in per_month:
        total += count
        found.append(total)
    return found


def _with_role(
    entries: Sequence[HiringMonth], role: str, target: Sequence[int]
) -> list[HiringMonth]:
    """The plan with `role`'s hires re-spread so that its cumulative count follows `target`
    in months 1..12; the rest of the planned hires go to month 13 (past the plan's year).

    Each month's change is made on the month's first entry; a month without one gets a new
    entry, in month order.
    """
    wanted = {m: target[m] - target[m - 1] for m in range(1, PLAN_MONTHS + 1)}
    planned = _cumulative(entries, role)
    extra_later = planned[PLAN_MONTHS] - target[PLAN_MONTHS]
    if extra_later > 0:
        wanted[DEFERRED_MONTH] = sum(getattr(e, role) for e in entries if e.month == DEFERRED_MONTH)
        wanted[DEFERRED_MONTH] += extra_later
    had = {m: sum(getattr(e, role) for e in entries if e.month == m) for m in wanted}
    changed = {m for m in wanted if wanted[m] != had[m]}
    result: list[HiringMonth] = []
    done: set[int] = set()
    emptied: set[int] = set()
    for entry in entries:
        month = entry.month
        if month not in changed:
            result.append(entry)
        elif month in done:
            # The month's first entry took the month's change; zero only when it must.
            result.append(replace(entry, **{role: 0}) if month in emptied else entry)
        else:
            done.add(month)
            others = had[month] - getattr(entry, role)
            if wanted[month] >= others:
                result.append(replace(entry, **{role: wanted[month] - others}))
            else:
                emptied.add(month)
                result.append(replace(entry, **{role: wanted[month]}))
    for month in sorted(changed):
        if month not in done and wanted[month] > 0:
            position = next((i for i, e in enumerate(result) if e.month > month), len(result))
            result.insert(position, HiringMonth(month=month, **{role: wanted[month]}))
    return result


def _truncated(segment: Segment, month: int) -> Segment:
    """The segment with its monthly plan cut after `month`: later months repeat month's
    headcount, so a rule over the year passes exactly when months 1..month pass."""
    entries = _monthly(segment.hiring_plan) or []
    return replace(segment, hiring_plan=[e for e in entries if e.month <= month])


# Org-level failures


def _needed(rule: Rule | None) -> str:
    """What value a rule needs, in words, from its comparison and threshold."""
    if rule is None:
        return "a value that passes"
    bar = rule.threshold
    if rule.compare == "is":
        return "true" if bar is True else "false" if bar is False else str(bar)
    if rule.compare == "in":
        return " or ".join(str(item) for item in bar)
    if rule.compare == "matches":
        return ", ".join(f"{key}: {value}" for key, value in bar.items())
    if rule.compare == "contains-all":
        return "all of " + ", ".join(str(item) for item in bar)
    words = {"<=": "at most", "<": "under", ">=": "at least", ">": "over"}
    return f"{words.get(rule.compare, rule.compare)} {bar}"


def _org_todo(result: Result, rule: Rule | None) -> tuple[Change | None, Todo]:
    policy = POLICY_FIELDS.get(result.rule)
    if policy is None:
        return None, Todo(result.rule, None, result.message)
    field, need = policy
    value = need or _needed(rule)
    message = f"write {field}: {value} ({result.rule}: {result.message})"
    change = Change("policy", None, None, None, None, field, None, value, (result.rule,), message)
    return change, Todo(result.rule, None, message)


class _SegmentPlanner:
    """Plans one pod segment: its targeted results in, a revised segment and changes out."""

    def __init__(
        self,
        org: OrgFile,
        index: int,
        segment: Segment,
        document: Document,
        rules: Mapping[str, Rule],
        waivers: Sequence[Waiver],
        failing: Sequence[Result],
        context: Context,
    ) -> None:
        self.org, self.index, self.segment, self.document = org, index, segment, document
        self.context = context
        # Pod subjects by segment state and rule: a pod's candidates differ only in the pod.
        self._made: dict[tuple[int, str], tuple[Segment, tuple[Subject, ...]]] = {}
        self.rules, self.waivers = rules, waivers
        self.failing = failing
        self.codes = {r.rule for r in failing}
        self.changes: list[Change] = []
        self.todo: list[Todo] = []
        self.where = f"segments[{index}]"

    # The oracle

    def _fails(self, code: str, subject: Subject) -> bool:
        rule = self.rules.get(code)
        if rule is None:
            return False
        return rule_status(rule, subject, self.document, self.waivers) == "fail"

    def segment_passes(self, segment: Segment, codes: Iterable[str]) -> bool:
        for code in codes:
            rule = self.rules[code]
            subject = segment_subject(self.org, self.index, segment, rule, self.context)
            if subject is not None and self._fails(code, subject):
                return False
        return True

    def pod_passes(self, segment: Segment, pod_index: int, pod: Pod, codes: Iterable[str]) -> bool:
        """Whether the pod, changed, passes: judged as the engine judges the segment's pods,
        with this pod in place of the one the segment holds."""
        for code in codes:
            if "pod" not in self.rules[code].scope:
                continue
            for subject in self._pod_subjects(segment, code):
                if subject.pod_index == pod_index and self._fails(code, subject._replace(pod=pod)):
                    return False
        return True

    def _pod_subjects(self, segment: Segment, code: str) -> tuple[Subject, ...]:
        """The pod subjects the rule judges in the segment, made once per segment state."""
        key = (id(segment), code)
        found = self._made.get(key)
        if found is None or found[0] is not segment:
            subjects = tuple(
                subject
                for subject in segment_subjects(
                    self.org, self.index, segment, self.rules[code], self.context
                )
                if subject.pod is not None
            )
            found = (segment, subjects)
            self._made[key] = found
        return found[1]

    def _in_force(self, codes: Iterable[str]) -> tuple[str, ...]:
        return tuple(code for code in codes if code in self.rules)

    # The plan

    def run(self, strategy: Strategy, recommended: str) -> Segment:
        for result in self.failing:
            self._person(result, recommended)
        if PILOT_SIZE in self.codes:
            self._add_pods()
        if strategy == "rebalance":
            self._rebalance_pods()
        if strategy == "defer":
            # CSMs the load needs come first: they may bring the ratio under its bar too.
            self._launch_pods(LOAD_RULES)
            self._move_pod_aes()
        self._launch_pods()
        if strategy == "defer":
            self._launch_segment(LOAD_RULES)
            self._move_segment_aes()
        self._launch_segment()
        if strategy == "defer":
            self._defer_hires()
        self._hire_later()
        return self.segment

    def _person(self, result: Result, recommended: str) -> None:
        """Failures no count can fix: a structural misfit, or what needs measuring."""
        code = result.rule
        if code in STRUCTURAL:
            field = f"{self.where}.{STRUCTURAL[code][1]}"
            before = getattr(self.segment, STRUCTURAL[code][0])
            need = _needed(self.rules.get(code))
            message = (
                f"{self.segment.id} does not fit pods ({code}: {result.message}); "
                f"its fit is the {recommended} model, or {field} {need}"
            )
            self.changes.append(
                Change(
                    "structural", self.segment.id, None, None, None, field, before, need,
                    (code,), message,
                )
            )  # fmt: skip
            self.todo.append(Todo(code, self.segment.id, message))
        elif code not in TODAY_RULES + PLAN_RULES + (PILOT_SIZE,):
            where = f"{result.pod}: " if result.pod else ""
            self.todo.append(Todo(code, self.segment.id, f"{where}{result.message}"))

    def _unfixed(self, code: str, pod: str | None, why: str) -> None:
        where = f"{pod}: " if pod else ""
        self.todo.append(Todo(code, self.segment.id, f"{where}{why}"))

    def _set(self, segment: Segment) -> None:
        self.segment = segment

    def _spare(self, role: str) -> int:
        pods = self.segment.pods or ()
        return getattr(self.segment.headcount, role) - sum(getattr(p, role) for p in pods)

    def _with_pod(self, pod_index: int, pod: Pod, csm_added: int = 0) -> None:
        """Put a changed pod back; CSMs added to a pod are added to the segment too."""
        pods = list(self.segment.pods or ())
        pods[pod_index] = pod
        head = replace(self.segment.headcount, csm=self.segment.headcount.csm + csm_added)
        self._set(replace(self.segment, pods=pods, headcount=head))

    def _add_pods(self) -> None:
        segment = self.segment
        rule = self.rules.get(PILOT_SIZE)
        marked = [pod for pod in segment.pods or () if pod.pilot]
        in_cohort = self.org.org.rollout == "pilot" and bool(marked)
        # The pilot's size is its cohort's, where one is marked.
        current = len(marked) if in_cohort else segment.pod_total
        if segment.pods is None and segment.pod_count is None:
            self._unfixed(
                PILOT_SIZE, None, "list the pilot's pods (pods:) to plan the pilot's size"
            )
            return

        def with_pods(count: int) -> Segment:
            if segment.pods is None:
                return replace(segment, pod_count=current + count)
            taken = {pod.id for s in self.org.segments for pod in s.pods or ()}
            cohort = in_cohort  # new pods join the pilot cohort where one is marked
            new: list[Pod] = []
            number = 1
            while len(new) < count:
                name = f"{segment.id}-pod-{current + number}"[:64]
                number += 1
                if name not in taken:
                    new.append(Pod(id=name, ae=1, csm=1, accounts=0, pilot=cohort))
            spare_ae, spare_csm = max(self._spare("ae"), 0), max(self._spare("csm"), 0)
            head = replace(
                segment.headcount,
                ae=segment.headcount.ae + max(count - spare_ae, 0),
                csm=segment.headcount.csm + max(count - spare_csm, 0),
            )
            return replace(segment, pods=[*segment.pods, *new], headcount=head)

        guess = None
        if rule is not None and isinstance(rule.threshold, int):
            guess = max(rule.threshold - current, 0)
        count = least(lambda n: self.segment_passes(with_pods(n), (PILOT_SIZE,)), 0, 1_000, guess)
        if not count:
            if count is None:
                self._unfixed(PILOT_SIZE, None, "no number of pods passes the pilot size")
            return
        revised = with_pods(count)
        self._set(revised)
        new_ae = revised.headcount.ae - segment.headcount.ae
        new_csm = revised.headcount.csm - segment.headcount.csm
        field = f"{self.where}.pods" if segment.pods is not None else f"{self.where}.pod_count"
        staffed = "staffed from the segment's people outside pods"
        if new_ae or new_csm:
            staffed = f"{_people(new_ae, 'AE')} and {_people(new_csm, 'CSM')} more at launch"
        plural = "s" if count != 1 else ""
        self.changes.append(
            Change(
                "add-pod", segment.id, None, None, count, field, current, current + count,
                (PILOT_SIZE,),
                f"form {count} more pod{plural} of one AE and one CSM, {staffed}: "
                f"{current} → {current + count} pods "
                f"({PILOT_SIZE}: the pilot needs {_needed(rule)})",
            )
        )  # fmt: skip

    def _pod_failures(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for result in self.failing:
            if result.pod is not None and result.rule in POD_RULES:
                found.setdefault(result.pod, set()).add(result.rule)
        return found

    def _launch_pods(self, only: Sequence[str] = POD_RULES) -> None:
        failing = self._pod_failures()
        codes = self._in_force(POD_RULES)
        for pod_index, pod in enumerate(self.segment.pods or ()):
            if pod.id not in failing:
                continue
            paired = self._pair_pod(pod_index, pod, failing[pod.id])
            if paired is not pod and self.pod_passes(self.segment, pod_index, paired, codes):
                continue
            pod = paired
            # The pod's targeted rules: more CSMs only lower its load and its ratio.
            judged = tuple(
                c for c in codes if c in failing[pod.id] and c in only and (pod.ae or c != "POD105")
            )
            if not judged:
                continue

            def trial(
                csm: int, pod: Pod = pod, pod_index: int = pod_index, judged: tuple = judged
            ) -> bool:
                return self.pod_passes(self.segment, pod_index, replace(pod, csm=csm), judged)

            guess = _highest(
                [
                    _bound(self.rules.get("POD103"), Fraction(pod.accounts), below=True),
                    _bound(self.rules.get("POD201"), Fraction(pod.ae), below=True),
                    1,
                ]
            )
            csm = least(trial, pod.csm, MAX_PEOPLE, guess)
            if csm is None:
                self._unfixed(sorted(failing[pod.id])[0], pod.id, "no CSM count passes")
                continue
            added = csm - pod.csm
            if not added:
                continue  # CSMs launched for its load already brought it under the bar
            launched = replace(pod, csm=csm)
            self._with_pod(pod_index, launched, added)
            fixed = tuple(
                c
                for c in sorted(failing[pod.id])
                if c in judged
                or (c in codes and self.pod_passes(self.segment, pod_index, launched, (c,)))
            )
            self.failing = [r for r in self.failing if r.pod != pod.id or r.rule not in fixed]
            self.changes.append(
                Change(
                    "launch-csm", self.segment.id, pod.id, None, added,
                    f"{self.where}.pods[{pod_index}].csm", pod.csm, csm, fixed,
                    f"launch pod {pod.id} with {added} more CSM{'s' if added != 1 else ''}: "
                    f"{pod.csm} → {csm} ({self._why(fixed, pod.ae, csm, pod.accounts)})",
                )
            )  # fmt: skip

    def _pair_pod(self, pod_index: int, pod: Pod, failing: set[str]) -> Pod:
        """A pod with no AE gets one from the segment's AEs outside pods, else is a to-do."""
        if pod.ae or "POD105" not in failing:
            return pod
        if self._spare("ae") < 1:
            self._unfixed("POD105", pod.id, "the pod has no AE and the segment has none to spare")
            return pod
        paired = replace(pod, ae=1)
        self._with_pod(pod_index, paired)
        self.changes.append(
            Change(
                "move-ae", self.segment.id, pod.id, None, 1,
                f"{self.where}.pods[{pod_index}].ae", 0, 1, ("POD105",),
                f"move 1 AE from the segment's AEs outside pods into pod {pod.id}: 0 → 1 "
                f"(POD105: a pod pairs an AE with a CSM)",
            )
        )  # fmt: skip
        return paired

    def _why(self, fixed: Sequence[str], ae: int, csm: int, accounts: int) -> str:
        parts: list[str] = []
        if csm == 0:
            return ", ".join(fixed)
        for code in fixed:
            if code == "POD103":
                parts.append(f"POD103: {format_plain(Fraction(accounts, csm))} accounts per CSM")
            elif code in ("POD201", "POD202"):
                parts.append(f"{code}: the ratio becomes {format_ratio(Fraction(ae, csm))}")
            elif code == "POD105":
                parts.append("POD105: the pod has a CSM")
        return "; ".join(parts) or ", ".join(fixed)

    def _today_codes(self) -> tuple[str, ...]:
        return self._in_force(c for c in TODAY_RULES if c in self.codes)

    def _today_passes(self, segment: Segment, codes: Sequence[str]) -> bool:
        # Judged without the hiring plan: today's figures only, whatever the rule reads later.
        return self.segment_passes(replace(segment, hiring_plan=None), codes)

    def _launch_segment(self, only: Sequence[str] = TODAY_RULES) -> None:
        codes = tuple(c for c in self._today_codes() if c in only)
        segment = self.segment
        if not codes or self._today_passes(segment, codes):
            return
        head = segment.headcount

        def trial(csm: int) -> bool:
            return self._today_passes(replace(segment, headcount=replace(head, csm=csm)), codes)

        guess = _highest(
            [
                _bound(self.rules.get("POD103"), Fraction(segment.accounts), below=True),
                _bound(self.rules.get("POD201"), Fraction(head.ae), below=True),
                _bound(self.rules.get("POD202"), Fraction(head.ae), below=True)
                if "POD202" in codes
                else None,
            ]
        )
        csm = least(trial, head.csm + 1, MAX_PEOPLE, guess)
        if csm is None:
            self._unfixed(codes[0], None, "no CSM count at launch passes")
            return
        self._set(replace(segment, headcount=replace(head, csm=csm)))
        added = csm - head.csm
        fixed = tuple(c for c in codes if not self.segment_passes(segment, (c,)))
        self.changes.append(
            Change(
                "launch-csm", segment.id, None, None, added, f"{self.where}.headcount.csm",
                head.csm, csm, fixed,
                f"launch {segment.id} with {added} more CSM{'s' if added != 1 else ''}: "
                f"{head.csm} → {csm} ({self._why(fixed, head.ae, csm, segment.accounts)})",
            )
        )  # fmt: skip

    def _move_pod_aes(self) -> None:
        """defer: a pod over the ratio moves AEs out (they stay in the segment, outside pods)."""
        failing = self._pod_failures()
        for pod_index, pod in enumerate(self.segment.pods or ()):
            if "POD201" not in failing.get(pod.id, ()) or pod.csm == 0:
                continue
            codes = self._in_force(POD_RULES)

            def trial(
                ae: int, pod: Pod = pod, pod_index: int = pod_index, codes: tuple = codes
            ) -> bool:
                return self.pod_passes(self.segment, pod_index, replace(pod, ae=ae), codes)

            ae = most(trial, 1, pod.ae, _cap(self.rules.get("POD201"), Fraction(pod.csm)))
            if ae is None or ae == pod.ae:
                continue
            self._with_pod(pod_index, replace(pod, ae=ae))
            # The pod now passes its ratio: no CSM is launched for it.
            self.failing = [r for r in self.failing if (r.pod, r.rule) != (pod.id, "POD201")]
            moved = pod.ae - ae
            self.changes.append(
                Change(
                    "move-ae", self.segment.id, pod.id, None, moved,
                    f"{self.where}.pods[{pod_index}].ae", pod.ae, ae, ("POD201",),
                    f"move {moved} AE{'s' if moved != 1 else ''} out of pod {pod.id}: "
                    f"{pod.ae} → {ae} ({self._why(('POD201',), ae, pod.csm, pod.accounts)})",
                )
            )  # fmt: skip

    def _move_segment_aes(self) -> None:
        """defer: AEs moved out of the pod segment, down to the AEs its pods hold."""
        codes = tuple(c for c in self._today_codes() if c in ("POD201", "POD202"))
        segment = self.segment
        if not codes or self._today_passes(segment, codes):
            return
        head = segment.headcount
        if head.csm == 0:
            return  # no number of AEs passes without a CSM: launching CSMs does it
        floor_ae = sum(p.ae for p in segment.pods or ())

        def trial(ae: int) -> bool:
            return self._today_passes(replace(segment, headcount=replace(head, ae=ae)), codes)

        ae = most(trial, floor_ae, head.ae, _cap(self.rules.get("POD201"), Fraction(head.csm)))
        if ae is None:
            ae = floor_ae  # the rest falls back to launching CSMs
        if ae == head.ae:
            return
        self._set(replace(segment, headcount=replace(head, ae=ae)))
        moved = head.ae - ae
        fixed = codes if self._today_passes(self.segment, codes) else ()
        self.changes.append(
            Change(
                "move-ae", segment.id, None, None, moved, f"{self.where}.headcount.ae",
                head.ae, ae, fixed or codes,
                f"move {moved} AE{'s' if moved != 1 else ''} out of the {segment.id} pods: "
                f"{head.ae} → {ae} ({self._why(codes, ae, head.csm, segment.accounts)})",
            )
        )  # fmt: skip

    def _rebalance_pods(self) -> None:
        """Move accounts, then AEs, from pods over a bar to pods with room, fewest first."""
        for code, role in (("POD103", "accounts"), ("POD201", "ae")):
            failing = self._pod_failures()
            if code not in self.rules or not any(code in f for f in failing.values()):
                continue
            self._rebalance(code, role, failing)

    def _rebalance(self, code: str, role: str, failing: Mapping[str, set[str]]) -> None:
        codes = self._in_force(POD_RULES)
        pods = list(self.segment.pods or ())
        floor_count = 1 if role == "ae" else 0

        rule = self.rules.get(code)

        def top(index: int) -> int | None:
            """The most of `role` pod `index` can hold and still pass."""
            pod = pods[index]
            judged = tuple(c for c in codes if c == code or c not in failing.get(pod.id, ()))

            def trial(n: int) -> bool:
                return self.pod_passes(self.segment, index, replace(pod, **{role: n}), judged)  # type: ignore[arg-type]

            guess = _cap(rule, Fraction(pod.csm))
            high = max(getattr(pod, role), guess or 0) + 1
            return most(trial, floor_count, high, guess)

        over: list[tuple[int, int]] = []  # (excess, pod index)
        room: list[int] = []
        for index, pod in enumerate(pods):
            if pod.csm == 0:
                room.append(0)
                continue
            limit = top(index)
            have = getattr(pod, role)
            # A pod that fails another rule too gets CSMs, which may settle this one: it
            # gives nothing away (a move would then be more than the plan needs).
            alone = failing.get(pod.id, set()) == {code}
            if alone and limit is not None and limit < have:
                over.append((have - limit, index))
                room.append(0)
            elif pod.id not in failing:
                room.append(max((limit or 0) - have, 0))
            else:
                room.append(0)
        free = sum(room)
        moves: list[tuple[int, int, int]] = []  # (from, to, count)
        for excess, index in sorted(over):
            if excess > free:
                continue  # cannot be fixed inside the segment: hiring does it
            free -= excess
            left = excess
            for target, space in enumerate(room):
                if left == 0:
                    break
                take = min(space, left)
                if take:
                    moves.append((index, target, take))
                    room[target] -= take
                    left -= take
        for source, target, count in moves:
            giver, taker = pods[source], pods[target]
            pods[source] = replace(giver, **{role: getattr(giver, role) - count})
            pods[target] = replace(taker, **{role: getattr(taker, role) + count})
            noun = "account" if role == "accounts" else "AE"
            self.changes.append(
                Change(
                    "move-accounts" if role == "accounts" else "move-ae",
                    self.segment.id, giver.id, None, count,
                    f"{self.where}.pods[{source}].{role}", getattr(giver, role),
                    getattr(pods[source], role), (code,),
                    f"move {count} {noun}{'s' if count != 1 else ''} from pod {giver.id} to pod "
                    f"{taker.id}: {giver.id} {getattr(giver, role)} → "
                    f"{getattr(pods[source], role)}, {taker.id} {getattr(taker, role)} → "
                    f"{getattr(pods[target], role)} ({code})",
                )
            )  # fmt: skip
        if moves:
            self._set(replace(self.segment, pods=pods))
            # The giving pods now pass; what is left fails and falls back to hiring.
            fixed = {pods[source].id for source, _, _ in moves}
            self.failing = [r for r in self.failing if not (r.rule == code and r.pod in fixed)]

    # The hiring plan

    def _plan_codes(self) -> tuple[str, ...]:
        # Every hiring rule, targeted or not: CSMs launched today can make one fail (a
        # growth-rate pace compares with today's headcount).
        return self._in_force(PLAN_RULES)

    def _hire_later(self) -> None:
        """hire: CSM hires added as late as possible until every month passes."""
        segment = self.segment
        # Only the rules still failing: more CSM hires cannot make a passing one fail.
        codes = tuple(c for c in self._plan_codes() if not self.segment_passes(segment, (c,)))
        if not codes:
            return
        plan = segment.hiring_plan
        if plan is None:
            for code in codes:
                self._unfixed(
                    code, None,
                    "no hiring plan is stated: write hiring_plan (e.g. {ae: 0, csm: 0}) "
                    "with the hires planned",
                )  # fmt: skip
            return
        if isinstance(plan, HiringTotals):
            self._raise_total(segment, plan, codes)
        else:
            self._hire_monthly(segment, plan, codes)

    def _ratio_rules(self, codes: Sequence[str]) -> list[Rule]:
        return [self.rules[c] for c in codes if c in ("POD202", "POD204")]

    def _raise_total(self, segment: Segment, plan: HiringTotals, codes: Sequence[str]) -> None:
        def trial(extra: int) -> bool:
            return self.segment_passes(
                replace(segment, hiring_plan=replace(plan, csm=plan.csm + extra)), codes
            )

        # Month m holds AE0 + m·ae/12 AEs over CSM0 + m·csm/12 CSMs: solve for csm (a
        # guess the oracle checks, with the hire-count reading of the hiring pace beside it).
        head = segment.headcount
        needs: list[Fraction] = []
        for rule in self._ratio_rules(codes):
            if isinstance(rule.threshold, (int, Fraction)) and rule.threshold > 0:
                bar = Fraction(rule.threshold)
                for month in range(1, PLAN_MONTHS + 1):
                    ae = head.ae + Fraction(plan.ae * month, PLAN_MONTHS)
                    needs.append((ae / bar - head.csm) * PLAN_MONTHS / month)
        pace = self.rules.get("POD203")
        if "POD203" in codes and pace is not None and isinstance(pace.threshold, (int, Fraction)):
            needs.append(Fraction(plan.ae) / (1 + Fraction(pace.threshold)))
        guess = max(ceil(max(needs)) - plan.csm, 0) if needs else None
        extra = least(trial, 0, MAX_PEOPLE, guess)
        if not extra:
            if extra is None:
                self._unfixed(codes[0], None, "no CSM hiring total passes")
            return
        self._set(replace(segment, hiring_plan=replace(plan, csm=plan.csm + extra)))
        self.changes.append(
            Change(
                "hire-csm", segment.id, None, None, extra, f"{self.where}.hiring_plan.csm",
                plan.csm, plan.csm + extra, tuple(codes),
                f"hire {extra} more CSM{'s' if extra != 1 else ''} over the next 12 months: "
                f"{plan.csm} → {plan.csm + extra} "
                f"({self._ratio_words(segment, self.segment, tuple(codes))})",
            )
        )  # fmt: skip

    def _fixed(self, before: Segment, codes: Sequence[str]) -> tuple[str, ...]:
        return tuple(c for c in codes if not self.segment_passes(before, (c,)))

    def _ratio_words(self, before: Segment, after: Segment, codes: Sequence[str]) -> str:
        """The figure that failed and what it becomes, e.g. 'POD204: peak 1.33:1 → 1.2:1'."""
        parts = []
        for code in codes:
            if code in ("POD202", "POD204"):
                old, old_month = _peak(before)
                new, _ = _peak(after)
                if old is not None and new is not None:
                    parts.append(
                        f"{code}: the ratio would reach {format_ratio(old)} in month "
                        f"{old_month}; at most {format_ratio(new)} with the plan"
                    )
            elif code == "POD203":
                ae, csm = before.hires_next_12_months
                ae2, csm2 = after.hires_next_12_months
                parts.append(f"POD203: {ae} AE to {csm} CSM hires → {ae2} to {csm2}")
        return "; ".join(dict.fromkeys(parts)) or ", ".join(codes)

    def _hire_monthly(
        self, segment: Segment, plan: list[HiringMonth], codes: Sequence[str]
    ) -> None:
        csm_plan = _cumulative(plan, "csm")
        ratio_codes = tuple(c for c in codes if c != "POD203")
        extra = [0] * (PLAN_MONTHS + 1)
        hiring_months = {e.month for e in plan if e.month <= PLAN_MONTHS}

        def with_extra(cumulative: Sequence[int]) -> Segment:
            target = [csm_plan[m] + cumulative[m] for m in range(PLAN_MONTHS + 1)]
            return replace(segment, hiring_plan=_with_role(plan, "csm", target))

        months = project(replace(segment, hiring_plan=plan), PLAN_MONTHS)
        guessed = self._guess_extra(months, codes)
        if guessed is not None and self._confirmed(guessed, with_extra, codes):
            extra = guessed
        elif not self._search_extra(extra, with_extra, months, codes, hiring_months):
            return
        if not extra[PLAN_MONTHS]:
            return
        revised = with_extra(extra)
        self._set(revised)
        fixed = tuple(codes)
        before = months
        for month in range(1, PLAN_MONTHS + 1):
            added = extra[month] - extra[month - 1]
            if not added:
                continue
            ratio = before[month].ratio
            if (
                ratio is not None
                and any(c in fixed for c in ("POD202", "POD204"))
                and (
                    month < PLAN_MONTHS
                    or self.segment_passes(
                        _truncated(with_extra([*extra[:-1], extra[-2]]), PLAN_MONTHS), ratio_codes
                    )
                    is False
                )
            ):
                code = "POD204" if "POD204" in fixed else "POD202"
                why = f"{code}: the ratio would reach {format_ratio(ratio)} in month {month}"
            else:
                why = self._ratio_words(segment, revised, ("POD203",))
            self.changes.append(
                Change(
                    "hire-csm", segment.id, None, month, added,
                    _month_field(self.where, plan, month, "csm"),
                    _in_month(plan, month, "csm"), _in_month(plan, month, "csm") + added, fixed,
                    f"hire {added} more CSM{'s' if added != 1 else ''} in month {month} ({why})",
                )
            )  # fmt: skip

    def _guess_extra(self, months: Sequence[Any], codes: Sequence[str]) -> list[int] | None:
        """The cumulative extra CSM hires by month, in closed form: each month's need from
        its headcount and the ratio bar, kept non-decreasing; the hiring pace's (as a
        hire-count bar) in month 12. A guess: the oracle confirms it or it is searched."""
        extra = [0] * (PLAN_MONTHS + 1)
        rules = self._ratio_rules(codes)
        need, last = 0, None
        for month in range(1, PLAN_MONTHS + 1):
            people = (months[month].ae, months[month].csm)
            if people != last:  # most months of a monthly plan hire nobody
                last = people
                needs = [_bound(rule, people[0], below=True) for rule in rules]
                if None in needs:
                    return None
                need = max([ceil(n - people[1]) for n in needs if n is not None] or [0])
            extra[month] = max(extra[month - 1], need)
        pace = self.rules.get("POD203")
        if "POD203" in codes and pace is not None:
            if not isinstance(pace.threshold, (int, Fraction)):
                return None
            ae_hires = months[PLAN_MONTHS].ae - months[0].ae
            csm_hires = months[PLAN_MONTHS].csm - months[0].csm
            need = ceil(ae_hires / (1 + Fraction(pace.threshold)) - csm_hires)
            extra[PLAN_MONTHS] = max(extra[PLAN_MONTHS], need)
        return extra

    def _confirmed(
        self,
        extra: Sequence[int],
        with_extra: Callable[[Sequence[int]], Segment],
        codes: Sequence[str],
    ) -> bool:
        """The oracle's word on a guessed sequence: it passes, and each added hire moved a
        month later (or dropped, in month 12) fails."""
        if not self.segment_passes(with_extra(extra), codes):
            return False
        for month in range(1, PLAN_MONTHS + 1):
            if extra[month] > extra[month - 1]:
                later = list(extra)
                later[month] -= 1
                if self.segment_passes(with_extra(later), codes):
                    return False
        return True

    def _search_extra(
        self,
        extra: list[int],
        with_extra: Callable[[Sequence[int]], Segment],
        months: Sequence[Any],
        codes: Sequence[str],
        hiring_months: set[int],
    ) -> bool:
        """The sequence found month by month with the oracle: each month's hires are the
        fewest that keep months 1 to it passing; the hiring pace's extra goes in month 12."""
        ratio_codes = tuple(c for c in codes if c != "POD203")
        rules = self._ratio_rules(codes)
        for month in range(1, PLAN_MONTHS + 1):
            extra[month] = extra[month - 1]
            if not ratio_codes or (month not in hiring_months and month > 1):
                continue  # nothing changes this month: it passes as the month before
            guess = _highest([_bound(rule, months[month].ae, below=True) for rule in rules])
            if guess is not None:
                guess = max(guess - int(months[month].csm), extra[month - 1])

            def trial(n: int, month: int = month) -> bool:
                cumulative = [*extra[:month], *([n] * (PLAN_MONTHS + 1 - month))]
                return self.segment_passes(_truncated(with_extra(cumulative), month), ratio_codes)

            found = least(trial, extra[month - 1], MAX_PEOPLE, guess)
            if found is None:
                self._unfixed(ratio_codes[0], None, f"no CSM hires make month {month} pass")
                return False
            extra[month] = found
        if "POD203" in codes:

            def last(n: int) -> bool:
                return self.segment_passes(with_extra([*extra[:-1], extra[-1] + n]), codes)

            more = least(last, 0, MAX_PEOPLE)
            if more is None:
                self._unfixed("POD203", None, "no CSM hires make the hiring pace pass")
                return False
            extra[PLAN_MONTHS] += more
        return True

    def _defer_hires(self) -> None:
        """defer: planned AE hires moved as late as needed, past month 12 if they must."""
        codes = self._plan_codes()
        segment = self.segment
        plan = segment.hiring_plan
        if not codes or plan is None or self.segment_passes(segment, codes):
            return
        if isinstance(plan, HiringTotals):

            def trial(kept: int) -> bool:
                return self.segment_passes(
                    replace(segment, hiring_plan=replace(plan, ae=kept)), codes
                )

            kept = most(trial, 0, plan.ae)
            if kept is None:
                kept = 0  # the rest falls back to hiring CSMs
            if kept == plan.ae:
                return
            self._set(replace(segment, hiring_plan=replace(plan, ae=kept)))
            moved = plan.ae - kept
            self.changes.append(
                Change(
                    "defer-ae", segment.id, None, None, moved, f"{self.where}.hiring_plan.ae",
                    plan.ae, kept, self._fixed(segment, codes) if trial(kept) else codes,
                    f"defer {moved} AE hire{'s' if moved != 1 else ''} past month 12: "
                    f"{plan.ae} → {kept} in the next 12 months "
                    f"({self._ratio_words(segment, self.segment, codes)})",
                )
            )  # fmt: skip
            return
        self._defer_monthly(segment, plan, codes)

    def _defer_monthly(
        self, segment: Segment, plan: list[HiringMonth], codes: Sequence[str]
    ) -> None:
        planned = _cumulative(plan, "ae")
        ratio_codes = tuple(c for c in codes if c != "POD203")
        kept = [0] * (PLAN_MONTHS + 1)

        def with_kept(cumulative: Sequence[int]) -> Segment:
            return replace(segment, hiring_plan=_with_role(plan, "ae", cumulative))

        for month in range(1, PLAN_MONTHS + 1):

            def trial(n: int, month: int = month) -> bool:
                cumulative = [*kept[:month], *([n] * (PLAN_MONTHS + 1 - month))]
                return self.segment_passes(_truncated(with_kept(cumulative), month), ratio_codes)

            low, high = kept[month - 1], max(planned[month], kept[month - 1])
            if not ratio_codes or high == low:
                kept[month] = high
                continue
            kept[month] = most(trial, low, high) or low
        if "POD203" in codes:

            def pace(n: int) -> bool:
                return self.segment_passes(with_kept([min(k, n) for k in kept]), codes)

            cap = most(pace, 0, kept[PLAN_MONTHS])
            kept = [min(k, cap if cap is not None else 0) for k in kept]
        if kept == planned:
            return
        revised = with_kept(kept)
        self._set(revised)
        fixed = self._fixed(segment, codes)
        words = self._ratio_words(segment, revised, fixed)
        for month, count, destination in _deferrals(planned, kept):
            self.changes.append(
                Change(
                    "defer-ae", segment.id, None, month, count,
                    _month_field(self.where, plan, month, "ae"),
                    _in_month(plan, month, "ae"), _in_month(plan, month, "ae") - count, fixed,
                    f"move {count} AE hire{'s' if count != 1 else ''} from month {month} to "
                    f"{destination} ({words})",
                )
            )  # fmt: skip


def _deferrals(planned: Sequence[int], kept: Sequence[int]) -> list[tuple[int, int, str]]:
    """(month, hires moved out of it, where they go), pairing hires first in, first out."""

    def units(cumulative: Sequence[int]) -> list[int]:
        found = []
        for month in range(1, len(cumulative)):
            found += [month] * (cumulative[month] - cumulative[month - 1])
        return found

    old, new = units(planned), units(kept)
    new += [DEFERRED_MONTH] * (len(old) - len(new))
    moved: dict[int, list[int]] = {}
    for before, after in zip(old, new, strict=True):
        if after != before:
            moved.setdefault(before, []).append(after)
    found = []
    for month in sorted(moved):
        places = sorted(set(moved[month]))
        where = ", ".join("past month 12" if m == DEFERRED_MONTH else f"month {m}" for m in places)
        found.append((month, len(moved[month]), where))
    return found


def _people(count: int, role: str) -> str:
    return f"{count} {role}" if count == 1 else f"{count} {role}s"


def _in_month(plan: Sequence[HiringMonth], month: int, role: str) -> int:
    return sum(getattr(e, role) for e in plan if e.month == month)


def _month_field(where: str, plan: Sequence[HiringMonth], month: int, role: str) -> str:
    for index, entry in enumerate(plan):
        if entry.month == month:
            return f"{where}.hiring_plan[{index}].{role}"
    return f"{where}.hiring_plan"


def _peak(segment: Segment) -> tuple[Fraction | None, int]:
    """The highest AE:CSM ratio in months 1..12 and its first month."""
    best: Fraction | None = None
    at = 0
    for month in project(segment, PLAN_MONTHS)[1:]:
        ratio = month.ratio
        if ratio is not None and (best is None or ratio > best):
            best, at = ratio, month.month
    return best, at
