"""The JSON report: one object, keys in a fixed order, byte-identical for the same input.

Written with orjson: a run over thousands of files writes tens of thousands of results, and
orjson encodes them several times faster than the standard library. The report is UTF-8
bytes from end to end (RFC 8259's encoding for JSON, whatever the terminal's): orjson
writes bytes, and a text holding one character beyond Latin-1 (such as a message's "→")
would be stored two bytes a character and encoded again at every step, which costs a large
report more than writing it.
"""

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import orjson

from podcheck.core import inert
from podcheck.core.commands import plan_command
from podcheck.core.numbers import json_number
from podcheck.judge.economics import Economics
from podcheck.judge.report import (
    ExportSummary,
    FileReport,
    Report,
    Result,
    SegmentSummary,
    replanned,
)
from podcheck.judge.waivers import WaiverStatus
from podcheck.render.formats import RenderOptions


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


def encode(value: Any) -> bytes:
    """`value` as compact JSON in UTF-8; Fractions are written as `json_value` writes them."""
    return orjson.dumps(value, default=_exact)


def _exact(value: Any) -> Any:
    """What orjson calls for a type it does not know: podcheck's only one is Fraction."""
    if type(value) is Fraction:
        return json_number(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def result_dict(result: Result) -> dict[str, Any]:
    """A result as JSON-ready data."""
    return json_value(_result_fields(result))


def _result_fields(result: Result) -> dict[str, Any]:
    """A result's JSON fields, exact numbers kept as they are."""
    return {
        "rule": result.rule,
        "name": result.name,
        "severity": result.severity,
        "status": result.status,
        "segment": result.segment,
        "pod": result.pod,
        "actual": result.actual,
        "threshold": result.threshold,
        "message": result.message,
        "line": result.line,
        "column": result.column,
        "waiver": result.waiver,
    }


def segment_dict(segment: SegmentSummary) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": segment.id,
        "name": segment.name,
        "tier": segment.tier,
        "model": segment.model,
        "verdict": segment.verdict,
        "score": segment.score,
        "recommended": segment.recommended,
        "recommended_reason": segment.recommended_reason,
        "alternative": segment.alternative,
        "cohort": list(segment.cohort) if segment.cohort is not None else None,
        "pilot_decision": segment.pilot.action if segment.pilot else None,
        "pilot_reason": segment.pilot.reason if segment.pilot else None,
    }
    if segment.economics is not None:  # only in files that state costs (economics.md)
        data["economics"] = economics_dict(segment.economics)
    return data


def economics_dict(economics: Economics) -> dict[str, Any]:
    """A segment's figures as exact as JSON allows; money in dollars, the share as a fraction."""
    return {
        "arr": economics.arr,
        "arr_source": economics.arr_source,
        "arr_per_csm": economics.arr_per_csm,
        "people_cost": economics.people_cost,
        "csm_cost_share": economics.csm_cost_share,
        "cost_per_pod": economics.cost_per_pod,
        "missing_roles": list(economics.missing_roles),
        "absent": [{"figure": figure, "reason": reason} for figure, reason in economics.absent],
    }


def file_dict(file: FileReport, plan: str | None = None) -> dict[str, Any]:
    """A file's report as JSON-ready data; `plan` is the `podcheck plan` command that gives
    the run's plan (see `_reach`)."""
    return json_value(_file_fields(file, plan))


def _file_fields(file: FileReport, plan: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "path": file.path,
        "org": file.org,
        "verdict": file.verdict,
        "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in file.errors],
    }
    if file.verdict != "error":
        data["segments"] = [
            {
                **segment_dict(s),
                "to_reach_go": _reach(file, s.id, plan),
                "todo": _todo(file, s.id),
            }
            for s in file.segments
        ]
        data["results"] = [_result_fields(r) for r in file.results]
        data["to_reach_go"] = _reach(file, None, plan)
        data["todo"] = _todo(file, None)
    if file.export is not None:
        data["export"] = _export_fields(file.export)
    return data


def _export_fields(export: ExportSummary) -> dict[str, Any]:
    """How much of the account export was read (report.md, 2026-12-02)."""
    return {
        "rows": export.rows,
        "read": export.read,
        "refused": export.refused,
        "reasons": [{"reason": reason, "rows": n} for reason, n in export.reasons],
        "unread": [{"reason": reason, "rows": n} for reason, n in export.unread],
        # Pod segments that state accounts and have no row in the export (incomplete).
        "missing_segments": list(export.missing),
    }


def _todo(file: FileReport, segment: str | None) -> list[dict[str, Any]]:
    """The default plan's to-dos for a segment (None: the org-wide ones), as `podcheck plan
    --format json` lists them: what a person must settle, which no change can."""
    return [s.todo for s in file.to_reach_go if s.segment == segment and s.todo is not None]


def _reach(file: FileReport, segment: str | None, plan: str | None) -> list[dict[str, Any]]:
    """The default plan's changes for a segment (None: the org-wide ones), as in plan.md,
    in the plan's order. A change only the plan with the export can name says the command."""
    changes = [
        (s, s.change)
        for s in file.to_reach_go
        if s.segment == segment and s.change is not None and not s.recommended
    ]
    if not any(s.replan for s, _ in changes):
        return [change for _, change in changes]
    command = plan or plan_command(file.path)
    return [
        {**change, "message": replanned(s.message, command)} if s.replan else change
        for s, change in changes
    ]


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "tool": report.tool,
        "version": report.version,
        "verdict": report.verdict,
        "fail_on": report.fail_on,
        "rules_run": [rule.code for rule in report.rules],
        "rules_not_run": [{"rule": code, "why": why} for code, why in report.not_run],
        "overrides": [
            {"rule": o.rule, "field": o.field, "catalogue": o.catalogue, "used": o.used}
            for o in report.overrides
        ],
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


def render(report: Report, options: RenderOptions) -> bytes:
    """The report as indented JSON with one line per segment, result, error and waiver.

    A result per line keeps large reports readable and searchable with line tools, and
    each line is one call to orjson. The object is the same as `report_dict(report)`;
    only the whitespace differs from `json.dumps(..., indent=2)`.
    """
    return assemble(report, [render_file(file, options) for file in report.files], options)


def render_file(file: FileReport, options: RenderOptions) -> bytes:
    """One file's object, indented to its place in the report."""
    pieces: list[bytes] = []
    # The plan's command only where a step names it: quoting it costs every file otherwise.
    replans = any(step.replan for step in file.to_reach_go)
    plan = options.plan_command(file.path) if replans else None
    _write_object(_file_fields(file, plan), b"    ", pieces)
    return b"".join(pieces)


def assemble(report: Report, parts: Sequence[bytes], options: RenderOptions) -> bytes:
    """The report around its files' parts, given in the order of `report.files`."""
    data: dict[str, Any] = json_value(report_dict(report._replace(files=())))
    data["verdict"] = report.verdict
    data["files"] = _Encoded(parts)
    # One list of pieces joined once: the parts of a large run add up to megabytes.
    pieces: list[bytes] = []
    _write_object(data, b"", pieces)
    pieces.append(b"\n")
    return inert.json_safe_utf8(b"".join(pieces))


class _Encoded:
    """Items of a list that are already JSON text."""

    __slots__ = ("items",)

    def __init__(self, items: Sequence[bytes]) -> None:
        self.items = items


def _write_object(data: dict[str, Any], indent: bytes, pieces: list[bytes]) -> None:
    """A JSON object with one key per line; lists get one item per line."""
    inner = indent + b"  "
    pieces.append(b"{")
    for index, (key, value) in enumerate(data.items()):
        pieces.append(b",\n" if index else b"\n")
        pieces.append(inner)
        pieces.append(encode(key))
        pieces.append(b": ")
        if isinstance(value, _Encoded):
            _write_items(value.items, inner, pieces)
        elif isinstance(value, list):
            _write_values(value, inner, pieces)
        else:
            pieces.append(encode(value))
    pieces.append(b"\n" + indent + b"}")


def _write_items(items: Sequence[bytes], indent: bytes, pieces: list[bytes]) -> None:
    if not items:
        pieces.append(b"[]")
        return
    inner = indent + b"  "
    pieces.append(b"[\n" + inner)
    between = b",\n" + inner
    for index, item in enumerate(items):
        if index:
            pieces.append(between)
        pieces.append(item)
    pieces.append(b"\n" + indent + b"]")


# How many values are encoded before they are joined: orjson gives each its own page, which
# a piece kept until the report's final join holds on to (5,000 results held 20 MB).
_BATCH = 64


def _write_values(values: Sequence[Any], indent: bytes, pieces: list[bytes]) -> None:
    """`_write_items` for values not yet encoded, each batch of them joined into one item."""
    between = b",\n" + indent + b"  "  # as `_write_items` puts between items
    batches = [
        between.join([encode(value) for value in values[start : start + _BATCH]])
        for start in range(0, len(values), _BATCH)
    ]
    _write_items(batches, indent, pieces)
