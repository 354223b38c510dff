"""Property tests: the money parser, exact ratio arithmetic, and the engine on random orgs."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CATALOGUE, dump_yaml, org
from podcheck.core import numbers
from podcheck.core.errors import InputErrors
from podcheck.judge.engine import evaluate
from podcheck.metrics import Subject, projection
from podcheck.metrics.ratio import ae_csm_ratio
from podcheck.orgfile.loader import load_org
from podcheck.orgfile.model import Headcount, HiringMonth, HiringTotals

amounts = st.integers(min_value=0, max_value=numbers.MAX_MONEY)


@given(amounts)
def test_money_plain_grouped_and_dollar_forms_agree(value):
    assert numbers.parse_money(value) == value
    assert numbers.parse_money(str(value)) == value
    assert numbers.parse_money(f"${value:,}") == value
    assert numbers.parse_money(f"{value:_}") == value


@given(amounts, st.sampled_from(["k", "K", "m", "M"]))
def test_money_suffixes_scale_exactly(value, suffix):
    scale = 1000 if suffix.lower() == "k" else 1_000_000
    if value * scale <= numbers.MAX_MONEY:
        assert numbers.parse_money(f"{value}{suffix}") == value * scale
    else:
        with pytest.raises(numbers.AmountError, match="up to \\$1,000,000,000,000"):
            numbers.parse_money(f"{value}{suffix}")


def test_money_above_a_trillion_is_refused_at_its_place():
    with pytest.raises(InputErrors) as caught:
        load_org("o.yaml", yaml.safe_dump(org(**{"segments.0.acv": "$1,000,000,000,001"})))
    assert [str(error) for error in caught.value.errors] == [
        "o.yaml:27:8: error: segments[0].acv: expected an amount up to $1,000,000,000,000, "
        "got $1,000,000,000,001"
    ]
    assert numbers.parse_money(numbers.MAX_MONEY) == numbers.MAX_MONEY


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=99))
def test_money_decimals_are_exact_and_format_round_trips(whole, cents):
    text = f"{whole}.{cents:02d}"
    assert numbers.parse_money(text) == Fraction(whole * 100 + cents, 100)
    assert numbers.parse_money(
        numbers.format_money(numbers.parse_money(text))
    ) == numbers.parse_money(text)


@given(
    st.integers(min_value=0, max_value=999_999),
    st.integers(min_value=0, max_value=9_999),
    st.sampled_from(["", "K", "M"]),
)
def test_money_with_decimals_is_exact_and_whole_amounts_are_ints(whole, decimals, suffix):
    text = f"{whole}.{decimals}{suffix}"
    scale = {"": 1, "K": 1000, "M": 1_000_000}[suffix]
    expected = Fraction(f"{whole}.{decimals}") * scale
    value = numbers.parse_money(text)
    assert value == expected
    # "1.2M" is a whole amount: an int, never a Fraction with denominator 1.
    assert type(value) is (int if expected.denominator == 1 else Fraction)


@given(st.text(max_size=20))
def test_money_parser_accepts_or_raises_amount_error_only(text):
    try:
        value = numbers.parse_money(text)
    except numbers.AmountError as exc:
        assert str(exc)
    else:
        assert value >= 0


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_ratio_at_the_boundary_is_exact(ae, csm):
    data = org(**{"segments.0.headcount": {"ae": ae, "csm": csm}, "segments.0.pods": None})
    loaded = load_org("o.yaml", dump_yaml(data))
    measured = ae_csm_ratio(Subject(loaded.org, loaded.org.segments[0], 0), {})
    assert measured.value == Fraction(ae, csm)
    assert (measured.value <= Fraction(6, 5)) == (ae * 5 <= csm * 6)


people = st.integers(min_value=0, max_value=40)
segments = st.fixed_dictionaries(
    {
        "tier": st.sampled_from(["smb", "mid-market", "enterprise", "strategic"]),
        "model": st.sampled_from(["pod", "pool", "swarm", "named", "ai-agent", "none"]),
        "acv": st.one_of(amounts, st.integers(0, 500).map(lambda k: f"${k}K")),
        "accounts": st.integers(min_value=0, max_value=2000),
        "headcount": st.fixed_dictionaries({"ae": people, "csm": people}),
    },
    optional={
        "onboarding_days": st.integers(0, 400),
        "hiring_plan": st.one_of(
            st.fixed_dictionaries({"ae": people, "csm": people}),
            st.lists(
                st.fixed_dictionaries(
                    {"month": st.integers(1, 24)}, optional={"ae": people, "csm": people}
                ),
                max_size=6,
            ),
        ),
        "pod_count": st.integers(0, 30),
        "pilot_results": st.fixed_dictionaries(
            {},
            optional={
                "days": st.integers(0, 400),
                "handoff_quality": st.fixed_dictionaries(
                    {"pilot": st.integers(0, 10), "baseline": st.integers(0, 10)}
                ),
                "time_to_first_value_days": st.fixed_dictionaries(
                    {"pilot": st.integers(0, 300), "baseline": st.integers(0, 300)}
                ),
                "csm_presales_pct": st.integers(0, 100),
                "ae_presales_pct": st.integers(0, 100),
            },
        ),
    },
)


@st.composite
def orgs(draw):
    drawn = draw(st.lists(segments, min_size=1, max_size=5))
    for index, segment in enumerate(drawn):
        segment["id"] = f"s{index}"
        head = segment["headcount"]
        pod_count = draw(st.integers(0, min(head["ae"], head["csm"], 4)))
        if pod_count and segment["accounts"] >= pod_count and draw(st.booleans()):
            segment["pods"] = [
                {
                    "id": f"s{index}-p{p}",
                    "ae": 1,
                    "csm": 1,
                    "accounts": segment["accounts"] // pod_count,
                    "arr": draw(st.integers(0, 5_000_000)),
                }
                for p in range(pod_count)
            ]
    data = org(segments=drawn)
    for key in draw(
        st.lists(
            st.sampled_from(["renewal_ownership", "coverage_plan", "comp", "collaboration_norms"]),
            unique=True,
        )
    ):
        del data["policies"][key]
    data["org"]["rollout"] = draw(st.sampled_from(["pilot", "org-wide"]))
    return data


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orgs())
def test_engine_never_raises_and_verdicts_agree_with_error_results(data):
    try:
        loaded = load_org("o.yaml", dump_yaml(data))
    except InputErrors:
        return
    report = evaluate(loaded, CATALOGUE)
    errors_failed = any(r.failed and r.severity == "error" for r in report.results)
    assert report.verdict == ("no-go" if errors_failed else "go")
    for summary in report.segments:
        own = [r for r in report.results if r.segment == summary.id]
        if summary.model == "pod":
            assert 0 <= summary.score <= 100
            blocked = any(r.failed and r.severity == "error" for r in own)
            assert summary.verdict == ("no-go" if blocked else "go")
            assert (summary.score == 100) == (
                not any(r.failed and r.severity in ("error", "warning") for r in own)
            )
        else:
            assert (summary.verdict, summary.score, own) == ("n/a", None, [])
        assert summary.recommended in {"pod", "ai-agent", "pool", "swarm", "named"}
    assert not [r for r in report.results if not r.message]


_BASE_SEGMENT = load_org("org.yaml", yaml.safe_dump(org())).org.segments[0]
_people = st.integers(min_value=0, max_value=30)
_plans = st.one_of(
    st.none(),
    st.builds(HiringTotals, ae=_people, csm=_people),
    st.lists(st.builds(HiringMonth, month=st.integers(1, 24), ae=_people, csm=_people), max_size=6),
)


@given(_people, _people, _plans, st.integers(1, 24))
def test_the_rules_ratios_agree_with_the_projection_month_by_month(ae, csm, plan, months):
    segment = dataclasses.replace(
        _BASE_SEGMENT, headcount=Headcount(ae=ae, csm=csm), hiring_plan=plan
    )
    expected = [(m.month, m.ratio) for m in projection.project(segment, months)]
    assert list(projection.ratios(segment, months)) == expected
    # The peak reads the plan's own span: 12 months, or to its last month (up to 24).
    span = 12 if not isinstance(plan, list) else min(max([12, *(e.month for e in plan)]), 24)
    span_ratios = [(m.month, m.ratio) for m in projection.project(segment, span)]
    empty = [month for month, ratio in span_ratios if ratio is None]
    if empty:
        assert projection.peak_ratio(segment) == (None, empty[0])
    else:
        worst = max(ratio for _, ratio in span_ratios)
        first = next(month for month, ratio in span_ratios if ratio == worst)
        assert projection.peak_ratio(segment) == (worst, first)
