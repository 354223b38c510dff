"""Each pod segment's economics (economics.md), checked against the formulas by hand."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from conftest import CATALOGUE, org, run
from podcheck.judge.report import Report
from podcheck.render.economics_view import dollars, sentence, share_text, whole_dollars
from podcheck.render.formats import RenderOptions, render

COSTS = {"ae": "$210K", "csm": "$135,000.50", "se": "$190K"}


def economics(data):
    return run(data).segments[0].economics


def test_without_costs_there_are_no_figures_anywhere():
    report = run(org())
    assert report.segments[0].economics is None
    whole = Report(files=(report,), rules=CATALOGUE)
    data = json.loads(render("json", whole, RenderOptions()))
    assert "economics" not in data["files"][0]["segments"][0]
    assert "economics" not in render("terminal", whole, RenderOptions())
    assert "per CSM" not in render("markdown", whole, RenderOptions())


def test_the_figures_follow_the_formulas_exactly():
    found = economics(org(costs=COSTS))
    ae, csm = Fraction(210_000), Fraction("135000.50")
    arr = 4 * 1_000_000  # every listed pod states its ARR
    assert found.arr == arr and found.arr_source == "pods"
    assert found.arr_per_csm == Fraction(arr, 4)
    assert found.people_cost == 4 * ae + 4 * csm
    assert found.csm_cost_share == 4 * csm / arr
    assert found.cost_per_pod == ae + csm
    assert found.absent == () and found.missing_roles == ()


def test_arr_falls_back_to_accounts_times_acv_when_a_pod_states_none():
    found = economics(
        org(costs=COSTS, **{"segments.0.pods.2.arr": None, "segments.0.acv": "$50,000.25"})
    )
    assert found.arr_source == "accounts"
    assert found.arr == 100 * Fraction("50000.25")
    assert found.arr_per_csm == 100 * Fraction("50000.25") / 4


def test_a_segment_overrides_the_org_cost():
    found = economics(org(costs=COSTS, **{"segments.0.costs": {"csm": 150000}}))
    assert found.people_cost == 4 * 210_000 + 4 * 150_000
    assert found.csm_cost_share == Fraction(4 * 150_000, 4_000_000)


def test_third_roles_are_priced_where_stated_and_named_where_not():
    data = org(
        costs=COSTS,
        **{
            "segments.0.headcount": {"ae": 4, "csm": 4, "se": 2, "sdr": 1},
            "segments.0.pods.0.se": 1,
            "segments.0.pods.1.se": 1,
        },
    )
    found = economics(data)
    # No cost for sdr: the headcount cannot be priced, and the figure says why.
    assert found.people_cost is None
    assert found.missing_roles == ("sdr",)
    assert dict(found.absent)["people_cost"] == "no cost stated for sdr"
    # One pod: an AE, a CSM, and the SEs the pods state at their average per pod (2 of 4).
    assert found.cost_per_pod == 210_000 + Fraction("135000.50") + Fraction(2, 4) * 190_000
    priced = economics({**data, "costs": {**COSTS, "sdr": "95K"}})
    assert priced.people_cost == 4 * 210_000 + 4 * Fraction("135000.50") + 2 * 190_000 + 95_000


def test_a_missing_role_is_never_priced_at_zero():
    found = economics(org(costs={"ae": 200000}))
    assert found.people_cost is None and found.cost_per_pod is None
    assert found.csm_cost_share is None
    assert found.missing_roles == ("csm",)
    line = sentence(found)
    assert "people cost not priced (no cost stated for csm)" in line
    assert "$0" not in line


def test_no_csm_leaves_arr_per_csm_out_with_the_reason():
    found = economics(
        org(costs=COSTS, **{"segments.0.pods": None, "segments.0.headcount": {"ae": 2, "csm": 0}})
    )
    assert found.arr_per_csm is None
    assert dict(found.absent)["arr_per_csm"] == "no CSM to divide by"
    assert found.csm_cost_share == 0


def test_non_pod_segments_have_no_figures():
    report = run(org(costs=COSTS, **{"segments.0.model": "pool"}))
    assert report.segments[0].economics is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(1, 2), 1),
        (Fraction(-1, 2), -1),
        (Fraction(149, 100), 1),
        (Fraction(2_000_001, 2), 1_000_001),
        (12, 12),
    ],
)
def test_money_is_rounded_to_whole_dollars_only_when_shown(value, shown):
    assert whole_dollars(value) == shown


def test_shown_money_and_shares():
    assert dollars(Fraction(2_180_001, 2)) == "$1,090,001"
    assert dollars(-12_000) == "-$12,000"
    assert share_text(Fraction(540_000, 6_400_000)) == "8.4%"
    assert share_text(Fraction(1, 8)) == "12.5%"


def test_every_human_format_shows_one_line_per_segment():
    report = run(org(costs=COSTS))
    whole = Report(files=(report,), rules=CATALOGUE)
    expected = (
        "ARR $4,000,000 (pods' ARR) · $1,000,000 per CSM · people cost $1,380,002 a year · "
        "CSM cost 13.5% of ARR · $345,001 per pod"
    )
    assert sentence(report.segments[0].economics) == expected
    terminal = render("terminal", whole, RenderOptions(width=400))
    assert terminal.count("economics: " + expected) == 1
    assert "The cost counts people only" in terminal
    markdown = render("markdown", whole, RenderOptions())
    assert markdown.count("$1,380,002 a year") == 1
    data = json.loads(render("json", whole, RenderOptions()))
    assert data["files"][0]["segments"][0]["economics"] == {
        "arr": 4_000_000,
        "arr_source": "pods",
        "arr_per_csm": 1_000_000,
        "people_cost": 1_380_002,
        "csm_cost_share": 0.135,
        "cost_per_pod": 345000.5,
        "missing_roles": [],
        "absent": [],
    }


def test_the_review_pack_has_a_what_go_costs_box_only_with_costs():
    from conftest import ROOT, review_pack

    costed = review_pack(ROOT / "examples" / "contoso-enterprise-no-go.yaml").report_html
    assert costed.count("What go costs") == 1
    # The required plan (hire): three CSMs at launch ($135K each) and one more CSM hire in
    # the 12-month totals (13/24 of a year): 3 × 135,000 + 73,125 in the first year.
    assert "Required changes: $478,125 in the first year, $540,000 a year" in costed
    assert "$3,024,000 ARR per CSM, people cost $2,180,000 a year, CSM cost 4.5% of ARR" in costed
    assert "people only" in costed
    plain = review_pack(ROOT / "examples" / "northwind-pilot-go.yaml").report_html
    assert "What go costs" not in plain and "people only" not in plain
