"""The command line: the typer app, its commands, and the console entry point.

Each command lives in a module of its own (podcheck.cli.evaluate, ...); the options and the
steps they share are in podcheck.cli.options and podcheck.cli.common. Heavy modules (pydantic
models, rich) are imported inside the commands that need them, so `--help` and `--version`
stay instant.
"""

import difflib
import importlib
import sys
from typing import Annotated

import click
import typer
import typer.main

from podcheck import __version__
from podcheck.cli.failures import DEBUG_ENV, OneLineGroup
from podcheck.core.errors import Interrupted

# Each command and the module of podcheck.cli that holds it (as `<command>_command`), in the
# order `podcheck --help` lists them.
COMMAND_MODULES = {
    "evaluate": "evaluate",
    "plan": "plan",
    "validate": "validate",
    "schema": "rules",
    "diff": "diff",
    "checklist": "checklist",
    "report": "report",
    "rules": "rules",
    "explain": "rules",
    "init": "init",
    "project": "project",
}


def _build(name: str) -> click.Command:
    """The click command of `name`, built from its module's function by typer."""
    module = importlib.import_module(f"podcheck.cli.{COMMAND_MODULES[name]}")
    callback = getattr(module, f"{name}_command")
    single = typer.Typer(
        add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None
    )
    single.command(name)(callback)
    command = typer.main.get_command(single)
    command.name = name
    return command


class Commands(OneLineGroup):
    """The root command, whose subcommands are built when named: a run imports and builds
    only the command it runs, not the other ten."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMAND_MODULES:
            return None
        if cmd_name not in self.commands:
            self.commands[cmd_name] = _build(cmd_name)
        return self.commands[cmd_name]

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name in COMMAND_MODULES or name.startswith("-"):
            return super().resolve_command(ctx, args)
        close = difflib.get_close_matches(name, list(COMMAND_MODULES), n=2)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise click.UsageError(f"No such command {name!r}.{hint}", ctx=ctx)


app = typer.Typer(
    cls=Commands,
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Judge AE+CSM pod org designs, written as YAML, against the pod model's conditions.",
)


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


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted


def _replace_unencodable() -> None:
    """Output in a terminal or log that is not UTF-8 gets replacement characters, not an
    error: names and marks are the file's, the encoding is the reader's."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def run() -> None:
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
