"""`podcheck validate`: check org files against the format without judging them."""

from typing import Annotated

import typer

from podcheck.cli.common import start_session
from podcheck.cli.failures import EXIT_INPUT_ERROR
from podcheck.cli.options import ConfigOption, MaxFileBytesOption
from podcheck.core.errors import InputErrors


def validate_command(
    files: Annotated[
        list[str], typer.Argument(help="Org files to check; '-' reads standard input.")
    ],
    config: ConfigOption = None,
    max_file_bytes: MaxFileBytesOption = None,
) -> None:
    """Check that org files are valid, without judging them."""
    from podcheck.core import inert
    from podcheck.run.session import RunOptions, judge_file

    session = start_session(RunOptions(config=config, max_file_bytes=max_file_bytes))
    failed = False
    for path in files:
        try:
            loaded = judge_file(path, session, judge=False).loaded
        except InputErrors as exc:
            failed = True
            for error in exc.errors:
                typer.echo(str(error), err=True)
        else:
            typer.echo(inert.ci_safe(f"{loaded.document.path}: valid"))
    raise typer.Exit(EXIT_INPUT_ERROR if failed else 0)
