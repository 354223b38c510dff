"""Every CI output in the program that reads it: JUnit against a strict (Jenkins-shaped)
schema, SARIF against its own schema and the hygiene its consumers ask for, Markdown
through cmark-gfm, and annotation paths as the runner resolves them.

The schemas are kept in tests/data (its README gives their sources). cmark-gfm is a Debian
package and an npm one; .ci/run installs it. Locally its test skips when it is missing; in
CI (CI=true) a missing tool fails the run.
"""

from __future__ import annotations

from pathlib import Path

import xmlschema

from conftest import EXAMPLES, ROOT, CliRunner
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


def test_junit_passes_a_strict_jenkins_schema(tmp_path):
    schema = xmlschema.XMLSchema(str(JUNIT_SCHEMA))
    outputs = junit_outputs(tmp_path)
    for name, text in outputs.items():
        errors = [str(e.reason) for e in schema.iter_errors(text)]
        assert errors == [], name
    # What made them worth checking: skips, waivers, notes, an error, the incomplete export.
    assert "<skipped" in outputs["examples"] and "waived: Book" in outputs["waivers"]
    assert "<system-out>" in outputs["waivers"] and "<properties>" in outputs["waivers"]
    assert '<error message="' in outputs["input error"]
    assert 'type="export-incomplete"' in outputs["export"]


def test_the_strict_schema_refuses_what_podcheck_used_to_write():
    schema = xmlschema.XMLSchema(str(JUNIT_SCHEMA))
    case = '<testcase classname="podcheck.org" name="POD301" file="org.yaml" line="3"/>'
    old = (
        '<testsuites name="podcheck" tests="1" failures="0" errors="0" skipped="0">'
        f'<testsuite name="org.yaml" tests="1" failures="0" errors="0">{case}</testsuite>'
        "<system-out>note</system-out></testsuites>"
    )
    reasons = " ".join(str(e.reason) for e in schema.iter_errors(old))
    assert "'file'" in reasons and "'skipped'" in reasons and "system-out" in reasons
