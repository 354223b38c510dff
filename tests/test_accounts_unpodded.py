"""Rows with an empty pod cell: a pool's accounts are in no pod, and a pod segment's
accounts not yet in a pod still count in the segment's figures. Neither is refused."""

from __future__ import annotations

from typing import Any

from conftest import CATALOGUE, result
from podcheck.judge.report import Report
from test_accounts_crm import crm_rows, go_org, judge, write_csv


def smb_pool_rows(count: int = 60) -> list[list[Any]]:
    """SMB accounts as Salesforce exports them for a pooled team: no pod, two CSMs."""
    return [
        [f"002{n:05d}", f"Small Co {n}", "AE Pool", f"Pool CSM {n % 3}", "SMB", "", "$8,400.00", ""]
        for n in range(count)
    ]


def with_smb_pool(data: dict[str, Any]) -> dict[str, Any]:
    smb = {
        "id": "smb",
        "name": "SMB",
        "tier": "smb",
        "model": "pool",
        "acv": 8400,
        "accounts": 60,
        "headcount": {"ae": 1, "csm": 3},
    }
    data["segments"].append(smb)
    return data


def test_smb_pool_rows_without_a_pod_are_read_and_the_verdict_is_not_incomplete(tmp_path):
    rows = crm_rows() + smb_pool_rows()
    export = write_csv(tmp_path / "books.csv", rows)
    report = judge(export, with_smb_pool(go_org()))
    assert report.errors == ()
    assert report.export is not None
    assert (report.export.rows, report.export.read, report.export.refused) == (360, 360, 0)
    whole = Report((report,), CATALOGUE)
    assert (report.verdict, whole.verdict, whole.exit_code) == ("go", "go", 0)
    # The mid-market pods are judged as before, from their own rows only.
    load = result(report, "POD701", "mid-market", "p1")
    assert load.message == "the heaviest CSM, CSM 1, carries 25 accounts, under 35"


def test_a_pod_segments_rows_in_no_pod_count_in_its_figures_and_in_no_pod(tmp_path):
    rows = crm_rows()
    # Five new mid-market accounts not yet placed in a pod, two of them with no CSM.
    for n in range(5):
        csm = "CSM 1" if n < 3 else ""
        rows.append([f"003{n:05d}", f"New Co {n}", "AE 1", csm, "Mid Market", " ", "$45,000", ""])
    report = judge(write_csv(tmp_path / "books.csv", rows))
    assert report.errors == ()
    assert report.export is not None and report.export.refused == 0
    assert report.verdict != "incomplete"
    # Counted where a rule reads the segment: accounts nobody covers, the CSM's load, the
    # account count against the org file's.
    uncovered = result(report, "POD704", "mid-market")
    assert (uncovered.status, uncovered.message) == (
        "fail",
        "2 of 305 accounts have no CSM (row 305, row 306)",
    )
    # CSM 1's load is counted over the whole export: p1's 25 and the 3 in no pod.
    load = result(report, "POD701", "mid-market", "p1")
    assert load.message == "the heaviest CSM, CSM 1, carries 28 accounts, under 35"
    paired = result(report, "POD705", "mid-market")
    assert paired.message == "0 of 303 paired accounts (0%) cross pods, within 10%"
    stated = result(report, "POD707", "mid-market")
    assert stated.message.startswith("the export counts 305 accounts, the org file states 300")
    # ... and in no pod: p1's book is its 25 accounts, nothing under an empty name.
    assert result(report, "POD704", "mid-market", "p1").message == "all 25 accounts have a CSM"
    assert [r.pod for r in report.results if r.rule == "POD701" and r.pod is not None] == [
        f"p{i}" for i in range(1, 13)
    ]


def test_plan_moves_off_a_csm_whose_accounts_are_in_no_pod_say_so(tmp_path):
    from typer.testing import CliRunner

    from podcheck.cli.app import app
    from test_accounts_crm import write_org

    rows = crm_rows()
    for n in range(36):  # a CSM over the bar whose accounts are in no pod yet
        rows.append(
            [f"003{n:05d}", f"New Co {n}", "AE 1", "CSM New", "Mid Market", "", "$45,000", ""]
        )
    export = write_csv(tmp_path / "books.csv", rows)
    done = CliRunner().invoke(app, ["plan", str(write_org(tmp_path)), "--accounts", str(export)])
    moves = [line for line in done.stdout.splitlines() if "from CSM New" in line]
    assert len(moves) == 2  # 36 accounts, 34 kept under the bar of 35
    assert all("from CSM New (no pod) to CSM " in line for line in moves)
    assert "()" not in done.stdout
