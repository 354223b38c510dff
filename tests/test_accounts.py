"""Account exports: reading CSV and .xlsx, the POD7xx figures, bad rows, hostile files."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CATALOGUE, CliRunner, dump_yaml, org, rendered_text, result, run
from podcheck.accounts import export as accounts
from podcheck.accounts import measures, moves
from podcheck.accounts.moves import Rebalancing
from podcheck.accounts.tally import MAX_ERRORS, Columns, parse_cents, safe_text
from podcheck.core.errors import InputErrors
from podcheck.judge.report import FileReport
from podcheck.orgfile.loader import load_org
from podcheck.run import session

HEADER = [
    "Account Name",
    "Account ID",
    "Annual Recurring Revenue",
    "Segment",
    "Pod",
    "Account Owner",
    "Customer Success Manager",
    "Renewal Date",
]


def book_rows() -> list[list[str]]:
    """A book against conftest's org (segment mm, pods p1-p4 stating 25 accounts each).

    p1: Dana Diaz carries 40 accounts (overloaded), 8 renewing in 2027-02.
    p2: Eli Ng's 20 accounts are all under the $30K floor.
    p3: Fay Li's 25 accounts, 5 of them sold by Ann, whose home pod is p1 (leakage).
    p4: Gus Ho's 15 accounts, and 3 accounts nobody covers.
    """
    rows: list[list[str]] = []

    def add(name: str, arr: str, pod: str, ae: str, csm: str, renewal: str = "") -> None:
        rows.append([name, f"001{len(rows):05d}", arr, "mm", pod, ae, csm, renewal])

    for i in range(40):
        add(f"North {i}", "60000", "p1", "Ann", "Dana Diaz", "2027-02-10" if i < 8 else "")
    add_special = 'Acme, Inc.\n"EMEA"'  # a quoted field with a comma, a newline and quotes
    for i in range(20):
        add(add_special if i == 0 else f"South {i}", "20,000.00", "p2", "Bob", "Eli Ng")
    for i in range(20):
        add(f"East {i}", "$45K", "p3", "Cat", "Fay Li", f"2027-{i % 12 + 1:02d}-01")
    for i in range(5):
        add(f"East Ann {i}", "45000", "p3", "Ann", "Fay Li")
    for i in range(15):
        add(f"West {i}", "50000", "p4", "Dee", "Gus Ho")
    for i in range(3):
        add(f"Orphan {i}", "50000", "p4", "Dee", "")
    return rows


def write_csv(
    path: Path, rows: list[list[str]], delimiter: str = ",", bom: bool = False, crlf: bool = False
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    writer.writerows([HEADER, *rows])
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def loaded_org(data: dict[str, Any] | None = None):
    return load_org("org.yaml", dump_yaml(data or org(), sort_keys=False))


def judge(export: Path, data: dict[str, Any] | None = None, **options: Any) -> FileReport:
    tally = accounts.read_export(str(export), accounts.ExportOptions(**options))
    report, _ = session.evaluate_with_export(loaded_org(data), CATALOGUE, (), tally)
    return report


VARIANTS = {
    "comma": {"delimiter": ","},
    "semicolon-bom-crlf": {"delimiter": ";", "bom": True, "crlf": True},
    "tab": {"delimiter": "\t"},
    "pipe-crlf": {"delimiter": "|", "crlf": True},
}


@pytest.fixture(params=[*VARIANTS, "xlsx"])
def export(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "xlsx":
        return write_xlsx(tmp_path / "accounts.xlsx", book_rows())
    return write_csv(tmp_path / "accounts.csv", book_rows(), **VARIANTS[request.param])


def test_an_invisible_character_does_not_split_a_csm_in_two(tmp_path):
    """`Dana\u200bDiaz` on half of Dana Diaz's rows would make two CSMs of 20 accounts each,
    both under the bar: a name is read as a reader sees it, its blanks and invisible
    characters aside."""
    rows = book_rows()
    variants = [
        *("Dana\u200bDiaz", "\ufeffDana Diaz", "Dana\u2060 Diaz", "Dana Diaz\u200b"),
        *("Dana\u200cDiaz", "Dana Diaz\u200d", "Da\u00adna Diaz", "Dana\u00a0Diaz"),
        *("Dana  Diaz", "Dana Diaz\u3164", "Dana Diaz\ufe0f", "Dana\u3000Diaz"),
        *("Dana Diaz\U000e0020", "Dana Diaz\u2800", "Dana \u180eDiaz", "Ｄａｎａ Diaz"),
        # Inside a word, and in another case: a spreadsheet shows the same name.
        *("Da\u200bna Diaz", "Dana Di\u2060az", "Dana Dia\U000e0020z", "dana diaz"),
        *("DANA DIAZ", "DanaDiaz", "Dana Di az"),
        # Controls, code points no font draws, a dot drawn over the i's own, an accent.
        *("Dana Diaz\x7f", "Dana\x01Diaz", "Dana Di\u2065az", "Dana Di\U000e0002az"),
        *("Dana Di\u0307az", "Dana D\u0131\u0307az", "Dána Diaz"),
        # Letters of other scripts that look like Latin ones: Cyrillic a, Greek A and a, and
        # Cyrillic D-like letters would pass as her name in a CRM's list.
        *("Dan\u0430 Diaz", "D\u0430n\u0430 Di\u0430z", "DANA DI\u0391Z", "Dana Di\u03b1z"),
    ]
    dana = [row for row in rows if row[6] == "Dana Diaz"]
    assert len(variants) < len(dana)  # every variant on a row of hers, one row kept as is
    for row, variant in zip(dana[1:], variants, strict=False):
        row[6] = variant
    load = result(judge(write_csv(tmp_path / "accounts.csv", rows)), "POD701", "mm")
    assert (load.status, load.actual) == ("fail", 40)
    assert load.message.startswith("Dana Diaz carries 40 accounts")
    # Her renewals are hers however spelt, and a plan moves her accounts under one name.
    assert result(judge(write_csv(tmp_path / "a.csv", rows)), "POD706", "mm", "p1").actual == 8


def test_a_person_is_spelt_as_the_export_first_spells_them():
    from podcheck.accounts.tally import identity, spellings

    assert spellings(["Dana Diaz", "Eli Ng", "dana  diaz", "DanaDiaz", "eli ng", "Eli Ng"]) == {
        "dana  diaz": "Dana Diaz",
        "DanaDiaz": "Dana Diaz",
        "eli ng": "Eli Ng",
    }
    assert identity("Ｄａｎａ Diaz") == identity("Dana Diaz")  # compatibility forms composed
    # Look-alike letters of other scripts read as the Latin ones; other names stay apart.
    assert identity("Priya Sh\u0430h") == identity("\u0420riya \u0405\u04bb\u0430\u04bb")
    assert identity("Priya Sh\u0430h") == identity("Priya Shah")
    assert identity("Прия Шах") != identity("Priya Shah")
    # Capitals look like Latin capitals where their small letters do not (М, м), and Latin
    # letters beyond ASCII and ASCII itself have look-alikes too.
    maria = identity("Maria Lopez")
    for split in ("\u041caria Lopez", "\u039caria Lopez", "M\u0251ria Lopez", "Maria L0pez"):
        assert identity(split) == maria, ascii(split)
    assert identity("AIi Khan") == identity("Ali Khan") == identity("A1i Khan")
    assert identity("Dana Diaz") == identity("dana diaz") == identity("DanaDiaz")
    # An invisible character between a letter and its accent parts nothing.
    from podcheck.accounts.tally import person

    renee = identity(person("Renée Shah"))
    for split in ("Rene\u034f\u0301e Shah", "Rene\u00ad\u0301e Shah", "Rene\u200d\u0301e Shah"):
        assert identity(person(split)) == renee, ascii(split)
    assert person("Rene\u034f\u0301e Shah") == "Renée Shah"
    assert identity(person("STRASSE")) == identity(person("straße"))


def test_a_workbook_is_read_from_the_first_sheet_a_reader_sees(tmp_path):
    # A hidden first sheet of small books before the real one: Excel opens on the second,
    # so the reviewer sees Dana Diaz's 40 accounts while the hidden sheet would be judged.
    import openpyxl

    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "old"
    hidden.append(HEADER)
    hidden.append(book_rows()[0])
    hidden.sheet_state = "hidden"
    shown = workbook.create_sheet("books")
    shown.append(HEADER)
    for row in book_rows():
        shown.append(row)
    workbook.active = 1
    workbook.save(tmp_path / "books.xlsx")
    load = result(judge(tmp_path / "books.xlsx"), "POD701", "mm")
    assert (load.status, load.actual) == ("fail", 40)


def _book_workbook() -> tuple[Any, Any]:
    """The books as an openpyxl workbook, to be changed before it is saved."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in book_rows():
        sheet.append(row)
    return workbook, sheet


def test_a_formula_with_no_saved_value_is_refused_by_its_cell(tmp_path):
    # A workbook a program wrote with formulas (as openpyxl does) holds no value for them:
    # a CSM cell read as empty would make the account uncovered, an ARR cell no amount.
    workbook, sheet = _book_workbook()
    sheet["D3"] = "=D2"
    workbook.save(tmp_path / "books.xlsx")
    with pytest.raises(InputErrors) as refused:
        judge(tmp_path / "books.xlsx")
    (error,) = refused.value.errors
    assert (error.line, error.column) == (3, 4)
    assert error.message.startswith("worksheet cell D3 (row 3, column 4) holds a formula with")


def test_a_workbook_string_is_read_as_a_spreadsheet_shows_it(tmp_path):
    # `_x0061_` is OOXML's escape for `a`: a spreadsheet shows `Dana Di_x0061_z` as Dana
    # Diaz, and so must the tally, or half her rows make another CSM.
    rows = book_rows()
    dana = [row for row in rows if row[6] == "Dana Diaz"]
    for row in dana[::2]:
        row[6] = "Dana Di_x0061_z"
    rows[0][0] = "Acme_x005F_x0041_"  # an escaped underscore: the text `Acme_x0041_`
    export = write_xlsx(tmp_path / "books.xlsx", rows)
    load = result(judge(export), "POD701", "mm")
    assert (load.status, load.actual) == ("fail", 40)
    tally = accounts.read_export(str(export), accounts.ExportOptions(keep_accounts=True))
    assert tally.kept is not None and tally.kept[0].name == "Acme_x0041_"


@pytest.mark.parametrize(
    ("cell", "value", "format_code"),
    [
        ("G4", "Eve Ray", ';;;"Dana Diaz"'),  # Eve's row shown as Dana's
        ("G4", "Eve Ray", ';;;"Dana Diaz"_@'),  # `_@` is a space, not the text
        ("G4", "Eve Ray", ';;;"Dana Diaz"*@'),  # `*@` fills with @
        ("G4", "Eve Ray", ';;;"Dana Diaz"[$@-409]'),
        ("G4", "Eve Ray", ";;;"),  # hidden
        ("G4", 7, ";;;"),  # a number shown as nothing: a CSM named 7
        ("G4", 1, '"Dana Diaz";;;'),  # a number shown as a name
    ],
)
def test_a_number_format_showing_other_than_the_cell_is_refused(tmp_path, cell, value, format_code):
    # What a spreadsheet shows is what a reviewer checks: a cell shown as other than it
    # holds would move rows between CSMs unseen, or cover an account with nobody.
    workbook, sheet = _book_workbook()
    sheet[cell] = value
    sheet[cell].number_format = format_code
    sheet["A2"].number_format = '0;-0;0;"#"@'  # shows its own text, marked: read as it is
    sheet["C2"].number_format = '#,##0;(#,##0);"-"'  # an amount, a zero shown as a dash
    workbook.save(tmp_path / "books.xlsx")
    with pytest.raises(InputErrors) as refused:
        judge(tmp_path / "books.xlsx")
    (error,) = refused.value.errors
    assert error.message == (
        f"worksheet cell {cell} (row 4, column 7) has a number format that shows other than "
        "it holds; refused"
    )
    sheet[cell].number_format = "General"
    sheet[cell] = "Dana Diaz"
    workbook.save(tmp_path / "plain.xlsx")
    assert judge(tmp_path / "plain.xlsx").errors == ()


def test_a_conditional_formats_number_format_is_not_the_cells(tmp_path):
    # A `numFmt` under `dxfs` belongs to a conditional format: read as the cell's, an `@`
    # there with the cell's own id would hide the `;;;"Dana Diaz"` the cell really has.
    workbook, sheet = _book_workbook()
    sheet["G4"] = "Eve Ray"
    sheet["G4"].number_format = ';;;"Dana Diaz"'
    workbook.save(tmp_path / "books.xlsx")
    with zipfile.ZipFile(tmp_path / "books.xlsx") as source:
        parts = {name: source.read(name) for name in source.namelist()}
    styles = parts["xl/styles.xml"].decode()
    assert 'numFmtId="164"' in styles
    dxf = '<dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="@"/></dxf></dxfs>'
    styles = re.sub(r"<dxfs[^>]*/>|<dxfs.*?</dxfs>", "", styles, flags=re.S)
    parts["xl/styles.xml"] = styles.replace("</cellXfs>", "</cellXfs>" + dxf, 1).encode()
    with zipfile.ZipFile(tmp_path / "edited.xlsx", "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(InputErrors) as refused:
        judge(tmp_path / "edited.xlsx")
    assert "has a number format that shows other than it holds" in str(refused.value)


def test_a_hidden_column_read_is_refused(tmp_path):
    # A hidden CSM column before the one a reviewer sees would be the one judged.
    workbook, sheet = _book_workbook()
    sheet.column_dimensions["G"].hidden = True
    workbook.save(tmp_path / "books.xlsx")
    with pytest.raises(InputErrors) as refused:
        judge(tmp_path / "books.xlsx")
    assert str(refused.value).endswith(
        "books.xlsx:1:1: error: worksheet column 7 (the csm column) is hidden; unhide it, or "
        "leave it out of the export"
    )
    sheet.column_dimensions["G"].hidden = False
    sheet.column_dimensions["J"].hidden = True  # a column podcheck does not read
    workbook.save(tmp_path / "other.xlsx")
    assert judge(tmp_path / "other.xlsx").errors == ()


def test_a_formula_a_workbook_recalculates_on_opening_is_refused(tmp_path):
    # Its saved value (Sam Patel) is not what a spreadsheet shows once it recalculates.
    import zipfile

    workbook, _ = _book_workbook()
    workbook.save(tmp_path / "books.xlsx")
    with zipfile.ZipFile(tmp_path / "books.xlsx") as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    cell = re.search(r'<c r="G4"[^>]*>.*?</c>', sheet_xml, flags=re.S)
    assert cell is not None
    formula = '<c r="G4" t="str"><f>"Dana Diaz"</f><v>Sam Patel</v></c>'
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(cell[0], formula).encode()
    # As Excel saves it: no recalculation asked for (openpyxl asks for one).
    book = re.sub(r"<calcPr[^>]*/>", "", parts["xl/workbook.xml"].decode())
    for recalc, name in ((False, "saved.xlsx"), (True, "recalc.xlsx")):
        edited = book.replace("</workbook>", '<calcPr fullCalcOnLoad="1"/></workbook>')
        parts["xl/workbook.xml"] = (edited if recalc else book).encode()
        with zipfile.ZipFile(tmp_path / name, "w") as target:
            for part, data in parts.items():
                target.writestr(part, data)
    assert judge(tmp_path / "saved.xlsx").errors == ()  # Excel saved it: its value stands
    with pytest.raises(InputErrors) as refused:
        judge(tmp_path / "recalc.xlsx")
    assert "cell G4 (row 4, column 7) holds a formula the workbook calculates again" in str(
        refused.value
    )


def test_an_error_value_is_no_name(tmp_path):
    workbook, sheet = _book_workbook()
    sheet["G4"] = "#N/A"
    sheet["G4"].data_type = "e"
    workbook.save(tmp_path / "books.xlsx")
    with pytest.raises(InputErrors) as refused:
        judge(tmp_path / "books.xlsx")
    assert refused.value.errors[0].message.startswith(
        "worksheet cell G4 (row 4, column 7) holds an error"
    )


def test_every_format_finds_the_overloaded_csm_by_name(export):
    report = judge(export)
    assert report.errors == ()
    load = result(report, "POD701", "mm")
    assert (load.status, load.actual) == ("fail", 40)
    assert load.message.startswith("Dana Diaz carries 40 accounts; pods need fewer than 35")
    assert "heaviest: Dana Diaz 40, Fay Li 25, Eli Ng 20, Gus Ho 15" in load.message
    assert result(report, "POD701", "mm", "p1").status == "fail"
    assert result(report, "POD701", "mm", "p3").status == "pass"


def test_imbalanced_pods_are_found_with_their_books(export):
    spread = result(judge(export), "POD702", "mm")
    assert (spread.status, spread.actual) == ("fail", 6)
    assert spread.message == "pod p1 holds $2,400,000 and pod p2 $400,000: 6x, over 3x"


def test_accounts_under_the_floor_are_counted_per_pod(export):
    report = judge(export)
    below = result(report, "POD703", "mm", "p2")
    assert (below.status, below.actual) == ("fail", 1)
    assert below.message.startswith("20 of 20 accounts (100%) are under the $30,000 floor")
    assert result(report, "POD703", "mm").actual == Fraction(20, 103)


def test_uncovered_accounts_are_found_by_row_not_by_name(export):
    uncovered = result(judge(export), "POD704", "mm", "p4")
    assert (uncovered.status, uncovered.actual) == ("fail", 3)
    assert uncovered.message == "3 of 18 accounts have no CSM (row 102, row 103, row 104)"


def test_an_ae_selling_into_another_pod_is_leakage(export):
    leak = result(judge(export), "POD705", "mm", "p3")
    assert (leak.status, leak.actual) == ("fail", Fraction(1, 5))
    assert leak.message.endswith("AE Ann (p1) with CSM Fay Li (p3)")


def test_renewals_bunched_on_one_csm_are_exposed(export):
    peak = result(judge(export), "POD706", "mm", "p1")
    assert (peak.status, peak.actual) == ("fail", 8)
    assert peak.message.startswith("Dana Diaz has 8 renewals due in 2027-02, over 6")
    assert result(judge(export), "POD706", "mm", "p3").status == "pass"


def test_the_export_is_held_against_the_stated_figures(export):
    report = judge(export)
    pod = result(report, "POD707", "mm", "p1")
    assert (pod.status, pod.actual) == ("fail", Fraction(3, 5))
    assert pod.message.startswith("the export counts 40 accounts but the org file states 25")
    segment = result(report, "POD707", "mm")
    assert (segment.status, segment.actual) == ("pass", Fraction(3, 100))


def test_a_quoted_field_with_a_comma_and_a_newline_is_one_account(tmp_path):
    path = write_csv(tmp_path / "a.csv", book_rows())
    tally = accounts.read_export(str(path), accounts.ExportOptions(keep_accounts=True))
    assert tally.rows == 103
    assert tally.kept is not None
    assert tally.kept[40].name == 'Acme, Inc.\n"EMEA"'
    assert safe_text(tally.kept[40].name) == 'Acme, Inc.\\n"EMEA"'


def test_without_an_export_the_account_rules_do_not_run():
    from podcheck.judge.engine import evaluate

    report = evaluate(loaded_org(), CATALOGUE)
    assert not [r for r in report.results if r.rule.startswith("POD7")]


def test_a_healthy_book_passes_every_account_rule(tmp_path):
    rows = []
    for pod, (ae, csm) in enumerate([("A1", "C1"), ("A2", "C2"), ("A3", "C3"), ("A4", "C4")]):
        for i in range(25):
            rows.append(
                [f"Co {pod}-{i}", f"{pod}-{i}", "52000", "MM", f"P{pod + 1}", ae, csm, "2027-01-01"]
            )
    # Segments and pods match case-insensitively; renewal 25 in one month is over 6.
    report = judge(write_csv(tmp_path / "a.csv", rows))
    account_results = [r for r in report.results if r.rule.startswith("POD7")]
    assert account_results
    failed = {(r.rule, r.pod) for r in account_results if r.status != "pass"}
    assert failed == {("POD706", None), *(("POD706", f"p{n}") for n in range(1, 5))}


# ---- Column mapping ------------------------------------------------------------------


def test_map_names_headers_the_defaults_do_not_know(tmp_path):
    path = tmp_path / "hubspot.csv"
    path.write_text(
        "Company name,ARR USD,Segment,Pod,Company owner,CS Owner\nAcme,40000,mm,p1,Ann,Bo\n"
    )
    columns = accounts.parse_map("arr=arr usd")
    tally = accounts.read_export(str(path), accounts.ExportOptions(columns=columns))
    assert tally.errors == ()
    assert tally.columns == Columns(account=0, arr=1, segment=2, pod=3, csm=5, ae=4)


def test_a_missing_column_is_one_error_naming_the_fields_recognised(tmp_path):
    # Contract changed (issue 22): a refused file's content is never echoed, so the error
    # names the fields podcheck recognised, in its own words, not the header's cells.
    path = tmp_path / "a.csv"
    path.write_text("Account Name,ARR,Segment,Pod,=cmd|' /C calc'!A0\nAcme,1,mm,p1,x\n")
    with pytest.raises(InputErrors) as caught:
        accounts.read_export(str(path), accounts.ExportOptions())
    (error,) = caught.value.errors
    assert str(error) == (
        f"{path}:1:1: error: no column csm (map it with --map FIELD=HEADER); the header row "
        "has 5 columns, recognised: account, arr, segment, pod"
    )


def test_bad_map_options_are_refused():
    with pytest.raises(ValueError, match="unknown field 'owner'"):
        accounts.parse_map("owner=Account Owner")
    with pytest.raises(ValueError, match="FIELD=HEADER"):
        accounts.parse_map("csm")
    assert accounts.parse_map("id=Record ID").account_id == "Record ID"


# ---- Bad rows ------------------------------------------------------------------------


def test_an_empty_arr_cell_is_said_to_be_empty(tmp_path):
    rows = book_rows()
    rows[0][2] = "  "
    path = write_csv(tmp_path / "a.csv", rows)
    assert [str(e) for e in judge(path).errors] == [
        f"{path}:2:3: error: ARR: expected an amount such as 48250, $48,250 or 48250.00 USD, "
        "got an empty cell",
    ]


def test_every_bad_row_is_one_line_and_the_rest_is_judged(tmp_path):
    rows = book_rows()
    rows[0][2] = "n/a"  # row 2: ARR
    rows[1][1] = rows[2][1]  # row 3 and row 4 share an id: row 4 is the duplicate
    rows[5][3] = "emea"  # row 7: unknown segment
    rows[6][4] = "p9"  # row 8: unknown pod
    rows[7][7] = "2027-02-30"  # row 9: no such date
    report = judge(write_csv(tmp_path / "a.csv", rows))
    path = tmp_path / "a.csv"
    assert [str(e) for e in report.errors] == [
        f"{path}:2:3: error: ARR: expected an amount such as 48250, $48,250 or 48250.00 USD, "
        "got 'n/a'",
        f"{path}:4:2: error: account id: duplicate '00100002' (first given at row 3)",
        f"{path}:9:8: error: renewal: expected a date written YYYY-MM-DD, M/D/YYYY or D/M/YYYY, "
        "got '2027-02-30'",
        f"{path}:7:4: error: segment: unknown segment 'emea' (1 row); expected one of mm",
        f"{path}:8:5: error: pod: unknown pod 'p9' in segment mm (1 row); "
        "expected one of p1, p2, p3, p4",
    ]
    # 40 - 5 bad rows in p1, and the other figures are still there.
    assert result(report, "POD701", "mm").actual == 35
    assert result(report, "POD702", "mm").status == "fail"
    # Each refusal is counted, grouped by why.
    assert report.export is not None
    assert (report.export.rows, report.export.refused, report.export.read) == (103, 5, 98)
    assert report.export.reasons == (
        ("ARR not an amount", 1),
        ("duplicate account id", 1),
        ("pod 'p9' not in segment mm", 1),
        ("renewal date not a date", 1),
        ("segment 'emea' not in the org file", 1),
    )


def test_errors_are_capped_per_export(tmp_path):
    rows = [[f"C{i}", str(i), "n/a", "mm", "p1", "A", "C", ""] for i in range(120)]
    report = judge(write_csv(tmp_path / "a.csv", rows))
    assert len(report.errors) == MAX_ERRORS + 1
    assert report.errors[-1].message == "and 70 more row errors"


# ---- Hostile exports -----------------------------------------------------------------


def refused(path: Path, **options: Any) -> str:
    with pytest.raises(InputErrors) as caught:
        accounts.read_export(str(path), accounts.ExportOptions(**options))
    (error,) = caught.value.errors
    return str(error)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # sparse: 1 GiB on paper, nothing on disk
        handle.truncate(1 << 30)
    assert refused(path) == (
        f"{path}:1:1: error: export is larger than the {accounts.EXPORT_MAX_BYTES:,}-byte limit"
    )


def test_binary_and_non_utf8_exports_are_one_error(tmp_path):
    binary = tmp_path / "a.csv"
    binary.write_bytes(b"Account Name,ARR\x00\x01\x02")
    assert refused(binary).endswith("error: export holds NUL bytes: a binary file, not CSV text")
    late = write_csv(tmp_path / "late.csv", book_rows() * 40)
    late.write_bytes(late.read_bytes() + b"Zed,1,1,mm,p1,\x00,x,\n")
    assert refused(late).endswith("error: export holds NUL bytes: a binary file, not CSV text")
    latin = write_csv(tmp_path / "b.csv", book_rows())
    latin.write_bytes(latin.read_bytes().replace(b"South 5", "Säuth 5".encode("latin-1")))
    assert re.fullmatch(
        rf"{re.escape(str(latin))}:\d+:1: error: export is not UTF-8 text "
        r"\(byte 0xe4\)",
        refused(latin),
    )


def test_a_million_columns_or_a_giant_field_is_one_error(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text("," * 999_999 + "\n")
    assert refused(wide) == f"{wide}:1:1: error: 1,000,000 columns; at most 1,000 are read"
    long = tmp_path / "long.csv"
    long.write_text("Account Name," + "x" * 2_000_000 + "\n")
    assert refused(long) == (
        f"{long}:1:1: error: malformed CSV: field larger than field limit (65536)"
    )
    many = tmp_path / "many.csv"
    many.write_text(",".join(f"c{i}" for i in range(2_000)) + "\n")
    assert refused(many).endswith("error: 2,000 columns; at most 1,000 are read")
    field = write_csv(tmp_path / "field.csv", [["x" * 100_000, "1", "1", "mm", "p1", "", "", ""]])
    assert refused(field).startswith(f"{field}:2:1: error: malformed CSV: field larger than")


@pytest.mark.slow  # a new process or a large input: the full suite (.ci/run) runs it
def test_a_zip_bomb_workbook_is_refused_before_openpyxl_reads_it(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 20_000_000)
    assert bomb.stat().st_size < 100_000
    assert refused(bomb, max_bytes=100_000).endswith(
        "error: workbook expands to 20,000,000 bytes; at most 1,000,000 are read"
    )
    parts = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(parts, "w") as archive:
        for index in range(accounts.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"x{index}", b"")
    assert refused(parts).endswith("error: workbook has 10,001 parts; at most 10,000")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("Account Name,ARR\n")
    assert refused(fake).endswith("error: not an .xlsx workbook (not a valid zip archive)")


def hostile_rows() -> list[list[str]]:
    rows = book_rows()
    rows[0][6] = '=HYPERLINK("http://evil.example","Dana")'  # a formula as a CSM
    rows[100][0] = "@SUM(1+1)*cmd|' /C calc'!A0"  # an uncovered account named by a formula
    rows[101][0] = "Evil\x1b[2J\r\n::error::pwned"
    return rows


def test_formulas_and_control_characters_never_reach_any_output_unescaped(tmp_path):
    from podcheck.judge.report import Report
    from podcheck.render.formats import FORMATS, RenderOptions, render

    export = write_csv(tmp_path / "a.csv", hostile_rows())
    report = judge(export, show_accounts=True)
    outputs = [
        rendered_text(render(fmt, Report((report,), CATALOGUE), RenderOptions())) for fmt in FORMATS
    ]
    assert any("HYPERLINK" in text for text in outputs)
    for text in outputs:
        for match in re.finditer(r"(=HYPERLINK|@SUM)", text):
            before = text[: match.start()]
            assert before.endswith(("'", "&#39;", "&#x27;")), text[match.start() - 20 :][:60]
        assert "\x1b" not in text
        assert "\n::error::pwned" not in text


def test_accounts_are_named_only_with_show_accounts(tmp_path):
    from podcheck.judge.report import Report
    from podcheck.render.formats import FORMATS, RenderOptions, render

    export = write_csv(tmp_path / "a.csv", book_rows())
    hidden = judge(export)
    for fmt in FORMATS:
        text = rendered_text(render(fmt, Report((hidden,), CATALOGUE), RenderOptions()))
        assert "Orphan" not in text and "North 1" not in text, fmt
    shown = result(judge(export, show_accounts=True), "POD704", "mm", "p4")
    assert shown.message == "3 of 18 accounts have no CSM (Orphan 0, Orphan 1, Orphan 2)"


# ---- Rebalancing ---------------------------------------------------------------------


def test_rebalancing_moves_the_fewest_accounts_largest_first(tmp_path):
    rows = book_rows()
    for index in range(40):  # Dana's accounts: ARR rising with the row
        rows[index][2] = str(30_000 + index * 1_000)
    tally = accounts.read_export(
        str(write_csv(tmp_path / "a.csv", rows)), accounts.ExportOptions(keep_accounts=True)
    )
    plan = moves.propose_moves(tally, loaded_org().org, 35)
    assert plan.unplaced == 0
    assert len(plan.moves) == 6  # 40 down to 34: no plan can move fewer
    assert [m.arr for m in plan.moves] == [69_000, 68_000, 67_000, 66_000, 65_000, 64_000]
    assert [m.account for m in plan.moves][:2] == ["row 41", "row 40"]
    # Gus Ho (15 accounts) has the most room until he reaches Eli Ng's 20.
    assert [m.to_csm for m in plan.moves] == ["Gus Ho"] * 5 + ["Eli Ng"]
    assert {(m.from_csm, m.from_pod) for m in plan.moves} == {("Dana Diaz", "p1")}
    assert plan.moves[0].to_pod == "p4"


def test_rebalancing_prefers_a_csm_in_the_same_pod_and_counts_what_cannot_move(tmp_path):
    rows = [[f"A{i}", str(i), "40000", "mm", "p1", "Ann", "Big", ""] for i in range(36)]
    rows += [[f"B{i}", f"b{i}", "40000", "mm", "p1", "Ann", "Small", ""] for i in range(33)]
    rows += [[f"C{i}", f"c{i}", "40000", "mm", "p2", "Bob", "Other", ""] for i in range(1)]
    tally = accounts.read_export(
        str(write_csv(tmp_path / "a.csv", rows)), accounts.ExportOptions(keep_accounts=True)
    )
    plan = moves.propose_moves(tally, loaded_org().org, 35)
    # Small (33, same pod) takes one; then Other (1, p2) has the most room.
    assert [(m.to_csm, m.to_pod) for m in plan.moves] == [("Small", "p1"), ("Other", "p2")]
    full = moves.propose_moves(tally, loaded_org().org, 3)
    assert full.unplaced > 0
    # Only the move into p2 takes the account to another pod, and so to another AE.
    assert [m.changes_pod for m in plan.moves] == [False, True]


def test_a_move_changes_pods_only_between_two_pods():
    move = moves.Move("row 2", 40_000, "mm", "Big", "p1", "Small", "p1")
    assert not move.changes_pod
    assert move._replace(to_pod="p2").changes_pod
    assert not move._replace(from_pod="").changes_pod  # into a pod from none
    assert not move._replace(to_pod="").changes_pod


def test_rebalancing_reads_pods_as_the_export_is_measured(tmp_path):
    # The CRM calls p1 "North" (the config's `pods:`), and writes "P2" for p2: the moves
    # name the file's pods, and a move between North and p1 stays in the pod.
    rows = [[f"A{i}", str(i), "40000", "mm", "North", "Ann", "Big", ""] for i in range(36)]
    rows += [[f"B{i}", f"b{i}", "40000", "mm", "p1", "Ann", "Small", ""] for i in range(33)]
    rows += [[f"C{i}", f"c{i}", "40000", "mm", "P2", "Bob", "Other", ""] for i in range(2)]
    tally = accounts.read_export(
        str(write_csv(tmp_path / "a.csv", rows)),
        accounts.ExportOptions(keep_accounts=True, pod_names={"North": "p1"}),
    )
    plan = moves.propose_moves(tally, loaded_org().org, 35)
    assert [(m.from_pod, m.to_csm, m.to_pod) for m in plan.moves] == [
        ("p1", "Small", "p1"),
        ("p1", "Other", "p2"),
    ]
    assert [m.changes_pod for m in plan.moves] == [False, True]


def test_a_load_is_counted_over_the_whole_export_as_the_rule_counts_it(tmp_path):
    # Big carries 30 accounts in pod p1 and 30 in a pool: 60 in all, as POD701 counts
    # them. Only the pod accounts move; what the pod segment cannot take is a hire, and a
    # load the moves cannot bring under the bar is said, never dropped.
    pool = {"id": "smb", "tier": "smb", "model": "pool", "acv": 9000, "accounts": 30}
    with_pool = loaded_org(org(**{"segments.1": {**pool, "headcount": {"ae": 1, "csm": 1}}})).org

    def book(pod: int, pooled: int, other: int) -> Rebalancing:
        rows = [[f"A{i}", str(i), "40000", "mm", "p1", "Ann", "Big", ""] for i in range(pod)]
        rows += [[f"S{i}", f"s{i}", "9000", "smb", "", "Ann", "Big", ""] for i in range(pooled)]
        rows += [[f"C{i}", f"c{i}", "40000", "mm", "p2", "Bob", "Other", ""] for i in range(other)]
        tally = accounts.read_export(
            str(write_csv(tmp_path / "a.csv", rows)), accounts.ExportOptions(keep_accounts=True)
        )
        return moves.propose_moves(tally, with_pool, 35)

    plan = book(30, 30, 30)
    assert [m.to_csm for m in plan.moves] == ["Other"] * 4  # Other's book up to 34
    assert [(h.pod, h.added, h.accounts) for h in plan.hires] == [("p1", 1, 26)]
    assert plan.overloaded == ()  # 60 - 4 moved - 22 to the hire = 34
    # 5 pod accounts and 40 pooled: the pooled ones alone keep Big over the bar, so no pod
    # account moves (that would empty her pod book and settle nothing).
    left = book(5, 40, 30)
    assert (left.moves, left.hires) == ((), ())
    assert left.overloaded == (("Big", 45, 40),)


def test_rebalancing_needs_the_accounts_kept(tmp_path):
    tally = accounts.read_export(
        str(write_csv(tmp_path / "a.csv", book_rows())), accounts.ExportOptions()
    )
    with pytest.raises(ValueError, match="keep_accounts"):
        moves.propose_moves(tally, loaded_org().org, 35)


# ---- Command line --------------------------------------------------------------------

runner = CliRunner()


def org_file(tmp_path: Path) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(org(), sort_keys=False))
    return path


def test_evaluate_with_an_export_end_to_end(tmp_path):
    from podcheck.cli.app import app

    export = write_csv(tmp_path / "a.csv", book_rows(), delimiter=";", bom=True, crlf=True)
    done = runner.invoke(
        app, ["evaluate", str(org_file(tmp_path)), "--accounts", str(export), "-f", "json"]
    )
    assert done.exit_code == 1, done.stderr
    data = json.loads(done.stdout)
    load = [r for r in data["files"][0]["results"] if r["rule"] == "POD701" and r["pod"] is None]
    assert load[0]["status"] == "fail" and load[0]["actual"] == 40
    without = runner.invoke(app, ["evaluate", str(org_file(tmp_path)), "-f", "json"])
    assert without.exit_code == 0
    assert "POD701" not in without.stdout.split('"results"')[1]


def test_bad_rows_exit_2_with_every_other_figure_reported(tmp_path):
    from podcheck.cli.app import app

    rows = book_rows()
    rows[0][2] = "n/a"
    export = write_csv(tmp_path / "a.csv", rows)
    done = runner.invoke(app, ["evaluate", str(org_file(tmp_path)), "--accounts", str(export)])
    assert done.exit_code == 2
    assert done.stderr == (
        f"{export}:2:3: error: ARR: expected an amount such as 48250, $48,250 or 48250.00 USD, "
        "got 'n/a'\n"
    )
    assert "Dana Diaz carries 39 accounts" in done.stdout


def test_report_and_checklist_take_the_export(tmp_path):
    from podcheck.cli.app import app

    export = write_csv(tmp_path / "a.csv", book_rows())
    html = tmp_path / "report.html"
    done = runner.invoke(
        app, ["report", str(org_file(tmp_path)), "--accounts", str(export), "-o", str(html)]
    )
    assert done.exit_code == 0, done.stderr
    page = html.read_text()
    assert "mm: CSM loads (export)" in page
    assert "mm: ARR by pod (export)" in page
    assert "Dana Diaz: 40 accounts" in page
    assert "Orphan" not in page
    checklist = runner.invoke(
        app, ["checklist", str(org_file(tmp_path)), "--accounts", str(export), "-f", "text"]
    )
    assert checklist.exit_code == 0, checklist.stderr


def test_the_config_maps_columns_and_the_command_line_wins(tmp_path):
    from podcheck.cli.app import app

    export = tmp_path / "a.csv"
    export.write_text("Company,Money,Segment,Pod,CS Person\nAcme,40000,mm,p1,Bo\n")
    config = tmp_path / "podcheck.yaml"
    config.write_text("accounts:\n  map: {account: Company, arr: Wrong, csm: CS Person}\n")
    args = ["evaluate", str(org_file(tmp_path)), "--accounts", str(export), "-c", str(config)]
    missing = runner.invoke(app, args)
    assert missing.exit_code == 2
    assert "no column 'Wrong' for arr" in missing.stderr
    mapped = runner.invoke(app, [*args, "--map", "arr=money"])
    assert mapped.exit_code == 0, mapped.stderr  # judged: only warnings fail for a tiny book
    assert "POD707" in mapped.stdout
    typo = tmp_path / "typo.yaml"
    typo.write_text("accounts:\n  map: {csn: CS Person}\n")
    bad = runner.invoke(app, ["evaluate", str(org_file(tmp_path)), "-c", str(typo)])
    assert bad.exit_code == 2
    assert "unknown key 'csn'; did you mean 'csm'?" in bad.stderr


def test_account_options_without_an_export_are_usage_errors(tmp_path):
    from podcheck.cli.app import app

    done = runner.invoke(app, ["evaluate", str(org_file(tmp_path)), "--show-accounts"])
    assert done.exit_code == 2
    assert "need --accounts EXPORT" in done.stderr
    bad_map = runner.invoke(
        app, ["evaluate", str(org_file(tmp_path)), "--accounts", "x.csv", "--map", "who=X"]
    )
    assert bad_map.exit_code == 2
    assert "unknown field 'who'" in bad_map.stderr


def test_thresholds_of_account_rules_come_from_the_config(tmp_path):
    from podcheck.cli.app import app

    export = write_csv(tmp_path / "a.csv", book_rows())
    config = tmp_path / "podcheck.yaml"
    config.write_text("rules:\n  POD701: {threshold: 45}\n  POD101: {threshold: 15K}\n")
    args = ["evaluate", str(org_file(tmp_path)), "--accounts", str(export), "-c", str(config)]
    done = runner.invoke(app, [*args, "-f", "json"])
    results = json.loads(done.stdout)["files"][0]["results"]
    by_key = {(r["rule"], r["pod"]): r for r in results}
    assert by_key[("POD701", None)]["status"] == "pass"
    # The floor follows acv-floor's configured threshold: $15K leaves p2's $20K accounts above.
    assert by_key[("POD703", "p2")]["actual"] == 0


def test_the_example_export_shows_what_the_example_org_file_hides():
    from conftest import ROOT

    example = ROOT / "examples" / "northwind-pilot-go.yaml"
    loaded = load_org("northwind-pilot-go.yaml", example.read_text(encoding="utf-8"))
    tally = accounts.read_export(
        str(ROOT / "examples" / "northwind-accounts.csv"), accounts.ExportOptions()
    )
    report, _ = session.evaluate_with_export(loaded, CATALOGUE, (), tally)
    assert report.errors == ()
    assert report.verdict == "no-go"
    # The org file alone fails nothing the export adds to: every other failure is the
    # export's (the rules that read it).
    alone = run(yaml.safe_load(example.read_text(encoding="utf-8")))
    org_rules = {r.code for r in CATALOGUE if r.requires != "accounts"}
    assert [(r.rule, r.pod) for r in report.results if r.failed and r.rule in org_rules] == [
        (r.rule, r.pod) for r in alone.results if r.failed
    ]
    failed = [(r.rule, r.pod) for r in report.results if r.failed and r.rule not in org_rules]
    assert failed == [
        ("POD701", None),
        ("POD701", "mm-north"),
        ("POD703", "mm-south"),
        ("POD704", None),
        ("POD704", "mm-east"),
        ("POD705", "mm-west"),
        ("POD706", None),
        ("POD706", "mm-north"),
        ("POD707", "mm-north"),
        ("POD707", "mm-south"),
        ("POD707", "mm-west"),
    ]
    assert "Priya Shah carries 36 accounts" in result(report, "POD701", "mid-market").message


def test_the_load_chart_draws_a_bar_per_csm_against_the_bar():
    from podcheck.render.accounts_view import load_chart

    svg = load_chart([("Dana <Diaz>", 40), ("Eli Ng", 20)], 35, "loads & more")
    assert svg.count('class="bar over-bar"') == 1
    assert svg.count('class="bar"') == 1
    assert "Dana &lt;Diaz&gt;: 40 accounts" in svg
    assert 'aria-label="loads &amp; more"' in svg
    assert ">35 accounts</text>" in svg


def test_the_pod_chart_keeps_the_org_files_pod_order(tmp_path):
    from podcheck.render.accounts_view import build

    export = write_csv(tmp_path / "a.csv", book_rows())
    loaded = loaded_org(org(**{"segments.0.pods": list(reversed(org()["segments"][0]["pods"]))}))
    tally = accounts.read_export(str(export), accounts.ExportOptions())
    _, measured = session.evaluate_with_export(loaded, CATALOGUE, (), tally)
    assert list(measured.segments["mm"].pods) == ["p4", "p3", "p2", "p1"]
    charts = build(measured, loaded.org, 35)
    assert [c["title"] for c in charts] == [
        "mm: CSM loads (export)",
        "mm: ARR by pod (export)",
    ]
    assert build(None, loaded.org, 35) == []


def test_bad_rows_are_located_in_the_export_in_sarif_and_github_annotations(tmp_path):
    from podcheck.judge.report import Report
    from podcheck.render.formats import RenderOptions, render

    rows = book_rows()
    rows[0][2] = "n/a"
    report = judge(write_csv(tmp_path / "a.csv", rows))._replace(path=str(tmp_path / "org.yaml"))
    whole = Report((report,), CATALOGUE)
    options = RenderOptions(cwd=str(tmp_path))
    sarif = json.loads(render("sarif", whole, options))
    first = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"] == "a.csv"
    assert first["region"] == {"startLine": 2, "startColumn": 3}
    github = render("github", whole, options)
    # The export's summary comes first (the cap on annotations must never hide it), then
    # each bad row, located in the export.
    summary, first_row = github.splitlines()[:2]
    assert summary.startswith("::error file=a.csv,line=1,col=1,title=podcheck%3A no-go%3A ")
    assert summary.endswith("::1 of 103 export rows refused (1 row: ARR not an amount)")
    assert first_row.startswith("::error file=a.csv,line=2,col=3,")


@given(st.from_regex(r"\$?[0-9]{1,9}(,[0-9]{3})?(\.[0-9]{1,3})?[kKmM]?", fullmatch=True))
def test_arr_cells_are_read_exactly_as_the_money_parser_reads_them(text):
    from podcheck.core.numbers import AmountError, parse_money

    try:
        expected = Fraction(parse_money(text)) * 100
    except AmountError:
        with pytest.raises(AmountError):
            parse_cents(text)
        return
    assert parse_cents(text) == expected


def test_workbook_cells_keep_their_types_and_formulas_are_never_run_or_echoed(tmp_path):
    import datetime

    rows: list[list[Any]] = [
        ["Acme", "a1", 52000, "mm", "p1", "Ann", "Dana Diaz", datetime.datetime(2027, 2, 10)],
        ["Beta", "a2", 48250.5, "mm", "p1", "Ann", '=HYPERLINK("http://x","Dana")', None],
        ["Gamma", "a3", "$45K", "mm", "p1", "Ann", "Dana Diaz", datetime.date(2027, 2, 11)],
    ]
    export = write_xlsx(tmp_path / "a.xlsx", rows)
    # A formula has no value without a spreadsheet to run it, and none is run: the cell is
    # named, never its formula, and the export is not judged on a CSM it cannot see.
    with pytest.raises(InputErrors) as refused:
        accounts.read_export(str(export), accounts.ExportOptions(keep_accounts=True))
    (error,) = refused.value.errors
    assert error.message.startswith("worksheet cell G3 (row 3, column 7) holds a formula")
    assert "HYPERLINK" not in error.message and "http" not in error.message
    rows[1][6] = "Dana Diaz"
    export = write_xlsx(tmp_path / "b.xlsx", rows)
    tally = accounts.read_export(str(export), accounts.ExportOptions(keep_accounts=True))
    assert tally.errors == ()
    assert tally.kept is not None
    assert [(a.csm, a.arr_cents) for a in tally.kept] == [
        ("Dana Diaz", 5_200_000),
        ("Dana Diaz", 4_825_050),
        ("Dana Diaz", 4_500_000),
    ]
    assert tally.renewals == {("mm", "p1", "Dana Diaz", "2027-02"): 2}


@pytest.mark.slow
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(st.text(st.characters(codec="utf-8"), max_size=12), min_size=0, max_size=9),
        max_size=6,
    ),
    st.sampled_from([",", ";", "\t", "|"]),
    st.binary(max_size=40),
)
def test_any_export_is_tallied_or_refused_in_one_piece(tmp_path, rows, delimiter, noise):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([HEADER, *rows])
    for suffix, data in ((".csv", buffer.getvalue().encode() + noise), (".xlsx", noise)):
        path = tmp_path / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            tally = accounts.read_export(str(path), accounts.ExportOptions())
        except InputErrors as exc:
            assert len(exc.errors) == 1
            continue
        measured, problems = measures.measure(tally, loaded_org().org)
        assert all(error.path == str(path) for error in problems)
        assert measured.segments["mm"].area.accounts <= len(rows)


# Two processes of the installed command; the refusal itself is checked in process above.
@pytest.mark.slow
def test_the_installed_command_refuses_a_hostile_export_in_one_line(tmp_path):
    import subprocess

    from conftest import installed_script

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 1_000_000)
    config = tmp_path / "podcheck.yaml"
    config.write_text("accounts: {max_bytes: 10000}\n")
    command = [installed_script(), "evaluate", str(org_file(tmp_path)), "-c", str(config)]
    done = subprocess.run(
        [*command, "--accounts", str(bomb)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"{bomb}:1:1: error: workbook expands to 1,000,000 bytes; at most 100,000 are read\n"
    )
    good = write_csv(tmp_path / "a.csv", book_rows())
    judged = subprocess.run(
        [installed_script(), "evaluate", str(org_file(tmp_path)), "--accounts", str(good)],
        capture_output=True,
        text=True,
    )
    assert (judged.returncode, judged.stderr) == (1, "")
    assert "Dana Diaz carries 40 accounts" in judged.stdout


def test_cells_are_cleaned_up_before_they_are_counted(tmp_path):
    rows = [
        ["A", "1", " 40000 ", " mm ", "p1 ", "Ann", " Dana Diaz", "2027-01-05 "],
        ["B", "2", "40000", "MM", "P1", "Ann", "Dana Diaz ", " 2027-01-06"],
        ["C", "3", "40000", "mm", "p1", "-", "UNASSIGNED", ""],
        ["D", "4", "40000", " ", "p1", "Ann", "Dana Diaz", ""],
        ["E", "5", "40000", "", "p2", "Ann", "Dana Diaz", ""],
    ]
    report = judge(write_csv(tmp_path / "a.csv", rows))
    assert [str(e).split(": ", 1)[1] for e in report.errors] == [
        "error: segment: expected a segment, got an empty cell (1 row)",
        "error: segment: expected a segment, got an empty cell (1 row)",
    ]
    assert [(e.line, e.column) for e in report.errors] == [(5, 4), (6, 4)]
    load = result(report, "POD701", "mm", "p1")
    assert load.message == "the heaviest CSM, Dana Diaz, carries 2 accounts, under 35"
    assert result(report, "POD704", "mm", "p1").message == "1 of 3 accounts have no CSM (row 4)"
    assert result(report, "POD706", "mm", "p1").message.startswith(
        "the busiest month is 2027-01 for Dana Diaz, with renewals due: 2"
    )


def test_plan_moves_named_accounts_off_an_overloaded_csm(tmp_path):
    """`plan --accounts`: the fewest moves, largest accounts first, to a CSM with room."""
    from podcheck.cli.app import app

    example = Path(__file__).resolve().parent.parent / "examples"
    outcome = CliRunner().invoke(
        app,
        [
            "plan",
            str(example / "northwind-pilot-go.yaml"),
            "--accounts",
            str(example / "northwind-accounts.csv"),
            "--format",
            "json",
        ],
    )
    (found,) = json.loads(outcome.stdout)["files"]
    moves = [c for c in found["changes"] if c["kind"] == "move-account"]
    # Priya Shah carries 36 accounts: two must go for her to be under 35.
    assert [(m["before"], m["after"]) for m in moves] == [("Priya Shah", "Lee Park")] * 2
    assert all(m["rules"] == ["POD701"] for m in moves)
    arrs = [int(m["message"].split("($")[1].split(")")[0].replace(",", "")) for m in moves]
    assert arrs == sorted(arrs, reverse=True)  # largest first
    assert "Adatum" not in outcome.stdout  # customers are rows unless --show-accounts
    assert outcome.exit_code == 1  # uncovered accounts are still a to-do
    assert any(t["rule"] == "POD704" for t in found["todo"])


def test_the_checklist_lists_export_failures_its_questions_do_not_ask_about():
    from podcheck.cli.app import app

    example = Path(__file__).resolve().parent.parent / "examples"
    outcome = CliRunner().invoke(
        app,
        [
            "checklist",
            str(example / "northwind-pilot-go.yaml"),
            "--accounts",
            str(example / "northwind-accounts.csv"),
            "--format",
            "markdown",
        ],
    )
    assert "Verdict **NO-GO**" in outcome.stdout
    also = outcome.stdout.split("### Also failing, outside the five questions")[1]
    assert "Priya Shah carries 36 accounts" in also and "POD701" in also


def test_a_hire_takes_an_even_share_never_past_the_bar(tmp_path):
    import dataclasses

    def planned(accounts_on_big: int) -> Rebalancing:
        rows = [
            [f"A{i}", str(i), str(40_000 + i), "mm", "p1", "Ann", "Big", ""]
            for i in range(accounts_on_big)
        ]
        tally = accounts.read_export(
            str(write_csv(tmp_path / "a.csv", rows)), accounts.ExportOptions(keep_accounts=True)
        )
        today = loaded_org().org
        segment = today.segments[0]
        pods = list(segment.pods)
        pods[0] = dataclasses.replace(pods[0], csm=pods[0].csm + 1)  # the plan hires one
        revised = dataclasses.replace(today, segments=[dataclasses.replace(segment, pods=pods)])
        return moves.propose_moves(tally, today, 35, revised)

    even = planned(40)  # 20 each: Big keeps his 20 largest, the hire takes the rest
    assert [m.to_csm for m in even.moves] == ["the new CSM"] * 20
    assert max(m.arr for m in even.moves) == 40_019 and all(m.hired for m in even.moves)
    assert (even.hires, even.overloaded) == ((), ())
    big = planned(200)  # 100 each would pass the bar: the hire takes 34, hires take the rest
    assert [m.to_csm for m in big.moves] == ["the new CSM"] * 34
    assert [(h.pod, h.added) for h in big.hires] == [("p1", 4)]
    assert big.overloaded == ()
