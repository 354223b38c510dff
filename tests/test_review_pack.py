"""The review pack: the decision checklist, the HTML report and its charts."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import CATALOGUE, EXAMPLES, GOLDEN, ROOT, org, run
from podcheck import charts, checklist, checklist_view
from podcheck.cli import app
from podcheck.engine import evaluate
from podcheck.html_report import render_checklist, render_report
from podcheck.loader import load_org
from podcheck.projection import Month

runner = CliRunner()


def built(data) -> checklist.Checklist:
    loaded = load_org("org.yaml", yaml.safe_dump(data, sort_keys=False))
    return checklist.build(evaluate(loaded, CATALOGUE), loaded.org, CATALOGUE)


def example_checklist(example: Path):
    relative = example.relative_to(ROOT).as_posix()
    loaded = load_org(relative, example.read_text(encoding="utf-8"))
    report = evaluate(loaded, CATALOGUE)
    return loaded, report, checklist.build(report, loaded.org, CATALOGUE)


def test_all_five_questions_ticked_for_a_ready_org():
    made = built(org())
    assert [q.answer for q in made.questions] == ["yes"] * 5
    assert made.answered == 5
    first = made.questions[0]
    assert first.text == "Is the ACV high enough to pay for a dedicated AE+CSM pair?"
    assert first.evidence[0].text == "mm: ACV $50,000 meets the $30,000 floor for a dedicated pair"
    assert first.evidence[0].rule == "POD101 acv-floor"


def test_failing_answers_are_no_with_their_evidence():
    made = built(org(**{"segments.0.acv": 20000, "segments.0.hiring_plan": {"ae": 4, "csm": 1}}))
    acv, ratio = made.questions[0], made.questions[1]
    assert acv.answer == "no"
    assert "ACV $20,000 is under the $30,000 floor" in acv.evidence[0].text
    assert ratio.answer == "no"
    assert [e.rule for e in ratio.evidence if not e.passed] == [
        "POD203 hiring-pace",
        "POD204 projected-ratio",
    ]


@pytest.mark.parametrize(
    ("missing", "number", "says"),
    [
        ("policies.coverage_plan", 3, "policies.coverage_plan (documented, backup)"),
        ("policies.renewal_ownership", 4, "policies.renewal_ownership.written"),
        ("policies.comp", 5, "policies.comp (ae_metrics, csm_metrics)"),
    ],
)
def test_questions_the_file_cannot_answer_are_open(missing, number, says):
    question = built(org(**{missing: None})).questions[number - 1]
    assert question.answer == "open"
    assert question.missing == says
    assert not question.ticked


def test_no_pod_segment_leaves_the_economics_open():
    segment = dict(org()["segments"][0], model="named")
    made = built(org(segments=[segment]))
    assert made.questions[0].answer == "open"
    assert made.questions[0].missing == "no segment is proposed with model: pod"
    assert made.pilots == ()


def test_pilot_criteria_and_metrics_from_pilot_results():
    results = {
        "days": 95,
        "handoff_quality": {"pilot": 4, "baseline": 3},
        "csm_presales_pct": "30%",
        "ae_attendance_pct": 70,
    }
    (pilot,) = built(org(**{"segments.0.pilot_results": results})).pilots
    assert [c.answer for c in pilot.criteria] == ["yes"] * len(pilot.criteria)
    assert len(pilot.criteria) == sum(1 for rule in CATALOGUE if rule.roles.criterion)
    metrics = {m.name: m for m in pilot.metrics}
    assert metrics["Handoff quality (CSM-rated)"].answer == "yes"
    assert metrics["Time to first value vs the non-pod baseline"].value == "not measured yet"
    assert metrics["AE attendance on CSM calls"].value == "70% of calls"
    split = metrics["CSM time on pre-sales vs post-sales"]
    assert split.answer == "no" and "30%" in split.value
    # The article sets no bar for AE attendance: it is shown for review, never ticked.
    assert metrics["AE attendance on CSM calls"].answer == "review"


def test_disabled_rule_leaves_its_question_open():
    rules = tuple(r for r in CATALOGUE if r.code != "POD311")
    loaded = load_org("org.yaml", yaml.safe_dump(org()))
    made = checklist.build(evaluate(loaded, rules), loaded.org, rules)
    assert made.questions[2].answer == "open"
    assert made.questions[2].missing == "rule POD311 is turned off in the config"


@pytest.mark.parametrize("fmt", ["markdown", "text"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_checklist_golden(example, fmt, update_goldens):
    _, _, made = example_checklist(example)
    output = (
        checklist_view.render_markdown(made)
        if fmt == "markdown"
        else checklist_view.render_text(made)
    )
    golden = GOLDEN / "checklist" / f"{example.stem}.{'md' if fmt == 'markdown' else 'txt'}"
    if update_goldens:
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_markdown_checklist_uses_task_list_boxes():
    text = checklist_view.render_markdown(built(org(**{"policies.comp": None})))
    assert "- [x] **1. Is the ACV high enough" in text
    assert "- [ ] **5. Does comp give the pair shared accountability through NRR?**" in text
    assert "_Open: the file does not say policies.comp \\(ae\\_metrics, csm\\_metrics\\)._" in text


HOSTILE_NAME = "Acme <script>alert(1)</script> & Sons"


def test_html_escapes_names_and_fetches_nothing():
    data = org(**{"org.name": HOSTILE_NAME, "segments.0.name": "<b>Mid</b>"})
    loaded = load_org("org.yaml", yaml.safe_dump(data))
    report = evaluate(loaded, CATALOGUE)
    page = render_report(
        report, loaded.org, CATALOGUE, checklist.build(report, loaded.org, CATALOGUE)
    )
    assert "<script>" not in page
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in page
    assert "&lt;b&gt;Mid&lt;/b&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    assert page.count("<svg") == 2  # the ratio chart and the book chart
    standalone = render_checklist(checklist.build(report, loaded.org, CATALOGUE))
    assert "<script>" not in standalone and "&amp; Sons" in standalone


def test_report_holds_banner_scorecard_failures_recommendations_and_checklist():
    loaded, report, made = example_checklist(ROOT / "examples" / "globex-hybrid-maze.yaml")
    page = render_report(report, loaded.org, CATALOGUE, made)
    assert '<div class="banner no-go">' in page
    assert "POD204 projected-ratio" in page
    for segment in report.segments:
        assert f"<strong>{segment.recommended}</strong>" in page
    for question in made.questions:
        assert question.text in page
    assert "1.5:1 pooled model" in page and "1.2:1 limit" in page


def test_ratio_chart_draws_every_month_and_both_lines():
    months = [Month(m, Fraction(5 + (m >= 2) * 2), Fraction(5)) for m in range(13)]
    svg = charts.ratio_chart(months, Fraction(6, 5), Fraction(3, 2), "A & B")
    assert svg.count("<circle") == 13
    assert svg.count('class="dot over-dot"') == 11  # 7/5 from month 2: past 1.2, not 1.5
    assert 'class="limit"' in svg and 'class="pooled"' in svg
    assert "A &amp; B" in svg


def test_ratio_chart_skips_months_without_csms():
    months = [Month(0, Fraction(2), Fraction(0)), Month(1, Fraction(2), Fraction(2))]
    assert charts.ratio_chart(months, Fraction(6, 5), Fraction(3, 2), "t").count("<circle") == 1


def test_book_chart_bars_scale_to_the_largest_book():
    svg = charts.book_chart([("p<1>", 1_000_000), ("p2", 4_000_000)], "books")
    widths = [float(w) for w in re.findall(r'<rect x="110" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[1] == 4 * widths[0]
    assert "p&lt;1&gt;" in svg and "$4,000,000" in svg


def test_cli_checklist_report_and_output_files(tmp_path):
    example = str(ROOT / "examples" / "initech-pilot-review.yaml")
    for fmt, marker in (
        ("markdown", "- [x]"),
        ("text", "[x] 1."),
        ("html", "<!DOCTYPE html>"),
        ("terminal", "Decision checklist: Initech"),
    ):
        target = tmp_path / f"checklist.{fmt}"
        outcome = runner.invoke(app, ["checklist", example, "-f", fmt, "-o", str(target)])
        assert outcome.exit_code == 0, outcome.stderr
        assert marker in target.read_text()
    page = tmp_path / "report.html"
    assert (
        runner.invoke(app, ["report", example, "--format", "html", "-o", str(page)]).exit_code == 0
    )
    assert page.read_text().startswith("<!DOCTYPE html>")
    broken = runner.invoke(app, ["report", str(tmp_path / "missing.yaml")])
    assert broken.exit_code == 2 and "no such file" in broken.stderr


def test_evaluate_points_to_the_printable_report():
    example = str(ROOT / "examples" / "northwind-pilot-go.yaml")
    out = runner.invoke(app, ["evaluate", example, "--color", "never"]).stdout
    assert f"Printable version: podcheck report {example} -o report.html" in out


def test_report_json_and_checklist_agree_on_the_run():
    report = run(org())
    assert report.verdict == built(org()).verdict
