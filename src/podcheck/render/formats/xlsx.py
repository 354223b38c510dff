"""The scorecard as an Excel workbook a RevOps analyst can pivot (openpyxl, imported here only).

Sheet "segments": one row per file and segment, with its verdict, score, figures and, where
the file states costs, its economics. Sheet "results": one row per failing result. The plan
command adds sheet "plan": one row per change with its cost, and one per to-do (kind "to-do").

Numbers are numeric cells (exact values rounded to what a float holds), money carries a
currency format, and no cell is ever a formula: text that a spreadsheet would read as one
(starting with =, +, - or @) is stored as text, and characters a workbook cannot hold are
written as visible escapes.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from podcheck.core import inert
from podcheck.core.numbers import is_number
from podcheck.core.units import expectation, write
from podcheck.judge.report import FileReport, Report
from podcheck.render.formats import RenderOptions

if TYPE_CHECKING:
    from podcheck.plan.changes import Plan
    from podcheck.plan.costs import PlanCost

MONEY = '"$"#,##0;-"$"#,##0'
RATIO = "0.00"
SHARE = "0.0%"
FORMULA_STARTS = ("=", "+", "-", "@")
FIXED_TIME = datetime.datetime(2000, 1, 1)
_W3CDTF = re.compile(rb'(xsi:type="dcterms:W3CDTF">)[^<]*(</dcterms:)')

SEGMENT_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("file", None),
    ("org", None),
    ("segment", None),
    ("name", None),
    ("tier", None),
    ("model", None),
    ("verdict", None),
    ("score", None),
    ("acv", MONEY),
    ("accounts", None),
    ("accounts_per_csm", RATIO),
    ("ae", None),
    ("csm", None),
    ("ae_csm_today", RATIO),
    ("ae_csm_peak", RATIO),
    ("peak_month", None),
    ("recommended", None),
    ("arr", MONEY),
    ("arr_source", None),
    ("arr_per_csm", MONEY),
    ("people_cost", MONEY),
    ("csm_cost_share", SHARE),
    ("cost_per_pod", MONEY),
    ("missing_roles", None),
)
RESULT_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("file", None),
    ("rule", None),
    ("name", None),
    ("severity", None),
    ("segment", None),
    ("pod", None),
    ("actual", None),
    ("needed", None),
    ("message", None),
    ("line", None),
)
PLAN_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("file", None),
    ("org", None),
    ("kind", None),
    ("segment", None),
    ("pod", None),
    ("month", None),
    ("count", None),
    ("rules", None),
    ("message", None),
    ("first_year", MONEY),
    ("run_rate", MONEY),
)


def render(report: Report, options: RenderOptions) -> bytes:
    """The workbook of an evaluate run: sheets segments and results."""
    return workbook(report)


def workbook(
    report: Report,
    plans: Sequence[Plan] = (),
    costs: Sequence[PlanCost | None] = (),
) -> bytes:
    """Sheets segments and results, and sheet plan when `plans` are given."""
    from openpyxl import Workbook

    book = Workbook()
    segments = book.active
    segments.title = "segments"
    _sheet(segments, SEGMENT_COLUMNS, [row for f in report.files for row in _segment_rows(f)])
    rules = {rule.code: rule for rule in report.rules}
    results = book.create_sheet("results")
    _sheet(
        results,
        RESULT_COLUMNS,
        [_result_row(f, r, rules) for f in report.files for r in f.failures()],
    )
    if plans:
        sheet = book.create_sheet("plan")
        rows = [
            row
            for index, plan in enumerate(plans)
            for row in _plan_rows(plan, costs[index] if index < len(costs) else None)
        ]
        _sheet(sheet, PLAN_COLUMNS, rows)
    book.properties.creator = "podcheck"
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_dates(buffer.getvalue())


def _fixed_dates(data: bytes) -> bytes:
    """The same workbook with every date in it fixed: the same input gives the same bytes.

    openpyxl stamps the save time into the document properties and each zip entry."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            entry = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def _segment_rows(file: FileReport) -> list[dict[str, Any]]:
    rows = []
    for segment in file.segments:
        figures, economics = segment.figures, segment.economics
        row: dict[str, Any] = {
            "file": file.path,
            "org": file.org,
            "segment": segment.id,
            "name": segment.name,
            "tier": segment.tier,
            "model": segment.model,
            "verdict": segment.verdict,
            "score": segment.score,
            "recommended": segment.recommended,
        }
        if figures is not None:
            row |= {
                "acv": figures.acv,
                "accounts": figures.accounts,
                "accounts_per_csm": figures.accounts_per_csm,
                "ae": figures.ae,
                "csm": figures.csm,
                "ae_csm_today": figures.ratio,
                "ae_csm_peak": figures.peak,
                "peak_month": figures.peak_month if figures.peak is not None else None,
            }
        if economics is not None:
            row |= {
                "arr": economics.arr,
                "arr_source": economics.arr_source,
                "arr_per_csm": economics.arr_per_csm,
                "people_cost": economics.people_cost,
                "csm_cost_share": economics.csm_cost_share,
                "cost_per_pod": economics.cost_per_pod,
                "missing_roles": ", ".join(economics.missing_roles),
            }
        rows.append(row)
    return rows


def _todo_row(plan: Plan, todo: Any) -> dict[str, Any]:
    return {
        "file": plan.path,
        "org": plan.org,
        "kind": "to-do",
        "segment": todo.segment,
        "rules": todo.rule,
        "message": todo.message,
    }


def _result_row(file: FileReport, result: Any, rules: dict[str, Any]) -> dict[str, Any]:
    rule = rules.get(result.rule)
    needed = expectation(rule.compare, result.unit, result.threshold) if rule else None
    actual = result.actual if is_number(result.actual) else write(result.unit, result.actual)
    return {
        "file": file.path,
        "rule": result.rule,
        "name": result.name,
        "severity": result.severity,
        "segment": result.segment,
        "pod": result.pod,
        "actual": actual,
        "needed": needed,
        "message": result.message,
        "line": result.line,
    }


def _plan_rows(plan: Plan, cost: PlanCost | None) -> list[dict[str, Any]]:
    priced = list(cost.changes) if cost is not None else [None] * len(plan.changes)
    rows = []
    for change, item in zip(plan.changes, priced, strict=True):
        row: dict[str, Any] = {
            "file": plan.path,
            "org": plan.org,
            "kind": change.kind,
            "segment": change.segment,
            "pod": change.pod,
            "month": change.month,
            "count": change.count,
            "rules": ", ".join(change.rules),
            "message": change.message,
        }
        if item is not None and item.cost is not None:
            row |= {"first_year": item.cost.first_year, "run_rate": item.cost.run_rate}
        rows.append(row)
    # The to-dos too, so a sheet of changes never hides that go is not reached: those to
    # settle before any change first, the rest (those no change covers) after the changes.
    covered = {(c.segment, rule) for c in plan.changes for rule in c.rules}
    rest = [t for t in plan.todo[plan.leading :] if (t.segment, t.rule) not in covered]
    first = [_todo_row(plan, t) for t in plan.first]
    return [*first, *rows, *(_todo_row(plan, t) for t in rest)]


def _sheet(
    sheet: Any, columns: Sequence[tuple[str, str | None]], rows: list[dict[str, Any]]
) -> None:
    sheet.append([name for name, _ in columns])
    # Rows are numbered here: asking the sheet for its last row costs a scan of every row.
    for line, row in enumerate(rows, start=2):
        for position, (name, number_format) in enumerate(columns, start=1):
            _put(sheet.cell(row=line, column=position), row.get(name), number_format)
    sheet.freeze_panes = "A2"


def _put(cell: Any, value: Any, number_format: str | None) -> None:
    """A value as a typed cell: numbers numeric, text never a formula."""
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = "yes" if value else "no"
        return
    if is_number(value):
        cell.value = value if type(value) is int else float(Fraction(value))
        if number_format is not None:
            cell.number_format = number_format
        return
    text = _cell_text(str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl reads a leading '=' as a formula; this is text
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # and a spreadsheet shows it as typed, never evaluates it


# A spreadsheet reads `_x001B_` in a cell as the character U+001B: OOXML's way to hold what
# XML cannot. Text that happens to read so has its underscore written `_x005F_` (an escaped
# underscore), so that the cell shows it as typed and no control character comes back.
_OOXML_ESCAPE = re.compile(r"_(?=[xX][0-9A-Fa-f]{4}_)")


def _cell_text(text: str) -> str:
    """Text a workbook can hold: control characters (which XML refuses) escaped visibly, and
    nothing a spreadsheet would read back as one."""
    return _OOXML_ESCAPE.sub("_x005F_", inert.escape(text))[:32_000]
