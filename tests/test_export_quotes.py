"""A CSV export whose quotes do not close is one located error, never a silent pass.

A field that opens a quote and never closes it would swallow every row after it (up to the
64 KiB field limit, about a thousand rows): with the text in a column no rule reads, the run
used to say GO on the rows before it. Quoted fields that close, over several lines, as CRM
notes are, are read as before.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, installed_script
from podcheck.accounts import export
from podcheck.core.errors import InputErrors

HEADER = (
    "Account ID,Account Name,Account Owner,Customer Success Manager,Segment,Pod,"
    "Annual Recurring Revenue,Renewal Date,Notes"
)
PODS = ("mm-north", "mm-south", "mm-east", "mm-west")
ORG = str(ROOT / "examples" / "northwind-pilot-go.yaml")
NEVER_CLOSED = "malformed CSV: a quote opened here is never closed"


def rows(count: int, prefix: str = "id", notes: str = "ok") -> list[str]:
    return [
        f"{prefix}{i},Acct {i},AE{i % 4},CSM{i % 4},Mid-Market,{PODS[i % 4]},48000,"
        f"2027-{i % 12 + 1:02d}-01,{notes}"
        for i in range(count)
    ]


def northwind(path: Path, stray: bool) -> Path:
    """112 accounts as Northwind's file states them, then 40 more for CSM0: no-go (CSM0
    carries 68). With `stray`, the 112th row's note opens a quote that never closes."""
    lines = [HEADER, *rows(112)]
    if stray:
        lines[-1] = lines[-1][:-2] + '"ok'
    lines += rows(40, prefix="x")
    path.write_text("\n".join(lines) + "\n")
    return path


def podcheck(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [installed_script(), *args], capture_output=True, text=True, timeout=120, check=False
    )


COMMANDS = {
    "evaluate": ("evaluate", ORG),
    "evaluate --ignore POD706": ("evaluate", ORG, "--ignore", "POD706"),
    "plan": ("plan", ORG),
    "checklist": ("checklist", ORG),
    "report": ("report", ORG, "-o", "{tmp}/report.html"),
    "init": ("init", "{tmp}/draft.yaml"),
}


@pytest.mark.slow  # a second or more: the full suite (.ci/run) runs it
@pytest.mark.parametrize("name", COMMANDS)
def test_a_quote_open_at_the_end_of_the_file_is_one_located_error(tmp_path, name):
    books = northwind(tmp_path / "notes.csv", stray=True)
    args = [a.format(tmp=tmp_path) for a in COMMANDS[name]]
    done = podcheck(*args, "--accounts", str(books))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.splitlines() == [f"{books}:113:9: error: {NEVER_CLOSED}"]
    assert "GO" not in done.stdout
    assert not (tmp_path / "report.html").exists()
    assert not (tmp_path / "draft.yaml").exists()


def test_the_same_books_with_the_quote_closed_are_read_whole(tmp_path):
    books = northwind(tmp_path / "notes.csv", stray=False)
    done = podcheck("evaluate", ORG, "--accounts", str(books), "--format", "json")
    assert done.returncode == 1, done.stderr  # NO-GO: CSM0 carries 68 accounts
    (report,) = json.loads(done.stdout)["files"]
    assert report["export"]["rows"] == report["export"]["read"] == 152


def test_quoted_notes_over_several_lines_still_read_and_place_a_later_open_quote(tmp_path):
    # Two rows whose notes hold a CRLF each, then a quote left open in the 15th data row.
    lines = [HEADER, *rows(20)]
    for row in (4, 8):
        lines[row] = lines[row][:-2] + '"line one\r\nline two, with a ""quote"""'
    good = tmp_path / "good.csv"
    good.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    counted = export.read_export(str(good), export.ExportOptions())
    assert counted.data_rows == 20 and not counted.refused

    lines[16] = lines[16][:-2] + '"ok'
    bad = tmp_path / "bad.csv"
    bad.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    # Row 17 of the spreadsheet starts on line 19 of the file: two notes took a line more.
    assert refused(bad) == f"{bad}:19:9: error: {NEVER_CLOSED}"


def refused(path: Path) -> str:
    with pytest.raises(InputErrors) as caught:
        export.read_export(str(path), export.ExportOptions())
    (error,) = caught.value.errors
    return str(error)


@pytest.mark.parametrize(
    ("tail", "where"),
    [
        ('id9,"Acct 9,AE1,CSM1,Mid-Market,mm-north,48000,,ok\n', "11:2"),
        ('id9,Acct 9,AE1,CSM1,Mid-Market,mm-north,48000,,"', "11:9"),  # no line end
        ('id9,Acct 9,AE1,"CSM1\n,Mid-Market,mm-north,48000,,ok\n', "11:4"),
    ],
)
def test_the_error_names_the_field_the_quote_opened_in(tmp_path, tail, where):
    path = tmp_path / "books.csv"
    path.write_text("\n".join([HEADER, *rows(9)]) + "\n" + tail)
    assert refused(path) == f"{path}:{where}: error: {NEVER_CLOSED}"


def test_text_after_a_closing_quote_is_a_located_error(tmp_path):
    lines = [HEADER, *rows(9)]
    lines[6] = lines[6].replace("Acct 5", '"Acct" 5')
    path = tmp_path / "books.csv"
    path.write_text("\n".join(lines) + "\n")
    found = refused(path)
    assert found.startswith(f"{path}:7:1: error: malformed CSV: a quoted field's closing quote ")
    assert "Acct" not in found


def test_a_stray_quote_mid_file_is_refused_where_it_closes_naming_its_row(tmp_path):
    # The stray opens in row 11; the next quote in the file opens a note in row 251.
    lines = [HEADER, *rows(300)]
    lines[10] = lines[10][:-2] + '"ok'
    lines[250] = lines[250][:-2] + '"Renewal, maybe"'
    path = tmp_path / "books.csv"
    path.write_text("\n".join(lines) + "\n")
    done = podcheck("evaluate", ORG, "--accounts", str(path))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"{path}:251:1: error: malformed CSV: a quote in the row that starts at line 11 closes "
        "here and is followed by text; expected the delimiter or the end of the line (a quote "
        "inside a quoted field is written twice)"
    ]
