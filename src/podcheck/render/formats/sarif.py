"""SARIF 2.1.0 for code scanning: failed and waived results, input errors, every rule described.

Waived results are kept, marked as suppressed with the waiver's reason, so code scanning
shows them as dismissed rather than forgetting them.
"""

from __future__ import annotations

import json
from typing import Any

from podcheck.core import inert
from podcheck.judge.report import Report, Result
from podcheck.judge.rule import Rule
from podcheck.render.catalogue_view import threshold_text
from podcheck.render.formats import RenderOptions, relative_uri
from podcheck.render.formats.json import json_value
from podcheck.review.shaping import notes

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INPUT_ERROR_RULE = "input-error"
# Where the tool is described, as pyproject.toml's [project.urls] Homepage says.
HOMEPAGE = "https://pypi.org/project/podcheck/"


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary_in_force},
        "fullDescription": {"text": rule.rationale},
        "help": {
            "text": f"Passes when: {threshold_text(rule)}. {rule.rationale} Source: {rule.source}.",
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["podcheck", rule.family.lower()], "scope": list(rule.scope)},
    }


_INPUT_ERROR_DESCRIPTOR = {
    "id": INPUT_ERROR_RULE,
    # A rule's name says what it checks, beside its id (as acv-floor beside POD101).
    "name": "readable-input",
    "shortDescription": {"text": "The org file could not be evaluated."},
    "fullDescription": {"text": "The file is not valid org-design YAML, format version 1."},
    "help": {
        "text": "Fix the value at the reported line and column; the message says what was expected."
    },
    "defaultConfiguration": {"level": "error"},
}


def _location(uri: str, line: int, column: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": {"startLine": line, "startColumn": column},
        }
    }


def _result(result: Result, uri: str, index: int) -> dict[str, Any]:
    where = ", ".join(
        part
        for part in (
            f"segment {result.segment}" if result.segment else "",
            f"pod {result.pod}" if result.pod else "",
        )
        if part
    )
    text = f"{where}: {result.message}" if where else result.message
    data: dict[str, Any] = {
        "ruleId": result.rule,
        "ruleIndex": index,
        "level": LEVELS[result.severity],
        "message": {"text": text},
        "locations": [_location(uri, result.line, result.column)],
        "partialFingerprints": {
            "podcheck/v1": f"{result.rule}:{result.segment or ''}:{result.pod or ''}"
        },
    }
    if result.status == "waived":
        data["suppressions"] = [{"kind": "external", "justification": result.waiver or ""}]
    return data


def render(report: Report, options: RenderOptions) -> str:
    index = {rule.code: i for i, rule in enumerate(report.rules)}
    results: list[dict[str, Any]] = []
    root = options.base()  # code scanning reads paths from the repository's root
    for file in report.files:
        uri = relative_uri(file.path, options.cwd, root)
        for error in file.errors:
            results.append(
                {
                    "ruleId": INPUT_ERROR_RULE,
                    "ruleIndex": len(report.rules),
                    "level": "error",
                    "message": {"text": error.message},
                    # An account export's bad rows are located in the export.
                    "locations": [
                        _location(
                            relative_uri(error.path, options.cwd, root), error.line, error.column
                        )
                    ],
                }
            )
        if file.export is not None and file.export.incomplete:
            results.append(
                {
                    "ruleId": INPUT_ERROR_RULE,
                    "ruleIndex": len(report.rules),
                    "level": "error",
                    "message": {"text": f"{file.verdict.upper()}: {file.export.line}"},
                    "locations": [
                        _location(relative_uri(file.export.path, options.cwd, root), 1, 1)
                    ],
                }
            )
        for result in file.results:
            if result.status in ("fail", "waived"):
                results.append(_result(result, uri, index[result.rule]))
    notifications = [
        {
            "level": "warning",
            "message": {"text": status.message},
            "locations": [
                _location(
                    relative_uri(status.waiver.source, options.cwd, root),
                    status.waiver.line,
                    status.waiver.column,
                )
            ],
        }
        for status in report.notices
    ]
    run = {
        "tool": {
            "driver": {
                "name": report.tool,
                "version": report.version,
                "informationUri": HOMEPAGE,
                "rules": [*(_descriptor(r) for r in report.rules), _INPUT_ERROR_DESCRIPTOR],
            }
        },
        "invocations": [
            {
                "executionSuccessful": report.exit_code != 2,
                "toolExecutionNotifications": notifications,
                # What shaped the verdict besides the files: selection, config, waivers, gate.
                "toolConfigurationNotifications": [
                    {"level": "note", "message": {"text": note.text}} for note in notes(report)
                ],
            }
        ],
        "properties": {
            "rulesNotRun": [{"rule": code, "why": why} for code, why in report.not_run],
            "overrides": [
                {
                    "rule": o.rule,
                    "field": o.field,
                    "catalogue": json_value(o.catalogue),
                    "used": json_value(o.used),
                }
                for o in report.overrides
            ],
        },
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return inert.json_safe(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
