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
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from podcheck import __version__
from podcheck.errors import InputError, InputErrors
from podcheck.formats import FORMATS

if TYPE_CHECKING:  # imported for real inside the commands, to keep --help fast
    from podcheck.batch import Job, Judged
    from podcheck.loader import LoadedOrg
    from podcheck.report import FailOn as GateLevel
    from podcheck.report import FileReport
    from podcheck.rulebook import Settings
    from podcheck.waivers import Waiver

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Judge AE+CSM pod org designs, written as YAML, against the pod model's conditions.",
)

CONFIG_NAME = "podcheck.yaml"
STDIN = "-"
EXIT_INPUT_ERROR = 2
AUTO = "auto"

# `evaluate --format` offers the formats of the table in podcheck.formats, plus `auto`.
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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"podcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """podcheck: go/no-go for AE+CSM pods."""


def _fail(errors: list[InputError] | tuple[InputError, ...]) -> NoReturn:
    for error in errors:
        typer.echo(str(error), err=True)
    raise typer.Exit(EXIT_INPUT_ERROR)


def _usage_error(message: str) -> NoReturn:
    typer.echo(f"podcheck: error: {message}", err=True)
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


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _settings(
    config_path: Path | None, select: list[str] | None = None, ignore: list[str] | None = None
) -> "Settings":
    """Rules, gate and waivers from the catalogue and the config; exit 2 if either is invalid.

    Options given on the command line narrow the rules further than the config does.
    """
    from podcheck import rulebook

    try:
        catalogue = rulebook.load_catalogue()
        path = config_path or (Path(CONFIG_NAME) if Path(CONFIG_NAME).is_file() else None)
        if path is None:
            settings = rulebook.Settings(catalogue, book=catalogue)
        else:
            from podcheck import config

            found, document = config.load_config(str(path))
            settings = config.settings_from(catalogue, found, document)
        return settings.narrowed(_split(select), _split(ignore))
    except InputErrors as exc:
        _fail(exc.errors)


def _read(path: str, max_bytes: int | None = None) -> tuple[str, str]:
    """The display path and the file's text, refusing files over the size limit."""
    from podcheck import source

    return source.read(path, max_bytes or source.DEFAULT_MAX_BYTES)


def _report_errors(report: "FileReport") -> "FileReport":
    for error in report.errors:
        typer.echo(str(error), err=True)
    return report


def _evaluate_text(
    path: str, text: str, settings: "Settings", waivers: "tuple[Waiver, ...]"
) -> "FileReport":
    """Evaluate one file; input errors go to stderr and into an `error` FileReport."""
    from podcheck.batch import judge_text

    return _report_errors(judge_text(path, text, settings, waivers))


def _evaluate_path(path: str, settings: "Settings", waivers: "tuple[Waiver, ...]") -> "FileReport":
    from podcheck.batch import judge_path

    return _report_errors(judge_path(path, settings, waivers))


def _today(value: str | None) -> datetime.date:
    if value is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        _usage_error(f"--today expects a date written YYYY-MM-DD, got {value!r}")


def _parse_outputs(values: list[str] | None) -> list[tuple[str, str]]:
    outputs = []
    for value in values or ():
        name, sep, path = value.partition("=")
        if not sep or not path:
            _usage_error(f"--output-format expects FORMAT=PATH, got {value!r}")
        if name not in FORMATS:
            _usage_error(
                f"--output-format: unknown format {name!r}; choose from {', '.join(FORMATS)}"
            )
        outputs.append((name, path))
    return outputs


def _write(path: str, text: str) -> None:
    from podcheck.output import write_atomic

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
    from podcheck.batch import WorkerStopped, judge_all

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
        typer.Option("--output", "-o", help="Write the report to this file instead of stdout."),
    ] = None,
    output_formats: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--output-format", help="Also write FORMAT=PATH, e.g. sarif=podcheck.sarif; repeatable."
        ),
    ] = None,
    config: ConfigOption = None,
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
            help="Processes to judge files on (default: one per CPU from 100 files, on Linux).",
        ),
    ] = None,
) -> None:
    """Judge org files: go or no-go, segment by segment, with the evidence."""
    from podcheck import formats
    from podcheck.batch import Job
    from podcheck.formats import RenderOptions
    from podcheck.report import Report
    from podcheck.waivers import statuses

    extras = _parse_outputs(output_formats)
    as_of = _today(today)
    settings = _settings(config, select, ignore)
    if max_file_bytes is not None:
        settings = settings._replace(max_file_bytes=max_file_bytes)
    active = tuple(w for w in settings.waivers if not w.expired(as_of))
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
    raise typer.Exit(report.exit_code)


class PlanFormat(str, enum.Enum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"


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
) -> None:
    """What it would take: the smallest changes that make each no-go file go.

    Exit 0 when every revised proposal would be go, 1 when some rule still needs a person
    (the to-dos), 2 on input errors.
    """
    from podcheck import plan_view
    from podcheck.loader import load_org
    from podcheck.plan import make_plan

    if write is not None and len(files) != 1:
        _usage_error("--write takes one input file")
    if (
        write is not None
        and os.path.exists(write)
        and any(
            path != STDIN and os.path.exists(path) and os.path.samefile(path, write)
            for path in files
        )
    ):
        _usage_error("--write would overwrite the input file; name another file")
    as_of = _today(today)
    settings = _settings(config, select, ignore)
    waivers = tuple(w for w in settings.waivers if not w.expired(as_of))
    gate = _gate(fail_on, settings)
    plans, texts, failed = [], [], False
    for path in files:
        try:
            shown, text = _read(path, settings.max_file_bytes)
            loaded = load_org(shown, text)
        except InputErrors as exc:
            failed = True
            for error in exc.errors:
                typer.echo(str(error), err=True)
            continue
        plans.append(
            make_plan(
                loaded, settings.rules, waivers, strategy.value, gate, book=settings.rule_book
            )
        )
        texts.append((text, loaded))
    if failed:
        raise typer.Exit(EXIT_INPUT_ERROR)
    if write is not None:
        from podcheck.plan_write import revise

        (text, loaded), (found,) = texts[0], plans
        _write(write, revise(text, loaded.document, loaded.org, found.revised))
    renderers = {
        PlanFormat.terminal: plan_view.render_terminal,
        PlanFormat.json: plan_view.render_json,
        PlanFormat.markdown: plan_view.render_markdown,
    }
    sys.stdout.write(renderers[output_format](plans))
    raise typer.Exit(0 if all(p.verdict_after == "go" for p in plans) else 1)


@app.command()
def validate(
    files: Annotated[
        list[str], typer.Argument(help="Org files to check; '-' reads standard input.")
    ],
) -> None:
    """Check that org files are valid, without judging them."""
    from podcheck.loader import load_org

    failed = False
    for path in files:
        try:
            shown, text = _read(path)
            load_org(shown, text)
        except InputErrors as exc:
            failed = True
            for error in exc.errors:
                typer.echo(str(error), err=True)
        else:
            typer.echo(f"{shown}: valid")
    raise typer.Exit(EXIT_INPUT_ERROR if failed else 0)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the org format (for editors and other validators)."""
    from podcheck.schema import render

    sys.stdout.write(render())


def _git_base(ref: str, path: str) -> str | None:
    """The file's text at `ref`, or None when the file does not exist there."""
    import subprocess

    folder = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)
    try:
        check = subprocess.run(
            ["git", "-C", folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        _usage_error(f"--base-ref needs git: {exc}")
    if check.returncode != 0:
        _usage_error(f"--base-ref: '{ref}' is not a commit in the repository of {path}")
    shown = subprocess.run(
        ["git", "-C", folder, "show", f"{ref}:./{name}"], capture_output=True, timeout=60
    )
    if shown.returncode != 0:
        return None
    from podcheck import source

    return source.decode(shown.stdout, f"{ref}:{path}")


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
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
) -> None:
    """Show what a proposal changes: rules that newly fail or pass, verdicts that move."""
    from podcheck.diff import diff_report
    from podcheck.diff_view import RENDERERS

    settings = _settings(config, select, ignore)
    if base_ref is None and len(paths) != 2:
        _usage_error("diff takes BASE HEAD, or --base-ref REF FILE...")
    today = datetime.date.today()
    waivers = tuple(w for w in settings.waivers if not w.expired(today))
    pairs: list[tuple[FileReport | None, FileReport]] = []
    if base_ref is None:
        base, head = paths
        pairs.append(
            (_evaluate_path(base, settings, waivers), _evaluate_path(head, settings, waivers))
        )
    else:
        for path in paths:
            try:
                text = _git_base(base_ref, path)
            except InputErrors as exc:
                _fail(exc.errors)
            before = None if text is None else _evaluate_text(path, text, settings, waivers)
            pairs.append((before, _evaluate_path(path, settings, waivers)))
    report = diff_report(pairs, _gate(fail_on, settings))
    sys.stdout.write(RENDERERS[output_format.value](report))
    raise typer.Exit(report.exit_code)


OutputOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--output", "-o", help="Write to this file instead of standard output."),
]


def _judge_one(path: str, config: Path | None) -> "tuple[LoadedOrg, FileReport, Settings]":
    """Load and evaluate one org file for the review pack; exit 2 on input errors."""
    from podcheck.engine import evaluate as run_engine
    from podcheck.loader import load_org

    settings = _settings(config)
    today = datetime.date.today()
    waivers = tuple(w for w in settings.waivers if not w.expired(today))
    try:
        shown, text = _read(path)
        loaded = load_org(shown, text)
    except InputErrors as exc:
        _fail(exc.errors)
    return loaded, run_engine(loaded, settings.rules, waivers, settings.rule_book), settings


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text)


@app.command()
def checklist(
    file: Annotated[str, typer.Argument(help="Org file; '-' reads standard input.")],
    output_format: Annotated[
        ChecklistFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ChecklistFormat.terminal,
    output: OutputOption = None,
    config: ConfigOption = None,
    color: ColorOption = Color.auto,
) -> None:
    """The CRO and VP CS decision checklist: five questions, pilot criteria, 90-day metrics."""
    from podcheck import checklist as checklist_model
    from podcheck import checklist_view

    loaded, report, settings = _judge_one(file, config)
    built = checklist_model.build(report, loaded.org, settings.rules, settings.rule_book)
    if output_format is ChecklistFormat.html:
        from podcheck.html_report import render_checklist

        text = render_checklist(built)
    elif output_format is ChecklistFormat.markdown:
        text = checklist_view.render_markdown(built)
    elif output_format is ChecklistFormat.text:
        text = checklist_view.render_text(built)
    else:
        use_color = output is None and _use_color(color)
        text = checklist_view.render_terminal(built, use_color, _width() if output is None else 100)
    _emit(text, output)


@app.command("report")
def pack_report(
    file: Annotated[str, typer.Argument(help="Org file; '-' reads standard input.")],
    output_format: Annotated[
        PackFormat, typer.Option("--format", "-f", help="Output format.")
    ] = PackFormat.html,
    output: OutputOption = None,
    config: ConfigOption = None,
) -> None:
    """A printable, self-contained HTML report: verdict, scorecard, charts and the checklist."""
    from podcheck import checklist as checklist_model
    from podcheck.html_report import render_report

    loaded, report, settings = _judge_one(file, config)
    built = checklist_model.build(report, loaded.org, settings.rules, settings.rule_book)
    _emit(render_report(report, loaded.org, settings.rule_book, built), output)


@app.command("rules")
def list_rules(
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.terminal,
    config: ConfigOption = None,
) -> None:
    """List every rule: code, name, severity, threshold and what it checks."""
    from podcheck import catalogue_view

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

    from podcheck import catalogue_view

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

    text = resources.files("podcheck").joinpath("templates/starter.yaml").read_text("utf-8")
    if path == STDIN:
        sys.stdout.write(text)
        return
    if Path(path).exists() and not force:
        _fail([InputError(path, 1, 1, "file exists; use --force to overwrite it")])
    _write(path, text)
    typer.echo(f"wrote {path}; next: podcheck evaluate {path}", err=True)


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
    from podcheck import projection_view
    from podcheck.loader import load_org

    book = _settings(config).rule_book
    try:
        shown, text = _read(file)
        loaded = load_org(shown, text)
    except InputErrors as exc:
        _fail(exc.errors)
    view = projection_view.build(loaded.org, book, months)
    if output_format is ListFormat.json:
        sys.stdout.write(projection_view.render_json(view))
    else:
        sys.stdout.write(projection_view.render_terminal(view, _use_color(color), _width()))


def main() -> None:
    """Console entry point: no input, however broken, ends in a traceback."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("podcheck: interrupted\n")
        raise SystemExit(130) from None
    except RecursionError:
        sys.stderr.write("podcheck: error: input nests too deeply to process\n")
        raise SystemExit(EXIT_INPUT_ERROR) from None
    except Exception as exc:  # a bug in podcheck: say so in one line, never a traceback
        sys.stderr.write(f"podcheck: internal error: {type(exc).__name__}: {exc}\n")
        raise SystemExit(EXIT_INPUT_ERROR) from None
