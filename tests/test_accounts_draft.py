"""`podcheck init --accounts`: an org file drafted from the books, which validates and which
`evaluate --accounts` on the same export agrees with on every figure they share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from conftest import CATALOGUE, org
from podcheck.accounts import export as accounts
from podcheck.accounts.measures import Book
from podcheck.orgfile.loader import load_org
from podcheck.run import session
from test_accounts_crm import HEADER, crm_rows, write_csv

runner = CliRunner()


def messy_rows() -> list[list[Any]]:
    """Two segments as a CRM names them: a CSM who covers two pods, accounts nobody covers,
    pod names with punctuation, money and dates as Salesforce writes them."""
    rows = crm_rows(segment="Mid Market")[:100]  # p1 to p4, 25 each
    for i in range(30):
        pod = "Pod #1 (East)" if i < 18 else "Pod #2 (West)"
        csm = "Zoë Åberg" if i < 20 else "unassigned"  # Zoë covers both pods
        money, due = f"{90000 + i * 1000:,}.25 USD", f"{i % 12 + 1}/20/2027"
        rows.append([f"E{i:04d}", f"Big Co {i}", "Ann Lee", csm, "ENTERPRISE", pod, money, due])
    return rows


def drafted(tmp_path: Path, rows: list[list[Any]]) -> tuple[Path, Path, Any]:
    from podcheck.cli.app import app

    export = write_csv(tmp_path / "books.csv", rows)
    out = tmp_path / "org.yaml"
    done = runner.invoke(app, ["init", "--accounts", str(export), str(out)])
    return export, out, done


def books(export: Path, out: Path) -> Book:
    counted = accounts.read_export(str(export), accounts.ExportOptions())
    loaded = load_org(str(out), out.read_text())
    _, measured = session.evaluate_with_export(loaded, CATALOGUE, (), counted)
    return measured


def test_the_draft_validates_and_agrees_with_the_books_on_every_shared_figure(tmp_path):
    export, out, done = drafted(tmp_path, messy_rows())
    assert done.exit_code == 0, done.stderr
    text = out.read_text()
    data = yaml.safe_load(text)
    load_org(str(out), text)  # valid: raises otherwise
    measured = books(export, out)
    for segment in data["segments"]:
        area = measured.area(segment["id"])
        assert segment["accounts"] == area.accounts
        assert segment["headcount"]["csm"] == len(area.csm_loads)
        for pod in segment["pods"]:
            book_pod = measured.area(segment["id"], pod["id"])
            assert (pod["accounts"], pod["arr"]) == (book_pod.accounts, book_pod.arr)
        assert sum(p["accounts"] for p in segment["pods"]) == area.accounts
        assert sum(p["csm"] for p in segment["pods"]) == segment["headcount"]["csm"]
    ent = data["segments"][1]
    assert (ent["id"], ent["name"], ent["tier"]) == ("enterprise", "ENTERPRISE", "enterprise")
    assert [p["id"] for p in ent["pods"]] == ["pod-1-east", "pod-2-west"]
    assert ent["headcount"] == {"ae": 1, "csm": 1}  # Zoë once, in her home pod
    assert [(p["csm"], p["ae"]) for p in ent["pods"]] == [(1, 1), (0, 0)]
    # ACV is ARR per account, to the cent: (90,000.25 ... 119,000.25) over 30 accounts.
    assert ent["acv"] == 104500.25
    assert "# ARR per account: $3,135,007.50 over 30 accounts, rounded to the cent" in text
    assert "# pod 'Pod #1 (East)': 18 rows" in text
    # Policies stay unanswered, as in the starter.
    assert "# DECIDE: are renewal ownership rules written down" in text


def test_a_renewal_evaluate_cannot_read_is_not_counted_in_the_draft(tmp_path):
    # `evaluate --accounts` refuses a row whose renewal is no date (POD706 needs it): the
    # draft must not state the account, or its first run says the books hold fewer.
    rows = messy_rows()
    rows[-1][7] = "Q3 FY27"
    export, out, done = drafted(tmp_path, rows)
    assert done.exit_code == 2
    assert "error: renewal: expected a date written YYYY-MM-DD" in done.stderr
    data = yaml.safe_load(out.read_text())
    measured = books(export, out)
    for segment in data["segments"]:
        assert segment["accounts"] == measured.area(segment["id"]).accounts
    assert data["segments"][1]["accounts"] == 29


def test_evaluate_on_the_draft_finds_the_counts_it_states(tmp_path):
    from podcheck.cli.app import app

    export, out, done = drafted(tmp_path, crm_rows())
    assert done.exit_code == 0, done.stderr
    judged = runner.invoke(app, ["evaluate", str(out), "--accounts", str(export), "-f", "json"])
    file = json.loads(judged.stdout)["files"][0]
    assert file["export"]["read"] == 300
    matches = [r for r in file["results"] if r["name"] == "export-matches-org-file"]
    assert len(matches) == 13  # the segment and its 12 pods
    assert {(r["status"], r["actual"]) for r in matches} == {("pass", 0)}
    loads = {r["pod"]: r["actual"] for r in file["results"] if r["name"] == "csm-load"}
    book_loads = {r["pod"]: r["actual"] for r in file["results"] if r["name"] == "export-csm-load"}
    assert loads == book_loads


def test_a_pod_segment_s_hiring_plan_is_left_to_decide_and_init_says_so(tmp_path):
    """The export says who is here, not who will be hired: the draft asks for the hiring
    plan where its policies are asked for, and answering both is what leaves POD203."""
    from podcheck.cli.app import app

    export, out, done = drafted(tmp_path, crm_rows())
    assert done.exit_code == 0, done.stderr
    assert "answer its policies and hiring plans" in done.stderr
    text = out.read_text()
    assert "answer the policies and each pod segment's hiring plan" in text
    assert text.count("    # hiring_plan: {ae: 0, csm: 0}") == 1  # the one pod segment

    def pace() -> str:
        judged = runner.invoke(app, ["evaluate", str(out), "--accounts", str(export), "-f", "json"])
        file = json.loads(judged.stdout)["files"][0]
        return next(r["status"] for r in file["results"] if r["rule"] == "POD203")

    assert pace() == "fail"  # unanswered is not a yes
    out.write_text(
        text.replace("    # hiring_plan: {ae: 0, csm: 0}", "    hiring_plan: {ae: 0, csm: 0}")
    )
    assert pace() == "pass"


def test_a_draft_from_an_export_with_refused_rows_says_so_and_exits_2(tmp_path):
    rows = crm_rows()
    rows[4][6] = "TBD"
    export, out, done = drafted(tmp_path, rows)
    assert done.exit_code == 2
    assert done.stderr.endswith(
        f"{export}:6:7: error: ARR: expected an amount such as 48250, $48,250 or 48250.00 USD, "
        "got 'TBD'\n"
    )
    assert (
        "# INCOMPLETE: 1 of 300 rows were refused (1 row: ARR not an amount); they are not "
        "counted below." in out.read_text()
    )
    assert yaml.safe_load(out.read_text())["segments"][0]["accounts"] == 299


def test_init_with_accounts_never_overwrites_without_force(tmp_path):
    from podcheck.cli.app import app

    export = write_csv(tmp_path / "books.csv", crm_rows())
    out = tmp_path / "org.yaml"
    out.write_text("mine\n")
    done = runner.invoke(app, ["init", "--accounts", str(export), str(out)])
    assert done.exit_code == 2
    assert out.read_text() == "mine\n"
    assert HEADER[0] == "Account ID"


def test_pod_names_reused_across_segments_get_unique_ids_that_still_match(tmp_path):
    rows = crm_rows(segment="Mid Market")[:50]  # p1 and p2
    # The first enterprise row names the segment with a bidirectional override.
    rows.append(["X1", "Odd", "Ann", "Zed", "Enterprise\u202e", "p1", "90000", ""])
    for i in range(10):
        rows.append([f"E{i}", f"Big {i}", "Ann", "Zed", "Enterprise", "p1", "90000", ""])
    export, out, done = drafted(tmp_path, rows)
    assert done.exit_code == 0, done.stderr
    text = out.read_text()
    assert "\u202e" not in text  # escaped in the name, made visible in the comment
    data = yaml.safe_load(text)
    assert data["segments"][1]["name"] == "Enterprise\u202e"
    ids = [p["id"] for s in data["segments"] for p in s["pods"]]
    assert ids == ["p1", "p2", "enterprise-p1"]
    measured = books(export, out)
    for segment in data["segments"]:
        for pod in segment["pods"]:
            assert measured.area(segment["id"], pod["id"]).accounts == pod["accounts"]
    assert measured.area("enterprise", "enterprise-p1").accounts == 11


def test_pods_whose_ids_cannot_say_their_names_are_named_and_read_back(tmp_path):
    """An id cut to 64 characters, one numbered apart from another segment's, and one made
    up for a name of no Latin letters say nothing evaluate could match the CRM's name by:
    the draft gives those pods their `name`, and every row of the export is read back."""
    long_pod = " ".join(["Strategic Accounts Team"] * 4)  # 95 characters
    long_segment = "Mid Market EMEA and APAC, the segment with the longest name on record"
    rows: list[list[Any]] = []
    for segment, pod in [
        ("Enterprise", long_pod), ("Enterprise", "Pod Ünïcode ✨"), ("Enterprise", "Поддержка"),
        (long_segment, "Pod Ünïcode ✨"), (long_segment, long_pod),
    ]:  # fmt: skip
        for _ in range(5):
            n = len(rows)
            rows.append(
                [f"A{n:03d}", f"Co {n}", f"AE {n % 2}", f"CSM {n}", segment, pod, "90000", ""]
            )
    export, out, done = drafted(tmp_path, rows)
    assert done.exit_code == 0, done.stderr
    data = yaml.safe_load(out.read_text())
    pods = [pod for segment in data["segments"] for pod in segment["pods"]]
    assert [pod.get("name") for pod in pods] == [
        long_pod,
        None,
        "Поддержка",
        "Pod Ünïcode ✨",
        long_pod,
    ]
    assert len({pod["id"] for pod in pods}) == 5 and all(len(p["id"]) <= 64 for p in pods)
    measured = books(export, out)
    assert measured.refused == () and measured.rows == 25
    for segment in data["segments"]:
        for pod in segment["pods"]:
            assert measured.area(segment["id"], pod["id"]).accounts == 5


def read_back(tmp_path: Path, rows: list[list[Any]]) -> tuple[dict, Book]:
    export, out, done = drafted(tmp_path, rows)
    assert done.exit_code == 0, done.stderr
    return yaml.safe_load(out.read_text()), books(export, out)


def test_an_id_made_up_for_a_name_never_takes_another_pod_s_rows(tmp_path):
    """A name of no Latin letters gets a made-up id: never one that another pod's CRM name
    is matched by (ids are matched before names), here `Enterprise Pod 1`'s."""
    rows = [
        [f"A{n}", f"Co {n}", "Ann", f"C{n}", "Enterprise", pod, "90000", ""]
        for n, pod in enumerate(["東京", "Enterprise Pod 1", "Enterprise Pod 1"])
    ]
    data, measured = read_back(tmp_path, rows)
    assert measured.refused == () and measured.rows == 3
    pods = {pod.get("name", pod["id"]): pod for pod in data["segments"][0]["pods"]}
    assert pods["東京"]["id"] != "enterprise-pod-1"
    for pod in pods.values():
        assert measured.area("enterprise", pod["id"]).accounts == pod["accounts"]


def test_a_name_compared_otherwise_than_it_is_slugged_is_matched_back(tmp_path):
    """`ß` is compared as `ss` (which `beta ß` would drop): the draft forms a pod's name
    with its segment's id in front as evaluate does, so each row stays in its own pod."""
    rows = [
        ["A1", "Co 1", "Ann", "C1", "Alpha", "SS", "90000", ""],
        ["A2", "Co 2", "Ann", "C2", "Beta", "ß", "90000", ""],
        ["A3", "Co 3", "Ann", "C3", "Beta", "beta ss", "90000", ""],
    ]
    data, measured = read_back(tmp_path, rows)
    assert measured.refused == () and measured.rows == 3
    for segment in data["segments"]:
        for pod in segment["pods"]:
            assert measured.area(segment["id"], pod["id"]).accounts == pod["accounts"] == 1


def test_a_segment_id_made_up_for_a_name_never_takes_another_segment_s_rows(tmp_path):
    rows = [
        ["A1", "Co 1", "Ann", "C1", "Команда", "p1", "90000", ""],
        ["A2", "Co 2", "Ann", "C2", "segment-1", "p2", "90000", ""],
    ]
    data, measured = read_back(tmp_path, rows)
    assert measured.refused == () and measured.rows == 2
    ids = {segment["name"]: segment["id"] for segment in data["segments"]}
    assert ids["segment-1"] == "segment-1" and ids["Команда"] != "segment-1"


def test_a_pod_name_never_takes_rows_from_the_pod_whose_id_says_them(tmp_path):
    """`p1` in the export is `enterprise-p1` by its id, before `p9`'s name `p1`."""
    from podcheck.cli.app import app

    org_file = tmp_path / "org.yaml"
    pods = [
        {"id": "enterprise-p1", "ae": 1, "csm": 1, "accounts": 2, "arr": 180000},
        {"id": "p9", "name": "p1", "ae": 1, "csm": 1, "accounts": 1, "arr": 90000},
    ]
    data = org(
        **{
            "segments.0.id": "enterprise",
            "segments.0.tier": "enterprise",
            "segments.0.accounts": 3,
            "segments.0.headcount": {"ae": 2, "csm": 2},
            "segments.0.pods": pods,
        }
    )
    org_file.write_text(yaml.safe_dump(data, sort_keys=False))
    rows = [
        ["A1", "Co 1", "Ann", "C1", "Enterprise", "p1", "90000", ""],
        ["A2", "Co 2", "Ann", "", "Enterprise", "p1", "90000", ""],
        ["A3", "Co 3", "Bob", "C2", "Enterprise", "p9", "90000", ""],
    ]
    export = write_csv(tmp_path / "books.csv", rows)
    judged = runner.invoke(
        app, ["evaluate", str(org_file), "--accounts", str(export), "-f", "json"]
    )
    results = json.loads(judged.stdout)["files"][0]["results"]
    uncovered = {r["pod"]: r["status"] for r in results if r["rule"] == "POD704" and r["pod"]}
    assert uncovered == {"enterprise-p1": "fail", "p9": "pass"}


def four_segment_rows() -> list[list[Any]]:
    """SMB in a pool (no pod cell), mid-market in 4 pods, enterprise in 2, strategic in 1."""
    rows: list[list[Any]] = []

    def add(segment: str, pod: str, count: int, arr: str, ae: str, csm: str) -> None:
        for _ in range(count):
            n = len(rows)
            rows.append([f"A{n:05d}", f"Co {n}", ae, csm, segment, pod, arr, ""])

    for i in range(40):
        add("SMB", "", 1, "$9,000.00", "AE S", f"Pool CSM {i % 2}")
    for pod in range(1, 5):
        add("Mid Market", f"MM {pod}", 25, "$48,000.00", f"AE M{pod}", f"CSM M{pod}")
    for pod in range(1, 3):
        add("Enterprise", f"ENT {pod}", 15, "$120,000.00", f"AE E{pod}", f"CSM E{pod}")
    add("Strategic", "Key", 6, "$600,000.00", "AE K", "CSM K")
    return rows


def test_a_four_segment_draft_pilots_pods_in_one_segment_and_fits_the_others(tmp_path):
    """A pilot runs in one segment: mid-market (the most pods) is drafted as pods; the
    others get their recommended model, enterprise waiting for the pilot's decision."""
    from podcheck.cli.app import app

    export, out, done = drafted(tmp_path, four_segment_rows())
    assert done.exit_code == 0, done.stderr
    text = out.read_text()
    data = yaml.safe_load(text)
    load_org(str(out), text)  # valid: raises otherwise
    models = {s["id"]: s["model"] for s in data["segments"]}
    assert models == {
        "smb": "pool",
        "mid-market": "pod",
        "enterprise": "named",
        "strategic": "swarm",
    }
    assert list(models.values()).count("pod") == 1
    assert (
        "model: pod   # proposed: mid-market tier with ACV $48,000, at or above the $30,000 "
        "floor; the pilot segment (of those that fit, the most pods)"
    ) in text
    assert "strategic tier: a dedicated CSM who pulls in specialists" in text
    assert "but a pilot runs in one segment (Mid Market, drafted as pod)" in text
    # The SMB rows are in no pod: counted in the segment, and no pods list is drafted.
    smb = data["segments"][0]
    assert smb["accounts"] == 40 and "pods" not in smb
    assert smb["headcount"] == {"ae": 1, "csm": 2}
    judged = runner.invoke(app, ["evaluate", str(out), "--accounts", str(export), "-f", "json"])
    file = json.loads(judged.stdout)["files"][0]
    assert file["export"]["read"] == file["export"]["rows"] == 176
    failed = {r["rule"] for r in file["results"] if r["status"] == "fail"}
    assert "POD406" not in failed and "POD407" not in failed
    assert {r["status"] for r in file["results"] if r["rule"] == "POD406"} == {"pass"}


def test_a_draft_with_no_segment_that_fits_pods_drafts_none_as_pods(tmp_path):
    rows = [r for r in four_segment_rows() if r[4] in ("SMB", "Strategic")]
    _, out, done = drafted(tmp_path, rows)
    assert done.exit_code == 0, done.stderr
    data = yaml.safe_load(out.read_text())
    assert [s["model"] for s in data["segments"]] == ["pool", "swarm"]
    assert "# No segment's tier and ACV fit pods" in out.read_text()


def test_ci_log_commands_in_export_names_do_not_stand_in_the_draft(tmp_path):
    """A draft printed in a CI log (`cat org.yaml`) runs no workflow command, and the names
    it writes still read back as the export spells them."""
    rows = crm_rows(segment="##vso[task.complete result=Succeeded]x")[:50]  # p1 and p2
    for row in rows[:25]:
        row[5] = "##[error]hash"
    export, out, done = drafted(tmp_path, rows)
    assert done.exit_code == 0, done.stderr
    text = out.read_text()
    assert "##[" not in text and "##vso[" not in text
    data = yaml.safe_load(text)
    assert data["segments"][0]["name"] == "##vso[task.complete result=Succeeded]x"
    assert "# pod '## [error]hash': 25 rows" in text
    measured = books(export, out)
    for pod in data["segments"][0]["pods"]:
        assert measured.area(data["segments"][0]["id"], pod["id"]).accounts == pod["accounts"]
