"""Hostile .xlsx exports: every part the reader parses is bounded in memory, size and time,
and a cell over the field limit is refused as it is in a CSV. Each workbook is zipped here,
part by part, small on disk however much it expands to."""

from __future__ import annotations

import re
import resource
import subprocess
import tracemalloc
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from conftest import ROOT, installed_script
from podcheck.accounts import export as accounts
from podcheck.accounts import workbook
from podcheck.core.errors import InputErrors

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ("Account ID", "Account Name", "Annual Recurring Revenue", "Segment", "Pod", "CSM")
LIMIT = accounts.MAX_FIELD_CHARS
# Address space for a run of the command: a tree of ignored elements, or a giant cell, used
# gigabytes; the command itself needs about 150 MB.
MAX_ADDRESS_SPACE = 600 * 1024 * 1024


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet(*rows: str) -> str:
    header = "".join(inline(f"{chr(65 + i)}1", name) for i, name in enumerate(HEADER))
    body = "".join(f'<row r="{i}">{row}</row>' for i, row in enumerate(rows, start=2))
    return f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'


VALUES = ("a1", "Acme", "45000", "mm", "p1", "Dee")
ROW = "".join(inline(f"{c}2", v) for c, v in zip("ABCDEF", VALUES, strict=True))


def book(
    path: Path,
    *,
    sheet_xml: str | Iterable[bytes] = sheet(ROW),
    workbook_xml: str | Iterable[bytes] | None = None,
    rels_xml: str | Iterable[bytes] | None = None,
    shared: str | Iterable[bytes] | None = None,
    styles: str | Iterable[bytes] | None = None,
) -> Path:
    """A workbook of the given parts; a part given as chunks is streamed into the zip."""
    rels = f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared is not None:
        rels += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    if styles is not None:
        rels += f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>'
    parts = {
        "xl/workbook.xml": workbook_xml
        or f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        '<sheet name="Accounts" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": rels_xml
        or '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{rels}</Relationships>",
        "xl/worksheets/sheet1.xml": sheet_xml,
        "xl/sharedStrings.xml": shared,
        "xl/styles.xml": styles,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if isinstance(data, str):
                archive.writestr(name, data)
            elif data is not None:
                with archive.open(name, "w", force_zip64=True) as stream:
                    for chunk in data:
                        stream.write(chunk)
    return path


def repeated(head: str, filler: bytes, size: int, tail: str) -> Iterable[bytes]:
    """`head`, `filler` repeated to about `size` bytes, then `tail`: as chunks."""
    yield head.encode()
    block = filler * (1_048_576 // len(filler))
    for _ in range(size // len(block)):
        yield block
    yield tail.encode()


def refused(path: Path, **options: object) -> str:
    with pytest.raises(InputErrors) as caught:
        accounts.read_export(str(path), accounts.ExportOptions(**options))  # type: ignore[arg-type]
    (error,) = caught.value.errors
    return str(error)


def run_bounded(export: Path) -> subprocess.CompletedProcess[str]:
    """The installed command judging an org file against `export`, in bounded memory."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MAX_ADDRESS_SPACE, MAX_ADDRESS_SPACE))

    command = [
        installed_script(),
        "evaluate",
        str(ROOT / "examples" / "northwind-pilot-go.yaml"),
        "--accounts",
        str(export),
    ]
    return subprocess.run(
        command, capture_output=True, text=True, preexec_fn=limit, timeout=60, check=False
    )


WORKBOOK_HEAD = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="A" r:id="rId1"/></sheets>'
)
RELS_HEAD = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
)


@pytest.mark.slow  # a second or more: the full suite (.ci/run) runs it
@pytest.mark.parametrize(
    ("part", "what", "limit"),
    [
        ("workbook_xml", "xl/workbook.xml", workbook.MAX_BOOK_BYTES),
        ("rels_xml", "relationships", workbook.MAX_BOOK_BYTES),
        ("styles", "styles", workbook.MAX_STYLES_BYTES),
    ],
)
def test_a_part_of_ignored_elements_is_refused_by_its_size_in_bounded_memory(
    tmp_path, part, what, limit
):
    # 20 MB of `<x/>` (20 KB zipped): every element was kept, gigabytes for a few more.
    head, tail = {
        "workbook_xml": (WORKBOOK_HEAD, "</workbook>"),
        "rels_xml": (RELS_HEAD, "</Relationships>"),
        "styles": (f'<styleSheet xmlns="{MAIN}"><cellXfs>', "</cellXfs></styleSheet>"),
    }[part]
    filler = b"<xf/>" if part == "styles" else b"<x/>"
    size = 20 * 1_048_576
    path = book(tmp_path / "bomb.xlsx", **{part: repeated(head, filler, size, tail)})  # type: ignore[arg-type]
    assert path.stat().st_size < 100_000
    declared = zipfile.ZipFile(path).getinfo(
        {"workbook_xml": "xl/workbook.xml", "rels_xml": "xl/_rels/workbook.xml.rels"}.get(
            part, "xl/styles.xml"
        )
    )
    done = run_bounded(path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"{path}:1:1: error: workbook's {what} expands to {declared.file_size:,} bytes; "
        f"at most {limit:,} are read\n"
    )


def peak_bytes(path: Path) -> int:
    """Peak memory Python allocates to read `path`, beyond what it held before."""
    tracemalloc.start()
    try:
        accounts.read_export(str(path), accounts.ExportOptions())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow  # a second or more: the full suite (.ci/run) runs it
def test_ignored_elements_within_the_limits_cost_time_not_memory(tmp_path):
    # 256k elements in each part the reader parses but the sheet: each one was kept.
    filler = b"<x/>" * 262_144
    good = book(
        tmp_path / "good.xlsx",
        workbook_xml=WORKBOOK_HEAD + filler.decode() + "</workbook>",
        rels_xml=RELS_HEAD
        + filler.decode()
        + f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        + f'<Relationship Id="rId3" Type="{REL}/styles" Target="/xl/styles.xml"/></Relationships>',
        styles=f'<styleSheet xmlns="{MAIN}"><cellXfs><xf/>{filler.decode()}</cellXfs></styleSheet>',
        shared=f'<sst xmlns="{MAIN}"><si><t>Acme</t></si>{filler.decode()}<si>{filler.decode()}'
        "<t>Bolt</t></si></sst>",
        sheet_xml=sheet(ROW.replace(inline("B2", "Acme"), '<c r="B2" t="s"><v>1</v></c>')),
    )
    assert peak_bytes(good) < 4_000_000  # 1.1 MB; with its 1.3 million elements held, 44 MB


@pytest.mark.slow  # a new process or a large input: the full suite (.ci/run) runs it
def test_more_cell_styles_than_excel_writes_are_refused(tmp_path):
    xfs = f'<styleSheet xmlns="{MAIN}"><cellXfs>{"<xf/>" * 100_001}</cellXfs></styleSheet>'
    path = book(tmp_path / "styles.xlsx", styles=xfs)
    assert refused(path) == f"{path}:1:1: error: workbook has more than 100,000 cell styles"
    formats = "".join(f'<numFmt numFmtId="{i}" formatCode="0"/>' for i in range(100_001))
    styles = f'<styleSheet xmlns="{MAIN}"><numFmts>{formats}</numFmts></styleSheet>'
    path = book(tmp_path / "formats.xlsx", styles=styles)
    assert refused(path) == f"{path}:1:1: error: workbook has more than 100,000 number formats"


@pytest.mark.parametrize(
    ("row", "shared", "where"),
    [
        # An account name in an inline string, a number's `v`, a shared string.
        (inline("B2", "x" * (LIMIT + 1)), None, "B2 (row 2, column 2)"),
        (f'<c r="C2"><v>{"1" * (LIMIT + 1)}</v></c>', None, "C2 (row 2, column 3)"),
        (
            '<c r="F2" t="s"><v>1</v></c>',
            f"<si><t>x</t></si><si><t>{'y' * LIMIT}</t><t>y</t></si>",
            "F2 (row 2, column 6)",
        ),
    ],
)
def test_a_cell_over_the_field_limit_is_refused_by_its_place(tmp_path, row, shared, where):
    path = book(
        tmp_path / "cell.xlsx",
        sheet_xml=sheet(row),
        shared=None if shared is None else f'<sst xmlns="{MAIN}">{shared}</sst>',
    )
    row, column = re.search(r"row (\d+), column (\d+)", where).groups()  # type: ignore[union-attr]
    assert refused(path) == (
        f"{path}:{row}:{column}: error: worksheet cell {where} is larger than the "
        "65,536-character field limit"
    )


def test_a_cell_of_exactly_the_field_limit_is_read(tmp_path):
    name = "n" * LIMIT
    row = ROW.replace(inline("B2", "Acme"), inline("B2", name))
    counted = accounts.read_export(
        str(book(tmp_path / "edge.xlsx", sheet_xml=sheet(row))),
        accounts.ExportOptions(keep_accounts=True),
    )
    assert counted.kept is not None and [a.name for a in counted.kept] == [name]


@pytest.mark.slow  # a second or more: the full suite (.ci/run) runs it
def test_a_giant_cell_is_refused_before_it_is_held(tmp_path):
    # 200 MB of one letter in A2, 200 KB zipped: it was gathered whole (600 MB took 1.2 GB).
    head = sheet().replace("</sheetData></worksheet>", '<row r="2"><c r="A2" t="inlineStr"><is><t>')
    cell = repeated(head, b"A", 200 * 1_048_576, "</t></is></c></row></sheetData></worksheet>")
    path = book(tmp_path / "giant.xlsx", sheet_xml=cell)
    assert path.stat().st_size < 1_000_000
    done = run_bounded(path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"{path}:2:1: error: worksheet cell A2 (row 2, column 1) is larger than the "
        "65,536-character field limit\n"
    )


@pytest.mark.parametrize("part", ["sheet_xml", "shared"])
def test_a_tag_that_never_ends_is_refused_not_rescanned(tmp_path, part):
    # expat holds an unfinished tag and scans it again with each chunk: 300 MB ran for minutes.
    if part == "sheet_xml":
        head = sheet().replace("</sheetData></worksheet>", '<row r="2"><c r="A2" s="')
        tail = '"/></row></sheetData></worksheet>'
        what = "worksheet"
    else:
        head, tail, what = f'<sst xmlns="{MAIN}"><si x="', '"/></sst>', "shared-string table"
    path = book(tmp_path / "tag.xlsx", **{part: repeated(head, b"9", 2 * 1_048_576, tail)})  # type: ignore[arg-type]
    assert refused(path) == (
        f"{path}:1:1: error: workbook's {what} holds a tag or comment longer than 262,144 bytes"
    )


def test_rich_and_phonetic_shared_strings_read_as_their_text(tmp_path):
    shared = (
        f'<sst xmlns="{MAIN}"><si><r><t>Ac</t></r><r><rPr><b/></rPr><t xml:space="preserve">me'
        '</t></r><rPh sb="0" eb="1"><t>アクメ</t></rPh><phoneticPr fontId="1"/></si></sst>'
    )
    row = ROW.replace(inline("B2", "Acme"), '<c r="B2" t="s"><v>0</v></c>')
    counted = accounts.read_export(
        str(book(tmp_path / "rich.xlsx", sheet_xml=sheet(row), shared=shared)),
        accounts.ExportOptions(keep_accounts=True),
    )
    assert counted.kept is not None and [a.name for a in counted.kept] == ["Acme"]


def test_a_shared_string_nested_in_another_is_refused(tmp_path):
    """A nested `si` would join its text to the outer string's past the field limit."""
    chunk = "y" * (LIMIT // 2 + 1)
    nested = f"<si><t>{chunk}</t><si><t>{chunk}</t></si><t>{chunk}</t></si>"
    path = book(
        tmp_path / "nest.xlsx",
        sheet_xml=sheet('<c r="A2" t="s"><v>0</v></c>'),
        shared=f'<sst xmlns="{MAIN}">{nested}</sst>',
    )
    assert refused(path) == (
        f"{path}:1:1: error: workbook's shared-string table nests a string in a string"
    )


@pytest.mark.parametrize("part", ["worksheet", "shared-string table"])
def test_a_part_with_more_element_names_than_any_workbook_is_refused(tmp_path, part):
    """expat keeps every distinct element name for the whole parse: millions of them took
    gigabytes from a small file."""
    names = "".join(f"<e{i}/>" for i in range(workbook.MAX_NAMES + 1))
    if part == "worksheet":
        path = book(
            tmp_path / "names.xlsx",
            sheet_xml=sheet(ROW).replace("<sheetData>", names + "<sheetData>"),
        )
    else:
        path = book(tmp_path / "names.xlsx", shared=f'<sst xmlns="{MAIN}">{names}</sst>')
    assert refused(path) == (
        f"{path}:1:1: error: workbook's {part} uses more than 1,000 element names"
    )


def test_a_reference_past_the_last_column_is_refused_in_bounded_time(tmp_path):
    """A column's number grows with each letter of its reference: 250,000 letters would cost
    minutes. No worksheet has a column past XFD, three letters."""
    long = inline("A" * 250_000 + "2", "x")
    path = book(tmp_path / "refs.xlsx", sheet_xml=sheet(ROW + long * 40))
    message = refused(path)
    assert message.endswith("error: worksheet cell reference past the last column (XFD)")
    assert "AAAA" not in message
    # The last column itself is read, and a cell there is past any export's header.
    last = book(tmp_path / "xfd.xlsx", sheet_xml=sheet(ROW + inline("XFD2", "x")))
    assert accounts.read_export(str(last), accounts.ExportOptions()).rows == 1
    assert workbook._column("XFD1") == 16_383 and workbook._column("AB12") == 27


def test_a_lowercase_reference_is_read_and_one_without_a_column_refused(tmp_path):
    """A cell whose reference names no column was dropped unseen, and its row's account with
    it: some writers put `d37` for `D37`, which is read; `37D` names no column."""
    lower = "".join(inline(f"{c}2", v) for c, v in zip("abcdef", VALUES, strict=True))
    read = accounts.read_export(
        str(book(tmp_path / "lower.xlsx", sheet_xml=sheet(lower))), accounts.ExportOptions()
    )
    assert read.rows == 1 and sum(group[0] for group in read.groups.values()) == 1
    digits_first = "".join(inline(f"2{c}", v) for c, v in zip("ABCDEF", VALUES, strict=True))
    path = book(tmp_path / "digits.xlsx", sheet_xml=sheet(digits_first))
    assert refused(path).endswith(
        "error: worksheet cell reference without a column letter; refused"
    )
