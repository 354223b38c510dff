"""SVG charts for the HTML report, drawn from data by small pure functions.

Every label is escaped here, so the returned markup can be inserted into the page as is.
Coordinates are rounded to one decimal place so the output is stable and compact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from html import escape

from podcheck.numbers import format_money, format_plain
from podcheck.projection import Month

WIDTH, HEIGHT = 520, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 28


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def ratio_chart(
    months: Sequence[Month],
    limit: Fraction,
    pooled_at: Fraction,
    title: str,
    planned: Sequence[Month] = (),
) -> str:
    """AE:CSM ratio by month as a line, against the limit and the pooled-model line; with
    `planned`, the ratio under `podcheck plan`'s changes as a second, dashed line."""
    ratios = [m.ratio for m in months if m.ratio is not None]
    top = float(max([pooled_at * Fraction(4, 3), *ratios]))
    last = max(m.month for m in months) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month: int) -> float:
        return LEFT + plot_w * month / last

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" class="plot"/>',
    ]
    step = 1 if top <= 2.5 else 2 if top <= 5 else 5
    tick = 0.0
    while tick <= top:
        parts.append(
            f'<text x="{LEFT - 6}" y="{_n(y(tick) + 3)}" class="tick" '
            f'text-anchor="end">{_n(tick)}</text>'
        )
        tick += step * 0.5
    for month in range(0, last + 1, 3 if last > 12 else 1):
        parts.append(
            f'<text x="{_n(x(month))}" y="{HEIGHT - BOTTOM + 14}" class="tick" '
            f'text-anchor="middle">{month}</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 2}" class="axis" '
        f'text-anchor="middle">months from now</text>'
    )
    for value, css, label in ((limit, "limit", "limit"), (pooled_at, "pooled", "pooled model")):
        level = _n(y(float(value)))
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{level}" y2="{level}" class="{css}"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT - 4}" y="{_n(y(float(value)) - 4)}" '
            f'class="{css}-label" text-anchor="end">{format_plain(value)}:1 {label}</text>'
        )
    # Ratios stay exact for deciding a dot's colour; only coordinates are floats.
    points = [(m.month, m.ratio) for m in months if m.ratio is not None]
    if points:
        path = " ".join(f"{_n(x(month))},{_n(y(float(value)))}" for month, value in points)
        parts.append(f'<polyline points="{path}" class="ratio"/>')
        for month, value in points:
            css = (
                "dot pooled-dot"
                if value >= pooled_at
                else "dot over-dot"
                if value > limit
                else "dot"
            )
            parts.append(
                f'<circle cx="{_n(x(month))}" cy="{_n(y(float(value)))}" r="2.6" class="{css}">'
                f"<title>month {month}: {format_plain(round(value, 2))}:1"
                f"</title></circle>"
            )
    parts += _planned_line(planned, x, y)
    parts.append("</svg>")
    return "".join(parts)


def _planned_line(planned: Sequence[Month], x: Callable, y: Callable) -> list[str]:
    points = [(m.month, m.ratio) for m in planned if m.ratio is not None]
    if not points:
        return []
    path = " ".join(f"{_n(x(month))},{_n(y(float(value)))}" for month, value in points)
    month, value = points[-1]
    return [
        f'<polyline points="{path}" class="planned"/>',
        f'<text x="{_n(x(month) - 4)}" y="{_n(y(float(value)) + 12)}" class="planned-label" '
        f'text-anchor="end">with the plan</text>',
    ]


def book_chart(books: Sequence[tuple[str, Fraction | int]], title: str) -> str:
    """Each pod's book ARR as a horizontal bar, largest scale first."""
    row = 22
    height = TOP + row * len(books) + 8
    label_w = 110
    plot_w = WIDTH - label_w - 90
    largest = float(max((arr for _, arr in books), default=1)) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (name, arr) in enumerate(books):
        top = TOP + index * row
        length = plot_w * float(arr) / largest
        parts.append(
            f'<text x="{label_w - 6}" y="{top + 14}" class="tick" '
            f'text-anchor="end">{escape(name)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{top + 3}" width="{_n(length)}" height="15" class="bar"/>'
        )
        parts.append(
            f'<text x="{_n(label_w + length + 6)}" y="{top + 14}" '
            f'class="tick">{escape(format_money(arr))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
