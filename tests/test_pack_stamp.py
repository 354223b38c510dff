"""A pack judged with an account export is stamped with the export's name and digest, so
that a signed copy can be traced to every file it judged."""

from __future__ import annotations

import hashlib
import html
import re
import shutil

import pytest

from conftest import ROOT, CliRunner
from podcheck.accounts import export as accounts
from podcheck.cli.app import app
from test_accounts import book_rows, write_xlsx

runner = CliRunner()

NORTHWIND = ROOT / "examples" / "northwind-pilot-go.yaml"
BOOKS = ROOT / "examples" / "northwind-accounts.csv"


def _short(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _stamp(page: str) -> str:
    found = re.search(r'<div class="stamp">(.*?)</div>', page)
    assert found is not None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


def _pages(org, books, tmp_path) -> dict[str, str]:
    report = tmp_path / "report.html"
    args = ["--accounts", str(books), "--today", "2026-12-01"]
    made = runner.invoke(app, ["report", str(org), *args, "-o", str(report)])
    assert made.exit_code in (0, 1), made.stderr
    listed = runner.invoke(app, ["checklist", str(org), *args, "-f", "html"])
    assert listed.exit_code == 0, listed.stderr
    return {"report": report.read_text(encoding="utf-8"), "checklist": listed.stdout}


@pytest.mark.parametrize("page", ["report", "checklist"])
def test_the_stamp_names_and_hashes_the_export(page, tmp_path):
    stamp = _stamp(_pages(NORTHWIND, BOOKS, tmp_path)[page])
    file_digest = _short(NORTHWIND.read_bytes())
    assert stamp.startswith("2026-12-01 · podcheck ")
    assert f"· file sha256 {file_digest} · no config · " in stamp
    assert stamp.endswith(f"· export {BOOKS} sha256 {_short(BOOKS.read_bytes())}")


def test_a_changed_export_changes_the_stamp(tmp_path):
    books = tmp_path / "books.csv"
    shutil.copyfile(BOOKS, books)
    before = _stamp(_pages(NORTHWIND, books, tmp_path)["report"])
    books.write_bytes(BOOKS.read_bytes() + b"\n")  # one blank line more: same books
    after = _stamp(_pages(NORTHWIND, books, tmp_path)["report"])
    assert before != after
    assert after.endswith(f"sha256 {_short(books.read_bytes())}")


def test_without_an_export_the_stamp_names_none(tmp_path):
    outcome = runner.invoke(app, ["report", str(NORTHWIND), "--today", "2026-12-01"])
    assert "export" not in _stamp(outcome.stdout)


def test_a_workbooks_digest_is_of_its_bytes(tmp_path):
    book = write_xlsx(tmp_path / "accounts.xlsx", book_rows())
    counted = accounts.read_export(str(book), accounts.ExportOptions(digest=True))
    assert counted.digest == _short(book.read_bytes())
    csv_counted = accounts.read_export(str(BOOKS), accounts.ExportOptions(digest=True))
    assert csv_counted.digest == _short(BOOKS.read_bytes())


def test_an_export_is_hashed_only_when_its_digest_is_asked_for(tmp_path):
    """Only the pack shows the digest: evaluate and plan read the export without hashing it."""
    book = write_xlsx(tmp_path / "accounts.xlsx", book_rows())
    for path in (book, BOOKS):
        unasked = accounts.read_export(str(path), accounts.ExportOptions())
        asked = accounts.read_export(str(path), accounts.ExportOptions(digest=True))
        assert unasked.digest is None
        assert asked.digest == _short(path.read_bytes())
        assert unasked._replace(digest=asked.digest) == asked


def test_a_large_csvs_digest_is_of_every_byte_it_tallied(tmp_path):
    """The digest is taken as the tally reads: across many reads, with a byte-order mark,
    and with trailing blank lines the rows never reach."""
    lines = BOOKS.read_bytes().splitlines(keepends=True)
    body = b"".join(lines[1:])
    books = tmp_path / "books.csv"
    books.write_bytes(b"\xef\xbb\xbf" + lines[0] + body * (3 * accounts.DIGEST_CHUNK // len(body)))
    with books.open("ab") as more:
        more.write(b"\n\n\n")
    counted = accounts.read_export(str(books), accounts.ExportOptions(digest=True))
    assert counted.digest == _short(books.read_bytes())


def _changing_the_file_once_read(monkeypatch, change):
    """The tally reads every row, then `change` alters the file on disk before the digest."""
    from podcheck.accounts import tally

    original = tally.tally

    def tally_then_change(*args, **kwargs):
        counted = original(*args, **kwargs)
        change()
        return counted

    monkeypatch.setattr(tally, "tally", tally_then_change)


def test_rows_added_after_the_tally_are_not_in_the_digest(tmp_path, monkeypatch):
    books = tmp_path / "books.csv"
    shutil.copyfile(BOOKS, books)
    judged = books.read_bytes()

    def append() -> None:
        with books.open("ab") as more:
            more.write(b"Late Co,001LATE,45000,mm,p1,Ann,Dana,2027-03-01\n")

    _changing_the_file_once_read(monkeypatch, append)
    counted = accounts.read_export(str(books), accounts.ExportOptions(digest=True))
    assert books.read_bytes() != judged
    assert counted.digest == _short(judged)


def test_a_workbook_renamed_over_the_path_is_not_stamped_for_the_one_judged(tmp_path, monkeypatch):
    book = write_xlsx(tmp_path / "accounts.xlsx", book_rows())
    judged = book.read_bytes()
    other = write_xlsx(tmp_path / "other.xlsx", book_rows()[:5])
    _changing_the_file_once_read(monkeypatch, lambda: other.replace(book))
    counted = accounts.read_export(str(book), accounts.ExportOptions(digest=True))
    assert book.read_bytes() != judged
    assert counted.digest == _short(judged)
    assert counted.rows == len(book_rows())
