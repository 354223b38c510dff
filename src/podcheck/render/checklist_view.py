"""The decision checklist as plain text, for a terminal, and as a Markdown task list."""

from __future__ import annotations

import io
import re

from podcheck.core import inert
from podcheck.render.formats.markdown import cell
from podcheck.review.checklist import Checklist, Question

MarkedText = tuple[str, str]  # text and its kind: heading, yes, no, open, dim or ""

# A waived item is never ticked: a waiver accepts a failure, it does not answer the question.
# A figure to review has no bar to meet, so it is never ticked either.
_BOX = {"yes": "[x]", "no": "[ ]", "open": "[ ]", "waived": "[~]", "review": "[?]"}
_STYLE = {
    "heading": "bold",
    "yes": "green",
    "no": "red",
    "open": "yellow",
    "waived": "yellow",
    "review": "cyan",
    "dim": "dim",
}


def _question_lines(question: Question) -> list[list[MarkedText]]:
    lines: list[list[MarkedText]] = [
        [
            (f"{_BOX[question.answer]} ", question.answer),
            (f"{question.number}. {question.text}", "heading"),
        ]
    ]
    if question.answer == "open":
        lines.append([(f"      open: {question.missing}", "open")])
    for evidence in question.evidence:
        mark = "✓" if evidence.passed else "~" if evidence.waiver else "✗"
        waived = f" (waived: {evidence.waiver})" if evidence.waiver else ""
        lines.append(
            [
                (f"      {mark} {evidence.text}{waived}", "" if evidence.passed else "no"),
                (f"  [{evidence.rule}]", "dim"),
            ]
        )
    return lines


# Failures the five questions do not ask about still decide the verdict: they are listed.
ALSO_FAILING = "Also failing, outside the five questions"
# Failing warnings do not decide it, and a reviewer should still see them.
WARNINGS = "Warnings, outside the five questions (they do not make the file no-go)"


def lines(checklist: Checklist) -> list[list[MarkedText]]:
    out: list[list[MarkedText]] = [
        [(f"Decision checklist: {checklist.org}", "heading"), (f"  ({checklist.path})", "dim")],
        [
            (
                f"Verdict {checklist.verdict.upper()} · {checklist.answered} of "
                f"{len(checklist.questions)} questions answered yes",
                "",
            )
        ],
        *([[(f"Export: {checklist.export}", "")]] if checklist.export else []),
        [],
    ]
    for question in checklist.questions:
        out += _question_lines(question)
    if checklist.also_failing:
        out += [[], [(ALSO_FAILING, "heading")]]
        out += [
            [("  ✗ ", "no"), (f"{e.text}", ""), (f"  [{e.rule}]", "dim")]
            for e in checklist.also_failing
        ]
    if checklist.warnings:
        out += [[], [(WARNINGS, "heading")]]
        out += [
            [("  ✗ ", "no"), (f"{e.text}", ""), (f"  [{e.rule}]", "dim")]
            for e in checklist.warnings
        ]
    for pilot in checklist.pilots:
        label = pilot.segment if pilot.name == pilot.segment else f"{pilot.segment} ({pilot.name})"
        out += [[], [(f"Pilot starting criteria: {label}", "heading")]]
        for criterion in pilot.criteria:
            waived = f" (waived: {criterion.waiver})" if criterion.waiver else ""
            out.append(
                [
                    (f"  {_BOX[criterion.answer]} ", criterion.answer),
                    (criterion.name, ""),
                    (f": {criterion.evidence}", "dim"),
                    *([(waived, "waived")] if waived else []),
                ]
            )
        out += [[], [(f"90-day success metrics: {label}", "heading")]]
        for metric in pilot.metrics:
            out.append(
                [
                    (f"  {_BOX[metric.answer]} ", metric.answer),
                    (metric.name, ""),
                    (f": {metric.value}", ""),
                    (f" (aim: {metric.note})", "dim"),
                ]
            )
    if not checklist.pilots:
        out += [[], [("No segment is proposed for pods, so there is no pilot to plan.", "dim")]]
    if checklist.notes:
        out += [[], [("What shaped this verdict", "heading")]]
        out += [[(f"  - {note}", "open")] for note in checklist.notes]
    return out


def render_text(checklist: Checklist) -> str:
    return inert.lines("".join(text for text, _ in line) for line in lines(checklist))


def render_terminal(checklist: Checklist, color: bool, width: int) -> str:
    from rich.padding import Padding
    from rich.text import Text

    from podcheck.render.formats.terminal import make_console

    buffer = io.StringIO()
    console = make_console(buffer, color, width)
    for line in lines(checklist):
        if not line:
            console.print()
            continue
        first = line[0][0]
        indent = len(first) - len(first.lstrip(" "))
        pieces = [(first.lstrip(" "), line[0][1]), *line[1:]]
        text = Text.assemble(*((t, _STYLE.get(kind, "")) for t, kind in pieces))
        console.print(Padding(text, (0, 0, 0, indent), expand=False))
    return inert.ci_safe("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def render_markdown(checklist: Checklist) -> str:
    out = [
        f"## Decision checklist: {cell(checklist.org)}",
        "",
        f"Verdict **{checklist.verdict.upper()}** · {checklist.answered} of "
        f"{len(checklist.questions)} questions answered yes · {_code(checklist.path)}",
        "",
        *([f"**Export: {cell(checklist.export)}**", ""] if checklist.export else []),
    ]
    for question in checklist.questions:
        out.append(
            f"- [{'x' if question.ticked else ' '}] **{question.number}. {cell(question.text)}**"
        )
        if question.answer == "open":
            out.append(f"  - _Open: {cell(question.missing)}._")
        for evidence in question.evidence:
            mark = "✓" if evidence.passed else "~" if evidence.waiver else "✗"
            waived = f" _(waived: {cell(evidence.waiver)})_" if evidence.waiver else ""
            out.append(f"  - {mark} {cell(evidence.text)} ({evidence.rule}){waived}")
    if checklist.also_failing:
        out += ["", f"### {ALSO_FAILING}", ""]
        out += [f"- ✗ {cell(e.text)} ({e.rule})" for e in checklist.also_failing]
    if checklist.warnings:
        out += ["", f"### {WARNINGS}", ""]
        out += [f"- ✗ {cell(e.text)} ({e.rule})" for e in checklist.warnings]
    for pilot in checklist.pilots:
        out += ["", f"### Pilot starting criteria: {cell(pilot.name)}", ""]
        # A waived criterion is not met: its box stays empty, and it says it is waived.
        out += [
            f"- [{'x' if c.answer == 'yes' else ' '}] "
            f"{'~ **waived** ' if c.answer == 'waived' else ''}{cell(c.name)}: {cell(c.evidence)}"
            f"{f' _(waived: {cell(c.waiver)})_' if c.waiver else ''}"
            for c in pilot.criteria
        ]
        out += ["", f"### 90-day success metrics: {cell(pilot.name)}", ""]
        out += [
            f"- [{'x' if m.answer == 'yes' else ' '}] "
            f"{'~ **waived** ' if m.answer == 'waived' else ''}{cell(m.name)}: {cell(m.value)} "
            f"{'**review** ' if m.answer == 'review' else ''}_(aim: {cell(m.note)})_"
            for m in pilot.metrics
        ]
    if checklist.notes:
        out += ["", "### What shaped this verdict", ""]
        out += [f"- {cell(note)}" for note in checklist.notes]
    return inert.plain("\n".join(out) + "\n")


def _code(text: str) -> str:
    """A Markdown code span: backslashes mean nothing inside one, so the fence is made
    longer than any run of backticks in the text instead."""
    text = inert.escape(text)
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
