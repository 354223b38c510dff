"""A segment's average must never tick a criterion or question while one of its pods fails
the same rule: the checklist and the verdict on the same page have to agree."""

from __future__ import annotations

import html
import re

import pytest
import yaml

from conftest import CATALOGUE, EXAMPLES, FIXTURES, ROOT, CliRunner, org, review_pack
from podcheck.cli.app import app
from podcheck.judge.engine import evaluate
from podcheck.orgfile.loader import load_org
from podcheck.review import checklist

runner = CliRunner()

# Pods at 31, 33 and 38 accounts per CSM: the cohort's 34 passes, mm-west fails.
COHORT = FIXTURES / "review" / "mid-market-cohort-pod-over-load.yaml"
LOAD = "CSM load under 35"
RATIO = "AE:CSM 1:1, no worse than 1.2:1"


def _checklist(*args: str) -> str:
    outcome = runner.invoke(app, ["checklist", str(COHORT), "--today", "2026-12-01", *args])
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout


def _plain(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_text_checklist_leaves_the_load_unticked_and_names_the_pod():
    text = _checklist("-f", "text")
    line = next(line for line in text.splitlines() if f"{LOAD}:" in line)
    assert line.startswith(f"  [ ] {LOAD}: pilot cohort on average: 34 accounts per CSM")
    assert " · pod mm-west: 38 accounts per CSM; pods need fewer than 35" in line
    assert "mm-east" not in line and "mm-north" not in line  # passing pods stay out
    assert f"[x] {LOAD}" not in text


def test_markdown_checklist_leaves_the_load_unticked():
    text = _checklist("-f", "markdown")
    line = next(line for line in text.splitlines() if f"{LOAD}:" in line)
    assert line.startswith(f"- [ ] {LOAD}: pilot cohort on average: 34 accounts per CSM")
    assert "pod mm-west: 38 accounts per CSM" in line


def test_html_checklist_page_leaves_the_load_unticked():
    page = _checklist("-f", "html")
    item = next(li for li in re.findall(r"<li>.*?</li>", page) if LOAD in li)
    assert 'class="box no"' in item and 'class="box yes"' not in item
    assert "pod mm-west: 38 accounts per CSM" in _plain(item)


def _pilot_cells(page: str) -> dict[str, str]:
    """The pilot criteria table of the pack: criterion -> the answer its cell gives."""
    table = re.search(r'<table class="pilots">.*?</table>', page, re.S)
    assert table is not None
    names = [_plain(h) for h in re.findall(r"<th scope=\"col\">(.*?)</th>", table.group(0))]
    row = re.search(r"<tbody>\s*<tr><td><strong>.*?</tr>", table.group(0), re.S)
    assert row is not None
    cells = [_plain(c) for c in re.findall(r"<td>(.*?)</td>", row.group(0))]
    return dict(zip(names[1:], cells[1:], strict=True))


def test_the_packs_criteria_table_agrees_with_the_failed_pod():
    pack = review_pack(COHORT)
    assert pack.report.verdict == "no-go"
    failed = [(r.rule, r.pod) for r in pack.report.results if r.failed]
    assert ("POD103", "mm-west") in failed
    cells = _pilot_cells(pack.report_html)
    assert cells[LOAD] == "no" and cells[RATIO] == "yes"
    # The CLI's pack says the same.
    page = runner.invoke(app, ["report", str(COHORT), "--today", "2026-12-01"]).stdout
    assert _pilot_cells(page)[LOAD] == "no"


def _built(data: dict) -> tuple:
    loaded = load_org("org.yaml", yaml.safe_dump(data, sort_keys=False))
    report = evaluate(loaded, CATALOGUE)
    return report, checklist.build(report, loaded.org, CATALOGUE)


def test_a_pod_over_the_ratio_unticks_the_ratio_criterion():
    data = yaml.safe_load(COHORT.read_text(encoding="utf-8"))
    pods = data["segments"][0]["pods"]
    pods[0].update(ae=2, accounts=30)  # 2:1 in mm-east
    pods[2].update(csm=2, accounts=34)  # 1:2 in mm-west; the cohort is 4:4, 1:1
    data["segments"][0]["headcount"] = {"ae": 4, "csm": 4}
    _, made = _built(data)
    (criteria,) = (pilot.criteria for pilot in made.pilots)
    ratio = next(c for c in criteria if c.name == RATIO)
    assert ratio.answer == "no"
    assert ratio.evidence.startswith("pilot cohort taken together: 4 AEs to 4 CSMs is 1:1")
    assert " · pod mm-east: 2 AEs to 1 CSM is 2:1" in ratio.evidence
    load = next(c for c in criteria if c.name == LOAD)
    assert load.answer == "yes"  # 30, 33 and 17 per CSM: every pod is under 35
    assert made.questions[1].answer == "no"


def test_a_failing_segment_does_not_repeat_its_pods():
    _, made = _built(org())
    assert not any(c.answer == "no" for p in made.pilots for c in p.criteria)
    data = yaml.safe_load(COHORT.read_text(encoding="utf-8"))
    data["segments"][0]["pods"][1]["accounts"] = 40  # the cohort: 109 on 3 CSMs fails too
    data["segments"][0]["accounts"] = 109
    report, made = _built(data)
    assert {r.pod for r in report.results if r.failed and r.rule == "POD103"} == {
        None,
        "mm-north",
        "mm-west",
    }
    load = next(c for p in made.pilots for c in p.criteria if c.name == LOAD)
    assert load.answer == "no" and "pod " not in load.evidence


def _cases() -> list:
    return [*EXAMPLES, *sorted((FIXTURES / "review").glob("*.yaml"))]


NORTHWIND = ROOT / "examples" / "northwind-pilot-go.yaml"


@pytest.mark.parametrize(
    ("path", "books"),
    [*((path, False) for path in _cases()), (NORTHWIND, True)],
    ids=[*(path.stem for path in _cases()), "northwind-with-books"],
)
def test_nothing_is_ticked_while_a_result_it_covers_fails(path, books):
    loaded = load_org(path.name, path.read_text(encoding="utf-8"))
    report = evaluate(loaded, CATALOGUE)
    if books:
        from podcheck.accounts import export as accounts
        from podcheck.run import session

        counted = accounts.read_export(
            str(ROOT / "examples" / "northwind-accounts.csv"), accounts.ExportOptions()
        )
        report, _ = session.evaluate_with_export(loaded, CATALOGUE, (), counted)
    made = checklist.build(report, loaded.org, CATALOGUE)
    failing = [r for r in report.results if r.failed]
    for question in made.questions:
        codes = {r.code for r in CATALOGUE if r.roles.question == question.number}
        if question.ticked:
            assert not [r for r in failing if r.rule in codes], question.text
    for pilot in made.pilots:
        for criterion in pilot.criteria:
            codes = {r.code for r in CATALOGUE if r.criterion_label == criterion.name}
            if criterion.answer == "yes":
                covered = [r for r in failing if r.rule in codes and r.segment == pilot.segment]
                assert not covered, (pilot.segment, criterion.name)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_failing_warning_is_on_the_checklist_and_says_it_is_one(fmt):
    """A failing warning no question asks about (POD504: AEs drifting into pre-sales, half of
    why Initech's pilot is relabelled a swarm) is listed, apart from what decides the
    verdict; one that leaves a question open says it is a warning, so a GO beside an
    unticked box is explained."""
    for example in ("initech-pilot-review", "wingtip-pilot-cohort", "contoso-enterprise-no-go"):
        path = ROOT / "examples" / f"{example}.yaml"
        done = CliRunner().invoke(app, ["checklist", str(path), "--format", fmt])
        assert done.exit_code == 0, done.stderr
        page = html.unescape(re.sub(r"<[^>]+>", "", done.stdout)) if fmt == "html" else done.stdout
        report = evaluate(load_org(str(path), path.read_text()), CATALOGUE)
        asked = {r.code for r in CATALOGUE if r.roles.question is not None}
        for result in report.results:
            if result.status == "fail" and result.severity == "warning":
                assert f"{result.rule} {result.name}, warning" in page, (example, result.rule)
                if result.rule not in asked:
                    heading = page.index("Warnings, outside the five questions")
                    assert page.index(f"{result.rule} {result.name}") > heading
