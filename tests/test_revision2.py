"""One test per row of rules.md's "Changes from revision 1": the article's situation, and
the outcome revision 2 gives it."""

from __future__ import annotations

from conftest import org, result, run

THREE_PILOT_PODS = {f"segments.0.pods.{i}.pilot": True for i in range(3)}


def test_pod105_a_pod_needs_an_ae_and_a_csm():
    # "one Account Executive and one Customer Success Manager share a defined book"
    report = run(org(**{"segments.0.pods.0.ae": 0}))
    assert result(report, "POD105", "mm", "p1").status == "fail"
    assert report.verdict == "no-go"


def test_pod203_nine_to_ten_plus_one_ae_is_go():
    # Hiring one AE takes 9:10 to 10:10, the 1:1 the article asks for.
    report = run(
        org(
            **{
                "segments.0.headcount": {"ae": 9, "csm": 10},
                "segments.0.accounts": 300,
                "segments.0.hiring_plan": {"ae": 1, "csm": 0},
            }
        )
    )
    assert result(report, "POD203", "mm").status == "pass"
    assert result(report, "POD204", "mm").status == "pass"
    assert report.verdict == "go"


def test_pod203_no_plan_is_not_a_yes():
    report = run(org(**{"segments.0.hiring_plan": None}))
    assert result(report, "POD203", "mm").status == "fail"
    assert run(org(**{"segments.0.hiring_plan": {"ae": 0, "csm": 0}})).verdict == "go"


def test_pod204_reports_the_peak_and_calls_1_5_fictional():
    # "Once you're at 1.5 ... the 'dedicated pairing' concept is already fictional"
    found = result(
        run(
            org(
                **{
                    "segments.0.headcount": {"ae": 4, "csm": 4},
                    "segments.0.hiring_plan": [
                        {"month": 2, "ae": 1},
                        {"month": 7, "ae": 1},
                        {"month": 10, "csm": 1},
                    ],
                }
            )
        ),
        "POD204",
        "mm",
    )
    assert found.status == "fail"
    assert "over 1.2:1 from month 2 (1.25:1)" in found.message
    assert "peaking at 1.5:1 in month 7" in found.message
    assert "already fictional" in found.message


def test_pod202_enterprise_parity_follows_the_hiring_plan():
    # "1:1 for enterprise ... validated against the AE hiring plan for the next 12 months"
    data = org(**{"segments.0.tier": "enterprise", "segments.0.hiring_plan": {"ae": 2, "csm": 0}})
    found = result(run(data), "POD202", "mm")
    assert found.status == "fail"
    assert "over 1:1 in month 1" in found.message
    # No CSMs today is said as "today", as a month of the plan is named.
    data = org(**{"segments.0.tier": "enterprise", "segments.0.headcount.csm": 0})
    data["segments"][0].pop("pods", None)
    found = result(run(data), "POD202", "mm")
    assert found.message == "no CSMs in an enterprise segment today: there is no one to pair with"


def test_pod206_trailing_ratio_from_history():
    # "a 12-month trailing AE-to-CSM ratio no worse than 1.2:1"
    history = [{"months_ago": 3, "ae": 6, "csm": 4}, {"months_ago": 12, "ae": 6, "csm": 4}]
    report = run(org(**{"segments.0.history": history}))
    assert result(report, "POD206", "mm").status == "fail"
    assert report.verdict == "no-go"


def test_pod303_expansion_must_be_joint():
    # AEs own "expansion deals within the book"; expansion renewals are "a joint process"
    for owner, status in (("joint", "pass"), ("csm", "fail"), ("ae", "fail")):
        report = run(org(**{"policies.renewal_ownership.expansion": owner}))
        assert result(report, "POD303").status == status


def test_pod304_attribution_rules_for_comp():
    report = run(org(**{"policies.renewal_ownership.expansion_attribution": None}))
    assert result(report, "POD304").status == "fail"


def test_pod321_net_revenue_retention_is_nrr():
    # Revision 3 moved this check (and its name, shared-nrr) to POD322.
    data = org(
        **{"policies.comp": {"ae_metrics": ["net_revenue_retention"], "csm_metrics": ["NRR"]}}
    )
    assert result(run(data), "POD322").status == "pass"
    assert result(run(data), "POD321").status == "pass"


def test_pod402_ten_pods_are_not_under_8_to_10():
    data = org(**{"segments.0.pods": None, "segments.0.pod_count": 10})
    assert result(run(data), "POD402").status == "fail"


def test_pod403_org_wide_launch_without_a_pilot_is_no_go():
    # "Don't launch pods across all segments simultaneously"
    report = run(org(**{"org.rollout": "org-wide"}))
    assert result(report, "POD403").status == "fail"
    assert result(report, "POD403").severity == "error"
    assert report.verdict == "no-go"


def test_pod405_and_pod406_pilot_criteria_are_for_the_pilot_group():
    # A correct 4-pod pilot inside a larger, overloaded segment: go, with scale-up warned.
    data = org(
        **{
            "segments.0.accounts": 400,
            "segments.0.headcount": {"ae": 8, "csm": 8},
            **THREE_PILOT_PODS,
            "segments.0.pods.3.pilot": True,
        }
    )
    report = run(data)
    assert report.verdict == "go"
    assert report.segments[0].cohort == ("p1", "p2", "p3", "p4")
    assert result(report, "POD103", "mm").status == "pass"
    blocked = result(report, "POD405", "mm")
    assert blocked.status == "fail" and "POD103 50 accounts per CSM" in blocked.message
    assert result(report, "POD406").status == "pass"


def test_pod601_the_default_hybrid_is_not_a_maze():
    # "pods for enterprise, pool for SMB, swarm elements for the most strategic accounts"
    data = org(
        **{
            "segments.0.tier": "enterprise",
            "segments.1": {
                "id": "smb",
                "tier": "smb",
                "model": "pool",
                "acv": 9000,
                "accounts": 900,
                "headcount": {"ae": 6, "csm": 10},
            },
            "segments.2": {
                "id": "strategic",
                "tier": "strategic",
                "model": "swarm",
                "acv": 400000,
                "accounts": 12,
                "headcount": {"ae": 2, "csm": 3},
            },
        }
    )
    report = run(data)
    assert result(report, "POD601").status == "pass"
    assert report.verdict == "go"


def test_recommendation_is_structural():
    # Strategic gets "swarm elements"; no $10K line exists; fixable defects never say "abandon".
    data = org(
        **{
            "segments.0.pods": [
                {"id": "p1", "ae": 1, "csm": 1, "accounts": 25},
                {"id": "p2", "ae": 1, "csm": 1, "accounts": 25},
            ],
            "segments.0.hiring_plan": {"ae": 4, "csm": 0},
            "segments.1": {
                "id": "strategic",
                "tier": "strategic",
                "model": "pod",
                "acv": 400000,
                "accounts": 12,
                "headcount": {"ae": 2, "csm": 3},
                "hiring_plan": {"ae": 0, "csm": 0},
            },
            "segments.2": {
                "id": "tail",
                "tier": "smb",
                "model": "pool",
                "acv": 2000,
                "accounts": 900,
                "headcount": {"ae": 1, "csm": 4},
            },
        }
    )
    summaries = {s.id: s for s in run(data).segments}
    assert summaries["mm"].verdict == "no-go"
    assert summaries["mm"].recommended == "pod"  # two pilot pods and AE-heavy hiring are fixable
    assert summaries["strategic"].recommended == "swarm"
    assert (summaries["tail"].recommended, summaries["tail"].alternative) == ("pool", "ai-agent")


def test_pilot_decision_keeps_measuring_before_day_90():
    # "Success metrics to track in the first 90 days"
    results = {
        "days": 30,
        "handoff_quality": {"pilot": 8, "baseline": 6},
        "time_to_first_value_days": {"pilot": 60, "baseline": 80},
    }
    summary = run(org(**{"segments.0.pilot_results": results})).segments[0]
    assert summary.pilot is not None and summary.pilot.action == "keep-measuring"
