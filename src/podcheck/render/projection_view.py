"""`podcheck project`: the AE:CSM ratio month by month for each pod segment, as a table
with a bar chart, or as JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from podcheck.core import inert
from podcheck.core.numbers import format_plain, json_number
from podcheck.judge.rule import Rule
from podcheck.judge.rulebook import role_rule
from podcheck.metrics.projection import Month, project
from podcheck.orgfile.model import OrgFile

_BAR_WIDTH = 40


@dataclass(frozen=True)
class SegmentProjection:
    id: str
    name: str
    months: tuple[Month, ...]
    limit: Fraction
    pooled_at: Fraction

    @property
    def first_over_limit(self) -> int | None:
        return next((m.month for m in self.months if m.ratio is None or m.ratio > self.limit), None)

    @property
    def first_pooled(self) -> int | None:
        return next(
            (m.month for m in self.months if m.ratio is None or m.ratio >= self.pooled_at), None
        )


@dataclass(frozen=True)
class ProjectionView:
    org: str
    months: int
    segments: tuple[SegmentProjection, ...]


def build(org: OrgFile, book: Sequence[Rule], months: int) -> ProjectionView:
    """`book` is the catalogue as configured: the rule with the `ratio_limit` role gives the
    lines the chart draws, whether or not it runs."""
    rule = role_rule(book, "ratio_limit")
    limit, pooled_at = Fraction(rule.threshold), Fraction(rule.params["pooled_at"])
    segments = tuple(
        SegmentProjection(s.id, s.display_name, tuple(project(s, months)), limit, pooled_at)
        for s in org.pod_segments
    )
    return ProjectionView(org.org.name, months, segments)


def _people(value: Fraction) -> str:
    return format_plain(round(value, 2)) if value.denominator != 1 else str(value.numerator)


def _flag(projection: SegmentProjection, month: Month) -> tuple[str, str]:
    """A month's marker and its kind: ok, over (past the limit) or pooled (past 1.5)."""
    if month.ratio is None:
        return "no CSMs", "pooled"
    if month.ratio >= projection.pooled_at:
        return f"at or past {format_plain(projection.pooled_at)}", "pooled"
    if month.ratio > projection.limit:
        return f"past {format_plain(projection.limit)}", "over"
    return "", "ok"


_STYLE = {"ok": "green", "over": "yellow", "pooled": "red", "heading": "bold", "legend": "dim"}

StyledText = tuple[str, str]  # text and its kind; the terminal maps kinds to styles


def chart_lines(projection: SegmentProjection) -> list[list[StyledText]]:
    """The chart of one segment, line by line, free of any terminal library."""
    limit, pooled = projection.limit, projection.pooled_at
    ratios = [m.ratio for m in projection.months if m.ratio is not None]
    scale = Fraction(_BAR_WIDTH) / max([pooled * Fraction(4, 3), *ratios])
    limit_at, pooled_at = round(limit * scale), round(pooled * scale)
    if projection.name == projection.id:
        heading = projection.id
    else:
        heading = f"{projection.id} ({projection.name})"
    guide = [" "] * (_BAR_WIDTH + 1)
    guide[limit_at] = guide[pooled_at] = "|"
    columns = f"  {'month':>5} {'AE':>7} {'CSM':>7} {'ratio':>6}  "
    legend = f"   | = {format_plain(limit)} and {format_plain(pooled)}"
    lines: list[list[StyledText]] = [
        [(heading, "heading")],
        [(columns + "".join(guide).rstrip() + legend, "legend")],
    ]
    for month in projection.months:
        flag, kind = _flag(projection, month)
        ratio = "—" if month.ratio is None else format_plain(round(month.ratio, 2))
        length = 0 if month.ratio is None else round(month.ratio * scale)
        cells = [
            "█" if i < length else ("|" if i in (limit_at, pooled_at) else " ")
            for i in range(max(length, pooled_at + 1))
        ]
        people = f"  {month.month:>5} {_people(month.ae):>7} {_people(month.csm):>7} {ratio:>6}  "
        line: list[StyledText] = [(people, ""), ("".join(cells).rstrip(), kind)]
        if flag:
            line.append((f"  {flag}", kind))
        lines.append(line)
    over, pooled_month = projection.first_over_limit, projection.first_pooled
    if over is None:
        summary = f"  stays within {format_plain(limit)}:1"
    else:
        summary = f"  first past {format_plain(limit)}:1 {_when(over)}"
    if pooled_month is not None:
        summary += f"; at or past {format_plain(pooled)}:1 {_when(pooled_month)}"
    lines.append([(summary, "heading")])
    return lines


def _when(month: int) -> str:
    """A month of the table as the rules name it: month 0 is today's headcount."""
    return "today (month 0)" if month == 0 else f"in month {month}"


def render_terminal(view: ProjectionView, color: bool, width: int) -> str:
    from rich.text import Text

    from podcheck.render.formats.terminal import make_console

    buffer = io.StringIO()
    console = make_console(buffer, color, width)
    console.print(Text(f"{view.org}: AE:CSM ratio over {view.months} months", style="bold"))
    if not view.segments:
        console.print("no pod segments to project")
    for projection in view.segments:
        console.print()
        for line in chart_lines(projection):
            console.print(Text.assemble(*((text, _STYLE.get(kind, "")) for text, kind in line)))
    return inert.ci_safe(buffer.getvalue())


def render_json(view: ProjectionView) -> str:
    data = {
        "org": view.org,
        "months": view.months,
        "segments": [
            {
                "id": p.id,
                "limit": json_number(p.limit),
                "pooled_at": json_number(p.pooled_at),
                "first_month_over_limit": p.first_over_limit,
                "first_month_pooled": p.first_pooled,
                "months": [
                    {
                        "month": m.month,
                        "ae": json_number(m.ae),
                        "csm": json_number(m.csm),
                        "ratio": None if m.ratio is None else json_number(m.ratio),
                    }
                    for m in p.months
                ],
            }
            for p in view.segments
        ],
    }
    return inert.json_safe(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
