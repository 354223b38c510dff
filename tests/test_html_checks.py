"""The HTML pages through real checkers: html-validate (markup and ARIA) and axe-core in
headless Chromium (accessibility).

.ci/run installs both from npm (pinned in .ci/package.json) into .ci/node_modules, or where
PODCHECK_NODE_TOOLS points. Locally these tests skip, with the reason, when they are
missing; in CI (CI=true) a missing tool fails the run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, ROOT, org
from test_hostile import HOSTILE

TOOLS = Path(os.environ.get("PODCHECK_NODE_TOOLS") or ROOT / ".ci" / "node_modules")
VALIDATOR = TOOLS / ".bin" / "html-validate"
AXE = TOOLS / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE = shutil.which("node")

# Each test starts node, and the axe ones Chromium: seconds, not the quick subset's share.
pytestmark = pytest.mark.slow

_missing = [
    what
    for what, there in (
        ("node", NODE),
        ("html-validate", VALIDATOR.exists()),
        ("axe-core", AXE.exists()),
        ("chromium", CHROMIUM),
    )
    if not there
]
if _missing:
    if os.environ.get("CI"):
        pytest.fail(f"{', '.join(_missing)} required in CI; .ci/run installs them", pytrace=False)
    pytest.skip(
        f"{', '.join(_missing)} not installed (bash .ci/run installs them)",
        allow_module_level=True,
    )


def _pages(tmp_path: Path) -> list[Path]:
    """The review pack and the checklist page of every example and of a hostile org."""
    from conftest import CliRunner
    from podcheck.cli.app import app

    runner = CliRunner()
    hostile = tmp_path / "hostile.yaml"
    name = " ".join(HOSTILE.values())
    hostile.write_text(
        yaml.safe_dump(org(**{"org.name": name, "segments.0.name": name}), allow_unicode=True)
    )
    pages = []
    for source in [*EXAMPLES, hostile]:
        for command in (["report"], ["checklist", "--format", "html"]):
            page = tmp_path / f"{source.stem}-{command[0]}.html"
            outcome = runner.invoke(app, [*command, str(source), "-o", str(page)])
            assert outcome.exit_code == 0, outcome.stderr
            pages.append(page)
    # With an account export the pack has the real books' charts and figures too.
    export = ROOT / "examples" / "northwind-accounts.csv"
    for command in (["report"], ["checklist", "--format", "html"]):
        page = tmp_path / f"northwind-accounts-{command[0]}.html"
        source = ROOT / "examples" / "northwind-pilot-go.yaml"
        outcome = runner.invoke(
            app, [*command, str(source), "--accounts", str(export), "-o", str(page)]
        )
        assert outcome.exit_code == 0, outcome.stderr
        pages.append(page)
    return pages


def test_pages_pass_html_validate(tmp_path):
    pages = _pages(tmp_path)
    done = subprocess.run(
        [str(VALIDATOR), "--formatter", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    problems = [
        (Path(result["filePath"]).name, message["ruleId"], message["message"])
        for result in json.loads(done.stdout or "[]")
        for message in result["messages"]
    ]
    assert problems == []
    assert done.returncode == 0, done.stderr


def test_html_validate_catches_a_label_on_a_plain_span(tmp_path):
    """The checker is really at work: the markup podcheck used to write fails it."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        '<body><main><span class="box" aria-label="done"></span></main></body></html>\n'
    )
    done = subprocess.run([str(VALIDATOR), str(page)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "aria-label-misuse" in done.stdout


_PROBE = (
    "<script>{axe}</script><script>axe.run(document, {{resultTypes: ['violations']}})"
    ".then(function (r) {{ var p = document.createElement('pre'); p.id = 'axe-result';"
    " p.textContent = JSON.stringify(r.violations.map(function (v) {{"
    " return [v.id, v.impact, v.nodes.length]; }})); document.body.appendChild(p); }});"
    "</script>"
)


def _axe_violations(page: Path, tmp_path: Path) -> list[list[object]]:
    probe = _PROBE.format(axe=AXE.read_text(encoding="utf-8"))
    checked = tmp_path / f"axe-{page.name}"
    checked.write_text(page.read_text(encoding="utf-8").replace("</body>", probe + "</body>"))
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=30000",
            "--dump-dom",
            checked.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    found = re.search(r'<pre id="axe-result">([^<]*)</pre>', done.stdout)
    assert found, f"axe did not report: {done.stderr[-1000:]}"
    result: list[list[object]] = json.loads(found.group(1).replace("&quot;", '"'))
    return result


def test_pages_pass_axe(tmp_path):
    chosen = ("hostile", "northwind-accounts", EXAMPLES[0].stem)
    pages = [p for p in _pages(tmp_path) if p.stem.startswith(chosen)]
    for page in pages:
        assert _axe_violations(page, tmp_path) == [], page.name


def test_axe_catches_an_unlabelled_image(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        '<body><main><span role="img"></span></main></body></html>\n'
    )
    assert any(v[0] == "role-img-alt" for v in _axe_violations(page, tmp_path))
