"""The planner's shortcuts give the plan its full searches give, byte for byte.

The planner confirms a closed-form CSM hiring sequence with one oracle call where the
ratio bars prove it minimal, keeps the last judged segment's verdicts, and reads the rule
roles once per rule book. The references here are the full checks those shortcuts stand
for: every added hire moved a month later judged by the engine, and every candidate judged
afresh. Over random proposals and random ratio bars, both give the same plan.
"""

from dataclasses import replace
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podcheck.judge.engine import evaluate, rule_status, segment_subject
from podcheck.judge.rule import Rule
from podcheck.judge.rulebook import load_catalogue
from podcheck.judge.waivers import Waiver
from podcheck.orgfile.loader import LoadedOrg, load_org
from podcheck.orgfile.model import Segment
from podcheck.plan import hires
from podcheck.plan import segment as segment_module
from podcheck.plan.changes import Plan, Strategy
from podcheck.plan.months import PLAN_MONTHS
from podcheck.plan.planner import make_plan
from podcheck.plan.roles import plan_rules
from podcheck.plan.segment import SegmentWork
from podcheck.render.plan_view import render_json, to_reach_go

CATALOGUE = load_catalogue()
STRATEGIES: tuple[Strategy, ...] = ("hire", "defer", "rebalance")

POLICIES = """
policies:
  renewal_ownership: {written: true, process_owner: csm, commercial_owner: ae, expansion: joint}
  coverage_plan: {documented: true, backup: cross-pod}
  comp: {ae_metrics: [new_arr, nrr], csm_metrics: [nrr]}
"""


def _full_confirmed(self: Any, extra: list[int]) -> bool:
    """The reference: the guess passes, and every added hire moved a month later fails."""
    passes = self.work.segment_passes
    if not passes(self.with_extra(extra), self.codes):
        return False
    for month in range(1, PLAN_MONTHS + 1):
        if extra[month] > extra[month - 1]:
            later = list(extra)
            later[month] -= 1
            if passes(self.with_extra(later), self.codes):
                return False
    return True


def _fresh_segment_passes(self: SegmentWork, segment: Segment, codes: Any) -> bool:
    """The reference: every candidate judged by the engine, nothing remembered."""
    for code in codes:
        rule = self.rules[code]
        subject = segment_subject(self.org, self.index, segment, rule, self.context)
        if subject is not None and rule_status(rule, subject, self.document, self.waivers) == (
            "fail"
        ):
            return False
    return True


def _shown(plan: Plan) -> tuple[Any, ...]:
    return (
        plan.verdict_after,
        plan.changes,
        plan.recommended,
        plan.todo,
        plan.totals,
        plan.leading,
        plan.revised,
        plan.revised_recommended,
        to_reach_go(plan),
    )


def _plans(
    loaded: LoadedOrg, book: tuple[Rule, ...], waivers: tuple[Waiver, ...] = ()
) -> list[Any]:
    report = evaluate(loaded, book, waivers, book)
    found: list[Any] = []
    for strategy in STRATEGIES:
        for verify in (True, False):
            plan = make_plan(
                loaded, book, waivers, strategy, report=report, verify=verify, book=book
            )
            found.append(_shown(plan))
            found.append(render_json([plan]))
    return found


@st.composite
def monthly_orgs(draw: st.DrawFn) -> LoadedOrg:
    """One pod segment whose hiring plan (mostly monthly, else totals) may break the ratio
    bars, and whose pods may carry too many accounts."""
    ae = draw(st.integers(0, 9))
    csm = draw(st.integers(0, 9))
    months = draw(st.lists(st.integers(1, 14), max_size=5, unique=True))
    entries = ", ".join(
        f"{{month: {m}, ae: {draw(st.integers(0, 5))}, csm: {draw(st.integers(0, 2))}}}"
        for m in sorted(months)
    )
    plan = f"[{entries}]"
    if draw(st.integers(0, 3)) == 0:
        plan = f"{{ae: {draw(st.integers(0, 8))}, csm: {draw(st.integers(0, 3))}}}"
    pods = ""
    if draw(st.booleans()) and ae and csm:
        count = draw(st.integers(1, min(ae, csm, 4)))
        marked = draw(st.booleans())
        pods = (
            "    pods: ["
            + ", ".join(
                f"{{id: p{i}, ae: 1, csm: 1, accounts: {draw(st.integers(10, 60))}"
                f"{', pilot: true' if marked and i < 2 else ''}}}"
                for i in range(count)
            )
            + "]\n"
        )
    tier = draw(st.sampled_from(["mid-market", "enterprise"]))
    rollout = draw(st.sampled_from(["pilot", "org-wide"]))
    text = (
        f"version: 1\norg: {{name: Reference, rollout: {rollout}}}\n{POLICIES}\nsegments:\n"
        f"  - id: seg\n    tier: {tier}\n    model: pod\n    acv: 60000\n    accounts: 250\n"
        f"    headcount: {{ae: {ae}, csm: {csm}}}\n    hiring_plan: {plan}\n{pods}"
    )
    return load_org("reference.yaml", text)


@st.composite
def ratio_bars(draw: st.DrawFn) -> tuple[Rule, ...]:
    """The catalogue with random bars (and strictness) for the hiring plan's ratio rules."""
    roles = plan_rules(CATALOGUE)
    changed = []
    for rule in CATALOGUE:
        if rule.code in roles.hiring_ratio and draw(st.booleans()):
            bar = Fraction(draw(st.integers(1, 8)), draw(st.integers(1, 4)))
            rule = replace(rule, threshold=bar, compare=draw(st.sampled_from(["<=", "<"])))
        changed.append(rule)
    return tuple(changed)


# Waivers for the hiring rules: a waived failure is no target, for the report and the oracle.
WAIVERS = st.lists(
    st.sampled_from([Waiver(0, "POD203", "paced later", "seg"), Waiver(1, "POD204", "accepted")]),
    max_size=1,
).map(tuple)


def _compare(loaded: LoadedOrg, book: tuple[Rule, ...], waivers: tuple[Waiver, ...] = ()) -> None:
    fast = _plans(loaded, book, waivers)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hires._Monthly, "_confirmed", _full_confirmed)
        patch.setattr(SegmentWork, "segment_passes", _fresh_segment_passes)
        reference = _plans(loaded, book, waivers)
    assert fast == reference


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(monthly_orgs(), ratio_bars(), WAIVERS)
def test_shortcuts_give_the_full_searches_plan(
    loaded: LoadedOrg, book: tuple[Rule, ...], waivers: tuple[Waiver, ...]
) -> None:
    _compare(loaded, book, waivers)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(monthly_orgs(), ratio_bars(), WAIVERS)
def test_shortcuts_give_the_full_searches_plan_at_length(
    loaded: LoadedOrg, book: tuple[Rule, ...], waivers: tuple[Waiver, ...]
) -> None:
    _compare(loaded, book, waivers)


def test_a_guessed_hire_is_confirmed_with_one_oracle_call() -> None:
    """The typical no-go (an AE hired a month before its CSM): the hiring rules are not
    judged again on the proposal (the report has), the closed form's one hire is judged
    once, and nothing again to list the rules it fixes; the plan is what the full checks
    find."""
    text = (
        f"version: 1\norg: {{name: Typical, rollout: org-wide}}\n{POLICIES}\nsegments:\n"
        "  - id: mm\n    tier: mid-market\n    model: pod\n    acv: 60000\n    accounts: 100\n"
        "    headcount: {ae: 4, csm: 4}\n"
        "    hiring_plan: [{month: 2, ae: 1}, {month: 3, csm: 1}]\n"
    )
    loaded = load_org("typical.yaml", text)
    report = evaluate(loaded, CATALOGUE, (), CATALOGUE)
    calls: list[str] = []

    def counted(rule: Rule, *args: Any) -> str:
        calls.append(rule.code)
        return rule_status(rule, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segment_module, "rule_status", counted)
        plan = make_plan(loaded, CATALOGUE, report=report, verify=False, book=CATALOGUE)
    (change,) = plan.changes
    assert (change.kind, change.month, change.count, change.rules) == (
        "hire-csm", 2, 1, ("POD204",)
    )  # fmt: skip
    assert calls == ["POD204"]
    _compare(loaded, CATALOGUE)
