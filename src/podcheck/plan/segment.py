"""One pod segment being planned: its state, the oracle that judges candidate changes, and
the words a change gives for the figures it fixes.

The engine's own rule runs are the oracle: every candidate change is made on an immutable
copy of the segment (`dataclasses.replace`) and judged on the rules it targets, so the plan
follows the rules exactly as they are configured (thresholds, severities, waivers).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from podcheck.core.numbers import format_plain, format_ratio
from podcheck.judge.engine import rule_status, segment_subject, segment_subjects
from podcheck.judge.report import Result
from podcheck.judge.rule import Rule
from podcheck.judge.waivers import Waiver
from podcheck.metrics import Context, Subject
from podcheck.orgfile.model import OrgFile, Pod, Segment
from podcheck.orgfile.source import Document
from podcheck.plan.changes import Change, Todo
from podcheck.plan.months import peak
from podcheck.plan.roles import PlanRules


class SegmentWork:
    """A pod segment under planning: its targeted results in, a revised segment and changes
    out. The strategies (launch, moves, hires, deferrals) work on it in turn."""

    def __init__(
        self,
        org: OrgFile,
        index: int,
        segment: Segment,
        document: Document,
        rules: Mapping[str, Rule],
        roles: PlanRules,
        waivers: Sequence[Waiver],
        failing: Sequence[Result],
        context: Context,
    ) -> None:
        self.org, self.index, self.segment, self.document = org, index, segment, document
        self.context = context
        # Pod subjects by segment state and rule: a pod's candidates differ only in the pod.
        self._made: dict[str, dict[int, Subject]] = {}
        self._judged: Segment | None = None
        self._verdicts: dict[str, bool] = {}
        self.rules, self.roles, self.waivers = rules, roles, waivers
        self.failing = list(failing)
        self.codes = {r.rule for r in failing}
        self.changes: list[Change] = []
        self.todo: list[Todo] = []
        self.where = f"segments[{index}]"

    # The oracle

    def knows(self, verdicts: Mapping[str, bool]) -> None:
        """The engine's verdicts on the segment as it stands (rule code: passes), taken as
        the oracle's own."""
        self._judged, self._verdicts = self.segment, dict(verdicts)

    def _fails(self, code: str, subject: Subject) -> bool:
        rule = self.rules.get(code)
        if rule is None:
            return False
        return rule_status(rule, subject, self.document, self.waivers) == "fail"

    def segment_passes(self, segment: Segment, codes: Iterable[str]) -> bool:
        # The last segment judged keeps its verdicts: a search's answer is judged again when
        # it is kept and when its fixed rules are listed (segments are never changed).
        if self._judged is not segment:
            self._judged, self._verdicts = segment, {}
        verdicts = self._verdicts
        for code in codes:
            passes = verdicts.get(code)
            if passes is None:
                rule = self.rules[code]
                subject = segment_subject(self.org, self.index, segment, rule, self.context)
                passes = subject is None or not self._fails(code, subject)
                verdicts[code] = passes
            if not passes:
                return False
        return True

    def pod_passes(
        self,
        segment: Segment,
        pod_index: int,
        pod: Pod,
        codes: Iterable[str],
        same_shape: bool = True,
    ) -> bool:
        """Whether the pod, changed, passes: judged as the engine judges the segment's pods,
        with this pod in place of the one the segment holds. `same_shape`: the segment
        lists the same pods, pilot flags and model as the segment being planned, so the
        engine's pod subjects are reused (they differ only in the pod and its counts)."""
        for code in codes:
            if "pod" not in self.rules[code].scope:
                continue
            subjects = self._pod_subjects(segment, code, same_shape)
            subject = subjects.get(pod_index)
            if subject is None:
                continue
            if self._fails(code, subject._replace(segment=segment, pod=pod)):
                return False
        return True

    def pods_pass(self, segment: Segment, codes: Iterable[str]) -> bool:
        """Whether every pod the rules judge in `segment` (of any shape) passes them; the
        subjects are made once per rule."""
        for code in codes:
            if "pod" not in self.rules[code].scope:
                continue
            for subject in self._pod_subjects(segment, code, same_shape=False).values():
                if self._fails(code, subject):
                    return False
        return True

    def _pod_subjects(self, segment: Segment, code: str, same_shape: bool) -> Mapping[int, Subject]:
        """The pod subjects the rule judges, by pod index: made once per shape of the
        segment (which pods it lists and which are judged), so that time and memory stay
        linear in the pods."""
        found = self._made.get(code) if same_shape else None
        if found is None:
            found = {
                subject.pod_index: subject
                for subject in segment_subjects(
                    self.org, self.index, segment, self.rules[code], self.context
                )
                if subject.pod is not None and subject.pod_index is not None
            }
            if same_shape:
                self._made[code] = found
        return found

    def in_force(self, codes: Iterable[str]) -> tuple[str, ...]:
        return tuple([code for code in codes if code in self.rules])

    def rule(self, codes: Iterable[str]) -> Rule | None:
        """The first of the rules in force, for a closed-form guess."""
        return next((self.rules[code] for code in codes if code in self.rules), None)

    def today_codes(self) -> tuple[str, ...]:
        return self.in_force(c for c in self.roles.today if c in self.codes)

    def today_passes(self, segment: Segment, codes: Sequence[str]) -> bool:
        # Judged without the hiring plan: today's figures only, whatever the rule reads later.
        return self.segment_passes(replace(segment, hiring_plan=None), codes)

    def plan_codes(self) -> tuple[str, ...]:
        # Every hiring rule, targeted or not: CSMs launched today can make one fail (a
        # growth-rate pace compares with today's headcount).
        return self.in_force(self.roles.hiring)

    def fixed(self, before: Segment, codes: Sequence[str]) -> tuple[str, ...]:
        return tuple(c for c in codes if not self.segment_passes(before, (c,)))

    def pod_failures(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for result in self.failing:
            if result.pod is not None and result.rule in self.roles.pod:
                found.setdefault(result.pod, set()).add(result.rule)
        return found

    # The segment's state

    def unfixed(self, code: str, pod: str | None, why: str) -> None:
        self.todo.append(Todo.at(code, self.segment.id, pod, why))

    def set(self, segment: Segment, reshaped: bool = False) -> None:
        """The segment as planned so far; `reshaped`: its pods, their pilot flags or its
        model changed, so the pod subjects are made again."""
        old = self.segment
        if reshaped or len(segment.pods or ()) != len(old.pods or ()) or segment.model != old.model:
            self._made.clear()
        self.segment = segment

    def spare(self, role: str) -> int:
        pods = self.segment.pods or ()
        return getattr(self.segment.headcount, role) - sum(getattr(p, role) for p in pods)

    def with_pod(self, pod_index: int, pod: Pod, csm_added: int = 0) -> None:
        """Put a changed pod back; CSMs added to a pod are added to the segment too."""
        pods = list(self.segment.pods or ())
        pods[pod_index] = pod
        head = replace(self.segment.headcount, csm=self.segment.headcount.csm + csm_added)
        self.set(replace(self.segment, pods=pods, headcount=head))

    # Words

    def why(self, fixed: Sequence[str], ae: int, csm: int, accounts: int) -> str:
        """The figures today's fixed rules read, e.g. 'POD103: 30 accounts per CSM'."""
        if csm == 0:
            return ", ".join(fixed)
        parts: list[str] = []
        for code in fixed:
            if code in self.roles.pairing:
                parts.append(f"{code}: the pod has a CSM")
            elif code in self.roles.load:
                parts.append(f"{code}: {format_plain(Fraction(accounts, csm))} accounts per CSM")
            elif code in self.roles.ratio:
                parts.append(f"{code}: the ratio becomes {format_ratio(Fraction(ae, csm))}")
        return "; ".join(parts) or ", ".join(fixed)

    def made_to_fail(self, codes: Sequence[str]) -> str:
        """Words for the rules among `codes` that pass as proposed and fail only with the
        plan's earlier changes (CSMs launched today lower the hiring pace's base): a reader
        who saw them pass in `evaluate` must see why the plan touches them."""
        caused = [code for code in codes if code not in self.codes]
        if not caused or not self.changes:
            return ""
        named = ", ".join(caused)
        verb = "passes" if len(caused) == 1 else "pass"
        return f"; {named} {verb} as proposed and fails with the changes above"

    def ratio_words(self, before: Segment, after: Segment, codes: Sequence[str]) -> str:
        """The figure that failed and what it becomes, e.g. 'POD204: peak 1.33:1 → 1.2:1'."""
        parts = []
        for code in codes:
            if code in self.roles.hiring_ratio:
                old, old_month = peak(before)
                new, _ = peak(after)
                if old is not None and new is not None:
                    parts.append(
                        f"{code}: the ratio would reach {format_ratio(old)} in month "
                        f"{old_month}; at most {format_ratio(new)} with the plan"
                    )
            elif code in self.roles.pace:
                ae, csm = before.hires_next_12_months
                ae2, csm2 = after.hires_next_12_months
                parts.append(f"{code}: {ae} AE to {csm} CSM hires → {ae2} to {csm2}")
        return "; ".join(dict.fromkeys(parts)) or ", ".join(codes)


def people(count: int, role: str) -> str:
    return f"{count} {role}" if count == 1 else f"{count} {role}s"


def needed(rule: Rule | None) -> str:
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
