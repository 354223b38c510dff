"""The printable review pack: one self-contained HTML page, from Jinja2 templates.

Autoescaping is on, so names from the org file (which may hold '<' or '&') are text. The
CSS is inlined and the charts are inline SVG: the page fetches nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from podcheck import __version__, charts
from podcheck.checklist import Checklist
from podcheck.model import OrgFile
from podcheck.projection_view import build as build_projection
from podcheck.report import FileReport
from podcheck.rulebook import Rule
from podcheck.units import expectation, write

PROJECTION_MONTHS = 24


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("podcheck", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _common(path: str) -> dict[str, Any]:
    css = resources.files("podcheck").joinpath("templates/style.css").read_text("utf-8")
    return {"css": Markup(css), "version": __version__, "path": path}


def render_checklist(checklist: Checklist) -> str:
    template = _environment().get_template("checklist_page.html.j2")
    return template.render(checklist=checklist, **_common(checklist.path))


def _charts(
    org: OrgFile, rules: Sequence[Rule], planned: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    found = []
    view = build_projection(org, rules, PROJECTION_MONTHS)
    for projection in view.segments:
        title = f"{projection.name}: AE:CSM ratio, next {PROJECTION_MONTHS} months"
        svg = charts.ratio_chart(
            projection.months,
            projection.limit,
            projection.pooled_at,
            title,
            (planned or {}).get(projection.id, ()),
        )
        found.append({"title": title, "svg": Markup(svg)})
    for segment in org.pod_segments:
        books = [(pod.id, pod.arr) for pod in segment.pods or () if pod.arr is not None]
        if books:
            title = f"{segment.display_name}: book ARR by pod"
            found.append({"title": title, "svg": Markup(charts.book_chart(books, title))})
    return found


def _to_reach_go(file: FileReport, org: OrgFile, rules: Sequence[Rule]) -> dict[str, Any]:
    """The default plan's first steps and, for each segment it changes, the months under
    the plan (the ratio chart draws them beside the proposed ones)."""
    if file.verdict != "no-go":
        return {"steps": [], "planned": {}}
    from podcheck.loader import LoadedOrg
    from podcheck.plan import make_plan
    from podcheck.plan_view import to_reach_go
    from podcheck.source import Document

    # The file's results already carry its waivers: a waived failure is not a target.
    plan = make_plan(
        LoadedOrg(org, Document(file.path, None, {})), rules, report=file, verify=False, book=rules
    )
    # Three steps keep the page to two sheets; the plan command has the rest.
    steps = file._replace(to_reach_go=to_reach_go(plan)).reach_lines(limit=3)
    changed = {
        new.id for old, new in zip(org.segments, plan.revised.segments, strict=True) if old != new
    }
    planned = {
        projection.id: projection.months
        for projection in build_projection(plan.revised, rules, PROJECTION_MONTHS).segments
        if projection.id in changed
    }
    return {"steps": steps, "planned": planned}


def render_report(
    file: FileReport, org: OrgFile, rules: Sequence[Rule], checklist: Checklist
) -> str:
    by_code = {rule.code: rule for rule in rules}
    failures = [
        {
            "rule": f"{r.rule} {r.name}",
            "severity": r.severity,
            "where": (r.segment or "organisation") + (f" / {r.pod}" if r.pod else ""),
            "message": r.message,
            "actual": "—" if r.actual is None else write(r.unit, r.actual),
            "needed": expectation(by_code[r.rule].compare, r.unit, r.threshold),
        }
        for r in file.results
        if r.failed
    ]
    reach = _to_reach_go(file, org, rules)
    template = _environment().get_template("report.html.j2")
    return template.render(
        file=file,
        headline=file.headline,
        pod_segments=len(org.pod_segments),
        rollout=org.org.rollout,
        failures=failures,
        charts=_charts(org, rules, reach["planned"]),
        to_reach_go=reach,
        checklist=checklist,
        **_common(file.path),
    )
