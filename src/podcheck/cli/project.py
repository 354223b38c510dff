"""`podcheck project`: the AE:CSM ratio month by month under the hiring plans."""

import sys
from typing import Annotated

import typer

from podcheck.cli.common import (
    bad_input,
    color_wanted,
    start_session,
    terminal_width,
)
from podcheck.cli.options import Color, ColorOption, ConfigOption, ListFormat, MaxFileBytesOption
from podcheck.core.errors import InputErrors


def project_command(
    file: Annotated[str, typer.Argument(help="Org file; '-' reads standard input.")],
    months: Annotated[
        int, typer.Option("--months", "-m", min=1, max=24, help="Months ahead (1-24).")
    ] = 12,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.terminal,
    config: ConfigOption = None,
    color: ColorOption = Color.auto,
    max_file_bytes: MaxFileBytesOption = None,
) -> None:
    """Project the AE:CSM ratio month by month under each pod segment's hiring plan."""
    from podcheck.render import projection_view
    from podcheck.run.session import RunOptions, judge_file

    session = start_session(RunOptions(config=config, max_file_bytes=max_file_bytes))
    try:
        loaded = judge_file(file, session, judge=False).loaded
    except InputErrors as exc:
        bad_input(exc)
    view = projection_view.build(loaded.org, session.settings.rule_book, months)
    if output_format is ListFormat.json:
        sys.stdout.write(projection_view.render_json(view))
    else:
        sys.stdout.write(
            projection_view.render_terminal(view, color_wanted(color), terminal_width())
        )
