"""The base org every rule test starts from must itself be go, or the rule tests prove nothing."""

from conftest import BASE_ORG, run


def test_base_org_is_go_with_no_failures():
    report = run(BASE_ORG)
    assert report.verdict == "go"
    assert [r.rule for r in report.results if r.failed] == []
    assert report.segments[0].score == 100
