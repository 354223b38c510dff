"""Charts of an account export for the HTML report: each CSM's load against the bar, and
each pod's ARR. SVG drawn by pure functions, like podcheck.render.charts; every label is escaped.

People and pods are named (names are already made safe by podcheck.accounts.measures);
accounts never.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from podcheck.accounts.measures import Book
from podcheck.orgfile.model import OrgFile
from podcheck.render import charts

WIDTH = charts.WIDTH
TOP = charts.TOP
# A chart with more CSMs than this shows the heaviest ones.
# (the pack's two sheets hold two segments' loads; the failed rules name the rest)
MAX_BARS = 8


def load_chart(loads: Sequence[tuple[str, int]], limit: int, title: str) -> str:
    """One horizontal bar per CSM (heaviest first), with a line at the load limit.

    Drawn at print size like podcheck.render.charts (a unit is a point, text at its 8 pt); the
    counts stand in a column of their own right of the plot, clear of the limit line.
    """
    row = charts.ROW
    # Names are cut to their room (the bar's tooltip has the whole name); the counts need
    # the width of the largest.
    label_w = charts.LABEL_W + 16
    right = max(charts.text_width(str(count)) for _, count in loads) + 8 if loads else 30
    height = TOP + row * len(loads) + 16
    plot_w = WIDTH - label_w - right
    scale = max([limit * 5 / 4, *(count for _, count in loads)])

    def x(value: float) -> float:
        return label_w + plot_w * value / scale

    parts = charts._open(height, title)
    for index, (name, count) in enumerate(loads):
        top = TOP + index * row
        css = "bar over-bar" if count >= limit else "bar"
        label = charts.fit(name, label_w - 6)
        parts.append(charts._text(label_w - 4, top + 7.5, label, "tick", "end"))
        parts.append(
            f'<rect x="{label_w}" y="{charts._n(top + 1.5)}" '
            f'width="{charts._n(x(count) - label_w)}" height="6.5" class="{css}">'
            f"<title>{escape(name)}: {count} accounts</title></rect>"
        )
        parts.append(charts._text(WIDTH - right + 4, top + 7.5, str(count), "tick"))
    level = charts._n(x(limit))
    bottom = TOP + row * len(loads)
    parts.append(f'<line x1="{level}" x2="{level}" y1="{TOP}" y2="{bottom}" class="limit"/>')
    parts.append(charts._text(x(limit), bottom + 11, f"{limit} accounts", "limit-label", "middle"))
    parts.append("</svg>")
    return "".join(parts)


def build(book: Book | None, org: OrgFile, limit: Any) -> list[dict[str, str]]:
    """Titles and SVG for each pod segment: CSM loads, then pod ARR. Empty without a book."""
    if book is None:
        return []
    found = []
    for segment in org.pod_segments:
        measured = book.segments.get(segment.id)
        if measured is None or measured.area.accounts == 0:
            continue
        loads = list(measured.area.csm_loads[:MAX_BARS])
        if loads:
            more = len(measured.area.csm_loads) - len(loads)
            heaviest = f"top {len(loads)} " if more else ""
            title = f"{segment.display_name}: {heaviest}CSM loads (export)"
            found.append({"title": title, "svg": load_chart(loads, int(limit), title)})
        books = [(pod, area.arr) for pod, area in measured.pods.items()]
        if books:
            title = f"{segment.display_name}: ARR by pod (export)"
            found.append({"title": title, "svg": charts.book_chart(books, title)})
    return found


def draws_books(book: Book | None, segment: str) -> bool:
    """Whether `build` draws this segment's ARR by pod from the export."""
    measured = book.segments.get(segment) if book is not None else None
    return measured is not None and measured.area.accounts > 0 and bool(measured.pods)


def load_limit(rules: Sequence[Any]) -> Any:
    """The CSM load bar in force: the threshold of the rule on metric `export_csm_load`."""
    for rule in rules:
        if rule.metric == "export_csm_load" and rule.threshold is not None:
            return rule.threshold
    return 35
