"""`--format xlsx`: the scorecard as a workbook, typed cells, and never a formula."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT
from podcheck.cli.app import app

CONTOSO = ROOT / "examples" / "contoso-enterprise-no-go.yaml"
HOSTILE = '=HYPERLINK("http://x/","click")'


def _run(*args: str) -> object:
    done = CliRunner().invoke(app, list(args))
    assert done.exit_code in (0, 1), done.output
    return done


def _book(path: Path):
    return load_workbook(io.BytesIO(path.read_bytes()))


def _cells(book):
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def test_evaluate_writes_segments_and_results_with_typed_cells(tmp_path):
    target = tmp_path / "scorecard.xlsx"
    _run("evaluate", *map(str, EXAMPLES), "-f", "xlsx", "-o", str(target))
    book = _book(target)
    assert book.sheetnames == ["segments", "results"]
    segments = list(book["segments"].iter_rows(values_only=True))
    header = segments[0]
    rows = [dict(zip(header, row, strict=True)) for row in segments[1:]]
    # One row per file and segment.
    assert len(rows) == sum(len(yaml.safe_load(p.read_text())["segments"]) for p in EXAMPLES)
    contoso = next(r for r in rows if r["org"] == "Contoso Cloud")
    assert (contoso["acv"], contoso["accounts"], contoso["ae"], contoso["csm"]) == (
        72000,
        168,
        6,
        4,
    )
    assert contoso["ae_csm_today"] == 1.5 and contoso["ae_csm_peak"] == 1.8
    assert contoso["verdict"] == "no-go" and isinstance(contoso["score"], int)
    assert contoso["people_cost"] == 6 * 210_000 + 4 * 135_000 + 2 * 190_000
    # The pods hold 126 of the 168 accounts: the ARR is accounts × ACV.
    # (the cell holds the share as Excel stores a double: to 15 significant digits)
    assert contoso["csm_cost_share"] == pytest.approx(
        Fraction(4 * 135_000, 168 * 72_000), rel=1e-14
    )
    # Money carries a currency format; the share a percentage.
    column = {name: index for index, name in enumerate(header, start=1)}
    sheet = book["segments"]
    line = 2 + rows.index(contoso)
    assert "$" in sheet.cell(row=line, column=column["acv"]).number_format
    assert "$" in sheet.cell(row=line, column=column["people_cost"]).number_format
    assert sheet.cell(row=line, column=column["csm_cost_share"]).number_format == "0.0%"
    # A file without costs has no economics.
    plain = next(r for r in rows if r["org"] == "Fabrikam Software")
    assert plain["people_cost"] is None and plain["arr"] is None
    results = list(book["results"].iter_rows(values_only=True))
    assert results[0] == (
        "file", "rule", "name", "severity", "segment", "pod", "actual", "needed", "message", "line",
    )  # fmt: skip
    failing = [r for r in results[1:] if r[1] == "POD103" and r[4] == "enterprise" and r[5] is None]
    assert failing and failing[0][6] == 42 and failing[0][7] == "under 35"


def test_the_same_input_gives_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    _run("evaluate", str(CONTOSO), "-f", "xlsx", "-o", str(first))
    _run("evaluate", str(CONTOSO), "--output-format", f"xlsx={second}", "-f", "json")
    assert first.read_bytes() == second.read_bytes()


def test_plan_adds_a_sheet_of_priced_changes(tmp_path):
    target = tmp_path / "plan.xlsx"
    _run("plan", str(CONTOSO), "-f", "xlsx", "-o", str(target))
    book = _book(target)
    assert book.sheetnames == ["segments", "results", "plan"]
    rows = list(book["plan"].iter_rows(values_only=True))
    header = rows[0]
    changes = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    launches = [c for c in changes if c["kind"] == "launch-csm"]
    assert launches and all(c["first_year"] == c["run_rate"] == 135_000 for c in launches)
    hire = next(c for c in changes if c["kind"] == "hire-csm")
    assert hire["first_year"] == 135_000 * 13 / 24 and hire["run_rate"] == 135_000
    column = header.index("first_year") + 1
    assert "$" in book["plan"].cell(row=2, column=column).number_format
    also = tmp_path / "also.xlsx"
    _run("plan", str(CONTOSO), "--output-format", f"xlsx={also}")
    assert also.read_bytes() == target.read_bytes()


# A workbook written and read back each: "=" in the quick subset, every formula start when slow.
@pytest.mark.parametrize(
    "start", ["=", *(pytest.param(c, marks=pytest.mark.slow) for c in ("+", "-", "@"))]
)
def test_a_hostile_org_name_is_text_never_a_formula(start, tmp_path):
    data = yaml.safe_load(CONTOSO.read_text())
    data["org"]["name"] = start + HOSTILE[1:] + "\x07"
    data["segments"][0]["name"] = "=1+1"
    data["segments"][0]["pods"][0]["id"] = "ent-1"
    source = tmp_path / "hostile.yaml"
    source.write_text(yaml.safe_dump(data, sort_keys=False))
    for command in ("evaluate", "plan"):
        target = tmp_path / f"{command}.xlsx"
        _run(command, str(source), "-f", "xlsx", "-o", str(target))
        book = _book(target)
        cells = _cells(book)
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        names = [c for c in cells if isinstance(c.value, str) and HOSTILE[1:20] in c.value]
        assert names and all(c.data_type == "s" and c.quotePrefix for c in names)
        assert all(c.value.startswith(start) and "\x07" not in c.value for c in names)
        assert any(c.value == "=1+1" and c.data_type == "s" for c in cells)
        # The raw XML holds no formula element either.
        import zipfile

        with zipfile.ZipFile(target) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_text_a_spreadsheet_would_read_as_a_control_character_is_written_as_typed(tmp_path):
    """A spreadsheet reads `_x001B_` in a cell as ESC (OOXML's escape): an org name written
    that way must come back as those seven characters, not as the control character."""
    import re
    import zipfile

    data = yaml.safe_load(CONTOSO.read_text())
    data["org"]["name"] = "_x001B_[31mRed_x000D_::error::x _X0041_ _x12_"
    source = tmp_path / "escapes.yaml"
    source.write_text(yaml.safe_dump(data, sort_keys=False))
    target = tmp_path / "evaluate.xlsx"
    _run("evaluate", str(source), "-f", "xlsx", "-o", str(target))
    with zipfile.ZipFile(target) as archive:
        xml = b"".join(
            archive.read(name) for name in archive.namelist() if name.startswith("xl/")
        ).decode()
    # Every `_xHHHH_` left in the parts is an escaped underscore followed by the text typed.
    assert "_x005F_x001B_[31mRed_x005F_x000D_::error::x _x005F_X0041_ _x12_" in xml
    assert not [m for m in re.findall(r"_[xX][0-9A-Fa-f]{4}_", xml) if m != "_x005F_"]
