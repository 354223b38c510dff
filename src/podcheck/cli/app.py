"""The command line: the only module that reads arguments, prints, and chooses exit codes.

Heavy modules (pydantic models, rich) are imported inside the commands that need them, so
`--help` and `--version` stay instant.
"""

import datetime
import enum
import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple, NoReturn, Optional

import typer

from podcheck import __version__
from podcheck.cli.failures import DEBUG_ENV, OneLineGroup
from podcheck.core.errors import InputError, InputErrors, UsageError
from podcheck.render.formats import FORMATS

if TYPE_CHECKING:  # imported for real inside the commands, to keep --help fast
    from podcheck.accounts.measures import Book
    from podcheck.accounts.tally import Tally
    from podcheck.judge.report import FailOn as GateLevel
    from podcheck.judge.report import FileReport
    from podcheck.judge.rulebook import Settings
    from podcheck.orgfile.loader import LoadedOrg
    from podcheck.plan.planner import Plan
    from podcheck.render.html_report import Shaping, Stamp
    from podcheck.run.batch import Job, Judged

app = typer.Typer(
    cls=OneLineGroup,
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Judge AE+CSM pod org designs, written as YAML, against the pod model's conditions.",
)

CONFIG_NAME = "podcheck.yaml"  # the same name as podcheck.run.session.CONFIG_NAME, kept light here
STDIN = "-"
STDOUT = "-"
# More processes than this many per CPU only add memory and start-up time.
JOBS_PER_CPU = 4
EXIT_INPUT_ERROR = 2
AUTO = "auto"

# `evaluate --format` offers the formats of the table in podcheck.render.formats, plus `auto`.
ReportFormat = enum.Enum(  # type: ignore[misc]
    "ReportFormat", {AUTO: AUTO, **{name: name for name in FORMATS}}, type=str
)


class ListFormat(str, enum.Enum):
    terminal = "terminal"
    json = "json"


class DiffFormat(str, enum.Enum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"


class ChecklistFormat(str, enum.Enum):
    terminal = "terminal"
    markdown = "markdown"
    html = "html"
    text = "text"


class PackFormat(str, enum.Enum):
    html = "html"


class Color(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    never = "never"


ConfigOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option(
        "--config", "-c", help=f"Config file (default: ./{CONFIG_NAME} if present).", dir_okay=False
    ),
]
FailOnOption = Annotated[
    Optional[FailOn],  # noqa: UP045
    typer.Option(
        "--fail-on", help="Lowest severity that fails the run (default: config, else error)."
    ),
]
SelectOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--select",
        help="Only these rules: codes, prefixes (POD3) or names; repeatable or comma-separated.",
    ),
]
IgnoreOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--ignore", help="Leave out these rules: codes, prefixes or names."),
]
ColorOption = Annotated[Color, typer.Option("--color", help="Colour in the terminal report.")]
AccountsOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--accounts", help="Judge the real books too: a CRM account export (CSV or .xlsx)."
    ),
]
MapOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--map", help="Export columns: account=HEADER,arr=...,segment=,pod=,ae=,csm=,renewal="
    ),
]
ShowAccountsOption = Annotated[
    bool, typer.Option("--show-accounts", help="Name customer accounts in reports (off: rows).")
]
ConfigRefOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--config-ref",
        help=(
            f"Read the config ({CONFIG_NAME} or --config) as it is at this git revision, "
            "e.g. the pull request's base, so that the pull request cannot change its own gate."
        ),
    ),
]
FailOnConfigChangeOption = Annotated[
    bool,
    typer.Option(
        "--fail-on-config-change",
        help="With --config-ref: fail (exit 1) when the working tree's config differs.",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"podcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", envvar=DEBUG_ENV, help="On an internal error, print the traceback."
        ),
    ] = False,
) -> None:
    """podcheck: go/no-go for AE+CSM pods."""


def _fail(errors: list[InputError] | tuple[InputError, ...]) -> NoReturn:
    for error in errors:
        typer.echo(str(error), err=True)
    raise typer.Exit(EXIT_INPUT_ERROR)


def _usage_error(message: str) -> NoReturn:
    from podcheck.core import inert

    typer.echo(inert.ci_safe(f"podcheck: error: {inert.escape(message)}"), err=True)
    raise typer.Exit(EXIT_INPUT_ERROR)


def _use_color(choice: Color) -> bool:
    if choice is not Color.auto:
        return choice is Color.always
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _width() -> int:
    if sys.stdout.isatty():
        import shutil

        return max(60, shutil.get_terminal_size((100, 24)).columns)
    return 100


def _bad_input(exc: InputErrors | UsageError) -> NoReturn:
    """Input and usage errors from the run path end the command: their lines, exit 2."""
    if isinstance(exc, InputErrors):
        _fail(exc.errors)
    _usage_error(str(exc))


def _settings(
    config_path: Path | None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    max_file_bytes: int | None = None,
    config_ref: str | None = None,
) -> "Settings":
    """Rules, gate, waivers and limits; exit 2 if the config or the options are invalid."""
    from podcheck.run import session as run

    try:
        return run.settings(config_path, select, ignore, max_file_bytes, config_ref)
    except (InputErrors, UsageError) as exc:
        _bad_input(exc)


def _config_notice(config_path: Path | None, config_ref: str | None, github: bool) -> bool:
    """Say on stderr if the working tree's config differs from the one the gate uses;
    True when it does."""
    if config_ref is None:
        return False
    from podcheck.core import inert
    from podcheck.run import session as run

    try:
        notice = run.config_change(config_path, config_ref)
    except (InputErrors, UsageError) as exc:
        _bad_input(exc)
    if notice is None:
        return False
    if github:
        from podcheck.render.formats.github import annotation

        typer.echo(annotation("notice", notice, title="podcheck: config changed"), err=True)
    else:
        typer.echo(inert.ci_safe(f"podcheck: notice: {inert.escape(notice)}"), err=True)
    return True


def _report_errors(report: "FileReport") -> "FileReport":
    for error in report.errors:
        typer.echo(str(error), err=True)
    return report


def _without_export(settings: "Settings") -> "Settings":
    """The settings of a run with no account export; exit 2 if that leaves no rule to run
    (a selection of only the export's rules would otherwise pass without judging)."""
    chosen = settings.without_export()
    if not chosen.rules:
        _usage_error(
            "the selection leaves only rules on account exports (POD7xx), and no "
            "--accounts EXPORT is given: nothing would be judged"
        )
    return chosen


def _export(
    path: str | None, column_map: str | None, show: bool, settings: "Settings"
) -> "Tally | None":
    """The account export named by --accounts, tallied; exit 2 if it is refused."""
    if path is None:
        if column_map is not None or show:
            _usage_error("--map and --show-accounts need --accounts EXPORT")
        return None
    from podcheck.run.session import read_for_run

    try:
        return read_for_run(path, column_map, show, settings.accounts, settings.rules)
    except ValueError as exc:
        _usage_error(str(exc))
    except InputErrors as exc:
        _fail(exc.errors)


def _today(value: str | None) -> datetime.date:
    from podcheck.run import session as run

    try:
        return run.today(value)
    except UsageError as exc:
        _bad_input(exc)


def _parse_outputs(values: list[str] | None) -> list[tuple[str, str]]:
    outputs = []
    for value in values or ():
        name, sep, path = value.partition("=")
        if not sep or not path:
            _usage_error(f"--output-format expects FORMAT=PATH, got {value!r}")
        if path == STDOUT:
            _usage_error("--output-format writes files; for standard output use --format")
        if name not in FORMATS:
            _usage_error(
                f"--output-format: unknown format {name!r}; choose from {', '.join(FORMATS)}"
            )
        outputs.append((name, path))
    return outputs


def _check_outputs(paths: list[str | None], inputs: list[str]) -> None:
    """Refuse, before any work, an output that is a device, a directory or an input."""
    from podcheck.run.output import refusal

    for path in paths:
        if path is not None and (reason := refusal(path, inputs)) is not None:
            _fail([InputError(path, 1, 1, reason)])


def _write(path: str, text: str) -> None:
    from podcheck.run.output import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        _fail([InputError(path, 1, 1, f"cannot write file: {reason}")])


def _gate(option: FailOn | None, settings: "Settings") -> "GateLevel":
    """--fail-on, else the config's fail_on, else error."""
    chosen = option.value if option else settings.fail_on
    return "warning" if chosen == "warning" else "never" if chosen == "never" else "error"


def _resolve_format(name: str) -> str:
    if name != AUTO:
        return name
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "terminal"


# Below this many files a run is over before a progress bar would be read.
PROGRESS_FROM = 20


def wants_progress(count: int, stream: object) -> bool:
    """A progress bar only for many files, and only when stderr is a terminal."""
    isatty = getattr(stream, "isatty", None)
    return count >= PROGRESS_FROM and callable(isatty) and bool(isatty())


def _evaluate_all(files: list[str], job: "Job", jobs: int | None) -> "list[Judged]":
    """Every file judged, in order, with input errors written to stderr as they come."""
    from podcheck.run.batch import WorkerStopped, judge_all

    try:
        return _collect(judge_all(files, job, jobs), len(files))
    except WorkerStopped as exc:
        _usage_error(str(exc))


def _collect(judged: Iterator["Judged"], count: int) -> list["Judged"]:
    outcomes = []
    if not wants_progress(count, sys.stderr):
        for outcome in judged:
            _report_errors(outcome.report)
            outcomes.append(outcome)
        return outcomes
    from rich.console import Console
    from rich.progress import Progress

    # The first outcome starts the workers; the progress bar's thread must start after them.
    first = next(judged, None)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("evaluating", total=count)
        for outcome in itertools.chain((first,) if first else (), judged):
            _report_errors(outcome.report)
            outcomes.append(outcome)
            progress.advance(task)
    return outcomes


@app.command()
def evaluate(
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
    max_file_bytes: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--max-file-bytes", min=1, help="Refuse larger files (default: config, else 4 MiB)."
        ),
    ] = None,
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
) -> None:
    """Judge org files: go or no-go, segment by segment, with the evidence."""
    from podcheck.judge.report import Report
    from podcheck.judge.waivers import statuses
    from podcheck.render import formats
    from podcheck.render.formats import RenderOptions
    from podcheck.run.batch import Job
    from podcheck.run.session import active_waivers

    extras = _parse_outputs(output_formats)
    if output == STDOUT:
        output = None
    _check_outputs([output, *(path for _, path in extras)], files)
    if jobs is not None and jobs > (most := JOBS_PER_CPU * (os.cpu_count() or 1)):
        jobs = most
    as_of = _today(today)
    settings = _settings(config, select, ignore, max_file_bytes, config_ref)
    config_changed = _config_notice(
        config, config_ref, _resolve_format(output_format.value) == "github"
    )
    export = _export(accounts, column_map, show_accounts, settings)
    if export is None:
        settings = _without_export(settings)
    active = active_waivers(settings, as_of)
    to_terminal = output is None
    options = RenderOptions(
        color=to_terminal and _use_color(color),
        width=_width() if to_terminal else 100,
        verbose=verbose,
        cwd=os.getcwd(),
    )
    # (format, options, path); the report goes to standard output when path is None.
    outputs = [
        (_resolve_format(output_format.value), options, output),
        *((name, RenderOptions(cwd=options.cwd, verbose=verbose), path) for name, path in extras),
    ]
    # Formats written file by file have each file's part written as soon as it is judged.
    by_file = {
        index: render_file
        for index, (name, _, _) in enumerate(outputs)
        if (render_file := formats.file_renderer(name)) is not None
    }
    job = Job(
        settings,
        active,
        tuple((by_file[i], outputs[i][1]) for i in by_file),
        whole_reports=len(by_file) < len(outputs),
        accounts=export,
    )
    outcomes = _evaluate_all(files, job, jobs)
    reports = tuple(outcome.report for outcome in outcomes)
    used = [r.waived_by for f in reports for r in f.results if r.waived_by is not None]
    report = Report(
        files=reports,
        rules=settings.rules,
        fail_on=_gate(fail_on, settings),
        waivers=statuses(settings.waivers, used, as_of),
        not_run=settings.not_run,
    )
    slots = list(by_file)
    for index in [*range(1, len(outputs)), 0]:  # the files named first, standard output last
        name, opts, path = outputs[index]
        parts = [o.parts[slots.index(index)] for o in outcomes] if index in by_file else None
        text = formats.render(name, report, opts, parts)
        if path is None:
            sys.stdout.write(text)
        else:
            _write(path, text)
    raise typer.Exit(_exit_code(report.exit_code, config_changed and fail_on_config_change))


def _exit_code(code: int, config_refused: bool) -> int:
    if config_refused and code == 0:
        typer.echo(
            "podcheck: error: the config differs from the one at --config-ref "
            "(--fail-on-config-change)",
            err=True,
        )
        return 1
    return code


# The plan is written in the same three formats as a diff.
PlanFormat = DiffFormat


class PlanStrategy(str, enum.Enum):
    hire = "hire"
    defer = "defer"
    rebalance = "rebalance"


@app.command("plan")
def plan_command(
    files: Annotated[
        list[str], typer.Argument(help="Org files to plan; '-' reads standard input.")
    ],
    strategy: Annotated[
        PlanStrategy, typer.Option("--strategy", "-s", help="How numeric rules are fixed.")
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
) -> None:
    """What it would take: the smallest changes that make each no-go file go.

    Exit 0 when every revised proposal would be go, 1 when some rule still needs a person
    (the to-dos), 2 on input errors.
    """
    from podcheck.orgfile.loader import load_org
    from podcheck.plan.planner import make_plan
    from podcheck.render import plan_view
    from podcheck.run import session as run

    if write is not None and len(files) != 1:
        _usage_error("--write takes one input file")
    if write in (STDIN, ""):  # standard output holds the plan itself
        _usage_error("--write needs a file name for the revised proposal")
    # A device, a directory or the input itself is refused, as for evaluate's -o.
    _check_outputs([write], files)
    if accounts is not None and len(files) != 1:
        _usage_error("--accounts takes one org file")
    as_of = _today(today)
    settings = _settings(config, select, ignore)
    export = _export_for_moves(accounts, column_map, show_accounts, settings)
    if export is None:
        settings = _without_export(settings)
    waivers = run.active_waivers(settings, as_of)
    gate = _gate(fail_on, settings)
    plans, texts, failed = [], [], False
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
        found = make_plan(
            loaded,
            settings.rules,
            waivers,
            strategy.value,
            gate,
            report=None if judged is None else judged.report,
            book=settings.rule_book,
        )
        if export is not None:
            found = _with_moves(found, export, loaded, settings)
        plans.append(found)
        texts.append((text, loaded))
    if failed:
        raise typer.Exit(EXIT_INPUT_ERROR)
    if write is not None:
        from podcheck.plan.write import revise

        (text, loaded), (found,) = texts[0], plans
        _write(write, revise(text, loaded.document, loaded.org, found.revised))
    renderers = {
        PlanFormat.terminal: plan_view.render_terminal,
        PlanFormat.json: plan_view.render_json,
        PlanFormat.markdown: plan_view.render_markdown,
    }
    sys.stdout.write(renderers[output_format](plans))
    raise typer.Exit(0 if all(p.verdict_after == "go" for p in plans) else 1)


def _export_for_moves(
    path: str | None, column_map: str | None, show: bool, settings: "Settings"
) -> "Tally | None":
    """The export for `plan --accounts`, read keeping each account so it can be moved."""
    if path is None:
        return _export(path, column_map, show, settings)
    from podcheck.run.session import read_for_run

    try:
        return read_for_run(
            path, column_map, show, settings.accounts, settings.rules, keep_accounts=True
        )
    except ValueError as exc:
        _usage_error(str(exc))
    except InputErrors as exc:
        _fail(exc.errors)


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


@app.command()
def validate(
    files: Annotated[
        list[str], typer.Argument(help="Org files to check; '-' reads standard input.")
    ],
    config: ConfigOption = None,
) -> None:
    """Check that org files are valid, without judging them."""
    from podcheck.core import inert
    from podcheck.run import session as run

    settings = _settings(config)
    failed = False
    for path in files:
        try:
            loaded = run.load(path, settings)
        except InputErrors as exc:
            failed = True
            for error in exc.errors:
                typer.echo(str(error), err=True)
        else:
            typer.echo(inert.ci_safe(f"{loaded.document.path}: valid"))
    raise typer.Exit(EXIT_INPUT_ERROR if failed else 0)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the org format (for editors and other validators)."""
    from podcheck.orgfile.schema import render

    sys.stdout.write(render())


@app.command("diff")
def diff_command(
    paths: Annotated[
        list[str], typer.Argument(help="BASE HEAD, or the files to compare with --base-ref.")
    ],
    base_ref: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--base-ref", help="Read each file's base version from this git revision."),
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DiffFormat.terminal,
    config: ConfigOption = None,
    config_ref: ConfigRefOption = None,
    fail_on_config_change: FailOnConfigChangeOption = False,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
) -> None:
    """Show what a proposal changes: rules that newly fail or pass, verdicts that move."""
    from podcheck.judge.report import FileReport
    from podcheck.render.diff_view import RENDERERS
    from podcheck.review.diff import diff_report
    from podcheck.run import git
    from podcheck.run.batch import judge_path, judge_text
    from podcheck.run.session import active_waivers

    settings = _without_export(_settings(config, select, ignore, config_ref=config_ref))
    config_changed = _config_notice(config, config_ref, github=False)
    if base_ref is None and len(paths) != 2:
        _usage_error("diff takes BASE HEAD, or --base-ref REF FILE...")
    waivers = active_waivers(settings, datetime.date.today())
    pairs: list[tuple[FileReport | None, FileReport]] = []
    if base_ref is None:
        base, head = paths
        pairs.append(
            (
                _report_errors(judge_path(base, settings, waivers)),
                _report_errors(judge_path(head, settings, waivers)),
            )
        )
    else:
        for path in paths:
            try:
                root = git.toplevel(os.path.dirname(os.path.abspath(path)), "--base-ref")
                text = git.read_at(base_ref, path, settings.max_file_bytes)
            except UsageError as exc:
                _bad_input(exc)
            except InputErrors as exc:  # the base version is unusable: say so, judge the head
                text = None
                base_errors = exc.errors
            else:
                base_errors = ()
            before = None
            if base_errors:
                before = _report_errors(
                    FileReport(
                        path=f"{base_ref}:{path}", org=None, verdict="error", errors=base_errors
                    )
                )
            elif text is not None:
                before = _report_errors(judge_text(f"{base_ref}:{path}", text, settings, waivers))
            pairs.append((before, _report_errors(judge_path(path, settings, waivers, root))))
    report = diff_report(pairs, _gate(fail_on, settings))
    sys.stdout.write(RENDERERS[output_format.value](report))
    raise typer.Exit(_exit_code(report.exit_code, config_changed and fail_on_config_change))


OutputOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--output", "-o", help="Write to this file instead of standard output ('-')."),
]


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text)


TodayOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--today", help="Date the pack and judge waiver expiry as of (YYYY-MM-DD)."),
]


class _Pack(NamedTuple):
    """One org file judged for the review pack, with what the pack is stamped with."""

    loaded: "LoadedOrg"
    report: "FileReport"
    settings: "Settings"
    stamp: "Stamp"
    export: "Book | None" = None  # the account export measured against it, if one was given


def _pack(
    path: str,
    config: Path | None,
    today: str | None,
    accounts: str | None,
    column_map: str | None,
    show_accounts: bool,
) -> _Pack:
    """One org file judged for the review pack; exit 2 on input errors.

    An export's bad rows are written to stderr; the caller exits 2 after its output."""
    from podcheck.render.html_report import Stamp
    from podcheck.review.scorecard import digest
    from podcheck.run import session as run

    as_of = _today(today)
    settings = _settings(config)
    export = _export(accounts, column_map, show_accounts, settings)
    if export is None:
        settings = _without_export(settings)
    try:
        shown, text = run.read(path, settings)
        config_path = run.find_config(config)
        config_text = None if config_path is None else run.read(str(config_path), settings)[1]
        judged = run.judge_text(shown, text, settings, run.active_waivers(settings, as_of), export)
    except InputErrors as exc:
        _bad_input(exc)
    _report_errors(judged.report)
    stamp = Stamp(as_of, digest(text), None if config_text is None else digest(config_text))
    return _Pack(judged.loaded, judged.report, settings, stamp, judged.export)


def _page_shaping(pack: _Pack) -> "Shaping":
    """What the review pack says shaped the verdict (waivers have their own section)."""
    from podcheck.judge.report import Report
    from podcheck.render.html_report import Shaping
    from podcheck.review import shaping

    run = Report(files=(pack.report,), rules=pack.settings.rules, not_run=pack.settings.not_run)
    lines = tuple(note.text for note in shaping.notes(run) if note.kind != "waiver")
    return Shaping(lines, shaping.thresholds_source(run))


@app.command()
def checklist(
    file: Annotated[str, typer.Argument(help="Org file; '-' reads standard input.")],
    output_format: Annotated[
        ChecklistFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ChecklistFormat.terminal,
    output: OutputOption = None,
    config: ConfigOption = None,
    color: ColorOption = Color.auto,
    today: TodayOption = None,
    accounts: AccountsOption = None,
    column_map: MapOption = None,
    show_accounts: ShowAccountsOption = False,
) -> None:
    """The CRO and VP CS decision checklist: five questions, pilot criteria, 90-day metrics."""
    from dataclasses import replace

    from podcheck.render import checklist_view
    from podcheck.review import checklist as checklist_model

    output = None if output == STDOUT else output
    _check_outputs([output], [file])
    pack = _pack(file, config, today, accounts, column_map, show_accounts)
    settings = pack.settings
    built = checklist_model.build(pack.report, pack.loaded.org, settings.rules, settings.rule_book)
    built = replace(built, notes=_page_shaping(pack).notes)
    if output_format is ChecklistFormat.html:
        from podcheck.render.html_report import render_checklist

        text = render_checklist(
            built, pack.report, pack.stamp, settings.waivers, _page_shaping(pack)
        )
    elif output_format is ChecklistFormat.markdown:
        text = checklist_view.render_markdown(built)
    elif output_format is ChecklistFormat.text:
        text = checklist_view.render_text(built)
    else:
        use_color = output is None and _use_color(color)
        text = checklist_view.render_terminal(built, use_color, _width() if output is None else 100)
    _emit(text, output)
    raise typer.Exit(EXIT_INPUT_ERROR if pack.report.errors else 0)


@app.command("report")
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
) -> None:
    """A printable, self-contained HTML report: verdict, scorecard, charts and the checklist."""
    from podcheck.render.html_report import render_report
    from podcheck.review import checklist as checklist_model

    output = None if output == STDOUT else output
    _check_outputs([output], [file])
    pack = _pack(file, config, today, accounts, column_map, show_accounts)
    org, settings = pack.loaded.org, pack.settings
    built = checklist_model.build(pack.report, org, settings.rules, settings.rule_book)
    page = render_report(
        pack.report,
        org,
        settings.rule_book,
        built,
        pack.stamp,
        settings.waivers,
        _page_shaping(pack),
        pack.export,
    )
    _emit(page, output)
    raise typer.Exit(EXIT_INPUT_ERROR if pack.report.errors else 0)


@app.command("rules")
def list_rules(
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.terminal,
    config: ConfigOption = None,
) -> None:
    """List every rule: code, name, severity, threshold and what it checks."""
    from podcheck.render import catalogue_view

    rules = _settings(config).rules
    if output_format is ListFormat.json:
        sys.stdout.write(catalogue_view.rules_json(rules))
    else:
        sys.stdout.write(catalogue_view.rules_table(rules, _width()))


@app.command()
def explain(
    code: Annotated[str, typer.Argument(help="A rule code (POD101) or name (acv-floor).")],
    config: ConfigOption = None,
) -> None:
    """Explain one rule: what it checks, its threshold, why, and where the figure comes from."""
    import difflib

    from podcheck.render import catalogue_view

    rules = _settings(config).rules
    wanted = code.strip()
    for rule in rules:
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            sys.stdout.write(catalogue_view.explain(rule))
            return
    names = [r.code for r in rules] + [r.name for r in rules]
    close = difflib.get_close_matches(wanted, names, n=1)
    hint = f"; did you mean {close[0]}?" if close else "; 'podcheck rules' lists them"
    _usage_error(f"no rule '{code}'{hint}")


@app.command()
def init(
    path: Annotated[
        str, typer.Argument(help="Where to write the starter file; '-' prints it.")
    ] = "org.yaml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter org file that validates."""
    from importlib import resources

    text = resources.files("podcheck.render").joinpath("templates/starter.yaml").read_text("utf-8")
    if path == STDIN:
        sys.stdout.write(text)
        return
    if Path(path).exists() and not force:
        _fail([InputError(path, 1, 1, "file exists; use --force to overwrite it")])
    _write(path, text)
    typer.echo(f"wrote {path}; next: answer its policies, then podcheck evaluate {path}", err=True)


@app.command("project")
def project_ratio(
    file: Annotated[str, typer.Argument(help="Org file; '-' reads standard input.")],
    months: Annotated[
        int, typer.Option("--months", "-m", min=1, max=24, help="Months ahead (1-24).")
    ] = 12,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.terminal,
    config: ConfigOption = None,
    color: ColorOption = Color.auto,
) -> None:
    """Project the AE:CSM ratio month by month under each pod segment's hiring plan."""
    from podcheck.render import projection_view
    from podcheck.run import session as run

    settings = _settings(config)
    try:
        loaded = run.load(file, settings)
    except InputErrors as exc:
        _bad_input(exc)
    view = projection_view.build(loaded.org, settings.rule_book, months)
    if output_format is ListFormat.json:
        sys.stdout.write(projection_view.render_json(view))
    else:
        sys.stdout.write(projection_view.render_terminal(view, _use_color(color), _width()))


class Interrupted(BaseException):
    """Ctrl-C; not a KeyboardInterrupt, which click would turn into "Aborted!" and exit 1."""


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted


def _replace_unencodable() -> None:
    """Output in a terminal or log that is not UTF-8 gets replacement characters, not an
    error: names and marks are the file's, the encoding is the reader's."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def main() -> None:
    """Console entry point: no input, however broken, ends in a traceback; usage and
    internal errors are one line each (podcheck.cli.failures)."""
    import signal

    _replace_unencodable()
    signal.signal(signal.SIGINT, _interrupt)
    try:
        app()
    except SystemExit:
        raise
    except (KeyboardInterrupt, Interrupted):
        sys.stderr.write("podcheck: interrupted\n")
        raise SystemExit(130) from None
