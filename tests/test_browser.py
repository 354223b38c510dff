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

from conftest import CATALOGUE, EXAMPLES, ROOT
from podcheck import checklist
from podcheck.engine import evaluate
from podcheck.html_report import render_checklist, render_report
from podcheck.loader import load_org

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
    relative = example.relative_to(ROOT).as_posix()
    loaded = load_org(relative, example.read_text(encoding="utf-8"))
    report = evaluate(loaded, CATALOGUE)
    made = checklist.build(report, loaded.org, CATALOGUE)
    return render_report(report, loaded.org, CATALOGUE, made), render_checklist(made), made


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


def test_screenshots_to_look_at(tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for example in EXAMPLES:
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
