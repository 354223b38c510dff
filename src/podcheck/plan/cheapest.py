"""`--strategy cheapest`: every strategy tried, the cheapest plan that reaches go kept.

Ranked by the required changes' first-year cost among the plans that reach go; ties go to
fewer changes, then to hire, defer, rebalance in that order (economics.md). When no strategy
reaches go (a policy still needs a person), the same ranking picks among all of them, and the
choice says so. A plan that cannot be priced (a role without a stated cost) ranks last.
"""

from collections.abc import Sequence
from typing import Any, NamedTuple

from podcheck.judge.report import FileReport
from podcheck.judge.rule import Rule
from podcheck.judge.waivers import Waiver
from podcheck.orgfile.loader import LoadedOrg
from podcheck.plan.changes import Plan, Strategy
from podcheck.plan.costs import PlanCost, price_plan
from podcheck.plan.planner import make_plan

ORDER: tuple[Strategy, ...] = ("hire", "defer", "rebalance")


class Option(NamedTuple):
    strategy: Strategy
    plan: Plan
    cost: PlanCost


class Choice(NamedTuple):
    chosen: Option
    options: tuple[Option, ...]  # every strategy tried, in ORDER
    reaches_go: bool  # whether the chosen plan reaches go

    @property
    def others(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.strategy != self.chosen.strategy)


class NoCosts(ValueError):
    """The file states no costs, so plans cannot be compared by what they cost."""


def rank(option: Option) -> tuple[Any, ...]:
    required = option.cost.required
    return (
        option.plan.verdict_after != "go",
        required is None,
        0 if required is None else required.first_year,
        len(option.plan.changes),
        ORDER.index(option.strategy),
    )


def choose(options: Sequence[Option]) -> Choice:
    best = min(options, key=rank)
    return Choice(best, tuple(options), best.plan.verdict_after == "go")


def cheapest(
    loaded: LoadedOrg,
    rules: Sequence[Rule],
    waivers: Sequence[Waiver] = (),
    fail_on: str = "error",
    report: FileReport | None = None,
    book: Sequence[Rule] | None = None,
) -> Choice:
    """Plan the file once per strategy and keep the cheapest; NoCosts without costs."""
    if not loaded.org.states_costs:
        raise NoCosts(
            f"{loaded.document.path}: --strategy cheapest compares what plans cost, and the "
            "file states no costs; add costs: {ae: ..., csm: ...} (see What go costs in the README)"
        )
    options = []
    for strategy in ORDER:
        plan = make_plan(loaded, rules, waivers, strategy, fail_on, report=report, book=book)
        cost = price_plan(plan, loaded.org)
        assert cost is not None  # the file states costs
        options.append(Option(strategy, plan, cost))
    return choose(options)
