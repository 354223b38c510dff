"""The report for people at a terminal: a verdict banner per file, then segment by segment.

Rich builds the text; with colour off the output is plain and stable, which the golden
files rely on. Names from the org file are inserted as text, never as markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.text import Span, Text

from podcheck.core import inert
from podcheck.core.commands import NONE_GIVEN, report_command
from podcheck.core.units import expectation, write
from podcheck.judge.report import FileReport, Report, Result, SegmentSummary
from podcheck.judge.rule import Rule
from podcheck.render.economics_view import PEOPLE_ONLY, sentence
from podcheck.render.formats import RenderOptions
from podcheck.review.shaping import notes

_VERDICT_STYLE = {
    "go": "bold white on green",
    "no-go": "bold white on red",
    "incomplete": "bold black on yellow",
    "error": "bold white on magenta",
    "n/a": "dim",
}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "blue"}
_MARK = {"fail": "✗", "pass": "✓", "skip": "-", "waived": "~"}


def render(report: Report, options: RenderOptions) -> str:
    buffer = io.StringIO()
    console = make_console(buffer, options.color, options.width)
    rules = {rule.code: rule for rule in report.rules}
    for index, file in enumerate(report.files):
        if index:
            console.print()
        _file(console, file, rules, options.verbose, options.plan_command(file.path))
    judged = [f for f in report.files if f.verdict != "error" and f.path != "<stdin>"]
    if judged:
        console.print()
        given = options.invocation or NONE_GIVEN
        # Quoted for a shell, and never wrapped, so that it can be copied from a CI log; with
        # the options the pack takes, so that it judges what this run judged.
        # A pack prints one file: of several, the first a reader must act on.
        shown = next((f for f in judged if f.verdict != "go"), judged[0])
        command = report_command(shown.path, given)
        label = "Printable version" if len(judged) == 1 else "Printable version (one file a pack)"
        console.print(Text(f"{label}: {command}", style="dim"), soft_wrap=True)
        left_out = given.unsupported_by_pack
        if left_out:
            # The pack runs the config's rules at its gate: say that it is not this run's.
            said = " and ".join(left_out)
            console.print(
                Text(f"(the pack judges the config's rules and gate, without {said})", style="dim")
            )
    if report.notices:
        console.print()
        for notice in report.notices:
            waiver = notice.waiver
            _indented(
                console,
                Text(
                    f"{waiver.source}:{waiver.line}:{waiver.column}: {notice.message}",
                    style="yellow",
                ),
                0,
            )
    shaped = notes(report)
    if shaped:
        console.print()
        console.print(Text("What shaped this verdict", style="bold"))
        for note in shaped:
            _indented(console, Text(f"- {note.text}", style="yellow"), 2)
    if len(report.files) > 1:
        console.print()
        console.print(_overall(report))
    # Padding fills wrapped lines to the full width; trailing blanks are noise in a log.
    return inert.ci_safe("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


class _InertConsole(Console):
    """A console whose texts have unsafe characters escaped before rich sees them.

    Colour codes are the console's own; anything else that could act on a terminal or a
    CI log is written as a visible escape, with the text's styles kept in place. Plain
    strings are printed as text, never read as markup.
    """

    def print(self, *objects: Any, **options: Any) -> None:
        items = [Text(item) if isinstance(item, str) else item for item in objects]
        for item in items:
            inner = item.renderable if isinstance(item, Padding) else item
            if isinstance(inner, Text):
                _escape_text(inner)
        super().print(*items, **options)


def _escape_text(text: Text) -> None:
    plain = text.plain
    if not inert.unsafe(plain):
        return
    # Where each character's escape starts, so that the styles keep their characters.
    starts = [0]
    pieces = []
    for char in plain:
        piece = inert.escape(char)
        pieces.append(piece)
        starts.append(starts[-1] + len(piece))
    text.plain = "".join(pieces)
    text.spans = [Span(starts[s.start], starts[s.end], s.style) for s in text.spans]


def make_console(buffer: io.StringIO, color: bool, width: int) -> Console:
    """A console that writes to `buffer`: plain text unless colour is asked for.

    Markup is off: names from an org file are never read as rich markup.
    """
    return _InertConsole(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )


def _indented(console: Console, text: Text, indent: int) -> None:
    """Print `text` with every wrapped line indented, not only the first."""
    console.print(Padding(text, (0, 0, 0, indent), expand=False))


def _overall(report: Report) -> Text:
    counts = {
        verdict: sum(f.verdict == verdict for f in report.files)
        for verdict in ("go", "no-go", "incomplete", "error")
    }
    text = Text("Overall ")
    text.append(f" {report.verdict.upper()} ", style=_VERDICT_STYLE[report.verdict])
    parts = [f"{n} {v}" for v, n in counts.items() if n]
    text.append(f"  {len(report.files)} files: " + ", ".join(parts))
    return text


def _file(
    console: Console, file: FileReport, rules: dict[str, Rule], verbose: bool, plan: str
) -> None:
    title = Text(file.path, style="bold")
    if file.org:
        title.append(f" · {file.org}", style="bold")
    console.print(title)
    banner = Text()
    banner.append(f" {file.verdict.upper()} ", style=_VERDICT_STYLE[file.verdict])
    banner.append("  " + file.headline)
    console.print(banner)
    if file.verdict == "error":
        return
    for line in file.export.unread_lines() if file.export else ():
        _indented(console, Text(f"export: {line}", style="dim"), 2)
    for segment in file.segments:
        console.print()
        _segment(
            console, segment, [r for r in file.results if r.segment == segment.id], rules, verbose
        )
    if any(segment.economics is not None for segment in file.segments):
        console.print()
        _indented(console, Text(PEOPLE_ONLY, style="dim"), 2)
    org_results = [r for r in file.results if r.segment is None]
    if org_results:
        console.print()
        console.print(Text("  Organisation", style="bold"))
        _results(console, org_results, rules, verbose)
    reach = file.reach_lines(plan=plan)
    if reach:
        console.print()
        console.print(Text("  To reach go", style="bold"))
        for line in reach:
            # Never wrapped: an item may end in a command to copy, and a line break inside
            # it would make a pasted command two (the second named by the file's name).
            console.print(Text(f"    - {line}"), soft_wrap=True)


def _segment(
    console: Console,
    segment: SegmentSummary,
    results: Sequence[Result],
    rules: dict[str, Rule],
    verbose: bool,
) -> None:
    head = Text("  ")
    label = segment.id if segment.name == segment.id else f"{segment.id} ({segment.name})"
    head.append(label, style="bold")
    head.append(f" · {segment.tier} · {segment.model}  ")
    head.append(f" {segment.verdict.upper()} ", style=_VERDICT_STYLE[segment.verdict])
    if segment.score is not None:
        head.append(f"  score {segment.score}")
    console.print(head)
    recommendation = Text(f"recommended: {segment.recommended}", style="cyan")
    if segment.alternative:
        recommendation.append(f" or {segment.alternative}", style="cyan")
    recommendation.append(f" ({segment.recommended_reason})", style="dim")
    _indented(console, recommendation, 4)
    if segment.cohort is not None:
        cohort = Text(f"pilot cohort: {', '.join(segment.cohort)}", style="magenta")
        cohort.append(" (the pilot criteria judge these pods)", style="dim")
        _indented(console, cohort, 4)
    if segment.economics is not None:
        figures = Text("economics: ", style="bold")
        figures.append(sentence(segment.economics))
        _indented(console, figures, 4)
    if segment.pilot is not None:
        pilot = Text(f"pilot decision: {segment.pilot.action}", style="magenta")
        pilot.append(f" ({segment.pilot.reason})", style="dim")
        _indented(console, pilot, 4)
    _results(console, results, rules, verbose)


def _results(
    console: Console, results: Sequence[Result], rules: dict[str, Rule], verbose: bool
) -> None:
    for result in results:
        if result.failed:
            _failure(console, result, rules[result.rule])
    for result in results:
        if result.status == "waived":
            line = Text(f"{_MARK['waived']} {result.rule} {result.name} waived", style="yellow")
            line.append(
                f"  {_where(result)}{result.message} (reason: {result.waiver})", style="dim"
            )
            _indented(console, line, 4)
    shown = [r for r in results if r.status in ("pass", "skip")]
    if verbose:
        for result in shown:
            line = Text(
                f"{_MARK[result.status]} {result.rule} {result.name}",
                style="green" if result.status == "pass" else "dim",
            )
            line.append(f"  {_where(result)}{result.message}", style="dim")
            _indented(console, line, 4)
    passed = sum(r.status == "pass" for r in results)
    skipped = sum(r.status == "skip" for r in results)
    if not verbose and (passed or skipped):
        summary = f"    ✓ {passed} passed" + (f" · {skipped} skipped" if skipped else "")
        console.print(Text(summary, style="green"))


def _where(result: Result) -> str:
    return f"pod {result.pod}: " if result.pod else ""


def _failure(console: Console, result: Result, rule: Rule) -> None:
    line = Text("    ")
    line.append(
        f"{_MARK['fail']} {result.rule} {result.name}",
        style=f"bold {_SEVERITY_STYLE[result.severity]}",
    )
    line.append(f" [{result.severity}]", style=_SEVERITY_STYLE[result.severity])
    line.append(f"  line {result.line}:{result.column}", style="dim")
    console.print(line)
    _indented(console, Text(f"{_where(result)}{result.message}"), 6)
    evidence = Text("actual ", style="dim")
    evidence.append(write(result.unit, result.actual) if result.actual is not None else "—")
    evidence.append(" · needed ", style="dim")
    evidence.append(expectation(rule.compare, rule.unit, result.threshold))
    _indented(console, evidence, 6)
    why = f"why: {rule.summary_in_force}"
    _indented(console, Text(why, style="dim"), 6)
