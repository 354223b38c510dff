"""Hires a monthly plan places after month 12: the org format takes months 1 to 24, the rules
read months 1 to 12 (rules.md, revision 3). A file may be GO with an AE wave in month 13, so
every format that says what shaped the verdict says that those hires were not judged, and
what they would do to the AE:CSM ratio."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from conftest import CliRunner, dump_yaml, org
from podcheck.cli.app import app
from podcheck.render.formats import FORMATS

runner = CliRunner()

# Four AEs and four CSMs today (the go org); one pair hired in month 1, three AEs in month 13:
# 5:5 through month 12, 8:5 = 1.6 from month 13.
AE_WAVE = [{"month": 1, "ae": 1, "csm": 1}, {"month": 13, "ae": 3, "csm": 0}]
NOTE = (
    "mm: hires planned after month 12 are not judged (the rules read months 1 to 12); they "
    "would take the AE:CSM ratio to 1.6:1 in month 13, past the 1.2:1 POD204 allows"
)


def write(folder: Path, plan: Any, name: str = "org.yaml") -> Path:
    path = folder / name
    path.write_text(dump_yaml(org(**{"segments.0.hiring_plan": plan}), sort_keys=False))
    return path


def shown(fmt: str, text: str) -> str:
    """The notes a format shows, as text on one line (the terminal wraps them)."""
    if fmt == "sarif":
        run = json.loads(text)["runs"][0]
        return "\n".join(
            n["message"]["text"] for n in run["invocations"][0]["toolConfigurationNotifications"]
        )
    if fmt == "junit":
        root = ET.fromstring(text)
        return "\n".join(p.get("value") or "" for p in root.iter("property"))
    return " ".join(text.replace("\\", "").split())  # Markdown escapes the brackets


# JSON carries what shaped a run as data (rules_not_run, overrides, waivers), not as notes.
@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"json"}))
def test_a_go_file_with_an_ae_wave_in_month_13_says_it_was_not_judged(tmp_path, fmt):
    path = write(tmp_path, AE_WAVE)
    outcome = runner.invoke(app, ["evaluate", str(path), "-f", fmt])
    assert outcome.exit_code == 0, outcome.output  # GO: no rule reads month 13
    assert NOTE in shown(fmt, outcome.stdout)


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "text", "html"])
def test_the_checklist_says_it(tmp_path, fmt):
    path = write(tmp_path, AE_WAVE)
    outcome = runner.invoke(app, ["checklist", str(path), "-f", fmt])
    assert outcome.exit_code == 0, outcome.output
    assert NOTE in shown(fmt, outcome.stdout)


def test_the_review_pack_says_it(tmp_path):
    path = write(tmp_path, AE_WAVE)
    page = tmp_path / "report.html"
    outcome = runner.invoke(app, ["report", str(path), "-o", str(page)])
    assert outcome.exit_code == 0, outcome.output
    assert NOTE in page.read_text(encoding="utf-8")


def test_the_configured_bar_is_the_one_named(tmp_path):
    path = write(tmp_path, AE_WAVE)
    config = tmp_path / "podcheck.yaml"
    config.write_text("rules:\n  POD204: {threshold: 1.5}\n")
    outcome = runner.invoke(app, ["evaluate", str(path), "-c", str(config)])
    assert outcome.exit_code == 0, outcome.output
    text = " ".join(outcome.stdout.split())  # the terminal wraps the note
    assert "to 1.6:1 in month 13, past the 1.5:1 POD204 allows" in text
    config.write_text("rules:\n  POD204: {threshold: 1.7}\n")
    within = runner.invoke(app, ["evaluate", str(path), "-c", str(config)])
    text = " ".join(within.stdout.split())
    assert "would take the AE:CSM ratio to 1.6:1 in month 13 " in text + " "
    assert "past the" not in text


def test_a_late_peak_at_the_bar_is_not_past_it(tmp_path):
    # 5:5 through month 12, then one more AE: 6:5 = 1.2 exactly, which the bar allows.
    plan = [{"month": 1, "ae": 1, "csm": 1}, {"month": 14, "ae": 1}]
    outcome = runner.invoke(app, ["evaluate", str(write(tmp_path, plan)), "-f", "markdown"])
    assert outcome.exit_code == 0, outcome.output
    text = outcome.stdout.replace("\\", "")
    assert "they would take the AE:CSM ratio to 1.2:1 in month 14\n" in text
    assert "past the" not in text


@pytest.mark.parametrize(
    "plan",
    [
        {"ae": 1, "csm": 1},  # 12-month totals
        [{"month": 1, "ae": 1, "csm": 1}, {"month": 12, "ae": 1}],  # the last month judged
    ],
    ids=["totals", "month-12"],
)
def test_a_plan_the_rules_read_whole_has_no_such_note(tmp_path, plan):
    outcome = runner.invoke(app, ["evaluate", str(write(tmp_path, plan)), "-f", "markdown"])
    assert "not judged" not in outcome.stdout


def test_several_files_name_the_file(tmp_path):
    late = write(tmp_path, AE_WAVE, "late.yaml")
    other = write(tmp_path, {"ae": 1, "csm": 1}, "other.yaml")
    outcome = runner.invoke(app, ["evaluate", str(late), str(other), "-f", "markdown"])
    assert outcome.exit_code == 0, outcome.output
    text = outcome.stdout.replace("\\", "")
    assert f"- {late}: mm: hires planned after month 12 are not judged" in text
    assert f"{other}: mm" not in text
