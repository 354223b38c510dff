"""Account exports as CRMs write them, and nothing unread passing.

Every input here is built the way a CRM writes it: Salesforce's US dates (`11/17/2027`),
segment names such as `Mid Market`, money as `$27,632.89` or `27632.89 USD`, one unreadable
row among 300, and a workbook whose renewal dates are Excel date cells.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import CATALOGUE, org, result
from podcheck.accounts import export as accounts
from podcheck.accounts.cells import parse_cents, read_date
from podcheck.core.errors import InputErrors
from podcheck.core.numbers import AmountError
from podcheck.judge.report import FileReport, Report
from podcheck.orgfile.loader import load_org
from podcheck.run import session

runner = CliRunner()

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
PODS = 12
PER_POD = 25


def us_date(index: int) -> str:
    """Salesforce's US default, M/D/YYYY; days from 13 on, so the export tells its order."""
    return f"{index % 12 + 1}/{13 + index % 15}/2027"


def crm_rows(
    segment: str = "Mid Market",
    date: Callable[[int], Any] = us_date,
    arr: Any = "$45,000.00",
) -> list[list[Any]]:
    """300 accounts in 12 pods of one AE and one CSM (25 accounts each), renewals spread
    over the year: a book that passes every export rule."""
    rows: list[list[Any]] = []
    for pod in range(1, PODS + 1):
        for i in range(PER_POD):
            n = len(rows)
            owners = [f"AE {pod}", f"CSM {pod}"]
            rows.append([f"001{n:05d}", f"Customer {n}", *owners, segment, f"p{pod}", arr, date(i)])
    return rows


def go_org() -> dict[str, Any]:
    """The org file the CRM's book matches: segment `mid-market`, pods p1 to p12."""
    pods = [
        {"id": f"p{i}", "ae": 1, "csm": 1, "accounts": PER_POD, "arr": 1_125_000}
        for i in range(1, PODS + 1)
    ]
    return org(
        **{
            "segments.0.id": "mid-market",
            "segments.0.accounts": PODS * PER_POD,
            "segments.0.headcount": {"ae": PODS, "csm": PODS},
            "segments.0.pods": pods,
        }
    )


def write_csv(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def write_org(tmp_path: Path, data: dict[str, Any] | None = None) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(data or go_org(), sort_keys=False))
    return path


def judge(export: Path, data: dict[str, Any] | None = None, **options: Any) -> FileReport:
    counted = accounts.read_export(str(export), accounts.ExportOptions(**options))
    loaded = load_org("org.yaml", yaml.safe_dump(data or go_org(), sort_keys=False))
    report, _ = session.evaluate_with_export(loaded, CATALOGUE, (), counted)
    return report


def cli(*args: str) -> Any:
    from podcheck.cli.app import app

    return runner.invoke(app, list(args))


# ---- Dates ---------------------------------------------------------------------------


def test_a_us_date_export_is_read_in_month_day_order(tmp_path):
    report = judge(write_csv(tmp_path / "us.csv", crm_rows()))
    assert report.errors == ()
    assert report.verdict == "go"
    assert report.export is not None and (report.export.rows, report.export.refused) == (300, 0)
    # 25 renewals over 12 months: January holds i = 0, 12, 24.
    peak = result(report, "POD706", "mid-market", "p1")
    assert peak.actual == 3
    assert "2027-01" in peak.message


def test_a_day_month_export_is_read_in_day_month_order(tmp_path):
    rows = crm_rows(date=lambda i: f"{13 + i % 15}/{i % 12 + 1}/2027")
    counted = accounts.read_export(
        str(write_csv(tmp_path / "eu.csv", rows)), accounts.ExportOptions()
    )
    assert counted.date_order == "dmy"
    months = {key[3] for key in counted.renewals}
    assert months == {f"2027-{m:02d}" for m in range(1, 13)}


def test_an_export_whose_date_order_cannot_be_told_is_one_error_naming_the_option(tmp_path):
    rows = crm_rows(date=lambda i: f"{i % 12 + 1}/{i % 12 + 1}/2027")  # 3/3/2027: either way
    export = write_csv(tmp_path / "a.csv", rows)
    done = cli("evaluate", str(write_org(tmp_path)), "--accounts", str(export))
    assert done.exit_code == 2
    assert done.stderr == (
        f"{export}:1:1: error: renewal dates such as 3/4/2027 could be M/D/YYYY or D/M/YYYY "
        "and no day is over 12; say which with --date-order mdy or --date-order dmy\n"
    )
    told = cli(
        "evaluate", str(write_org(tmp_path)), "--accounts", str(export), "--date-order", "dmy"
    )
    assert told.exit_code == 0, told.stderr


def test_date_order_given_reads_each_date_in_that_order(tmp_path):
    rows = crm_rows(date=lambda i: "3/4/2027")
    counted = accounts.read_export(
        str(write_csv(tmp_path / "a.csv", rows)), accounts.ExportOptions(date_order="dmy")
    )
    assert {key[3] for key in counted.renewals} == {"2027-04"}
    config = tmp_path / "podcheck.yaml"
    config.write_text("accounts:\n  date_order: mdy\n")
    settings = session.settings(config)
    counted = session.read_for_run(
        str(tmp_path / "a.csv"), None, False, settings.accounts, settings.rules
    )
    assert {key[3] for key in counted.renewals} == {"2027-03"}


def test_an_export_in_both_date_orders_is_one_error(tmp_path):
    rows = crm_rows()
    rows[10][7] = "17/11/2027"  # row 12 only reads day first
    with pytest.raises(InputErrors) as caught:
        accounts.read_export(str(write_csv(tmp_path / "a.csv", rows)), accounts.ExportOptions())
    (error,) = caught.value.errors
    assert error.message == (
        "renewal dates are written M/D/YYYY (row 2) and D/M/YYYY (row 12); export them in one order"
    )


@pytest.mark.parametrize(
    ("text", "order", "month"),
    [
        ("2027-11-17", None, "2027-11"),
        ("2027-11-17T00:00:00", None, "2027-11"),
        ("2027-11-17 09:30", None, "2027-11"),
        ("11/17/2027", None, "2027-11"),
        ("11/17/2027 0:00", None, "2027-11"),
        ("17/11/2027", None, "2027-11"),
        ("3/4/2027", "mdy", "2027-03"),
        ("3/4/2027", "dmy", "2027-04"),
    ],
)
def test_renewal_dates_as_crms_write_them(text, order, month):
    found, _ = read_date(text, order)
    assert found == month


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("2/30/2027", None),
        ("13/13/2027", None),
        ("11/17/27", None),
        ("2027-02-30", None),
        ("11/17/2027", "dmy"),
        ("next year", None),
        ("２０２７-01-01", None),
    ],
)
def test_what_is_no_date_is_refused(text, order):
    with pytest.raises(ValueError):
        read_date(text, order)


def test_an_xlsx_with_excel_date_cells_is_read_natively(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in crm_rows(date=lambda i: datetime.datetime(2027, i % 12 + 1, 15), arr=45000.5):
        sheet.append(row)
    for cell in sheet["H"][1:]:
        cell.number_format = "m/d/yyyy"
    path = tmp_path / "books.xlsx"
    workbook.save(path)
    report = judge(path)
    assert report.errors == ()
    assert report.verdict == "go"
    peak = result(report, "POD706", "mid-market", "p1")
    assert (peak.actual, "2027-01" in peak.message) == (3, True)


# ---- Names and money -----------------------------------------------------------------


def test_segment_and_pod_names_match_after_case_spaces_and_hyphens(tmp_path):
    rows = crm_rows(segment="MID MARKET")
    for row in rows:
        row[5] = row[5].upper()  # "P1"
    rows[0][4] = " mid_market "
    report = judge(write_csv(tmp_path / "a.csv", rows))
    assert report.errors == ()
    assert result(report, "POD707", "mid-market").actual == 0


def test_a_config_maps_the_crms_names_onto_the_files(tmp_path):
    rows = crm_rows(segment="Commercial")
    for row in rows:
        row[5] = "Team " + row[5][1:]  # "Team 1" for p1
    export = write_csv(tmp_path / "a.csv", rows)
    org_path = write_org(tmp_path)
    unmapped = cli("evaluate", str(org_path), "--accounts", str(export), "-f", "json")
    assert unmapped.exit_code == 2
    assert "unknown segment 'Commercial' (300 rows); expected one of mid-market" in (
        unmapped.stderr
    )
    pods = "\n".join(f"    Team {i}: p{i}" for i in range(1, PODS + 1))
    config = tmp_path / "podcheck.yaml"
    config.write_text(f"accounts:\n  segments:\n    Commercial: Mid Market\n  pods:\n{pods}\n")
    mapped = cli(
        "evaluate", str(org_path), "--accounts", str(export), "-f", "json", "--config", str(config)
    )
    assert mapped.exit_code == 0, mapped.stderr
    assert json.loads(mapped.stdout)["files"][0]["export"]["read"] == 300


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("$27,632.89", 2763289),
        ("27632.89 USD", 2763289),
        ("USD 27,632.89", 2763289),
        (" 27632.89 ", 2763289),
        ("27632", 2763200),
        ("$1,234,567", 123456700),
        ("48.25K", 4825000),
        ("0", 0),
        ("27632.899", Fraction(27632899, 10)),
    ],
)
def test_money_as_crms_write_it_is_exact_cents(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize("text", ["", "n/a", "$$5", "-5", "1,23,4", "27,632.89 EUR", "012", "€5"])
def test_what_is_not_money_is_refused(text):
    with pytest.raises(AmountError):
        parse_cents(text)


# ---- Nothing unread passes -------------------------------------------------------------


def one_bad_row(tmp_path: Path) -> Path:
    rows = crm_rows()
    rows[99][6] = "call Dana"  # row 101: the ARR is no amount
    return write_csv(tmp_path / "books.csv", rows)


def test_one_unreadable_row_among_300_makes_a_go_file_incomplete(tmp_path):
    report = judge(one_bad_row(tmp_path))
    assert report.verdict == "incomplete"
    assert report.export is not None
    assert (report.export.rows, report.export.read, report.export.refused) == (300, 299, 1)
    assert report.export.reasons == (("ARR not an amount", 1),)
    assert report.headline.startswith("1 of 300 export rows refused (1 row: ARR not an amount) · ")
    whole = Report((report,), CATALOGUE)
    assert (whole.verdict, whole.exit_code) == ("incomplete", 2)


def test_an_incomplete_file_with_failing_rules_stays_no_go(tmp_path):
    data = go_org()
    data["segments"][0]["acv"] = 20000  # under the floor: no-go on the file alone
    report = judge(one_bad_row(tmp_path), data)
    assert report.verdict == "no-go"
    assert Report((report,), CATALOGUE).exit_code == 2


def test_every_format_says_incomplete_and_how_many_rows_were_refused_and_why(tmp_path):
    export = one_bad_row(tmp_path)
    org_path = write_org(tmp_path)
    said = "1 of 300 export rows refused (1 row: ARR not an amount)"
    outputs = {}
    for name in ("terminal", "json", "markdown", "github", "sarif", "junit"):
        done = cli("evaluate", str(org_path), "--accounts", str(export), "-f", name)
        assert done.exit_code == 2, (name, done.stdout)
        outputs[name] = done.stdout
    assert outputs["terminal"].splitlines()[1].startswith(f" INCOMPLETE   {said}")
    data = json.loads(outputs["json"])
    assert data["verdict"] == "incomplete"
    assert data["files"][0]["verdict"] == "incomplete"
    assert data["files"][0]["export"] == {
        "rows": 300,
        "read": 299,
        "refused": 1,
        "reasons": [{"reason": "ARR not an amount", "rows": 1}],
        "unread": [],
        "missing_segments": [],
    }
    assert outputs["markdown"].startswith("## podcheck: ⚠️ INCOMPLETE\n")
    assert "**1 of 300 export rows refused \\(1 row: ARR not an amount\\)**" in outputs["markdown"]
    first = outputs["github"].splitlines()[0]
    assert first.startswith("::error file=")
    assert first.endswith(
        f",line=1,col=1,title=podcheck%3A incomplete%3A export rows left unread::{said}"
    )
    sarif = json.loads(outputs["sarif"])["runs"][0]["results"]
    assert f"INCOMPLETE: {said}" in [r["message"]["text"] for r in sarif]
    assert f'message="{said}" type="export-incomplete"' in outputs["junit"]
    html = tmp_path / "pack.html"
    pack = cli("report", str(org_path), "--accounts", str(export), "-o", str(html))
    assert pack.exit_code == 2
    page = html.read_text()
    stamp = page.index('<div class="stamp">')
    banner = page.index('<div class="banner incomplete">')
    assert stamp < page.index("export INCOMPLETE: 1 of 300 rows refused") < banner
    assert page.index(said) > banner
    assert '<div class="verdict">INCOMPLETE</div>' in page
    for view in ("terminal", "markdown"):
        checklist = cli("checklist", str(org_path), "--accounts", str(export), "-f", view)
        assert checklist.exit_code == 2
        text = checklist.stdout.replace("*", "").replace("\\", "")
        assert "Verdict INCOMPLETE" in text
        assert f"Export: {said}" in text


def test_a_renewal_date_no_rule_reads_never_costs_a_row(tmp_path):
    rows = crm_rows()
    for row in rows:
        row[7] = "Q3 FY27"  # a fiscal quarter, not a date
    export = write_csv(tmp_path / "a.csv", rows)
    org_path = write_org(tmp_path)
    needed = cli("evaluate", str(org_path), "--accounts", str(export), "-f", "json")
    assert needed.exit_code == 2
    assert json.loads(needed.stdout)["files"][0]["export"]["reasons"] == [
        {"reason": "renewal date not a date", "rows": 300}
    ]
    ignored = cli(
        "evaluate", str(org_path), "--accounts", str(export), "-f", "json", "--ignore", "POD706"
    )
    assert ignored.exit_code == 0, ignored.stderr
    file = json.loads(ignored.stdout)["files"][0]
    assert file["verdict"] == "go"
    assert file["export"] == {
        "rows": 300,
        "read": 300,
        "refused": 0,
        "reasons": [],
        "unread": [{"reason": "renewal date not a date", "rows": 300}],
        "missing_segments": [],
    }
    terminal = cli("evaluate", str(org_path), "--accounts", str(export), "--ignore", "POD706")
    assert (
        "export: 300 rows: renewal date not a date (kept: no rule in force reads it)"
        in terminal.stdout
    )


# ---- Hostile exports: nothing echoed, work bounded ---------------------------------------


SECRET = "https://octocat:ghp_0123456789abcdefghijklmnopqrstuvwxyz@github.com"


def test_a_link_to_a_secret_outside_the_working_directory_is_refused_unread(tmp_path, monkeypatch):
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / ".git-credentials").write_text(SECRET + "\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "books.csv").symlink_to(outside / ".git-credentials")
    monkeypatch.chdir(repo)
    with pytest.raises(InputErrors) as caught:
        accounts.read_export("books.csv", accounts.ExportOptions())
    (error,) = caught.value.errors
    assert str(error) == (
        "books.csv:1:1: error: is a symbolic link to a file outside the working directory; refused"
    )


def test_a_file_that_is_no_export_is_refused_without_a_word_of_its_content(tmp_path):
    # A secret inside the working directory, named as an export: its first line is the
    # "header", and nothing of it may be echoed.
    path = tmp_path / "credentials"
    path.write_text(SECRET + "\n")
    with pytest.raises(InputErrors) as caught:
        accounts.read_export(str(path), accounts.ExportOptions())
    (error,) = caught.value.errors
    assert "ghp_" not in str(error) and "octocat" not in str(error)
    assert error.message == (
        "no column account, arr, segment, pod, csm (map it with --map FIELD=HEADER); the "
        "header row has 1 column, recognised: none"
    )


def test_a_fifo_named_as_the_export_is_refused_without_blocking(tmp_path):
    import os

    fifo = tmp_path / "books.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputErrors) as caught:
        accounts.read_export(str(fifo), accounts.ExportOptions())
    assert caught.value.errors[0].message == "is not a regular file; refused"


def test_an_export_of_unique_names_is_bounded_by_work_not_only_bytes(tmp_path, monkeypatch):
    from podcheck.accounts import tally

    # Every row its own (segment, pod, AE, CSM): counters grow with rows, so they are capped.
    monkeypatch.setattr(tally, "MAX_GROUPS", 1_000)
    rows = [
        [f"{i}", f"Name {i}", f"AE {i}", f"CSM {i}", "Mid Market", f"p{i}", "1", ""]
        for i in range(1_001)
    ]
    with pytest.raises(InputErrors) as caught:
        accounts.read_export(str(write_csv(tmp_path / "a.csv", rows)), accounts.ExportOptions())
    assert caught.value.errors[0].message == (
        "more than 1,000 distinct segment, pod, AE and CSM combinations; a CRM's books have "
        "far fewer"
    )


def hand_made_workbook(path: Path, sheet: str, shared: str | None = None) -> Path:
    """A workbook zipped by hand, part by part, as a hostile one would be."""
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared is not None:
        rels += f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Accounts" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return path


def test_a_shared_string_table_past_the_limit_is_refused_before_it_is_parsed(tmp_path):
    # 1.4 MB that expand to 594 MB cost openpyxl 233 s and 5.2 GB; the same shape in small.
    shared = '<sst xmlns="x"><si><t>' + "A" * 400_000 + "</t></si></sst>"
    path = hand_made_workbook(tmp_path / "bomb.xlsx", '<worksheet xmlns="x"/>', shared)
    assert path.stat().st_size < 100_000
    with pytest.raises(InputErrors) as caught:
        accounts.read_export(str(path), accounts.ExportOptions(max_bytes=100_000))
    assert caught.value.errors[0].message == (
        "workbook's shared-string table expands to 400,037 bytes; at most 100,000 are read"
    )


def test_a_workbook_part_with_a_doctype_is_refused(tmp_path):
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
        '<worksheet xmlns="x"><sheetData><row r="1"><c t="inlineStr"><is><t>&a;</t></is></c>'
        "</row></sheetData></worksheet>"
    )
    path = hand_made_workbook(tmp_path / "dtd.xlsx", sheet)
    with pytest.raises(InputErrors) as caught:
        accounts.read_export(str(path), accounts.ExportOptions())
    assert caught.value.errors[0].message == "workbook part declares a DOCTYPE; refused"


def test_a_hand_made_sheet_with_inline_strings_and_skipped_rows_is_read(tmp_path):
    def cells(*values: str) -> str:
        return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)

    header = cells("Account Name", "ARR", "Segment", "Pod", "CSM")
    sheet = (
        '<worksheet xmlns="x"><sheetData>'
        f'<row r="1">{header}</row>'
        f'<row r="2">{cells("Acme &amp; Co", "$45,000.00", "Mid Market", "p1", "CSM 1")}</row>'
        f'<row r="5">{cells("Bolt", "27632.89 USD", "mid-market", "P2", "CSM 2")}</row>'
        "</sheetData></worksheet>"
    )
    path = hand_made_workbook(tmp_path / "inline.xlsx", sheet)
    counted = accounts.read_export(str(path), accounts.ExportOptions(keep_accounts=True))
    assert counted.errors == ()
    assert counted.kept is not None
    assert [(a.name, a.row, a.arr_cents) for a in counted.kept] == [
        ("Acme & Co", 2, 4500000),
        ("Bolt", 5, 2763289),
    ]


def test_a_plan_on_an_export_with_refused_rows_is_never_a_clean_go(tmp_path):
    export = one_bad_row(tmp_path)
    done = cli("plan", str(write_org(tmp_path)), "--accounts", str(export))
    assert done.exit_code == 2
    assert done.stderr.splitlines()[-1] == (
        f"{tmp_path / 'org.yaml'}: INCOMPLETE: 1 of 300 export rows refused (1 row: ARR not an "
        "amount); the plan covers the rows read"
    )


@pytest.mark.slow
def test_a_csv_of_unique_names_is_refused_in_bounded_memory(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "unique.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(150_000):  # every column unique: each row its own group
            owners = [f"AE {i}", f"CSM {i}"]
            writer.writerow([f"id{i}", f"Name {i}", *owners, f"Seg {i}", f"Pod {i}", "45000", ""])
    org_path = write_org(tmp_path)
    # Measured in a fresh process whose only child is the run: RUSAGE_CHILDREN of this
    # process would count the largest child any earlier test started.
    probe = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stdout.write(f'{done.returncode} {peak}\\n' + done.stderr)\n"
    )
    command = [sys.executable, "-m", "podcheck", "evaluate", str(org_path), "--accounts", str(path)]
    probed = subprocess.run(
        [sys.executable, "-c", probe, *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    first, _, stderr = probed.stdout.partition("\n")
    code, peak_kib = first.split()
    peak_mb = int(peak_kib) / 1024
    assert int(code) == 2
    assert stderr == (
        f"{path}:1:1: error: more than 100,000 distinct segment, pod, AE and CSM combinations; "
        "a CRM's books have far fewer\n"
    )
    assert peak_mb < 300


def test_an_export_with_no_rows_for_a_pod_segment_is_incomplete_never_go(tmp_path):
    # Only a header: every rule on the books would judge nothing, and the file said GO.
    export = tmp_path / "header-only.csv"
    export.write_text(",".join(HEADER) + "\n")
    org_path = write_org(tmp_path)
    done = cli("evaluate", str(org_path), "--accounts", str(export), "-f", "json")
    assert done.exit_code == 2
    file = json.loads(done.stdout)["files"][0]
    assert file["verdict"] == "incomplete"
    assert file["export"]["missing_segments"] == [
        s["id"] for s in file["segments"] if s["model"] == "pod"
    ]
    terminal = cli("evaluate", str(org_path), "--accounts", str(export))
    assert terminal.stdout.splitlines()[1].startswith(
        " INCOMPLETE   no export rows for pod segment"
    )


# ---- No rows for a pod segment: exit 2 in every command, as for refused rows ----------

NO_ROWS = "no export rows for pod segment mid-market: their books are unread"


def with_pool(data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The org file with an SMB pool beside its pod segment."""
    data = data or go_org()
    pool = {"id": "smb", "tier": "smb", "model": "pool", "acv": 9000, "accounts": 2}
    data["segments"].append({**pool, "headcount": {"ae": 1, "csm": 1}})
    return data


def no_pod_rows(tmp_path: Path, kind: str) -> Path:
    """An export with no row for the pod segment: a header alone, or the pool's rows alone."""
    rows = [
        [f"00{n}", f"Small {n}", "AE S", "CSM S", "SMB", "", "$9,000.00", "1/13/2027"]
        for n in range(2)
    ]
    return write_csv(tmp_path / f"{kind}.csv", rows if kind == "pool-only" else [])


@pytest.mark.parametrize("kind", ["header-only", "pool-only"])
def test_no_rows_for_a_pod_segment_exits_2_and_says_incomplete_in_every_command(tmp_path, kind):
    # The red team's case: evaluate exited 2 while checklist, report and plan passed (plan
    # said GO) on the same export; refused rows made all four exit 2.
    org_path = write_org(tmp_path, with_pool())
    args = (str(org_path), "--accounts", str(no_pod_rows(tmp_path, kind)))
    terminal = cli("evaluate", *args)
    assert terminal.exit_code == 2, terminal.stdout
    assert terminal.stdout.splitlines()[1].startswith(f" INCOMPLETE   {NO_ROWS} · ")
    as_json = cli("evaluate", *args, "-f", "json")
    assert as_json.exit_code == 2
    data = json.loads(as_json.stdout)
    assert (data["verdict"], data["files"][0]["verdict"]) == ("incomplete", "incomplete")
    assert data["files"][0]["export"]["missing_segments"] == ["mid-market"]
    text = cli("checklist", *args, "-f", "text")
    assert text.exit_code == 2, text.stdout
    assert "Verdict INCOMPLETE" in text.stdout
    assert f"Export: {NO_ROWS}" in text.stdout
    html = cli("checklist", *args, "-f", "html")
    assert html.exit_code == 2
    assert "export INCOMPLETE: no rows for mid-market" in html.stdout
    assert '<div class="banner incomplete">' in html.stdout
    pack_path = tmp_path / "pack.html"
    pack = cli("report", *args, "-o", str(pack_path))
    assert pack.exit_code == 2
    page = pack_path.read_text()
    assert "export INCOMPLETE: no rows for mid-market" in page
    assert '<div class="verdict">INCOMPLETE</div>' in page
    assert NO_ROWS in page
    for view in ("terminal", "json"):
        plan = cli("plan", *args, "-f", view)
        assert plan.exit_code == 2, (view, plan.stdout)
        # The line a plan on refused rows ends with; no rows were refused, so no row errors.
        assert plan.stderr == f"{org_path}: INCOMPLETE: {NO_ROWS}; the plan covers the rows read\n"
    # No refused row says why the run exits 2: one line on stderr does, for a log whose
    # report went to a file.
    said = f"{org_path}: INCOMPLETE: no export rows for pod segment mid-market\n"
    for ran in (terminal, as_json, text, html, pack):
        assert ran.stderr == said


@pytest.mark.parametrize("kind", ["header-only", "pool-only"])
def test_no_rows_for_a_pod_segment_of_a_no_go_file_exits_2_as_refused_rows_do(tmp_path, kind):
    data = with_pool()
    data["segments"][0]["acv"] = 20000  # under the floor: no-go on the file alone
    org_path = write_org(tmp_path, data)
    args = (str(org_path), "--accounts", str(no_pod_rows(tmp_path, kind)))
    terminal = cli("evaluate", *args)
    assert terminal.exit_code == 2, terminal.stdout  # was 1: as if every book had been read
    assert terminal.stdout.splitlines()[1].startswith(f" NO-GO   {NO_ROWS} · ")
    as_json = cli("evaluate", *args, "-f", "json")
    assert as_json.exit_code == 2
    file = json.loads(as_json.stdout)["files"][0]
    assert (file["verdict"], file["export"]["missing_segments"]) == ("no-go", ["mid-market"])
    assert cli("checklist", *args).exit_code == 2
    assert cli("report", *args, "-o", str(tmp_path / "pack.html")).exit_code == 2
    plan = cli("plan", *args)
    assert plan.exit_code == 2
    assert plan.stderr.splitlines()[-1] == (
        f"{org_path}: NO-GO: {NO_ROWS}; the plan covers the rows read"
    )


@pytest.mark.parametrize(
    "name", ["::error::s.yaml", "##vso[task.complete]x.yaml", "##[error]h.yaml"]
)
def test_the_incomplete_line_runs_no_ci_log_command(tmp_path, monkeypatch, name):
    """The org file's name comes from the pull request: every command's INCOMPLETE line on
    stderr breaks a log command in it, as error lines do."""
    monkeypatch.chdir(tmp_path)
    org_path = write_org(tmp_path, with_pool())
    org_path.rename(tmp_path / name)
    args = (name, "--accounts", str(no_pod_rows(tmp_path, "header-only")))
    for command in ("plan", "evaluate", "checklist"):
        ran = cli(command, *args)
        assert ran.exit_code == 2
        assert "INCOMPLETE" in ran.stderr
        for line in ran.stderr.splitlines():
            assert not line.startswith("::") and "##[" not in line and "##vso[" not in line
