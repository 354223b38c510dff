"""`podcheck report`: the printable HTML review pack."""

import sys
from typing import Annotated

import typer

from podcheck.cli.common import check_outputs, emit, usage_error
from podcheck.cli.options import (
    EXIT_INPUT_ERROR,
    STDOUT,
    AccountsOption,
    ConfigOption,
    DateOrderOption,
    MapOption,
    OutputOption,
    PackFormat,
    ShowAccountsOption,
    TodayOption,
)
from podcheck.cli.pack import judge_for_pack, page_shaping


def pack_report(
    file: Annotated[str, typer.Argument(help="Org file; '-' reads standard input.")],
    output_format: Annotated[
        PackFormat, typer.Option("--format", "-f", help="Output format.")
    ] = PackFormat.html,
    output: OutputOption = None,
    config: ConfigOption = None,
    today: TodayOption = None,
    accounts: AccountsOption = None,
    column_map: MapOption = None,
    show_accounts: ShowAccountsOption = False,
    date_order: DateOrderOption = None,
) -> None:
    """A printable, self-contained HTML report: verdict, scorecard, charts and the checklist."""
    from podcheck.render.html_report import render_report
    from podcheck.review import checklist as checklist_model

    if output is None and sys.stdout.isatty():
        # A page of HTML is for a browser or a printer, never for reading in a terminal.
        usage_error(
            "report writes a page of HTML: name a file with -o, e.g. "
            "-o report.html (-o - writes it to standard output)"
        )
    output = None if output == STDOUT else output
    check_outputs([output], [file])
    pack = judge_for_pack(file, config, today, accounts, column_map, show_accounts, date_order)
    org, settings = pack.loaded.org, pack.settings
    built = checklist_model.build(pack.report, org, settings.rules, settings.rule_book)
    page = render_report(
        pack.report,
        org,
        settings.rule_book,
        built,
        pack.stamp,
        settings.waivers,
        page_shaping(pack),
        pack.export,
    )
    emit(page, output)
    raise typer.Exit(EXIT_INPUT_ERROR if pack.report.errors else 0)
