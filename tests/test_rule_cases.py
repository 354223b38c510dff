"""Each rule's cases, kept as data beside the catalogue: tests/rule_cases/<CODE>.yaml.

A case starts from the base org of conftest.py (a go org), applies `set` (dotted paths;
null deletes a key), judges it with the real loader and engine, and checks the one result
of the rule for `segment` and `pod` (org-scoped rules: neither). Rules on account exports
take an `export`: groups of accounts (`count` of them, with `pod`, `ae`, `csm`, `arr`, and
optionally `segment` and `renewal`), written as a CRM's CSV and read like one. `message` is compared
whole, `contains` as a part; `actual` as the unit writes it; `verdict` is the file's.
Adding a rule means adding its case file: a test below fails until it exists.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

import pytest

from conftest import CATALOGUE, dump_yaml, load_yaml, org, result, run
from podcheck.accounts import export as accounts
from podcheck.core import units
from podcheck.judge.report import FileReport
from podcheck.orgfile.loader import load_org
from podcheck.run import session

CASES = Path(__file__).resolve().parent / "rule_cases"
BY_CODE = {rule.code: rule for rule in CATALOGUE}


@functools.cache
def _case_file(path: Path) -> Any:
    return load_yaml(path.read_text(encoding="utf-8"))


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in _case_file(path)["cases"]:
            found.append(pytest.param(path.stem, case, id=f"{path.stem}-{case['name']}"))
    return found


def test_every_rule_has_a_case_file_with_a_pass_and_a_fail():
    for rule in CATALOGUE:
        path = CASES / f"{rule.code}.yaml"
        assert path.is_file(), f"{rule.code} has no case file"
        statuses = {case["status"] for case in _case_file(path)["cases"]}
        assert {"pass", "fail"} <= statuses, f"{rule.code} needs a passing and a failing case"
    assert {path.stem for path in CASES.glob("*.yaml")} == set(BY_CODE)


HEADER = [
    "Account ID",
    "Account Name",
    "Account Owner",
    "Customer Success Manager",
    "Segment",
    "Pod",
    "Annual Recurring Revenue",
    "Renewal Date",
]


def _export_csv(groups: list[dict[str, Any]], path: Path) -> Path:
    rows = [HEADER]
    for group in groups:
        for _ in range(group["count"]):
            number = len(rows)
            rows.append(
                [
                    f"A{number:05d}",
                    f"Account {number}",
                    group.get("ae", ""),
                    group.get("csm", ""),
                    group.get("segment", "mm"),
                    group["pod"],
                    str(group.get("arr", 50000)),
                    str(group.get("renewal", "")),
                ]
            )
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return path


def _judge(case: dict[str, Any], tmp_path: Path, code: str) -> FileReport:
    data = org(**(case.get("set") or {}))
    if "export" not in case:
        if "threshold" not in case:
            return run(data)
        # The bar a config sets, read as the config reads it.
        from dataclasses import replace

        bar = units.threshold(BY_CODE[code].unit, case["threshold"])
        return run(data, [replace(r, threshold=bar) if r.code == code else r for r in CATALOGUE])
    export = _export_csv(case["export"], tmp_path / "accounts.csv")
    tally = accounts.read_export(str(export), accounts.ExportOptions())
    loaded = load_org("org.yaml", dump_yaml(data, sort_keys=False))
    report, _ = session.evaluate_with_export(loaded, CATALOGUE, (), tally)
    assert report.errors == (), report.errors
    return report


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path):
    allowed = {
        "name",
        "set",
        "export",
        "segment",
        "pod",
        "status",
        "message",
        "contains",
        "actual",
        "verdict",
        "threshold",
    }
    assert set(case) <= allowed, f"unknown keys {set(case) - allowed}"
    report = _judge(case, tmp_path, code)
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
