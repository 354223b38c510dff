"""Each rule's cases, kept as data beside the catalogue: tests/rule_cases/<CODE>.yaml.

A case starts from the base org of conftest.py (a go org), applies `set` (dotted paths;
null deletes a key), judges it with the real loader and engine, and checks the one result
of the rule for `segment` and `pod` (org-scoped rules: neither). `message` is compared
whole, `contains` as a part; `actual` as the unit writes it; `verdict` is the file's.
Adding a rule means adding its case file: a test below fails until it exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CATALOGUE, org, result, run
from podcheck import units

CASES = Path(__file__).resolve().parent / "rule_cases"
BY_CODE = {rule.code: rule for rule in CATALOGUE}


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            found.append(pytest.param(path.stem, case, id=f"{path.stem}-{case['name']}"))
    return found


def test_every_rule_has_a_case_file_with_a_pass_and_a_fail():
    for rule in CATALOGUE:
        path = CASES / f"{rule.code}.yaml"
        assert path.is_file(), f"{rule.code} has no case file"
        statuses = {case["status"] for case in yaml.safe_load(path.read_text())["cases"]}
        assert {"pass", "fail"} <= statuses, f"{rule.code} needs a passing and a failing case"
    assert {path.stem for path in CASES.glob("*.yaml")} == set(BY_CODE)


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict[str, Any]):
    allowed = {
        "name",
        "set",
        "segment",
        "pod",
        "status",
        "message",
        "contains",
        "actual",
        "verdict",
    }
    assert set(case) <= allowed, f"unknown keys {set(case) - allowed}"
    report = run(org(**(case.get("set") or {})))
    found = result(report, code, case.get("segment"), case.get("pod"))
    assert found.status == case["status"], found.message
    if "message" in case:
        assert found.message == case["message"]
    for part in case.get("contains", ()):
        assert part in found.message, found.message
    if "actual" in case:
        assert units.write(found.unit, found.actual) == case["actual"]
    if "verdict" in case:
        assert report.verdict == case["verdict"]
