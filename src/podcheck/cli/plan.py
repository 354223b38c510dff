"""`podcheck plan`: the smallest changes that make each no-go file go."""

import enum
import sys
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from podcheck.cli.common import (
    account_export,
    check_outputs,
    gate_level,
    load_settings,
    run_date,
    usage_error,
    without_export,
    write_output,
)
from podcheck.cli.options import (
    EXIT_INPUT_ERROR,
    STDIN,
    AccountsOption,
    ConfigOption,
    DateOrder,
    DateOrderOption,
    DiffFormat,
    FailOnOption,
    IgnoreOption,
    MapOption,
    SelectOption,
    ShowAccountsOption,
)
from podcheck.core.errors import InputErrors

if TYPE_CHECKING:  # imported for real inside the commands, to keep --help fast
    from podcheck.accounts.tally import Tally
    from podcheck.judge.rulebook import Settings
    from podcheck.orgfile.loader import LoadedOrg
    from podcheck.plan.cheapest import Choice
    from podcheck.plan.costs import PlanCost
    from podcheck.plan.planner import Plan


PlanFormat = DiffFormat


class PlanStrategy(str, enum.Enum):
    hire = "hire"
    defer = "defer"
    rebalance = "rebalance"
    # Every strategy tried; the plan that reaches go for the least first-year cost is kept.
    cheapest = "cheapest"


def plan_command(
    files: Annotated[
        list[str], typer.Argument(help="Org files to plan; '-' reads standard input.")
    ],
    strategy: Annotated[
        PlanStrategy,
        typer.Option(
            "--strategy",
            "-s",
            help="How numeric rules are fixed; cheapest tries each and keeps the cheapest go.",
        ),
    ] = PlanStrategy.hire,
    output_format: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="Output format.")
    ] = PlanFormat.terminal,
    write: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--write", help="Write the revised proposal here (one input file only)."),
    ] = None,
    config: ConfigOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    today: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--today", help="Judge waiver expiry as of this date (YYYY-MM-DD)."),
    ] = None,
    accounts: AccountsOption = None,
    column_map: MapOption = None,
    show_accounts: ShowAccountsOption = False,
    date_order: DateOrderOption = None,
) -> None:
    """What it would take: the smallest changes that make each no-go file go.

    Exit 0 when every revised proposal would be go, 1 when some rule still needs a person
    (the to-dos), 2 on input errors.
    """
    from podcheck.orgfile.loader import load_org
    from podcheck.plan.cheapest import NoCosts, cheapest
    from podcheck.plan.costs import price_plan
    from podcheck.plan.planner import make_plan
    from podcheck.render import plan_view
    from podcheck.run import session as run

    if write is not None and len(files) != 1:
        usage_error("--write takes one input file")
    if write in (STDIN, ""):  # standard output holds the plan itself
        usage_error("--write needs a file name for the revised proposal")
    # A device, a directory or the input itself is refused, as for evaluate's -o.
    check_outputs([write], files)
    if accounts is not None and len(files) != 1:
        usage_error("--accounts takes one org file")
    as_of = run_date(today)
    settings = load_settings(config, select, ignore)
    export = _export_for_moves(accounts, column_map, show_accounts, settings, date_order)
    if export is None:
        settings = without_export(settings)
    waivers = run.active_waivers(settings, as_of)
    gate = gate_level(fail_on, settings)
    plans, texts, failed = [], [], False
    costs: list[PlanCost | None] = []
    choices: list[Choice | None] = []
    for path in files:
        try:
            shown, text = run.read(path, settings)
            loaded = load_org(shown, text)
        except InputErrors as exc:
            failed = True
            for error in exc.errors:
                typer.echo(str(error), err=True)
            continue
        # With an export, the file is judged against the real books first.
        judged = None if export is None else run.judge_text(shown, text, settings, waivers, export)
        report = None if judged is None else judged.report
        if strategy is PlanStrategy.cheapest:
            try:
                choice = cheapest(loaded, settings.rules, waivers, gate, report, settings.rule_book)
            except NoCosts as exc:
                usage_error(str(exc))
            found, choices = choice.chosen.plan, [*choices, choice]
        else:
            found = make_plan(
                loaded,
                settings.rules,
                waivers,
                strategy.value,
                gate,
                report=report,
                book=settings.rule_book,
            )
        if export is not None:
            found = _with_moves(found, export, loaded, settings)
        plans.append(found)
        costs.append(price_plan(found, loaded.org))
        texts.append((text, loaded))
    if failed:
        raise typer.Exit(EXIT_INPUT_ERROR)
    if write is not None:
        from podcheck.plan.write import revise

        (text, loaded), (found,) = texts[0], plans
        write_output(write, revise(text, loaded.document, loaded.org, found.revised))
    renderers = {
        PlanFormat.terminal: plan_view.render_terminal,
        PlanFormat.json: plan_view.render_json,
        PlanFormat.markdown: plan_view.render_markdown,
    }
    sys.stdout.write(renderers[output_format](plans, costs, choices or ()))
    raise typer.Exit(0 if all(p.verdict_after == "go" for p in plans) else 1)


def _export_for_moves(
    path: str | None,
    column_map: str | None,
    show: bool,
    settings: "Settings",
    date_order: DateOrder | None = None,
) -> "Tally | None":
    """The export for `plan --accounts`, read keeping each account so it can be moved."""
    return account_export(path, column_map, show, settings, date_order, keep_accounts=True)


def _with_moves(
    found: "Plan", export: "Tally", loaded: "LoadedOrg", settings: "Settings"
) -> "Plan":
    """The plan with the account moves that bring every CSM under the export's load bar."""
    from podcheck.accounts.moves import propose_moves
    from podcheck.plan.planner import with_account_moves
    from podcheck.render.accounts_view import load_limit

    rule = next((r for r in settings.rule_book if r.metric == "export_csm_load"), None)
    if rule is None:
        return found
    moves = propose_moves(export, loaded.org, load_limit(settings.rule_book))
    return with_account_moves(found, moves, rule.code)
