"""podcheck as a CI gate: formats CI reads, several outputs, selection, waivers, diff, schema,
and the pre-commit hook and GitHub Action run for real against a git repository."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import EXAMPLES, ROOT, CliRunner, git, installed_script, org
from podcheck.cli.app import app
from podcheck.judge.rulebook import load_catalogue
from podcheck.render.formats.github import annotation

# The OASIS schema is kept in the repository (tests/data/README.md gives its source).
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
NO_GO = str(ROOT / "examples" / "contoso-enterprise-no-go.yaml")
GO = str(ROOT / "examples" / "northwind-pilot-go.yaml")
runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def test_sarif_schema_is_available():
    # The schema ships with the tests; a missing schema must fail, not skip.
    assert SARIF_SCHEMA.is_file(), f"{SARIF_SCHEMA} is missing"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_sarif_is_valid_against_the_schema(example):
    outcome = invoke("evaluate", str(example), "--format", "sarif")
    sarif = json.loads(outcome.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    # Every rule of the catalogue and the input-error descriptor.
    # (Rules on account exports wait for --accounts.)
    in_force = [rule.code for rule in load_catalogue() if rule.requires != "accounts"]
    assert rule_ids == [*in_force, "input-error"]
    for descriptor in run["tool"]["driver"]["rules"]:
        assert {
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        } <= set(descriptor)
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == f"examples/{example.name}"
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1


def test_sarif_for_input_errors_is_valid_too(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\norg: {name: X}\nsegments: 3\n")
    sarif = json.loads(invoke("evaluate", str(bad), "-f", "sarif").stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "input-error"
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 11,
    }
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_junit_parses_with_one_suite_per_file_and_a_case_per_result():
    outcome = invoke("evaluate", NO_GO, GO, "--format", "junit")
    root = ET.fromstring(outcome.stdout)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [NO_GO, GO]
    data = json.loads(invoke("evaluate", NO_GO, GO, "-f", "json").stdout)
    for suite, file in zip(suites, data["files"], strict=True):
        assert len(suite.findall("testcase")) == len(file["results"]) == int(suite.get("tests"))
        real_failures = [
            r for r in file["results"] if r["status"] == "fail" and r["severity"] != "info"
        ]
        assert (
            len(suite.findall("testcase/failure"))
            == len(real_failures)
            == int(suite.get("failures"))
        )
        skips = [r for r in file["results"] if r["status"] == "skip"]
        assert len(suite.findall("testcase/skipped")) == len(skips)
    failure = suites[0].find("testcase/failure")
    assert failure.get("type") == "error" and "42 accounts per CSM" in failure.text
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites)


def test_github_annotations_and_auto_format():
    text = invoke("evaluate", NO_GO, "--format", "github").stdout
    assert (
        f"::error file={os.path.relpath(NO_GO)},line=30,col=15,title=POD103 csm-load (enterprise)::"
        "42 accounts per CSM; pods need fewer than 35"
    ) in text
    assert (
        text.rstrip().splitlines()[-1].startswith("::notice title=podcheck::podcheck verdict no-go")
    )
    auto_in_actions = invoke("evaluate", NO_GO, env={"GITHUB_ACTIONS": "true"}).stdout
    assert auto_in_actions == text
    assert "::error" not in invoke("evaluate", NO_GO, env={"GITHUB_ACTIONS": ""}).stdout


def test_github_annotation_escaping():
    line = annotation("error", "50% done\nnext", file="a,b:c.yaml", line=1, title="x: y")
    assert line == "::error file=a%2Cb%3Ac.yaml,line=1,title=x%3A y::50%25 done%0Anext"


def test_several_outputs_in_one_run(tmp_path):
    sarif, junit, report = tmp_path / "out.sarif", tmp_path / "out.xml", tmp_path / "report.md"
    outcome = invoke(
        "evaluate",
        NO_GO,
        "--format",
        "terminal",
        "--color",
        "never",
        "--output-format",
        f"sarif={sarif}",
        "--output-format",
        f"junit={junit}",
    )
    assert outcome.exit_code == 1
    assert "NO-GO" in outcome.stdout
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert ET.fromstring(junit.read_text()).tag == "testsuites"
    assert invoke("evaluate", NO_GO, "-f", "markdown", "-o", str(report)).stdout == ""
    assert report.read_text().startswith("## podcheck: ❌ NO-GO")
    # Only the named files exist: no temporary files are left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.sarif", "out.xml", "report.md"]


@pytest.mark.parametrize("value", ["sarif", "yaml=out.txt", "sarif="])
def test_bad_output_format_is_a_usage_error(value):
    outcome = invoke("evaluate", GO, "--output-format", value)
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("podcheck: error: --output-format")


def test_unwritable_output_is_one_line_exit_2(tmp_path):
    outcome = invoke("evaluate", GO, "-o", str(tmp_path / "missing" / "r.txt"))
    assert outcome.exit_code == 2
    assert outcome.stderr.strip().endswith(
        "r.txt:1:1: error: cannot write file: no such file or directory"
    )


def _codes(*args: str) -> set[str]:
    data = json.loads(invoke("evaluate", NO_GO, "-f", "json", *args).stdout)
    return {r["rule"] for r in data["files"][0]["results"]}


def test_select_and_ignore_by_code_prefix_and_name():
    policies = {rule.code for rule in load_catalogue() if rule.code.startswith("POD3")}
    assert len(policies) > 2 and "POD331" in policies
    assert _codes("--select", "POD3") == policies
    assert _codes("--select", "POD101,csm-load") == {"POD101", "POD103"}
    assert "POD331" not in _codes("--ignore", "collaboration-norms")
    assert _codes("--select", "POD3", "--ignore", "POD33") == {
        code for code in policies if not code.startswith("POD33")
    }
    outcome = invoke("evaluate", NO_GO, "--select", "POD9")
    assert outcome.exit_code == 2
    assert "select: 'POD9' matches no rule" in outcome.stderr


def test_fail_on_select_and_ignore_from_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("podcheck.yaml").write_text("fail_on: never\nignore: [POD3]\n")
    outcome = invoke("evaluate", NO_GO, "-f", "json")
    assert outcome.exit_code == 0
    assert not {r["rule"] for r in json.loads(outcome.stdout)["files"][0]["results"]} & {"POD301"}
    assert invoke("evaluate", NO_GO, "--fail-on", "error").exit_code == 1  # the option wins


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
  - rule: POD201
    segment: smb
    reason: Nothing matches this
"""


def test_waivers_apply_expire_and_report_unused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("podcheck.yaml").write_text(WAIVERS)
    data = json.loads(invoke("evaluate", NO_GO, "-f", "json", "--today", "2026-11-22").stdout)
    results = data["files"][0]["results"]
    waived = [r for r in results if r["status"] == "waived"]
    assert [(r["rule"], r["pod"]) for r in waived] == [("POD103", "ent-1")]
    assert waived[0]["waiver"] == "Book is being split in Q1; accepted by the CRO"
    book = next(r for r in results if r["rule"] == "POD404")
    assert book["status"] == "fail"  # the expired waiver no longer applies
    assert [(w["rule"], w["state"]) for w in data["waivers"]] == [
        ("POD103", "applied"),
        ("POD404", "expired"),
        ("POD201", "unused"),
    ]
    later = json.loads(invoke("evaluate", NO_GO, "-f", "json", "--today", "2027-04-01").stdout)
    assert [w["state"] for w in later["waivers"]] == ["expired", "expired", "unused"]


def test_waived_results_show_in_every_format(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("podcheck.yaml").write_text(WAIVERS)
    common = ("--today", "2026-11-22")
    terminal = invoke("evaluate", NO_GO, "--color", "never", *common).stdout
    assert "~ POD103 csm-load waived  pod ent-1: 44 accounts per CSM" in terminal
    assert "(reason: Book" in terminal
    assert "waiver for POD404 segment enterprise expired on 2026-01-31" in terminal
    assert "waiver for POD201 segment smb matches no failing result" in terminal
    markdown = invoke("evaluate", NO_GO, "-f", "markdown", *common).stdout
    assert "| POD103 csm-load | enterprise / pod ent-1 |" in markdown
    sarif = json.loads(invoke("evaluate", NO_GO, "-f", "sarif", *common).stdout)
    suppressed = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert suppressed[0]["suppressions"][0]["justification"].startswith("Book is being split")
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 2
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    junit = ET.fromstring(invoke("evaluate", NO_GO, "-f", "junit", *common).stdout)
    assert any(s.get("message", "").startswith("waived: Book") for s in junit.iter("skipped"))
    github = invoke("evaluate", NO_GO, "-f", "github", *common).stdout
    assert "title=podcheck: waiver::waiver for POD404" in github.replace("%3A", ":")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("waivers:\n  - rule: POD103\n", "waivers[0]: missing required key 'reason'"),
        (
            "waivers:\n  - {rule: POD103, reason: x, expires: soon}\n",
            "expected a date written YYYY-MM-DD, got 'soon'",
        ),
        ("waivers:\n  - {rule: POD1033, reason: x}\n", "waivers[0].rule: expected"),
        ("waivers:\n  - {rule: POD109, reason: x}\n", "waivers[0].rule: unknown rule 'POD109'"),
        ("fail_on: sometimes\n", "fail_on: expected 'error', 'warning' or 'never'"),
    ],
)
def test_bad_waiver_config_is_an_input_error(tmp_path, monkeypatch, text, error):
    monkeypatch.chdir(tmp_path)
    Path("podcheck.yaml").write_text(text)
    outcome = invoke("evaluate", GO)
    assert outcome.exit_code == 2
    assert error in outcome.stderr
    assert outcome.stderr.startswith("podcheck.yaml:")


def test_waiver_cannot_live_in_the_org_file(tmp_path):
    data = org()
    data["waivers"] = [{"rule": "POD101", "reason": "please"}]
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(data))
    outcome = invoke("evaluate", str(path))
    assert outcome.exit_code == 2
    assert "unknown key 'waivers'" in outcome.stderr


def test_diff_of_two_files(tmp_path):
    base, head = tmp_path / "base.yaml", tmp_path / "head.yaml"
    base.write_text(yaml.safe_dump(org()))
    head.write_text(
        yaml.safe_dump(
            org(**{"segments.0.acv": 20000, "policies.collaboration_norms": ["weekly_sync"]})
        )
    )
    outcome = invoke("diff", str(base), str(head), "-f", "json")
    assert outcome.exit_code == 1
    data = json.loads(outcome.stdout)["files"][0]
    assert [r["rule"] for r in data["newly_failing"]] == ["POD101", "POD331"]
    assert data["verdict_changes"] == [{"segment": "mm", "before": "go", "after": "no-go"}]
    back = invoke("diff", str(head), str(base))
    assert back.exit_code == 0
    assert (
        "fixed: POD101 acv-floor [error] mm ($20,000 → $50,000): ACV $50,000 meets" in back.stdout
    )
    assert "segment mm: verdict NO-GO → GO; ACV $20,000 → $50,000" in back.stdout
    # The file's own line says the change with the arrow its segments use.
    assert back.stdout.startswith(f"{base}: NO-GO → GO\n")
    warning_only = invoke("diff", str(base), str(base))
    assert warning_only.exit_code == 0 and "no change in results" in warning_only.stdout
    markdown = invoke("diff", str(base), str(head), "-f", "markdown").stdout
    assert "| newly fails | POD101 acv-floor | error | mm | $50,000 → $20,000 |" in markdown


def test_diff_tells_fixed_from_no_longer_applies_with_figures(tmp_path):
    # The segment stops being a pod segment and its load gets worse: nothing was fixed.
    base, head = tmp_path / "base.yaml", tmp_path / "head.yaml"
    base.write_text(yaml.safe_dump(org(**{"segments.0.accounts": 168, "segments.0.pods": None})))
    head.write_text(
        yaml.safe_dump(
            org(
                **{
                    "segments.0.accounts": 187,
                    "segments.0.pods": None,
                    "segments.0.model": "pool",
                }
            )
        )
    )
    outcome = invoke("diff", str(base), str(head), "-f", "json")
    data = json.loads(outcome.stdout)["files"][0]
    assert data["newly_passing"] == []
    load = next(c for c in data["changes"] if c["rule"] == "POD103")
    assert load["kind"] == "no-longer-applies"
    assert load["before"]["actual"] == 42 and load["after"] is None
    assert "changed model: pod → pool" in load["why"]
    (segment,) = data["segments"]
    assert segment["figures"]["accounts_per_csm"] == {"before": 42, "after": 46.75}
    text = invoke("diff", str(base), str(head)).stdout
    assert "accounts per CSM 42 → 46.75" in text
    assert "no longer applies: POD103 csm-load [error] mm (42 → —" in text
    assert "\n  fixed:" not in text
    # A new pod segment's failures newly apply.
    again = json.loads(invoke("diff", str(head), str(base), "-f", "json").stdout)["files"][0]
    assert {c["kind"] for c in again["changes"] if c["rule"] == "POD103"} == {"newly-applies"}


def test_diff_fail_on_warning(tmp_path):
    base, head = tmp_path / "base.yaml", tmp_path / "head.yaml"
    base.write_text(yaml.safe_dump(org()))
    head.write_text(yaml.safe_dump(org(**{"policies.collaboration_norms": ["weekly_sync"]})))
    assert invoke("diff", str(base), str(head)).exit_code == 0
    assert invoke("diff", str(base), str(head), "--fail-on", "warning").exit_code == 1


@pytest.fixture
def repository(tmp_path):
    """A real git repository with two commits: a go proposal, then one that breaks it."""
    assert shutil.which("git"), "git is required for these tests"
    repo = tmp_path / "repo"
    (repo / "org-design").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    proposal = repo / "org-design" / "org.yaml"
    proposal.write_text(yaml.safe_dump(org()))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base proposal")
    proposal.write_text(yaml.safe_dump(org(**{"segments.0.headcount": {"ae": 6, "csm": 4}})))
    (repo / "org-design" / "new.yaml").write_text(yaml.safe_dump(org(**{"segments.0.acv": 10000})))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "hire more AEs")
    return repo


def test_diff_base_ref_reads_the_base_fromgit(repository, monkeypatch):
    monkeypatch.chdir(repository)
    outcome = invoke(
        "diff", "--base-ref", "HEAD~1", "org-design/org.yaml", "org-design/new.yaml", "-f", "json"
    )
    assert outcome.exit_code == 1
    changed, added = json.loads(outcome.stdout)["files"]
    assert {r["rule"] for r in changed["newly_failing"]} == {"POD201", "POD204"}
    assert changed["base_verdict"] == "go"
    assert added["base_verdict"] is None  # new in the head: compared against nothing
    # Against nothing, every failure of the new file is new: its own failures, POD101 first.
    alone = json.loads(invoke("evaluate", "org-design/new.yaml", "-f", "json").stdout)
    failing = [r["rule"] for r in alone["files"][0]["results"] if r["status"] == "fail"]
    assert [r["rule"] for r in added["newly_failing"]] == failing
    assert "POD101" in failing and len(failing) == len(set(failing))
    bad_ref = invoke("diff", "--base-ref", "no-such-ref", "org-design/org.yaml")
    assert bad_ref.exit_code == 2
    assert "'no-such-ref' is not a commit" in bad_ref.stderr


def test_schema_validates_every_example_and_rejects_unknown_keys():
    schema = json.loads(invoke("schema").stdout)
    validator = jsonschema.Draft202012Validator(schema)
    jsonschema.Draft202012Validator.check_schema(schema)
    for example in EXAMPLES:
        validator.validate(yaml.safe_load(example.read_text()))
    data = org()
    validator.validate(data)
    data["segments"][0]["acounts"] = 3
    assert not validator.is_valid(data)
    assert not validator.is_valid(org(version=2))
    assert not validator.is_valid(org(**{"segments.0.acv": "85 grand"}))
    assert validator.is_valid(org(**{"segments.0.acv": "$85K"}))


def test_validate_checks_input_only(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\n")
    outcome = invoke("validate", NO_GO, str(bad))
    assert outcome.exit_code == 2
    assert f"{NO_GO}: valid" in outcome.stdout  # no-go, but valid input
    assert f"{bad}:1:1: error: missing required key 'org'" in outcome.stderr
    assert invoke("validate", GO).exit_code == 0


# Both hooks in a real repository, a process each; the quick subset runs each hook's entry in
# tests/test_paths.py (files named like options).
@pytest.mark.slow
def test_pre_commit_hook_entries_run_against_a_repository(repository):
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"podcheck", "podcheck-validate"}
    env = {
        **os.environ,
        "PATH": str(Path(installed_script()).parent) + os.pathsep + os.environ["PATH"],
    }
    files = git(repository, "ls-files", "org-design").split()
    import re

    for hook in hooks:
        assert all(re.search(hook["files"], f) for f in files)
        done = subprocess.run(
            [*shlex.split(hook["entry"]), *files],
            cwd=repository,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Traceback" not in done.stderr
        if hook["id"] == "podcheck":
            assert done.returncode == 1  # the head commit is no-go
            assert "POD201 ae-csm-ratio" in done.stdout
        else:
            assert done.returncode == 0, done.stderr


# The action's step over a real repository with SARIF; the quick subset runs the same step in
# tests/test_hostile.py (the bar read from the base).
@pytest.mark.slow
def test_action_command_runs_against_a_repository(repository, tmp_path):
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"files", "fail-on", "sarif"} <= set(action["inputs"])
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "evaluate")
    outputs = tmp_path / "github_output"
    env = {
        **os.environ,
        "PODCHECK": installed_script(),
        "PODCHECK_FILES": "org-design/*.yaml",
        "PODCHECK_FAIL_ON": "error",
        "PODCHECK_SARIF": "podcheck.sarif",
        "PODCHECK_CONFIG_REF": "",
        "PODCHECK_FAIL_ON_CONFIG_CHANGE": "false",
        "GITHUB_OUTPUT": str(outputs),
    }
    env.pop("GITHUB_BASE_REF", None)
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "::error file=org-design/org.yaml" in done.stdout
    sarif = json.loads((repository / "podcheck.sarif").read_text())
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {"org-design/new.yaml", "org-design/org.yaml"}
    assert outputs.read_text() == "sarif=podcheck.sarif\n"
    env["PODCHECK_FAIL_ON"] = "never"
    assert (
        subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=repository,
            env=env,
            capture_output=True,
            timeout=120,
        ).returncode
        == 0
    )


def test_a_run_refused_whole_is_annotated_in_github_format(tmp_path, monkeypatch):
    # A pull request that breaks the config or the export stops the run before any file is
    # judged: in GitHub's format that is an annotation on the file, beside the log's line.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    (tmp_path / "podcheck.yaml").write_text("rules:\n  POD999: {}\n")
    (tmp_path / "books.csv").write_text("Account Name,ARR\nx,1\n")
    config = invoke("evaluate", GO, "-f", "github")
    assert config.exit_code == 2
    assert config.stdout.startswith("::error file=podcheck.yaml,line=2,col=3,title=podcheck%3A")
    assert config.stdout.count("\n") == 1
    assert config.stderr == "podcheck.yaml:2:3: error: unknown rule 'POD999'\n"
    (tmp_path / "podcheck.yaml").unlink()
    export = invoke("evaluate", GO, "--accounts", "books.csv", "-f", "github")
    assert export.exit_code == 2
    assert export.stdout.startswith("::error file=books.csv,line=1,col=1,")
    # Other formats write nothing to standard output: there is no report to write.
    assert invoke("evaluate", GO, "--accounts", "books.csv", "-f", "json").stdout == ""
