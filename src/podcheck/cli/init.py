"""`podcheck init`: a commented starter org file."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from podcheck.cli.common import fail, write_output
from podcheck.cli.options import STDOUT
from podcheck.core.errors import InputError


def init_command(
    path: Annotated[
        str, typer.Argument(help="Where to write the starter file; '-' prints it.")
    ] = "org.yaml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter org file that validates."""
    from importlib import resources

    text = resources.files("podcheck.render").joinpath("templates/starter.yaml").read_text("utf-8")
    if path == STDOUT:
        sys.stdout.write(text)
        return
    if Path(path).exists() and not force:
        fail([InputError(path, 1, 1, "file exists; use --force to overwrite it")])
    write_output(path, text)
    typer.echo(f"wrote {path}; next: answer its policies, then podcheck evaluate {path}", err=True)
