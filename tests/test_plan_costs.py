"""What a plan costs (economics.md), checked change by change against the formulas, and as a
whole against the person-months the revised proposal adds, for every strategy."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
from typer.testing import CliRunner

from conftest import BASE_ORG, CATALOGUE, ROOT, dump_yaml
from podcheck.cli.app import app
from podcheck.orgfile.loader import load_org
from podcheck.orgfile.model import HiringTotals, OrgFile, Segment
from podcheck.plan.changes import Change
from podcheck.plan.cheapest import NoCosts, cheapest
from podcheck.plan.costs import price_plan
from podcheck.plan.planner import make_plan
from podcheck.render.plan_view import render_json, render_markdown, render_terminal

STRATEGIES = ("hire", "defer", "rebalance")
AE, CSM = Fraction(200_000), Fraction("120000.60")
COSTS = {"ae": "$200K", "csm": "$120,000.60"}


def _segment(**fields: object) -> dict:
    base = {"id": "mm", "tier": "mid-market", "model": "pod", "acv": 45000, "accounts": 100}
    return {**base, **fields}


CASES = {
    # POD204 fails from month 2: CSMs hired by month, or AE hires moved later.
    "monthly": _segment(
        headcount={"ae": 5, "csm": 5},
        pod_count=4,
        hiring_plan=[
            {"month": 2, "ae": 2},
            {"month": 6, "ae": 2},
            {"month": 9, "ae": 1, "csm": 1},
        ],
    ),
    # The same written as 12-month totals: spread evenly over the year.
    "totals": _segment(headcount={"ae": 5, "csm": 5}, pod_count=4, hiring_plan={"ae": 6, "csm": 1}),
    # Loads over 35 today and a ratio over 1.2: CSMs at launch, or AEs moved out.
    "launch": _segment(
        tier="enterprise",
        acv=80000,
        accounts=200,
        headcount={"ae": 9, "csm": 5},
        hiring_plan={"ae": 0, "csm": 0},
        pod_count=3,
    ),
    # A pilot of two pods: one more, staffed by a spare CSM and an AE added at launch.
    "pilot": _segment(
        headcount={"ae": 2, "csm": 3},
        hiring_plan={"ae": 0, "csm": 0},
        pods=[
            {"id": "p1", "ae": 1, "csm": 1, "accounts": 30},
            {"id": "p2", "ae": 1, "csm": 1, "accounts": 30},
        ],
        accounts=60,
    ),
    # Enterprise at 1.2:1 passes the gate; parity (a warning) recommends more CSMs, by month.
    "parity": _segment(
        tier="enterprise",
        acv=80000,
        accounts=150,
        headcount={"ae": 6, "csm": 5},
        pod_count=5,
        hiring_plan=[{"month": 4, "ae": 1, "csm": 1}],
    ),
    # A segment's own CSM cost, and AE hires that month 12 alone cannot hold.
    "override": _segment(
        headcount={"ae": 5, "csm": 5},
        pod_count=4,
        costs={"csm": "$90K"},
        hiring_plan=[{"month": 11, "ae": 3}, {"month": 12, "ae": 2}],
    ),
}


def _text(segment: dict, costs: dict | None = COSTS) -> str:
    data = {**BASE_ORG, "segments": [segment]}
    if costs is not None:
        data["costs"] = costs
    return dump_yaml(data, sort_keys=False)


def _plan(name: str, strategy: str):
    loaded = load_org(f"{name}.yaml", _text(CASES[name]))
    return loaded, make_plan(loaded, CATALOGUE, strategy=strategy)


def _costs(org: OrgFile, segment: Segment) -> tuple[Fraction, Fraction]:
    costs = org.costs_of(segment)
    assert costs is not None and costs.ae is not None and costs.csm is not None
    return Fraction(costs.ae), Fraction(costs.csm)


def _expected(change: Change, org: OrgFile, revised: OrgFile) -> tuple[Fraction, Fraction]:
    """economics.md's formula for one change, read from the change as the plan states it."""
    before = next(s for s in org.segments if s.id == change.segment)
    ae, csm = _costs(org, before)
    count = change.count or 0
    if change.kind == "launch-csm":
        return count * csm, count * csm
    if change.kind == "hire-csm":
        if change.month is None:  # totals: one twelfth of the hire in each month 1..12
            return count * csm * sum(Fraction(13 - m, 12) for m in range(1, 13)) / 12, count * csm
        return count * csm * Fraction(13 - change.month, 12), count * csm
    if change.kind == "defer-ae":
        if change.month is None:
            return -count * ae * sum(Fraction(13 - m, 12) for m in range(1, 13)) / 12, Fraction(0)
        destination = re.search(r"from month \d+ to (month (\d+)|past month 12) \(", change.message)
        assert destination, change.message  # one destination per change in these cases
        later = int(destination[2]) if destination[2] else 13
        return -count * ae * Fraction(later - change.month, 12), Fraction(0)
    if change.kind == "add-pod":
        after = next(s for s in revised.segments if s.id == change.segment)
        added_ae = after.headcount.ae - before.headcount.ae
        added_csm = after.headcount.csm - before.headcount.csm
        return added_ae * ae + added_csm * csm, added_ae * ae + added_csm * csm
    return Fraction(0), Fraction(0)  # moves, policies, a change of model: nothing


def _person_months(segment: Segment, role: str) -> Fraction:
    """People of `role` employed over months 1..12, hires counted from their month."""
    months = Fraction(getattr(segment.headcount, role) * 12)
    plan = segment.hiring_plan
    if isinstance(plan, HiringTotals):
        return months + Fraction(getattr(plan, role) * 78, 12)  # sum of m/12 over 1..12
    for entry in plan or ():
        if entry.month <= 12:
            months += getattr(entry, role) * (13 - entry.month)
    return months


def _hire_months(segment: Segment, role: str) -> Fraction:
    return _person_months(segment, role) - getattr(segment.headcount, role) * 12


PAIRS = [(name, strategy) for name in CASES for strategy in STRATEGIES]


@pytest.mark.parametrize(("name", "strategy"), PAIRS)
def test_every_change_is_priced_by_its_formula(name, strategy):
    loaded, plan = _plan(name, strategy)
    cost = price_plan(plan, loaded.org)
    assert cost is not None and (plan.changes or plan.recommended)
    for change, priced in zip(plan.changes, cost.changes, strict=True):
        first_year, run_rate = _expected(change, loaded.org, plan.revised)
        assert priced.cost is not None
        assert (priced.cost.first_year, priced.cost.run_rate) == (first_year, run_rate), change
    assert cost.required is not None
    assert cost.required.first_year == sum(p.cost.first_year for p in cost.changes)
    assert cost.required.run_rate == sum(p.cost.run_rate for p in cost.changes)
    # Recommended changes are made on the proposal with the required ones applied.
    after = plan.revised_recommended or plan.revised
    for change, priced in zip(plan.recommended, cost.recommended, strict=True):
        assert priced.cost is not None
        expected = _expected(change, plan.revised, after)
        assert (priced.cost.first_year, priced.cost.run_rate) == expected, change
    assert cost.recommended_total.first_year == sum(p.cost.first_year for p in cost.recommended)


@pytest.mark.parametrize(("name", "strategy"), PAIRS)
def test_the_first_year_is_the_person_months_the_plan_adds(name, strategy):
    """Independent of the changes: what the revised proposal employs in months 1..12, less
    what the proposal did. An AE moved out of the pods still works (no saving)."""
    loaded, plan = _plan(name, strategy)
    cost = price_plan(plan, loaded.org)
    (before,), (after,) = loaded.org.segments, plan.revised.segments
    _check_person_months(cost.required, before, after, loaded.org)
    if plan.revised_recommended is not None:
        (recommended,) = plan.revised_recommended.segments
        _check_person_months(cost.recommended_total, after, recommended, loaded.org)


def _check_person_months(total, before: Segment, after: Segment, org: OrgFile) -> None:
    ae, csm = _costs(org, before)
    csm_months = _person_months(after, "csm") - _person_months(before, "csm")
    ae_months = _hire_months(after, "ae") - _hire_months(before, "ae")
    ae_months += max(after.headcount.ae - before.headcount.ae, 0) * 12
    assert total.first_year == (csm * csm_months + ae * ae_months) / 12
    csm_people = after.headcount.csm - before.headcount.csm
    csm_people += after.hires_next_12_months[1] - before.hires_next_12_months[1]
    ae_people = max(after.headcount.ae - before.headcount.ae, 0)
    assert total.run_rate == csm * csm_people + ae * ae_people


def test_the_cases_cover_every_priced_kind_of_change():
    kinds = set()
    for name, strategy in PAIRS:
        _, plan = _plan(name, strategy)
        assert plan.verdict_after == "go", (name, strategy)
        kinds |= {(c.kind, c.month is None) for c in plan.changes}
    for kind in ("hire-csm", "defer-ae"):
        assert (kind, True) in kinds and (kind, False) in kinds, kind  # totals and monthly
    assert ("launch-csm", True) in kinds and ("add-pod", True) in kinds
    assert ("move-ae", True) in kinds  # priced at nothing
    loaded, plan = _plan("parity", "hire")
    assert plan.verdict_before == "go" and plan.recommended  # a warning's fix, priced
    assert price_plan(plan, loaded.org).recommended_total == (CSM, CSM)


def test_a_deferral_is_a_saving_and_keeps_the_run_rate():
    loaded, plan = _plan("monthly", "defer")
    deferrals = [
        p
        for c, p in zip(plan.changes, price_plan(plan, loaded.org).changes, strict=True)
        if c.kind == "defer-ae"
    ]
    assert deferrals
    assert all(p.cost.first_year < 0 and p.cost.run_rate == 0 for p in deferrals)


@pytest.mark.parametrize("name", CASES)
def test_cheapest_keeps_the_cheapest_of_the_three_run_one_by_one(name):
    loaded = load_org(f"{name}.yaml", _text(CASES[name]))
    runs = []
    for order, strategy in enumerate(STRATEGIES):
        plan = make_plan(loaded, CATALOGUE, strategy=strategy)
        first_year = price_plan(plan, loaded.org).required.first_year
        runs.append((plan.verdict_after != "go", first_year, len(plan.changes), order, strategy))
    expected = min(runs)[-1]
    choice = cheapest(loaded, CATALOGUE)
    assert choice.chosen.strategy == expected
    assert [o.strategy for o in choice.options] == list(STRATEGIES)
    for option, run in zip(choice.options, runs, strict=True):
        assert option.cost.required.first_year == run[1]
    assert choice.chosen.plan == make_plan(loaded, CATALOGUE, strategy=expected)


def test_cheapest_from_the_command_line_names_the_others(tmp_path):
    path = tmp_path / "monthly.yaml"
    path.write_text(_text(CASES["monthly"]))
    runner = CliRunner()
    done = runner.invoke(app, ["plan", str(path), "--strategy", "cheapest", "-f", "json"])
    assert done.exit_code == 0, done.output
    (file,) = json.loads(done.stdout)["files"]
    strategy = file["strategy"]
    assert [o["strategy"] for o in strategy["options"]] == list(STRATEGIES)
    chosen = next(o for o in strategy["options"] if o["strategy"] == strategy["chosen"])
    assert chosen["required"] == file["cost"]["required"]
    reaching = [o for o in strategy["options"] if o["verdict_after"] == "go"]
    assert chosen["required"]["first_year"] == min(o["required"]["first_year"] for o in reaching)
    text = runner.invoke(app, ["plan", str(path), "--strategy", "cheapest"]).stdout
    assert text.count("The cost counts people only") == 1
    for other in STRATEGIES:
        if other != strategy["chosen"]:
            assert f"    {other}: $" in text


def test_cheapest_without_costs_is_a_usage_error_that_says_why(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text(_text(CASES["monthly"], costs=None))
    done = CliRunner().invoke(app, ["plan", str(path), "--strategy", "cheapest"])
    assert done.exit_code == 2
    assert "states no costs" in done.stderr and done.stderr.count("\n") == 1
    # The README section it names exists.
    section = re.search(r"see (.+) in the README", done.stderr)
    assert section and f"## {section[1]}" in (ROOT / "README.md").read_text()
    with pytest.raises(NoCosts):
        cheapest(load_org("plain.yaml", path.read_text()), CATALOGUE)


def test_without_costs_the_plan_prints_no_cost():
    loaded = load_org("plain.yaml", _text(CASES["monthly"], costs=None))
    plan = make_plan(loaded, CATALOGUE)
    assert price_plan(plan, loaded.org) is None
    cost = [price_plan(plan, loaded.org)]
    assert render_terminal([plan], cost) == render_terminal([plan])
    assert "$" not in render_terminal([plan]) and "people only" not in render_markdown([plan])
    data = json.loads(render_json([plan], cost))["files"][0]
    assert data["cost"] is None and all(c["cost"] is None for c in data["changes"])


def test_a_role_without_a_cost_is_named_not_priced_at_zero():
    loaded = load_org("half.yaml", _text(CASES["monthly"], costs={"ae": "$200K"}))
    plan = make_plan(loaded, CATALOGUE, strategy="hire")
    cost = price_plan(plan, loaded.org)
    assert cost.required is None and cost.missing == ("csm",)
    text = render_terminal([plan], [cost])
    assert "not priced (no cost stated for csm)" in text
    assert "$0" not in text


def test_outputs_show_each_change_and_the_sums_in_whole_dollars():
    loaded, plan = _plan("monthly", "hire")
    cost = price_plan(plan, loaded.org)
    text = render_terminal([plan], [cost])
    first = cost.changes[0].cost
    assert first.first_year != int(first.first_year)  # cents: rounded only when shown
    shown = round(first.first_year)
    assert f"[${shown:,} in the first year, " in text
    total = cost.required
    assert f"cost of the required changes: ${round(total.first_year):,} in the first year" in text
    assert text.count("The cost counts people only") == 1
    markdown = render_markdown([plan], [cost])
    assert "cost of the required changes" in markdown
    data = json.loads(render_json([plan], [cost]))["files"][0]
    assert data["cost"]["required"]["run_rate"] == float(round(total.run_rate, 4))
    assert data["changes"][0]["cost"]["first_year"] == round(float(first.first_year), 4)
