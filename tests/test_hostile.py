"""Hostile input against every output: nothing from a file may act on what reads the output.

One table of hostile strings is put into org names, segment names, waiver reasons, values
and file names, and every format of every command that prints a report is checked: no
control character or terminal escape from the input, no GitHub workflow command, JUnit that
parses, JSON that keeps the data. Then the gate itself: symlinks to secrets, a pull request
that loosens its own config, amplification, FIFOs, devices, Ctrl-C.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, CliRunner, dump_yaml, git, installed_script, org
from podcheck import __version__
from podcheck.cli.app import app
from podcheck.render.formats import FORMATS

runner = CliRunner()

# name -> a string an attacker would put in a name, a reason or a value.
HOSTILE = {
    "csi": "\x1b[2J\x1b[1;32m GO \x1b[0m",
    "osc-title": "\x1b]0;owned\x07",
    "c1-csi": "\x9b31mred",
    "nul": "a\x00b",
    "del": "a\x7fb",
    "cr": "done\r::warning::forged",
    "newline-command": "x\n::error file=evil.yaml::forged",
    "stop-commands": "x\n::stop-commands::token",
    "legacy-command": "x ##[add-mask]NO-GO",
    "legacy-stop": "##[stop-commands]",
    "azure-command": "x ##vso[task.complete result=Succeeded]done ##VSO[task.setvariable]y",
    "bidi": "\u202eog-on\u202c \u2066x\u2069",
    "line-separators": "a\u2028::error::b\u2029c",
    "unicode-blank-command": "\u00a0::error::forged \u3000::stop-commands::t",
    "non-characters": "a\ufffeb\uffff",
    "invisible": "Priya\u200bShah\u2060 \ufeffx",
    "vertical-tab": "a\x0bb\x0cc",
    "rich-markup": "[bold green]GO[/bold green] [link=http://x]y[/link]",
    "xml": "<![CDATA[x]]> </testcase> &amp; <error/>",
}
# Characters no output may carry from an input (newline and tab are the formats' own).
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\u2028\u2029\ufeff\ufffe\uffff]"
)
SGR = re.compile(r"\x1b\[[0-9;]*m")
GITHUB_LINE = re.compile(r"::(error|warning|notice) [^\n]*?::[^\n]*")


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def assert_inert(text: str, *, github: bool = False, colour: bool = False) -> None:
    """No unsafe character, no workflow command from the input."""
    if colour:
        text = SGR.sub("", text)  # the console's own colour codes, and only those
    assert not UNSAFE.search(text), repr(UNSAFE.search(text))
    assert "##[" not in text
    assert "##vso[" not in text.lower()
    for line in text.splitlines():
        if github:
            assert GITHUB_LINE.fullmatch(line), line
        else:
            assert not line.lstrip().startswith("::"), line


def write_hostile_org(folder: Path, value: str, *, broken: bool = False) -> Path:
    """An org file (no-go: the ACV is low) that carries `value` in every free-text field."""
    data = org(
        **{
            "org.name": value,
            "segments.0.name": value,
            "segments.0.acv": 20000,  # fails POD101
            "policies.collaboration_norms": ["weekly_sync"],  # fails POD331, waived
        }
    )
    if broken:  # input errors that quote the value
        data["segments"][0]["tier"] = value
        data["segments"][0][value] = 1
        data["segments"][0]["accounts"] = value
    path = folder / "org.yaml"
    path.write_text(dump_yaml(data, allow_unicode=True), encoding="utf-8")
    return path


def write_config(folder: Path, value: str) -> Path:
    config = {"waivers": [{"rule": "POD331", "reason": value}]}
    path = folder / "podcheck.yaml"
    path.write_text(dump_yaml(config, allow_unicode=True), encoding="utf-8")
    return path


# One string of each kind runs in the quick subset; every string runs with the slow tests.
QUICK_HOSTILE = ("azure-command", "bidi", "c1-csi", "csi", "newline-command", "xml")


@pytest.fixture(
    params=[
        name if name in QUICK_HOSTILE else pytest.param(name, marks=pytest.mark.slow)
        for name in sorted(HOSTILE)
    ]
)
def hostile(request, tmp_path, monkeypatch) -> tuple[str, Path]:
    monkeypatch.chdir(tmp_path)
    value = HOSTILE[request.param]
    write_config(tmp_path, value)
    return value, write_hostile_org(tmp_path, value)


# The string an output is likeliest to mishandle: its own syntax, or that of what reads it.
AFFINITY = {
    "github": "newline-command",
    "html": "xml",
    "json": "azure-command",
    "junit": "xml",
    "markdown": "bidi",
    "sarif": "c1-csi",
    "terminal": "csi",
    "text": "c1-csi",
    "validate": "csi",
}


def spread(names: list[str]) -> list[Any]:
    """(string, output) pairs for a test that takes both. The quick subset runs each output
    with the string it is likeliest to mishandle, and each quick string at least once; every
    other pair runs with the slow tests. test_evaluate_every_format_is_inert keeps every
    quick pair."""
    quick = {(AFFINITY[name], name) for name in names}
    missing = [string for string in QUICK_HOSTILE if string not in {s for s, _ in quick}]
    quick |= {(string, names[i % len(names)]) for i, string in enumerate(missing)}
    return [
        pytest.param(
            string,
            name,
            id=f"{string}-{name}",
            marks=() if (string, name) in quick else pytest.mark.slow,
        )
        for string in sorted(HOSTILE)
        for name in names
    ]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_evaluate_every_format_is_inert(hostile, name):
    value, path = hostile
    outcome = invoke("evaluate", str(path), "--format", name, "--verbose")
    assert outcome.exit_code == 1, outcome.stderr
    text = outcome.stdout
    if name == "junit":
        ET.fromstring(text.encode("utf-8"))
    if name in ("json", "sarif"):
        data = json.loads(text)
        if name == "json":  # JSON escapes the JSON way: the data is unchanged
            assert data["files"][0]["org"] == value
    assert_inert(text, github=name == "github")
    assert_inert(outcome.stderr)


def test_terminal_with_colour_carries_only_its_own_escapes(hostile):
    _, path = hostile
    outcome = invoke("evaluate", str(path), "--color", "always", "--verbose")
    assert "\x1b[" in outcome.stdout  # colour is on
    assert_inert(outcome.stdout, colour=True)
    assert "[bold green]" not in outcome.stdout or "GO[/bold green]" in outcome.stdout


@pytest.mark.parametrize(
    ("hostile", "name"), spread([*sorted(FORMATS), "validate"]), indirect=["hostile"]
)
def test_input_errors_are_inert_in_every_format(hostile, name):
    value, path = hostile
    write_hostile_org(path.parent, value, broken=True)
    if name == "validate":
        outcome = invoke("validate", str(path))
    else:
        outcome = invoke("evaluate", str(path), "--format", name)
    assert outcome.exit_code == 2
    if name == "junit":
        errors = ET.fromstring(outcome.stdout.encode("utf-8")).iter("error")
        assert len(list(errors)) == 1  # every message of the file in its one <error>
    assert_inert(outcome.stdout, github=name == "github")
    assert_inert(outcome.stderr)


@pytest.mark.parametrize(
    ("hostile", "name"), spread(["terminal", "json", "markdown"]), indirect=["hostile"]
)
def test_diff_is_inert(hostile, name):
    value, path = hostile
    base = path.parent / "base.yaml"
    base.write_text(yaml.safe_dump(org(**{"segments.0.name": value})), encoding="utf-8")
    outcome = invoke("diff", str(base), str(path), "--format", name)
    assert outcome.exit_code == 1, outcome.stderr
    if name == "json":
        json.loads(outcome.stdout)
    assert_inert(outcome.stdout)
    assert_inert(outcome.stderr)


@pytest.mark.parametrize(
    ("hostile", "name"), spread(["terminal", "text", "markdown", "html"]), indirect=["hostile"]
)
def test_checklist_is_inert(hostile, name):
    _, path = hostile
    outcome = invoke("checklist", str(path), "--format", name)
    assert outcome.exit_code == 0, outcome.stderr
    assert_inert(outcome.stdout)


def test_report_and_projection_are_inert(hostile):
    _, path = hostile
    report = invoke("report", str(path))
    assert report.exit_code == 0, report.stderr
    assert_inert(report.stdout)
    projection = invoke("project", str(path))
    assert_inert(projection.stdout)


def test_usage_errors_quoting_hostile_arguments_are_inert(tmp_path, monkeypatch):
    """click's usage errors quote the arguments as given: a file name from the pull request."""
    monkeypatch.chdir(tmp_path)
    named = "z##[error]PWN##vso[task.setvariable variable=gate]pass.yaml"
    extra = invoke("checklist", "a.yaml", named)
    assert extra.exit_code == 2 and "unexpected extra argument" in extra.stderr
    option = invoke("evaluate", "--##[error]x.yaml")
    assert option.exit_code == 2 and "no such option" in option.stderr
    for outcome in (extra, option):
        assert_inert(outcome.stderr)
        assert len(outcome.stderr.splitlines()) == 1


def test_hostile_file_names_are_inert(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = [
        "a\x1b[31m.yaml",
        "b\n::error::forged.yaml",
        "c ##[add-mask]x.yaml",
        "d\u202e.yaml",
        "::warning::f.yaml",
        # The runner trims every Unicode blank before it looks for `::`.
        "\u00a0::error title=forged::g.yaml",
        "\u3000::stop-commands::h.yaml",
        "\u205f\u2003::add-mask::i.yaml",
    ]
    for name in names:
        (tmp_path / name).write_text(yaml.safe_dump(org(**{"segments.0.acv": 20000})))
    raw = os.fsencode("e\xff.yaml")  # not UTF-8
    with open(os.path.join(os.fsencode(tmp_path), raw), "wb") as handle:
        handle.write(yaml.safe_dump(org()).encode())
    every = [*names, os.fsdecode(raw)]
    for name in FORMATS:
        outcome = invoke("evaluate", *every, "--format", name)
        assert outcome.exit_code == 1, outcome.stderr
        assert_inert(outcome.stdout, github=name == "github")
        if name == "junit":
            ET.fromstring(outcome.stdout.encode("utf-8"))
        if name == "sarif":
            uris = [
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(outcome.stdout)["runs"][0]["results"]
            ]
            assert all(" " not in uri and "\n" not in uri for uri in uris)
    valid = invoke("validate", *every)
    assert valid.exit_code == 0
    assert_inert(valid.stdout)


def test_sarif_uri_of_a_file_outside_the_working_directory(tmp_path, monkeypatch):
    inside = tmp_path / "work"
    inside.mkdir()
    monkeypatch.chdir(inside)
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(yaml.safe_dump(org(**{"segments.0.acv": 20000})))
    data = json.loads(invoke("evaluate", str(outside), "-f", "sarif").stdout)
    location = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == outside.as_uri()


# --- what the gate reads ------------------------------------------------------------------


SECRET = "SECRET-d41d8cd98f00b204-TOKEN"


@pytest.fixture
def leak(tmp_path, monkeypatch) -> Path:
    """A repository whose org file is a symbolic link to a secret outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "credentials").write_text(f"{SECRET}\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "org.yaml").symlink_to(outside / "credentials")
    (repo / "sub").symlink_to(outside, target_is_directory=True)
    monkeypatch.chdir(repo)
    return repo


@pytest.mark.parametrize(
    "args",
    [
        *(("evaluate", "{}", "-f", name) for name in FORMATS),
        ("validate", "{}"),
        ("checklist", "{}"),
        ("report", "{}"),
        ("project", "{}"),
        ("diff", "{}", "{}"),
        ("evaluate", "-c", "{}", "org.yaml"),
    ],
    ids=lambda args: "-".join(a for a in args if a != "{}"),
)
@pytest.mark.parametrize("target", ["org.yaml", "sub/credentials", "sub/../outside/credentials"])
def test_no_secret_byte_through_a_symlink(leak, args, target):
    outcome = invoke(*(target if a == "{}" else a for a in args))
    assert outcome.exit_code == 2
    assert SECRET[:8] not in outcome.stdout + outcome.stderr
    assert "symbolic link to a file outside the working directory" in outcome.stderr


@pytest.mark.parametrize("text", [f"{SECRET * 10}\n", f"TOKEN={SECRET}\n", "4111111111111111\n"])
def test_a_file_that_is_one_value_is_not_quoted(tmp_path, monkeypatch, text):
    """A token file a CI step left in the workspace, linked in as an org file from inside
    it: the link is allowed, none of the file is repeated."""
    (tmp_path / ".env").write_text(text)
    (tmp_path / "org.yaml").symlink_to(tmp_path / ".env")
    monkeypatch.chdir(tmp_path)
    for args in (("evaluate", "org.yaml"), ("evaluate", "org.yaml", "-f", "json")):
        outcome = invoke(*args)
        assert outcome.exit_code == 2
        assert outcome.stderr == (
            "org.yaml:1:1: error: expected a mapping at the top level, got a single value\n"
        )
        assert text.strip()[:6] not in outcome.stdout + outcome.stderr


def test_fifo_and_device_inputs_are_refused(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [installed_script(), "evaluate", str(fifo), "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"{fifo}:1:1: error: is not a regular file; refused" in done.stderr
    assert "/dev/zero:1:1: error: is not a regular file; refused" in done.stderr


def test_output_that_is_a_device_a_directory_or_an_input_is_refused(tmp_path, monkeypatch):
    # Contract changed (issue 22): a character device such as /dev/null is written by
    # opening it (tests/test_paths.py); a socket is still no place for a report.
    import socket

    monkeypatch.chdir(tmp_path)
    path = tmp_path / "org.yaml"
    text = yaml.safe_dump(org())
    path.write_text(text)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind("sock")
    for target, reason in [
        ("sock", "is not a regular file, a character device or a pipe"),
        (str(tmp_path), "is a directory"),
        (str(path), "is one of the input files"),
        ("./org.yaml", "is one of the input files"),
    ]:
        outcome = invoke("evaluate", str(path), "-o", target)
        assert outcome.exit_code == 2
        assert reason in outcome.stderr
        assert len(outcome.stderr.splitlines()) == 1
        checklist = invoke("checklist", str(path), "-o", target)
        assert checklist.exit_code == 2 and reason in checklist.stderr
    assert path.read_text() == text
    to_stdout = invoke("evaluate", str(path), "-o", "-", "-f", "json")
    assert json.loads(to_stdout.stdout)["verdict"] == "go"
    assert not (tmp_path / "-").exists()


def test_jobs_are_capped(tmp_path):
    assert "at most 4 per CPU" in " ".join(invoke("evaluate", "--help").stdout.split())
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(org()))
    assert invoke("evaluate", str(path), str(path), "-j", "5000").exit_code == 0


@pytest.mark.slow
def test_amplification_is_bounded_in_time_and_memory(tmp_path):
    """A 200 KB file of empty segments: rejected fast, small, with a bounded error list."""
    path = tmp_path / "amplify.yaml"
    body = "version: 1\norg: {name: x}\nsegments:\n"
    path.write_text(body + "- {}\n" * ((200_000 - len(body)) // 5))
    # Measured in a fresh process, so that no earlier child's memory counts.
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.monotonic()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "elapsed = time.monotonic() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(done.returncode, elapsed, peak, len(done.stderr.splitlines()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, installed_script(), "evaluate", str(path), "-f", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    code, elapsed, peak_kib, lines = done.stdout.split()
    assert int(code) == 2
    assert float(elapsed) < 5  # a bound, not a speed target
    assert int(peak_kib) < 300 * 1024
    assert int(lines) == 51  # 50 errors, then one line that says there are more


@pytest.mark.slow
def test_ctrl_c_ends_a_parallel_run_with_130(tmp_path):
    if sys.platform != "linux":
        pytest.fail("parallel runs fork workers on Linux only; this test needs Linux")
    text = (ROOT / "examples" / "contoso-enterprise-no-go.yaml").read_text()
    names = []
    for index in range(4000):
        name = tmp_path / f"f{index}.yaml"
        name.write_text(text)
        names.append(str(name))
    process = subprocess.Popen(
        [installed_script(), "evaluate", "-j", "2", "-f", "json", *names],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # As from a terminal, whatever started pytest: a shell's background job ignores
        # Ctrl-C, and a child would inherit that.
        preexec_fn=_ctrl_c_delivered,
    )
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 60
    while not children.read_text().split() and time.monotonic() < deadline:
        time.sleep(0.05)  # until the workers are forked
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert b"Traceback" not in stderr
    assert stderr.decode().strip() == "podcheck: interrupted"


def _ctrl_c_delivered() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


_CTRL_C_WHILE_LOADING = """
import os, signal, sys

# As from a terminal, whatever started pytest (a background job ignores Ctrl-C).
signal.signal(signal.SIGINT, signal.default_int_handler)

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "podcheck.cli.app":  # Ctrl-C at the moment the CLI starts to load
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
sys.argv = ["podcheck", "--version"]
from podcheck.entry import main

main()
"""


def test_ctrl_c_while_the_cli_loads_is_one_line_and_130():
    done = subprocess.run(
        [sys.executable, "-c", _CTRL_C_WHILE_LOADING], capture_output=True, timeout=60
    )
    assert done.returncode == 130
    assert done.stderr.decode() == "podcheck: interrupted\n"
    assert done.stdout == b""


_FROZEN_AT_EXIT = """
import atexit, gc, sys

# Runs once main has returned, before the interpreter's last walk for cycles.
atexit.register(lambda: sys.stderr.write(f"frozen {gc.get_freeze_count()}\\n"))
sys.argv = ["podcheck", "--version"]
from podcheck.entry import main

main()
"""


def test_the_entry_point_leaves_its_objects_to_the_process_exit():
    """The run's objects are frozen before the interpreter exits, so its last collection
    skips them; the output is whole all the same."""
    done = subprocess.run([sys.executable, "-c", _FROZEN_AT_EXIT], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().strip().endswith(__version__)
    frozen = done.stderr.decode().split()
    assert frozen[0] == "frozen" and int(frozen[1]) > 1_000


# Two processes under other output encodings: an environment, not an input; slow.
@pytest.mark.slow
def test_non_utf8_output_encoding_replaces_characters(tmp_path):
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(org(**{"org.name": "Café ✓ 東京"}), allow_unicode=True))
    for env in ({"PYTHONIOENCODING": "latin-1"}, {"PYTHONIOENCODING": "ascii", "LANG": "C"}):
        done = subprocess.run(
            [installed_script(), "evaluate", str(path)],
            capture_output=True,
            env={**os.environ, **env},
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert b"internal error" not in done.stderr
        assert b"Caf" in done.stdout
        # JSON is UTF-8 whatever the terminal's encoding (RFC 8259): the name as written.
        done = subprocess.run(
            [installed_script(), "evaluate", "--format", "json", str(path)],
            capture_output=True,
            env={**os.environ, **env},
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout.decode("utf-8"))["files"][0]["org"] == "Café ✓ 東京"


def test_money_with_a_leading_zero_is_an_input_error(tmp_path):
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(org()).replace("acv: 50000", "acv: 0100000"))
    outcome = invoke("evaluate", str(path))
    assert outcome.exit_code == 2
    assert "segments[0].acv: expected an amount without a leading zero" in outcome.stderr


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("version: 1\norg: [1, 2\n\n", "2:6", "'[' is never closed (the file ends at line 2:11)"),
        ("version: 1\norg: {a: 1\n", "2:6", "'{' is never closed (the file ends at line 2:11)"),
        ('version: 1\norg: "abc\n', "2:6", "the quote is never closed"),
    ],
)
def test_unclosed_brackets_are_reported_where_they_open(tmp_path, text, where, what):
    path = tmp_path / "org.yaml"
    path.write_text(text)
    outcome = invoke("validate", str(path))
    assert outcome.stderr.startswith(f"{path}:{where}: error: invalid YAML: {what}")


def test_waiver_file_globs_match_any_spelling(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(org(**{"segments.0.acv": 20000})))
    for glob in ("./org.yaml", "org.yaml", "*.yaml"):
        config = {"waivers": [{"rule": "POD101", "reason": "accepted", "file": glob}]}
        (tmp_path / "podcheck.yaml").write_text(yaml.safe_dump(config))
        for spelling in ("org.yaml", "./org.yaml"):
            assert invoke("evaluate", spelling).exit_code == 0, (glob, spelling)


# --- the bar --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("--select", " "),
        ("--ignore", ""),
        ("--select", "POD103", "--ignore", "csm-load"),
        ("--select", "POD1", "--ignore", "POD1"),
        ("--ignore", "POD"),
    ],
)
def test_a_selection_that_runs_no_rule_is_a_usage_error(tmp_path, args):
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(org()))
    outcome = invoke("evaluate", str(path), *args)
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("podcheck: error: ")
    assert len(outcome.stderr.splitlines()) == 1


@pytest.mark.parametrize("config", ['ignore: [" "]', "select: []", "ignore: [POD]"])
def test_a_config_that_runs_no_rule_is_an_input_error(tmp_path, monkeypatch, config):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(org(**{"segments.0.acv": 20000})))
    (tmp_path / "podcheck.yaml").write_text(config + "\n")
    outcome = invoke("evaluate", "org.yaml")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("podcheck.yaml:1:")


def test_the_most_specific_selector_decides():
    from podcheck.judge import rulebook

    catalogue = rulebook.load_catalogue()
    kept = {r.code for r in rulebook.select_rules(catalogue, ["POD1"], ["POD103"])}
    assert "POD103" not in kept and "POD101" in kept
    assert {r.code for r in rulebook.select_rules(catalogue, ["POD103"], ["POD1"])} == {"POD103"}
    by_name = rulebook.select_rules(catalogue, None, ["csm-load"])
    assert "POD103" not in {r.code for r in by_name}


@pytest.fixture
def loosened(tmp_path, monkeypatch) -> Path:
    """A base commit with a strict config, and a head commit that loosens it."""
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.chdir(repo)
    git(repo, "init", "-q", "-b", "main")
    (repo / "org.yaml").write_text(yaml.safe_dump(org(**{"segments.0.acv": 50000})))
    (repo / "podcheck.yaml").write_text("rules:\n  POD101:\n    threshold: $60K\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "strict bar")
    (repo / "podcheck.yaml").write_text(
        "ignore: [POD1]\nwaivers:\n  - {rule: POD201, reason: trust me, expires: 9999-12-31}\n"
    )
    git(repo, "commit", "-q", "-am", "loosen the bar")
    return repo


def test_the_head_config_cannot_open_the_gate(loosened):
    assert invoke("evaluate", "org.yaml").exit_code == 0  # obeying the head's config: open
    closed = invoke("evaluate", "org.yaml", "--config-ref", "HEAD~1", "-f", "json")
    assert closed.exit_code == 1
    failed = [r["rule"] for r in json.loads(closed.stdout)["files"][0]["results"]]
    assert "POD101" in failed
    assert "podcheck: notice: the working tree changes podcheck.yaml" in closed.stderr
    in_actions = invoke("evaluate", "org.yaml", "--config-ref", "HEAD~1", "-f", "github")
    assert in_actions.exit_code == 1
    assert "::notice title=podcheck%3A config changed::" in in_actions.stderr
    diff = invoke("diff", "--base-ref", "HEAD~1", "--config-ref", "HEAD~1", "org.yaml")
    assert "changes podcheck.yaml" in diff.stderr


def test_fail_on_config_change(loosened):
    (loosened / "org.yaml").write_text(yaml.safe_dump(org(**{"segments.0.acv": 90000})))
    assert invoke("evaluate", "org.yaml", "--config-ref", "HEAD~1").exit_code == 0
    failed = invoke("evaluate", "org.yaml", "--config-ref", "HEAD~1", "--fail-on-config-change")
    assert failed.exit_code == 1
    assert "differs from the one at --config-ref" in failed.stderr
    # In GitHub's format the failed check says why on the pull request, not only in the log.
    annotated = invoke(
        "evaluate", "org.yaml", "--config-ref", "HEAD~1", "--fail-on-config-change", "-f", "github"
    )
    assert annotated.exit_code == 1
    assert "::error title=podcheck%3A config changed::the config differs" in annotated.stdout
    git(loosened, "checkout", "-q", "HEAD~1", "--", "podcheck.yaml")
    same = invoke("evaluate", "org.yaml", "--config-ref", "HEAD~1", "--fail-on-config-change")
    assert same.exit_code == 0 and "notice" not in same.stderr
    # Without a revision to compare with, the option would guard nothing: refused, not ignored.
    needs = "podcheck: error: --fail-on-config-change needs --config-ref REF"
    for command in (["evaluate", "org.yaml"], ["diff", "--base-ref", "HEAD~1", "org.yaml"]):
        alone = invoke(*command, "--fail-on-config-change")
        assert alone.exit_code == 2 and alone.stderr.startswith(needs)


def test_a_tag_cannot_stand_in_for_the_base_branch(loosened):
    # The base branch as a clone sees it, then a pull request that pushes a tag of the same
    # short name with the loosened config: git would read the tag first.
    git(loosened, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    git(loosened, "tag", "origin/main", "HEAD")
    for command in (
        ["evaluate", "org.yaml", "--config-ref", "origin/main", "--fail-on-config-change"],
        ["diff", "--base-ref", "origin/main", "org.yaml"],
        ["plan", "org.yaml", "--config-ref", "origin/main"],
    ):
        refused = invoke(*command)
        assert refused.exit_code == 2, command
        line = refused.stderr.strip()
        assert "\n" not in line and "'origin/main' is ambiguous" in line, line
        assert "refs/remotes/origin/main and refs/tags/origin/main" in line
    # The name in full is the base's config: the gate stays closed.
    full = invoke("evaluate", "org.yaml", "--config-ref", "refs/remotes/origin/main", "-f", "json")
    assert full.exit_code == 1
    # The same name for the same commit is no ambiguity.
    git(loosened, "tag", "-f", "origin/main", "HEAD~1")
    assert invoke("evaluate", "org.yaml", "--config-ref", "origin/main").exit_code == 1


def test_no_config_at_the_ref_means_the_catalogue(loosened):
    git(loosened, "rm", "-q", "podcheck.yaml")
    git(loosened, "commit", "-q", "-m", "no config")
    (loosened / "podcheck.yaml").write_text("ignore: [POD1]\n")
    outcome = invoke("evaluate", "org.yaml", "--config-ref", "HEAD", "-f", "json")
    assert outcome.exit_code == 0
    assert "the working tree adds podcheck.yaml" in outcome.stderr
    rules = {r["rule"] for r in json.loads(outcome.stdout)["files"][0]["results"]}
    assert "POD101" in rules  # not ignored: the head's config is not used


def _action_step(repo: Path, tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess:
    """The action's evaluate step, run by bash in `repo` as the runner runs it."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "evaluate")
    env = {
        **os.environ,
        "PODCHECK": installed_script(),
        "PODCHECK_FILES": "org*.yaml",
        "PODCHECK_FAIL_ON": "error",
        "PODCHECK_SARIF": "",
        "PODCHECK_CONFIG_REF": "",
        "PODCHECK_FAIL_ON_CONFIG_CHANGE": "false",
        "GITHUB_OUTPUT": str(tmp_path / "out"),
    }
    env.pop("GITHUB_BASE_REF", None)
    env.update(inputs)
    return subprocess.run(
        ["bash", "-c", step["run"]], cwd=repo, env=env, capture_output=True, timeout=120
    )


def test_the_action_reads_the_bar_from_the_base(loosened, tmp_path):
    done = _action_step(loosened, tmp_path, PODCHECK_CONFIG_REF="HEAD~1")
    assert done.returncode == 1, done.stderr
    assert b"POD101" in done.stdout
    # A push has no base: fail-on-config-change then has nothing to compare, and the gate
    # still judges the files by the working tree's config.
    pushed = _action_step(loosened, tmp_path, PODCHECK_FAIL_ON_CONFIG_CHANGE="true")
    assert pushed.returncode == 0, pushed.stderr  # the loosened config waives POD101
    assert b"--fail-on-config-change needs" not in pushed.stderr


def test_the_action_names_the_base_in_full(loosened, tmp_path):
    # The pull request pushed a tag named like the base, with the loosened config; the base
    # branch as the checkout fetched it holds the strict one.
    git(loosened, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    git(loosened, "tag", "origin/main", "HEAD")
    done = _action_step(
        loosened, tmp_path, PODCHECK_FAIL_ON_CONFIG_CHANGE="true", GITHUB_BASE_REF="main"
    )
    assert done.returncode == 1, done.stderr
    assert b"read from refs/remotes/origin/main" in done.stdout
    assert b"POD101" in done.stdout


@pytest.mark.parametrize("written", ["origin/main~0", "origin/main^0", "origin/main^{commit}"])
def test_a_tag_cannot_stand_in_for_the_base_behind_revision_syntax(loosened, written):
    git(loosened, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    git(loosened, "tag", "origin/main", "HEAD")
    refused = invoke("evaluate", "org.yaml", "--config-ref", written)
    assert refused.exit_code == 2
    assert f"{written!r} is ambiguous: refs/remotes/origin/main and refs/tags/origin/main" in (
        refused.stderr
    )


def test_a_branch_named_like_the_bases_abbreviated_id_is_refused(loosened):
    base = subprocess.run(
        ["git", "rev-parse", "--short=7", "HEAD~1"], cwd=loosened, capture_output=True, text=True
    ).stdout.strip()
    assert invoke("evaluate", "org.yaml", "--config-ref", base).exit_code == 1  # the base
    git(loosened, "branch", base, "HEAD")  # the pull request's loosened config
    refused = invoke("evaluate", "org.yaml", "--config-ref", base)
    assert refused.exit_code == 2
    assert f"ambiguous: refs/heads/{base} and maybe an abbreviated commit id" in refused.stderr


def test_a_tag_of_a_tag_on_the_same_commit_is_no_ambiguity(loosened):
    git(loosened, "branch", "rel", "HEAD~1")
    git(loosened, "tag", "-a", "-m", "inner", "inner", "HEAD~1")
    git(loosened, "tag", "-a", "-m", "outer", "rel", "inner")
    assert invoke("evaluate", "org.yaml", "--config-ref", "rel").exit_code == 1


def test_a_folder_made_to_look_like_a_repository_is_not_read_as_one(loosened, tmp_path):
    # The pull request commits a bare repository's files into a folder, with a "base" whose
    # config opens the gate: git's own search from that folder would read the base there.
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q", "-b", "main")
    (other / "podcheck.yaml").write_text("fail_on: never\n")
    git(other, "add", ".")
    git(other, "commit", "-q", "-m", "open")
    fake = loosened / "org-design"
    subprocess.run(["git", "clone", "-q", "--bare", str(other), str(fake)], check=True)
    for step in (
        ["update-ref", "refs/remotes/origin/main", "HEAD"],
        ["config", "core.bare", "false"],
        ["config", "core.worktree", "."],  # paths read from the folder itself
    ):
        subprocess.run(["git", "--git-dir", str(fake), *step], check=True)
    (fake / "org.yaml").write_text((loosened / "org.yaml").read_text())
    (fake / "podcheck.yaml").write_text("fail_on: never\n")
    git(loosened, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    head = invoke(
        "evaluate", "org-design/org.yaml", "--config", "org-design/podcheck.yaml",
        "--config-ref", "refs/remotes/origin/main",
    )  # fmt: skip
    # Read from the repository the command runs in, whose base has no such config: refused.
    assert head.exit_code == 2, head.stdout
    assert "--config 'org-design/podcheck.yaml' is not in refs/remotes/origin/main" in head.stderr


def test_a_ref_named_in_full_must_exist(loosened):
    # Without the remote branch (a shallow checkout), git would go on to a tag the pull
    # request pushed under the same name: refs/tags/refs/remotes/origin/main.
    git(loosened, "tag", "refs/remotes/origin/main", "HEAD")
    refused = invoke("evaluate", "org.yaml", "--config-ref", "refs/remotes/origin/main")
    assert refused.exit_code == 2
    assert "there is no ref 'refs/remotes/origin/main' in the repository" in refused.stderr


def test_a_folder_link_does_not_choose_which_base_file_is_read(loosened):
    # The base holds config/podcheck.yaml (strict) and legacy/podcheck.yaml (open); the pull
    # request makes config a link to legacy: the base's config/podcheck.yaml is the bar.
    (loosened / "config").mkdir()
    (loosened / "legacy").mkdir()
    (loosened / "config" / "podcheck.yaml").write_text("rules:\n  POD101: {threshold: $60K}\n")
    (loosened / "legacy" / "podcheck.yaml").write_text("fail_on: never\n")
    git(loosened, "add", ".")
    git(loosened, "commit", "-q", "-m", "configs")
    git(loosened, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(loosened, "rm", "-q", "-r", "config")
    (loosened / "config").symlink_to("legacy")
    done = invoke(
        "evaluate", "org.yaml", "--config", "config/podcheck.yaml",
        "--config-ref", "refs/remotes/origin/main", "--fail-on-config-change", "-f", "json",
    )  # fmt: skip
    assert done.exit_code == 1, done.stderr  # POD101 at the base's $60K
    assert "the working tree changes config/podcheck.yaml" in done.stderr


def test_base_version_errors_exit_2_under_their_ref_name(loosened):
    (loosened / "org.yaml").write_text("version: [\n")
    git(loosened, "commit", "-q", "-am", "broken")
    (loosened / "org.yaml").write_text(yaml.safe_dump(org()))
    outcome = invoke("diff", "--base-ref", "HEAD", "org.yaml")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("HEAD:org.yaml:1:10: error: invalid YAML: did not find")


def test_base_blob_over_the_size_limit_is_refused_unread(loosened):
    (loosened / "podcheck.yaml").write_text("max_file_bytes: 1000\n")
    (loosened / "org.yaml").write_text("# " + "x" * 2000 + "\n")
    git(loosened, "commit", "-q", "-am", "big")
    (loosened / "org.yaml").write_text(yaml.safe_dump(org()))
    outcome = invoke("diff", "--base-ref", "HEAD", "org.yaml")
    assert outcome.exit_code == 2
    assert "HEAD:org.yaml:1:1: error: file is larger than the 1,000-byte limit" in outcome.stderr


def test_report_hint_is_quoted_and_never_wrapped(tmp_path):
    folder = tmp_path / ("a very long folder name with spaces; and $(dollars) " * 3)
    folder.mkdir()
    path = folder / "it's.yaml"
    path.write_text(yaml.safe_dump(org()))
    outcome = invoke("evaluate", str(path), "--format", "terminal")
    hint = f"Printable version: podcheck report {shlex.quote(str(path))} -o report.html"
    assert hint in outcome.stdout.splitlines()


def test_a_cut_short_error_list_says_so(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text("version: 1\norg: {name: x}\nsegments:\n" + "- {}\n" * 300)
    outcome = invoke("evaluate", str(path))
    assert outcome.exit_code == 2
    assert "not evaluated: more than 50 input errors" in outcome.stdout
    lines = outcome.stderr.splitlines()
    assert len(lines) == 51
    assert lines[-1].endswith("error: ... and more errors; only the first 50 are shown")


def test_a_revision_cannot_pass_as_a_git_option(loosened):
    for option in ("--config-ref", "--base-ref"):
        command = "evaluate" if option == "--config-ref" else "diff"
        outcome = invoke(command, "org.yaml", f"{option}=--output=x")
        assert outcome.exit_code == 2
        assert "a revision cannot start with '-'" in outcome.stderr
        assert not (loosened / "x").exists()


def test_a_selection_of_only_export_rules_without_an_export_runs_nothing_and_exits_2():
    from conftest import CliRunner
    from podcheck.cli.app import app

    no_go = str(
        Path(__file__).resolve().parent.parent / "examples" / "contoso-enterprise-no-go.yaml"
    )
    for command in (["evaluate"], ["plan"], ["diff", no_go]):
        outcome = CliRunner().invoke(app, [*command, no_go, "--select", "POD7"])
        assert outcome.exit_code == 2, command
        assert "no --accounts EXPORT is given" in outcome.stderr


def test_plan_output_is_inert(tmp_path):
    from conftest import CliRunner, org
    from podcheck.cli.app import app

    hostile = tmp_path / "hostile.yaml"
    data = org(**{"org.name": "x ##[stop-commands]tok \u202e", "policies.comp": None})
    hostile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for fmt in ("terminal", "json", "markdown"):
        outcome = CliRunner().invoke(app, ["plan", str(hostile), "-f", fmt])
        assert "##[" not in outcome.stdout and "\u202e" not in outcome.stdout, fmt


@pytest.mark.slow
def test_a_file_of_millions_of_values_is_refused_early(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("version: 1\nsegments: [" + "a, " * 300_000 + "a]\n")
    from podcheck.core.errors import InputErrors
    from podcheck.orgfile.loader import load_org

    with pytest.raises(InputErrors, match="more than 250,000 values"):
        load_org(str(big), big.read_text())


def test_a_named_config_absent_at_the_ref_is_refused(loosened):
    # A config the pull request adds under another name must not stand in for the base's.
    (loosened / "evil.yaml").write_text("ignore: [POD1]\n")
    outcome = invoke("evaluate", "org.yaml", "--config-ref", "HEAD~1", "--config", "evil.yaml")
    assert outcome.exit_code == 2
    assert "is not in HEAD~1" in outcome.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("fmt", ["json", "terminal"])
def test_a_full_disk_under_standard_output_is_one_line_and_exit_2(tmp_path, fmt):
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(org()))
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [installed_script(), "evaluate", "--format", fmt, str(path)],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert done.returncode == 2
    assert (
        done.stderr.decode()
        == "podcheck: error: cannot write the output: no space left on device\n"
    )
