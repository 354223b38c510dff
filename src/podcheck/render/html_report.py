"""The printable review pack: one self-contained HTML page, from Jinja2 templates.

Autoescaping is on, so names from the org file (which may hold '<' or '&') are text. The
CSS is inlined and the charts are inline SVG: the page fetches nothing.

The report is a column of blocks (header, banner, scorecard, exceptions, failed rules,
charts, checklist, sign-off), each a template block, so that a block can be added or
moved without touching the others. Both the report and the standalone checklist carry the
same stamp, verdict banner, exceptions and sign-off.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from fractions import Fraction
from importlib import resources
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup, escape

from podcheck import __version__
from podcheck.core import inert
from podcheck.core.commands import NONE_GIVEN, Invocation, plan_command
from podcheck.core.numbers import Number, format_dollars, format_plain, format_ratio
from podcheck.core.units import expectation, write
from podcheck.judge.report import FileReport, Result
from podcheck.judge.rule import Rule
from podcheck.judge.waivers import Waiver, statuses
from podcheck.orgfile.model import OrgFile
from podcheck.render import accounts_view, charts
from podcheck.render.projection_view import build as build_projection
from podcheck.review.checklist import Checklist
from podcheck.review.scorecard import FiguresApart, SegmentFigures, figures, plan_months

PROJECTION_MONTHS = 24
SIGN_OFF = ("CRO", "VP Customer Success", "RevOps")


class Stamp(NamedTuple):
    """What the pack was made from, printed on it so that a signed copy can be traced."""

    today: datetime.date
    file_digest: str  # scorecard.digest of the org file's text
    config_digest: str | None = None  # None when no config file was used
    # The account export (--accounts) as named and its digest, when one was judged.
    export_name: str | None = None
    export_digest: str | None = None


class _Row(NamedTuple):
    code: str
    name: str
    severity: str
    where: str
    message: str
    actual: str
    needed: str
    pods: str  # the failing pods of the same rule and segment, with their figures


class _Exception(NamedTuple):
    rule: str
    where: str
    reason: str
    owner: str
    expires: str


# Long identifiers (pod ids, norm names) may break after '_' or '-', never mid-word.
_BREAKABLE = re.compile(r"[\w-]{13,}")


def breakable(text: object) -> Markup:
    """Escaped text where long identifiers may wrap after '_' and '-' only."""
    escaped = str(escape(str(text)))
    return Markup(_BREAKABLE.sub(lambda m: re.sub(r"([_-])", r"\1<wbr>", m.group(0)), escaped))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("podcheck.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["breakable"] = breakable
    return env


class Shaping(NamedTuple):
    """What shaped the verdict besides the file (see podcheck.review.shaping), for the page."""

    notes: tuple[str, ...] = ()
    thresholds: str = "Thresholds from podcheck's rule catalogue (revision 3)."


NOTHING_SHAPED = Shaping()


def _common(path: str, stamp: Stamp | None, shaping: Shaping) -> dict[str, Any]:
    css = resources.files("podcheck.render").joinpath("templates/style.css").read_text("utf-8")
    return {
        "css": Markup(css),
        "version": __version__,
        "path": path,
        "stamp": stamp,
        "sign_off": SIGN_OFF,
        "shaped": shaping.notes,
        "thresholds": shaping.thresholds,
    }


def _where(segment: str | None, pod: str | None) -> str:
    return (segment or "organisation") + (f" / {pod}" if pod else "")


def _exceptions(
    file: FileReport, waivers: Sequence[Waiver], today: datetime.date | None
) -> tuple[list[_Exception], list[str]]:
    """Waivers applied to this file, one row per waiver, and notes on the others."""
    by_index = {w.index: w for w in waivers}
    places: dict[int, list[Result]] = {}
    for result in file.results:
        if result.status == "waived" and result.waived_by is not None:
            places.setdefault(result.waived_by, []).append(result)
    rows = []
    for index, results in sorted(places.items()):
        waiver = by_index.get(index)
        first = results[0]
        rows.append(
            _Exception(
                rule=f"{first.rule} {first.name}",
                where=", ".join(_where(r.segment, r.pod) for r in results),
                reason=first.waiver or "",
                owner=(waiver.owner if waiver else None) or "",
                expires=str(waiver.expires) if waiver and waiver.expires else "no expiry",
            )
        )
    notes = []
    if today is not None:
        used = [r.waived_by for r in file.results if r.waived_by is not None]
        notes = [s.message for s in statuses(waivers, used, today) if s.state == "expired"]
    return rows, notes


def _failure_rows(file: FileReport, rules: Sequence[Rule]) -> list[_Row]:
    """One row per rule and segment: pod failures are folded into their segment's row."""
    by_code = {rule.code: rule for rule in rules}
    groups: dict[tuple[str, str | None], list[Result]] = {}
    for result in file.results:
        if result.failed:
            groups.setdefault((result.rule, result.segment), []).append(result)
    rows = []
    for results in groups.values():
        head = next((r for r in results if r.pod is None), results[0])
        pods = [r for r in results if r.pod is not None]
        where = _where(head.segment, None)
        if head.pod is not None:
            where += f" ({len(pods)} pod{'s' if len(pods) != 1 else ''})"
        listed = _pod_list(pods, by_code[head.rule].compare)
        rows.append(
            _Row(
                code=head.rule,
                name=head.name,
                severity=head.severity,
                where=where,
                message=head.message,
                actual="—" if head.actual is None else write(head.unit, head.actual),
                needed=expectation(by_code[head.rule].compare, head.unit, head.threshold),
                pods=f"{len(pods)} pod{'s' if len(pods) != 1 else ''} failing: {listed}"
                if pods
                else "",
            )
        )
    return rows


# Pods named in a failed rule's row, worst first; the rest are counted.
POD_LIST_LIMIT = 4


def _pod_list(pods: Sequence[Result], compare: str) -> str:
    ordered = list(pods)
    if compare in ("<", "<=", ">", ">=") and all(r.actual is not None for r in pods):
        # Stable sort: pods with the same figure keep the file's order.
        ordered.sort(key=lambda r: r.actual, reverse=compare in ("<", "<="))
    shown = [
        f"{r.pod} {write(r.unit, r.actual)}" if r.actual is not None else str(r.pod)
        for r in ordered[:POD_LIST_LIMIT]
    ]
    more = len(ordered) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _number(value: Number | None, places: int = 1) -> str:
    return "—" if value is None else format_plain(round(Fraction(value), places))


def _ratio(value: Number | None) -> str:
    return "no CSMs" if value is None else format_ratio(round(Fraction(value), 2))


def _score_row(row: SegmentFigures) -> dict[str, Any]:
    hiring = row.hiring
    if hiring is None:
        plan = "none"
    else:
        plan = f"+{hiring.ae} AE, +{hiring.csm} CSM over {hiring.months} months"
    when = "today" if row.peak_month == 0 else f"month {row.peak_month}"
    return {
        "summary": row.summary,
        "acv": format_dollars(row.acv),
        "accounts": f"{row.accounts:,}",
        "headcount": f"{row.ae} / {row.csm}",
        "per_csm": _number(row.accounts_per_csm),
        "today": _ratio(row.ratio_today),
        "peak": _ratio(row.peak_ratio),
        "peak_when": when,
        "plan": plan,
        # Labelled where another figure of the same segment appears on the page.
        "label": "whole segment" if row.cohort is not None else "",
        "cohort": _cohort_line(row.cohort, row.summary.cohort),
        "books": _books_cells(row),
    }


def _cohort_line(cohort: FiguresApart | None, pods: tuple[str, ...] | None) -> str:
    """The pilot cohort's figures, which the rules judge, beside the whole segment's."""
    if cohort is None or pods is None:
        return ""
    return (
        f"Pilot cohort ({', '.join(pods)}): {cohort.accounts:,} accounts, "
        f"{cohort.ae} AE / {cohort.csm} CSM, {_number(cohort.accounts_per_csm)} accounts "
        f"per CSM, {_ratio(cohort.ratio)}"
    )


def _books_cells(row: SegmentFigures) -> dict[str, str]:
    """The export's figures under the proposal's, labelled, where the export has them."""
    books = row.books
    if books is None:
        return {}
    return {
        "acv": "" if books.acv is None else f"books {format_dollars(books.acv)}",
        "accounts": f"books {books.accounts:,}",
        "headcount": f"books {books.csm} CSM",
        "per_csm": "" if books.heaviest is None else f"books: {books.heaviest} (heaviest)",
    }


def render_checklist(
    checklist: Checklist,
    file: FileReport | None = None,
    stamp: Stamp | None = None,
    waivers: Sequence[Waiver] = (),
    shaping: Shaping = NOTHING_SHAPED,
) -> str:
    exceptions, notes = _exceptions(file, waivers, stamp and stamp.today) if file else ([], [])
    template = _environment().get_template("checklist_page.html.j2")
    return inert.plain(
        template.render(
            checklist=checklist,
            exceptions=exceptions,
            exception_notes=notes,
            export=file.export if file else None,
            **_common(checklist.path, stamp, shaping),
        )
    )


def _charts(
    org: OrgFile, rules: Sequence[Rule], planned: dict[str, Any] | None = None, export: Any = None
) -> list[dict[str, Any]]:
    """Each segment's ratio by month, and its pods' ARR as the file states it, unless the
    account export draws its books (the figures the export's rules judged) instead."""
    found = []
    view = build_projection(org, rules, PROJECTION_MONTHS)
    by_id = {segment.id: segment for segment in org.segments}
    for projection in view.segments:
        plan_end = plan_months(by_id[projection.id])
        title = f"{projection.name}: AE:CSM ratio by month"
        svg = charts.ratio_chart(
            projection.months,
            projection.limit,
            projection.pooled_at,
            title,
            plan_end,
            (planned or {}).get(projection.id, ()),
        )
        found.append({"title": title, "svg": Markup(svg)})
        segment = by_id[projection.id]
        books = [(pod.id, pod.arr) for pod in segment.pods or () if pod.arr is not None]
        if books and not accounts_view.draws_books(export, segment.id):
            title = f"{segment.display_name}: book ARR by pod"
            found.append({"title": title, "svg": Markup(charts.book_chart(books, title))})
    return found


def _to_reach_go(
    file: FileReport, org: OrgFile, rules: Sequence[Rule], plan: Any, command: str
) -> dict[str, Any]:
    """The default plan's first steps and, for each segment it changes, the months under
    the plan (the ratio chart draws them beside the proposed ones). `plan` is the plan
    the file was judged with (podcheck.plan.changes.Plan), None for a file that is go;
    `command` the `podcheck plan` command that gives the whole of it."""
    if file.verdict != "no-go" or plan is None:
        return {"steps": [], "recommended": [], "planned": {}}
    # As many steps as the terminal shows; the plan command has the rest. Brief: the failed
    # rules table beside them gives each reason.
    steps = file.reach_lines(plan=command, brief=True)
    recommended = file.reach_lines(recommended=True, plan=command, brief=True)
    changed = {
        new.id for old, new in zip(org.segments, plan.revised.segments, strict=True) if old != new
    }
    planned = {
        projection.id: projection.months
        for projection in build_projection(plan.revised, rules, PROJECTION_MONTHS).segments
        if projection.id in changed
    }
    return {"steps": steps, "recommended": recommended, "planned": planned}


def _go_costs(file: FileReport, org: OrgFile, plan: Any) -> dict[str, Any] | None:
    """The "What go costs" box: the required plan's cost and each pod segment's figures;
    None when the file states no costs."""
    if not org.states_costs:
        return None
    from podcheck.plan.costs import price_plan
    from podcheck.render.economics_view import PEOPLE_ONLY_SHORT, dollars, share_text
    from podcheck.render.plan_costs_view import money_pair

    if file.verdict == "go":
        line = "Go as proposed: no change is needed, so go costs nothing beyond the proposal."
    elif plan is None:
        line = ""
    else:
        cost = price_plan(plan, org)
        assert cost is not None  # the file states costs
        if cost.required is None:
            missing = " or ".join(cost.missing)
            line = f"The required changes cannot be priced: no cost is stated for {missing}."
        else:
            line = f"Required changes: {money_pair(cost.required)}"
    rows = []
    for summary in file.segments:
        economics = summary.economics
        if economics is None:
            continue
        absent = dict(economics.absent)
        rows.append(
            {
                "name": summary.name,
                "arr": dollars(economics.arr),
                "per_csm": _or_why(economics.arr_per_csm, dollars, absent.get("arr_per_csm")),
                "people": _or_why(
                    economics.people_cost,
                    lambda v: f"{dollars(v)} a year",
                    absent.get("people_cost"),
                ),
                "share": _or_why(
                    economics.csm_cost_share, share_text, absent.get("csm_cost_share")
                ),
            }
        )
    return {"plan": line, "segments": rows, "note": PEOPLE_ONLY_SHORT}


def _per_year(value: Any) -> str:
    from podcheck.render.economics_view import dollars

    return f"{dollars(value)} a year"


def _or_why(value: Any, write: Any, why: str | None) -> str:
    return str(write(value)) if value is not None else f"not shown ({why})"


def render_report(
    file: FileReport,
    org: OrgFile,
    rules: Sequence[Rule],
    checklist: Checklist,
    stamp: Stamp | None = None,
    waivers: Sequence[Waiver] = (),
    shaping: Shaping = NOTHING_SHAPED,
    export: Any = None,
    plan: Any = None,
    invocation: Invocation | None = None,
) -> str:
    """The review pack. `plan` is the plan behind the file's "to reach go" (judged with
    the run's session), so that the page shows and draws what the run planned;
    `invocation` the options it was judged with, which the `podcheck plan` it names carries."""
    exceptions, notes = _exceptions(file, waivers, stamp and stamp.today)
    command = plan_command(file.path, invocation or NONE_GIVEN)
    reach = _to_reach_go(file, org, rules, plan, command)
    template = _environment().get_template("report.html.j2")
    page = template.render(
        file=file,
        headline=file.headline,
        pod_segments=len(org.pod_segments),
        rollout=org.org.rollout,
        scorecard=[_score_row(row) for row in figures(file, org, export)],
        failures=_failure_rows(file, rules),
        exceptions=exceptions,
        exception_notes=notes,
        charts=_charts(org, rules, reach["planned"], export),
        to_reach_go=reach,
        go_costs=_go_costs(file, org, plan),
        accounts_charts=accounts_view.build(export, org, accounts_view.load_limit(rules)),
        checklist=checklist,
        **_common(file.path, stamp, shaping),
    )
    return inert.plain(page)
