"""One test per row of rules.md's "Changes from revision 2", and the article's scenarios
that revision 3 answers: the situation, and the verdict the article would give."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import yaml
from typer.testing import CliRunner

from conftest import CATALOGUE, ROOT, org, result, run
from podcheck.cli.app import app
from podcheck.judge.engine import evaluate
from podcheck.judge.rulebook import select_rules
from podcheck.orgfile.loader import load_org
from podcheck.render.catalogue_view import explain

BY_CODE = {rule.code: rule for rule in CATALOGUE}
SECOND_POD_SEGMENT = {
    "id": "ent",
    "tier": "enterprise",
    "model": "pod",
    "acv": 90000,
    "accounts": 75,
    "headcount": {"ae": 3, "csm": 3},
    "hiring_plan": {"ae": 0, "csm": 0},
}
# A pilot whose handoffs and time to value beat the baseline after 120 days.
MEASURED = {
    "days": 120,
    "handoff_quality": {"pilot": 4.3, "baseline": 3.4},
    "time_to_first_value_days": {"pilot": 71, "baseline": 94},
}


def _texts(code: str) -> list[str]:
    """Everything podcheck can print about a rule: its summary, messages and explain text."""
    rule = BY_CODE[code]
    return [rule.summary, *rule.messages.values(), explain(rule)]


# --- The article's scenarios ----------------------------------------------------------------


def test_a_drifting_pilot_is_no_go_and_relabelled_as_a_swarm():
    # "the pod is already drifting into a swarm model without the explicit support structure
    # to back it up": CSM pre-sales 28%, AE pre-sales 22%.
    drifting = {**MEASURED, "csm_presales_pct": 28, "ae_presales_pct": "22%"}
    report = run(org(**{"segments.0.pilot_results": drifting}))
    segment = report.segments[0]
    assert segment.pilot is not None and segment.pilot.action == "relabel-as-swarm"
    found = result(report, "POD507", "mm")
    assert (found.status, found.severity, found.actual) == ("fail", "error", "relabel-as-swarm")
    assert "do not extend it as designed" in found.message
    assert (segment.verdict, report.verdict) == ("no-go", "no-go")
    # Against the same pilot before it drifted, the drift fails two warnings and the
    # decision's error, nothing else.
    before = run(org(**{"segments.0.pilot_results": MEASURED}))
    assert before.verdict == "go"
    was = {(r.rule, r.segment, r.pod) for r in before.results if r.failed}
    new = [r for r in report.results if r.failed and (r.rule, r.segment, r.pod) not in was]
    assert sorted((r.rule, r.severity) for r in new) == [
        ("POD503", "warning"),
        ("POD504", "warning"),
        ("POD507", "error"),
    ]


def test_a_pilot_in_two_segments_at_once_is_no_go():
    # "Don't launch pods across all segments simultaneously"; "Pilot in one segment for one
    # quarter". Each segment on its own would be go.
    report = run(org(**{"segments.1": SECOND_POD_SEGMENT}))
    found = result(report, "POD406")
    assert (found.status, found.severity) == ("fail", "error")
    assert report.verdict == "no-go"
    assert [s.verdict for s in report.segments] == ["go", "go"]


def test_a_shared_expansion_target_is_shared_accountability_without_nrrs_teeth():
    # Pods are "held jointly accountable (typically through a shared NRR or expansion
    # target)"; "NRR-aligned compensation is what gives pods operational teeth".
    comp = {"ae_metrics": ["new_arr", "expansion_target"], "csm_metrics": ["Expansion Target"]}
    report = run(org(**{"policies.comp": comp}))
    assert result(report, "POD321").status == "pass"
    shared_nrr = result(report, "POD322")
    assert (shared_nrr.status, shared_nrr.severity) == ("fail", "warning")
    assert "share expansion_target but no NRR" in shared_nrr.message
    assert report.verdict == "go"


def test_completely_separate_metrics_are_no_go():
    # "measured on completely separate metrics with no shared accountability"
    report = run(org(**{"policies.comp": {"ae_metrics": ["new_arr"], "csm_metrics": ["nps"]}}))
    found = result(report, "POD321")
    assert (found.status, found.severity) == ("fail", "error")
    assert "share no metric" in found.message
    assert report.verdict == "no-go"


def test_a_strategic_pod_segment_warns_that_it_fits_a_swarm():
    # "swarm elements for the most strategic accounts"
    report = run(org(**{"segments.0.tier": "strategic"}))
    found = result(report, "POD407", "mm")
    assert (found.status, found.severity, found.actual) == ("fail", "warning", "swarm")
    assert result(report, "POD102", "mm").status == "pass"
    assert report.segments[0].recommended == "swarm"
    assert report.verdict == "go"


# --- One test per row of the change table --------------------------------------------------


def test_pod321_is_shared_accountability_over_normalised_names():
    # Names compared after normalising; all NRR synonyms count as one metric.
    for ae, csm in (
        (["NDR"], ["net_revenue_retention"]),
        (["Gross Retention"], ["gross-retention"]),
        (["new_arr", "Net Dollar Retention"], ["nrr", "nps"]),
    ):
        comp = {"ae_metrics": ae, "csm_metrics": csm}
        assert result(run(org(**{"policies.comp": comp})), "POD321").status == "pass", comp
    comp = {"ae_metrics": ["new_arr"], "csm_metrics": ["net_new_arr"]}
    assert result(run(org(**{"policies.comp": comp})), "POD321").status == "fail"


def test_pod321_message_names_the_shared_metrics_or_says_none():
    comp = {"ae_metrics": ["nrr", "expansion_target"], "csm_metrics": ["expansion_target", "NDR"]}
    found = result(run(org(**{"policies.comp": comp})), "POD321")
    assert found.message == "AEs and CSMs are both measured on expansion_target, nrr"
    comp = {"ae_metrics": ["new_arr"], "csm_metrics": []}
    assert "share no metric" in result(run(org(**{"policies.comp": comp})), "POD321").message


def test_pod322_is_revision_2s_nrr_check_as_a_warning():
    assert (BY_CODE["POD322"].name, BY_CODE["POD322"].severity) == ("shared-nrr", "warning")
    comp = {"ae_metrics": ["net_revenue_retention"], "csm_metrics": ["NRR"]}
    assert result(run(org(**{"policies.comp": comp})), "POD322").status == "pass"
    comp = {"ae_metrics": ["nrr"], "csm_metrics": ["gross_retention"]}
    assert result(run(org(**{"policies.comp": comp})), "POD322").status == "fail"


def test_the_name_shared_nrr_moves_with_the_check(tmp_path: Path, monkeypatch):
    # A configuration that names shared-nrr now selects POD322.
    assert [r.code for r in select_rules(CATALOGUE, ["shared-nrr"], None)] == ["POD322"]
    assert [r.code for r in select_rules(CATALOGUE, ["shared-accountability"], None)] == ["POD321"]
    monkeypatch.chdir(tmp_path)
    Path("podcheck.yaml").write_text("ignore: [shared-nrr]\n")
    example = str(ROOT / "examples" / "northwind-pilot-go.yaml")
    outcome = CliRunner().invoke(app, ["evaluate", example, "-f", "json"])
    data = json.loads(outcome.stdout)
    assert {"rule": "POD322", "why": "ignore"} in data["rules_not_run"]
    assert "POD321" in data["rules_run"]


def test_pod406_is_an_error():
    assert BY_CODE["POD406"].severity == "error"
    report = run(org(**{"segments.1": SECOND_POD_SEGMENT, "org.rollout": "org-wide"}))
    assert result(report, "POD406").status == "skip"  # org-wide: POD403 judges it


def test_pod407_is_skipped_when_acv_floor_or_tier_already_fails():
    for changes in ({"segments.0.acv": 29999}, {"segments.0.tier": "smb"}):
        found = result(run(org(**changes)), "POD407", "mm")
        assert found.status == "skip", changes
    # At the floor exactly, the gate passes and the fit is judged.
    assert result(run(org(**{"segments.0.acv": 30000})), "POD407", "mm").status == "pass"


def test_pod407_follows_the_configured_floor_and_tiers():
    # A configured tier list that admits SMB: its structural fit (a pool) is not pod; a
    # configured floor of $60K makes a $50K mid-market segment's gate fail.
    tiers = ["smb", "mid-market", "enterprise"]
    book = tuple(r if r.code != "POD102" else replace(r, threshold=tiers) for r in CATALOGUE)
    data = yaml.safe_dump(org(**{"segments.0.tier": "smb"}), sort_keys=False)
    found = result(evaluate(load_org("org.yaml", data), book, book=book), "POD407", "mm")
    assert (found.status, found.actual) == ("fail", "pool")
    book = tuple(r if r.code != "POD101" else replace(r, threshold=60000) for r in CATALOGUE)
    data = yaml.safe_dump(org(), sort_keys=False)
    found = result(evaluate(load_org("org.yaml", data), book, book=book), "POD407", "mm")
    assert found.status == "skip"


def test_pod507_is_not_part_of_the_decision_it_judges():
    # fix-and-remeasure comes from the segment's other errors; POD507's own failure must not
    # turn an extend into a fix-and-remeasure, nor feed its own decision.
    report = run(org(**{"segments.0.pilot_results": {**MEASURED, "csm_presales_pct": 25}}))
    assert report.segments[0].pilot is not None
    assert report.segments[0].pilot.action == "extend"
    assert result(report, "POD507", "mm").status == "pass"
    assert report.verdict == "go"


def test_pod507_fix_and_remeasure_when_a_benefit_is_not_shown():
    # "POD501 or POD502 is not a pass": unmeasured is not shown.
    report = run(org(**{"segments.0.pilot_results": {"days": 100}}))
    assert report.segments[0].pilot is not None
    assert report.segments[0].pilot.action == "fix-and-remeasure"
    assert result(report, "POD507", "mm").status == "fail"
    assert report.verdict == "no-go"


def _weights(report) -> tuple[int, int]:
    """The segment's counted weight and its passing weight (errors 3, warnings 1)."""
    counted = [
        r
        for r in report.results
        if r.segment == "mm" and r.severity in ("error", "warning") and r.status != "skip"
    ]
    total = sum(3 if r.severity == "error" else 1 for r in counted)
    passed = sum(3 if r.severity == "error" else 1 for r in counted if r.status == "pass")
    return total, passed


def test_pod507_counts_in_the_readiness_score():
    healthy = run(org(**{"segments.0.pilot_results": {**MEASURED, "csm_presales_pct": 20}}))
    drifting = run(org(**{"segments.0.pilot_results": {**MEASURED, "csm_presales_pct": 28}}))
    total, passed = _weights(healthy)
    assert _weights(drifting) == (total, passed - 4)  # POD503 (1) and POD507 (3) fail
    assert drifting.segments[0].score == (100 * (passed - 4)) // total


# --- Texts that say what the article says ---------------------------------------------------


def test_pod102_does_not_say_the_article_names_strategic_segments():
    # The article: "mid-market or enterprise only"; strategic gets "swarm elements".
    for text in _texts("POD102"):
        assert "enterprise and strategic" not in text
        assert "enterprise, and strategic" not in text
    rule = BY_CODE["POD102"]
    assert "mid-market or enterprise" in rule.rationale
    strategic = result(run(org(**{"segments.0.tier": "strategic"})), "POD102", "mm")
    assert "read as enterprise" in strategic.message


def test_pod303_does_not_call_expansion_by_the_ae_the_bypass_pattern():
    # The article makes the AE responsible for expansion deals; bypassing is moving on an
    # upsell without looping in the CSM.
    found = result(run(org(**{"policies.renewal_ownership.expansion": "ae"})), "POD303")
    assert "bypass" not in found.message.lower()
    assert "bypasses CSM" not in BY_CODE["POD303"].summary
    assert "responsible for expansion deals" in BY_CODE["POD303"].rationale


def test_shared_metric_messages_define_the_fiction_as_the_article_does():
    for text in _texts("POD321") + _texts("POD322"):
        assert "without shared NRR" not in text
    assert "completely separate metrics" in BY_CODE["POD321"].messages["fail"]


def test_pod402_says_under_8_to_10_pods():
    found = result(run(org(**{"segments.0.pods": None, "segments.0.pod_count": 8})), "POD402")
    assert "under 8-10 pods" in found.message


def test_podchecks_own_defaults_say_so_in_their_text_and_in_the_readme():
    # rules.md: POD404's 3x, POD601's 3 models, POD505's baseline comparison and every
    # POD7xx and POD8xx default are podcheck's own, and every place that lists where the
    # thresholds come from says so.
    own = [
        r
        for r in CATALOGUE
        if r.code in ("POD404", "POD505", "POD601") or r.family in ("POD7", "POD8")
    ]
    for rule in own:
        text = f"{rule.summary} {rule.rationale} {rule.source}"
        # POD701 applies the article's own bar (CSM loads under 35) to the export.
        assert "podcheck's" in text or "The article's bar" in rule.rationale, rule.code
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    where = readme.split("Where the figures come from.", 1)[1].split("\n\n", 1)[0]
    assert "Every threshold is" not in where
    for named in ("POD404", "POD505", "POD601", "POD7xx", "POD8xx"):
        assert named in where, named
