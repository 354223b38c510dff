"""`podcheck plan` with an account export says what evaluate says: INCOMPLETE on books it
could not read, no account moves in a segment it takes out of pods, and no export rule
claimed by a change that does not fix it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, CliRunner
from podcheck.cli.app import app

runner = CliRunner()

BOOKS = "examples/northwind-accounts.csv"
WINGTIP = "examples/wingtip-pilot-cohort.yaml"
NORTHWIND = "examples/northwind-pilot-go.yaml"
TODAY = ["--today", "2026-12-03"]


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def invoke(*args: str):
    return runner.invoke(app, [*args, *TODAY])


def steps(out: str) -> list[str]:
    """The plan's required steps as the terminal prints them."""
    return [x[6:] for x in out.splitlines() if x.startswith("    - ") and "recommended:" not in x]


def reach(out: str) -> tuple[list[str], int]:
    """Evaluate's "To reach go" items and the "(N more)" it counts."""
    section = out.split("  To reach go\n", 1)[1].split("\n\n", 1)[0]
    items: list[str] = []
    for line in section.splitlines():
        if line.startswith("    - "):
            items.append(line[6:])
        else:
            items[-1] += " " + line.strip()
    more = re.search(r"for the rest \((\d+) more\)$", items[-1])
    if more is None:
        return items, 0
    return items[:-1], int(more.group(1))


# Bug: every export row refused, and the plan said GO / "nothing to change".


def test_a_plan_on_books_left_unread_says_incomplete_everywhere() -> None:
    args = ["plan", WINGTIP, "--accounts", BOOKS]
    terminal = invoke(*args)
    assert terminal.exit_code == 2
    head = terminal.stdout.splitlines()[0]
    assert head == f"{WINGTIP} · Wingtip Toys: INCOMPLETE"
    assert "nothing to change" not in terminal.stdout
    assert "GO" not in terminal.stdout.replace("INCOMPLETE", "")
    assert "116 of 116 export rows refused" in terminal.stdout
    data = json.loads(invoke(*args, "-f", "json").stdout)["files"][0]
    assert (data["verdict_before"], data["verdict_after"]) == ("incomplete", "incomplete")
    # The same word as evaluate's JSON.
    judged = json.loads(invoke("evaluate", WINGTIP, "--accounts", BOOKS, "-f", "json").stdout)
    assert judged["files"][0]["verdict"] == data["verdict_before"]
    markdown = invoke(*args, "-f", "markdown")
    assert markdown.exit_code == 2
    assert "Wingtip Toys: INCOMPLETE → INCOMPLETE" in markdown.stdout
    assert "Nothing to change." not in markdown.stdout


def test_a_plan_without_the_export_is_still_go() -> None:
    ran = invoke("plan", WINGTIP)
    assert ran.exit_code == 0
    assert ran.stdout.splitlines()[:2] == [
        f"{WINGTIP} · Wingtip Toys: GO",
        "  nothing to change: every rule at the gate passes",
    ]


# Bug: mid-market left pods (change-model) and the plan still moved its accounts.


@pytest.fixture
def higher_bars(tmp_path: Path) -> Path:
    config = tmp_path / "thr.yaml"
    config.write_text("rules: {POD101: {threshold: $50K}, POD103: {threshold: 25}}\n")
    return config


def test_no_account_moves_in_a_segment_the_plan_takes_out_of_pods(
    higher_bars: Path, tmp_path: Path
) -> None:
    args = ["plan", NORTHWIND, "-c", str(higher_bars), "--accounts", BOOKS]
    data = json.loads(invoke(*args, "-f", "json").stdout)["files"][0]
    assert [(c["kind"], c["segment"]) for c in data["changes"]] == [("change-model", "mid-market")]
    assert "POD701" in data["changes"][0]["rules"]
    assert (data["verdict_before"], data["verdict_after"], data["todo"]) == ("no-go", "go", [])
    terminal = invoke(*args)
    assert terminal.exit_code == 0
    planned = steps(terminal.stdout)
    assert len(planned) == 1 and "move row" not in terminal.stdout
    # Evaluate's way to go and the review pack list the same single step.
    judged = invoke("evaluate", NORTHWIND, "-c", str(higher_bars), "--accounts", BOOKS)
    items, more = reach(judged.stdout)
    assert (len(items) + more, items) == (1, planned)
    page = invoke("report", NORTHWIND, "-c", str(higher_bars), "--accounts", BOOKS, "-o", "-")
    assert "change mid-market&#39;s model from pod to pool" in page.stdout
    assert "move accounts from the CSMs over the load bar" not in page.stdout
    # The revised proposal is go with the export, as the plan said.
    revised = tmp_path / "revised.yaml"
    assert invoke(*args, "--write", str(revised)).exit_code == 0
    after = invoke("evaluate", str(revised), "-c", str(higher_bars), "--accounts", BOOKS)
    assert after.exit_code == 0, after.stdout


# Bug: a drafted pilot's cohort was said to fix the export's rules it still fails.


def test_a_change_lists_only_the_export_rules_it_fixes(tmp_path: Path) -> None:
    draft, revised = tmp_path / "d.yaml", tmp_path / "r.yaml"
    assert runner.invoke(app, ["init", str(draft), "--accounts", BOOKS]).exit_code == 0
    args = ["plan", str(draft), "--accounts", BOOKS]
    data = json.loads(invoke(*args, "-f", "json").stdout)["files"][0]
    marked = next(c for c in data["changes"] if c["kind"] == "mark-pilot")
    assert marked["rules"] == ["POD103", "POD203"]
    assert marked["message"].endswith("(POD103, POD203)")
    moves = [c for c in data["changes"] if c["kind"] == "move-account"]
    assert len(moves) == 2 and all(c["rules"] == ["POD701"] for c in moves)
    assert [t["message"] for t in data["todo"] if t["rule"] == "POD704"] == [
        "2 of 116 accounts have no CSM (row 91, row 92)",
        "mm-east: 2 of 28 accounts have no CSM (row 91, row 92)",
    ]
    assert data["verdict_after"] == "no-go"
    first = invoke(*args, "--write", str(revised))
    assert first.exit_code == 1
    # What the revised file still fails with the export is what the first plan left to do.
    judged = invoke("evaluate", str(revised), "--accounts", BOOKS, "-f", "json")
    failing = {
        (r["rule"], r["segment"])
        for r in json.loads(judged.stdout)["files"][0]["results"]
        if r["status"] == "fail" and r["severity"] == "error"
    }
    listed = {(t["rule"], t["segment"]) for t in data["todo"]}
    listed |= {(c["rules"][0], c["segment"]) for c in moves}
    assert failing == listed
    # Planning the revised file again adds no to-do the first plan did not have.
    again = json.loads(invoke("plan", str(revised), "--accounts", BOOKS, "-f", "json").stdout)
    assert again["files"][0]["todo"] == data["todo"]
    # Evaluate's way to go counts the plan's steps, its pending moves as one step.
    items, more = reach(invoke("evaluate", str(draft), "--accounts", BOOKS).stdout)
    planned = steps(invoke(*args).stdout)
    assert len(items) + more == len(planned) - len(moves) + 1


# Bug: the plan hired a CSM into mm-north and moved mm-north's accounts out to mm-west; and
# with --strategy rebalance moved two accounts to one pod in the file and to another in
# the CRM.


def _northwind(tmp_path: Path, *, rollout: str = "org-wide") -> str:
    """Northwind with mm-north's 36 accounts (as the export has them) in the file too."""
    text = (ROOT / NORTHWIND).read_text()
    text = text.replace("accounts: 112", "accounts: 120").replace(
        "rollout: pilot", f"rollout: {rollout}"
    )
    text = text.replace(
        "{id: mm-north, ae: 1, csm: 1, accounts: 28,", "{id: mm-north, ae: 1, csm: 1, accounts: 36,"
    )
    path = tmp_path / "northwind.yaml"
    path.write_text(text)
    return str(path)


def _moves(path: str, *options: str) -> tuple[list[dict], list[dict]]:
    done = invoke("plan", path, "--accounts", BOOKS, *options, "-f", "json")
    changes = json.loads(done.stdout)["files"][0]["changes"]
    return [c for c in changes if c["kind"] == "move-account"], changes


def test_the_accounts_go_to_the_csm_the_plan_hires_in_their_pod(tmp_path: Path) -> None:
    path = _northwind(tmp_path)
    moves, changes = _moves(path)
    hire = [c for c in changes if c["kind"] == "launch-csm"]
    assert [(c["pod"], c["count"]) for c in hire] == [("mm-north", 1)]
    # The hire takes an even share of the pod's book, as the plan's "18 accounts per CSM"
    # says: 18 of Priya Shah's 36, the smaller ones (she keeps her largest).
    assert len(moves) == 18
    assert {(m["pod"], m["before"], m["after"]) for m in moves} == {
        ("mm-north", "Priya Shah", "the new CSM")
    }
    assert all("changes pods" not in m["message"] for m in moves)
    printed = invoke("plan", path, "--accounts", BOOKS).stdout
    assert "launch pod mm-north with 1 more CSM: 1 → 2 (POD103: 18 accounts per CSM)" in printed
    assert (
        "move row 2 ($38,000) from Priya Shah (mm-north) to the new CSM for mm-north\n" in printed
    )
    assert "row 12 ($77,170)" not in printed
    assert "mm-west" not in printed


def test_the_crm_moves_follow_the_plans_moves_between_pods(tmp_path: Path) -> None:
    moves, changes = _moves(_northwind(tmp_path), "--strategy", "rebalance")
    between = [c for c in changes if c["kind"] == "move-accounts"]
    assert [(c["pod"], c["count"]) for c in between] == [("mm-north", 2)]
    assert "to pod mm-east" in between[0]["message"]  # the roomiest pod
    assert [(m["before"], m["after"]) for m in moves] == [("Priya Shah", "Sam Patel")] * 2
    assert all("to Sam Patel (mm-east)" in m["message"] for m in moves)


# Bug: a CSM over the bar with accounts in a pool too: each segment's moves saw her under
# it, the plan moved nothing, dropped POD701's to-do and said GO with exit 0.

_THREE_PODS = """version: 1
org: {name: Test Org, rollout: pilot, ratio_review_months: 6}
policies:
  renewal_ownership: {written: true, document: https://wiki.example.com/x, process_owner: csm,
    commercial_owner: ae, expansion: joint, expansion_attribution: true}
  coverage_plan: {documented: true, backup: cross-pod}
  comp: {ae_metrics: [new_arr, NRR], csm_metrics: [nrr, gross_retention]}
  collaboration_norms: [weekly_sync, shared_account_notes, late_stage_attendance]
segments:
  - id: mid-market
    tier: mid-market
    model: pod
    acv: 48000
    accounts: 90
    onboarding_days: 100
    headcount: {ae: 3, csm: 3}
    hiring_plan: {ae: 0, csm: 0}
    pods:
      - {id: p1, name: North, ae: 1, csm: 1, accounts: 30}
      - {id: p2, ae: 1, csm: 1, accounts: 30}
      - {id: p3, ae: 1, csm: 1, accounts: 30}
  - id: smb
    tier: smb
    model: pool
    acv: 9000
    accounts: 30
    headcount: {ae: 1, csm: 1}
"""


def _books(path: Path, rows: list[tuple[str, str, str, int]]) -> str:
    lines = ["Account Name,Customer Success Manager,Segment,Pod,Annual Recurring Revenue"]
    for csm, segment, pod, count in rows:
        lines += [f"{csm}-{pod}-{i},{csm},{segment},{pod},48000" for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_a_load_held_up_by_pool_accounts_is_moved_or_stays_a_to_do(tmp_path: Path) -> None:
    org = tmp_path / "org.yaml"
    org.write_text(_THREE_PODS)
    books = [("Ann", "mid-market", "p1", 30), ("Bob", "mid-market", "p2", 30)]
    books += [("Cy", "mid-market", "p3", 30), ("Ann", "smb", "", 30)]
    export = _books(tmp_path / "a.csv", books)
    assert invoke("evaluate", str(org), "--accounts", export).exit_code == 1
    planned = invoke("plan", str(org), "--accounts", export, "-f", "json")
    found = json.loads(planned.stdout)["files"][0]
    # Ann's 60 down to 34: 8 of her pod accounts to Bob and Cy, and a hire for the rest.
    moved = [c for c in found["changes"] if c["kind"] == "move-account"]
    assert len(moved) == 8 and {c["before"] for c in moved} == {"Ann"}
    hire = [c["message"] for c in found["changes"] if c["kind"] == "launch-csm"]
    assert hire == ["hire 1 CSM for pod p1 (22 → 11 accounts per CSM)"]
    # The hire is counted in the segment's totals as in its changes.
    assert [(t["segment"], t["csm_before"], t["csm_after"]) for t in found["totals"]] == [
        ("mid-market", 3, 4)
    ]
    # --write writes the headcount the totals say: the hire in p1 and the segment.
    revised = tmp_path / "revised.yaml"
    invoke("plan", str(org), "--accounts", export, "--write", str(revised))
    written = yaml.safe_load(revised.read_text())["segments"][0]
    assert written["headcount"]["csm"] == 4 and written["pods"][0]["csm"] == 2
    # With 40 accounts in the pool, no move in the pods brings her under: a to-do, NO-GO.
    export = _books(tmp_path / "b.csv", [*books[:3], ("Ann", "smb", "", 40)])
    planned = invoke("plan", str(org), "--accounts", export)
    assert planned.exit_code == 1
    assert "with these changes the proposal would still be NO-GO" in planned.stdout
    assert "POD701 Ann carries 70 accounts, 40 of them outside the pod segments" in planned.stdout
    assert "move row" not in planned.stdout


def test_a_hire_for_accounts_in_no_pod_says_so(tmp_path: Path) -> None:
    org = tmp_path / "org.yaml"
    org.write_text(_THREE_PODS)
    books = [("Ann", "mid-market", "p1", 30), ("Bob", "mid-market", "p2", 30)]
    books += [("Cy", "mid-market", "p3", 30), ("Zed", "mid-market", "", 58)]
    printed = invoke("plan", str(org), "--accounts", _books(tmp_path / "a.csv", books)).stdout
    assert "hire 1 CSM for mid-market's accounts in no pod (46 → 23 accounts per CSM)" in printed
    assert "move row 92 ($48,000) from Zed (no pod) to Ann (p1)\n" in printed
    assert "for pod  (" not in printed


def test_moves_read_the_pods_as_the_export_is_measured(tmp_path: Path) -> None:
    # The CRM calls p1 "North" (the pod's name in the file): a move to the CSM the plan
    # hires for p1 stays in the pod, with no AE handover.
    org = tmp_path / "org.yaml"
    org.write_text(_THREE_PODS.replace("rollout: pilot", "rollout: org-wide"))
    books = [("Ann", "mid-market", "North", 36), ("Bob", "mid-market", "p2", 30)]
    books += [("Cy", "mid-market", "p3", 24)]
    export = _books(tmp_path / "a.csv", books)
    data = org.read_text().replace(
        "{id: p1, name: North, ae: 1, csm: 1, accounts: 30}",
        "{id: p1, name: North, ae: 1, csm: 1, accounts: 36}",
    )
    org.write_text(data.replace("accounts: 90", "accounts: 96"))
    planned = invoke("plan", str(org), "--accounts", export)
    lines = [line for line in steps(planned.stdout) if line.startswith("move ")]
    assert lines and all(line.endswith("to the new CSM for p1") for line in lines), lines
    assert all("(North)" not in line and "changes pods" not in line for line in lines)


def test_a_csm_named_like_a_hire_is_told_apart(tmp_path: Path) -> None:
    # A real CSM called "the new CSM" beside the one the plan hires for p1: each move
    # says which of the two takes the account.
    org = tmp_path / "org.yaml"
    text = _THREE_PODS.replace("rollout: pilot", "rollout: org-wide")
    org.write_text(
        text.replace("accounts: 90", "accounts: 125").replace("accounts: 30}", "accounts: 65}", 1)
    )
    books = [("Ann", "mid-market", "p1", 60), ("the new CSM", "mid-market", "p1", 5)]
    books += [("Bob", "mid-market", "p2", 30), ("Cy", "mid-market", "p3", 30)]
    export = _books(tmp_path / "a.csv", books)
    moved = [
        s for s in steps(invoke("plan", str(org), "--accounts", export).stdout) if "move " in s
    ]
    hired = [s for s in moved if s.endswith(" to the new CSM for p1")]
    named = [s for s in moved if s.endswith(" to the new CSM (p1)")]
    assert hired and named and len(hired) + len(named) == len(moved) == 26


def test_a_run_from_a_removed_folder_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    ran = invoke("evaluate", str(ROOT / NORTHWIND))
    assert ran.exit_code == 2
    assert ran.stderr.startswith("podcheck: error: the working directory no longer exists")


# Red team: a CSM's accounts in a segment the plan takes out of pods were counted as moved,
# then dropped, and the plan said GO; hires were too few when a pod's CSMs are full with
# other pods' accounts; a CSM in two pod segments gave away twice what she had over.

_TWO_SEGMENTS = _THREE_PODS.replace(
    """  - id: smb
    tier: smb
    model: pool
    acv: 9000
    accounts: 30
    headcount: {ae: 1, csm: 1}
""",
    """  - id: ent
    tier: enterprise
    model: pod
    acv: 90000
    accounts: 60
    onboarding_days: 100
    headcount: {ae: 3, csm: 3}
    hiring_plan: {ae: 0, csm: 0}
    pods:
      - {id: ea, ae: 1, csm: 1, accounts: 20}
      - {id: eb, ae: 1, csm: 1, accounts: 20}
      - {id: ec, ae: 1, csm: 1, accounts: 20}
""",
).replace("rollout: pilot", "rollout: org-wide")


def test_a_csm_in_two_pod_segments_gives_away_only_what_is_over(tmp_path: Path) -> None:
    org = tmp_path / "org.yaml"
    org.write_text(_TWO_SEGMENTS)
    books = [("Ann", "mid-market", "p1", 40), ("Bob", "mid-market", "p2", 34)]
    books += [("Cy", "mid-market", "p3", 34), ("Ann", "ent", "ea", 20)]
    books += [("Eve", "ent", "eb", 5), ("Fay", "ent", "ec", 5)]
    export = _books(tmp_path / "a.csv", books)
    found = json.loads(invoke("plan", str(org), "--accounts", export, "-f", "json").stdout)
    changes = found["files"][0]["changes"]
    # Ann carries 60, 26 over the bar: nobody in mid-market has room, so a hire there takes
    # 26 of her p1 accounts, and none of her enterprise accounts moves as well.
    assert not [c for c in changes if c["kind"] == "move-account"]
    assert [c["message"] for c in changes if "POD701" in c["rules"]] == [
        "hire 1 CSM for pod p1 (40 → 20 accounts per CSM)"
    ]


def test_hires_take_what_nobody_has_room_for(tmp_path: Path) -> None:
    org = tmp_path / "org.yaml"
    pods = "\n".join(f"      - {{id: p{i}, ae: 1, csm: 1, accounts: 30}}" for i in range(1, 7))
    text = _THREE_PODS.split("    pods:\n")[0].replace("accounts: 90", "accounts: 180")
    text = text.replace("headcount: {ae: 3, csm: 3}", "headcount: {ae: 6, csm: 6}")
    org.write_text(text + "    pods:\n" + pods + "\n")
    books = [("Ann", "mid-market", "p1", 134), ("Bob", "mid-market", "p2", 34)]
    for name in ("C1", "C2", "C3", "C4"):
        books += [(name, "mid-market", "p1", 17), (name, "mid-market", "p2", 17)]
    planned = invoke("plan", str(org), "--accounts", _books(tmp_path / "a.csv", books))
    # Ann's 100 over the bar go to new CSMs, 34 at most each: three, not one.
    assert "hire 3 CSMs for pod p1" in planned.stdout, planned.stdout


def test_accounts_in_a_segment_leaving_pods_are_not_counted_as_moved(tmp_path: Path) -> None:
    # small cannot carry pods (ACV $12K): the plan takes it out of pods. Ann's 20 accounts
    # there do not move, so her 40 need 6 moves in mm, and the plan lists them.
    org = tmp_path / "org.yaml"
    small = """  - id: small
    tier: smb
    model: pod
    acv: 12000
    accounts: 40
    headcount: {ae: 2, csm: 2}
    hiring_plan: {ae: 0, csm: 0}
    pods:
      - {id: sa, ae: 1, csm: 1, accounts: 20}
      - {id: sb, ae: 1, csm: 1, accounts: 20}
"""
    head, mid_market = _THREE_PODS.split("segments:\n")
    mid_market = mid_market.split("  - id: smb")[0].replace("accounts: 90", "accounts: 80")
    mid_market = mid_market.replace(
        "{id: p1, name: North, ae: 1, csm: 1, accounts: 30}",
        "{id: p1, ae: 1, csm: 1, accounts: 20}",
    )
    org.write_text(head + "segments:\n" + small + mid_market)
    books = [
        ("Ann", "small", "sa", 20),
        ("Sid", "small", "sb", 20),
        ("Ann", "mid-market", "p1", 20),
    ]
    books += [("Bob", "mid-market", "p2", 30), ("Cy", "mid-market", "p3", 30)]
    found = json.loads(
        invoke(
            "plan", str(org), "--accounts", _books(tmp_path / "a.csv", books), "-f", "json"
        ).stdout
    )["files"][0]
    assert [c["segment"] for c in found["changes"] if c["kind"] == "change-model"] == ["small"]
    moved = [c for c in found["changes"] if c["kind"] == "move-account"]
    assert len(moved) == 6 and {c["segment"] for c in moved} == {"mid-market"}
