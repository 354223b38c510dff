"""`podcheck report`: the printable review pack, as HTML or (with the pdf extra) PDF."""

import enum
import sys
from typing import Annotated

import typer

from podcheck.cli.common import (
    check_outputs,
    config_notice,
    emit,
    named_format,
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
    MapOption,
    MaxFileBytesOption,
    OutputOption,
    PackFormat,
    ShowAccountsOption,
    TodayOption,
)
from podcheck.cli.pack import judge_for_pack, page_shaping


class PaperChoice(str, enum.Enum):
    letter = "letter"
    a4 = "a4"


def report_command(
    file: Annotated[str, typer.Argument(help="Org file; '-' reads standard input.")],
    output_format: Annotated[
        PackFormat, typer.Option("--format", "-f", help="Output format.")
    ] = PackFormat.html,
    output: OutputOption = None,
    config: ConfigOption = None,
    config_ref: ConfigRefOption = None,
    today: TodayOption = None,
    accounts: AccountsOption = None,
    column_map: MapOption = None,
    show_accounts: ShowAccountsOption = False,
    date_order: DateOrderOption = None,
    max_file_bytes: MaxFileBytesOption = None,
    pdf: Annotated[
        bool,
        typer.Option("--pdf", help="Write PDF (also chosen by an -o name ending in .pdf)."),
    ] = False,
    paper: Annotated[
        PaperChoice, typer.Option("--paper", help="PDF paper size.")
    ] = PaperChoice.letter,
) -> None:
    """A printable, self-contained report: verdict, scorecard, charts and the checklist.

    HTML, or PDF with -o pack.pdf or --pdf (needs the pdf extra: pip install 'podcheck[pdf]').
    """
    from podcheck.render.html_report import render_report
    from podcheck.review import checklist as checklist_model
    from podcheck.run.session import RunOptions

    if output is None and sys.stdout.isatty():
        # A page of HTML is for a browser or a printer, never for reading in a terminal.
        usage_error(
            "report writes a page of HTML: name a file with -o, e.g. "
            "-o report.html (-o - writes it to standard output)"
        )
    output = None if output == STDOUT else output
    as_pdf = pdf or (output is not None and output.lower().endswith(".pdf"))
    if not as_pdf:  # `-o pack.json` asks for what the review pack is not
        named_format(output, ["html"])
    check_outputs([output], [file], accounts, config)
    if as_pdf:
        from podcheck.render.pdf import PdfUnavailable, available

        try:
            available()  # before any work: say at once what to install
        except PdfUnavailable as exc:
            usage_error(str(exc))
    options = RunOptions(
        config=config,
        config_ref=config_ref,
        max_file_bytes=max_file_bytes,
        today=today,
        accounts=accounts,
        column_map=column_map,
        show_accounts=show_accounts,
        date_order=None if date_order is None else date_order.value,
        reach=True,  # the report shows the first steps and draws the planned months
    )
    pack = judge_for_pack(file, options)
    config_notice(config, config_ref, github=False)
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
        pack.plan,
        options.invocation(),
    )
    if as_pdf:
        from podcheck.render.pdf import render_pdf

        document = render_pdf(page, paper.value)
        if output is None:
            sys.stdout.buffer.write(document)
        else:
            write_report(output, document)
    else:
        emit(page, output)
    # An export left partly unread exits 2 as an input error does (never a silent pass).
    raise typer.Exit(EXIT_INPUT_ERROR if pack.report.left_unread else 0)
