"""The JSON report: one object, keys in a fixed order, byte-identical for the same input."""

from __future__ import annotations

import json
from typing import Any

from podcheck.formats import RenderOptions
from podcheck.numbers import is_number, json_number
from podcheck.report import FileReport, Report, Result, SegmentSummary
from podcheck.waivers import WaiverStatus


def json_value(value: Any) -> Any:
    """Exact values as JSON: integers stay integers, rationals become 4-place decimals."""
    if is_number(value):
        return json_number(value)
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    return value


def result_dict(result: Result) -> dict[str, Any]:
    return {
        "rule": result.rule,
        "name": result.name,
        "severity": result.severity,
        "status": result.status,
        "segment": result.segment,
        "pod": result.pod,
        "actual": json_value(result.actual),
        "threshold": json_value(result.threshold),
        "message": result.message,
        "line": result.line,
        "column": result.column,
        "waiver": result.waiver,
    }


def segment_dict(segment: SegmentSummary) -> dict[str, Any]:
    return {
        "id": segment.id,
        "name": segment.name,
        "tier": segment.tier,
        "model": segment.model,
        "verdict": segment.verdict,
        "score": segment.score,
        "recommended": segment.recommended,
        "recommended_reason": segment.recommended_reason,
        "pilot_decision": (
            {"action": segment.pilot.action, "reason": segment.pilot.reason}
            if segment.pilot
            else None
        ),
    }


def file_dict(file: FileReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "path": file.path,
        "org": file.org,
        "verdict": file.verdict,
        "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in file.errors],
    }
    if file.verdict != "error":
        data["segments"] = [segment_dict(s) for s in file.segments]
        data["results"] = [result_dict(r) for r in file.results]
    return data


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "tool": report.tool,
        "version": report.version,
        "verdict": report.verdict,
        "fail_on": report.fail_on,
        "files": [file_dict(f) for f in report.files],
        "waivers": [waiver_dict(w) for w in report.waivers],
    }


def waiver_dict(status: WaiverStatus) -> dict[str, Any]:
    waiver = status.waiver
    return {
        "rule": waiver.rule,
        "segment": waiver.segment,
        "pod": waiver.pod,
        "file": waiver.file,
        "reason": waiver.reason,
        "expires": waiver.expires.isoformat() if waiver.expires else None,
        "state": status.state,
        "applied": status.applied,
        "source": waiver.source,
        "line": waiver.line,
        "column": waiver.column,
    }


def render(report: Report, options: RenderOptions) -> str:
    """The same text as json.dumps(report_dict(report), indent=2), built one file at a time
    so that a run over thousands of files never holds all of them as one nested dict."""
    if not report.files:
        return _dump(report_dict(report)) + "\n"
    head = {
        key: value
        for key, value in report_dict(
            Report((), report.rules, report.fail_on, report.waivers)
        ).items()
        if key not in ("files", "waivers")
    }
    head["verdict"] = report.verdict
    waivers = [waiver_dict(w) for w in report.waivers]
    return "".join(
        [
            _dump(head)[:-2],
            ',\n  "files": [\n',
            ",\n".join(_indent(_dump(file_dict(file)), "    ") for file in report.files),
            "\n  ],\n",
            f'  "waivers": {_indent(_dump(waivers), "  ").lstrip()}\n}}\n',
        ]
    )


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))
