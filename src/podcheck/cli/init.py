"""`podcheck init`: a commented starter org file."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from podcheck.cli.common import (
    check_outputs,
    fail,
    load_settings,
    usage_error,
    write_report,
)
from podcheck.cli.options import STDOUT, MapOption
from podcheck.core.errors import InputError, InputErrors

if TYPE_CHECKING:
    from podcheck.accounts.tally import Tally

# The starter's own "then run" command, for a file named org.yaml with no export.
STARTER_RUN = "podcheck evaluate org.yaml"


def init_command(
    path: Annotated[
        str, typer.Argument(help="Where to write the starter file; '-' prints it.")
    ] = "org.yaml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    accounts: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--accounts", help="Draft it from a CRM account export (CSV or .xlsx)."),
    ] = None,
    column_map: MapOption = None,
) -> None:
    """Write a commented starter org file that validates (drafted from the books with
    --accounts)."""
    from importlib import resources

    from podcheck.core import inert
    from podcheck.core.commands import Invocation, evaluate_command

    text = resources.files("podcheck.render").joinpath("templates/starter.yaml").read_text("utf-8")
    # What judges the file written: under its own name, with the export and --map it came from.
    printed = path == STDOUT
    run = evaluate_command(
        "org.yaml" if printed else path, Invocation(accounts=accounts, column_map=column_map)
    )
    errors: list[InputError] = []
    if accounts is not None:
        text, errors = _drafted(accounts, column_map, text, run)
    elif column_map is not None:
        usage_error("--map needs --accounts EXPORT")
    else:
        text = text.replace(STARTER_RUN, inert.ci_safe(run), 1)
    if path == STDOUT:
        sys.stdout.write(text)
    else:
        from podcheck.run.output import STREAMS

        # A stream or a device (/dev/stdout, /dev/null) is written to, not overwritten.
        if path not in STREAMS and Path(path).is_file() and not force:
            fail([InputError(path, 1, 1, "file exists; use --force to overwrite it")])
        check_outputs([path], [accounts] if accounts else [])
        write_report(path, text)
        # The draft from an export leaves each pod segment's hiring plan to the team too.
        todo = "its policies and hiring plans" if accounts else "its policies"
        said = f"wrote {inert.escape(path)}; next: answer {todo}, then {run}"
        typer.echo(inert.ci_safe(said), err=True)
    if errors:  # rows the draft could not count: said, and never a clean exit
        fail(errors)


def _drafted(
    path: str, column_map: str | None, starter: str, run: str
) -> tuple[str, list[InputError]]:
    """The org file drafted from the export, and the export's refused rows."""
    from podcheck.accounts.draft import draft
    from podcheck.accounts.measures import books
    from podcheck.run.session import read_for_run

    settings = load_settings(None)
    try:
        # Read as the `evaluate --accounts` it suggests reads it, with the rules in force: a
        # renewal date that run cannot read costs the row there, and so here, or the draft
        # would state accounts its first run says the export does not hold.
        counted = read_for_run(path, column_map, False, settings.accounts, settings.rules)
    except ValueError as exc:  # a bad --map
        usage_error(str(exc))
    except InputErrors as exc:
        fail(exc.errors)
    blank = [
        InputError(counted.path, 1, 1, f"{n:,} rows have no {what}: not counted in the draft")
        for what, n in _blank(counted, books(counted))
        if n
    ]
    from podcheck.metrics.model_fit import structural_fit

    return draft(counted, starter, path, structural_fit, run), [*counted.errors, *blank]


def _blank(counted: "Tally", kept: dict) -> list[tuple[str, int]]:
    total = sum(group[0] for group in counted.groups.values())
    return [("segment", total - sum(group[0] for group in kept.values()))]
