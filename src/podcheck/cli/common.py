"""The steps every command shares: settings, the export, dates, outputs, and how a command fails.

Each ends the command with exit 2 when what the user gave is wrong.
"""

import errno
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from podcheck.cli.failures import EXIT_INPUT_ERROR
from podcheck.cli.options import (
    AUTO,
    STDOUT,
    Color,
)
from podcheck.core.errors import InputError, InputErrors, UsageError
from podcheck.render.formats import BINARY_FORMATS, FORMATS

if TYPE_CHECKING:  # imported for real inside the commands, to keep --help fast
    from collections.abc import Iterable

    from podcheck.judge.report import FileReport
    from podcheck.judge.rulebook import Settings
    from podcheck.run.session import RunOptions, Session


def fail(errors: list[InputError] | tuple[InputError, ...]) -> NoReturn:
    for error in errors:
        typer.echo(str(error), err=True)
    raise typer.Exit(EXIT_INPUT_ERROR)


def usage_error(message: str) -> NoReturn:
    """A usage error a command finds itself, said as click says its own: one line that
    names the command whose --help tells more."""
    import click

    from podcheck.core import inert
    from podcheck.core.errors import one_line

    context = click.get_current_context(silent=True)
    # The command as the user types it, whatever name the program was started under.
    named = context is not None and context.parent is not None and context.info_name
    command = f"podcheck {one_line(named)}" if named else "podcheck"
    line = f"podcheck: error: {inert.escape(message)}; see '{command} --help'"
    typer.echo(inert.ci_safe(line), err=True)
    raise typer.Exit(EXIT_INPUT_ERROR)


def color_wanted(choice: Color) -> bool:
    if choice is not Color.auto:
        return choice is Color.always
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def terminal_width() -> int:
    if sys.stdout.isatty():
        import shutil

        return max(60, shutil.get_terminal_size((100, 24)).columns)
    return 100


def bad_input(exc: InputErrors | UsageError) -> NoReturn:
    """Input and usage errors from the run path end the command: their lines, exit 2."""
    if isinstance(exc, InputErrors):
        fail(exc.errors)
    usage_error(str(exc))


def load_settings(
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
        bad_input(exc)


def check_config_change_option(fail_on_config_change: bool, config_ref: str | None) -> None:
    """--fail-on-config-change compares with the config at --config-ref: without one it
    would compare nothing, and a gate that looks guarded would not be."""
    if fail_on_config_change and config_ref is None:
        usage_error(
            "--fail-on-config-change needs --config-ref REF, the revision whose config the "
            "working tree's is compared with"
        )


def config_notice(config_path: Path | None, config_ref: str | None, github: bool) -> bool:
    """Say on stderr if the working tree's config differs from the one the gate uses;
    True when it does."""
    if config_ref is None:
        return False
    from podcheck.core import inert
    from podcheck.run import session as run

    try:
        notice = run.config_change(config_path, config_ref)
    except (InputErrors, UsageError) as exc:
        bad_input(exc)
    if notice is None:
        return False
    if github:
        from podcheck.render.formats.github import annotation

        typer.echo(annotation("notice", notice, title="podcheck: config changed"), err=True)
    else:
        typer.echo(inert.ci_safe(f"podcheck: notice: {inert.escape(notice)}"), err=True)
    return True


def report_errors(report: "FileReport") -> "FileReport":
    """A file's input errors on stderr; and, as no refused row says it, a pod segment the
    export has no rows for: the run exits 2 on it, and a report written to a file would
    leave the log without a reason."""
    for error in report.errors:
        typer.echo(str(error), err=True)
    export = report.export
    if export is not None and export.missing:
        from podcheck.core import inert

        line = f"{report.path}: {report.verdict.upper()}: {export.missing_line}"
        typer.echo(inert.ci_safe(inert.escape(line)), err=True)
    return report


def start_session(options: "RunOptions", annotate: bool = False) -> "Session":
    """The run's session: settings, date, gate and export, built once; exit 2 if the
    config, the options or the export are refused (with `annotate`, each refused input is
    a GitHub annotation on standard output too)."""
    from podcheck.run import session as run

    try:
        return run.start(options)
    except (InputErrors, UsageError) as exc:
        if annotate and isinstance(exc, InputErrors):
            from podcheck.render.formats.github import refusal_annotations

            for line in refusal_annotations(exc.errors, os.getcwd()):
                typer.echo(line)
        bad_input(exc)


def parse_outputs(values: list[str] | None) -> list[tuple[str, str]]:
    outputs = []
    for value in values or ():
        name, sep, path = value.partition("=")
        if not sep or not path:
            usage_error(f"--output-format expects FORMAT=PATH, got {value!r}")
        if path == STDOUT:
            usage_error("--output-format writes files; for standard output use --format")
        if name not in FORMATS and name not in BINARY_FORMATS:
            choices = ", ".join([*FORMATS, *BINARY_FORMATS])
            usage_error(f"--output-format: unknown format {name!r}; choose from {choices}")
        outputs.append((name, path))
    return outputs


def check_outputs(
    outputs: list[str | None],
    files: list[str],
    accounts: str | None = None,
    config: Path | None = None,
) -> None:
    """Refuse, before any work, an empty output path, two outputs naming one file or both
    standard output (`-` stands for it), and an output that is a directory, a block device
    or a socket, a link out of the working directory, or a file the run reads (an org
    file, the export, the config)."""
    from podcheck.run import CONFIG_NAME
    from podcheck.run.output import refusal, written_twice
    from podcheck.run.session import find_config

    named = [path for path in outputs if path is not None]
    if "" in named:
        usage_error("an output path is empty; name a file to write to")
    if (twice := written_twice(named)) is not None:  # the second would replace or follow it
        usage_error(f"two outputs go to {twice!r}; give each output its own file")
    inputs = [*files, accounts, str(find_config(config) or CONFIG_NAME)]
    for path in named:
        if path != STDOUT and (reason := refusal(path, inputs)) is not None:
            fail([InputError(path, 1, 1, reason)])


def write_report(path: str, text: str | bytes) -> None:
    from podcheck.run import output

    try:
        output.write_output(path, text)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # opened without waiting: nobody reads the pipe
            fail([InputError(path, 1, 1, "is a pipe that nothing reads; refused")])
        reason = (exc.strerror or type(exc).__name__).lower()
        fail([InputError(path, 1, 1, f"cannot write file: {reason}")])


def resolve_format(name: str, output: str | None = None) -> str:
    """`--format auto`: what the output file's name asks for; else, for standard output,
    GitHub's annotations in GitHub Actions (the runner reads them there, never in a file),
    else the terminal report."""
    if name != AUTO:
        return name
    named = named_format(output, [*FORMATS, *BINARY_FORMATS])
    if named is not None:
        return named
    if output is None or output == STDOUT:
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "terminal"
    return "terminal"


# What an output file's name says it holds: `-o scorecard.xlsx` wants a workbook, not the
# terminal report in a file named like one.
_BY_SUFFIX = {
    ".json": "json",
    ".sarif": "sarif",
    ".xml": "junit",
    ".md": "markdown",
    ".markdown": "markdown",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
}


def named_format(output: str | None, formats: "Iterable[str]") -> str | None:
    """The format among `formats` that the name of `output` asks for, if any; a name that
    asks for one the command cannot write is a usage error, not a file of another kind."""
    if output is None or output == STDOUT:
        return None
    found = _BY_SUFFIX.get(os.path.splitext(output)[1].lower())
    if found is None:
        return None
    choices = list(formats)
    if found not in choices:
        usage_error(
            f"-o {output!r}: its name asks for {found}, which this command does not write; "
            f"choose a format with -f ({', '.join(choices)})"
        )
    return found


def option_given(option: str) -> bool:
    """Whether the running command's `option` was given, rather than left at its default."""
    import click
    from click.core import ParameterSource

    context = click.get_current_context(silent=True)
    if context is None:
        return True
    return context.get_parameter_source(option) is not ParameterSource.DEFAULT


def exit_code(code: int, config_refused: bool, github: bool = False) -> int:
    """The run's exit code, 1 when it would pass but the config changed and that fails it
    (said on standard error, and in GitHub's format as an error annotation too: the check
    fails, and the pull request must show why)."""
    if config_refused and code == 0:
        said = "the config differs from the one at --config-ref (--fail-on-config-change)"
        typer.echo(f"podcheck: error: {said}", err=True)
        if github:
            from podcheck.render.formats.github import annotation

            typer.echo(annotation("error", said, title="podcheck: config changed"))
        return 1
    return code


def emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_report(output, text)
