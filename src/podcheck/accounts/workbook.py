"""The first worksheet of an .xlsx workbook, streamed as rows of text.

A workbook is a zip of XML parts. This reads the three it needs with the standard library's
expat parser, a row at a time: the shared-string table (held, since cells point into it),
the styles (to tell a date cell from a number) and the first sheet (never held: each row is
dropped once given). Work is bounded before and while reading: the parts' declared sizes, the
shared-string table's size and count, and the rows.

openpyxl, which reads every cell as an object, took 233 s and 5.2 GB for a 1.4 MB workbook
whose shared-string table expands to 594 MB; here such a table is refused before it is
parsed, and a 200,000-row sheet is read in a few seconds.
"""

from __future__ import annotations

import datetime
import posixpath
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree import ElementTree as ET

# Strings a shared-string table may hold: more than any export's distinct cells need.
MAX_SHARED_STRINGS = 4_000_000
# Built-in number formats that are dates or times (ECMA-376, 18.8.30).
_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_EPOCH_1900 = datetime.datetime(1899, 12, 30)
_EPOCH_1904 = datetime.datetime(1904, 1, 1)
_DOCTYPE = b"<!DOCTYPE"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_LETTERS = {chr(65 + index): index for index in range(26)}  # "A" -> 0


class WorkbookError(Exception):
    """The workbook cannot be read; the message says why, without its content."""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _column(ref: str) -> int:
    """0-based column of a cell reference such as `AB12`."""
    if ref[1:2].isdigit() and "A" <= ref[0] <= "Z":  # most exports fit in columns A to Z
        return ord(ref[0]) - 65
    index = 0
    for char in ref:
        if not "A" <= char <= "Z":
            break
        index = index * 26 + ord(char) - 64
    return index - 1


def _parse(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[str, ET.Element]]:
    """(event, element) of one part, streamed; a DOCTYPE (entity expansion) is refused."""
    parser: ET.XMLPullParser = ET.XMLPullParser(events=("start", "end"))
    with archive.open(name) as stream:
        yield from _feed(parser, stream)


def _feed(parser: ET.XMLPullParser, stream: IO[bytes]) -> Iterator[tuple[str, ET.Element]]:
    prolog, tail = True, b""
    while chunk := stream.read(1 << 16):
        if prolog:  # a DOCTYPE can only come before the root element
            if _DOCTYPE in tail + chunk:
                raise WorkbookError("workbook part declares a DOCTYPE; refused")
            tail = chunk[-len(_DOCTYPE) :]
        parser.feed(chunk)
        for event in parser.read_events():
            prolog = False
            yield event  # type: ignore[misc]
    parser.close()
    yield from parser.read_events()  # type: ignore[misc]


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type, target path in the archive)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if rels not in archive.NameToInfo:
        return found
    for event, element in _parse(archive, rels):
        if event == "end" and _local(element.tag) == "Relationship":
            target = element.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            found[element.get("Id", "")] = (element.get("Type", ""), posixpath.normpath(path))
    return found


def _text(element: ET.Element) -> str:
    """The text of a string item: its `t`, or its runs' `t`s (phonetic runs left out)."""
    parts = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts += [t.text or "" for t in child if _local(t.tag) == "t"]
    return "".join(parts)


class Workbook:
    """The parts of an open workbook that reading its first sheet needs."""

    def __init__(self, archive: zipfile.ZipFile, max_strings_bytes: int) -> None:
        self.archive = archive
        sheet, strings, styles, self.epoch = self._parts()
        self.sheet = sheet
        self.shared = self._shared(strings, max_strings_bytes) if strings else []
        self.dates = self._date_styles(styles) if styles else frozenset()

    def _parts(self) -> tuple[str, str | None, str | None, datetime.datetime]:
        book = "xl/workbook.xml"
        if book not in self.archive.NameToInfo:
            raise WorkbookError("not an .xlsx workbook (no xl/workbook.xml)")
        rels = _rels(self.archive, book)
        first, epoch = None, _EPOCH_1900
        for event, element in _parse(self.archive, book):
            if event != "end":
                continue
            tag = _local(element.tag)
            if tag == "workbookPr" and element.get("date1904") in ("1", "true"):
                epoch = _EPOCH_1904
            elif tag == "sheet" and first is None:
                first = element.get(_REL) or next(
                    (v for k, v in element.attrib.items() if _local(k) == "id"), None
                )
        if first is None or first not in rels:
            raise WorkbookError("workbook has no worksheet")
        sheet = rels[first][1]
        by_type = {kind.rpartition("/")[2]: path for kind, path in rels.values()}
        for path in (sheet, by_type.get("sharedStrings"), by_type.get("styles")):
            if path is not None and path not in self.archive.NameToInfo:
                raise WorkbookError("workbook names a part it does not hold")
        return sheet, by_type.get("sharedStrings"), by_type.get("styles"), epoch

    def _shared(self, part: str, max_bytes: int) -> list[str]:
        size = self.archive.getinfo(part).file_size
        if size > max_bytes:
            raise WorkbookError(
                f"workbook's shared-string table expands to {size:,} bytes; at most "
                f"{max_bytes:,} are read"
            )
        strings: list[str] = []
        for event, element in _parse(self.archive, part):
            if event == "end" and _local(element.tag) == "si":
                if len(strings) >= MAX_SHARED_STRINGS:
                    raise WorkbookError(
                        f"workbook has more than {MAX_SHARED_STRINGS:,} shared strings"
                    )
                strings.append(_text(element))
                element.clear()
        return strings

    def _date_styles(self, part: str) -> frozenset[int]:
        """The cell styles (indexes into cellXfs) whose number format is a date."""
        custom: dict[int, str] = {}
        formats: list[int] = []
        in_xfs = False
        for event, element in _parse(self.archive, part):
            tag = _local(element.tag)
            if tag == "cellXfs":
                in_xfs = event == "start"
            elif event == "end" and tag == "numFmt":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif event == "end" and tag == "xf" and in_xfs:
                formats.append(int(element.get("numFmtId", "0")))
        return frozenset(
            index
            for index, number in enumerate(formats)
            if number in _DATE_FORMATS or (number in custom and _is_date(custom[number]))
        )

    def rows(self, width: int, max_rows: int) -> Iterator[list[str]]:
        """The sheet's rows from the first, as text, `width` cells at most; a row the sheet
        skips is given as [] (a blank line), so row numbers stay the spreadsheet's.

        The sheet is the largest part, so it is read with expat's callbacks, building no
        tree: each row is given as soon as the chunk that ends it is parsed."""
        reader = _SheetReader(self, width, max_rows)
        with self.archive.open(self.sheet) as stream:
            while chunk := stream.read(1 << 16):
                reader.parser.Parse(chunk, False)
                yield from reader.take()
            reader.parser.Parse(b"", True)
            yield from reader.take()

    def value(self, kind: str, style: str | None, text: str) -> str:
        """A cell's text from its type, its style and its `v` (or inline string)."""
        if kind == "s":
            try:
                return self.shared[int(text)]
            except (ValueError, IndexError):
                raise WorkbookError("a cell points past the shared-string table") from None
        if kind == "b":
            return "TRUE" if text == "1" else "FALSE"
        if kind in ("str", "e", "d", "inlineStr") or not text.isascii():
            # float() would read Arabic-Indic or full-width digits; as text, they are refused.
            return text
        try:
            number = float(text)
        except ValueError:
            return text
        if style is not None and style.isdigit() and int(style) in self.dates:
            try:
                moment = self.epoch + datetime.timedelta(days=number)
            except OverflowError:
                return text
            return moment.date().isoformat() if number.is_integer() else moment.isoformat()
        return str(int(number)) if number.is_integer() else repr(number)


class _SheetReader:
    """expat callbacks that turn a sheet's XML into rows of text."""

    def __init__(self, book: Workbook, width: int, max_rows: int) -> None:
        from xml.parsers import expat

        self.book, self.width, self.max_rows = book, width, max_rows
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.names: dict[str, str] = {}  # element name as written -> local name
        self.ready: list[list[str]] = []
        self.number = 0
        self.row: list[str] = []
        self.cell: tuple[int, str, str | None] | None = None  # column, type, style
        self.inline = False
        self.parts: list[str] | None = None  # text being collected, of a v or an inline t

    def doctype(self, *_: object) -> None:
        raise WorkbookError("workbook part declares a DOCTYPE; refused")

    def local(self, name: str) -> str:
        found = self.names.get(name)
        if found is None:
            found = self.names[name] = name.rpartition(":")[2]
        return found

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = self.names.get(name) or self.local(name)
        if tag == "c":
            ref = attrs.get("r")
            if ref:
                # Most references are A1 to Z9999...: the column is its letter's.
                column = _LETTERS.get(ref[0], -1) if ref[1:2].isdigit() else _column(ref)
            else:
                column = len(self.row)
            self.cell = (column, attrs.get("t", "n"), attrs.get("s"))
            self.value: str | None = None
        elif tag == "v" or (tag == "t" and self.inline):
            if self.cell is not None and self.cell[0] < self.width:
                self.parts = self.parts if self.parts is not None else []
        elif tag == "is":
            self.inline = True
        elif tag == "rPh":  # a phonetic run is not the cell's text
            self.inline = False
        elif tag == "row":
            at = attrs.get("r")
            place = int(at) if at and at.isdigit() else self.number + 1
            if place <= self.number or place > self.max_rows + 2:
                raise WorkbookError(f"worksheet row {place:,} is out of order or past the limit")
            self.ready += [[] for _ in range(place - self.number - 1)]
            self.number = place
            self.row = []

    def text(self, data: str) -> None:
        if self.parts is not None:
            self.parts.append(data)

    def end(self, name: str) -> None:
        tag = self.names.get(name) or self.local(name)
        if tag == "v" and self.cell is not None and self.parts is not None:
            self.value = "".join(self.parts)
            self.parts = None
        elif tag == "is":
            self.inline = False
            if self.cell is not None:
                self.value = "".join(self.parts or ())
                self.cell = (self.cell[0], "inlineStr", None)
            self.parts = None
        elif tag == "rPh":
            self.inline = True
        elif tag == "c" and self.cell is not None:
            column, kind, style = self.cell
            self.cell = None
            row = self.row
            if column < self.width and column >= len(row):
                if column > len(row):
                    row += [""] * (column - len(row))
                value = self.value
                if value is None:
                    row.append("")
                elif kind == "inlineStr":
                    row.append(value)
                else:
                    row.append(self.book.value(kind, style, value))
        elif tag == "row":
            self.ready.append(self.row if any(self.row) else [])
            self.row = []

    def take(self) -> list[list[str]]:
        ready, self.ready = self.ready, []
        return ready


def _is_date(code: str) -> bool:
    """A custom number format shows a date when, outside quotes and brackets, it has d, m
    or y (as Excel decides; `[h]:mm` durations and colours are left out)."""
    plain, quoted, bracket = [], False, False
    for char in code:
        if char == '"':
            quoted = not quoted
        elif char == "[":
            bracket = True
        elif char == "]":
            bracket = False
        elif not quoted and not bracket:
            plain.append(char.lower())
    text = "".join(plain).split(";")[0]
    return any(c in text for c in "dmy")
