"""The benchmark's ratios are taken round by round (bench/run.py)."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("podcheck_bench_run", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_rounds_are_paired_not_sorted(bench) -> None:
    # Each tool's medians alone would say 3 / 3 = 1; round by round, ours took half as long
    # twice and more than twice as long once.
    ours = bench.Timing(walls=(1.0, 3.0, 8.0), cpus=(1.0, 3.0, 8.0), peak_mb=10.0)
    theirs = bench.Timing(walls=(2.0, 6.0, 3.0), cpus=(2.0, 6.0, 3.0), peak_mb=10.0)
    assert bench.ratio({"ours": ours, "theirs": theirs}, "ours", "theirs") == (0.5, 0.5)


def test_cpu_and_wall_ratios_are_taken_apart(bench) -> None:
    # The wall clock saw the machine busy in the first round; CPU times did not.
    ours = bench.Timing(walls=(6.0, 2.0, 2.0), cpus=(1.0, 1.0, 1.0), peak_mb=10.0)
    theirs = bench.Timing(walls=(4.0, 4.0, 4.0), cpus=(4.0, 4.0, 4.0), peak_mb=10.0)
    assert bench.ratio({"ours": ours, "theirs": theirs}, "ours", "theirs") == (0.25, 0.5)
