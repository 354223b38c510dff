"""How the command line fails: a usage error or a bug in podcheck is one line on stderr.

click shows a usage error as a help box of several lines, which a CI log cuts apart; an
unexpected exception would end in a traceback. Both become one line, with distinct exit codes:
2 for anything wrong with what the user gave, 3 for a fault in podcheck itself, whose
traceback `--debug` (or PODCHECK_DEBUG=1) prints.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import click
from typer.core import TyperGroup

from podcheck.core import inert
from podcheck.core.errors import one_line

EXIT_INPUT_ERROR = 2
EXIT_INTERNAL_ERROR = 3
EXIT_INTERRUPTED = 130
DEBUG_ENV = "PODCHECK_DEBUG"
# Writing output can fail for reasons of the machine's, not of podcheck's: a full disk or
# quota, a file too large, a device error.
_CANNOT_WRITE = frozenset(
    {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG, errno.EIO}
)


def usage_line(error: click.UsageError) -> str:
    """`podcheck: error: ...`, naming the command whose --help tells more."""
    message = one_line(error.format_message().strip()).rstrip(".")
    message = message[:1].lower() + message[1:]
    command = error.ctx.command_path if error.ctx is not None else "podcheck"
    # The message quotes the arguments as given: file names from the pull request, which may
    # carry a CI log command (`##[error]`).
    return inert.ci_safe(f"podcheck: error: {message}; see '{one_line(command)} --help'")


def internal_line(exc: BaseException) -> str:
    detail = one_line(f"{type(exc).__name__}: {exc}")
    return inert.ci_safe(
        f"podcheck: internal error: {detail} (run again with --debug for the traceback)"
    )


class OneLineGroup(TyperGroup):
    """The root command: usage errors and internal errors each end in one line."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            outcome = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()  # `podcheck` alone prints the help, as before
            sys.exit(EXIT_INPUT_ERROR)
        except click.UsageError as exc:
            sys.stderr.write(usage_line(exc) + "\n")
            sys.exit(EXIT_INPUT_ERROR)
        except click.Abort:
            sys.stderr.write("podcheck: interrupted\n")
            sys.exit(EXIT_INTERRUPTED)
        except click.ClickException as exc:
            sys.stderr.write(inert.ci_safe(f"podcheck: error: {one_line(exc.format_message())}\n"))
            sys.exit(exc.exit_code)
        # Without standalone mode click returns the code of an Exit and a command's result.
        sys.exit(outcome if isinstance(outcome, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except RecursionError:
            sys.stderr.write("podcheck: error: input nests too deeply to process\n")
            raise click.exceptions.Exit(EXIT_INPUT_ERROR) from None
        except OSError as exc:
            if exc.errno not in _CANNOT_WRITE:
                _internal(ctx, exc)
            _drop_standard_output()
            reason = (exc.strerror or type(exc).__name__).lower()
            sys.stderr.write(f"podcheck: error: cannot write the output: {reason}\n")
            raise click.exceptions.Exit(EXIT_INPUT_ERROR) from None
        except Exception as exc:  # a bug in podcheck: one line, the traceback on request
            _internal(ctx, exc)


def _internal(ctx: click.Context, exc: Exception) -> None:
    if ctx.params.get("debug"):
        traceback.print_exc()
    sys.stderr.write(internal_line(exc) + "\n")
    raise click.exceptions.Exit(EXIT_INTERNAL_ERROR) from None


def _drop_standard_output() -> None:
    """Point standard output at /dev/null, so that what is still buffered for it is not
    written again at exit (with a second error)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no real descriptor (a test's capture)
        pass
