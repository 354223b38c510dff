"""Golden files: the terminal (no colour) and JSON reports of every example.

Regenerate with `pytest --update-goldens` and review the diff like code.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from conftest import EXAMPLES, GOLDEN, ROOT
from podcheck.judge.report import Report
from podcheck.judge.rulebook import Settings, load_catalogue
from podcheck.render.formats import FORMATS, RenderOptions, render
from podcheck.run.session import Session, file_report

# Account exports that sit beside the example org files (see tests/test_accounts.py).
EXPORTS = ["northwind-accounts.csv"]

SUFFIX = {
    "terminal": "txt",
    "json": "json",
    "markdown": "md",
    "sarif": "sarif",
    "junit": "junit.xml",
    "github": "github.txt",
}


def report_for(example: Path) -> Report:
    """The report `podcheck evaluate` makes of an example, with no config and no export."""
    settings = Settings(load_catalogue()).without_export()
    relative = example.relative_to(ROOT).as_posix()
    # As the command judges it: a no-go file comes with its "to reach go" steps.
    session = Session(settings=settings, as_of=datetime.date(2026, 1, 1), waivers=(), reach=True)
    judged = file_report(relative, session, text=example.read_text(encoding="utf-8"))
    return Report(files=(judged,), rules=settings.rules, not_run=settings.not_run)


def test_every_format_has_a_golden_suffix():
    assert set(SUFFIX) == set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_golden(example: Path, fmt: str, update_goldens: bool):
    output = render(fmt, report_for(example), RenderOptions(color=False, width=100))
    written = output if isinstance(output, bytes) else output.encode("utf-8")
    golden = GOLDEN / f"{example.stem}.{SUFFIX[fmt]}"
    if update_goldens:
        golden.write_bytes(written)
    assert golden.exists(), f"{golden.name} missing: run pytest --update-goldens"
    assert written == golden.read_bytes()


def test_at_least_five_examples_showing_go_and_no_go():
    verdicts = {report_for(example).verdict for example in EXAMPLES}
    assert len(EXAMPLES) >= 5
    assert verdicts == {"go", "no-go"}
    for example in EXAMPLES:
        assert example.read_text(encoding="utf-8").startswith("# ")
    # Nothing else lives there but the example account export: a fuzzer pointed at the
    # folder must not leave its finds.
    found = sorted(p.name for p in EXAMPLES[0].parent.iterdir())
    assert found == sorted([*(p.name for p in EXAMPLES), *EXPORTS])


def test_markdown_cells_escape_names_from_the_file():
    from podcheck.render.formats.markdown import cell

    assert cell("A | B <script> & *x*\nnext") == r"A \| B \<script\> &amp; \*x\* next"


def test_json_holds_the_report_object_with_one_line_per_result():
    import datetime
    import json

    from podcheck.judge.waivers import Waiver, WaiverStatus
    from podcheck.render.formats.json import render, report_dict, result_dict

    files = tuple(report_for(example).files[0] for example in EXAMPLES)
    rules = load_catalogue()
    waiver = WaiverStatus(Waiver(0, "POD101", "r", expires=datetime.date(2027, 1, 1)), "unused", 0)
    for subset in (files, files[:1], ()):
        for waivers in ((), (waiver,)):
            report = Report(files=subset, rules=rules, waivers=waivers)
            text = render(report, RenderOptions()).decode("utf-8")
            assert json.loads(text) == report_dict(report)
            # Each result is one line of its own, so line tools can search the report.
            lines = [line.strip().rstrip(",") for line in text.splitlines()]
            objects = [json.loads(line) for line in lines if line.startswith('{"rule"')]
            on_lines = [item for item in objects if "severity" in item]  # not the waivers
            assert on_lines == [result_dict(r) for file in subset for r in file.results]


@pytest.mark.parametrize("count", [0, 1, 63, 64, 65, 129, 200])
def test_json_writes_a_long_list_of_results_a_line_each(count):
    """Results are encoded a batch at a time; every count, batch edges included, gives the
    report object with one line per result, in order."""
    import itertools
    import json

    from podcheck.render.formats.json import render as render_json
    from podcheck.render.formats.json import report_dict, result_dict

    file = report_for(EXAMPLES[0]).files[0]
    results = tuple(itertools.islice(itertools.cycle(file.results), count))
    report = Report(files=(file._replace(results=results),), rules=load_catalogue())
    text = render_json(report, RenderOptions()).decode("utf-8")
    assert json.loads(text) == report_dict(report)
    lines = [line.strip().rstrip(",") for line in text.splitlines()]
    objects = [json.loads(line) for line in lines if line.startswith('{"rule"')]
    on_lines = [item for item in objects if "severity" in item]  # not the plan's steps
    assert on_lines == [result_dict(r) for r in results]
    assert ('"results": []' in text) == (count == 0)
