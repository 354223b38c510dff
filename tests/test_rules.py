"""What the rule cases (tests/rule_cases) do not show: locations, scopes that decide whether
a rule runs at all, and the catalogue against the contract's codes, severities and
thresholds (read from the independent reference, tests/reference_rules.py)."""

from __future__ import annotations

from fractions import Fraction

import reference_rules as ref
from conftest import CATALOGUE, codes, org, result, run


def test_pod103_pod_scope_points_at_the_pod():
    data = org(**{"segments.0.accounts": 110, "segments.0.pods.3.accounts": 35})
    report = run(data)
    found = result(report, "POD103", "mm", pod="p4")
    assert found.status == "fail"
    assert found.actual == 35 and found.threshold == 35
    assert (found.line, found.column) != (1, 1)
    assert result(report, "POD103", "mm", pod="p3").status == "pass"
    assert report.verdict == "no-go"
    assert report.segments[0].verdict == "no-go"


def test_pod204_totals_plan_spread_evenly_stays_exact_at_boundary():
    # 5 AE / 5 CSM today plus 12 AE and 0 CSM hires: month 1 is 6/5 = 1.2 exactly (pass),
    # month 2 is 7/5 (fail).
    data = org(
        **{
            "segments.0.hiring_plan": {"ae": 12, "csm": 0},
            "segments.0.headcount": {"ae": 5, "csm": 5},
            "segments.0.pods": None,
        }
    )
    found = result(run(data), "POD204")
    assert found.status == "fail"
    assert "over 1.2:1 from month 2 (1.4:1)" in found.message
    assert found.actual == Fraction(17, 5)  # the peak, at month 12


def test_absent_policies_fail_every_policy_rule():
    report = run(org(policies=None))
    for code in ("POD301", "POD303", "POD304", "POD311", "POD321", "POD322"):
        assert result(report, code).status == "fail"
    assert report.verdict == "no-go"


def test_pod401_counts_pod_count_then_headcount_pairs():
    data = org(**{"segments.0.pods": None, "segments.0.pod_count": 2})
    assert result(run(data), "POD401").status == "fail"
    data = org(**{"segments.0.pods": None, "segments.0.headcount": {"ae": 3, "csm": 5}})
    assert result(run(data), "POD401").actual == 3


def test_pilot_rules_do_not_run_without_pilot_results():
    pilot_codes = {rule.code for rule in CATALOGUE if rule.requires == "pilot_results"}
    assert pilot_codes and not pilot_codes & codes(run(org()))


def test_pilot_rules_skip_missing_figures():
    report = run(org(**{"segments.0.pilot_results": {"days": 30}}))
    assert result(report, "POD501").status == "skip"
    assert result(report, "POD501").message == "handoff quality is not measured yet"


def _segment(seg_id, model, accounts=100, csm=3, acv=20000, tier="smb"):
    return {
        "id": seg_id,
        "tier": tier,
        "model": model,
        "acv": acv,
        "accounts": accounts,
        "headcount": {"ae": 2, "csm": csm},
    }


def test_pod601_and_602_run_without_pod_segments():
    report = run(org(segments=[_segment("smb", "pool"), _segment("tail", "none")]))
    assert codes(report) == {
        rule.code for rule in CATALOGUE if "org" in rule.scope and rule.runs == "always"
    }
    assert codes(report) == {"POD601", "POD602"}
    assert report.verdict == "go"  # nothing to gate


def test_catalogue_matches_the_contract():
    # The contract's codes, default severities and thresholds, as the independent reference
    # reads them from rules.md: a rule the reference does not judge is not checked against
    # the contract, so every rule but the account-export family (podcheck's own, documented
    # in README's table) must be in it.
    judged = {rule.code for rule in CATALOGUE if rule.requires != "accounts"}
    assert judged == set(ref.SEVERITY)
    assert all(rule.requires == "accounts" for rule in CATALOGUE if rule.family == "POD7")
    for rule in CATALOGUE:
        if rule.code not in ref.SEVERITY:
            continue
        assert rule.severity == ref.SEVERITY[rule.code], rule.code
        assert rule.threshold == ref.DEFAULT_THRESHOLD.get(rule.code, rule.threshold), rule.code
    # Every numeric default of those rules is one the contract states.
    numeric = {
        rule.code
        for rule in CATALOGUE
        if rule.code in ref.SEVERITY
        and isinstance(rule.threshold, (int, Fraction))
        and not isinstance(rule.threshold, bool)
    }
    assert numeric == set(ref.DEFAULT_THRESHOLD)
