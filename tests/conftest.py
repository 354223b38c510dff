from __future__ import annotations

import atexit
import copy
import datetime
import functools
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import click.testing
import pytest
import typer.main
import typer.testing
import yaml

import podcheck
from podcheck.judge import rulebook
from podcheck.judge.engine import evaluate
from podcheck.judge.report import FileReport, Result
from podcheck.judge.waivers import Waiver
from podcheck.orgfile.loader import load_org

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _checkout_guard() -> None:
    """Fail the run unless the code and rules under test are this checkout's.

    An install that is not editable, or another checkout's, would let the tests pass against
    code that is not the code in this working tree.
    """
    rules = importlib.import_module("podcheck.rules")
    for module, folder in ((podcheck, ROOT / "src" / "podcheck"), (rules, ROOT / "rules")):
        found = Path(str(module.__file__)).resolve().parent
        if found != folder:
            raise pytest.UsageError(
                f"{module.__name__} is imported from {found}, not from this checkout's {folder}; "
                "install it with: pip install -e '.[test]'"
            )


_checkout_guard()


def _share_bytecode_with_subprocesses() -> None:
    """Let the podcheck processes the tests start compile the package once, not each time.

    With PYTHONDONTWRITEBYTECODE set, every process would compile every module again (about
    a third of a one-file run). The bytecode goes to a folder of this session's, never into
    the checkout.
    """
    folder = tempfile.mkdtemp(prefix="podcheck-test-bytecode-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = folder


_share_bytecode_with_subprocesses()


@pytest.fixture(autouse=True)
def _at_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in the repository's root, wherever pytest was started: outputs name
    files relative to where podcheck runs (annotations and SARIF from the repository's
    root), and the tests name the examples from there. A test that needs another folder
    changes to it itself."""
    monkeypatch.chdir(ROOT)


def _import_hypothesis_unrewritten() -> ModuleType:
    """Import hypothesis from its installed bytecode, not through pytest's assertion rewriter.

    pytest rewrites every module of a package that ships a pytest plugin, hypothesis
    included, and with PYTHONDONTWRITEBYTECODE set it cannot keep the result: about a second
    of every session went to rewriting hypothesis's own modules. Our test modules are still
    rewritten. If pytest stores its marks elsewhere one day, this only costs that second.
    """
    for finder in sys.meta_path:
        marked = getattr(finder, "_must_rewrite", None)
        if isinstance(marked, set):
            marked.discard("hypothesis")
            getattr(finder, "_marked_for_rewrite_cache", {}).clear()
    return importlib.import_module("hypothesis")


hypothesis = _import_hypothesis_unrewritten()

# The quick subset (`-m "not slow ..."`) runs fewer examples of each property; the whole
# suite (`.ci/run`, no -m) runs hypothesis's default of 100, and the slow property tests
# state their own counts either way. `--hypothesis-profile` picks a profile explicitly.
hypothesis.settings.register_profile("quick", max_examples=20)


def pytest_configure(config: pytest.Config) -> None:
    quick = "not slow" in (config.getoption("markexpr") or "")
    if quick and not config.getoption("hypothesis_profile", None):
        hypothesis.settings.load_profile("quick")


def _render_templates_once() -> None:
    """Compile the review pack's templates once per session rather than on every page.

    A run renders a page or two, so podcheck builds its jinja2 environment per page; the
    tests render hundreds, and compiling the templates again each time was a tenth of the
    quick subset. The templates are files of the package: nothing a test does changes them.
    """
    from podcheck.render import html_report

    build = html_report._environment
    if not hasattr(build, "cache_info"):
        html_report._environment = functools.cache(build)  # type: ignore[method-assign]


_render_templates_once()


class CliRunner(typer.testing.CliRunner):
    """typer's test runner, with the app's click command built once rather than on every
    invoke (building it was two thirds of a small in-process run)."""

    def invoke(self, app: Any, args: Any = None, **kwargs: Any) -> click.testing.Result:  # type: ignore[override]
        return click.testing.CliRunner.invoke(self, _click_command(app), args, **kwargs)


@functools.cache
def _click_command(app: Any) -> click.Command:
    return typer.main.get_command(app)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/golden from the current output (review the diff).",
    )


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


CATALOGUE = rulebook.load_catalogue()

# A go org: one mid-market pod segment with four healthy pods and every policy in place.
BASE_ORG: dict[str, Any] = {
    "version": 1,
    "org": {"name": "Base Org", "rollout": "pilot", "ratio_review_months": 6},
    "policies": {
        "renewal_ownership": {
            "written": True,
            "process_owner": "csm",
            "commercial_owner": "ae",
            "expansion": "joint",
            "expansion_attribution": True,
        },
        "coverage_plan": {"documented": True, "backup": "cross-pod"},
        "comp": {"ae_metrics": ["new_arr", "nrr"], "csm_metrics": ["nrr"]},
        "collaboration_norms": ["weekly_sync", "shared_account_notes", "late_stage_attendance"],
    },
    "segments": [
        {
            "id": "mm",
            "tier": "mid-market",
            "model": "pod",
            "acv": 50000,
            "accounts": 100,
            "onboarding_days": 120,
            "headcount": {"ae": 4, "csm": 4},
            "hiring_plan": {"ae": 1, "csm": 1},
            "pods": [
                {"id": f"p{i}", "ae": 1, "csm": 1, "accounts": 25, "arr": 1_000_000}
                for i in range(1, 5)
            ],
        }
    ],
}


def org(**changes: Any) -> dict[str, Any]:
    """A copy of BASE_ORG; keys like 'segments.0.acv' set nested values (None deletes)."""
    data = copy.deepcopy(BASE_ORG)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        key: Any = int(last) if isinstance(target, list) else last
        if isinstance(target, list) and key == len(target):
            target.append(value)  # one past the end adds an item
        elif value is None:
            del target[key]
        else:
            target[key] = value
    return data


# Test data is written and read with libyaml when PyYAML has it: the same text and data as
# yaml.safe_dump / yaml.safe_load, in a fraction of the time (they ran thousands of times).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def dump_yaml(data: Any, **options: Any) -> str:
    """yaml.safe_dump(data, **options), by libyaml where PyYAML has it."""
    return yaml.dump(data, Dumper=_DUMPER, **options)


def load_yaml(text: str) -> Any:
    """yaml.safe_load(text), by libyaml where PyYAML has it."""
    return yaml.load(text, Loader=_LOADER)  # a safe loader, C or Python


def run(data: dict[str, Any], rules: Any = None) -> FileReport:
    """Evaluate an org given as data, through the real YAML loader."""
    text = dump_yaml(data, sort_keys=False)
    return evaluate(load_org("org.yaml", text), CATALOGUE if rules is None else rules)


def result(
    report: FileReport, code: str, segment: str | None = None, pod: str | None = None
) -> Result:
    matches = [
        r
        for r in report.results
        if r.rule == code and r.pod == pod and (segment is None or r.segment == segment)
    ]
    assert len(matches) == 1, f"{code}: expected one result, found {len(matches)}"
    return matches[0]


def data_paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path below `data` (keys and indexes), for mutating documents in tests."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += data_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += data_paths(value, (*prefix, index))
    return found


def rendered_text(output: str | bytes) -> str:
    """A format's output as text: JSON is written as UTF-8 bytes."""
    return output.decode("utf-8") if isinstance(output, bytes) else output


def installed_script(name: str = "podcheck") -> str:
    """The console script installed beside this Python; its absence is a failure, not a skip."""
    import sys

    script = Path(sys.executable).with_name(name)
    assert script.exists(), f"{name} is not installed beside {sys.executable}"
    return str(script)


def codes(report: FileReport) -> set[str]:
    return {r.rule for r in report.results}


# A large, realistic no-go proposal for the review pack, with the waivers a config would hold.
REVIEW_FIXTURE = FIXTURES / "review" / "litware-three-segments-no-go.yaml"
REVIEW_TODAY = datetime.date(2026, 11, 23)
REVIEW_WAIVERS = (
    Waiver(
        index=0,
        rule="POD103",
        reason="Book moves to the new Denver pod in Q1; accepted by the CRO",
        owner="Jordan Lee",
        segment="enterprise",
        pod="ent-west-1",
        expires=datetime.date(2027, 3, 31),
    ),
    Waiver(
        index=1,
        rule="POD311",
        reason="Cross-pod cover is being written with HR; due before launch",
        expires=datetime.date(2027, 1, 15),
    ),
    Waiver(index=2, rule="POD205", reason="Ratio reviewed with the annual plan this year"),
    Waiver(
        index=3,
        rule="POD402",
        reason="Old waiver from the 2025 plan",
        expires=datetime.date(2026, 1, 31),
    ),
)


class Pack(NamedTuple):
    report_html: str
    checklist_html: str
    checklist: Any
    report: FileReport
    stamp: Any


def review_pack(path: Path, waivers: tuple[Waiver, ...] = ()) -> Pack:
    """The report and checklist pages of an org file, as `podcheck report` makes them."""
    from podcheck.render.html_report import Stamp, render_checklist, render_report
    from podcheck.review import checklist
    from podcheck.review.scorecard import digest
    from podcheck.run.session import Session, judge_file

    text = path.read_text(encoding="utf-8")
    # Judged on the run path, as the command does: "to reach go" comes with its plan.
    session = Session(
        settings=rulebook.Settings(CATALOGUE, book=CATALOGUE),
        as_of=REVIEW_TODAY,
        waivers=tuple(w for w in waivers if not w.expired(REVIEW_TODAY)),
        reach=True,
    )
    judged = judge_file(path.relative_to(ROOT).as_posix(), session, text=text)
    loaded, report = judged.loaded, judged.report
    assert report is not None
    made = checklist.build(report, loaded.org, CATALOGUE)
    stamp = Stamp(REVIEW_TODAY, digest(text), digest("waivers: []") if waivers else None)
    return Pack(
        render_report(report, loaded.org, CATALOGUE, made, stamp, waivers, plan=judged.plan),
        render_checklist(made, report, stamp, waivers),
        made,
        report,
        stamp,
    )


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` as a test's committer would, and return what it printed; a failing
    command fails the test."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout
