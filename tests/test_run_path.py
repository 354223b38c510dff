"""One run path: every command reads, loads and judges through podcheck.run.session, under
one session, and plans a file at most once, only when an output shows the plan."""

from __future__ import annotations

import ast
import datetime
import functools
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from podcheck.cli.app import app
from podcheck.judge.report import Report
from podcheck.judge.rulebook import Settings, load_catalogue
from podcheck.plan import planner
from podcheck.render.formats import FORMATS, SHOW_TO_REACH_GO, RenderOptions, render
from podcheck.run.session import Session, file_report

runner = CliRunner()
NO_GO = ROOT / "examples" / "contoso-enterprise-no-go.yaml"
SRC = ROOT / "src" / "podcheck"


def invoke(*args: str):
    return runner.invoke(app, list(args))


@functools.cache
def _called() -> tuple[tuple[str, frozenset[str]], ...]:
    """Each module of src/ with the names it calls, read once for every test here."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
        found.append((path.relative_to(SRC).as_posix(), frozenset(names)))
    return tuple(found)


def _calls(name: str) -> list[str]:
    """The modules of src/ that call `name(`."""
    return [module for module, names in _called() if name in names]


@pytest.mark.slow  # a new process or a large input: the full suite (.ci/run) runs it
def test_org_files_are_loaded_and_planned_for_a_command_in_one_module():
    assert _calls("load_org") == ["run/session.py"]
    # The planner's own strategies aside, only the run path plans (no renderer, no command).
    planners = [m for m in _calls("make_plan") if not m.startswith("plan/")]
    assert planners == ["run/session.py"]


@pytest.fixture
def plans(monkeypatch) -> list[str]:
    """Every call of the planner in this process, by the file it planned."""
    made: list[str] = []
    real = planner.make_plan

    def counted(loaded, *args, **kwargs):
        made.append(loaded.document.path)
        return real(loaded, *args, **kwargs)

    monkeypatch.setattr(planner, "make_plan", counted)
    return made


def test_the_review_pack_plans_its_file_once(plans, tmp_path):
    page = tmp_path / "report.html"
    done = invoke("report", str(NO_GO), "-o", str(page))
    assert done.exit_code == 0, done.output
    assert len(plans) == 1
    # The plan the run made is the one the page shows and draws.
    assert "To reach go" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_evaluate_plans_to_reach_go_only_for_a_format_that_shows_it(plans, fmt):
    done = invoke("evaluate", str(NO_GO), "--format", fmt)
    assert done.exit_code == 1, done.output
    assert len(plans) == (1 if fmt in SHOW_TO_REACH_GO else 0)


def test_an_extra_output_that_shows_it_is_planned_for(plans, tmp_path):
    extra = tmp_path / "report.json"
    done = invoke("evaluate", str(NO_GO), "-f", "sarif", "--output-format", f"json={extra}")
    assert done.exit_code == 1, done.output
    assert len(plans) == 1
    assert '"to_reach_go": [' in extra.read_text(encoding="utf-8")


def test_checklist_and_diff_do_not_plan(plans):
    assert invoke("checklist", str(NO_GO), "-f", "text").exit_code == 0
    assert invoke("diff", str(NO_GO), str(NO_GO)).exit_code == 0
    assert plans == []


def test_the_formats_said_to_show_to_reach_go_are_those_that_do():
    settings = Settings(load_catalogue()).without_export()
    session = Session(settings=settings, as_of=datetime.date(2026, 1, 1), waivers=(), reach=True)
    planned = file_report("org.yaml", session, text=NO_GO.read_text(encoding="utf-8"))
    assert planned.verdict == "no-go" and planned.to_reach_go
    bare = planned._replace(to_reach_go=())
    showing = {
        fmt
        for fmt in FORMATS
        if render(fmt, Report((planned,), settings.rules), RenderOptions())
        != render(fmt, Report((bare,), settings.rules), RenderOptions())
    }
    assert showing == SHOW_TO_REACH_GO


COMMANDS_READING_ONE_FILE = [
    ["evaluate"],
    ["validate"],
    ["plan"],
    ["checklist"],
    ["report"],
    ["project"],
]


@pytest.mark.parametrize("command", COMMANDS_READING_ONE_FILE, ids=lambda c: c[0])
def test_every_command_honours_the_file_size_limit(command, tmp_path: Path):
    done = invoke(*command, "--max-file-bytes", "100", str(NO_GO))
    assert done.exit_code == 2
    assert f"{NO_GO}:1:1: error: file is larger than the 100-byte limit" in done.output


@pytest.mark.parametrize("command", COMMANDS_READING_ONE_FILE, ids=lambda c: c[0])
def test_every_command_honours_the_configs_file_size_limit(command, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "podcheck.yaml").write_text("max_file_bytes: 100\n", encoding="utf-8")
    done = invoke(*command, str(NO_GO))
    assert done.exit_code == 2
    assert "file is larger than the 100-byte limit" in done.output


def test_diff_honours_the_file_size_limit():
    done = invoke("diff", "--max-file-bytes", "100", str(NO_GO), str(NO_GO))
    assert done.exit_code == 2
    assert "file is larger than the 100-byte limit" in done.output
