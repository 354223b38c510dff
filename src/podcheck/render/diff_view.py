"""`podcheck diff` output: plain text, JSON or Markdown, each a pure function of a DiffReport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from podcheck.core import inert
from podcheck.core.numbers import format_money, format_plain, format_ratio
from podcheck.core.units import write
from podcheck.judge.report import Result
from podcheck.render.formats.json import json_value, result_dict
from podcheck.render.formats.markdown import cell
from podcheck.review.diff import DiffReport, FileDiff, ResultChange, SegmentChange


def _where(result: Result) -> str:
    where = result.segment or "org"
    return f"{where}/{result.pod}" if result.pod else where


def _verdict(value: str | None) -> str:
    return "(none)" if value is None else value.upper()


_KIND_TEXT = {
    "newly-fails": "newly fails",
    "newly-applies": "newly applies, fails",
    "fixed": "fixed",
    "no-longer-applies": "no longer applies",
    "still-fails": "still fails",
}
_FIGURE_NAMES = {
    "acv": "ACV",
    "accounts": "accounts",
    "ae": "AEs",
    "csm": "CSMs",
    "accounts_per_csm": "accounts per CSM",
    "ratio": "AE:CSM ratio",
}


def _write_figure(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if name == "acv":
        return format_money(value)
    if name == "ratio":
        return format_ratio(value)
    return format_plain(value)


def _actual(result: Result | None) -> str:
    if result is None:
        return "—"
    if result.actual is None:
        return result.status
    return write(result.unit, result.actual)


def _figures(change: ResultChange) -> str:
    """Before → after of the figure that decided the result."""
    return f"{_actual(change.before)} → {_actual(change.after)}"


def _segment_line(change: SegmentChange) -> str:
    old, new = change.before, change.after
    parts = []
    if old is None or new is None:
        parts.append("added" if old is None else "removed")
    else:
        if old.model != new.model:
            parts.append(f"model {old.model} → {new.model}")
        if old.verdict != new.verdict:
            parts.append(f"verdict {_verdict(old.verdict)} → {_verdict(new.verdict)}")
    parts += [
        f"{_FIGURE_NAMES[name]} {_write_figure(name, was)} → {_write_figure(name, now)}"
        for name, was, now in change.figures()
    ]
    return "; ".join(parts)


def render_text(report: DiffReport) -> str:
    lines: list[str] = []
    for file in report.files:
        lines.append(f"{file.path}: {_verdict(file.base_verdict)} → {_verdict(file.head_verdict)}")
        if file.base_note:
            lines.append(f"  note: {file.base_note}")
        for segment in file.segments:
            lines.append(f"  segment {segment.segment}: {_segment_line(segment)}")
        for change in file.changes:
            result = change.result
            why = f"; {change.why}" if change.why else ""
            lines.append(
                f"  {_KIND_TEXT[change.kind]}: {result.rule} {result.name} [{result.severity}] "
                f"{_where(result)} ({_figures(change)}{why}): {result.message}"
            )
        if not (file.changes or file.segments):
            lines.append("  no change in results")
    return inert.lines(lines)


def _side(result: Result | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "status": result.status,
        "actual": json_value(result.actual),
        "message": result.message,
        "line": result.line,
    }


def _file_dict(file: FileDiff) -> dict[str, Any]:
    return {
        "path": file.path,
        "base_verdict": file.base_verdict,
        "head_verdict": file.head_verdict,
        "note": file.base_note or None,
        "verdict_changes": [
            {"segment": c.segment, "before": c.before, "after": c.after}
            for c in file.verdict_changes
        ],
        "segments": [
            {
                "segment": c.segment,
                "model_before": c.before.model if c.before else None,
                "model_after": c.after.model if c.after else None,
                "figures": {
                    name: {"before": json_value(was), "after": json_value(now)}
                    for name, was, now in c.figures()
                },
            }
            for c in file.segments
        ],
        "changes": [
            {
                "kind": c.kind,
                "rule": c.result.rule,
                "name": c.result.name,
                "severity": c.result.severity,
                "segment": c.result.segment,
                "pod": c.result.pod,
                "before": _side(c.before),
                "after": _side(c.after),
                "why": c.why or None,
            }
            for c in file.changes
        ],
        "newly_failing": [result_dict(r) for r in file.newly_failing],
        "newly_passing": [result_dict(r) for r in file.newly_passing],
    }


def render_json(report: DiffReport) -> str:
    data = {
        "tool": "podcheck",
        "fail_on": report.fail_on,
        "exit_code": report.exit_code,
        "files": [_file_dict(f) for f in report.files],
    }
    return inert.json_safe(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def render_markdown(report: DiffReport) -> str:
    lines = ["## podcheck diff", ""]
    for file in report.files:
        lines.append(
            f"### {cell(file.path)}: {_verdict(file.base_verdict)} → {_verdict(file.head_verdict)}"
        )
        lines.append("")
        if file.base_note:
            lines += [f"_{cell(file.base_note)}_", ""]
        if file.segments:
            lines += ["| segment | what changed |", "|---|---|"]
            lines += [f"| {cell(c.segment)} | {cell(_segment_line(c))} |" for c in file.segments]
            lines.append("")
        if file.changes:
            lines += [
                "| change | rule | severity | where | before → after | finding |",
                "|---|---|---|---|---|---|",
            ]
            for c in file.changes:
                r = c.result
                figures = _figures(c) + (f"; {c.why}" if c.why else "")
                lines.append(
                    f"| {_KIND_TEXT[c.kind]} | {r.rule} {r.name} | {r.severity} "
                    f"| {cell(_where(r))} | {cell(figures)} | {cell(r.message)} |"
                )
            lines.append("")
        if not (file.changes or file.segments):
            lines += ["No change in results.", ""]
    return inert.plain("\n".join(lines).rstrip("\n") + "\n")


RENDERERS: dict[str, Callable[[DiffReport], str]] = {
    "terminal": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
