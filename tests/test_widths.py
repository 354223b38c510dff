"""Terminal output fits the terminal: at 80 and 100 columns no line is longer than the width,
and no word is cut across two lines."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from conftest import CATALOGUE, EXAMPLES, ROOT
from podcheck.judge.engine import evaluate
from podcheck.judge.report import Report
from podcheck.orgfile.loader import load_org
from podcheck.render import catalogue_view, checklist_view, projection_view
from podcheck.render.formats import RenderOptions
from podcheck.render.formats.terminal import render
from podcheck.review import checklist

WIDTHS = [80, 100]
UNLIMITED = 10_000


def assert_fits(narrow: str, wide: str, width: int) -> None:
    """`narrow` is `wide` wrapped to `width`: same words, each whole, no line too long."""
    # A command to copy and paste is the one line allowed to run long: it is never wrapped.
    too_long = [
        line
        for line in narrow.splitlines()
        if len(line) > width and not line.startswith("Printable version: podcheck report ")
    ]
    assert not too_long, too_long
    # Wrapping only moves words between lines; a word cut in two would leave its halves.
    assert narrow.split() == wide.split()


@pytest.mark.parametrize("width", WIDTHS)
def test_rules_table_fits_without_cutting_a_word(width):
    table = catalogue_view.rules_table(CATALOGUE, width)
    assert all(len(line) <= width for line in table.splitlines())
    words = table.split()
    for rule in CATALOGUE:
        # Each rule's name and every word of its summary and threshold appear whole.
        assert rule.name in words
        for word in (rule.summary + " " + catalogue_view.threshold_text(rule)).split():
            assert word in words, (rule.code, word)
    assert table.split() == catalogue_view.rules_table(CATALOGUE, UNLIMITED).split()


def test_rules_table_keeps_each_rule_on_its_own_row():
    table = catalogue_view.rules_table(CATALOGUE, 80)
    rows = [line.split()[0] for line in table.splitlines() if not line.startswith(" ")]
    assert rows == ["code", *(rule.code for rule in CATALOGUE)]


class _Judged(NamedTuple):
    whole: Report
    made: Any
    view: Any
    wide: tuple[str, ...]  # each output unwrapped, as the tests below take them in turn


@functools.cache
def _judged(example: Path) -> _Judged:
    """An example judged once for both widths (the results are immutable)."""
    loaded = load_org(example.relative_to(ROOT).as_posix(), example.read_text(encoding="utf-8"))
    report = evaluate(loaded, CATALOGUE)
    whole = Report(files=(report,), rules=CATALOGUE)
    made = checklist.build(report, loaded.org, CATALOGUE)
    view = projection_view.build(loaded.org, CATALOGUE, 24)
    wide = (
        render(whole, RenderOptions(width=UNLIMITED, verbose=False)),
        render(whole, RenderOptions(width=UNLIMITED, verbose=True)),
        checklist_view.render_terminal(made, False, UNLIMITED),
        projection_view.render_terminal(view, False, UNLIMITED),
    )
    return _Judged(whole, made, view, wide)


# Every example at 80 columns in the quick subset (the narrower, where wrapping starts);
# at 100 as well with the slow tests.
@pytest.mark.parametrize(
    "width", [WIDTHS[0], *(pytest.param(w, marks=pytest.mark.slow) for w in WIDTHS[1:])]
)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_terminal_report_checklist_and_projection_fit(example, width):
    whole, made, view, wide = _judged(example)
    for verbose in (False, True):
        assert_fits(
            render(whole, RenderOptions(width=width, verbose=verbose)), wide[verbose], width
        )
    assert_fits(checklist_view.render_terminal(made, False, width), wide[2], width)
    assert_fits(projection_view.render_terminal(view, False, width), wide[3], width)
