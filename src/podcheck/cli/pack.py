"""One org file judged for the review meeting's documents (checklist and report)."""

from typing import TYPE_CHECKING, NamedTuple

from podcheck.cli.common import bad_input, report_errors, start_session
from podcheck.core.errors import InputErrors

if TYPE_CHECKING:  # imported for real inside the commands, to keep --help fast
    from podcheck.accounts.measures import Book
    from podcheck.judge.report import FileReport
    from podcheck.judge.rulebook import Settings
    from podcheck.orgfile.loader import LoadedOrg
    from podcheck.plan.changes import Plan
    from podcheck.render.html_report import Shaping, Stamp
    from podcheck.run.session import RunOptions


class Pack(NamedTuple):
    """One org file judged for the review pack, with what the pack is stamped with."""

    loaded: "LoadedOrg"
    report: "FileReport"
    settings: "Settings"
    stamp: "Stamp"
    export: "Book | None" = None  # the account export measured against it, if one was given
    plan: "Plan | None" = None  # the default plan behind "to reach go", when it was asked for


def judge_for_pack(path: str, options: "RunOptions") -> Pack:
    """One org file judged for the review pack; exit 2 on input errors.

    An export's bad rows are written to stderr; the caller exits 2 after its output."""
    from podcheck.render.html_report import Stamp
    from podcheck.review.scorecard import digest
    from podcheck.run.session import judge_file

    # The pack's stamp names the export by its digest.
    session = start_session(options._replace(export_digest=True))
    try:
        judged = judge_file(path, session)
    except InputErrors as exc:
        bad_input(exc)
    assert judged.report is not None  # judged
    report_errors(judged.report)
    config_digest = None if session.config_text is None else digest(session.config_text)
    books = session.export
    stamp = Stamp(
        session.as_of,
        digest(judged.text),
        config_digest,
        export_name=books.path if books is not None else None,
        export_digest=books.digest if books is not None else None,
    )
    return Pack(judged.loaded, judged.report, session.settings, stamp, judged.export, judged.plan)


def page_shaping(pack: Pack) -> "Shaping":
    """What the review pack says shaped the verdict (waivers have their own section)."""
    from podcheck.judge.report import Report
    from podcheck.render.html_report import Shaping
    from podcheck.review import shaping

    run = Report(
        files=(pack.report,),
        rules=pack.settings.rules,
        not_run=pack.settings.not_run,
        config_above=pack.settings.found_above,
    )
    lines = tuple(note.text for note in shaping.notes(run) if note.kind != "waiver")
    return Shaping(lines, shaping.thresholds_source(run))
