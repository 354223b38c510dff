"""Reading account exports from a CRM: CSV (as Salesforce and HubSpot write them) or .xlsx.

The export comes from the person being gated, so it is read defensively: a link out of the
working directory or a file that is not regular is refused unread, its size is checked
before it is opened, a workbook's declared uncompressed sizes before any XML is parsed,
lines, fields and columns are capped, and a binary or non-UTF-8 file is one error. Nothing
of a refused file's content is echoed. Rows are streamed into `tally.tally`; nothing holds
the whole file. A workbook is read by podcheck.accounts.workbook, a row at a time.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Annotated, Any, NamedTuple

from podcheck.accounts import tally
from podcheck.accounts.cells import DateOrder
from podcheck.core import paths
from podcheck.core.errors import InputError, InputErrors, shown_path
from podcheck.orgfile.model import CLOSED, Text
from podcheck.orgfile.validation import STRICT, Bounds

EXPORT_MAX_BYTES = 64 * 1024 * 1024
MAX_COLUMNS = 1_000
MAX_FIELD_CHARS = 64 * 1024
# A workbook may expand to this many times the size limit, in at most this many parts.
MAX_EXPANSION = 10
MAX_ZIP_ENTRIES = 10_000
SNIFF_CHARS = 4096
DELIMITERS = ",;\t|"
# Shown in an error about the columns found.
MAX_COLUMNS_SHOWN = 20
DEFAULT_FLOOR = 30_000

# The headers each field is recognised by, compared case-insensitively with spaces,
# '_' and '-' alike. Salesforce and HubSpot report headers first.
HEADERS: Mapping[str, tuple[str, ...]] = {
    "account": ("account name", "company name", "account", "company", "customer", "name"),
    "account_id": ("account id", "record id", "company id", "account number", "id"),
    "arr": (
        "annual recurring revenue",
        "arr",
        "arr (usd)",
        "current arr",
        "annual contract value",
        "acv",
    ),
    "segment": ("segment", "customer segment", "account segment", "market segment"),
    "pod": ("pod", "pod name", "pod id", "team"),
    "ae": ("account executive", "ae", "account owner", "company owner", "owner", "ae owner"),
    "csm": (
        "csm",
        "customer success manager",
        "csm owner",
        "cs owner",
        "customer success owner",
    ),
    "renewal": ("renewal date", "next renewal date", "renewal", "contract end date"),
}
REQUIRED = ("account", "arr", "segment", "pod", "csm")


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnMap:
    """Which header holds each field, where the defaults do not find it."""

    __pydantic_config__ = CLOSED
    account: Text | None = None
    account_id: Text | None = None
    arr: Text | None = None
    segment: Text | None = None
    pod: Text | None = None
    ae: Text | None = None
    csm: Text | None = None
    renewal: Text | None = None


MaxExportBytes = Annotated[int, STRICT, Bounds(1, 1 << 34)]


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountsConfig:
    """The `accounts:` section of podcheck.yaml."""

    __pydantic_config__ = CLOSED
    map: ColumnMap | None = None
    max_bytes: MaxExportBytes | None = None
    # How the export writes A/B/YYYY dates, when no day over 12 tells.
    date_order: DateOrder | None = None
    # The export's names for segments and pods the org file names otherwise:
    # {Commercial: mid-market}.
    segments: dict[Text, Text] | None = None
    pods: dict[Text, Text] | None = None


FIELDS = tuple(f.name for f in fields(ColumnMap))


def parse_map(text: str | None, base: ColumnMap | None = None) -> ColumnMap:
    """`account=Company,arr=ARR (USD)` over the config's map; ValueError says what is wrong."""
    chosen = {name: getattr(base, name) for name in FIELDS} if base else {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, header = part.partition("=")
        name = name.strip().lower().replace("-", "_")
        if name == "id":
            name = "account_id"
        if not sep or not header.strip():
            raise ValueError(f"--map expects FIELD=HEADER pairs, got {part.strip()!r}")
        if name not in FIELDS:
            raise ValueError(f"--map: unknown field {name!r}; expected one of {', '.join(FIELDS)}")
        chosen[name] = header.strip()
    return ColumnMap(**chosen)


class ExportOptions(NamedTuple):
    columns: ColumnMap = ColumnMap()
    max_bytes: int = EXPORT_MAX_BYTES
    floor: Any = DEFAULT_FLOOR
    show_accounts: bool = False
    keep_accounts: bool = False
    date_order: DateOrder | None = None
    # False when no rule in force reads renewal dates: a bad one then costs no row.
    renewal_needed: bool = True
    segment_names: Mapping[str, str] = {}
    pod_names: Mapping[str, str] = {}
    # The file's SHA-256, for the review pack's stamp: only the pack shows it, and hashing
    # costs a run a twelfth of what tallying costs.
    digest: bool = False


def _normal(header: str) -> str:
    return " ".join(header.replace("_", " ").replace("-", " ").split()).casefold()


def map_columns(header: Sequence[str], chosen: ColumnMap, path: str) -> tally.Columns:
    """Each field's column; one error naming the columns found when a required one is missing."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        found.setdefault(_normal(name), index)
    where: dict[str, int | None] = {}
    missing = []
    for name in FIELDS:
        wanted = getattr(chosen, name)
        candidates = (wanted,) if wanted else HEADERS[name]
        where[name] = next((found[_normal(c)] for c in candidates if _normal(c) in found), None)
        if where[name] is None and (name in REQUIRED or wanted):
            missing.append(f"'{tally.safe_text(wanted)}' for {name}" if wanted else name)
    if missing:
        # The header is not echoed: a file that is no export (a link to a secret) is refused
        # without a word of its content. What was recognised is said in podcheck's words.
        recognised = [name for name in FIELDS if where[name] is not None]
        raise _refuse(
            path,
            1,
            f"no column {', '.join(missing)} (map it with --map FIELD=HEADER); the header "
            f"row has {len(header):,} column{'s' if len(header) != 1 else ''}, recognised: "
            f"{', '.join(recognised) or 'none'}",
        )
    return tally.Columns(**where)  # type: ignore[arg-type]


def _tally(
    shown: str, rows: Iterable[Sequence[str]], columns: tally.Columns, options: ExportOptions
) -> tally.Tally:
    try:
        counted = tally.tally(
            shown,
            rows,
            columns,
            floor=options.floor,
            show_accounts=options.show_accounts,
            keep_accounts=options.keep_accounts,
            date_order=options.date_order,
            renewal_needed=options.renewal_needed,
        )
    except (tally.TooMuch, tally.DateOrderUnknown) as exc:
        raise _refuse(shown, 1, str(exc)) from None
    return counted._replace(segment_names=options.segment_names, pod_names=options.pod_names)


def _refuse(path: str, row: int, message: str) -> InputErrors:
    return InputErrors([InputError(path, row, 1, message)])


def read_export(path: str, options: ExportOptions) -> tally.Tally:
    """The export tallied; InputErrors when the file as a whole is refused.

    The file is opened once, and its checks, its rows and its digest all come from that
    open file: a file renamed over the path mid-run is neither read past the checks made
    on another nor stamped in place of the one judged.
    """
    shown = shown_path(path)
    try:
        # As for org files: a link out of the working directory could point at a secret.
        opened = paths.open_regular(path, expected="an account export")
    except InputErrors as exc:
        raise _refuse(shown, 1, exc.errors[0].message) from None
    with opened as raw:
        if os.fstat(raw.fileno()).st_size > options.max_bytes:
            raise _refuse(shown, 1, f"export is larger than the {options.max_bytes:,}-byte limit")
        if not path.lower().endswith((".xlsx", ".xlsm")):
            # A CSV's digest is taken of the bytes the tally reads, as it reads them.
            return _read_csv(raw, shown, options)
        counted = _read_workbook(raw, shown, options)
        if not options.digest:
            return counted
        return counted._replace(digest=_digest(raw, shown, options.max_bytes))


DIGEST_CHUNK = 1024 * 1024


def _digest(raw: io.BufferedReader, shown: str, limit: int) -> str:
    """The first 12 hex digits of the SHA-256 of the file's bytes, as `sha256sum` gives them
    (the org file's digest on the pack is as short); read a chunk at a time."""
    found = _sha256()
    raw.seek(0)
    total = 0
    while chunk := raw.read(DIGEST_CHUNK):
        total += len(chunk)
        if total > limit:  # grown since it was read
            raise _refuse(shown, 1, f"export is larger than the {limit:,}-byte limit")
        found.update(chunk)
    return found.hexdigest()[:12]


def _sha256() -> Any:
    import hashlib  # only a run with an export needs it

    return hashlib.sha256()


# CSV


class _Refused(Exception):
    pass


class _Guarded(io.BufferedIOBase):
    """The file's bytes, refusing NUL bytes and more than `limit` bytes as they are read,
    and, if asked, hashing them for the export's digest.

    Checked a chunk at a time, as the text layer asks for them (it reads with read1), so
    lines are then read at the speed of the text layer.
    """

    # The text layer asks whether its buffer is closed at every line: a plain attribute
    # answers that in a fraction of the time IOBase's property takes through a raw file.
    closed = False

    def __init__(self, raw: io.BufferedReader, limit: int, digest: bool = False) -> None:
        self.raw = raw
        self.limit = limit
        self.total = 0
        self.hashed = _sha256() if digest else None

    @property
    def name(self) -> Any:
        return self.raw.name

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        super().close()
        self.closed = True

    def read1(self, size: int | None = -1) -> bytes:
        room = self.limit - self.total + 1  # never more than a byte past the limit
        data = self.raw.read(room if size is None or size < 0 else min(size, room))
        self.total += len(data)
        if self.total > self.limit:
            raise _Refused(f"export is larger than the {self.limit:,}-byte limit")
        if b"\0" in data:
            raise _Refused("export holds NUL bytes: a binary file, not CSV text")
        if self.hashed is not None:
            self.hashed.update(data)
        return data

    read = read1

    def digest(self) -> str | None:
        """`_digest` of the bytes read so far: once the rows end, the whole file as the
        tally read it (not bytes added to it since); None unless asked for."""
        return None if self.hashed is None else str(self.hashed.hexdigest()[:12])


def _delimiter(sample: str) -> str:
    """The delimiter the csv sniffer finds among , ; tab |, else the one the header uses most."""
    cut = sample[: sample.rfind("\n") + 1] or sample
    try:
        found = csv.Sniffer().sniff(cut, delimiters=DELIMITERS).delimiter
        if found in DELIMITERS:
            return found
    except csv.Error:
        pass
    header = sample.split("\n", 1)[0]
    return max(DELIMITERS, key=lambda d: (header.count(d), d == ","))


def _read_csv(raw: io.BufferedReader, shown: str, options: ExportOptions) -> tally.Tally:
    head = raw.read(SNIFF_CHARS)
    if head.startswith(b"PK\x03\x04"):
        raise _refuse(shown, 1, "export is a zip archive; name a workbook *.xlsx")
    raw.seek(0)
    guarded = _Guarded(raw, options.max_bytes, options.digest)
    handle = io.TextIOWrapper(guarded, encoding="utf-8-sig", newline="")
    previous = csv.field_size_limit(MAX_FIELD_CHARS)
    reader = None
    try:
        sample = handle.read(SNIFF_CHARS)
        delimiter = _delimiter(sample)
        sample += handle.readline()  # to the end of the line the sample cut
        lines = itertools.chain(io.StringIO(sample, newline=""), handle)
        # Strict: a quote left open at the end of the file is an error, not a last field that
        # silently swallowed every row after it; so is a closing quote followed by text,
        # where a stray quote swallowing rows mid-file usually ends (CRMs and spreadsheets
        # double a quote inside a quoted field, so their exports never hold either).
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        header = next(reader, None)
        if header is None:
            raise _Refused("export is empty; expected a header row")
        if len(header) > MAX_COLUMNS:
            message = f"{len(header):,} columns; at most {MAX_COLUMNS:,} are read"
            raise _refuse(shown, 1, message)
        columns = map_columns(header, options.columns, shown)
        counted = _tally(shown, reader, columns, options)
        return counted._replace(digest=guarded.digest())
    except UnicodeDecodeError as exc:
        row = (reader.line_num + 1) if reader is not None else 1
        byte = exc.object[exc.start] if isinstance(exc.object, bytes) else 0
        raise _refuse(shown, row, f"export is not UTF-8 text (byte 0x{byte:02x})") from None
    except _Refused as exc:
        row = (reader.line_num + 1) if reader is not None else 1
        raise _refuse(shown, row, str(exc)) from None
    except csv.Error as exc:
        line = reader.line_num if reader is not None else 1
        located = _quote_error(raw, delimiter, options.max_bytes, line, str(exc))
        if located is not None:
            raise InputErrors([located.at(shown)]) from None
        raise _refuse(shown, line, f"malformed CSV: {exc}") from None
    finally:
        csv.field_size_limit(previous)


class _Located(NamedTuple):
    line: int
    column: int
    message: str

    def at(self, shown: str) -> InputError:
        return InputError(shown, self.line, self.column, f"malformed CSV: {self.message}")


def _breaks(text: str) -> int:
    """Line breaks as a text file read with newline="" splits lines: CRLF, CR or LF."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _quote_error(
    raw: io.BufferedReader, delimiter: str, limit: int, line: int, error: str
) -> _Located | None:
    """Where a quote error of the strict reader began, found by reading the file again
    without strict (only on this error path): the strict reader stops at the end of the
    file, or where a quote closes, which may be hundreds of lines after it opened. None for
    another error, or when the file cannot be read again as it was."""
    at_end = error == "unexpected end of data"
    if not at_end and not error.endswith("expected after '\"'"):
        return None
    try:
        raw.seek(0)
        handle = io.TextIOWrapper(_Guarded(raw, limit), encoding="utf-8-sig", newline="")
        reader = csv.reader(handle, delimiter=delimiter, strict=False)
        start = end = 0
        last: list[str] = []
        for row in reader:
            start, end, last = end + 1, reader.line_num, row
            if not at_end and end >= line:
                break
        else:
            if not at_end or not last or end != line:
                return None
            # Not strict, the reader ends the open field at the end of the file: it is the
            # last field of the last row, and opened after the line breaks of those before it.
            opened = start + sum(_breaks(field) for field in last[:-1])
            return _Located(opened, len(last), "a quote opened here is never closed")
    except (csv.Error, _Refused, UnicodeDecodeError, OSError, ValueError):
        return None
    if end < line:
        return None
    expected = (
        "expected the delimiter or the end of the line (a quote inside a quoted field is "
        "written twice)"
    )
    if start < line:
        # A stray quote swallowing rows mid-file usually ends here, far from where it opened.
        return _Located(
            line,
            1,
            f"a quote in the row that starts at line {start:,} closes here and is followed "
            f"by text; {expected}",
        )
    return _Located(line, 1, f"a quoted field's closing quote is followed by text; {expected}")


# Workbooks


def _read_workbook(raw: io.BufferedReader, shown: str, options: ExportOptions) -> tally.Tally:
    import zipfile

    try:
        archive = zipfile.ZipFile(raw)  # closing it leaves `raw` open, for the digest
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(shown, 1, "not an .xlsx workbook (not a valid zip archive)") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _refuse(shown, 1, f"workbook has {len(entries):,} parts; at most {MAX_ZIP_ENTRIES:,}")
    # zipfile stops at each part's declared size, so the declared sizes bound the work.
    expanded = sum(entry.file_size for entry in entries)
    limit = options.max_bytes * MAX_EXPANSION
    if expanded > limit:
        raise _refuse(
            shown, 1, f"workbook expands to {expanded:,} bytes; at most {limit:,} are read"
        )
    from podcheck.accounts.workbook import Workbook, WorkbookError

    try:
        with archive:
            book = Workbook(archive, options.max_bytes)
            rows = book.rows(MAX_COLUMNS, tally.MAX_ROWS)
            header = next(rows, [])
            rows.close()  # type: ignore[attr-defined]
            while header and not header[-1]:
                header.pop()
            if not header:
                raise _refuse(shown, 1, "export is empty; expected a header row")
            columns = map_columns(header, options.columns, shown)
            # A column the reviewer cannot see is not the one they checked.
            for field, index in columns._asdict().items():
                if index is not None and book.hidden_column(index):
                    raise _refuse(
                        shown,
                        1,
                        f"worksheet column {index + 1:,} (the {field.replace('_', ' ')} column) "
                        "is hidden; unhide it, or leave it out of the export",
                    )
            # Only the columns read.
            book_rows = book.rows(max(i for i in columns if i is not None) + 1, tally.MAX_ROWS)
            next(book_rows, None)  # the header
            return _tally(shown, book_rows, columns, options)
    except InputErrors:
        raise
    except WorkbookError as exc:  # at the cell that is the reason, as CSV errors are placed
        raise InputErrors([InputError(shown, exc.row, exc.column, str(exc))]) from None
    except Exception as exc:  # a broken part: zip, XML or number
        raise _refuse(shown, 1, f"cannot read workbook: {type(exc).__name__}") from None
