"""A waiver's `file:` names files from the config's folder, however they are named on the
command line, and only those files: from another folder, by an absolute path, read from
standard input, or as a git revision's version in `diff --base-ref`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import CliRunner, git, org
from podcheck.cli.app import app
from podcheck.judge import waivers

runner = CliRunner()

# An ACV under the floor: POD101 fails, and only a waiver can make the file go.
LOW_ACV = {"segments.0.acv": 20000}


def invoke(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def waived(outcome) -> list[str]:
    report = json.loads(outcome.stdout)
    return [r["rule"] for f in report["files"] for r in f["results"] if r["status"] == "waived"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository folder with its config waiving POD101 for one proposal."""
    (tmp_path / "org-design").mkdir()
    (tmp_path / "org-design" / "contoso.yaml").write_text(yaml.safe_dump(org(**LOW_ACV)))
    (tmp_path / "podcheck.yaml").write_text(
        yaml.safe_dump(
            {"waivers": [{"rule": "POD101", "file": "org-design/*.yaml", "reason": "accepted"}]}
        )
    )
    return tmp_path


def test_a_file_named_by_its_absolute_path_is_waived(project, monkeypatch):
    monkeypatch.chdir(project)
    outcome = invoke("evaluate", str(project / "org-design" / "contoso.yaml"), "-f", "json")
    assert outcome.exit_code == 0, outcome.stderr
    assert waived(outcome) == ["POD101"]
    assert "remove it" not in outcome.stderr


def test_a_file_named_from_another_folder_is_waived(project, monkeypatch):
    monkeypatch.chdir(project / "org-design")
    outcome = invoke("evaluate", "-c", "../podcheck.yaml", "contoso.yaml", "-f", "json")
    assert outcome.exit_code == 0, outcome.stderr
    assert waived(outcome) == ["POD101"]


def test_a_file_the_glob_does_not_name_is_not_waived_whatever_its_spelling(project, monkeypatch):
    # From a subfolder, `org-design/contoso.yaml` is another file than the one the config
    # (one folder up) names: the waiver must not follow the spelling.
    other = project / "team" / "org-design"
    other.mkdir(parents=True)
    (other / "contoso.yaml").write_text(yaml.safe_dump(org(**LOW_ACV)))
    monkeypatch.chdir(project / "team")
    outcome = invoke("evaluate", "-c", "../podcheck.yaml", "org-design/contoso.yaml", "-f", "json")
    assert outcome.exit_code == 1
    assert waived(outcome) == []


def test_standard_input_is_never_named_by_a_glob(project, monkeypatch):
    monkeypatch.chdir(project)
    text = (project / "org-design" / "contoso.yaml").read_text()
    outcome = invoke("evaluate", "-", "-f", "json", stdin=text)
    assert outcome.exit_code == 1
    assert waived(outcome) == []


def test_a_glob_written_as_an_absolute_path_names_files_absolutely(tmp_path):
    path = tmp_path / "a.yaml"
    waiver = waivers.Waiver(index=0, rule="POD101", reason="r", file=str(tmp_path / "*.yaml"))
    unscoped = waivers.Waiver(index=1, rule="POD103", reason="r")
    elsewhere = tmp_path / "folder"
    (found,) = [w for w in waivers.for_file((waiver,), str(path), str(elsewhere)) if w.index == 0]
    assert found.file is None  # its file condition is met: this file
    assert waivers.for_file((waiver, unscoped), str(tmp_path / "b.yml"), str(elsewhere)) == (
        unscoped,
    )
    assert waivers.for_file((waiver, unscoped), None, str(elsewhere)) == (unscoped,)


def test_diff_against_a_base_ref_waives_the_base_as_the_head(project, monkeypatch):
    """The base version is the same file at another revision: a waiver for the file
    applies to both, so an untouched file shows no change."""
    assert shutil.which("git"), "git is required for this test"
    (project / "org-design" / "northwind.yaml").write_text(yaml.safe_dump(org()))
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "base")
    (project / "org-design" / "northwind.yaml").write_text(
        yaml.safe_dump(org(**{"org.name": "Northwind, renamed"}))
    )
    git(project, "commit", "-q", "-am", "head")
    monkeypatch.chdir(project)
    outcome = invoke(
        "diff",
        "--base-ref",
        "HEAD~1",
        "--config-ref",
        "HEAD~1",
        "org-design/contoso.yaml",
        "org-design/northwind.yaml",
        "-f",
        "json",
    )
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    for file in json.loads(outcome.stdout)["files"]:
        changes = {key: value for key, value in file.items() if isinstance(value, list)}
        assert not any(changes.values()), (file["path"], changes)


def test_a_waiver_for_a_file_the_run_did_not_judge_is_not_called_unused(project, monkeypatch):
    """A run of one file cannot say another file's waiver is stale: it is `not-named`, and
    no output advises removing it; a run that judges its file can."""
    (project / "org-design" / "northwind.yaml").write_text(yaml.safe_dump(org()))
    (project / "podcheck.yaml").write_text(
        yaml.safe_dump(
            {
                "waivers": [
                    {"rule": "POD101", "file": "org-design/contoso.yaml", "reason": "accepted"},
                    {"rule": "POD103", "file": "org-design/northwind.yaml", "reason": "split"},
                ]
            }
        )
    )
    monkeypatch.chdir(project)
    alone = invoke("evaluate", "org-design/contoso.yaml", "-f", "json")
    states = [w["state"] for w in json.loads(alone.stdout)["waivers"]]
    assert states == ["applied", "not-named"]
    assert "remove it" not in alone.stdout + alone.stderr
    terminal = invoke("evaluate", "org-design/contoso.yaml")
    assert "remove it" not in terminal.stdout + terminal.stderr
    both = invoke("evaluate", "org-design/contoso.yaml", "org-design/northwind.yaml", "-f", "json")
    states = [w["state"] for w in json.loads(both.stdout)["waivers"]]
    assert states == ["applied", "unused"]  # northwind passes POD103: the waiver is stale
    assert "matches no failing result; remove it" in invoke(
        "evaluate", "org-design/contoso.yaml", "org-design/northwind.yaml"
    ).stdout.replace("\n", " ")


def test_diff_judges_waiver_expiry_as_of_today_given(project, monkeypatch):
    """`diff --today` makes a diff again as it was: a waiver that has since expired applied."""
    (project / "podcheck.yaml").write_text(
        yaml.safe_dump(
            {
                "waivers": [
                    {
                        "rule": "POD101",
                        "file": "org-design/*.yaml",
                        "reason": "accepted",
                        "expires": "2001-06-30",
                    }
                ]
            }
        )
    )
    base = project / "org-design" / "base.yaml"
    base.write_text(yaml.safe_dump(org()))
    monkeypatch.chdir(project)
    head = "org-design/contoso.yaml"  # POD101 fails here
    then = invoke("diff", "org-design/base.yaml", head, "--today", "2001-06-01", "-f", "json")
    now = invoke("diff", "org-design/base.yaml", head, "--today", "2001-07-01", "-f", "json")
    assert then.exit_code == 0 and now.exit_code == 1, (then.stdout, now.stdout)
    assert invoke("diff", "org-design/base.yaml", head, "--today", "not-a-date").exit_code == 2


def test_a_star_names_files_in_its_own_folder_only(project, monkeypatch):
    """The person being gated chooses the path: `org-design/*.yaml` must not waive a file
    they put in a new folder under it."""
    nested = project / "org-design" / "legacy"
    nested.mkdir()
    (nested / "new-team.yaml").write_text(yaml.safe_dump(org(**LOW_ACV)))
    monkeypatch.chdir(project)
    outcome = invoke("evaluate", "org-design/legacy/new-team.yaml", "-f", "json")
    assert outcome.exit_code == 1, outcome.stderr
    assert waived(outcome) == []
    assert [w["state"] for w in json.loads(outcome.stdout)["waivers"]] == ["not-named"]
    outcome = invoke("evaluate", "org-design/contoso.yaml", "-f", "json")
    assert outcome.exit_code == 0, outcome.stderr
    assert waived(outcome) == ["POD101"]


def test_a_double_star_folder_names_files_at_any_depth(project, monkeypatch):
    nested = project / "org-design" / "emea" / "dach"
    nested.mkdir(parents=True)
    (nested / "team.yaml").write_text(yaml.safe_dump(org(**LOW_ACV)))
    (project / "podcheck.yaml").write_text(
        yaml.safe_dump(
            {"waivers": [{"rule": "POD101", "file": "org-design/**/*.yaml", "reason": "accepted"}]}
        )
    )
    monkeypatch.chdir(project)
    for path in ("org-design/emea/dach/team.yaml", "org-design/contoso.yaml"):
        outcome = invoke("evaluate", path, "-f", "json")
        assert outcome.exit_code == 0, outcome.stderr
        assert waived(outcome) == ["POD101"]


@pytest.mark.parametrize(
    ("glob", "path", "named"),
    [
        ("org-design/*.yaml", "org-design/a.yaml", True),
        ("org-design/*.yaml", "org-design/sub/a.yaml", False),
        ("org-design/legacy-*.yaml", "org-design/legacy-x/a.yaml", False),
        ("org-design/?.yaml", "org-design/a.yaml", True),
        ("org-design/[ab].yaml", "org-design/c.yaml", False),
        ("*", "a.yaml", True),
        ("*", "org-design/a.yaml", False),
        ("**/*.yaml", "a.yaml", True),
        ("**/*.yaml", "x/y/z/a.yaml", True),
        ("org-design/**/a.yaml", "org-design/a.yaml", True),
        ("org-design/**/a.yaml", "other/org-design/a.yaml", False),
        # At the end, `**` is what is inside the folder, not a file named as the folder.
        ("legacy/**", "legacy/a.yaml", True),
        ("legacy/**", "legacy/x/a.yaml", True),
        ("legacy/**", "legacy", False),
        # A file outside the config's folder is named only by its own spelling.
        ("*.yaml", "../a.yaml", False),
        ("**/a.yaml", "../a.yaml", False),
        ("*/a.yaml", "../a.yaml", False),
        ("../a.yaml", "../a.yaml", True),
        ("./org-design//a.yaml", "org-design/a.yaml", True),
        ("/srv/orgs/*.yaml", "/srv/orgs/a.yaml", True),
        ("/srv/orgs/*.yaml", "/srv/orgs/x/a.yaml", False),
    ],
)
def test_a_glob_is_read_folder_by_folder(glob, path, named):
    assert waivers.names(glob, path) is named


def test_many_double_stars_cost_linear_time():
    """A hostile glob cannot make matching exponential."""
    glob = "/".join(["**"] * 200 + ["*.yaml"])
    path = "/".join(["d"] * 200 + ["a.yml"])
    assert waivers.names(glob, path) is False
