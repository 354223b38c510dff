"""`costs` in the org file: what each role costs, validated like every other value."""

from __future__ import annotations

from fractions import Fraction

import pytest
import yaml

from conftest import ROOT, org
from podcheck.core.errors import InputErrors
from podcheck.orgfile.loader import load_org
from podcheck.orgfile.model import Costs
from podcheck.orgfile.schema import org_schema


def load(data: dict) -> object:
    return load_org("org.yaml", yaml.safe_dump(data, sort_keys=False)).org


def test_costs_are_optional_and_read_as_money():
    assert load(org()).costs is None
    stated = load(org(costs={"ae": "$210K", "csm": "135,000.50", "se": 190000}))
    assert stated.costs == Costs(ae=210_000, csm=Fraction("135000.50"), se=190_000)
    assert stated.costs.sdr is None


def test_a_segment_overrides_the_org_role_by_role():
    data = org(costs={"ae": "$210K", "csm": "$135K"}, **{"segments.0.costs": {"csm": "$150K"}})
    loaded = load(data)
    segment = loaded.segments[0]
    assert loaded.costs_of(segment) == Costs(ae=210_000, csm=150_000)
    # A segment alone may state costs; the org then has none to fall back on.
    only_segment = load(org(**{"segments.0.costs": {"csm": "$150K"}}))
    assert only_segment.costs_of(only_segment.segments[0]) == Costs(csm=150_000)
    assert only_segment.states_costs


@pytest.mark.parametrize(
    ("costs", "expected"),
    [
        ({"ae": -1}, "costs.ae: expected an amount >= 0, got -1"),
        ({"csm": "a lot"}, "costs.csm: expected an amount in USD such as 85000"),
        ({"cms": 1}, "costs: unknown key 'cms'; did you mean 'csm'?"),
        ({"manager": 1}, "costs: unknown key 'manager'"),
        ({"ae": "€200K"}, "costs.ae: expected an amount in USD"),
        ({"ae": True}, "costs.ae: expected an amount in USD"),
        ([100], "costs: expected a mapping"),
    ],
)
def test_bad_costs_are_one_located_line(costs, expected):
    with pytest.raises(InputErrors) as caught:
        load(org(costs=costs))
    errors = [str(e) for e in caught.value.errors]
    assert len(errors) == 1, errors
    assert errors[0].startswith("org.yaml:") and ": error: " + expected in errors[0], errors


def test_the_schema_describes_costs_at_both_levels():
    schema = org_schema()
    assert "costs" in schema["properties"]
    segment = schema["$defs"]["Segment"]["properties"]
    assert "costs" in segment
    costs = schema["$defs"]["Costs"]
    assert sorted(costs["properties"]) == ["ae", "csm", "sdr", "se"]
    assert costs["additionalProperties"] is False


def test_the_starter_states_costs_commented_out_and_they_load_when_uncommented():
    text = (ROOT / "src" / "podcheck" / "render" / "templates" / "starter.yaml").read_text()
    assert load_org("org.yaml", text).org.costs is None
    uncommented = text.replace("# costs:", "costs:")
    for role in ("ae", "csm", "se", "sdr"):
        uncommented = uncommented.replace(f"#   {role}:", f"  {role}:")
    assert load_org("org.yaml", uncommented).org.costs == Costs(
        ae=210_000, csm=135_000, se=190_000, sdr=95_000
    )


def test_an_example_states_costs():
    stated = [p for p in sorted((ROOT / "examples").glob("*.yaml")) if "\ncosts:" in p.read_text()]
    assert stated
    for path in stated:
        assert load_org(str(path), path.read_text()).org.costs is not None
