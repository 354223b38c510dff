"""Pods the plan forms carry a real book, and a pilot in two segments is planned as one."""

from pathlib import Path

import yaml

from conftest import CliRunner
from podcheck.cli.app import app

POLICIES = """policies:
  renewal_ownership: {written: true, process_owner: csm, commercial_owner: ae, expansion: joint}
  coverage_plan: {documented: true, backup: cross-pod}
  comp: {ae_metrics: [new_arr, nrr], csm_metrics: [nrr]}
"""

ENTERPRISE = """  - id: enterprise
    tier: enterprise
    model: pod
    acv: 90000
    accounts: {accounts}
    headcount: {{ae: 3, csm: 3}}
    hiring_plan: {{ae: 0, csm: 0}}
    pods:
      - {{id: ent-1, ae: 1, csm: 1, accounts: 20}}
      - {{id: ent-2, ae: 1, csm: 1, accounts: 20}}
"""


def _org(name: str, segments: str) -> str:
    return f"version: 1\norg: {{name: {name}, rollout: pilot}}\n{POLICIES}segments:\n{segments}"


def _write(tmp_path: Path, accounts: int) -> tuple[Path, Path]:
    source = tmp_path / "org.yaml"
    source.write_text(_org("Books", ENTERPRISE.format(accounts=accounts)))
    return source, tmp_path / "revised.yaml"


def test_a_formed_pod_gets_accounts_and_passes_its_load(tmp_path: Path) -> None:
    source, target = _write(tmp_path, 80)
    result = CliRunner().invoke(app, ["plan", str(source), "--write", str(target)])
    assert result.exit_code == 0, result.output
    pods = yaml.safe_load(target.read_text())["segments"][0]["pods"]
    new = pods[2]
    assert new["id"] == "enterprise-pod-3"
    assert 0 < new["accounts"] < 35
    judged = CliRunner().invoke(app, ["evaluate", str(target), "--format", "json"])
    report = yaml.safe_load(judged.output)
    load = [
        r
        for r in report["files"][0]["results"]
        if r["rule"] == "POD103" and r.get("pod") == "enterprise-pod-3"
    ]
    assert [r["status"] for r in load] == ["pass"]


def test_the_new_pods_books_come_from_the_largest_books_when_none_are_outside(
    tmp_path: Path,
) -> None:
    # 40 accounts, all in the two pods: the third pod takes from them, evenly.
    source, target = _write(tmp_path, 40)
    result = CliRunner().invoke(app, ["plan", str(source), "--write", str(target)])
    assert result.exit_code == 0, result.output
    pods = yaml.safe_load(target.read_text())["segments"][0]["pods"]
    assert sorted(p["accounts"] for p in pods) == [13, 13, 14]
    assert sum(p["accounts"] for p in pods) == 40
