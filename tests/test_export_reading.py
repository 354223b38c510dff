"""A CSV export is read 8 KiB at a time through a guard: a NUL byte, or bytes past the
limit (a file grown since its size was checked), refuse it at the row the reader had
reached when that chunk was asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from podcheck.accounts import export
from podcheck.core.errors import InputErrors

LINE = 64  # bytes a line, so that 8 KiB holds 128 lines


def lines(count: int) -> bytes:
    header = "Account Name,ARR,Segment,Pod,CSM,Note".ljust(LINE - 1, "x") + "\n"
    rows = [f"Customer {n},45000,mm,p1,Dana,".ljust(LINE - 1, "x") + "\n" for n in range(count)]
    found = (header + "".join(rows)).encode()
    assert len(found) == LINE * (count + 1)
    return found


def read_csv(path: Path, shown: str, options: export.ExportOptions):
    with path.open("rb") as raw:
        return export._read_csv(raw, shown, options)


def refusal(path: Path, limit: int = export.EXPORT_MAX_BYTES) -> str:
    with pytest.raises(InputErrors) as caught:
        # The size check before reading is passed by: the file has grown since.
        read_csv(path, "books.csv", export.ExportOptions(max_bytes=limit))
    (error,) = caught.value.errors
    return str(error)


def test_bytes_past_the_limit_are_refused_at_the_chunk_that_brings_them(tmp_path):
    path = tmp_path / "books.csv"
    path.write_bytes(lines(999))
    # The first 8 KiB (lines 1-128) are within 10,000 bytes; the next chunk is not.
    assert refusal(path, 10_000) == (
        "books.csv:129:1: error: export is larger than the 10,000-byte limit"
    )
    assert (
        refusal(path, 5_000) == "books.csv:1:1: error: export is larger than the 5,000-byte limit"
    )


def test_a_nul_byte_is_refused_at_the_chunk_that_holds_it(tmp_path):
    path = tmp_path / "books.csv"
    data = bytearray(lines(999))
    data[3 * 8192 + 10] = 0  # in the fourth chunk: lines 385-512
    path.write_bytes(bytes(data))
    assert refusal(path) == (
        "books.csv:385:1: error: export holds NUL bytes: a binary file, not CSV text"
    )


def test_a_clean_file_is_read_to_its_end(tmp_path):
    path = tmp_path / "books.csv"
    path.write_bytes(lines(999))
    counted = read_csv(path, "books.csv", export.ExportOptions())
    assert counted.rows == 999


def test_reading_everything_stops_a_byte_past_the_limit(tmp_path):
    path = tmp_path / "books.csv"
    path.write_bytes(lines(999))
    with path.open("rb") as raw:
        guarded = export._Guarded(raw, 1_000)
        with pytest.raises(export._Refused, match="larger than the 1,000-byte limit"):
            guarded.read()
        assert raw.tell() == 1_001


def test_the_reasons_left_out_are_counted_in_words():
    from podcheck.judge.report import ExportSummary

    reasons = tuple((f"reason {n}", 1) for n in range(5))
    assert ExportSummary("a.csv", 9, 5, reasons[:4]).why().endswith("; 1 more reason")
    assert ExportSummary("a.csv", 9, 5, reasons).why().endswith("; 2 more reasons")
    assert ExportSummary("a.csv", 9, 3, reasons[:3]).why() == (
        "1 row: reason 0; 1 row: reason 1; 1 row: reason 2"
    )
