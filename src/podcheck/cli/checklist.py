"""`podcheck checklist`: the decision checklist for the review meeting."""

import sys
from typing import Annotated

import typer

from podcheck.cli.common import (
    check_outputs,
    color_wanted,
    config_notice,
    emit,
    named_format,
    option_given,
    terminal_width,
    usage_error,
)
from podcheck.cli.failures import EXIT_INPUT_ERROR
from podcheck.cli.options import (
    STDOUT,
    AccountsOption,
    ChecklistFormat,
    Color,
    ColorOption,
    ConfigOption,
    ConfigRefOption,
    DateOrderOption,
    MapOption,
    MaxFileBytesOption,
    OutputOption,
    ShowAccountsOption,
    TodayOption,
)
from podcheck.cli.pack import judge_for_pack, page_shaping


def checklist_command(
    file: Annotated[str, typer.Argument(help="Org file; '-' reads standard input.")],
    output_format: Annotated[
        ChecklistFormat,
        typer.Option(
            "--format", "-f", help="Output format (default: from -o's suffix, else terminal)."
        ),
    ] = ChecklistFormat.terminal,
    output: OutputOption = None,
    config: ConfigOption = None,
    config_ref: ConfigRefOption = None,
    color: ColorOption = Color.auto,
    today: TodayOption = None,
    accounts: AccountsOption = None,
    column_map: MapOption = None,
    show_accounts: ShowAccountsOption = False,
    date_order: DateOrderOption = None,
    max_file_bytes: MaxFileBytesOption = None,
) -> None:
    """The CRO and VP CS decision checklist: five questions, pilot criteria, 90-day metrics."""
    from dataclasses import replace

    from podcheck.render import checklist_view
    from podcheck.review import checklist as checklist_model
    from podcheck.run.session import RunOptions

    if not option_given("output_format"):  # `-o checklist.md` asks for Markdown
        named = named_format(output, ChecklistFormat.__members__)
        output_format = ChecklistFormat(named or "terminal")
    if output_format is ChecklistFormat.html and output is None and sys.stdout.isatty():
        # As `report`: a page of HTML is for a browser or a printer, not for a terminal.
        usage_error(
            "checklist --format html writes a page of HTML: name a file with -o, e.g. "
            "-o checklist.html (-o - writes it to standard output)"
        )
    output = None if output == STDOUT else output
    check_outputs([output], [file], accounts, config)
    options = RunOptions(
        config=config,
        config_ref=config_ref,
        max_file_bytes=max_file_bytes,
        today=today,
        accounts=accounts,
        column_map=column_map,
        show_accounts=show_accounts,
        date_order=None if date_order is None else date_order.value,
        reach=False,
    )
    pack = judge_for_pack(file, options)
    config_notice(config, config_ref, github=False)
    settings = pack.settings
    built = checklist_model.build(pack.report, pack.loaded.org, settings.rules, settings.rule_book)
    built = replace(built, notes=page_shaping(pack).notes)
    if output_format is ChecklistFormat.html:
        from podcheck.render.html_report import render_checklist

        text = render_checklist(
            built, pack.report, pack.stamp, settings.waivers, page_shaping(pack)
        )
    elif output_format is ChecklistFormat.markdown:
        text = checklist_view.render_markdown(built)
    elif output_format is ChecklistFormat.text:
        text = checklist_view.render_text(built)
    else:
        use_color = output is None and color_wanted(color)
        text = checklist_view.render_terminal(
            built, use_color, terminal_width() if output is None else 100
        )
    emit(text, output)
    # An export left partly unread exits 2 as an input error does (never a silent pass).
    raise typer.Exit(EXIT_INPUT_ERROR if pack.report.left_unread else 0)
