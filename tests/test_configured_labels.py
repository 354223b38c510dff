"""Labels that name a bar name the bar in force: a config that moves a threshold moves the
checklist's pilot criteria and the review pack's table headers with it."""

from __future__ import annotations

import html
import re
from fractions import Fraction

import pytest

from conftest import CATALOGUE, ROOT, CliRunner
from podcheck.cli.app import app
from podcheck.core.errors import InputErrors
from podcheck.core.numbers import format_money_short
from podcheck.core.units import write_short
from podcheck.judge import catalogue

runner = CliRunner()

NORTHWIND = ROOT / "examples" / "northwind-pilot-go.yaml"
NORTHWIND_BOOKS = ROOT / "examples" / "northwind-accounts.csv"
CONFIG = (
    "rules: {POD101: {threshold: $50K}, POD103: {threshold: 25}, POD201: {threshold: 1.5},"
    " POD401: {threshold: 5}}\n"
)
CONFIGURED = [
    "ACV of at least $50K",
    "Mid-market or enterprise",
    "CSM load under 25",
    "AE:CSM 1:1, no worse than 1.5:1",
    "At least 5 pilot pods",
]
DEFAULTS = [
    "ACV of at least $30K",
    "Mid-market or enterprise",
    "CSM load under 35",
    "AE:CSM 1:1, no worse than 1.2:1",
    "At least 3 pilot pods",
]


def _cli(*args: str) -> str:
    outcome = runner.invoke(app, [*args, "--today", "2026-01-01"])
    assert outcome.exit_code in (0, 1), outcome.stderr
    return outcome.stdout


def _config(tmp_path, text: str = CONFIG) -> str:
    path = tmp_path / "podcheck.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _words(page: str) -> str:
    """A page's or a report's text, markup dropped and white space folded (a terminal wraps)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize("fmt", ["text", "markdown", "terminal", "html"])
def test_checklist_labels_name_the_configured_bars(fmt, tmp_path):
    text = _words(
        _cli("checklist", str(NORTHWIND), "-c", _config(tmp_path), "-f", fmt, "--color", "never")
    )
    for label in CONFIGURED:
        assert f"{label}:" in text or f"{label} ·" in text, label
    for label in DEFAULTS[:1] + DEFAULTS[2:]:
        assert label not in text, label
    # The label and its evidence agree on one line.
    assert "At least 5 pilot pods: only 4 pods in the pilot; at least 5 pods" in text or (
        "At least 5 pilot pods · only 4 pods in the pilot; at least 5 pods" in text
    )


def test_report_pilot_table_heads_the_configured_bars(tmp_path):
    page = _cli("report", str(NORTHWIND), "-c", _config(tmp_path))
    table = page[page.index('<table class="pilots">') :]
    heads = re.findall(r'<th scope="col">([^<]*)</th>', table[: table.index("</thead>")])
    assert [html.unescape(head) for head in heads] == ["Pilot starting criteria", *CONFIGURED]


@pytest.mark.parametrize("command", ["checklist", "report"])
def test_without_a_config_the_labels_are_the_catalogue_s(command):
    args = ["-f", "text"] if command == "checklist" else []
    text = _words(_cli(command, str(NORTHWIND), *args))
    for label in DEFAULTS:
        assert label in text, label
    assert [rule.criterion_label for rule in CATALOGUE if rule.criterion_label] == [
        "ACV of at least $30K",
        "Mid-market or enterprise",
        "CSM load under 35",
        "AE:CSM 1:1, no worse than 1.2:1",
        "At least 3 pilot pods",
        "CSM load under 35",
    ]


def test_proposal_and_books_given_different_bars_are_two_criteria(tmp_path):
    """POD103 (the proposal) and POD701 (the books) share a label; moved apart by the
    config, each is its own criterion, and says which figure it is."""
    config = _config(tmp_path, "rules: {POD103: {threshold: 25}}\n")
    args = ["checklist", str(NORTHWIND), "-c", config, "-f", "text"]
    lines = _cli(*args, "--accounts", str(NORTHWIND_BOOKS)).splitlines()
    assert (
        "  [ ] CSM load under 25: proposal: 28 accounts per CSM; pods need fewer than 25" in lines
    )
    books = next(line for line in lines if line.startswith("  [ ] CSM load under 35: "))
    assert books.startswith("  [ ] CSM load under 35: books: Priya Shah carries 36 accounts")
    # Without the export, POD701 does not run: one criterion, at the proposal's bar.
    alone = _cli(*args)
    assert "CSM load under 25: 28 accounts per CSM" in alone
    assert "CSM load under 35" not in alone


def test_a_metric_aim_says_the_configured_bar(tmp_path):
    initech = ROOT / "examples" / "initech-pilot-review.yaml"
    config = _config(tmp_path, "rules: {POD503: {threshold: 30}}\n")
    text = _cli("checklist", str(initech), "-c", config, "-f", "text")
    assert (
        "(aim: CSMs spend at most 25% of their time on pre-sales (the catalogue's bar; the "
        "config sets 30%))" in text
    )
    assert "the catalogue's bar" not in _cli("checklist", str(initech), "-f", "text")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (30000, "$30K"),
        (50000, "$50K"),
        (27500, "$27.5K"),
        (27550, "$27.55K"),
        (30001, "$30,001"),
        (1000, "$1K"),
        (999, "$999"),
        (1_200_000, "$1.2M"),
        (1_250_000, "$1.25M"),
        (1_234_500, "$1,234,500"),
        (Fraction(60001, 2), "$30,000.50"),
    ],
)
def test_short_money_is_exact(value, written):
    assert format_money_short(value) == written


def test_short_forms_drop_the_noun_a_label_already_says():
    assert write_short("pods", 5) == "5"
    assert write_short("ratio", Fraction(3, 2)) == "1.5:1"
    assert write_short("count", 25) == "25"
    assert write_short("share", Fraction(1, 5)) == "20%"


RULE = (
    "- code: POD999\n  name: x\n  severity: error\n  scope: [segment]\n  metric: acv\n"
    "  compare: '>='\n  threshold: 30000\n  unit: money\n  summary: s\n"
    "  roles: {criterion: 'CRITERION'}\n"
    "  messages: {pass: p, fail: f}\n  rationale: r\n  formula: f\n"
    "  article: pod-model\n  source: s\n"
)


@pytest.mark.parametrize(
    ("criterion", "problem"),
    [
        ("ACV of at least $30K", "names the bar $30K as text; write '{threshold}'"),
        ("ACV of at least {floor}", "may name only '{threshold}' in braces"),
        ("ACV of at least {threshold!r}", "may name only '{threshold}' in braces"),
        ("ACV of at least {threshold", "may name only '{threshold}' in braces"),
    ],
)
def test_the_rule_checker_refuses_a_criterion_with_a_fixed_bar(criterion, problem):
    with pytest.raises(InputErrors) as caught:
        catalogue.load_rule_file("rules/bad.yaml", RULE.replace("CRITERION", criterion))
    assert problem in str(caught.value)


def test_the_rule_checker_refuses_a_placeholder_with_no_threshold():
    text = RULE.replace("  threshold: 30000\n", "").replace("CRITERION", "at least {threshold}")
    with pytest.raises(InputErrors, match="uses '\\{threshold\\}' and the rule has none"):
        catalogue.load_rule_file("rules/bad.yaml", text)


def test_a_criterion_with_its_bar_as_a_placeholder_loads():
    text = RULE.replace("CRITERION", "ACV of at least {threshold}")
    (rule,) = catalogue.load_rule_file("rules/ok.yaml", text)
    assert rule.criterion_label == "ACV of at least $30K"


def test_a_rules_summary_says_the_configured_bar_wherever_it_is_shown(tmp_path):
    """The summary states the catalogue's bar ("fewer than 35"): beside a configured 25, the
    rules table, `explain`, SARIF's rule descriptions and the terminal's "why" say both."""
    import json

    config = _config(tmp_path, "rules: {POD103: {threshold: 25}}\n")
    said = "Each CSM carries fewer than 35 accounts (the catalogue's bar; the config sets 25)."
    table = runner.invoke(app, ["rules", "--config", config])
    assert table.exit_code == 0 and said in _words(table.stdout)
    explained = runner.invoke(app, ["explain", "POD103", "--config", config])
    assert explained.exit_code == 0 and f"  {said}\n" in explained.stdout
    contoso = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
    sarif = json.loads(_cli("evaluate", contoso, "-c", config, "-f", "sarif"))
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["POD103"]["shortDescription"]["text"] == said
    assert rules["POD101"]["shortDescription"]["text"] == (
        "Average contract value is high enough to pay for a dedicated pair."
    )
    assert f"why: {said}" in _words(_cli("evaluate", contoso, "-c", config))
    # With the catalogue's bars, the summary reads as written.
    plain = runner.invoke(app, ["explain", "POD103"]).stdout
    assert "  Each CSM carries fewer than 35 accounts.\n" in plain
