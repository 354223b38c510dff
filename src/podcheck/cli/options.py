"""The options and choices several commands share, declared once."""

import enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from podcheck.render.formats import BINARY_FORMATS, FORMATS
from podcheck.run import CONFIG_NAME

STDOUT = "-"
# More processes than this many per CPU only add memory and start-up time.
JOBS_PER_CPU = 4
AUTO = "auto"

# `evaluate --format` offers the formats of the table in podcheck.render.formats, plus `auto`.
ReportFormat = enum.Enum(  # type: ignore[misc]
    "ReportFormat",
    {AUTO: AUTO, **{name: name for name in [*FORMATS, *BINARY_FORMATS]}},
    type=str,
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


class FailOnChoice(str, enum.Enum):
    error = "error"
    warning = "warning"
    never = "never"


ConfigOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option(
        "--config",
        "-c",
        help=(
            f"Config file (default: the nearest {CONFIG_NAME} from here up to the "
            "repository's root)."
        ),
        dir_okay=False,
    ),
]
FailOnOption = Annotated[
    Optional[FailOnChoice],  # noqa: UP045
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
        "--map",
        # Spaced, so that help wraps between pairs rather than inside a field's name.
        help="Export columns as FIELD=HEADER pairs, comma-separated (fields: account, arr, "
        "segment, pod, ae, csm, renewal), e.g. 'arr=ARR (USD), csm=Owner'",
    ),
]


class DateOrderChoice(str, enum.Enum):
    mdy = "mdy"
    dmy = "dmy"


DateOrderOption = Annotated[
    Optional[DateOrderChoice],  # noqa: UP045
    typer.Option(
        "--date-order",
        help="How the export writes A/B/YYYY dates (month first: mdy) when no day over 12 tells.",
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
            f"Read the config (--config, else the nearest {CONFIG_NAME}) as it is at this git "
            "revision, e.g. the pull request's base, so that the pull request cannot change its "
            "own gate."
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


OutputOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--output", "-o", help="Write to this file instead of standard output ('-')."),
]


TodayOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--today", help="Date the pack and judge waiver expiry as of (YYYY-MM-DD)."),
]


MaxFileBytesOption = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--max-file-bytes",
        min=1,
        max=1 << 30,  # the same bound as the config's max_file_bytes (1 GiB)
        help="Refuse larger files (default: config, else 4 MiB).",
    ),
]
