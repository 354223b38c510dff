"""The command line: the only module that reads arguments, prints, and chooses exit codes."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from podcheck import __version__
from podcheck.errors import InputError, InputErrors
from podcheck.formats import FORMATS

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


# `evaluate --format` offers exactly the formats of the table in podcheck.formats.
ReportFormat = enum.Enum("ReportFormat", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


class ListFormat(str, enum.Enum):
    terminal = "terminal"
    json = "json"


class Color(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    never = "never"


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


def _rules(config_path: Optional[Path]):  # type: ignore[no-untyped-def]  # noqa: UP045
    """The catalogue with the repository's config applied; exit 2 if either is invalid."""
    from podcheck import rulebook

    try:
        catalogue = rulebook.load_catalogue()
        path = config_path or (Path(CONFIG_NAME) if Path(CONFIG_NAME).is_file() else None)
        if path is None:
            return catalogue
        config, document = rulebook.load_config(str(path))
        return rulebook.apply_config(catalogue, config, document)
    except InputErrors as exc:
        _fail(exc.errors)


def _read(path: str) -> tuple[str, str | None]:
    """The display path and, for standard input, the text already read."""
    if path != STDIN:
        return path, None
    from podcheck import source

    raw = sys.stdin.buffer.read(source.DEFAULT_MAX_BYTES + 1)
    source.check_size(raw, "<stdin>", source.DEFAULT_MAX_BYTES)
    return "<stdin>", source.decode(raw, "<stdin>")


def _evaluate_file(path: str, rules):  # type: ignore[no-untyped-def]
    from podcheck.engine import evaluate
    from podcheck.loader import load_org
    from podcheck.report import FileReport

    try:
        shown, text = _read(path)
        return evaluate(load_org(shown, text), rules)
    except InputErrors as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        return FileReport(
            path="<stdin>" if path == STDIN else path, org=None, verdict="error", errors=exc.errors
        )


@app.command()
def evaluate(
    files: Annotated[
        list[str], typer.Argument(help="Org files to judge; '-' reads standard input.")
    ],
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ReportFormat["terminal"],
    config: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option(
            "--config",
            "-c",
            help=f"Config file (default: ./{CONFIG_NAME} if present).",
            dir_okay=False,
        ),
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest severity that makes the run fail.")
    ] = FailOn.error,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List passes and skips too.")
    ] = False,
    color: Annotated[
        Color, typer.Option("--color", help="Colour in the terminal report.")
    ] = Color.auto,
) -> None:
    """Judge org files: go or no-go, segment by segment, with the evidence."""
    from podcheck.formats import RenderOptions, renderer
    from podcheck.report import Report

    rules = _rules(config)
    reports = tuple(_evaluate_file(path, rules) for path in files)
    report = Report(files=reports, rules=rules, fail_on=fail_on.value)
    options = RenderOptions(color=_use_color(color), width=_width(), verbose=verbose)
    sys.stdout.write(renderer(output_format.value)(report, options))
    raise typer.Exit(report.exit_code)


@app.command("rules")
def list_rules(
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.terminal,
    config: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--config", "-c", help="Show thresholds as this config sets them.", dir_okay=False
        ),
    ] = None,
) -> None:
    """List every rule: code, name, severity, threshold and what it checks."""
    from podcheck import catalogue_view

    rules = _rules(config)
    if output_format is ListFormat.json:
        sys.stdout.write(catalogue_view.rules_json(rules))
    else:
        sys.stdout.write(catalogue_view.rules_table(rules, _width()))


@app.command()
def explain(
    code: Annotated[str, typer.Argument(help="A rule code (POD101) or name (acv-floor).")],
) -> None:
    """Explain one rule: what it checks, its threshold, why, and where the figure comes from."""
    from podcheck import catalogue_view

    rules = _rules(None)
    wanted = code.strip()
    for rule in rules:
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            sys.stdout.write(catalogue_view.explain(rule))
            return
    import difflib

    names = [r.code for r in rules] + [r.name for r in rules]
    close = difflib.get_close_matches(wanted, names, n=1)
    hint = f"; did you mean {close[0]}?" if close else "; 'podcheck rules' lists them"
    typer.echo(f"podcheck: error: no rule '{code}'{hint}", err=True)
    raise typer.Exit(EXIT_INPUT_ERROR)


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
    target = Path(path)
    if target.exists() and not force:
        typer.echo(f"{path}:1:1: error: file exists; use --force to overwrite it", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        typer.echo(f"{path}:1:1: error: cannot write file: {reason}", err=True)
        raise typer.Exit(EXIT_INPUT_ERROR) from None
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
    config: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--config", "-c", help="Config file for the ratio thresholds.", dir_okay=False
        ),
    ] = None,
    color: Annotated[
        Color, typer.Option("--color", help="Colour in the terminal chart.")
    ] = Color.auto,
) -> None:
    """Project the AE:CSM ratio month by month under each pod segment's hiring plan."""
    from podcheck import projection_view
    from podcheck.loader import load_org

    rules = _rules(config)
    try:
        shown, text = _read(file)
        loaded = load_org(shown, text)
    except InputErrors as exc:
        _fail(exc.errors)
    view = projection_view.build(loaded.org, rules, months)
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
