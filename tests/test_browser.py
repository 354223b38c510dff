"""The review pack printed by a real browser: headless Chromium to PDF, read back by poppler.

Locally these tests skip, with the reason, when Chromium or poppler is missing; in CI
(CI=true) a missing browser fails the run, because .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import (
    CATALOGUE,
    EXAMPLES,
    REVIEW_FIXTURE,
    REVIEW_WAIVERS,
    ROOT,
    review_pack,
)
from podcheck import __version__
from podcheck.judge.engine import evaluate
from podcheck.orgfile.loader import load_org
from podcheck.render.html_report import render_report
from podcheck.review import checklist

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
ARTIFACTS = ROOT / "build" / "browser"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]

pytestmark = pytest.mark.browser

if not (CHROMIUM and POPPLER):
    missing = "chromium" if not CHROMIUM else "poppler-utils (pdftotext, pdfinfo)"
    if os.environ.get("CI"):
        pytest.fail(f"{missing} is required in CI; .ci/run installs it", pytrace=False)
    pytest.skip(
        f"{missing} is not installed; install it to run the browser tests", allow_module_level=True
    )


def _chromium(tmp_path: Path, *args: str) -> None:
    profile = tmp_path / "profile"
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def print_pdf(html: str, tmp_path: Path, name: str, paper: str | None = None) -> Path:
    if paper:  # the same page on another paper size, as a user's print dialog would choose
        html = html.replace("</style>", f"@page {{ size: {paper}; }}</style>", 1)
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    return pdf


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def text(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.split())


def _pack(example: Path):
    pack = review_pack(example)
    return pack.report_html, pack.checklist_html, pack.checklist


@pytest.mark.parametrize("paper", ["Letter", "A4"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_report_prints_within_two_pages_with_every_question(example, paper, tmp_path):
    report_html, checklist_html, made = _pack(example)
    report_pdf = print_pdf(report_html, tmp_path, "report", paper)
    assert pages(report_pdf) <= 2
    printed = text(report_pdf)
    assert made.org in printed
    for question in made.questions:
        assert f"{question.number}. {question.text}" in printed
        for evidence in question.evidence[:1]:
            assert evidence.rule in printed
    checklist_pdf = print_pdf(checklist_html, tmp_path, "checklist", paper)
    assert pages(checklist_pdf) == 1
    assert all(q.text in text(checklist_pdf) for q in made.questions)


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_large_no_go_proposal_prints_on_two_pages_with_its_figures(paper, tmp_path):
    pack = review_pack(REVIEW_FIXTURE, REVIEW_WAIVERS)
    pdf = print_pdf(pack.report_html, tmp_path, "large", paper)
    assert pages(pdf) <= 2
    printed = text(pdf)
    # The stamp.
    assert f"2026-11-23 · podcheck {__version__} · file sha256 {pack.stamp.file_digest}" in printed
    assert f"config sha256 {pack.stamp.config_digest}" in printed
    # The scorecard: every segment, pod or not, with its figures.
    for figure in (
        "Enterprise North",
        "Mid-Market",
        "SMB Pool",
        "$96,500",
        "$41,000",
        "$11,500",
        "2,300",
        "383.3",
        "1.75:1",
        "1.71:1",
        "month 15",
        "+9 AE, +3 CSM",
        "over 18 months",
        "+6 AE, +2 CSM",
    ):
        assert figure in printed, figure
    # Headcount AE / CSM: poppler may drop the thin spaces around the slash.
    squeezed = printed.replace(" ", "")
    assert "13/10" in squeezed and "12/10" in squeezed and "9/6" in squeezed
    # The exceptions, with reasons and expiry, and the expired waiver's note.
    assert "Exceptions" in printed
    for waiver in REVIEW_WAIVERS[:3]:
        assert waiver.reason.split(";")[0] in printed
    assert "2027-03-31" in printed and "2027-01-15" in printed and "no expiry" in printed
    assert "waiver for POD402 expired on 2026-01-31" in printed
    assert "WAIVED" in printed
    # The sign-off block.
    assert "Sign-off" in printed
    for role in ("CRO", "VP Customer Success", "RevOps"):
        assert f"{role} Name Date Decision: go / no-go / go with conditions" in printed
    # The charts say where the plan ends, in text the PDF keeps.
    assert "no plan beyond month 18" in printed and "no plan beyond month 12" in printed
    checklist_pdf = print_pdf(pack.checklist_html, tmp_path, "large-checklist", paper)
    assert pages(checklist_pdf) <= 2
    assert "Sign-off" in text(checklist_pdf) and "Exceptions" in text(checklist_pdf)


def test_screenshots_to_look_at(tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for example in [*EXAMPLES, REVIEW_FIXTURE]:
        report_html, _, _ = _pack(example)
        page = tmp_path / f"{example.stem}.html"
        page.write_text(report_html, encoding="utf-8")
        shot = ARTIFACTS / f"{example.stem}.png"
        _chromium(tmp_path, "--window-size=1100,1600", f"--screenshot={shot}", page.as_uri())
        assert shot.stat().st_size > 10_000
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_hostile_names_print_as_text(tmp_path):
    data = yaml.safe_load((ROOT / "examples" / "northwind-pilot-go.yaml").read_text())
    data["org"]["name"] = "Acme <img src=x onerror=alert(1)> & Co"
    loaded = load_org("org.yaml", yaml.safe_dump(data))
    report = evaluate(loaded, CATALOGUE)
    html = render_report(
        report, loaded.org, CATALOGUE, checklist.build(report, loaded.org, CATALOGUE)
    )
    assert "Acme <img src=x onerror=alert(1)> & Co" in text(print_pdf(html, tmp_path, "hostile"))
