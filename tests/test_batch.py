"""Many files at once: the same report whatever the number of worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, FIXTURES, installed_script
from podcheck.run.batch import PARALLEL_FROM, workers_for


@pytest.fixture(scope="module")
def many_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every example and every negative fixture, repeated past the parallel threshold."""
    folder = tmp_path_factory.mktemp("many")
    sources = [*EXAMPLES, *sorted((FIXTURES / "negative").glob("*.yaml"))]
    paths = []
    for index in range(PARALLEL_FROM + 20):
        source = sources[index % len(sources)]
        target = folder / f"{index:03d}-{source.name}"
        target.write_bytes(source.read_bytes())
        paths.append(str(target))
    paths.append(str(folder / "missing.yaml"))
    return paths


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([installed_script(), *args], capture_output=True, cwd=cwd, timeout=300)


# Each format starts three processes that judge 40-odd files: slow. The quick subset keeps
# two workers judging files in test_a_worker_that_dies_ends_the_run_with_one_line_and_no_wait.
@pytest.mark.parametrize(
    "fmt",
    [
        pytest.param("json", marks=pytest.mark.slow),
        pytest.param("sarif", marks=pytest.mark.slow),
        pytest.param("terminal", marks=pytest.mark.slow),
    ],
)
def test_parallel_and_serial_runs_write_the_same_bytes(many_files, tmp_path, fmt):
    serial = run("evaluate", "-f", fmt, "--jobs", "1", *many_files, cwd=tmp_path)
    parallel = run("evaluate", "-f", fmt, "--jobs", "2", *many_files, cwd=tmp_path)
    default = run("evaluate", "-f", fmt, *many_files, cwd=tmp_path)
    assert serial.returncode == 2  # the negative fixtures and the missing file
    assert serial.stdout.count(b"\n") > len(many_files)
    for other in (parallel, default):
        assert (other.returncode, other.stdout, other.stderr) == (
            serial.returncode,
            serial.stdout,
            serial.stderr,
        )


@pytest.mark.slow
def test_extra_outputs_match_between_parallel_and_serial_runs(many_files, tmp_path):
    outputs = {}
    for jobs in ("1", "2"):
        folder = tmp_path / jobs
        folder.mkdir()
        done = run(
            "evaluate",
            "-f",
            "json",
            "-o",
            "report.json",
            "--output-format",
            "sarif=report.sarif",
            "--output-format",
            "junit=report.xml",
            "--jobs",
            jobs,
            *many_files,
            cwd=folder,
        )
        assert done.returncode == 2
        outputs[jobs] = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    assert sorted(outputs["1"]) == ["report.json", "report.sarif", "report.xml"]
    assert outputs["1"] == outputs["2"]


def test_how_many_workers():
    many = [f"{n}.yaml" for n in range(PARALLEL_FROM)]
    cpus = len(os.sched_getaffinity(0))
    assert workers_for(many, None) == cpus
    assert workers_for(many[:-1], None) == 1  # below the threshold, starting workers costs more
    assert workers_for(many, 1) == 1
    assert workers_for(many[:3], 8) == 3  # asked for: never more workers than files
    assert workers_for([*many, "-"], None) == 1  # standard input is read by this process
    assert workers_for(["one.yaml"], 4) == 1


@pytest.mark.slow  # a new process or a large input: the full suite (.ci/run) runs it
def test_a_worker_that_dies_ends_the_run_with_one_line_and_no_wait(tmp_path):
    # A renderer that kills its worker stands in for the kernel's out-of-memory killer.
    script = f"""
import os, sys
import datetime
from podcheck.run import batch
from podcheck.run.session import Session
from podcheck.judge import rulebook
from podcheck.render.formats import RenderOptions

def die(report, options):
    os._exit(9)

session = Session(rulebook.Settings(rulebook.load_catalogue()), datetime.date(2026, 1, 1), ())
job = batch.Job(session, ((die, RenderOptions()),))
try:
    list(batch.judge_all([{str(EXAMPLES[0])!r}] * 8, job, 2))
except batch.WorkerStopped as exc:
    print("stopped:", exc)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.startswith("stopped: a worker process stopped before it finished")
    assert done.returncode == 0, done.stderr


def test_ctrl_c_during_a_parallel_run_ends_it_with_the_workers_and_is_never_lost(tmp_path):
    """Ctrl-C after the first result (and, below, after the last) stops the run with
    Interrupted once the files in hand are done; no result follows it, no worker is left."""
    script = f"""
import os, signal, datetime
from podcheck.core.errors import Interrupted
from podcheck.run import batch
from podcheck.run.session import Session
from podcheck.judge import rulebook

session = Session(rulebook.Settings(rulebook.load_catalogue()), datetime.date(2026, 1, 1), ())
job = batch.Job(session)
for after in (1, 40):
    seen = 0
    try:
        for outcome in batch.judge_all([{str(EXAMPLES[0])!r}] * 40, job, 2):
            seen += 1
            if seen == after:
                os.kill(os.getpid(), signal.SIGINT)
    except Interrupted:
        print("interrupted after", after, "with", seen, "seen")
    children = open(f"/proc/{{os.getpid()}}/task/{{os.getpid()}}/children").read().split()
    print("children", len(children))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "interrupted after 1 with 1 seen",
        "children 0",
        "interrupted after 40 with 40 seen",
        "children 0",
    ]


def test_a_deciding_report_keeps_what_decides_the_run_and_nothing_else():
    from conftest import org, result
    from conftest import run as judge
    from podcheck.judge.report import Report

    # ACV below the floor: no-go, with a failed result
    whole = judge(org(**{"segments.0.acv": 20_000}))
    kept = whole.deciding()
    assert whole.verdict == "no-go" and whole.segments and whole.results
    assert kept.segments == () and kept.to_reach_go == ()
    assert (kept.path, kept.org, kept.verdict, kept.errors, kept.export) == (
        whole.path,
        whole.org,
        whole.verdict,
        whole.errors,
        whole.export,
    )
    assert kept.results == tuple(r for r in whole.results if r.status in ("fail", "waived"))
    assert result(kept, "POD101").status == "fail"
    # The run's exit status reads the same from either.
    for fail_on in ("error", "warning", "never"):
        assert (
            Report((kept,), (), fail_on=fail_on).exit_code
            == Report((whole,), (), fail_on=fail_on).exit_code
        )
