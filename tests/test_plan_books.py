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


MID_MARKET = """  - id: mid-market
    tier: mid-market
    model: pod
    acv: 45000
    accounts: 200
    headcount: {ae: 6, csm: 6}
    hiring_plan: {ae: 0, csm: 0}
    pods:
      - {id: mm-1, ae: 1, csm: 1, accounts: 30, pilot: true}
      - {id: mm-2, ae: 1, csm: 1, accounts: 30, pilot: true}
      - {id: mm-3, ae: 1, csm: 1, accounts: 30, pilot: true}
"""

# Enterprise pods unmarked, two of them, one without a CSM: before the fix the plan formed a
# third enterprise pod and staffed ent-1, growing a second pilot.
ENTERPRISE_SHORT = """  - id: enterprise
    tier: enterprise
    model: pod
    acv: 90000
    accounts: 80
    headcount: {ae: 3, csm: 2}
    hiring_plan: {ae: 0, csm: 0}
    pods:
      - {id: ent-1, ae: 1, csm: 0, accounts: 20}
      - {id: ent-2, ae: 1, csm: 1, accounts: 20}
"""

KEPT = "keep mid-market as the pilot"


def _two_segments(tmp_path: Path) -> Path:
    source = tmp_path / "two.yaml"
    source.write_text(_org("Two", MID_MARKET + ENTERPRISE_SHORT))
    return source


def test_a_pilot_in_two_segments_plans_nothing_for_the_segment_that_waits(
    tmp_path: Path,
) -> None:
    source = _two_segments(tmp_path)
    result = CliRunner().invoke(app, ["plan", str(source), "--format", "json"])
    assert result.exit_code == 1, result.output
    (plan,) = yaml.safe_load(result.output)["files"]
    assert [c for c in plan["changes"] if c["segment"] == "enterprise"] == []
    assert [c for c in plan["recommended"] if c["segment"] == "enterprise"] == []
    first = plan["todo"][0]
    assert first["segment"] is None
    assert KEPT in first["message"] and "enterprise waits" in first["message"]
    assert plan["verdict_after"] == "no-go"


def test_the_rollout_to_do_comes_first_in_every_output(tmp_path: Path) -> None:
    source = _two_segments(tmp_path)
    terminal = CliRunner().invoke(app, ["plan", str(source)]).output
    lines = [line for line in terminal.splitlines()[1:] if line.strip()]
    assert lines[0].strip().startswith("first, to do:") and KEPT in lines[0]
    markdown = CliRunner().invoke(app, ["plan", str(source), "--format", "markdown"]).output
    body = markdown.split("NO-GO → NO-GO", 1)[1]
    assert body.index(KEPT) < min(
        (body.index(mark) for mark in ("| segment |", "To do") if mark in body),
        default=len(body),
    )
    evaluated = CliRunner().invoke(app, ["evaluate", str(source)]).output
    reach = " ".join(evaluated.split("To reach go", 1)[1].split())
    assert reach.startswith("- first, to do: POD406") and KEPT in reach.split(" - ", 1)[0]
    report = tmp_path / "report.html"
    CliRunner().invoke(app, ["report", str(source), "-o", str(report)])
    html = report.read_text()
    reach = html[html.index("To reach go") :]
    assert "<li>first, to do: POD406" in reach.split("</li>", 1)[0] + "</li>"


def test_the_plan_sheet_lists_the_to_dos(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    source = _two_segments(tmp_path)
    target = tmp_path / "plan.xlsx"
    CliRunner().invoke(app, ["plan", str(source), "-f", "xlsx", "-o", str(target)])
    rows = list(load_workbook(target)["plan"].iter_rows(values_only=True))
    header = rows[0]
    kinds = [row[header.index("kind")] for row in rows[1:]]
    assert kinds and kinds[0] == "to-do"
    assert KEPT in rows[1][header.index("message")]


def test_a_write_that_changes_nothing_says_so(tmp_path: Path) -> None:
    # Northwind with its export: the plan's changes are account moves, made in the CRM,
    # and to-dos; the file written is the file as it was, and the run says so.
    examples = Path(__file__).resolve().parents[1] / "examples"
    target = tmp_path / "revised.yaml"
    org, export = examples / "northwind-pilot-go.yaml", examples / "northwind-accounts.csv"
    result = CliRunner().invoke(
        app, ["plan", str(org), "--accounts", str(export), "--write", str(target)]
    )
    assert result.exit_code == 1, result.output
    assert target.read_bytes() == org.read_bytes()
    assert f"{target}: the file as it was: none of the plan's changes" in result.stderr
    # A write that changes the file says nothing of the kind.
    source, changed = _write(tmp_path, 80)
    done = CliRunner().invoke(app, ["plan", str(source), "--write", str(changed)])
    assert done.exit_code == 0 and "the file as it was" not in done.stderr
