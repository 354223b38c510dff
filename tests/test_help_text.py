"""Help text that wraps between words at any width."""

import os
import subprocess
import sys

import pytest


@pytest.mark.slow  # a second or more: the full suite (.ci/run) runs it
@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_map_option_s_help_wraps_between_words(width):
    env = {**os.environ, "COLUMNS": str(width), "TERM": "dumb", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "podcheck", "evaluate", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "--map" in line)
    block = []
    for line in lines[start:]:
        if block and line.strip(" │").startswith("--"):
            break
        block.append(line.strip(" │"))
    words = " ".join(block).split()
    for field in ("account,", "arr,", "segment,", "pod,", "ae,", "csm,", "renewal),"):
        assert field in words, (width, block)
