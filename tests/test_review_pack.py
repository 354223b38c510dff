"""The review pack: the decision checklist, the HTML report and its charts."""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from conftest import (
    CATALOGUE,
    EXAMPLES,
    GOLDEN,
    REVIEW_FIXTURE,
    REVIEW_WAIVERS,
    ROOT,
    CliRunner,
    org,
    review_pack,
    run,
)
from podcheck import __version__
from podcheck.cli.app import app
from podcheck.judge.engine import evaluate
from podcheck.metrics.projection import Month
from podcheck.orgfile.loader import load_org
from podcheck.render import charts, checklist_view
from podcheck.render.html_report import breakable, render_checklist, render_report
from podcheck.review import checklist, scorecard

runner = CliRunner()


def built(data) -> checklist.Checklist:
    loaded = load_org("org.yaml", yaml.safe_dump(data, sort_keys=False))
    return checklist.build(evaluate(loaded, CATALOGUE), loaded.org, CATALOGUE)


def load(path: Path):
    return load_org(path.name, path.read_text(encoding="utf-8")).org


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
        (
            "policies.coverage_plan",
            3,
            "the file does not say policies.coverage_plan (documented, backup)",
        ),
        (
            "policies.renewal_ownership",
            4,
            "the file does not say policies.renewal_ownership.written",
        ),
        ("policies.comp", 5, "the file does not say policies.comp (ae_metrics, csm_metrics)"),
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
    # Every question is open for that reason, never a rule "turned off in the config": the
    # rules that answer them run only beside pod segments.
    assert [q.answer for q in made.questions] == ["open"] * 5
    assert {q.missing for q in made.questions} == {
        "no segment is proposed with model: pod, so there is no pair to ask it of"
    }
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
    # One criterion per label: the proposal's rule and the export's may share one.
    labels = {rule.criterion_label for rule in CATALOGUE if rule.criterion_label}
    assert [c.name for c in pilot.criteria] == sorted(
        labels, key=[r.criterion_label for r in CATALOGUE].index
    )
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
    assert (
        "- [ ] **5. Does comp hold the pair jointly accountable, through a shared NRR or expansion target?**"
        in text
    )
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
    bars = rf'<rect x="{charts.LABEL_W}" y="[\d.]+" width="([\d.]+)"'
    widths = [float(w) for w in re.findall(bars, svg)]
    assert widths[1] == pytest.approx(4 * widths[0], abs=0.2)  # drawn to 0.1 pt
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


def test_printable_hint_is_one_line_however_long_the_path(tmp_path):
    folder = tmp_path / ("long-folder-name-" * 8)
    folder.mkdir()
    example = folder / "northwind-pilot-go.yaml"
    example.write_text((ROOT / "examples" / "northwind-pilot-go.yaml").read_text())
    out = runner.invoke(app, ["evaluate", str(example), "--color", "never"]).stdout
    hints = [line for line in out.splitlines() if line.startswith("Printable version:")]
    assert len(str(example)) > 100
    assert len(hints) == 1 and hints[0].endswith(" -o report.html")
    assert str(example) in hints[0]


def test_of_several_files_the_printable_hint_names_the_first_not_go():
    go = str(ROOT / "examples" / "northwind-pilot-go.yaml")
    nogo = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
    out = runner.invoke(app, ["evaluate", go, nogo, "--color", "never"]).stdout
    hints = [line for line in out.splitlines() if line.startswith("Printable version")]
    assert hints == [f"Printable version (one file a pack): podcheck report {nogo} -o report.html"]


def test_report_json_and_checklist_agree_on_the_run():
    report = run(org())
    assert report.verdict == built(org()).verdict


def _text(page: str) -> str:
    """The page's text as a reader sees it: tags and word-break hints gone, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.replace("<wbr>", ""))).split())


def test_scorecard_has_every_segments_figures():
    pack = review_pack(REVIEW_FIXTURE)
    rows = {row.summary.id: row for row in scorecard.figures(pack.report, load(REVIEW_FIXTURE))}
    enterprise, mid, smb = rows["enterprise"], rows["mid-market"], rows["smb"]
    assert (enterprise.acv, enterprise.accounts, enterprise.ae, enterprise.csm) == (
        96500,
        430,
        13,
        10,
    )
    assert enterprise.accounts_per_csm == 43 and enterprise.ratio_today == Fraction(13, 10)
    # The monthly plan runs to month 18: 18 AEs to 12 CSMs from month 15 (2 AEs hired then).
    assert (enterprise.peak_ratio, enterprise.peak_month) == (Fraction(7, 4), 15)
    assert enterprise.hiring == scorecard.Hiring(9, 3, 18, True)
    assert mid.hiring == scorecard.Hiring(6, 2, 12, False)
    assert smb.summary.model == "pool" and smb.accounts_per_csm == Fraction(2300, 6)
    page = _text(pack.report_html)
    for figure in (
        "Enterprise North America",
        "$96,500 430 13 / 10 43 1.3:1 1.75:1 month 15 +9 AE, +3 CSM over 18 months pod",
        "$41,000 620 12 / 10 62 1.2:1 1.5:1 month 12 +6 AE, +2 CSM over 12 months pod",
        "SMB Pool",
        "$11,500 2,300 9 / 6 383.3 1.5:1 1.71:1 month 12 +3 AE, +1 CSM over 12 months pool",
    ):
        assert figure in page


def test_pack_is_stamped_with_date_version_and_digests():
    text = REVIEW_FIXTURE.read_text(encoding="utf-8")
    assert scorecard.digest(text) == hashlib.sha256(text.encode()).hexdigest()[:12]
    plain = review_pack(REVIEW_FIXTURE)
    for page in (plain.report_html, plain.checklist_html):
        assert f"2026-11-23 · podcheck {__version__} · file sha256 {scorecard.digest(text)}" in page
        assert "no config" in page
    configured = review_pack(REVIEW_FIXTURE, REVIEW_WAIVERS)
    assert f"config sha256 {configured.stamp.config_digest}" in configured.report_html


def test_cli_stamps_the_pack_with_today_and_the_config(tmp_path):
    config = tmp_path / "podcheck.yaml"
    config.write_text("fail_on: error\n")
    page = tmp_path / "report.html"
    outcome = runner.invoke(
        app,
        [
            "report",
            str(REVIEW_FIXTURE),
            "--today",
            "2027-02-01",
            "-c",
            str(config),
            "-o",
            str(page),
        ],
    )
    assert outcome.exit_code == 0, outcome.stderr
    digest = scorecard.digest(config.read_text())
    assert f"2027-02-01 · podcheck {__version__}" in page.read_text()
    assert f"config sha256 {digest}" in page.read_text()
    checklist_page = runner.invoke(
        app, ["checklist", str(REVIEW_FIXTURE), "-f", "html", "--today", "2027-02-01"]
    ).stdout
    assert "2027-02-01 · podcheck" in checklist_page and "no config" in checklist_page
    bad = runner.invoke(app, ["report", str(REVIEW_FIXTURE), "--today", "tomorrow"])
    assert bad.exit_code == 2 and "--today expects a date" in bad.stderr
    # Written as asked, but no such day: the message says so rather than how to write it.
    no_day = runner.invoke(app, ["report", str(REVIEW_FIXTURE), "--today", "2026-02-30"])
    assert no_day.exit_code == 2
    assert no_day.stderr == (
        "podcheck: error: --today: 2026-02-30 is not a day of the calendar; "
        "see 'podcheck report --help'\n"
    )


def test_exceptions_list_waivers_and_waived_items_are_never_ticked():
    pack = review_pack(REVIEW_FIXTURE, REVIEW_WAIVERS)
    coverage = pack.checklist.questions[2]
    assert coverage.answer == "waived" and not coverage.ticked
    assert coverage.evidence[0].waiver == REVIEW_WAIVERS[1].reason
    for page in (pack.report_html, pack.checklist_html):
        text = _text(page)
        assert "Exceptions" in text
        assert (
            "POD103 csm-load enterprise / ent-west-1 Book moves to the new Denver pod in Q1; "
            "accepted by the CRO · Jordan Lee 2027-03-31"
        ) in text
        assert "POD311 coverage-plan organisation Cross-pod cover" in text and "2027-01-15" in text
        assert "Ratio reviewed with the annual plan this year no expiry" in text
        assert "waiver for POD402 expired on 2026-01-31; the rule applies again" in text
        # The waived question shows the waiver, with its own box, not a tick.
        assert (
            '<span class="box waived"' in page and '<span class="pill waived">WAIVED</span>' in page
        )
    markdown = checklist_view.render_markdown(pack.checklist)
    assert "- [ ] **3. Is there a coverage plan" in markdown
    assert "(waived: Cross-pod cover is being written with HR; due before launch)" in markdown
    assert "[~] 3. Is there a coverage plan" in checklist_view.render_text(pack.checklist)


def test_without_waivers_the_exceptions_say_none():
    pack = review_pack(REVIEW_FIXTURE)
    assert "None: no rule is waived for this file." in pack.report_html
    assert pack.checklist.questions[2].answer == "no"


def test_sign_off_block_in_report_and_checklist():
    pack = review_pack(REVIEW_FIXTURE)
    for page in (pack.report_html, pack.checklist_html):
        text = _text(page)
        assert "Sign-off" in text
        for role in ("CRO", "VP Customer Success", "RevOps"):
            assert f"{role} Name Date Decision: go / no-go / go with conditions" in text


def test_standalone_checklist_has_the_reports_verdict_banner():
    pack = review_pack(REVIEW_FIXTURE)
    banner = '<div class="banner no-go">\n  <div class="verdict">NO-GO</div>'
    assert banner in pack.report_html and banner in pack.checklist_html


def test_failed_rules_fold_pods_into_their_segments_row_worst_first():
    page = _text(review_pack(REVIEW_FIXTURE).report_html)
    assert (
        "10 pods failing: ent-west-1 48, ent-northeast-1 47, ent-southeast-1 46, "
        "ent-canada-1 45 and 6 more"
    ) in page


def test_long_identifiers_break_only_after_underscores_and_hyphens():
    assert str(breakable("norms: shared_account_notes")) == "norms: shared_<wbr>account_<wbr>notes"
    assert str(breakable("mid-market <b>")) == "mid-market &lt;b&gt;"  # short words stay whole
    css = (ROOT / "src" / "podcheck" / "render" / "templates" / "style.css").read_text()
    assert "th, td { overflow-wrap: normal; word-break: normal; hyphens: manual; }" in css
    assert "anywhere" not in css and "break-all" not in css
    page = review_pack(REVIEW_FIXTURE).report_html
    assert "late_<wbr>stage_<wbr>attendance" in page


def _svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", page, re.S)]


@pytest.mark.parametrize("source", [*EXAMPLES, REVIEW_FIXTURE], ids=lambda p: p.stem)
def test_chart_text_prints_at_8_points_or_more(source):
    svgs = _svgs(review_pack(source).report_html)
    for svg in svgs:
        # One unit of the drawing is one point on paper: the size is given in pt.
        _, _, width, height = svg.get("viewBox").split()
        assert (svg.get("width"), svg.get("height")) == (f"{width}pt", f"{height}pt")
        texts = svg.findall("{http://www.w3.org/2000/svg}text")
        assert texts
        for text in texts:
            assert float(text.get("font-size") or svg.get("font-size")) >= 8, text.text
    css = (ROOT / "src" / "podcheck" / "render" / "templates" / "style.css").read_text()
    assert not re.search(r"\.chart\b(?!-)[^{]*\{[^}]*font-size", css)  # no CSS shrinks them again


def test_chart_marks_the_months_beyond_the_plan():
    months = [Month(m, Fraction(5 + min(m, 12)), Fraction(5 + min(m, 12))) for m in range(25)]
    svg = charts.ratio_chart(months, Fraction(6, 5), Fraction(3, 2), "t", plan_end=12)
    assert "no plan beyond month 12" in svg
    assert svg.count('class="dot beyond-dot"') == 12  # months 13 to 24
    assert svg.count('class="ratio beyond"') == 1 and 'class="unplanned"' in svg
    whole = charts.ratio_chart(months, Fraction(6, 5), Fraction(3, 2), "t", plan_end=24)
    assert "no plan beyond" not in whole and "beyond-dot" not in whole


def test_plan_months_follow_the_plan():
    by_id = {s.id: s for s in load(REVIEW_FIXTURE).segments}
    assert scorecard.plan_months(by_id["enterprise"]) == 18  # monthly, last hire in month 18
    assert scorecard.plan_months(by_id["mid-market"]) == 12  # 12-month totals
    page = review_pack(REVIEW_FIXTURE).report_html
    assert "no plan beyond month 18" in page and "no plan beyond month 12" in page


def test_book_chart_writes_whole_dollars():
    svg = charts.book_chart([("mm-east", Fraction(212553550, 100)), ("mm-west", 900000)], "ARR")
    assert "$2,125,536<" in svg and "$900,000<" in svg
    assert not re.search(r"\$[\d,]+\.", svg)


@pytest.mark.parametrize(
    ("share", "written"),
    [
        (Fraction(1, 5), "20%"),
        (Fraction(1, 8), "12.5%"),
        (Fraction("0.615625"), "~61.56%"),
        (Fraction(1, 3), "~33.33%"),
        (0, "0%"),
    ],
)
def test_shares_are_rounded_to_two_places_as_other_figures(share, written):
    from podcheck.core.numbers import format_share

    assert format_share(share) == written


@pytest.mark.slow
@pytest.mark.parametrize(
    ("asked", "named"),
    [(["report"], "-o report.html"), (["checklist", "-f", "html"], "-o checklist.html")],
)
def test_html_is_never_dumped_into_a_terminal(tmp_path, asked, named):
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    example = ROOT / "examples" / "northwind-pilot-go.yaml"
    command = [sys.executable, "-m", "podcheck", *asked, str(example)]
    shown = b""
    try:
        done = subprocess.Popen(
            command, stdout=follower, stderr=subprocess.PIPE, text=True, cwd=tmp_path
        )
        os.close(follower)
        while True:  # read as it writes, so a page sent here cannot block on a full terminal
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # every end of the terminal is closed
                break
            if not chunk:
                break
            shown += chunk
        stderr = done.communicate(timeout=60)[1]
    finally:
        os.close(leader)
    assert done.returncode == 2
    assert named in stderr and stderr.count("\n") == 1
    assert b"<html" not in shown and list(tmp_path.iterdir()) == []
    # Piped, or with -o -, the page goes to standard output as asked.
    piped = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert piped.returncode == 0 and piped.stdout.startswith("<!DOCTYPE html>")


# ---- One story: the checklist, the scorecard and the verdict read the same figures -----

NORTHWIND = ROOT / "examples" / "northwind-pilot-go.yaml"
NORTHWIND_BOOKS = ROOT / "examples" / "northwind-accounts.csv"


def _cli_text(*args: str) -> str:
    outcome = runner.invoke(app, list(args))
    assert outcome.exit_code in (0, 1), outcome.stderr
    return outcome.stdout


def test_with_an_export_the_load_criterion_reads_the_books_and_says_which_is_which():
    text = _cli_text("checklist", str(NORTHWIND), "--accounts", str(NORTHWIND_BOOKS), "-f", "text")
    line = next(line for line in text.splitlines() if "CSM load under 35:" in line)
    # The proposal says 28 per CSM; the books hold a CSM at 36: not ticked, both shown.
    assert line.startswith("  [ ] CSM load under 35: proposal: 28 accounts per CSM")
    assert " · books: Priya Shah carries 36 accounts" in line
    # Question 1 reads the books' accounts under the floor, labelled apart.
    assert "mid-market, proposal: ACV $48,000" in text
    assert "mid-market/mm-south, books: 9 of 27 accounts" in text
    assert text.splitlines()[1].startswith("Verdict NO-GO · 4 of 5")
    # Without the export, only the proposal's figure, unlabelled.
    alone = _cli_text("checklist", str(NORTHWIND), "-f", "text")
    assert "  [x] CSM load under 35: 28 accounts per CSM" in alone and "books" not in alone


@pytest.mark.parametrize(
    ("example", "with_books"),
    [*((example, False) for example in EXAMPLES), (NORTHWIND, True)],
    ids=[*(example.stem for example in EXAMPLES), "northwind-with-books"],
)
def test_a_no_go_checklist_never_reads_as_all_clear(example, with_books):
    loaded, report, made = example_checklist(example)
    if with_books:
        from podcheck.accounts import export as accounts
        from podcheck.run import session

        counted = accounts.read_export(str(NORTHWIND_BOOKS), accounts.ExportOptions())
        report, _ = session.evaluate_with_export(loaded, CATALOGUE, (), counted)
        made = checklist.build(report, loaded.org, CATALOGUE)
    clear = (
        all(q.answer == "yes" for q in made.questions)
        and all(c.answer == "yes" for p in made.pilots for c in p.criteria)
        and not made.also_failing
    )
    assert not (report.verdict == "no-go" and clear)
    # A failed error in a pod segment shows as an unticked criterion, question or listing.
    for result in report.failures("error"):
        shown = [e.rule for q in made.questions for e in q.evidence if not e.passed]
        shown += [e.rule for e in made.also_failing]
        shown += [c.name for p in made.pilots for c in p.criteria if c.answer in ("no", "waived")]
        assert shown, result


def test_cohort_and_whole_segment_are_labelled_where_both_appear():
    wingtip = ROOT / "examples" / "wingtip-pilot-cohort.yaml"
    text = _cli_text("checklist", str(wingtip), "-f", "text")
    assert "CSM load under 35: pilot cohort: 25.75 accounts per CSM" in text
    assert "enterprise, pilot cohort: 4 AEs to 4 CSMs is 1:1" in text
    page = html.unescape(re.sub(r"<[^>]+>", " ", _cli_text("report", str(wingtip))))
    page = " ".join(page.split())
    assert "enterprise · pod · whole segment" in page
    assert "Pilot cohort (ent-a, ent-b, ent-c, ent-d): 103 accounts, 4 AE / 4 CSM, 25.8" in page


def test_the_scorecard_shows_the_books_beside_the_proposal():
    page = _cli_text("report", str(NORTHWIND), "--accounts", str(NORTHWIND_BOOKS))
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "$48,000 books $56,272 112 books 116 4 / 4 books 4 CSM 28 books: 36 (heaviest)" in text
    assert "Under the proposal's figures, \"books\" are the account export's" in text
    alone = _cli_text("report", str(NORTHWIND))
    assert "books" not in html.unescape(re.sub(r"<[^>]+>", " ", alone))


WAIVED_LOAD = "waivers:\n  - rule: POD103\n    segment: enterprise\n    reason: Denver pod in Q1\n"


@pytest.mark.parametrize("fmt", ["markdown", "text", "terminal"])
def test_a_waived_pilot_criterion_says_so_in_every_checklist_format(fmt, tmp_path):
    config = tmp_path / "podcheck.yaml"
    config.write_text(WAIVED_LOAD)
    contoso = ROOT / "examples" / "contoso-enterprise-no-go.yaml"
    args = ["checklist", str(contoso), "--config", str(config), "-f", fmt]
    text = " ".join(_cli_text(*args, *(["--color", "never"] if fmt == "terminal" else [])).split())
    assert "waived: Denver pod in Q1" in text
    if fmt == "markdown":
        assert "- [ ] ~ **waived** CSM load under 35: 42 accounts per CSM" in text
    else:
        assert "[~] CSM load under 35: 42 accounts per CSM" in text
