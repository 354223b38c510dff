"""`podcheck project`: the AE:CSM ratio month by month for each pod segment, as a table
with a bar chart, or as JSON."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from podcheck.model import OrgFile
from podcheck.numbers import format_plain, json_number
from podcheck.projection import Month, project
from podcheck.rulebook import Rule

PROJECTED_RATIO_RULE = "POD204"
DEFAULT_LIMIT = Fraction(6, 5)
DEFAULT_POOLED_AT = Fraction(3, 2)
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
            (m.month for m in self.months if m.ratio is None or m.ratio > self.pooled_at), None
        )


@dataclass(frozen=True)
class ProjectionView:
    org: str
    months: int
    segments: tuple[SegmentProjection, ...]


def build(org: OrgFile, rules: Sequence[Rule], months: int) -> ProjectionView:
    rule = next((r for r in rules if r.code == PROJECTED_RATIO_RULE), None)
    limit = Fraction(rule.threshold) if rule else DEFAULT_LIMIT
    pooled_at = (
        Fraction(rule.params.get("pooled_at", DEFAULT_POOLED_AT)) if rule else DEFAULT_POOLED_AT
    )
    segments = tuple(
        SegmentProjection(s.id, s.display_name, tuple(project(s, months)), limit, pooled_at)
        for s in org.pod_segments
    )
    return ProjectionView(org.org.name, months, segments)


def _people(value: Fraction) -> str:
    return format_plain(round(value, 2)) if value.denominator != 1 else str(value.numerator)


def _flag(projection: SegmentProjection, month: Month) -> str:
    if month.ratio is None:
        return "no CSMs"
    if month.ratio > projection.pooled_at:
        return f"past {format_plain(projection.pooled_at)}"
    if month.ratio > projection.limit:
        return f"past {format_plain(projection.limit)}"
    return ""


def render_terminal(view: ProjectionView, color: bool, width: int) -> str:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
    )
    console.print(Text(f"{view.org}: AE:CSM ratio over {view.months} months", style="bold"))
    if not view.segments:
        console.print("no pod segments to project")
    for projection in view.segments:
        console.print()
        _segment_chart(console, projection, Text)
    return buffer.getvalue()


def _segment_chart(console: Any, projection: SegmentProjection, text_type: Any) -> None:
    limit, pooled = projection.limit, projection.pooled_at
    ratios = [m.ratio for m in projection.months if m.ratio is not None]
    top = max([pooled * Fraction(4, 3), *ratios])
    scale = Fraction(_BAR_WIDTH) / top
    heading = (
        projection.id
        if projection.name == projection.id
        else f"{projection.id} ({projection.name})"
    )
    console.print(text_type(heading, style="bold"))
    limit_at, pooled_at = round(limit * scale), round(pooled * scale)
    guide = [" "] * (_BAR_WIDTH + 1)
    guide[limit_at], guide[pooled_at] = "|", "|"
    legend = f"{format_plain(limit)}"
    console.print(
        text_type(
            f"  {'month':>5} {'AE':>7} {'CSM':>7} {'ratio':>6}  "
            + "".join(guide).rstrip()
            + f"   | = {legend} and "
            f"{format_plain(pooled)}",
            style="dim",
        )
    )
    for month in projection.months:
        flag = _flag(projection, month)
        ratio = "—" if month.ratio is None else format_plain(round(month.ratio, 2))
        row = text_type(
            f"  {month.month:>5} {_people(month.ae):>7} {_people(month.csm):>7} {ratio:>6}  "
        )
        length = 0 if month.ratio is None else round(month.ratio * scale)
        cells = [
            "█" if i < length else ("|" if i in (limit_at, pooled_at) else " ")
            for i in range(max(length, pooled_at + 1))
        ]
        style = (
            "red"
            if flag.startswith("past " + format_plain(pooled)) or month.ratio is None
            else ("yellow" if flag else "green")
        )
        row.append("".join(cells).rstrip(), style=style)
        if flag:
            row.append(f"  {flag}", style=style)
        console.print(row)
    over, pooled_month = projection.first_over_limit, projection.first_pooled
    summary = (
        f"  stays within {format_plain(limit)}:1"
        if over is None
        else f"  first past {format_plain(limit)}:1 in month {over}"
    )
    if pooled_month is not None:
        summary += f"; past {format_plain(pooled)}:1 in month {pooled_month}"
    console.print(text_type(summary, style="bold"))


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
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
