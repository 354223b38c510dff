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
    # A label wrapped after its hyphen ("coverage-" at a line's end) reads "coverage- plan".
    unwrapped = printed.replace("- ", "-")
    for question in made.questions:
        assert f"{question.number}. {question.text}" in printed
        for evidence in question.evidence[:1]:
            assert evidence.rule in unwrapped
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


# ---- With the real books: two pages, and every chart label whole and apart -------------


def crm_export(org_data: dict, path: Path, csm_name=None) -> Path:
    """The CRM export of an org file's pod segments as Salesforce writes it (US dates, money
    with a '$' and cents, segment names as the CRM spells them): one row per account, one
    AE and one CSM per pod, ARR spread so that some accounts sit under the floor."""
    import csv

    header = [
        "Account ID",
        "Account Name",
        "Account Owner",
        "Customer Success Manager",
        "Segment",
        "Pod",
        "Annual Recurring Revenue",
        "Renewal Date",
    ]
    rows = []
    for s_index, segment in enumerate(s for s in org_data["segments"] if s["model"] == "pod"):
        for p_index, pod in enumerate(segment["pods"]):
            for i in range(pod["accounts"]):
                n = len(rows)
                csm = csm_name(s_index, p_index) if csm_name else f"CSM {segment['id']} {p_index}"
                arr = 20_000 + (n * 7919) % 90_000
                rows.append(
                    [
                        f"001{n:06d}",
                        f"Customer {n}",
                        f"AE {s_index}-{p_index}",
                        csm,
                        segment.get("name", segment["id"]).upper(),
                        pod["id"],
                        f"${arr:,}.00",
                        f"{i % 12 + 1}/{13 + i % 15}/2027",
                    ]
                )
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _cli_pack(tmp_path: Path, org_file: Path, export: Path, monkeypatch) -> str:
    """The pack as `podcheck report` writes it, run beside short relative names: the pack
    prints the file's path, and the page count must not depend on where the checkout is."""
    from typer.testing import CliRunner

    from podcheck.cli.app import app

    if org_file.parent != tmp_path:
        shutil.copyfile(org_file, tmp_path / org_file.name)
    monkeypatch.chdir(tmp_path)
    args = ["report", org_file.name, "--accounts", export.name, "-o", "pack.html"]
    done = CliRunner().invoke(app, [*args, "--today", "2026-11-23"])
    assert done.exit_code == 0, done.stderr
    return (tmp_path / "pack.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_three_segment_no_go_with_an_export_prints_on_two_pages(paper, tmp_path, monkeypatch):
    data = yaml.safe_load(REVIEW_FIXTURE.read_text(encoding="utf-8"))
    export = crm_export(data, tmp_path / "books.csv")
    page = _cli_pack(tmp_path, REVIEW_FIXTURE, export, monkeypatch)
    pdf = print_pdf(page, tmp_path, "books", paper)
    assert pages(pdf) <= 2
    printed = text(pdf)
    assert "NO-GO" in printed and "Sign-off" in printed
    # The books' charts and figures, beside the proposal's (titles may wrap in the PDF).
    assert printed.count("top 8 CSM loads") == 2
    assert printed.count("ARR by pod (export)") == 2
    assert "books: 48" in printed and "books: 66" in printed and printed.count("books") >= 8
    assert "enterprise, proposal: ACV $96,500" in printed
    assert (
        "5. Does comp hold the pair jointly accountable, through a shared NRR or expansion target?"
        in printed
    )


# Reads every chart's text boxes once laid out: whether each lies within its chart and
# whether any two overlap. Written into the page, read back from --dump-dom.
_LABELS_PROBE = """<script>
var found = [];
document.querySelectorAll("svg.chart").forEach(function (svg, chart) {
  var box = svg.viewBox.baseVal, texts = Array.from(svg.querySelectorAll("text"));
  var boxes = texts.map(function (t) { return [t.textContent, t.getBBox()]; });
  boxes.forEach(function (a, i) {
    var b = a[1];
    if (b.x < -0.5 || b.y < -0.5 || b.x + b.width > box.width + 0.5 || b.y + b.height > box.height + 0.5)
      found.push(["clipped", chart, a[0]]);
    boxes.slice(i + 1).forEach(function (c) {
      var d = c[1];
      var w = Math.min(b.x + b.width, d.x + d.width) - Math.max(b.x, d.x);
      var h = Math.min(b.y + b.height, d.y + d.height) - Math.max(b.y, d.y);
      if (w > 0.5 && h > 0.5) found.push(["overlap", chart, a[0], c[0]]);
    });
  });
});
var p = document.createElement("pre"); p.id = "labels"; p.textContent = JSON.stringify(found);
document.body.appendChild(p);
</script>"""


def chart_label_problems(page: str, tmp_path: Path) -> list[list[object]]:
    import html
    import json
    import re

    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", _LABELS_PROBE + "</body>"), encoding="utf-8")
    profile = tmp_path / "probe-profile"
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'<pre id="labels">([^<]*)</pre>', done.stdout)
    assert found, done.stderr[-1000:]
    problems: list[list[object]] = json.loads(html.unescape(found.group(1)))
    return problems


def _longest_names_org() -> dict:
    """Twelve pod segments, every id as long as the format allows and of the widest
    letters, long names, a plan that runs out before month 24."""
    segments = []
    for s in range(12):
        pods = [
            {
                "id": f"{'w' * 58}-{s:02d}-{p}m",
                "ae": 2,
                "csm": 1,
                "accounts": 41 + p,
                "arr": 12_345_678 + p,
            }
            for p in range(3)
        ]
        segments.append(
            {
                "id": f"{'m' * 60}-{s:03d}",
                "name": f"WWW Mammoth Worldwide Segment {s} " * 6,
                "tier": "enterprise",
                "model": "pod",
                "acv": "$96,500.50",
                "accounts": sum(pod["accounts"] for pod in pods),
                "headcount": {"ae": 6, "csm": 3},
                "hiring_plan": [{"month": 2, "ae": 2}, {"month": 18, "ae": 1, "csm": 1}],
                "pods": pods,
            }
        )
    data = yaml.safe_load((ROOT / "examples" / "contoso-enterprise-no-go.yaml").read_text())
    data["org"]["name"] = "Wide Worldwide Holdings " * 8
    data["segments"] = segments
    return data


def test_chart_labels_are_whole_and_apart_with_the_longest_names(tmp_path, monkeypatch):
    data = _longest_names_org()
    org_file = tmp_path / "org.yaml"
    org_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    export = crm_export(
        data,
        tmp_path / "books.csv",
        csm_name=lambda s, p: f"Wilhelmina Wolfsmith-Mammoth {s} {p} " * 3,
    )
    page = _cli_pack(tmp_path, org_file, export, monkeypatch)
    assert page.count('class="chart"') >= 12 * 3
    assert "no plan beyond month 18" in page and "with the plan" in page
    assert chart_label_problems(page, tmp_path) == []


def test_the_label_probe_finds_clipped_and_overlapping_labels(tmp_path):
    bad = (
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>'
        '<svg class="chart" viewBox="0 0 100 20" width="100pt" height="20pt">'
        '<text x="-30" y="10" font-size="8">far too long to fit here</text>'
        '<text x="60" y="10" font-size="8">one</text><text x="62" y="11" font-size="8">two</text>'
        "</svg></body></html>"
    )
    kinds = [problem[0] for problem in chart_label_problems(bad, tmp_path)]
    assert "clipped" in kinds and "overlap" in kinds
