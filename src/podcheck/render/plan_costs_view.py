"""What a plan costs, as the plan's outputs show it: beside each change, and summed per file.

Pure functions of the priced plan (podcheck.plan.costs) and, for `--strategy cheapest`, of
the choice between strategies (podcheck.plan.cheapest).
"""

from typing import Any

from podcheck.plan.cheapest import Choice
from podcheck.plan.costs import Cost, PlanCost, Priced
from podcheck.render.economics_view import PEOPLE_ONLY, dollars


def cost_dict(cost: Cost | None) -> dict[str, Any] | None:
    """{first_year, run_rate}, exact as JSON allows; None when it cannot be priced."""
    if cost is None:
        return None
    return {"first_year": cost.first_year, "run_rate": cost.run_rate}


def change_cost(priced: Priced | None) -> dict[str, Any] | None:
    return None if priced is None else cost_dict(priced.cost)


def file_cost(cost: PlanCost | None) -> dict[str, Any] | None:
    """The file's sums for its required and recommended changes, and what they leave out."""
    if cost is None:
        return None
    return {
        "required": cost_dict(cost.required),
        "recommended": cost_dict(cost.recommended_total),
        "missing_roles": list(cost.missing),
        "counts": "people only",
    }


def choice_dict(choice: Choice) -> dict[str, Any]:
    return {
        "chosen": choice.chosen.strategy,
        "reaches_go": choice.reaches_go,
        "options": [
            {
                "strategy": option.strategy,
                "verdict_after": option.plan.verdict_after,
                "changes": len(option.plan.changes),
                "required": cost_dict(option.cost.required),
            }
            for option in choice.options
        ],
    }


def money_pair(cost: Cost) -> str:
    return f"{dollars(cost.first_year)} in the first year, {dollars(cost.run_rate)} a year"


def change_words(priced: Priced | None) -> str:
    """What a change costs, to follow its line; empty without costs or when it costs nothing."""
    if priced is None:
        return ""
    if priced.cost is None:
        return f" [not priced: no cost stated for {' or '.join(priced.missing)}]"
    if priced.cost.first_year == 0 and priced.cost.run_rate == 0:
        return ""
    if priced.cost.run_rate == 0:
        return f" [{dollars(priced.cost.first_year)} in the first year]"
    return f" [{money_pair(priced.cost)}]"


def _total_words(label: str, cost: Cost | None, missing: tuple[str, ...]) -> str:
    if cost is None:
        return f"{label}: not priced (no cost stated for {' or '.join(missing)})"
    return f"{label}: {money_pair(cost)}"


def summary_lines(cost: PlanCost | None, recommended: bool = False) -> list[str]:
    """The file's totals, then the one line that says what the cost leaves out."""
    if cost is None:
        return []
    lines = [_total_words("cost of the required changes", cost.required, cost.missing)]
    if recommended:
        lines.append(
            _total_words("cost of the recommended changes", cost.recommended_total, cost.missing)
        )
    return [*lines, PEOPLE_ONLY]


def choice_lines(choice: Choice) -> list[str]:
    """Which strategy was kept, and what the others would cost."""
    chosen = choice.chosen
    reached = "the cheapest that reaches go"
    if not choice.reaches_go:
        reached = "the cheapest; no strategy reaches go: the to-dos need a person"
    lines = [f"strategy: {chosen.strategy} ({reached})"]
    for option in choice.others:
        required = option.cost.required
        price = (
            "not priced"
            if required is None
            else f"{dollars(required.first_year)} in the first year"
        )
        verdict = "reaches go" if option.plan.verdict_after == "go" else "does not reach go"
        lines.append(f"  {option.strategy}: {price}, {len(option.plan.changes)} changes, {verdict}")
    return lines
