"""The JSON report: one object, keys in a fixed order, byte-identical for the same input.

Written with orjson: a run over thousands of files writes tens of thousands of results, and
orjson encodes them several times faster than the standard library.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import orjson

from podcheck.formats import RenderOptions
from podcheck.numbers import json_number
from podcheck.report import FileReport, Report, Result, SegmentSummary
from podcheck.waivers import WaiverStatus


def json_value(value: Any) -> Any:
    """Exact values as JSON: integers stay integers, rationals become 4-place decimals."""
    kind = type(value)
    if kind is Fraction:
        return json_number(value)
    if kind is dict:
        return {key: json_value(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [json_value(item) for item in value]
    return value


def encode(value: Any) -> str:
    """JSON-ready `value` as compact JSON."""
    return orjson.dumps(value).decode()


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
    """The report as indented JSON with one line per segment, result, error and waiver.

    A result per line keeps large reports readable and searchable with line tools, and
    lets every line be written by the json module's C encoder: its indenting encoder is
    pure Python and would dominate a run over thousands of files. The object is the same
    as `report_dict(report)`; only the whitespace differs from `json.dumps(..., indent=2)`.
    """
    return assemble(report, [render_file(file, options) for file in report.files], options)


def render_file(file: FileReport, options: RenderOptions) -> str:
    """One file's object, indented to its place in the report."""
    return _object(file_dict(file), "    ")


def assemble(report: Report, parts: Sequence[str], options: RenderOptions) -> str:
    """The report around its files' parts, given in the order of `report.files`."""
    data = report_dict(Report((), report.rules, report.fail_on, report.waivers))
    data["verdict"] = report.verdict
    data["files"] = [_Encoded(part) for part in parts]
    return _object(data, "") + "\n"


class _Encoded(str):
    """Text that is already JSON."""


def _object(data: dict[str, Any], indent: str) -> str:
    """A JSON object with one key per line; lists get one item per line."""
    inner = indent + "  "
    fields = [f"{inner}{encode(key)}: {_value(value, inner)}" for key, value in data.items()]
    return "{\n" + ",\n".join(fields) + f"\n{indent}}}"


def _value(value: Any, indent: str) -> str:
    if not isinstance(value, list):
        return encode(value)
    if not value:
        return "[]"
    items = [item if isinstance(item, _Encoded) else encode(item) for item in value]
    inner = indent + "  "
    return f"[\n{inner}" + f",\n{inner}".join(items) + f"\n{indent}]"
