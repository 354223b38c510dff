"""`podcheck validate`: check org files against the format without judging them."""

from typing import Annotated

import typer

from podcheck.cli.common import load_settings
from podcheck.cli.options import EXIT_INPUT_ERROR, ConfigOption
from podcheck.core.errors import InputErrors


def validate(
    files: Annotated[
        list[str], typer.Argument(help="Org files to check; '-' reads standard input.")
    ],
    config: ConfigOption = None,
) -> None:
    """Check that org files are valid, without judging them."""
    from podcheck.core import inert
    from podcheck.run import session as run

    settings = load_settings(config)
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
