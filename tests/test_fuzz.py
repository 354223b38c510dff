"""Fuzzing: whatever text arrives, podcheck exits 0, 1 or 2, never with a traceback, and every
error it prints is one `path:line:col: error:` line, within a bounded time and memory.

Inputs are mutated examples (characters inserted, removed and swapped, lines duplicated,
files truncated), random scalars in every field, structurally broken documents built from
YAML's own punctuation, and unusual Unicode and raw bytes. For long runs outside CI, see
fuzz/atheris_org.py.
"""

from __future__ import annotations

import copy
import re
import time
import tracemalloc

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CATALOGUE, EXAMPLES, CliRunner, data_paths
from podcheck.cli.app import app
from podcheck.cli.evaluate import PROGRESS_FROM, wants_progress
from podcheck.core.errors import InputErrors
from podcheck.judge.engine import evaluate
from podcheck.judge.report import Report
from podcheck.orgfile import source
from podcheck.orgfile.loader import load_org
from podcheck.render.formats import RenderOptions, render

ERROR_LINE = re.compile(r"(org\.yaml|<stdin>):\d+:\d+: error: [^\n]+")
TEXTS = [example.read_text(encoding="utf-8") for example in EXAMPLES]
PUNCTUATION = [
    *list("[]{}:,-?|>&*!%@`'\"#\t\n "),
    "---",
    "...",
    "<<",
    "!!python/object:os.system",
    "\ufeff",
    "\x00",
    "\u202e",
    "😀",
    "é",
]
SECONDS = 2.0
MEGABYTES = 64
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_bytes(raw: bytes) -> None:
    """Run the whole pipeline on `raw` and hold it to podcheck's promises."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        text = source.decode(raw, "org.yaml")
        loaded = load_org("org.yaml", text)
        report = evaluate(loaded, CATALOGUE)
        for name in ("json", "terminal", "sarif", "markdown"):
            assert render(name, Report((report,), CATALOGUE), RenderOptions())
    except InputErrors as exc:
        assert exc.errors
        for error in exc.errors:
            assert ERROR_LINE.fullmatch(str(error)), str(error)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - started < SECONDS
    assert peak < MEGABYTES * 1024 * 1024


@st.composite
def mutated_text(draw) -> bytes:
    text = draw(st.sampled_from(TEXTS))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        action = draw(st.sampled_from(["insert", "delete", "swap", "duplicate", "truncate"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(PUNCTUATION) | st.text(max_size=3)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif action == "swap":
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif action == "duplicate":
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            text = "\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
        else:
            text = text[:at]
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.slow
@FUZZ
@given(mutated_text())
def test_mutated_examples(raw):
    check_bytes(raw)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "yes",
            "No",
            "0x1F",
            "010",
            "1:30",
            "1e999",
            ".inf",
            "$1,5M",
            "-$5K",
            "2026-02-30",
            "99%",
            "~",
            "null",
        ]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@st.composite
def random_scalars(draw) -> bytes:
    data = copy.deepcopy(yaml.safe_load(draw(st.sampled_from(TEXTS))))
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(data_paths(data)))
        parent = data
        for step in target[:-1]:
            parent = parent[step]
        parent[target[-1]] = draw(SCALARS)
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass")


@pytest.mark.slow
@FUZZ
@given(random_scalars())
def test_random_scalars_in_every_field(raw):
    check_bytes(raw)


@pytest.mark.slow
@FUZZ
@given(
    st.lists(
        st.sampled_from([*PUNCTUATION, "version", "1", "org", "segments", "pods", "a"]), max_size=80
    )
)
def test_structurally_broken_documents(tokens):
    check_bytes("".join(tokens).encode("utf-8"))


@pytest.mark.slow
@FUZZ
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )
)
def test_unusual_unicode_and_raw_bytes(raw):
    check_bytes(raw)


runner = CliRunner()


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated_text(), random_scalars(), st.binary(max_size=200)))
def test_cli_exit_codes_and_error_lines(raw):
    outcome = runner.invoke(app, ["evaluate", "-", "--format", "json"], input=raw)
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit)
    assert outcome.exit_code in (0, 1, 2)
    assert "Traceback" not in outcome.stderr
    for line in outcome.stderr.splitlines():
        assert ERROR_LINE.fullmatch(line), line


def test_file_size_limit_from_option_and_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "org.yaml"
    target.write_text(TEXTS[0])
    size = len(TEXTS[0].encode())
    small = runner.invoke(app, ["evaluate", str(target), "--max-file-bytes", str(size - 1)])
    assert small.exit_code == 2
    assert f"file is larger than the {size - 1:,}-byte limit" in small.stderr
    assert runner.invoke(
        app, ["evaluate", str(target), "--max-file-bytes", str(size)]
    ).exit_code in (0, 1)
    (tmp_path / "podcheck.yaml").write_text("max_file_bytes: 100\n")
    assert "100-byte limit" in runner.invoke(app, ["evaluate", str(target)]).stderr
    (tmp_path / "podcheck.yaml").write_text("max_file_bytes: 0\n")
    bad = runner.invoke(app, ["evaluate", str(target)])
    assert bad.exit_code == 2 and "max_file_bytes: expected an integer >= 1" in bad.stderr


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_only_for_many_files_on_a_terminal():
    assert wants_progress(PROGRESS_FROM, _Stream(True))
    assert not wants_progress(PROGRESS_FROM - 1, _Stream(True))
    assert not wants_progress(1000, _Stream(False))
    assert not wants_progress(1000, object())


def test_no_progress_output_when_piped(tmp_path):
    files = []
    for index in range(PROGRESS_FROM + 5):
        path = tmp_path / f"org-{index}.yaml"
        path.write_text(TEXTS[0])
        files.append(str(path))
    outcome = runner.invoke(app, ["evaluate", *files, "-f", "json"])
    assert outcome.stderr == ""
