"""The command line through typer's runner, and the installed console script for real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, ROOT, CliRunner, installed_script
from podcheck.cli.app import app

runner = CliRunner()
GO = str(ROOT / "examples" / "northwind-pilot-go.yaml")
NO_GO = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
# Rules revision 3 makes the Initech example's drifting pilot a no-go (POD507): this is the
# same pilot before its pre-sales time drifted, go with warnings only.
WARNINGS_ONLY = str(ROOT / "tests" / "fixtures" / "review" / "initech-warnings-only-go.yaml")


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
    assert broken.stderr.startswith("<stdin>:1:10: error: invalid YAML: '[' is never closed")


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
    from podcheck.judge.rulebook import load_catalogue

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
    assert invoke("validate", str(target)).exit_code == 0
    again = invoke("init", str(target))
    assert again.exit_code == 2
    assert "file exists; use --force" in again.stderr
    assert invoke("init", str(target), "--force").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org.yaml"]
    # A folder is no place for the starter either; the message speaks of a file, not a report.
    folder = invoke("init", str(tmp_path))
    assert folder.exit_code == 2
    assert folder.stderr == f"{tmp_path}:1:1: error: is a directory; name a file to write to\n"


def test_fresh_starter_is_no_go_until_its_policies_are_answered(tmp_path):
    target = tmp_path / "org.yaml"
    assert invoke("init", str(target)).exit_code == 0
    assert invoke("validate", str(target)).exit_code == 0
    judged = invoke("evaluate", str(target), "--format", "json")
    assert judged.exit_code == 1
    data = json.loads(judged.stdout)["files"][0]
    assert data["verdict"] == "no-go"
    policy = {r["rule"]: r for r in data["results"] if r["rule"].startswith("POD3")}
    failed_errors = {
        r["rule"] for r in data["results"] if r["status"] == "fail" and r["severity"] == "error"
    }
    # Only the unanswered policies stop it: the starter's figures themselves pass.
    assert failed_errors == {"POD301", "POD311", "POD321"}
    assert all(r["status"] == "fail" for r in policy.values())
    for code in ("POD301", "POD302", "POD303", "POD321"):
        assert "not stated" in policy[code]["message"], policy[code]["message"]
    assert "coverage plan is stated" in policy["POD311"]["message"]
    # Answering them, as the comments show, turns the starter into a go.
    text = target.read_text()
    answered = text.replace("    # written: true", "    written: true")
    for line in (
        "process_owner: csm",
        "commercial_owner: ae",
        "expansion: joint",
        "documented: true",
        "backup: cross-pod",
        "ae_metrics: [new_arr, nrr]",
        "csm_metrics: [nrr, gross_retention]",
    ):
        answered = answered.replace(f"    # {line}", f"    {line}")
    answered = answered.replace(
        "collaboration_norms: []",
        "collaboration_norms: [weekly_sync, shared_account_notes, late_stage_attendance]",
    )
    target.write_text(answered)
    assert invoke("evaluate", str(target)).exit_code == 0


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


# What the line must name; click words the rest, and its wording differs between the
# versions pyproject allows. The unknown command's message is podcheck's own.
@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["evaluate", GO, "--bogus"], ["--bogus"]),
        (["evaluate", GO, "--format", "yaml"], ["--format", "yaml"]),
        (["evaluate"], ["FILES"]),
        (["project", GO, "--months", "25"], ["25", "24"]),
        (["checklist"], ["FILE"]),
        (["frobnicate"], ["no such command 'frobnicate'"]),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args, names):
    outcome = invoke(*args)
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("podcheck: error: ")
    for name in names:
        assert name in lines[0]
    assert lines[0].endswith(" --help'")


@pytest.mark.slow  # a new process or a large input: the full suite (.ci/run) runs it
def test_usage_error_from_the_installed_script_is_one_line(tmp_path):
    done = subprocess.run(
        [installed_script(), "evaluate", "--bogus\x1b[31m", GO],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("podcheck: error: ")
    assert "\x1b" not in done.stderr  # a control character from the command line is escaped


def _broken_schema(*args, **kwargs):
    raise RuntimeError("a bug in podcheck")


def test_internal_error_is_one_line_with_its_own_exit_code(monkeypatch):
    monkeypatch.setattr("podcheck.orgfile.schema.render", _broken_schema)
    outcome = invoke("schema", env={"PODCHECK_DEBUG": ""})
    assert outcome.exit_code == 3
    assert outcome.stderr == (
        "podcheck: internal error: RuntimeError: a bug in podcheck "
        "(run again with --debug for the traceback)\n"
    )


@pytest.mark.parametrize(
    ("args", "env"), [(["--debug", "schema"], {}), (["schema"], {"PODCHECK_DEBUG": "1"})]
)
def test_debug_prints_the_traceback_of_an_internal_error(monkeypatch, args, env):
    monkeypatch.setattr("podcheck.orgfile.schema.render", _broken_schema)
    outcome = invoke(*args, env=env)
    assert outcome.exit_code == 3
    assert "Traceback (most recent call last)" in outcome.stderr
    assert "_broken_schema" in outcome.stderr
    assert outcome.stderr.splitlines()[-1].startswith("podcheck: internal error: RuntimeError")


def test_input_errors_keep_exit_2_apart_from_internal_errors(tmp_path):
    outcome = invoke("evaluate", str(tmp_path / "missing.yaml"))
    assert outcome.exit_code == 2
    assert "internal error" not in outcome.stderr


@pytest.mark.slow  # a new process or a large input: the full suite (.ci/run) runs it
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


# A process each, with the slow tests. The quick subset refuses these inputs in process
# (tests/test_loader.py's negative fixtures) and runs the installed script on a good file and
# a usage error here, on a FIFO and a device in tests/test_hostile.py.
@pytest.mark.slow
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
    from podcheck.judge.rulebook import load_catalogue
    from podcheck.render.catalogue_view import threshold_text

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in load_catalogue():
        # The summary too: the table is where a reader first learns whose bar a rule applies.
        row = (
            f"| {rule.code} | {rule.name} | {rule.severity} | {', '.join(rule.scope)} "
            f"| {threshold_text(rule)} | {rule.summary} |\n"
        )
        assert row in readme, row


def _not_utf8_name(folder: Path) -> bytes:
    # Linux keeps such names as bytes; Python holds the stray byte as a lone surrogate.
    name = os.fsencode(folder) + b"/north\xffwind.yaml"
    Path(os.fsdecode(name)).write_bytes(Path(GO).read_bytes())
    return name


# A process per format, with the slow tests (json alone below).
@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(tmp_path):
    from podcheck.render.formats import FORMATS

    name = _not_utf8_name(tmp_path)
    for fmt in FORMATS:
        done = subprocess.run(
            [installed_script(), "evaluate", "--format", fmt, name], capture_output=True
        )
        assert (done.returncode, done.stderr) == (0, b""), fmt


# Two processes, with the slow tests; in process, a name that is not UTF-8 goes through every
# format in tests/test_hostile.py (test_hostile_file_names_are_inert).
@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_is_reported(tmp_path):
    name = _not_utf8_name(tmp_path)
    done = subprocess.run(
        [installed_script(), "evaluate", "--format", "json", name], capture_output=True
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert json.loads(done.stdout)["files"][0]["path"].endswith("north\ufffdwind.yaml")
    missing = subprocess.run(
        [installed_script(), "evaluate", name + b".missing"], capture_output=True
    )
    assert missing.returncode == 2
    assert missing.stderr.decode().endswith(
        "north\ufffdwind.yaml.missing:1:1: error: no such file\n"
    )


def test_a_max_file_bytes_past_any_int_is_a_usage_error_not_a_crash():
    # Past the machine's integers, once an internal OverflowError (exit 3).
    result = invoke(
        "evaluate", "--max-file-bytes", "9" * 23, str(ROOT / "examples" / "northwind-pilot-go.yaml")
    )
    assert result.exit_code == 2
    assert "--max-file-bytes" in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize(
    "options",
    [("--select", "POD801"), ("--ignore", "POD1,POD2,POD3,POD4,POD5,POD6")],
)
def test_a_selection_of_rules_that_cannot_fail_the_gate_is_refused(options):
    # Only info rules left: a no-go proposal would pass the gate in silence.
    nogo = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
    refused = invoke("evaluate", *options, nogo)
    assert refused.exit_code == 2
    assert "no rule that can fail the gate" in refused.stderr
    # Saying there is no gate is a choice, not a silent pass.
    assert invoke("evaluate", *options, "--fail-on", "never", nogo).exit_code == 0


@pytest.mark.parametrize(
    ("command", "name", "starts"),
    [
        ("evaluate", "scorecard.xlsx", b"PK"),
        ("evaluate", "report.json", b"{"),
        ("evaluate", "podcheck.sarif", b'{\n  "$schema"'),
        ("evaluate", "results.xml", b"<?xml"),
        ("evaluate", "summary.md", b"## "),
        ("plan", "plan.xlsx", b"PK"),
        ("plan", "plan.json", b"{"),
        ("checklist", "checklist.html", b"<!DOCTYPE html>"),
        ("checklist", "checklist.md", b"## Decision checklist"),
    ],
)
def test_an_output_named_for_a_format_gets_it(command, name, starts, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    org = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
    done = CliRunner().invoke(app, [command, org, "-o", name])
    assert done.exit_code in (0, 1), done.output
    assert (tmp_path / name).read_bytes().lstrip(b"\n").startswith(starts)
    # A format given says what is written, whatever the name.
    given = CliRunner().invoke(app, [command, org, "-f", "terminal", "-o", "x" + name])
    assert given.exit_code in (0, 1)
    assert not (tmp_path / ("x" + name)).read_bytes().lstrip(b"\n").startswith(starts)


def test_an_output_named_for_a_format_the_command_cannot_write_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    org = str(ROOT / "examples" / "northwind-pilot-go.yaml")
    tried = ("checklist", "x.json"), ("plan", "x.sarif"), ("evaluate", "r.html"), ("report", "p.md")
    for command, name in tried:
        done = CliRunner().invoke(app, [command, org, "-o", name])
        assert done.exit_code == 2
        assert done.stderr.startswith(f"podcheck: error: -o '{name}': its name asks for ")
        assert not (tmp_path / name).exists()
    # In GitHub Actions, annotations go to standard output only: a file gets the report.
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert CliRunner().invoke(app, ["evaluate", org, "-o", "r.log"]).exit_code == 0
    assert not (tmp_path / "r.log").read_text().startswith("::")


def test_the_projection_names_month_0_as_today():
    contoso = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
    chart = CliRunner().invoke(app, ["project", contoso]).stdout
    assert "first past 1.2:1 today (month 0)" in chart
