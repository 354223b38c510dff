"""The repository's config sets the bar; the org file cannot."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from conftest import CATALOGUE, org, result, run
from podcheck.core.errors import MAX_ERRORS_PER_FILE, InputErrors
from podcheck.judge import catalogue
from podcheck.run import config


def rules_from(tmp_path: Path, text: str):
    path = tmp_path / "podcheck.yaml"
    path.write_text(text)
    found, document = config.load_config(str(path))
    return config.settings_from(CATALOGUE, found, document).rules


def test_threshold_severity_and_disable(tmp_path):
    rules = rules_from(
        tmp_path,
        "rules:\n  POD101: {threshold: $60K}\n  POD205: {severity: error}\n"
        "  POD331: {enabled: false}\n",
    )
    report = run(org(**{"org.ratio_review_months": 12}), rules)
    acv = result(report, "POD101")
    assert acv.status == "fail" and acv.threshold == 60000
    assert "under the $60,000 floor" in acv.message
    assert result(report, "POD205").severity == "error"
    assert report.verdict == "no-go"
    assert "POD331" not in {r.rule for r in report.results}


def test_empty_config_changes_nothing(tmp_path):
    assert rules_from(tmp_path, "# nothing set\n") == CATALOGUE


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "rules:\n  PDO101: {enabled: false}\n",
            "podcheck.yaml:2:3: error: unknown rule 'PDO101'; did you mean 'POD101'?",
        ),
        (  # a rule's name where its code belongs
            "rules:\n  csm-load: {threshold: 25}\n",
            "podcheck.yaml:2:3: error: unknown rule 'csm-load'; rules are keyed by code here: "
            "'POD103' is csm-load",
        ),
        (  # two digits swapped: the code one swap away, not the one difflib ranks first
            "rules:\n  POD013: {threshold: 30}\n",
            "podcheck.yaml:2:3: error: unknown rule 'POD013'; did you mean 'POD103'?",
        ),
        (
            "rules:\n  POD101: {threshold: lots}\n",
            "podcheck.yaml:2:23: error: POD101: expected an amount in USD",
        ),
        (
            "rules:\n  POD101: {severity: fatal}\n",
            "podcheck.yaml:2:22: error: rules.POD101.severity: expected 'error', 'warning' or 'info', got 'fatal'",
        ),
        (
            "rules:\n  POD101: {enabled: no}\n",
            "podcheck.yaml:2:21: error: rules.POD101.enabled: expected true or false, got 'no'",
        ),
        (
            "rules:\n  POD501: {threshold: 3}\n",
            "podcheck.yaml:2:23: error: POD501 has no threshold to set",
        ),
        (
            "rules:\n  POD101: {treshold: 1}\n",
            "podcheck.yaml:2:12: error: rules.POD101: unknown key 'treshold'; did you mean 'threshold'?",
        ),
        ("rulez: {}\n", "podcheck.yaml:1:1: error: unknown key 'rulez'; did you mean 'rules'?"),
        (
            "- 1\n",
            "podcheck.yaml:1:1: error: expected a mapping at the top level of the config file",
        ),
    ],
)
def test_bad_config_is_a_located_input_error(tmp_path, text, error):
    with pytest.raises(InputErrors) as caught:
        rules_from(tmp_path, text)
    assert any(str(e).endswith(error) or error in str(e) for e in caught.value.errors), caught.value


def test_a_long_unknown_code_is_not_compared_with_every_code(tmp_path, monkeypatch):
    """Comparing costs the product of the lengths: a 4 MB code took minutes and 1.5 GB. No
    code is near one that long, so none is compared and none suggested."""
    compared: list[str] = []
    edits = config._edits
    monkeypatch.setattr(config, "_edits", lambda a, b: compared.append(a) or edits(a, b))
    with pytest.raises(InputErrors) as caught:
        rules_from(tmp_path, f"rules:\n  POD{'1' * 100_000}: {{enabled: false}}\n")
    (error,) = caught.value.errors
    assert error.message.startswith("unknown rule 'POD1111") and "did you mean" not in str(error)
    assert len(str(error)) < 200 and compared == []
    with pytest.raises(InputErrors, match="did you mean 'POD103'"):
        rules_from(tmp_path, "rules:\n  POD013: {threshold: 30}\n")
    assert compared  # a short one still is
    # Nor are the codes past the errors a run shows: 2,000 unknown codes, 50 compared.
    compared.clear()
    many = "".join(f"  POD{index:06d}: {{}}\n" for index in range(2_000))
    with pytest.raises(InputErrors) as caught:
        rules_from(tmp_path, "rules:\n" + many)
    assert len(set(compared)) == MAX_ERRORS_PER_FILE
    assert str(caught.value.errors[-1]).endswith("... and 1950 more errors")


def test_org_file_cannot_carry_thresholds():
    data = org()
    data["rules"] = {"POD101": {"threshold": 1}}
    with pytest.raises(InputErrors) as caught:
        run(data)
    assert "unknown key 'rules'" in str(caught.value)


def test_malformed_rule_file_is_refused_at_load():
    bad = (
        "- code: POD999\n  name: x\n  severity: error\n  scope: [pod]\n  metric: acv\n"
        "  compare: '>='\n  threshold: 1\n  unit: money\n  summary: s\n"
        "  messages: {pass: '{nope}', fail: f}\n  rationale: r\n  formula: f\n"
        "  article: pod-model\n  source: s\n"
    )
    with pytest.raises(InputErrors) as caught:
        catalogue.load_rule_file("rules/bad.yaml", bad)
    text = str(caught.value)
    assert "metric 'acv' cannot judge scope 'pod'" in text
    assert "uses '{nope}', which is not available" in text
    unknown = bad.replace("metric: acv", "metric: vibes")
    with pytest.raises(InputErrors, match="unknown metric 'vibes'"):
        catalogue.load_rule_file("rules/bad.yaml", unknown)
    # A word threshold names its choices, and its bar is among them.
    choice = bad.replace("scope: [pod]", "scope: [segment]").replace("{nope}", "p")
    choice = choice.replace("metric: acv", "metric: tier").replace("unit: money", "unit: choice")
    with pytest.raises(InputErrors, match="needs its choices"):
        catalogue.load_rule_file("rules/bad.yaml", choice.replace("threshold: 1", "threshold: x"))
    stray = choice.replace("threshold: 1", "threshold: [smb]\n  choices: [mid-market]")
    with pytest.raises(InputErrors, match="'smb' is not one of mid-market"):
        catalogue.load_rule_file("rules/bad.yaml", stray)


@pytest.mark.parametrize(
    ("written", "used"),
    [
        ("0.2", Fraction(1, 5)),
        ('"20%"', Fraction(1, 5)),
        ('"30%"', Fraction(3, 10)),
        ("1", 1),
        ("0", 0),
    ],
)
def test_share_threshold_is_a_fraction_or_a_percentage(tmp_path, written, used):
    rules = rules_from(tmp_path, f"rules:\n  POD203: {{threshold: {written}}}\n")
    pace = next(rule for rule in rules if rule.code == "POD203")
    assert pace.threshold == used


@pytest.mark.parametrize(
    ("written", "error"),
    [
        ("20", 'POD203: expected a share from 0 to 1, got 20; write 0.2 or "20%" for 20%'),
        ("30", 'POD203: expected a share from 0 to 1, got 30; write 0.3 or "30%" for 30%'),
        ('"20"', "POD203: expected a share such as 0.2 or \"20%\", got '20'"),
        ('"150%"', "POD203: expected a percentage from 0 to 100, got 150"),
        ('"at most 25%"', "POD203: expected a share such as 0.2 or \"20%\", got 'at most 25%'"),
    ],
)
def test_share_threshold_refuses_a_bare_percentage_with_a_hint(tmp_path, written, error):
    with pytest.raises(InputErrors) as caught:
        rules_from(tmp_path, f"rules:\n  POD203: {{threshold: {written}}}\n")
    assert str(caught.value).endswith("podcheck.yaml:2:23: error: " + error)


@pytest.mark.parametrize(
    ("written", "used"), [("25", 25), ('"25%"', 25), ('"0.5%"', Fraction(1, 2)), ("0", 0), ("1", 1)]
)
def test_pct_threshold_is_a_whole_percentage(tmp_path, written, used):
    rules = rules_from(tmp_path, f"rules:\n  POD503: {{threshold: {written}}}\n")
    assert next(rule for rule in rules if rule.code == "POD503").threshold == used


@pytest.mark.parametrize(
    ("code", "written", "used"),
    [
        ("POD201", "1.2", Fraction(6, 5)),
        ("POD201", '"1.2:1"', Fraction(6, 5)),
        ("POD201", '"1.5 : 1"', Fraction(3, 2)),
        ("POD404", '"3x"', 3),
        ("POD404", '"2.5×"', Fraction(5, 2)),
        ("POD404", "4", 4),
        ("POD104", '"90 days"', 90),
        ("POD205", '"6 months"', 6),
        ("POD401", '"3 pods"', 3),
        ("POD401", '"1 pod"', 1),
        ("POD402", "8", 8),
        ("POD601", '"3 models"', 3),
    ],
)
def test_a_bar_may_be_written_as_podcheck_rules_writes_it(tmp_path, code, written, used):
    rules = rules_from(tmp_path, f"rules:\n  {code}: {{threshold: {written}}}\n")
    assert next(rule for rule in rules if rule.code == code).threshold == used


@pytest.mark.parametrize(
    ("code", "written", "error"),
    [
        ("POD201", '"3x"', "POD201: expected a ratio such as 1.2 or \"1.2:1\", got '3x'"),
        ("POD201", '"1.2:2"', "POD201: expected a ratio such as 1.2 or \"1.2:1\", got '1.2:2'"),
        ("POD404", '"1.2:1"', "POD404: expected a multiple such as 3 or \"3x\", got '1.2:1'"),
        ("POD404", '"03x"', "POD404: expected a multiple such as 3 or \"3x\", got '03x'"),
        ("POD404", "-1", "POD404: expected a number >= 0, got -1"),
        ("POD401", "2.5", 'POD401: expected a whole number of pods such as 3 or "3 pods", got 2.5'),
        (
            "POD104",
            '"90 months"',
            "POD104: expected a whole number of days such as 3 or \"3 days\", got '90 months'",
        ),
        ("POD331", "[]", "POD331: expected a list of names, got an empty list"),
        (
            "POD201",
            '"99999999999999999999999999999:1"',
            "POD201: expected a ratio such as 1.2 or \"1.2:1\", got '99999999999999999999999999999:1'",
        ),
    ],
)
def test_a_bar_in_other_words_is_refused(tmp_path, code, written, error):
    with pytest.raises(InputErrors) as caught:
        rules_from(tmp_path, f"rules:\n  {code}: {{threshold: {written}}}\n")
    assert str(caught.value).endswith("podcheck.yaml:2:23: error: " + error)


@pytest.mark.parametrize(
    ("written", "used"),
    [
        ('"mid-market, enterprise or strategic"', ["mid-market", "enterprise", "strategic"]),
        ('"enterprise or strategic"', ["enterprise", "strategic"]),
        ("enterprise", ["enterprise"]),
        ("[mid-market, enterprise]", ["mid-market", "enterprise"]),
    ],
)
def test_a_choice_may_be_written_as_podcheck_rules_writes_it(tmp_path, written, used):
    rules = rules_from(tmp_path, f"rules:\n  POD102: {{threshold: {written}}}\n")
    assert next(rule for rule in rules if rule.code == "POD102").threshold == used


@pytest.mark.parametrize(
    ("code", "written", "error"),
    [
        (
            "POD407",
            "banana",
            "POD407: 'banana' is not one of none, ai-agent, pool, named, pod, swarm",
        ),
        (
            "POD102",
            "[enterprise, stratgic]",
            "POD102: 'stratgic' is not one of smb, mid-market, enterprise, strategic; "
            "did you mean 'strategic'?",
        ),
        ("POD303", "shared", "POD303: 'shared' is not one of ae, csm, joint"),
        ("POD102", '","', "POD102: expected a list of names, got ','"),
    ],
)
def test_a_choice_the_rule_cannot_mean_is_refused(tmp_path, code, written, error):
    with pytest.raises(InputErrors) as caught:
        rules_from(tmp_path, f"rules:\n  {code}: {{threshold: {written}}}\n")
    assert str(caught.value).endswith("podcheck.yaml:2:23: error: " + error)


def test_the_choices_are_the_values_the_org_file_may_hold():
    from typing import get_args

    from podcheck.judge.report import PilotAction
    from podcheck.orgfile.model import CoverageModel, Owner, Tier

    choices = {rule.code: set(rule.choices) for rule in CATALOGUE if rule.choices is not None}
    assert choices == {
        "POD102": set(get_args(Tier)),
        "POD303": set(get_args(Owner)),
        "POD407": set(get_args(CoverageModel)),
        "POD507": set(get_args(PilotAction)),
    }


def test_pct_threshold_refuses_a_fraction_with_a_hint(tmp_path):
    with pytest.raises(InputErrors) as caught:
        rules_from(tmp_path, "rules:\n  POD503: {threshold: 0.25}\n")
    assert str(caught.value).endswith(
        "podcheck.yaml:2:23: error: POD503: expected a percentage from 0 to 100, got 0.25, "
        'which reads as 0.25%; write 25 or "25%" for 25%'
    )


def test_a_share_threshold_written_as_a_percentage_changes_the_verdict(tmp_path):
    # 4 AEs growing to 6 while 4 CSMs stay 4: AE headcount grows 50% faster, over the
    # default 20% and within "60%".
    data = org(**{"segments.0.hiring_plan": {"ae": 2, "csm": 0}})
    assert result(run(data), "POD203").status == "fail"
    rules = rules_from(tmp_path, 'rules:\n  POD203: {threshold: "60%"}\n')
    assert result(run(data, rules), "POD203").status == "pass"
