"""The review pack as PDF (`podcheck report -o pack.pdf`), through the pdf extra (WeasyPrint),
read back with pypdf: at most two pages on Letter and A4, with the verdict and the cost.

Locally these tests skip, saying why, when the extra is not installed; in CI (CI=true) its
absence fails the run, because .ci/run installs it.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, REVIEW_FIXTURE, ROOT
from podcheck.cli.app import app

try:
    from podcheck.render.pdf import PdfUnavailable, available

    available()
except PdfUnavailable as exc:
    if os.environ.get("CI"):
        pytest.fail(f"{exc} (.ci/run installs it)", pytrace=False)
    pytest.skip(str(exc), allow_module_level=True)


def _reader(stream: io.BytesIO) -> Any:
    from pypdf import PdfReader  # only where a PDF is read: the module may be skipped

    return PdfReader(stream)


COSTS = "\ncosts:\n  ae: $210K\n  csm: $135K\n  se: $190K\n"


def _pdf(path: Path, tmp_path: Path, *options: str) -> tuple[int, str]:
    target = tmp_path / f"{path.stem}.pdf"
    done = CliRunner().invoke(
        app, ["report", str(path), "-o", str(target), "--today", "2026-12-02", *options]
    )
    assert done.exit_code == 0, done.output
    reader = _reader(io.BytesIO(target.read_bytes()))
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    return len(reader.pages), text


def _costed_fixture(tmp_path: Path) -> Path:
    path = tmp_path / "litware-costed.yaml"
    path.write_text(REVIEW_FIXTURE.read_text(encoding="utf-8") + COSTS, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("example", [*EXAMPLES, REVIEW_FIXTURE], ids=lambda p: p.stem)
def test_every_example_prints_on_at_most_two_pages_with_its_verdict(example, paper, tmp_path):
    pages, text = _pdf(example, tmp_path, "--paper", paper)
    assert pages <= 2
    verdict = "NO-GO" if "no-go" in example.stem else None
    if verdict:
        assert verdict in text
    assert "AE+CSM pod readiness" in text and "Decision checklist" in text


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_costed_three_segment_no_go_holds_its_verdict_and_cost(paper, tmp_path):
    pages, text = _pdf(_costed_fixture(tmp_path), tmp_path, "--paper", paper)
    assert pages <= 2
    assert "NO-GO" in text
    assert "What go costs" in text and "Required changes: $" in text
    assert "people only" in text and "no cost stated for sdr" in text


def test_the_suffix_chooses_pdf_and_the_pack_states_what_go_costs(tmp_path):
    example = ROOT / "examples" / "contoso-enterprise-no-go.yaml"
    pages, text = _pdf(example, tmp_path)
    assert pages <= 2
    assert "NO-GO" in text
    # The required plan (hire): three CSMs at launch and one more hire in the year's totals.
    assert "Required changes: $478,125 in the first year, $540,000 a year" in text
    assert "$3,024,000" in text and "4.5%" in text  # ARR per CSM, CSM cost share
    raw = (tmp_path / f"{example.stem}.pdf").read_bytes()
    assert raw.startswith(b"%PDF-")
    reader = _reader(io.BytesIO(raw))
    assert round(float(reader.pages[0].mediabox.width)) == 612  # Letter by default


def test_pdf_flag_writes_the_same_kind_of_document(tmp_path):
    example = ROOT / "examples" / "fabrikam-boundaries.yaml"
    target = tmp_path / "pack.bin"
    done = CliRunner().invoke(
        app, ["report", str(example), "--pdf", "--paper", "a4", "-o", str(target)]
    )
    assert done.exit_code == 0, done.output
    reader = _reader(io.BytesIO(target.read_bytes()))
    assert round(float(reader.pages[0].mediabox.height)) == 842  # A4


def test_without_the_extra_one_line_names_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as when not installed
    example = ROOT / "examples" / "fabrikam-boundaries.yaml"
    target = tmp_path / "pack.pdf"
    done = CliRunner().invoke(app, ["report", str(example), "-o", str(target)])
    assert done.exit_code == 2
    assert done.stderr == (
        "podcheck: error: PDF output needs the pdf extra: pip install 'podcheck[pdf]'; "
        "see 'podcheck report --help'\n"
    )
    assert not target.exists()


def test_a_hostile_name_prints_as_text_and_nothing_is_fetched(tmp_path):
    text = (ROOT / "examples" / "northwind-pilot-go.yaml").read_text(encoding="utf-8")
    hostile = text.replace(
        "name: Northwind Analytics",
        "name: \"Acme <img src='file:///etc/passwd'> & <link rel=stylesheet href=http://x/>\"",
    )
    assert hostile != text
    path = tmp_path / "hostile.yaml"
    path.write_text(hostile, encoding="utf-8")
    pages, printed = _pdf(path, tmp_path)
    assert pages <= 2
    assert "Acme <img src='file:///etc/passwd'> &" in printed
