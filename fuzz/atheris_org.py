"""Coverage-guided fuzzing of podcheck's whole pipeline with atheris, for long runs outside CI.

    pip install atheris
    python fuzz/atheris_org.py fuzz/corpus examples/ -max_total_time=600

The first folder receives the inputs atheris finds (it is created if missing, and git
ignores it); the examples seed it and are never written to.

Each input is taken as the bytes of an org file: decoded, parsed, validated, judged and
rendered in every text format. The harness fails (and atheris saves the input) on any
exception other than podcheck's own input errors, and on any input error that is not one
`path:line:col: error: message` line.
"""

from __future__ import annotations

import os
import re
import sys

import atheris

with atheris.instrument_imports():
    from podcheck.core.errors import InputErrors
    from podcheck.judge import rulebook
    from podcheck.judge.engine import evaluate
    from podcheck.judge.report import Report
    from podcheck.orgfile import source
    from podcheck.orgfile.loader import load_org
    from podcheck.render.formats import RenderOptions, render

RULES = rulebook.load_catalogue()
ERROR_LINE = re.compile(r"fuzz\.yaml:\d+:\d+: error: [^\n]+")
FORMATS = ("json", "terminal", "markdown", "sarif", "junit", "github")


def test_one_input(data: bytes) -> None:
    try:
        loaded = load_org("fuzz.yaml", source.decode(data, "fuzz.yaml"))
    except InputErrors as exc:
        for error in exc.errors:
            if not ERROR_LINE.fullmatch(str(error)):
                raise AssertionError(f"malformed error line: {error!s}") from None
        return
    report = Report((evaluate(loaded, RULES),), RULES)
    for name in FORMATS:
        render(name, report, RenderOptions())


def main() -> None:
    folders = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    if folders:  # libFuzzer writes what it finds into the first folder, and needs it to exist
        os.makedirs(folders[0], exist_ok=True)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
