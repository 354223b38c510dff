"""Judging many files: in the order given, on several processes when there are enough of them.

A repository of org files is judged file by file, and files do not depend on each other,
so a large run is split across worker processes. Workers are forked: they start with
podcheck, the rules and the settings already loaded, and nothing but file paths goes to
them. Each returns the file's report and, for formats that are written file by file
(`render_file` in the format's module), the file's part of the output, so that the
parent only joins the parts. Results come back in the order of the paths, so the output
is the same, byte for byte, whatever the number of processes.

Forking is used only on Linux, where it is cheap and safe for a process with no threads;
elsewhere, and for standard input, files are judged one after the other.
"""

import os
import signal
import sys
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from podcheck.core.errors import Interrupted
from podcheck.judge.report import FileReport
from podcheck.orgfile.source import STDIN
from podcheck.render.formats import FileRenderer, RenderOptions
from podcheck.run.session import Session, file_report

# Below this many files, starting workers costs more than it saves.
PARALLEL_FROM = 100
# Tasks per worker: each message costs the parent time, but one task per worker would
# leave the others idle at the end when files differ in size.
TASKS_PER_WORKER = 4
MAX_CHUNK = 256


class Job(NamedTuple):
    """What judging one file needs; given to each worker once, when it starts."""

    session: Session
    # The outputs written file by file: how each writes a file's part, and its options.
    parts: tuple[tuple[FileRenderer, RenderOptions], ...] = ()
    # False when the parts are every output there is: reports then need only the results
    # that decide the run, and sending less between processes is faster.
    whole_reports: bool = True


class Outcome(NamedTuple):
    """One file's report and its parts of the file-by-file outputs, in `Job.parts` order.

    Without `Job.whole_reports`, the report holds only what decides the run
    (`FileReport.deciding`).
    """

    report: FileReport
    parts: tuple[str | bytes, ...] = ()


def _judge(job: Job, path: str) -> Outcome:
    report = file_report(path, job.session)
    parts = tuple(render(report, options) for render, options in job.parts)
    return Outcome(report if job.whole_reports else report.deciding(), parts)


def workers_for(paths: Sequence[str], jobs: int | None) -> int:
    """How many processes judge `paths`: `jobs`, or by default one per CPU for many files."""
    if sys.platform != "linux" or STDIN in paths or len(paths) < 2:
        return 1
    if jobs is not None:
        return max(1, min(jobs, len(paths)))
    if len(paths) < PARALLEL_FROM:
        return 1
    return len(os.sched_getaffinity(0))


def judge_all(paths: Sequence[str], job: Job, jobs: int | None = None) -> Iterator[Outcome]:
    """Every path's outcome, in the order of `paths`."""
    workers = workers_for(paths, jobs)
    if workers == 1:
        for path in paths:
            yield _judge(job, path)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunk = max(1, min(MAX_CHUNK, -(-len(paths) // (workers * TASKS_PER_WORKER))))
    context = multiprocessing.get_context("fork")
    # An executor rather than a Pool: if a worker dies, the run fails instead of waiting
    # for ever on the files it held.
    executor = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(job,)
    )
    # Ctrl-C while the executor runs is not raised where it lands, which may be inside the
    # executor holding one of its locks, nor does it kill the workers, which may be halfway
    # through sending a result (the executor would then wait for the rest for ever): the
    # run stops at the next result, once the files in hand are done, and says so.
    interrupted: list[int] = []

    def ctrl_c(signum: int, frame: object) -> None:
        interrupted.append(signum)

    # A worker inherits the parent's Ctrl-C handler at the fork and only ignores Ctrl-C
    # once its initializer runs: SIGINT stays blocked across the fork so that no worker
    # can be interrupted in between (a pending one reaches the parent when unblocked).
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, ctrl_c)
    try:
        try:
            outcomes = executor.map(_judge_in_worker, paths, chunksize=chunk)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        for outcome in outcomes:
            if interrupted:
                break
            yield outcome
    except BrokenProcessPool:
        raise WorkerStopped(
            "a worker process stopped before it finished (killed, or out of memory); "
            "try again with --jobs 1"
        ) from None
    finally:
        # Files not yet started are dropped; the caller may have stopped early.
        executor.shutdown(wait=True, cancel_futures=True)
        signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise Interrupted


class WorkerStopped(RuntimeError):
    """A worker process ended without finishing its files."""


_WORKER_JOB: Job | None = None


def _start_worker(job: Job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job
    # Ctrl-C reaches the whole process group; the parent alone decides how the run ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _judge_in_worker(path: str) -> Outcome:
    assert _WORKER_JOB is not None, "worker started without a job"
    return _judge(_WORKER_JOB, path)
