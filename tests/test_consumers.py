"""Every CI output in the program that reads it: JUnit against a strict (Jenkins-shaped)
schema, SARIF against its own schema and the hygiene its consumers ask for, Markdown
through cmark-gfm, and annotation paths as the runner resolves them.

The schemas are kept in tests/data (its README gives their sources). cmark-gfm is a Debian
package and an npm one; .ci/run installs it. Locally its test skips when it is missing; in
CI (CI=true) a missing tool fails the run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, ROOT, CliRunner, org
from podcheck.cli.app import app

DATA = ROOT / "tests" / "data"
JUNIT_SCHEMA = DATA / "junit-10.xsd"
NO_GO = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
runner = CliRunner()

WAIVERS = """
waivers:
  - rule: POD103
    segment: enterprise
    pod: ent-1
    reason: "Book is being split in Q1; accepted by the CRO"
    expires: 2027-03-31
  - rule: POD404
    segment: enterprise
    reason: Rebalancing planned
    expires: 2026-01-31
ignore: [POD331]
"""


def invoke(*args: str) -> str:
    return runner.invoke(app, list(args)).stdout


# ---- JUnit ------------------------------------------------------------------------------


def junit_outputs(tmp_path: Path) -> dict[str, str]:
    """JUnit of every example, of waivers and notes, of an input error and of an
    incomplete export: every element the format writes."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\norg: [\n")
    config = tmp_path / "podcheck.yaml"
    config.write_text(WAIVERS)
    bad_rows = tmp_path / "books.csv"
    lines = (ROOT / "examples" / "northwind-accounts.csv").read_text().splitlines()
    bad_rows.write_text("\n".join([*lines, "0015g99999999,Nobody,,,Mid-Market,mm-north,lots,"]))
    north = str(ROOT / "examples" / "northwind-pilot-go.yaml")
    return {
        "examples": invoke("evaluate", "-f", "junit", *map(str, EXAMPLES)),
        "waivers": invoke(
            "evaluate", NO_GO, "-f", "junit", "--config", str(config), "--today", "2026-11-22"
        ),
        "input error": invoke("evaluate", "-f", "junit", str(broken), NO_GO),
        "export": invoke("evaluate", north, "-f", "junit", "--accounts", str(bad_rows)),
    }


@pytest.fixture(scope="module")
def junit_schema() -> Any:
    """The strict schema, built once for this module (xmlschema is imported only here)."""
    import xmlschema

    return xmlschema.XMLSchema(str(JUNIT_SCHEMA))


def test_junit_passes_a_strict_jenkins_schema(tmp_path, junit_schema):
    schema = junit_schema
    outputs = junit_outputs(tmp_path)
    for name, text in outputs.items():
        errors = [str(e.reason) for e in schema.iter_errors(text)]
        assert errors == [], name
    # What made them worth checking: skips, waivers, notes, an error, the incomplete export.
    assert "<skipped" in outputs["examples"] and "waived: Book" in outputs["waivers"]
    assert "<system-out>" in outputs["waivers"] and "<properties>" in outputs["waivers"]
    assert '<error message="' in outputs["input error"]
    assert 'type="export-incomplete"' in outputs["export"]


def test_the_strict_schema_refuses_what_podcheck_used_to_write(junit_schema):
    schema = junit_schema
    case = '<testcase classname="podcheck.org" name="POD301" file="org.yaml" line="3"/>'
    old = (
        '<testsuites name="podcheck" tests="1" failures="0" errors="0" skipped="0">'
        f'<testsuite name="org.yaml" tests="1" failures="0" errors="0">{case}</testsuite>'
        "<system-out>note</system-out></testsuites>"
    )
    reasons = " ".join(str(e.reason) for e in schema.iter_errors(old))
    assert "'file'" in reasons and "'skipped'" in reasons and "system-out" in reasons


# ---- Markdown through cmark-gfm ---------------------------------------------------------

CMARK = shutil.which("cmark-gfm")
# Names that GFM would turn into links or GitHub into notifications, left as they are.
LINKY = "http://evil.example\\ www.evil.example @octocat ops@evil.example"


@pytest.fixture
def cmark() -> str:
    if CMARK is None:
        if os.environ.get("CI"):
            pytest.fail("cmark-gfm is required in CI; .ci/run installs it", pytrace=False)
        pytest.skip("cmark-gfm is not installed (bash .ci/run installs it)")
    return CMARK


def gfm(cmark: str, markdown: str) -> str:
    done = subprocess.run(
        [cmark, "--extension", "table", "--extension", "autolink", "--extension", "tasklist"],
        input=markdown,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def live_mentions(html: str) -> list[str]:
    """@names a reader of the page would see mentioned: in text, not in code or links."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Reader(HTMLParser):
        inside = 0

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.inside += tag in ("code", "a", "pre")

        def handle_endtag(self, tag: str) -> None:
            self.inside -= tag in ("code", "a", "pre")

        def handle_data(self, data: str) -> None:
            if not self.inside:
                found.extend(re.findall(r"(?<![\w`])@[A-Za-z0-9][\w-]*", data))

    Reader().feed(html)
    return found


def test_markdown_makes_no_link_or_mention_from_names(cmark, tmp_path):
    data = org(**{"org.name": LINKY, "segments.0.name": LINKY, "segments.0.acv": 20000})
    path = tmp_path / "@octocat www.evil.example.yaml"  # diff names the file, not the org
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    base = tmp_path / "base.yaml"
    base.write_text(yaml.safe_dump(org(**{"segments.0.name": "Mid"}), sort_keys=False))
    config = tmp_path / "podcheck.yaml"
    config.write_text(f"waivers:\n  - rule: POD101\n    reason: '{LINKY}'\n")
    pages = {
        "evaluate": invoke("evaluate", str(path), "-f", "markdown", "--config", str(config)),
        "checklist": invoke("checklist", str(path), "-f", "markdown", "--config", str(config)),
        "diff": invoke("diff", str(base), str(path), "-f", "markdown"),
    }
    for name, markdown in pages.items():
        assert "evil.example" in markdown, name  # the names are there, as text
        html = gfm(cmark, markdown)
        assert "<a " not in html, name
        assert live_mentions(html) == [], name
        assert "www.evil.example" in html


def test_cmark_check_catches_what_markdown_used_to_write(cmark):
    old = f"| org |\n|---|\n| {LINKY.replace(chr(92), chr(92) * 2)} |\n"
    html = gfm(cmark, old)
    assert '<a href="http://evil.example' in html and live_mentions(html) == ["@octocat"]


# ---- SARIF and annotations --------------------------------------------------------------

SARIF_SCHEMA = DATA / "sarif-schema-2.1.0.json"
MANY = str(ROOT / "tests" / "fixtures" / "review" / "litware-three-segments-no-go.yaml")


def test_sarif_describes_the_tool_and_names_each_rule_apart_from_its_id():
    from importlib.metadata import metadata

    import jsonschema

    sarif = json.loads(invoke("evaluate", NO_GO, "-f", "sarif"))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    driver = sarif["runs"][0]["tool"]["driver"]
    homepage = [
        url.split(", ", 1)[1]
        for url in metadata("podcheck").get_all("Project-URL") or []
        if url.startswith("Homepage, ")
    ]
    assert driver["informationUri"] in homepage
    assert driver["informationUri"].startswith("https://")
    for rule in driver["rules"]:
        assert rule["name"] != rule["id"], rule["id"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule["name"]), rule["name"]


def _repository(tmp_path: Path) -> Path:
    """A git repository with the no-go file in a sub-folder."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=60)
    folder = tmp_path / "org-design"
    folder.mkdir()
    shutil.copy(NO_GO, folder / "nogo.yaml")
    return folder


def test_paths_from_a_sub_folder_are_relative_to_the_repository_root(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(_repository(tmp_path))
    github = invoke("evaluate", "nogo.yaml", "-f", "github", "--output-format", "sarif=x.sarif")
    assert "::error file=org-design/nogo.yaml,line=" in github
    assert "file=nogo.yaml," not in github
    sarif = json.loads((tmp_path / "org-design" / "x.sarif").read_text())
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for location in result["locations"]
    }
    assert uris == {"org-design/nogo.yaml"}


def test_paths_are_relative_to_the_actions_workspace(tmp_path, monkeypatch):
    folder = tmp_path / "work" / "org-design"
    folder.mkdir(parents=True)
    shutil.copy(NO_GO, folder / "nogo.yaml")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "work"))
    monkeypatch.chdir(folder)
    sarif = json.loads(invoke("evaluate", "nogo.yaml", "-f", "sarif"))
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "org-design/nogo.yaml"


def test_more_findings_notice_names_only_what_this_run_wrote(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    alone = invoke("evaluate", MANY, "-f", "github")
    notice = next(line for line in alone.splitlines() if "more findings::" in line)
    assert "more errors not shown" in notice
    assert "SARIF" not in notice and "step summary" not in notice
    assert "--format terminal or json" in notice
    with_sarif = invoke("evaluate", MANY, "-f", "github", "--output-format", "sarif=pc.sarif")
    notice = next(line for line in with_sarif.splitlines() if "more findings::" in line)
    assert "every finding is in the SARIF report pc.sarif" in notice
    assert "step summary" not in notice
    assert (tmp_path / "pc.sarif").is_file()
