"""GitHub Actions workflow commands: one annotation per failed result or input error.

Values are escaped as the runner expects, so a message with ':' or ',' or a newline
cannot break out of its annotation.
"""

from __future__ import annotations

from podcheck.formats import RenderOptions, relative_uri
from podcheck.report import Report
from podcheck.shaping import notes

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(command: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{command} {props}::{escape_data(message)}"


def render(report: Report, options: RenderOptions) -> str:
    from urllib.parse import unquote

    lines = []
    for file in report.files:
        path = unquote(relative_uri(file.path, options.cwd))
        for error in file.errors:
            lines.append(
                annotation(
                    "error",
                    error.message,
                    file=path,
                    line=error.line,
                    col=error.column,
                    title="podcheck: input error",
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
            lines.append(
                annotation(
                    COMMANDS[result.severity],
                    result.message,
                    file=path,
                    line=result.line,
                    col=result.column,
                    title=f"{result.rule} {result.name}{where}",
                )
            )
    for notice in report.notices:
        waiver = notice.waiver
        lines.append(
            annotation(
                "warning",
                notice.message,
                file=waiver.source,
                line=waiver.line,
                col=waiver.column,
                title="podcheck: waiver",
            )
        )
    verdicts = ", ".join(f"{f.path}: {f.verdict}" for f in report.files)
    shaped = "; ".join(note.text for note in notes(report))
    summary = f"podcheck verdict {report.verdict} ({verdicts})"
    if shaped:
        summary += f". What shaped it: {shaped}"
    lines.append(annotation("notice", summary, title="podcheck"))
    return "\n".join(lines) + "\n"
