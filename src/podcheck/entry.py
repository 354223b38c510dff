"""The console entry point, apart from the CLI so that it runs before anything is imported."""

import gc
import sys


def main() -> None:
    # A run is short and its data are trees, which reference counting frees as it goes;
    # the cycle collector would only walk the heap again and again while modules load
    # (CPU time with it on: +14% for one file, +18% for a 5,000-pod org, +5% for its HTML
    # report, peak memory the same). Forked workers inherit it off.
    gc.disable()
    try:
        from podcheck.cli.app import run

        try:
            run()
        finally:
            # Exiting, the interpreter would walk every object once more for cycles (6% of a
            # one-file run, and page faults on memory its workers shared): the objects die
            # with the process, and every output is already closed. Frozen, they are skipped.
            gc.freeze()
    except KeyboardInterrupt:  # Ctrl-C while the CLI loads, before `run` handles it
        sys.stderr.write("podcheck: interrupted\n")
        raise SystemExit(130) from None
