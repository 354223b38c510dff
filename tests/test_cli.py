"""The command line through typer's runner, and the installed console script for real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import EXAMPLES, ROOT, installed_script
from podcheck.cli import app

runner = CliRunner()
GO = str(ROOT / "examples" / "northwind-pilot-go.yaml")
NO_GO = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
WARNINGS_ONLY = str(ROOT / "examples" / "initech-pilot-review.yaml")


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), input=input, env=env)


def test_exit_codes_follow_the_verdicts():
    assert invoke("evaluate", GO).exit_code == 0
    assert invoke("evaluate", NO_GO).exit_code == 1
    assert invoke("evaluate", WARNINGS_ONLY).exit_code == 0
    assert invoke("evaluate", WARNINGS_ONLY, "--fail-on", "warning").exit_code == 1
    assert invoke("evaluate", NO_GO, "--fail-on", "never").exit_code == 0


def test_input_error_exits_2_and_other_files_are_still_reported(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\norg: {name: X}\nsegments: nope\n")
    outcome = invoke("evaluate", GO, str(bad), "--format", "json")
    assert outcome.exit_code == 2
    assert outcome.stderr.strip() == f"{bad}:3:11: error: segments: expected a list, got 'nope'"
    data = json.loads(outcome.stdout)
    assert [f["verdict"] for f in data["files"]] == ["go", "error"]
    assert data["files"][1]["errors"] == [
        {"line": 3, "column": 11, "message": "segments: expected a list, got 'nope'"}
    ]
    assert "results" not in data["files"][1]
    assert data["verdict"] == "error"


def test_json_report_matches_the_contract():
    outcome = invoke("evaluate", NO_GO, "-f", "json")
    data = json.loads(outcome.stdout)
    assert {"tool", "version", "verdict", "files"} <= set(data)
    file = data["files"][0]
    assert {"path", "org", "verdict", "errors", "segments", "results"} <= set(file)
    segment = file["segments"][0]
    assert {"id", "model", "verdict", "score", "recommended"} <= set(segment)
    for item in file["results"]:
        assert {
            "rule",
            "name",
            "severity",
            "status",
            "segment",
            "pod",
            "actual",
            "threshold",
            "message",
            "line",
            "column",
        } <= set(item)
        assert item["status"] in {"pass", "fail", "skip"}
    load = next(r for r in file["results"] if r["rule"] == "POD103" and r["pod"] is None)
    assert (load["actual"], load["threshold"], load["status"]) == (42, 35, "fail")


def test_json_is_byte_identical_across_runs():
    first = invoke("evaluate", *map(str, EXAMPLES), "-f", "json").stdout
    second = invoke("evaluate", *map(str, EXAMPLES), "-f", "json").stdout
    assert first == second


def test_standard_input():
    text = Path(GO).read_text()
    outcome = invoke("evaluate", "-", "-f", "json", input=text)
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout)["files"][0]["path"] == "<stdin>"
    broken = invoke("evaluate", "-", input="version: [1\n")
    assert broken.exit_code == 2
    assert broken.stderr.startswith("<stdin>:2:1: error: invalid YAML")


def test_terminal_report_shows_failures_with_evidence():
    outcome = invoke("evaluate", NO_GO, "--color", "never")
    out = outcome.stdout
    assert "NO-GO" in out
    assert "✗ POD103 csm-load [error]" in out
    assert "42 accounts per CSM; pods need fewer than 35" in out
    assert "actual 42 · needed under 35" in out
    assert "\x1b[" not in out
    assert "POD101 acv-floor" not in out  # passes are summarised...
    assert "POD101 acv-floor" in invoke("evaluate", NO_GO, "-v").stdout  # ...and listed on -v


def test_colour_only_when_asked_or_on_a_terminal():
    assert "\x1b[" in invoke("evaluate", GO, "--color", "always").stdout
    assert "\x1b[" not in invoke("evaluate", GO, env={"NO_COLOR": "1"}).stdout


def test_config_file_in_working_directory_and_option(tmp_path, monkeypatch):
    (tmp_path / "podcheck.yaml").write_text("rules:\n  POD101: {threshold: 100K}\n")
    monkeypatch.chdir(tmp_path)
    data = json.loads(invoke("evaluate", GO, "-f", "json").stdout)
    acv = next(r for r in data["files"][0]["results"] if r["rule"] == "POD101")
    assert (acv["status"], acv["threshold"]) == ("fail", 100000)
    other = tmp_path / "strict.yaml"
    other.write_text("rules:\n  POD101: {severity: nonsense}\n")
    outcome = invoke("evaluate", GO, "--config", str(other))
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(f"{other}:2:22: error: rules.POD101.severity")


def test_rules_lists_every_rule_of_the_catalogue():
    from podcheck.rulebook import load_catalogue

    data = json.loads(invoke("rules", "--format", "json").stdout)
    assert [r["code"] for r in data["rules"]] == [r.code for r in load_catalogue()]
    assert all({"severity", "default_severity"} <= set(r) for r in data["rules"])
    table = invoke("rules").stdout
    assert "POD204  projected-ratio" in table
    assert "at most 1.2:1" in table


def test_explain_by_code_and_name():
    by_code = invoke("explain", "pod103")
    assert by_code.exit_code == 0
    assert by_code.stdout.startswith("POD103 csm-load")
    assert "passes when: under 35" in by_code.stdout
    assert "Source" in by_code.stdout
    assert invoke("explain", "acv-floor").stdout.startswith("POD101 acv-floor")
    missing = invoke("explain", "POD109")
    assert missing.exit_code == 2
    assert "no rule 'POD109'" in missing.stderr


def test_init_writes_a_starter_that_validates_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "org.yaml"
    assert invoke("init", str(target)).exit_code == 0
    assert yaml.safe_load(target.read_text())["version"] == 1
    assert invoke("evaluate", str(target)).exit_code == 0
    again = invoke("init", str(target))
    assert again.exit_code == 2
    assert "file exists; use --force" in again.stderr
    assert invoke("init", str(target), "--force").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org.yaml"]


def test_project_terminal_and_json():
    path = str(ROOT / "examples" / "globex-hybrid-maze.yaml")
    data = json.loads(invoke("project", path, "--months", "24", "-f", "json").stdout)
    enterprise = data["segments"][0]
    assert len(enterprise["months"]) == 25
    assert enterprise["first_month_over_limit"] == 2
    assert enterprise["first_month_pooled"] == 5
    assert enterprise["months"][2] == {"month": 2, "ae": 7, "csm": 5, "ratio": 1.4}
    chart = invoke("project", path, "--color", "never").stdout
    assert "first past 1.2:1 in month 2; at or past 1.5:1 in month 5" in chart
    assert "past 1.5" in chart
    assert invoke("project", path, "--months", "25").exit_code == 2


def test_bad_option_exits_2():
    assert invoke("evaluate", GO, "--format", "yaml").exit_code == 2
    assert invoke("evaluate").exit_code == 2


def test_installed_console_script_runs_from_any_directory(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    done = subprocess.run(
        [installed_script(), "evaluate", GO, "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "go"
    module = subprocess.run(
        [sys.executable, "-m", "podcheck", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert module.stdout.strip() == "podcheck 0.1.0"


@pytest.mark.parametrize(
    "text",
    [
        "version: !!python/object/apply:os.system ['touch pwned']\n",
        "[" * 40000,
        "\x00\x01",
        "a: *b\n",
    ],
)
def test_installed_script_never_prints_a_traceback(tmp_path, text):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    done = subprocess.run(
        [installed_script(), "evaluate", str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:") and ": error: " in lines[0]
    assert not (tmp_path / "pwned").exists()


def test_readme_rule_table_lists_every_rule_as_configured_by_default():
    from podcheck.catalogue_view import threshold_text
    from podcheck.rulebook import load_catalogue

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in load_catalogue():
        row = f"| {rule.code} | {rule.name} | {rule.severity} | {', '.join(rule.scope)} | {threshold_text(rule)} |"
        assert row in readme, row


def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path):
    from podcheck.formats import FORMATS

    # Linux keeps such names as bytes; Python holds the stray byte as a lone surrogate.
    name = os.fsencode(tmp_path) + b"/north\xffwind.yaml"
    Path(os.fsdecode(name)).write_bytes(Path(GO).read_bytes())
    for fmt in FORMATS:
        done = subprocess.run(
            [installed_script(), "evaluate", "--format", fmt, name], capture_output=True
        )
        assert (done.returncode, done.stderr) == (0, b""), fmt
    done = subprocess.run(
        [installed_script(), "evaluate", "--format", "json", name], capture_output=True
    )
    assert json.loads(done.stdout)["files"][0]["path"].endswith("north\ufffdwind.yaml")
    missing = subprocess.run(
        [installed_script(), "evaluate", name + b".missing"], capture_output=True
    )
    assert missing.returncode == 2
    assert missing.stderr.decode().endswith(
        "north\ufffdwind.yaml.missing:1:1: error: no such file\n"
    )
