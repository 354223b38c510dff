"""`podcheck diff`: what a proposal changes, rule by rule and verdict by verdict."""

import os
import sys
from typing import Annotated, Optional

import typer

from podcheck.cli.common import (
    bad_input,
    check_config_change_option,
    config_notice,
    exit_code,
    report_errors,
    start_session,
    usage_error,
)
from podcheck.cli.options import (
    ConfigOption,
    ConfigRefOption,
    DiffFormat,
    FailOnConfigChangeOption,
    FailOnOption,
    IgnoreOption,
    MaxFileBytesOption,
    SelectOption,
)
from podcheck.core.errors import InputErrors, UsageError


def diff_command(
    paths: Annotated[
        list[str], typer.Argument(help="BASE HEAD, or the files to compare with --base-ref.")
    ],
    base_ref: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--base-ref", help="Read each file's base version from this git revision."),
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DiffFormat.terminal,
    config: ConfigOption = None,
    config_ref: ConfigRefOption = None,
    fail_on_config_change: FailOnConfigChangeOption = False,
    fail_on: FailOnOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    max_file_bytes: MaxFileBytesOption = None,
    today: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--today", help="Judge waiver expiry as of this date (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Show what a proposal changes: rules that newly fail or pass, verdicts that move."""
    from podcheck.judge.report import FileReport
    from podcheck.render.diff_view import RENDERERS
    from podcheck.review.diff import diff_report
    from podcheck.run import git
    from podcheck.run.session import RunOptions, file_report

    check_config_change_option(fail_on_config_change, config_ref)
    session = start_session(
        RunOptions(
            config=config,
            config_ref=config_ref,
            select=select,
            ignore=ignore,
            max_file_bytes=max_file_bytes,
            fail_on=fail_on.value if fail_on else None,
            today=today,  # waivers expire by it: a diff can be made again as it was
        )
    )
    config_changed = config_notice(config, config_ref, github=False)
    if base_ref is None and len(paths) != 2:
        usage_error("diff takes BASE HEAD, or --base-ref REF FILE...")
    pairs: list[tuple[FileReport | None, FileReport]] = []
    if base_ref is None:
        base, head = paths
        pairs.append(
            (
                report_errors(file_report(base, session)),
                report_errors(file_report(head, session)),
            )
        )
    else:
        # Files are read in the repository the command runs in: a link in it to another
        # repository is refused, not followed there.
        here = git.repository(os.getcwd())
        for path in paths:
            try:
                root = here or git.toplevel(os.path.dirname(os.path.abspath(path)), "--base-ref")
                text = git.read_at(base_ref, path, session.settings.max_file_bytes, root=root)
            except UsageError as exc:
                bad_input(exc)
            except InputErrors as exc:  # the base version is unusable: say so, judge the head
                text = None
                base_errors = exc.errors
            else:
                base_errors = ()
            before = None
            if base_errors:
                before = report_errors(
                    FileReport(
                        path=f"{base_ref}:{path}", org=None, verdict="error", errors=base_errors
                    )
                )
            elif text is not None:
                before = report_errors(
                    file_report(f"{base_ref}:{path}", session, text=text, located=path)
                )
            pairs.append((before, report_errors(file_report(path, session, root=root))))
    report = diff_report(pairs, session.fail_on)
    sys.stdout.write(RENDERERS[output_format.value](report))
    raise typer.Exit(exit_code(report.exit_code, config_changed and fail_on_config_change))
