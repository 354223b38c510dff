"""SVG charts for the HTML report, drawn from data by small pure functions.

Charts are drawn at their printed size: one unit of the drawing is one point, and the
width and height are given in points, so a label's font size is its size on paper (at
least 8 pt). Every label is escaped here, so the returned markup can be inserted into the
page as is. Coordinates are rounded to one decimal place so the output is stable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from html import escape

from podcheck.core.numbers import format_dollars, format_plain
from podcheck.metrics.projection import Month

# Two charts side by side fit the printable width of A4 and Letter (about 260 pt each).
WIDTH, HEIGHT = 250, 84
LEFT, RIGHT, TOP, BOTTOM = 22, 6, 6, 24
FONT = 8  # points: the smallest text that stays legible on paper
CHAR_W = 4.7  # the average width of a character at FONT, for placing labels side by side


# Advance widths of DejaVu Sans (the pack's font) in ems, by class of character, rounded
# up: enough to tell whether a label fits its room without a browser to measure it.
_NARROW = frozenset("fijlrtI!'(),-./:;[]`{|} ")
_WIDE = frozenset("mwMW@%&")


def text_width(label: str, size: float = FONT) -> float:
    """The width a label takes at `size` points, erring wide."""
    ems = 0.0
    for char in label:
        if char in _NARROW:
            ems += 0.42
        elif char in _WIDE or not char.isascii():
            ems += 1.0
        elif char.isupper():
            ems += 0.79
        else:
            ems += 0.64
    return ems * size


def fit(label: str, room: float) -> str:
    """`label`, cut with '…' where it would be wider than `room` points."""
    if text_width(label) <= room:
        return label
    while label and text_width(label + "…") > room:
        label = label[:-1]
    return label + "…"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(height: float, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="{WIDTH}pt" height="{_n(height)}pt" role="img" class="chart" '
        f'font-size="{FONT}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]


def _text(x: float, y: float, label: str, css: str, anchor: str = "start") -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{FONT}" class="{css}" '
        f'text-anchor="{anchor}">{escape(label)}</text>'
    )


def ratio_chart(
    months: Sequence[Month],
    limit: Fraction,
    pooled_at: Fraction,
    title: str,
    plan_end: int | None = None,
    planned: Sequence[Month] = (),
) -> str:
    """AE:CSM ratio by month as a line, against the limit and the pooled-model line.

    Months after `plan_end` are drawn dashed and grey, and labelled: the plan says nothing
    about them, so a flat line there is headcount held still, not a forecast. With
    `planned`, the ratio under `podcheck plan`'s changes is a second line.
    """
    ratios = [m.ratio for m in months if m.ratio is not None]
    top = float(max([pooled_at * Fraction(4, 3), *ratios]))
    last = max(m.month for m in months) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    beyond = plan_end is not None and plan_end < last

    def x(month: int) -> float:
        return LEFT + plot_w * month / last

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    parts = _open(HEIGHT, title)
    parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" class="plot"/>')
    end = plan_end if plan_end is not None and plan_end < last else last
    if beyond:
        parts.append(
            f'<rect x="{_n(x(end))}" y="{TOP}" width="{_n(x(last) - x(end))}" '
            f'height="{plot_h}" class="unplanned"/>'
        )
        label = f"no plan beyond month {end}"
        # At the foot of the shaded months, or at their head where the planned line's own
        # label would sit under it.
        foot = TOP + plot_h - 4
        mark = _planned_mark(planned, x, y)
        if mark is not None and abs(mark[1] - foot) < FONT + 2:
            foot = TOP + FONT + 1
        parts.append(_text(x(last) - 3, foot, label, "unplanned-label", "end"))
    step = 0.5 if top <= 2.5 else 1.0 if top <= 5 else 2.5
    tick = 0.0
    while tick <= top:
        parts.append(_text(LEFT - 3, y(tick) + 3, _n(tick), "tick", "end"))
        tick += step
    for month in range(0, last + 1, 3 if last > 12 else 1 if last <= 6 else 2):
        parts.append(_text(x(month), HEIGHT - BOTTOM + 10, str(month), "tick", "middle"))
    parts.append(_text(WIDTH - RIGHT, HEIGHT - 3, "months ahead", "axis", "end"))
    # The two lines are named in a legend under the axis, where the data never covers them.
    cursor = 2.0
    for value, css, label in ((limit, "limit", "limit"), (pooled_at, "pooled", "pooled model")):
        level = _n(y(float(value)))
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{level}" y2="{level}" class="{css}"/>'
        )
        name = f"{format_plain(value)}:1 {label}"
        parts.append(
            f'<line x1="{_n(cursor)}" x2="{_n(cursor + 10)}" y1="{HEIGHT - 6}" '
            f'y2="{HEIGHT - 6}" class="{css}"/>'
        )
        parts.append(_text(cursor + 13, HEIGHT - 3, name, f"{css}-label"))
        cursor += 13 + len(name) * CHAR_W + 8
    # Ratios stay exact for deciding a dot's colour; only coordinates are floats.
    points = [(m.month, m.ratio) for m in months if m.ratio is not None]
    within = [p for p in points if p[0] <= end]
    beyond_plan = [p for p in points if beyond and p[0] >= end]
    for css, line in (("ratio", within), ("ratio beyond", beyond_plan)):
        if line:
            path = " ".join(f"{_n(x(month))},{_n(y(float(value)))}" for month, value in line)
            parts.append(f'<polyline points="{path}" class="{css}"/>')
    for month, value in points:
        if month > end:
            css = "dot beyond-dot"
        elif value >= pooled_at:
            css = "dot pooled-dot"
        elif value > limit:
            css = "dot over-dot"
        else:
            css = "dot"
        parts.append(
            f'<circle cx="{_n(x(month))}" cy="{_n(y(float(value)))}" r="2" class="{css}">'
            f"<title>month {month}: {format_plain(round(value, 2))}:1</title></circle>"
        )
    parts += _planned_line(planned, x, y)
    parts.append("</svg>")
    return "".join(parts)


def _planned_mark(planned: Sequence[Month], x: Callable, y: Callable) -> tuple[float, float] | None:
    """Where the planned line's label stands (its right end and baseline), if drawn: under
    the line's last point, or over it where under would leave the plot."""
    points = [(m.month, m.ratio) for m in planned if m.ratio is not None]
    if not points:
        return None
    month, value = points[-1]
    under = y(float(value)) + 12
    return x(month) - 4, under if under <= HEIGHT - BOTTOM - 1 else y(float(value)) - 4


def _planned_line(planned: Sequence[Month], x: Callable, y: Callable) -> list[str]:
    points = [(m.month, m.ratio) for m in planned if m.ratio is not None]
    mark = _planned_mark(planned, x, y)
    if mark is None:
        return []
    path = " ".join(f"{_n(x(month))},{_n(y(float(value)))}" for month, value in points)
    return [
        f'<polyline points="{path}" class="planned"/>',
        _text(mark[0], mark[1], "with the plan", "planned-label", "end"),
    ]


LABEL_W, ROW = 74, 9.5


def book_chart(books: Sequence[tuple[str, Fraction | int]], title: str) -> str:
    """Each pod's book ARR as a horizontal bar, scaled to the largest; names cut to their
    room (each bar's tooltip has the whole name), amounts in whole dollars beside the bars."""
    height = TOP + ROW * len(books) + 4
    values = [format_dollars(arr) for _, arr in books]
    value_w = max((text_width(v) for v in values), default=0.0) + 6
    plot_w = WIDTH - LABEL_W - value_w
    largest = float(max((arr for _, arr in books), default=1)) or 1.0
    parts = _open(height, title)
    for index, ((name, arr), value) in enumerate(zip(books, values, strict=True)):
        top = TOP + index * ROW
        length = plot_w * float(arr) / largest
        parts.append(_text(LABEL_W - 4, top + 7.5, fit(name, LABEL_W - 6), "tick", "end"))
        parts.append(
            f'<rect x="{LABEL_W}" y="{_n(top + 1.5)}" width="{_n(length)}" height="6.5" '
            f'class="bar"><title>{escape(name)}: {value}</title></rect>'
        )
        parts.append(_text(LABEL_W + length + 3, top + 7.5, value, "tick"))
    parts.append("</svg>")
    return "".join(parts)
