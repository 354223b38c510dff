"""GitHub Actions workflow commands: one annotation per failed result or input error.

Values are escaped as the runner expects, so a message with ':' or ',' or a newline
cannot break out of its annotation.
"""

from __future__ import annotations

from collections.abc import Sequence

from podcheck.core import inert
from podcheck.core.errors import InputError
from podcheck.judge.report import Report
from podcheck.render.formats import RenderOptions, relative_uri
from podcheck.review.shaping import notes

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
# GitHub shows at most 10 annotations of each level per step and drops the rest. Notices
# keep room for the verdict, the count of what was left out and a config-change notice.
SHOWN = {"error": 10, "warning": 10, "notice": 7}


def escape_data(text: str) -> str:
    """The runner's data on one line: unsafe characters escaped, `##[` broken, `%` and
    newlines encoded."""
    text = inert.ci_safe(inert.escape(text, keep="\n"))
    return text.replace("%", "%25").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(command: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{command} {props}::{escape_data(message)}"


def refusal_annotations(errors: Sequence[InputError], cwd: str) -> list[str]:
    """A run refused whole (its config, its export, an option) as error annotations, so
    that a pull request that breaks one sees it on its files, not only in the log."""
    from urllib.parse import unquote

    from podcheck.render.formats import repository_root

    root = repository_root(cwd)
    return [
        annotation(
            "error",
            error.message,
            file=unquote(relative_uri(error.path, cwd, root)),
            line=error.line,
            col=error.column,
            title="podcheck: input error: the run stopped",
        )
        for error in errors
    ]


def render(report: Report, options: RenderOptions) -> str:
    from urllib.parse import unquote

    lines: list[tuple[str, str]] = []  # (level, annotation)
    root = options.base()  # the runner reads annotation paths from the repository's root
    for file in report.files:
        path = unquote(relative_uri(file.path, options.cwd, root))
        if file.export is not None and file.export.incomplete:
            # First, so that the cap on error annotations never hides it.
            lines.append(
                (
                    "error",
                    annotation(
                        "error",
                        file.export.line,
                        file=unquote(relative_uri(file.export.path, options.cwd, root)),
                        line=1,
                        col=1,
                        title=f"podcheck: {file.verdict}: export rows left unread",
                    ),
                )
            )
        for error in file.errors:
            lines.append(
                (
                    "error",
                    annotation(
                        "error",
                        error.message,
                        file=unquote(
                            relative_uri(error.path, options.cwd, root)
                        ),  # may be the export
                        line=error.line,
                        col=error.column,
                        title="podcheck: input error",
                    ),
                )
            )
        for result in file.results:
            if result.status != "fail":
                continue
            where = (
                f" ({result.segment}{'/' + result.pod if result.pod else ''})"
                if result.segment
                else ""
            )
            level = COMMANDS[result.severity]
            lines.append(
                (
                    level,
                    annotation(
                        level,
                        result.message,
                        file=path,
                        line=result.line,
                        col=result.column,
                        title=f"{result.rule} {result.name}{where}",
                    ),
                )
            )
    for notice in report.notices:
        waiver = notice.waiver
        lines.append(
            (
                "warning",
                annotation(
                    "warning",
                    notice.message,
                    file=unquote(relative_uri(waiver.source, options.cwd, root)),
                    line=waiver.line,
                    col=waiver.column,
                    title="podcheck: waiver",
                ),
            )
        )
    shown = _within_limits(lines, options.sarif)
    verdicts = ", ".join(
        f"{f.path}: {f.verdict}"
        + (f", {f.export.line}" if f.export and f.export.incomplete else "")
        for f in report.files
    )
    shaped = "; ".join(note.text for note in notes(report))
    summary = f"podcheck verdict {report.verdict} ({verdicts})"
    if shaped:
        summary += f". What shaped it: {shaped}"
    shown.append(annotation("notice", summary, title="podcheck"))
    return "\n".join(shown) + "\n"


def _within_limits(lines: list[tuple[str, str]], sarif: str | None) -> list[str]:
    """The first annotations of each level that GitHub shows, then one notice that counts
    the rest and says where every finding is: in the SARIF report only when this run
    writes one, else in podcheck's own report."""
    counts = dict.fromkeys(SHOWN, 0)
    shown = []
    for level, line in lines:
        counts[level] += 1
        if counts[level] <= SHOWN[level]:
            shown.append(line)
    left_out = [
        f"{n - SHOWN[level]} more {level}{'s' if n - SHOWN[level] > 1 else ''}"
        for level, n in counts.items()
        if n > SHOWN[level]
    ]
    if left_out:
        where = (
            f"every finding is in the SARIF report {sarif}"
            if sarif
            else "podcheck evaluate with --format terminal or json lists every finding"
        )
        message = (
            f"{', '.join(left_out)} not shown as annotations (GitHub shows 10 of each); {where}"
        )
        shown.append(annotation("notice", message, title="podcheck: more findings"))
    return shown
