"""Every format says what shaped the verdict: rules not run, thresholds the config changed
(both values), and waivers applied with their reason."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, CliRunner
from podcheck.cli.app import app
from podcheck.render.formats import FORMATS

NO_GO = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
CONFIG = """\
rules:
  POD101:
    threshold: $40K
  POD205:
    severity: error
  POD331:
    enabled: false
waivers:
  - rule: POD404
    segment: enterprise
    reason: Books are being rebalanced this quarter
    expires: 2099-01-31
"""


@pytest.fixture()
def shaped(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "podcheck.yaml"
    config.write_text(CONFIG)
    outputs = {}
    for fmt in FORMATS:
        outcome = CliRunner().invoke(
            app,
            [
                "evaluate",
                NO_GO,
                "-f",
                fmt,
                "-c",
                str(config),
                "--ignore",
                "POD6",
                "--today",
                "2026-11-23",
            ],
        )
        assert outcome.exit_code == 1, outcome.output
        outputs[fmt] = outcome.stdout
    return outputs


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_says_what_shaped_the_verdict(shaped: dict[str, str], fmt: str):
    text = shaped[fmt]
    if fmt == "json":
        data = json.loads(text)
        assert {"rule": "POD331", "why": "config"} in data["rules_not_run"]
        assert {"rule": "POD601", "why": "ignore"} in data["rules_not_run"]
        assert {"rule": "POD101", "field": "threshold", "catalogue": 30000, "used": 40000} in (
            data["overrides"]
        )
        assert {"rule": "POD205", "field": "severity", "catalogue": "warning", "used": "error"} in (
            data["overrides"]
        )
        waived = [r for r in data["files"][0]["results"] if r["status"] == "waived"]
        assert [r["waiver"] for r in waived] == ["Books are being rebalanced this quarter"]
        assert "POD331" not in data["rules_run"]
        return
    if fmt == "sarif":
        run = json.loads(text)["runs"][0]
        notes = [
            n["message"]["text"] for n in run["invocations"][0]["toolConfigurationNotifications"]
        ]
        text = "\n".join(notes)
        assert {"rule": "POD331", "why": "config"} in run["properties"]["rulesNotRun"]
    if fmt == "junit":
        root = ET.fromstring(text)
        values = [p.get("value") for p in root.iter("property")]
        text = "\n".join(v or "" for v in values)
    if fmt == "markdown":
        text = text.replace("\\", "")  # cells escape Markdown's specials
    if fmt == "terminal":
        text = " ".join(text.split())  # what is said, wherever the lines wrap
    assert "rules not run (turned off in the config): POD331" in text
    assert "rules not run (ignored): POD601, POD602" in text
    assert "POD101 threshold changed by the config: $30,000 → $40,000" in text
    assert "POD205 severity changed by the config: warning → error" in text
    assert "Books are being rebalanced this quarter" in text
    assert "until 2099-01-31" in text


def test_fail_on_warning_says_why_a_go_run_fails(tmp_path):
    # The Initech pilot before its pre-sales drift (revision 3 makes the drift a no-go).
    go = str(ROOT / "tests" / "fixtures" / "review" / "initech-warnings-only-go.yaml")
    outcome = CliRunner().invoke(app, ["evaluate", go, "--fail-on", "warning"])
    assert outcome.exit_code == 1
    assert " GO " in outcome.stdout
    assert "--fail-on warning: 3 failed warnings fail this run (exit 1)" in outcome.stdout


def test_one_failing_warning_under_the_warning_gate_is_said_in_the_singular():
    wingtip = str(ROOT / "examples" / "wingtip-pilot-cohort.yaml")  # one warning fails
    outcome = CliRunner().invoke(app, ["evaluate", wingtip, "--fail-on", "warning"])
    assert outcome.exit_code == 1
    assert "--fail-on warning: 1 failed warning fails this run (exit 1)" in outcome.stdout


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "text", "html"])
def test_the_checklist_says_what_shaped_the_verdict(tmp_path: Path, fmt: str):
    config = tmp_path / "podcheck.yaml"
    config.write_text(CONFIG)
    outcome = CliRunner().invoke(
        app, ["checklist", NO_GO, "-f", fmt, "-c", str(config), "--today", "2026-11-23"]
    )
    text = outcome.stdout.replace("\\", "")
    assert "What shaped this verdict" in text
    assert "rules not run (turned off in the config): POD331" in text
    assert "POD101 threshold changed by the config: $30,000 → $40,000" in text


def test_a_selection_without_an_export_does_not_list_the_export_rules_as_unselected():
    # Without an export the POD7xx rules wait for one, selected or not: they are neither
    # "not selected" in the notes nor counted.
    northwind = str(ROOT / "examples" / "northwind-pilot-go.yaml")
    runner = CliRunner()
    shown = runner.invoke(app, ["evaluate", northwind, "--select", "POD1,POD2"]).stdout
    assert "not selected" in shown and "POD801" in shown
    assert "POD70" not in shown
    data = json.loads(
        runner.invoke(app, ["evaluate", northwind, "--select", "POD1,POD2", "-f", "json"]).stdout
    )
    why = {item["rule"]: item["why"] for item in data["rules_not_run"]}
    assert why["POD701"] == "no-export" and why["POD801"] == "select"


def test_the_plan_says_what_shaped_it(tmp_path, monkeypatch):
    # The config's bar and a waiver move what the plan asks for: the plan says so, as
    # evaluate does, in the terminal and in Markdown.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "podcheck.yaml").write_text(
        "rules:\n  POD103: {threshold: 25}\n"
        "waivers:\n  - rule: POD321\n    reason: comp plan signed in Q1\n"
    )
    contoso = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
    runner = CliRunner()
    for fmt, heading in (("terminal", "What shaped this plan"), ("markdown", "#### What shaped")):
        shown = runner.invoke(app, ["plan", contoso, "-f", fmt, "--today", "2026-12-03"]).stdout
        after = shown.split(heading, 1)[1]
        assert "POD103 threshold changed by the config: 35 → 25" in after
        assert "waiver for POD321" in after and "comp plan signed in Q1" in after
    plain = runner.invoke(app, ["plan", contoso, "-c", str(tmp_path / "none.yaml")])
    assert plain.exit_code == 2  # a config named must exist
    (tmp_path / "podcheck.yaml").unlink()
    assert "What shaped" not in runner.invoke(app, ["plan", contoso]).stdout
