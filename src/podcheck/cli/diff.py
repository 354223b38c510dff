"""`podcheck diff`: what a proposal changes, rule by rule and verdict by verdict."""

import datetime
import os
import sys
from typing import Annotated, Optional

import typer

from podcheck.cli.common import (
    bad_input,
    config_notice,
    exit_code,
    gate_level,
    load_settings,
    report_errors,
    usage_error,
    without_export,
)
from podcheck.cli.options import (
    ConfigOption,
    ConfigRefOption,
    DiffFormat,
    FailOnConfigChangeOption,
    FailOnOption,
    IgnoreOption,
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
) -> None:
    """Show what a proposal changes: rules that newly fail or pass, verdicts that move."""
    from podcheck.judge.report import FileReport
    from podcheck.render.diff_view import RENDERERS
    from podcheck.review.diff import diff_report
    from podcheck.run import git
    from podcheck.run.batch import judge_path, judge_text
    from podcheck.run.session import active_waivers

    settings = without_export(load_settings(config, select, ignore, config_ref=config_ref))
    config_changed = config_notice(config, config_ref, github=False)
    if base_ref is None and len(paths) != 2:
        usage_error("diff takes BASE HEAD, or --base-ref REF FILE...")
    waivers = active_waivers(settings, datetime.date.today())
    pairs: list[tuple[FileReport | None, FileReport]] = []
    if base_ref is None:
        base, head = paths
        pairs.append(
            (
                report_errors(judge_path(base, settings, waivers)),
                report_errors(judge_path(head, settings, waivers)),
            )
        )
    else:
        for path in paths:
            try:
                root = git.toplevel(os.path.dirname(os.path.abspath(path)), "--base-ref")
                text = git.read_at(base_ref, path, settings.max_file_bytes)
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
                before = report_errors(judge_text(f"{base_ref}:{path}", text, settings, waivers))
            pairs.append((before, report_errors(judge_path(path, settings, waivers, root))))
    report = diff_report(pairs, gate_level(fail_on, settings))
    sys.stdout.write(RENDERERS[output_format.value](report))
    raise typer.Exit(exit_code(report.exit_code, config_changed and fail_on_config_change))
