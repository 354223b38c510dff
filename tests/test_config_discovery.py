"""Which podcheck.yaml a run uses when none is named: the nearest from the working directory
up to the repository's root, so that a run from a subfolder is judged by the bar CI uses."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from conftest import CliRunner, git, org
from podcheck.cli.app import app
from podcheck.run.session import config_candidates

runner = CliRunner()
# The base org has 25 accounts per CSM: a bar of 20 makes it no-go.
STRICT = "rules:\n  POD103: {threshold: 20}\n"


def invoke(*args: str):
    return runner.invoke(app, list(args))


def verdict(*args: str) -> tuple[int, dict]:
    outcome = invoke("evaluate", *args, "-f", "json")
    return outcome.exit_code, json.loads(outcome.stdout)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository whose root config sets a stricter load bar, and a go proposal in a
    subfolder."""
    repo = tmp_path / "repo"
    (repo / "org-design").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "podcheck.yaml").write_text(STRICT)
    (repo / "org-design" / "a.yaml").write_text(yaml.safe_dump(org()))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "proposal and bar")
    return repo


def test_a_run_from_a_subfolder_uses_the_repository_config(repository, monkeypatch):
    monkeypatch.chdir(repository)
    at_root, report = verdict("org-design/a.yaml")
    assert at_root == 1
    assert report["overrides"][0]["rule"] == "POD103"
    monkeypatch.chdir(repository / "org-design")
    below, below_report = verdict("a.yaml")
    assert below == 1  # the same bar as at the root, not the catalogue's 35
    assert below_report["overrides"] == report["overrides"]
    shown = invoke("evaluate", "a.yaml").stdout
    assert f"the config is {os.path.join('..', 'podcheck.yaml')}, the nearest" in shown
    # Named on the command line, or in the working directory, it needs no note.
    named = invoke("evaluate", "a.yaml", "-c", os.path.join("..", "podcheck.yaml")).stdout
    assert "the nearest podcheck.yaml" not in named
    assert "POD103 threshold changed by the config: 35 → 20" in named


def test_the_nearest_config_wins(repository, monkeypatch):
    (repository / "org-design" / "podcheck.yaml").write_text("rules:\n  POD331: {enabled: false}\n")
    monkeypatch.chdir(repository / "org-design")
    status, report = verdict("a.yaml")
    assert status == 0  # the folder's own config, without the root's stricter bar
    assert report["overrides"] == []
    assert {"rule": "POD331", "why": "config"} in report["rules_not_run"]
    assert "the nearest podcheck.yaml" not in invoke("evaluate", "a.yaml").stdout


def test_the_search_stops_at_the_repository_root(tmp_path, monkeypatch):
    # A config above the repository is someone else's: it does not set this repository's bar.
    (tmp_path / "podcheck.yaml").write_text(STRICT)
    repo = tmp_path / "repo"
    (repo / "org-design").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "org-design" / "a.yaml").write_text(yaml.safe_dump(org()))
    monkeypatch.chdir(repo / "org-design")
    assert config_candidates() == ("podcheck.yaml", os.path.join("..", "podcheck.yaml"))
    status, report = verdict("a.yaml")
    assert status == 0 and report["overrides"] == []


def test_outside_a_repository_only_the_working_directory_counts(tmp_path, monkeypatch):
    (tmp_path / "podcheck.yaml").write_text(STRICT)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yaml").write_text(yaml.safe_dump(org()))
    monkeypatch.chdir(tmp_path / "sub")
    # Whatever holds the test's folder, nothing above it is a repository here.
    exists = os.path.exists
    monkeypatch.setattr(
        os.path, "exists", lambda p: exists(p) and not str(p).endswith(f"{os.sep}.git")
    )
    assert config_candidates() == ("podcheck.yaml",)
    status, report = verdict("a.yaml")
    assert status == 0 and report["overrides"] == []


def test_config_ref_from_a_subfolder_reads_the_base_root_config(repository, monkeypatch):
    # The pull request loosens the root config; the gate, run from the subfolder, keeps
    # the base's bar and says the working tree's differs.
    (repository / "podcheck.yaml").write_text("rules:\n  POD103: {threshold: 40}\n")
    monkeypatch.chdir(repository / "org-design")
    status, report = verdict("a.yaml", "--config-ref", "HEAD")
    assert status == 1
    assert report["overrides"][0]["used"] == 20
    changed = invoke("evaluate", "a.yaml", "--config-ref", "HEAD", "--fail-on-config-change")
    assert changed.exit_code == 1
    assert f"changes {os.path.join('..', 'podcheck.yaml')}" in changed.stderr


def test_waiver_globs_name_files_from_the_found_config(repository, monkeypatch):
    (repository / "podcheck.yaml").write_text(
        STRICT
        + "waivers:\n  - rule: POD103\n    file: org-design/*.yaml\n    reason: split in Q1\n"
    )
    monkeypatch.chdir(repository / "org-design")
    status, report = verdict("a.yaml")
    assert status == 0
    assert {r["status"] for r in report["files"][0]["results"] if r["rule"] == "POD103"} == {
        "waived"
    }


def test_the_found_config_is_never_an_output(repository, monkeypatch):
    monkeypatch.chdir(repository / "org-design")
    before = (repository / "podcheck.yaml").read_text()
    refused = invoke("evaluate", "a.yaml", "-f", "json", "-o", os.path.join("..", "podcheck.yaml"))
    assert refused.exit_code == 2
    assert (repository / "podcheck.yaml").read_text() == before
