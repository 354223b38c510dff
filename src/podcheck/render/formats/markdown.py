"""A Markdown summary to paste into a pull request or a review document.

Every table cell is escaped: org, segment and pod names are the file author's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from podcheck.core import inert
from podcheck.core.units import expectation, write
from podcheck.judge.report import FileReport, Report, Result
from podcheck.render.economics_view import PEOPLE_ONLY, sentence
from podcheck.render.formats import RenderOptions
from podcheck.review.shaping import notes

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_VERDICT = {
    "go": "✅ GO",
    "no-go": "❌ NO-GO",
    "incomplete": "⚠️ INCOMPLETE",
    "error": "⚠️ ERROR",
    "n/a": "n/a",
}


# GFM links bare URLs, `www.` names and e-mail addresses (extended autolinks), and GitHub
# notifies anyone @mentioned: an escaped '://' or 'www.' breaks the first two, a word joiner
# after '@' (invisible) the last two.
_AUTOLINK = re.compile(r":(?=//)|(?<=www)\.", re.IGNORECASE)
_WORD_JOINER = "\u2060"


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell: specials escaped, '&' and newlines defused,
    no link or @mention made of it."""
    escaped = _SPECIAL.sub(r"\\\1", inert.escape(str(text), "\n\t").replace("&", "&amp;"))
    escaped = _AUTOLINK.sub(r"\\\g<0>", escaped).replace("@", "@" + _WORD_JOINER)
    return " ".join(escaped.split())


def render(report: Report, options: RenderOptions) -> str:
    rules = {rule.code: rule for rule in report.rules}
    lines = [f"## podcheck: {_VERDICT[report.verdict]}", ""]
    for file in report.files:
        lines += _file(file, rules, options.plan_command(file.path))
    lines += [f"- ⚠️ {cell(notice.message)}" for notice in report.notices]
    shaped = notes(report)
    if shaped:
        lines += ["", "#### What shaped this verdict", ""]
        lines += [f"- {cell(note.text)}" for note in shaped]
    return inert.plain("\n".join(lines).rstrip("\n") + "\n")


def _file(file: FileReport, rules: dict, plan: str) -> list[str]:
    title = cell(file.path) + (f" · {cell(file.org)}" if file.org else "")
    lines = [f"### {title}: {_VERDICT[file.verdict]}", ""]
    if file.verdict == "error":
        lines += ["| line | column | input error |", "|---:|---:|---|"]
        lines += [f"| {e.line} | {e.column} | {cell(e.message)} |" for e in file.errors]
        return [*lines, ""]
    if file.export is not None and (file.export.incomplete or file.export.unread):
        export = file.export
        lines += [f"**{cell(export.line)}**", ""] if export.incomplete else []
        lines += [f"- export: {cell(line)}" for line in export.unread_lines()]
        lines += [""] if export.unread else []
    lines += [
        "| segment | tier | model | verdict | score | recommended | why |",
        "|---|---|---|---|---:|---|---|",
    ]
    for s in file.segments:
        score = "" if s.score is None else str(s.score)
        lines.append(
            f"| {cell(s.name)} | {s.tier} | {s.model} | {_VERDICT[s.verdict]} | {score} "
            f"| {s.recommended}{f' or {s.alternative}' if s.alternative else ''} "
            f"| {cell(s.recommended_reason)} |"
        )
    lines.append("")
    costed = [s for s in file.segments if s.economics is not None]
    for segment in costed:
        assert segment.economics is not None
        lines.append(f"- **{cell(segment.name)}:** {cell(sentence(segment.economics))}")
    if costed:
        lines += [f"- {cell(PEOPLE_ONLY)}", ""]
    for segment in file.segments:
        if segment.cohort is not None:
            lines.append(
                f"**Pilot cohort in {cell(segment.name)}:** {cell(', '.join(segment.cohort))} "
                "(the pilot criteria judge these pods)"
            )
            lines.append("")
        if segment.pilot is not None:
            lines.append(
                f"**Pilot decision for {cell(segment.name)}: {segment.pilot.action}** "
                f"({cell(segment.pilot.reason)})"
            )
            lines.append("")
    failed = [r for r in file.results if r.failed]
    # One table per segment with failures, then the org-wide rules.
    groups = [(s.name, [r for r in failed if r.segment == s.id]) for s in file.segments]
    groups.append(("the organisation", [r for r in failed if r.segment is None]))
    for name, group in groups:
        if group:
            lines += [f"#### Failed in {cell(name)}", "", *_failures(group, rules)]
    waived = [r for r in file.results if r.status == "waived"]
    if waived:
        lines += ["| waived rule | where | finding | reason |", "|---|---|---|---|"]
        lines += [
            f"| {r.rule} {r.name} | {cell(_where(r))} | {cell(r.message)} | {cell(r.waiver)} |"
            for r in waived
        ]
        lines.append("")
    reach = file.reach_lines(plan=plan)
    if reach:
        lines += ["#### To reach go", "", *(f"- {cell(line)}" for line in reach), ""]
    beyond = file.reach_lines(recommended=True, plan=plan)
    if beyond:
        lines += ["Recommended beyond go (warnings the same arithmetic can fix):", ""]
        lines += [f"- recommended: {cell(line)}" for line in beyond]
        lines.append("")
    passed = sum(r.status == "pass" for r in file.results)
    skipped = sum(r.status == "skip" for r in file.results)
    lines += [f"{len(failed)} failed · {passed} passed · {skipped} skipped", ""]
    return lines


def _where(result: Result) -> str:
    where = result.segment or "organisation"
    return f"{where} / pod {result.pod}" if result.pod else where


def _failures(failed: Sequence[Result], rules: dict) -> list[str]:
    lines = [
        "| rule | severity | where | finding | actual | needed | line |",
        "|---|---|---|---|---|---|---:|",
    ]
    for r in failed:
        where = _where(r)
        actual = "—" if r.actual is None else write(r.unit, r.actual)
        needed = expectation(rules[r.rule].compare, r.unit, r.threshold)
        lines.append(
            f"| {r.rule} {r.name} | {r.severity} | {cell(where)} | {cell(r.message)} "
            f"| {cell(actual)} | {cell(needed)} | {r.line}:{r.column} |"
        )
    return [*lines, ""]
