"""One org file judged for the review meeting's documents (checklist and report)."""

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from podcheck.cli.common import (
    account_export,
    bad_input,
    load_settings,
    report_errors,
    run_date,
    without_export,
)
from podcheck.cli.options import DateOrder
from podcheck.core.errors import InputErrors

if TYPE_CHECKING:  # imported for real inside the commands, to keep --help fast
    from podcheck.accounts.measures import Book
    from podcheck.judge.report import FileReport
    from podcheck.judge.rulebook import Settings
    from podcheck.orgfile.loader import LoadedOrg
    from podcheck.render.html_report import Shaping, Stamp


class Pack(NamedTuple):
    """One org file judged for the review pack, with what the pack is stamped with."""

    loaded: "LoadedOrg"
    report: "FileReport"
    settings: "Settings"
    stamp: "Stamp"
    export: "Book | None" = None  # the account export measured against it, if one was given


def judge_for_pack(
    path: str,
    config: Path | None,
    today: str | None,
    accounts: str | None,
    column_map: str | None,
    show_accounts: bool,
    date_order: DateOrder | None = None,
) -> Pack:
    """One org file judged for the review pack; exit 2 on input errors.

    An export's bad rows are written to stderr; the caller exits 2 after its output."""
    from podcheck.render.html_report import Stamp
    from podcheck.review.scorecard import digest
    from podcheck.run import session as run

    as_of = run_date(today)
    settings = load_settings(config)
    export = account_export(accounts, column_map, show_accounts, settings, date_order)
    if export is None:
        settings = without_export(settings)
    try:
        shown, text = run.read(path, settings)
        config_path = run.find_config(config)
        config_text = None if config_path is None else run.read(str(config_path), settings)[1]
        judged = run.judge_text(shown, text, settings, run.active_waivers(settings, as_of), export)
    except InputErrors as exc:
        bad_input(exc)
    report_errors(judged.report)
    stamp = Stamp(as_of, digest(text), None if config_text is None else digest(config_text))
    return Pack(judged.loaded, judged.report, settings, stamp, judged.export)


def page_shaping(pack: Pack) -> "Shaping":
    """What the review pack says shaped the verdict (waivers have their own section)."""
    from podcheck.judge.report import Report
    from podcheck.render.html_report import Shaping
    from podcheck.review import shaping

    run = Report(files=(pack.report,), rules=pack.settings.rules, not_run=pack.settings.not_run)
    lines = tuple(note.text for note in shaping.notes(run) if note.kind != "waiver")
    return Shaping(lines, shaping.thresholds_source(run))
