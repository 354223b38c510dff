"""`podcheck evaluate`: judge org files, go or no-go, in every format."""

import itertools
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from podcheck.cli.common import (
    check_config_change_option,
    check_outputs,
    color_wanted,
    config_notice,
    exit_code,
    parse_outputs,
    report_errors,
    resolve_format,
    start_session,
    terminal_width,
    usage_error,
    write_report,
)
from podcheck.cli.options import (
    AUTO,
    JOBS_PER_CPU,
    STDOUT,
    AccountsOption,
    Color,
    ColorOption,
    ConfigOption,
    ConfigRefOption,
    DateOrderOption,
    FailOnConfigChangeOption,
    FailOnOption,
    IgnoreOption,
    MapOption,
    MaxFileBytesOption,
    ReportFormat,
    SelectOption,
    ShowAccountsOption,
)

if TYPE_CHECKING:  # imported for real inside the commands, to keep --help fast
    from podcheck.run.batch import Job, Outcome


PROGRESS_FROM = 20


def wants_progress(count: int, stream: object) -> bool:
    """A progress bar only for many files, and only when stderr is a terminal."""
    isatty = getattr(stream, "isatty", None)
    return count >= PROGRESS_FROM and callable(isatty) and bool(isatty())


def _evaluate_all(files: list[str], job: "Job", jobs: int | None) -> "list[Outcome]":
    """Every file judged, in order, with input errors written to stderr as they come."""
    from podcheck.run.batch import WorkerStopped, judge_all

    try:
        return _collect(judge_all(files, job, jobs), len(files))
    except WorkerStopped as exc:
        usage_error(str(exc))


def _collect(judged: Iterator["Outcome"], count: int) -> list["Outcome"]:
    outcomes = []
    if not wants_progress(count, sys.stderr):
        for outcome in judged:
            report_errors(outcome.report)
            outcomes.append(outcome)
        return outcomes
    from rich.console import Console
    from rich.progress import Progress

    # The first outcome starts the workers; the progress bar's thread must start after them.
    first = next(judged, None)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("evaluating", total=count)
        for outcome in itertools.chain((first,) if first else (), judged):
            report_errors(outcome.report)
            outcomes.append(outcome)
            progress.advance(task)
    return outcomes


def evaluate_command(
    files: Annotated[
        list[str], typer.Argument(help="Org files to judge; '-' reads standard input.")
    ],
    output_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format", "-f", help="Output format; auto is github in GitHub Actions, else terminal."
        ),
    ] = ReportFormat[AUTO],
    output: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--output", "-o", help="Write the report to this file instead of stdout ('-')."
        ),
    ] = None,
    output_formats: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--output-format", help="Also write FORMAT=PATH, e.g. sarif=podcheck.sarif; repeatable."
        ),
    ] = None,
    config: ConfigOption = None,
    config_ref: ConfigRefOption = None,
    fail_on_config_change: FailOnConfigChangeOption = False,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List passes and skips too.")
    ] = False,
    color: ColorOption = Color.auto,
    today: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--today", help="Judge waiver expiry as of this date (YYYY-MM-DD)."),
    ] = None,
    max_file_bytes: MaxFileBytesOption = None,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help=(
                "Processes to judge files on (default: one per CPU from 100 files, on Linux; "
                f"at most {JOBS_PER_CPU} per CPU)."
            ),
        ),
    ] = None,
    accounts: AccountsOption = None,
    column_map: MapOption = None,
    show_accounts: ShowAccountsOption = False,
    date_order: DateOrderOption = None,
) -> None:
    """Judge org files: go or no-go, segment by segment, with the evidence."""
    from podcheck.render import formats
    from podcheck.render.formats import BINARY_FORMATS, SHOW_TO_REACH_GO, RenderOptions
    from podcheck.run.batch import Job
    from podcheck.run.session import RunOptions

    check_config_change_option(fail_on_config_change, config_ref)
    extras = parse_outputs(output_formats)
    if output == STDOUT:
        output = None
    check_outputs(
        [STDOUT if output is None else output, *(path for _, path in extras)],
        files,
        accounts,
        config,
    )
    if jobs is not None and jobs > (most := JOBS_PER_CPU * (os.cpu_count() or 1)):
        jobs = most
    shown_format = resolve_format(output_format.value, output)
    if shown_format in BINARY_FORMATS and output is None and sys.stdout.isatty():
        usage_error(f"--format {shown_format} writes a workbook: name a file with -o")
    chosen = [shown_format, *(name for name, _ in extras)]
    run_options = RunOptions(
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
        # "To reach go" is planned only when an output shows it.
        reach=any(name in SHOW_TO_REACH_GO for name in chosen),
    )
    session = start_session(run_options, annotate=shown_format == "github" and output is None)
    config_changed = config_notice(config, config_ref, shown_format == "github")
    to_terminal = output is None
    cwd = os.getcwd()
    # Paths in SARIF and annotations start at the repository's root; a notice of findings
    # left out names the SARIF file only when this run writes one.
    root = formats.repository_root(cwd)
    sarif = next((p for n, p in [(shown_format, output), *extras] if n == "sarif"), None)
    # The options the commands the report suggests must carry to say what this run said.
    given = run_options.invocation()
    options = RenderOptions(
        color=to_terminal and color_wanted(color),
        width=terminal_width() if to_terminal else 100,
        verbose=verbose,
        cwd=cwd,
        root=root,
        sarif=sarif,
        invocation=given,
    )
    # (format, options, path); the report goes to standard output when path is None.
    extra = RenderOptions(verbose=verbose, cwd=cwd, root=root, sarif=sarif, invocation=given)
    outputs = [(shown_format, options, output), *((name, extra, path) for name, path in extras)]
    # Formats written file by file have each file's part written as soon as it is judged.
    by_file = {
        index: render_file
        for index, (name, _, _) in enumerate(outputs)
        if (render_file := formats.file_renderer(name)) is not None
    }
    job = Job(
        session,
        tuple((by_file[i], outputs[i][1]) for i in by_file),
        whole_reports=len(by_file) < len(outputs),
    )
    outcomes = _evaluate_all(files, job, jobs)
    report = session.report(tuple(outcome.report for outcome in outcomes), files)
    slots = list(by_file)
    for index in [*range(1, len(outputs)), 0]:  # the files named first, standard output last
        name, opts, path = outputs[index]
        parts = [o.parts[slots.index(index)] for o in outcomes] if index in by_file else None
        text = formats.render(name, report, opts, parts)
        if path is not None:
            write_report(path, text)
        elif isinstance(text, bytes):  # JSON in UTF-8, or a workbook piped on
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
    github = shown_format == "github" and output is None
    raise typer.Exit(exit_code(report.exit_code, config_changed and fail_on_config_change, github))
