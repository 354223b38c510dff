"""Verdicts, scores, recommendations, pilot decisions and the ratio projection."""

from __future__ import annotations

from fractions import Fraction

import pytest
import yaml

from conftest import CATALOGUE, org, result, run
from podcheck.judge.engine import evaluate, readiness_score
from podcheck.judge.report import Result
from podcheck.metrics.projection import project
from podcheck.orgfile.loader import load_org


def _result(severity: str, status: str) -> Result:
    return Result("POD999", "x", severity, status, "s", None, None, None, "count", "", 1, 1)


def test_score_weights_errors_three_to_one_and_ignores_skips_and_info():
    results = [
        _result("error", "pass"),
        _result("error", "fail"),
        _result("warning", "pass"),
        _result("warning", "fail"),
        _result("info", "fail"),
        _result("error", "skip"),
    ]
    assert readiness_score(results) == 50  # (3 + 1) / (3 + 3 + 1 + 1)
    assert readiness_score([_result("error", "pass"), _result("warning", "fail")]) == 75
    assert readiness_score([_result("error", "pass")] * 2 + [_result("warning", "fail")]) == 85
    assert readiness_score([]) == 100


def test_verdicts_follow_error_results_only():
    warning_only = run(
        org(
            **{
                "segments.0.tier": "enterprise",
                "segments.0.pods": None,
                "segments.0.headcount": {"ae": 6, "csm": 5},
            }
        )
    )
    assert result(warning_only, "POD202").failed
    failed = [r for r in warning_only.results if r.failed]
    assert failed and all(r.severity == "warning" for r in failed)
    assert warning_only.verdict == "go"
    assert warning_only.segments[0].verdict == "go"
    # Every error and warning result of the segment and its pods counts, errors 3 and
    # warnings 1: the failed warnings leave the score under 100, rounded down.
    own = [
        r
        for r in warning_only.results
        if r.segment == "mm" and r.severity in ("error", "warning") and r.status != "skip"
    ]
    total = sum(3 if r.severity == "error" else 1 for r in own)
    missed = sum(1 for r in own if r.failed)
    assert warning_only.segments[0].score == (total - missed) * 100 // total < 100

    org_warning = run(org(**{"org.ratio_review_months": 12}))
    assert org_warning.verdict == "go"
    # Org-scoped results are not the segment's: its score is the go org's.
    assert org_warning.segments[0].score == run(org()).segments[0].score

    org_error = run(org(**{"policies.renewal_ownership.written": False}))
    assert org_error.verdict == "no-go"
    assert org_error.segments[0].verdict == "go"  # org-scoped rules block the file, not the segment


def test_non_pod_segments_are_not_judged_but_get_a_recommendation():
    data = org()
    data["segments"].append(
        {
            "id": "smb",
            "tier": "smb",
            "model": "pool",
            "acv": 9000,
            "accounts": 900,
            "headcount": {"ae": 6, "csm": 10},
        }
    )
    report = run(data)
    smb = report.segments[1]
    assert (smb.verdict, smb.score, smb.recommended, smb.alternative) == (
        "n/a",
        None,
        "pool",
        "ai-agent",
    )
    assert not [r for r in report.results if r.segment == "smb"]


@pytest.mark.parametrize(
    ("changes", "model", "alternative", "reason"),
    [
        ({}, "pod", None, "mid-market tier with ACV $50,000, at or above the $30,000 floor"),
        ({"acv": 30000, "tier": "enterprise"}, "pod", None, "at or above the $30,000 floor"),
        ({"acv": 29999, "tier": "enterprise"}, "named", None, "under the $30,000 floor"),
        ({"acv": 29999}, "pool", "ai-agent", "mid-market tier with ACV $29,999, under"),
        ({"acv": 90000, "tier": "smb"}, "pool", "ai-agent", "SMB tier"),
        ({"acv": 5000, "tier": "strategic"}, "swarm", None, "strategic tier"),
        # Fixable defects (load, ratio) never change the structural fit.
        ({"accounts": 200, "pods": None}, "pod", None, "at or above the $30,000 floor"),
    ],
)
def test_recommendation_is_the_structural_fit(changes, model, alternative, reason):
    segment = dict(org()["segments"][0], model="named")
    for key, value in changes.items():
        if value is None:
            segment.pop(key)
        else:
            segment[key] = value
    summary = run(org(segments=[segment])).segments[0]
    assert (summary.recommended, summary.alternative) == (model, alternative)
    assert reason in summary.recommended_reason


def test_recommending_the_proposed_model_says_so():
    summary = run(org()).segments[0]
    assert summary.recommended == "pod"
    assert summary.recommended_reason.endswith("; as proposed")


def test_recommendation_uses_the_configured_acv_floor():
    from dataclasses import replace

    book = tuple(
        replace(rule, threshold=60000) if rule.code == "POD101" else rule for rule in CATALOGUE
    )
    loaded = load_org("o.yaml", yaml.safe_dump(org()))
    summary = evaluate(loaded, book, book=book).segments[0]
    assert summary.recommended == "pool"
    assert "under the $60,000 floor" in summary.recommended_reason


def test_policies_do_not_change_the_recommendation():
    summary = run(org(policies=None)).segments[0]
    assert summary.recommended == "pod"


@pytest.mark.parametrize(
    ("results", "action", "reason"),
    [
        (
            {
                "days": 120,
                "handoff_quality": {"pilot": 4, "baseline": 3},
                "time_to_first_value_days": {"pilot": 70, "baseline": 90},
            },
            "extend",
            "handoff quality 4 beats the baseline of 3",
        ),
        (
            {"days": 120, "handoff_quality": {"pilot": 3, "baseline": 3}},
            "fix-and-remeasure",
            "POD501 handoff quality 3 does not beat",
        ),
        (
            {"days": 120, "handoff_quality": {"pilot": 4, "baseline": 3}, "csm_presales_pct": 30},
            "relabel-as-swarm",
            "CSMs spend 30% of their time on pre-sales",
        ),
        (
            {"days": 60, "handoff_quality": {"pilot": 4, "baseline": 3}},
            "fix-and-remeasure",
            "not shown yet: POD502 time to first value is not measured yet",
        ),
        (
            {
                "days": 30,
                "handoff_quality": {"pilot": 4, "baseline": 3},
                "time_to_first_value_days": {"pilot": 70, "baseline": 90},
            },
            "keep-measuring",
            "the pilot has run 30 days; its metrics are judged at day 90",
        ),
        (
            {
                "handoff_quality": {"pilot": 4, "baseline": 3},
                "time_to_first_value_days": {"pilot": 70, "baseline": 90},
            },
            "keep-measuring",
            "for an unstated time",
        ),
        (
            {
                "days": 120,
                "handoff_quality": {"pilot": 4, "baseline": 3},
                "time_to_first_value_days": {"pilot": 70, "baseline": 90},
            },
            "extend",
            "time to first value 70 days against 90 days",
        ),
    ],
)
def test_pilot_decision(results, action, reason):
    summary = run(org(**{"segments.0.pilot_results": results})).segments[0]
    assert summary.pilot is not None
    assert summary.pilot.action == action
    assert reason in summary.pilot.reason


def _segment(plan):
    data = org(**{"segments.0.hiring_plan": plan, "segments.0.headcount": {"ae": 4, "csm": 4}})
    return load_org("o.yaml", yaml.safe_dump(data)).org.segments[0]


def test_projection_monthly_plan_month_by_month():
    months = project(
        _segment([{"month": 2, "ae": 1}, {"month": 4, "csm": 1}, {"month": 14, "ae": 5}]), 14
    )
    assert [(m.month, m.ae, m.csm) for m in months[:6]] == [
        (0, 4, 4),
        (1, 4, 4),
        (2, 5, 4),
        (3, 5, 4),
        (4, 5, 5),
        (5, 5, 5),
    ]
    assert months[13].ae == 5 and months[14].ae == 10
    assert months[2].ratio == Fraction(5, 4)


def test_projection_totals_plan_spreads_evenly_over_twelve_months():
    months = project(_segment({"ae": 6, "csm": 3}), 24)
    assert months[1].ae == Fraction(9, 2) and months[1].csm == Fraction(17, 4)
    assert months[12].ae == 10 and months[12].csm == 7
    assert months[24].ae == 10  # totals cover the next 12 months only
    assert months[6].ratio == Fraction(7, Fraction(11, 2))


def test_projection_rejects_out_of_range_months():
    with pytest.raises(ValueError):
        project(_segment(None), 25)
