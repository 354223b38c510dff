"""podcheck's fast validator and pydantic, reading the same dataclasses, must agree.

pydantic is the reference: for real and randomly mutated documents both accept or both
reject, and where they accept they build equal objects. The fast validator exists only
because building pydantic models costs more start-up time than a CI check can spend.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from conftest import EXAMPLES, FIXTURES, data_paths, org
from podcheck.orgfile import source, validation
from podcheck.orgfile.model import OrgFile

REFERENCE = TypeAdapter(OrgFile)


def both(data: Any) -> tuple[Any, Any]:
    try:
        fast = validation.validate(OrgFile, data)
    except validation.Invalid as exc:
        fast = ("invalid", sorted(str(p["loc"]) for p in exc.problems))
    try:
        reference = REFERENCE.validate_python(data)
    except ValidationError:
        reference = "invalid"
    return fast, reference


def agree(data: Any) -> None:
    fast, reference = both(data)
    if reference == "invalid":
        assert isinstance(fast, tuple), f"pydantic rejects, fast validator accepts: {data!r}"
    else:
        assert fast == reference


def parsed(text: str) -> Any:
    return source.parse(text, "org.yaml").data


@pytest.mark.parametrize(
    "path", [*EXAMPLES, *sorted((FIXTURES / "positive").glob("*.yaml"))], ids=lambda p: p.stem
)
def test_agree_on_valid_files(path):
    agree(parsed(path.read_text(encoding="utf-8")))


NEGATIVE_FORMAT_ERRORS = [
    p
    for p in sorted((FIXTURES / "negative").glob("*.yaml"))
    if not any(
        word in p.stem
        for word in (
            "duplicate",
            "exceed",
            "anchor",
            "alias",
            "merge",
            "tag",
            "two-documents",
            "syntax",
            "complex",
            "too-deep",
            "empty-file",
            "top-level",
            "version",
        )
    )
]


@pytest.mark.parametrize("path", NEGATIVE_FORMAT_ERRORS, ids=lambda p: p.stem)
def test_agree_on_invalid_files(path):
    fast, reference = both(parsed(path.read_text(encoding="utf-8")))
    assert reference == "invalid"
    assert isinstance(fast, tuple)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**7),
    st.sampled_from(
        [
            "",
            "x",
            "pod",
            "smb",
            "csm",
            "none",
            "$85K",
            "1.2M",
            "18%",
            "-1",
            "yes",
            "010",
            "a b",
            "Mid",
            "2026-01-15",
            "POD101",
        ]
    ),
    st.fractions(min_value=-5, max_value=200, max_denominator=100),
    st.just([]),
    st.just({}),
)


@st.composite
def mutated(draw) -> Any:
    base = copy.deepcopy(draw(st.sampled_from([org(), *[parsed(p.read_text()) for p in EXAMPLES]])))
    for _ in range(draw(st.integers(1, 3))):
        paths = data_paths(base)
        target = draw(st.sampled_from(paths))
        parent = base
        for step in target[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "extra"]))
        if action == "replace":
            parent[target[-1]] = draw(SCALARS)
        elif action == "delete":
            del parent[target[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["acounts", "extra", "tier", "pods"]))] = draw(SCALARS)
    return base


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_agree_on_mutated_documents(data):
    agree(data)


def _evaluate_in_a_fresh_process(tmp_path, before: str, after: str) -> str:
    """What `after` writes to stderr once a fresh process has run `evaluate -f json` on an
    example in `tmp_path`, `before` having run first."""
    import subprocess
    import sys

    code = (
        f"import sys\n{before}"
        "from podcheck.cli.app import app\n"
        "try:\n"
        f"    app(['evaluate', {str(EXAMPLES[0])!r}, '-f', 'json'], standalone_mode=False)\n"
        "except BaseException:\n"
        f"    pass\n{after}"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.lstrip().startswith("{"), done.stderr
    return done.stderr.strip()


@pytest.mark.slow  # a new process or a large input: the full suite (.ci/run) runs it
def test_evaluate_builds_no_pydantic_schema_and_imports_no_rich(tmp_path):
    """The start-up budget: a JSON run must not pay for building pydantic schemas or for rich.

    (typer itself imports pydantic; what costs is building schemas, which podcheck avoids.)
    """
    (tmp_path / "podcheck.yaml").write_text(
        "rules:\n  POD101: {threshold: 40K}\nwaivers:\n  - {rule: POD331, reason: later}\n"
    )
    said = _evaluate_in_a_fresh_process(
        tmp_path,
        "import pydantic\n"
        "built = []\n"
        "original = pydantic.TypeAdapter.__init__\n"
        "def record(self, kind, *args, **kwargs):\n"
        "    built.append(getattr(kind, '__module__', '') or '')\n"
        "    original(self, kind, *args, **kwargs)\n"
        "pydantic.TypeAdapter.__init__ = record\n",
        "ours = sorted({m for m in built if m.startswith('podcheck')})\n"
        "heavy = sorted(m for m in ('rich', 'jinja2') if m in sys.modules) + ours\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n",
    )
    assert said.endswith("HEAVY="), said


def test_a_plain_run_loads_neither_the_export_nor_the_catalogue_checker(tmp_path):
    """Loading the export modules is 7% of a one-file run (in instructions), checking rule
    files 2.5%: only a run given an export (or a config, which may map its columns) pays for
    the first, only a run whose rule files changed since the catalogue was built for the
    second."""
    said = _evaluate_in_a_fresh_process(
        tmp_path,
        "",
        "loaded = sorted(m for m in sys.modules\n"
        "    if m.startswith('podcheck.accounts') or m == 'podcheck.judge.catalogue')\n"
        "sys.stderr.write('LOADED=' + ','.join(loaded))\n",
    )
    assert said.endswith("LOADED="), said
