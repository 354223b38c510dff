"""`podcheck init --accounts`: every id the draft writes reads back as the same string.

A segment or pod the CRM names `1`, `null`, `true` or `2024` is slugged to an id YAML would
read as a number, null or a boolean; written plain, the draft failed `podcheck validate`
while init exited 0.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import installed_script

HEADER = ["Account Name", "CSM", "Segment", "Pod", "ARR"]
# Names a CRM may hold that YAML or podcheck's reader would not take for text, written plain.
TRICKY = (
    "1", "null", "Null", "true", "TRUE", "false", "yes", "No", "on", "off", "y", "n", "~",
    "2024", "010", "0o7", "0x1f", "1_000", "1.5", "-1", "+1", "1e5", "12:30", "2026-01-15",
    ".inf", "nan", "[1]", "{a}", "'q'", '"q"', "#1", "a: b", "- x", "Mid-Market", "p1", "🚀 Growth", "x\x7fy",
)  # fmt: skip


def write_export(path: Path, pairs: list[tuple[str, str]]) -> Path:
    buffer = io.StringIO()
    rows = [[f"A{i}", f"CSM {i % 3}", seg, pod, "48000"] for i, (seg, pod) in enumerate(pairs)]
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def ids_written(text: str) -> list[str]:
    """Each id as the draft writes it, quotes and all."""
    return re.findall(r"\bid: ((?:\"[^\"]*\")|[^,}\s]+)", text)


@pytest.mark.slow  # a new process or a large input: the full suite (.ci/run) runs it
def test_ids_yaml_reads_as_numbers_null_or_booleans_are_quoted_and_validate(tmp_path):
    pairs = [("Mid-Market", pod) for pod in ("1", "null", "true", "false")]
    pairs += [("2024", "p1"), ("null", "p2")]
    books = write_export(tmp_path / "i.csv", pairs)
    draft = tmp_path / "d.yaml"
    run = [installed_script(), "init", "--accounts", str(books), str(draft)]
    done = subprocess.run(run, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    text = draft.read_text()
    assert {'"1"', '"null"', '"true"', '"false"', '"2024"'} <= set(ids_written(text))
    check = [installed_script(), "validate", str(draft)]
    done = subprocess.run(check, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    ids = sorted(s["id"] for s in yaml.safe_load(text)["segments"])
    assert ids == ["2024", "mid-market", "null"]


names = st.sampled_from(TRICKY) | st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=8
).filter(str.strip)


@pytest.mark.slow  # a second or more: the full suite (.ci/run) runs it
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(names, names), min_size=1, max_size=6))
def test_every_drafted_id_round_trips_through_validate(tmp_path_factory, pairs):
    from podcheck.cli.app import app

    folder = tmp_path_factory.mktemp("draft")
    books = write_export(folder / "books.csv", pairs)
    draft = folder / "org.yaml"
    runner = CliRunner()
    done = runner.invoke(app, ["init", "--accounts", str(books), str(draft)])
    assert done.exit_code == 0, done.output
    checked = runner.invoke(app, ["validate", str(draft)])
    assert checked.exit_code == 0, checked.output
    text = draft.read_text()
    data = yaml.safe_load(text)
    read = []
    for segment in data["segments"]:
        read += [segment["id"], *(pod["id"] for pod in segment.get("pods") or [])]
    # YAML reads each id back as the string written, quoted or plain.
    assert read == [yaml.safe_load(value) for value in ids_written(text)]
    assert all(isinstance(value, str) and value for value in read)
    # And the export it was drafted from is read back whole: every segment and pod found.
    judged = runner.invoke(app, ["evaluate", str(draft), "--accounts", str(books), "-f", "json"])
    assert judged.exit_code == 1, judged.output  # no-go: its policies are unanswered
    export = json.loads(judged.stdout)["files"][0]["export"]
    assert export["refused"] == 0 and export["read"] == export["rows"], export
