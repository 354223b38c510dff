"""`podcheck diff` output: plain text, JSON or Markdown, each a pure function of a DiffReport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from podcheck import inert
from podcheck.diff import DiffReport, FileDiff
from podcheck.formats.json import result_dict
from podcheck.formats.markdown import cell
from podcheck.report import Result


def _where(result: Result) -> str:
    where = result.segment or "org"
    return f"{where}/{result.pod}" if result.pod else where


def _verdict(value: str | None) -> str:
    return "(none)" if value is None else value.upper()


def render_text(report: DiffReport) -> str:
    lines: list[str] = []
    for file in report.files:
        lines.append(f"{file.path}: {_verdict(file.base_verdict)} -> {_verdict(file.head_verdict)}")
        if file.base_note:
            lines.append(f"  note: {file.base_note}")
        for change in file.verdict_changes:
            lines.append(
                f"  segment {change.segment}: {_verdict(change.before)} -> {_verdict(change.after)}"
            )
        for result in file.newly_failing:
            lines.append(
                f"  + fails  {result.rule} {result.name} [{result.severity}] {_where(result)} "
                f"(line {result.line}): {result.message}"
            )
        for result in file.newly_passing:
            lines.append(f"  - fixed  {result.rule} {result.name} {_where(result)}")
        if not (file.newly_failing or file.newly_passing or file.verdict_changes):
            lines.append("  no change in results")
    return inert.lines(lines)


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
        if file.verdict_changes:
            lines += ["| segment | before | after |", "|---|---|---|"]
            lines += [
                f"| {cell(c.segment)} | {_verdict(c.before)} | {_verdict(c.after)} |"
                for c in file.verdict_changes
            ]
            lines.append("")
        rows = [("newly fails", r) for r in file.newly_failing]
        rows += [("fixed", r) for r in file.newly_passing]
        if rows:
            lines += ["| change | rule | severity | where | finding |", "|---|---|---|---|---|"]
            lines += [
                f"| {change} | {r.rule} {r.name} | {r.severity} | {cell(_where(r))} "
                f"| {cell(r.message)} |"
                for change, r in rows
            ]
            lines.append("")
        else:
            lines += ["No change in results.", ""]
    return inert.plain("\n".join(lines).rstrip("\n") + "\n")


RENDERERS: dict[str, Callable[[DiffReport], str]] = {
    "terminal": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
