"""`podcheck plan`: the smallest changes that make each no-go file go."""

import enum
import sys
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from podcheck.cli.common import (
    bad_input,
    check_outputs,
    config_notice,
    named_format,
    option_given,
    start_session,
    usage_error,
    write_report,
)
from podcheck.cli.failures import EXIT_INPUT_ERROR
from podcheck.cli.options import (
    STDOUT,
    AccountsOption,
    ConfigOption,
    ConfigRefOption,
    DateOrderOption,
    FailOnOption,
    IgnoreOption,
    MapOption,
    MaxFileBytesOption,
    SelectOption,
    ShowAccountsOption,
)
from podcheck.core import inert
from podcheck.core.errors import InputErrors, UsageError

if TYPE_CHECKING:  # imported for real inside the command, to keep --help fast
    from podcheck.plan.changes import Plan
    from podcheck.plan.cheapest import Choice
    from podcheck.plan.costs import PlanCost
    from podcheck.run.session import Judged, Session


class PlanFormat(str, enum.Enum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"
    # A workbook: sheets segments, results and plan; written to a file (-o).
    xlsx = "xlsx"


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
        PlanFormat,
        typer.Option(
            "--format", "-f", help="Output format (default: from -o's suffix, else terminal)."
        ),
    ] = PlanFormat.terminal,
    output: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--output", "-o", help="Write the plan to this file instead of stdout."),
    ] = None,
    output_formats: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--output-format", help="Also write FORMAT=PATH, e.g. xlsx=plan.xlsx; repeatable."
        ),
    ] = None,
    write: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--write", help="Write the revised proposal here (one input file only)."),
    ] = None,
    config: ConfigOption = None,
    config_ref: ConfigRefOption = None,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    today: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--today", help="Judge waiver expiry as of this date (YYYY-MM-DD)."),
    ] = None,
    include_recommended: Annotated[
        bool,
        typer.Option(
            "--include-recommended",
            help="With --write, write the recommended changes too (warnings arithmetic can fix).",
        ),
    ] = False,
    accounts: AccountsOption = None,
    column_map: MapOption = None,
    show_accounts: ShowAccountsOption = False,
    date_order: DateOrderOption = None,
    max_file_bytes: MaxFileBytesOption = None,
) -> None:
    """What it would take: the smallest changes that make each no-go file go.

    Exit 0 when every revised proposal would be go, 1 when some rule still needs a person
    (the to-dos), 2 on input errors or an export left partly unread.
    """
    from podcheck.plan.costs import price_plan
    from podcheck.render import plan_view
    from podcheck.run.session import RunOptions, judge_file

    if write is not None and len(files) != 1:
        usage_error("--write takes one input file")
    if include_recommended and write is None:  # it says what --write writes, nothing else
        usage_error("--include-recommended needs --write FILE: it adds to what is written")
    if write in (STDOUT, ""):  # standard output holds the plan itself
        usage_error("--write needs a file name for the revised proposal")
    output = None if output == STDOUT else output
    if not option_given("output_format"):  # `-o plan.xlsx` asks for a workbook
        output_format = PlanFormat(named_format(output, PlanFormat.__members__) or "terminal")
    extras = _plan_outputs(output_formats)
    if output_format is PlanFormat.xlsx and output is None and sys.stdout.isatty():
        usage_error("--format xlsx writes a workbook: name a file with -o")
    # A device, a directory or the input itself is refused, as for evaluate's -o.
    printed = STDOUT if output is None else output
    check_outputs([write, printed, *(path for _, path in extras)], files, accounts, config)
    if accounts is not None and len(files) != 1:
        usage_error("--accounts takes one org file")
    session = start_session(
        RunOptions(
            config=config,
            config_ref=config_ref,
            select=select,
            ignore=ignore,
            max_file_bytes=max_file_bytes,
            fail_on=fail_on.value if fail_on else None,
            today=today,
            accounts=accounts,
            column_map=column_map,
            show_accounts=show_accounts,
            date_order=None if date_order is None else date_order.value,
            keep_accounts=True,  # so that the plan can move them
        )
    )
    # The same bar as `evaluate --config-ref` (whose "to reach go" points here), said the same.
    config_notice(config, config_ref, github=False)
    plans, judged, failed = [], [], False
    costs: list[PlanCost | None] = []
    choices: list[Choice | None] = []
    for path in files:
        try:
            # With an export, the file is judged against the real books first.
            found = judge_file(path, session, strategy=strategy.value)
        except InputErrors as exc:
            failed = True
            for error in exc.errors:
                typer.echo(str(error), err=True)
            continue
        except UsageError as exc:  # cheapest, for a file that states no costs
            bad_input(exc)
        assert found.plan is not None  # planned with the strategy
        plans.append(found.plan)
        judged.append(found)
        costs.append(price_plan(found.plan, found.loaded.org))
        if found.choice is not None:
            choices.append(found.choice)
    if failed:
        raise typer.Exit(EXIT_INPUT_ERROR)
    if write is not None:
        plans = [_write_revised(write, judged[0], plans[0], include_recommended, session)]
    shaped = _shaped(judged, session, files)

    def made(chosen: PlanFormat) -> str | bytes:
        if chosen is PlanFormat.xlsx:
            return _workbook(judged, plans, costs, session)
        if chosen is PlanFormat.json:
            return plan_view.render_json(plans, costs, choices or ())
        render = plan_view.render_markdown
        if chosen is PlanFormat.terminal:
            render = plan_view.render_terminal
        return render(plans, costs, choices or (), shaped)

    for chosen, path in extras:
        write_report(path, made(chosen))
    document = made(output_format)
    if output is not None:
        write_report(output, document)
    elif isinstance(document, bytes):
        sys.stdout.buffer.write(document)
    else:
        sys.stdout.write(document)
    # Nothing unread passes: a plan made on an export with refused rows, or with no rows for
    # a pod segment, is not a clean go.
    unread = [j.report for j in judged if j.report is not None and j.report.left_unread]
    for report in unread:
        for error in report.errors:
            typer.echo(str(error), err=True)
        if report.export is not None and report.export.incomplete:
            said = f"{report.path}: {report.verdict.upper()}: {report.export.line}"
            typer.echo(
                inert.ci_safe(inert.escape(f"{said}; the plan covers the rows read")), err=True
            )
    if unread:
        raise typer.Exit(EXIT_INPUT_ERROR)
    raise typer.Exit(0 if all(p.verdict_after == "go" for p in plans) else 1)


def _shaped(judged: "list[Judged]", session: "Session", files: list[str]) -> tuple[str, ...]:
    """What shaped the plans besides the files, as evaluate says it: rules left out, the
    config's thresholds, waivers applied, the gate."""
    from podcheck.review import shaping

    run = session.report(tuple(j.report for j in judged if j.report is not None), files)
    return tuple(note.text for note in shaping.notes(run))


def _write_revised(
    write: str, judged: "Judged", found: "Plan", include_recommended: bool, session: "Session"
) -> "Plan":
    """Write the revised proposal, judged again first (on its own, without an export: the
    account moves are made in the CRM, not in the file): the plan announces the verdict
    the written file gets, and a text that would not load is never written."""
    from podcheck.plan.changes import targets
    from podcheck.plan.write import revise
    from podcheck.run.session import judge_file

    revised = found.revised
    if include_recommended and found.revised_recommended is not None:
        revised = found.revised_recommended
    loaded = judged.loaded
    written = revise(judged.text, loaded.document, loaded.org, revised)
    try:
        again = judge_file(judged.shown, session._replace(export=None, reach=False), text=written)
    except InputErrors:
        typer.echo(f"{write}: error: the revised proposal did not load; nothing written", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from None
    assert again.report is not None  # judged
    write_report(write, written)
    if written == judged.text:  # only moves made in the CRM, or to-dos: said, not implied
        said = f"{write}: the file as it was: none of the plan's changes is made in the file"
        typer.echo(inert.ci_safe(inert.escape(said)), err=True)
    failing = targets(again.report, session.fail_on)
    # Judged without the export: its rules' to-dos (a pod's accounts with no CSM) still
    # stand, and books left unread still keep the file from go.
    if failing or found.todo:
        return found._replace(verdict_after="no-go")
    return found._replace(
        verdict_after="incomplete" if found.verdict_after == "incomplete" else "go"
    )


def _plan_outputs(values: list[str] | None) -> list[tuple[PlanFormat, str]]:
    """--output-format FORMAT=PATH, for the plan's formats."""
    found = []
    for value in values or ():
        name, sep, path = value.partition("=")
        if not sep or not path or path == STDOUT:
            usage_error(f"--output-format expects FORMAT=PATH with a file, got {value!r}")
        if name not in PlanFormat.__members__:
            choices = ", ".join(PlanFormat.__members__)
            usage_error(f"--output-format: unknown format {name!r}; choose from {choices}")
        found.append((PlanFormat(name), path))
    return found


def _workbook(
    judged: "list[Judged]",
    plans: "list[Plan]",
    costs: "list[PlanCost | None]",
    session: "Session",
) -> bytes:
    """Sheets segments and results from each file's evaluation, and sheet plan."""
    from podcheck.judge.engine import evaluate
    from podcheck.judge.report import Report
    from podcheck.render.formats.xlsx import workbook

    settings = session.settings
    reports = tuple(
        found.report
        if found.report is not None
        else evaluate(found.loaded, settings.rules, found.waivers, settings.rule_book)
        for found in judged
    )
    return workbook(Report(files=reports, rules=settings.rules), plans, costs)
