"""The planner under hostile input: bounded in time and memory, and `--write` writes what
the plan announces (issue 22's planner findings, each reproduced here)."""

import json
import signal
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from podcheck.cli.app import app
from podcheck.judge.engine import evaluate
from podcheck.judge.rulebook import load_catalogue
from podcheck.orgfile.loader import load_org
from podcheck.plan.planner import make_plan
from podcheck.plan.write import revise

CATALOGUE = load_catalogue()

HEAD = """version: 1
org: {name: Hostile, rollout: pilot, ratio_review_months: 6}
policies:
  renewal_ownership: {written: true, process_owner: csm, commercial_owner: ae, expansion: joint,
    expansion_attribution: true}
  coverage_plan: {documented: true, backup: cross-pod}
  comp: {ae_metrics: [new_arr, nrr], csm_metrics: [nrr]}
  collaboration_norms: [weekly_sync, shared_account_notes, late_stage_attendance]
segments:
"""


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail, not hang, when the block runs longer than `seconds`."""

    def stop(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


LONG_ID = "s" * 64


def _short_pilot(pods: str) -> str:
    return HEAD + (
        f"  - id: {LONG_ID}\n    tier: enterprise\n    model: pod\n    acv: 80000\n"
        f"    accounts: 20\n    headcount: {{ae: 1, csm: 1}}\n    hiring_plan: {{ae: 0, csm: 0}}\n"
        f"    pods:\n{pods}"
    )


@pytest.mark.parametrize(
    "pods",
    [
        "      - {id: a, ae: 1, csm: 1, accounts: 20}\n",
        # The id a cut-off new name would take is already taken.
        f"      - {{id: {LONG_ID[:60]}-pod, ae: 1, csm: 1, accounts: 20}}\n",
    ],
)
def test_a_64_character_segment_id_gets_new_pods_with_unique_ids(pods: str) -> None:
    text = _short_pilot(pods)
    loaded = load_org("org.yaml", text)
    with within(20):
        plan = make_plan(loaded, CATALOGUE)
    (added,) = [c for c in plan.changes if c.kind == "add-pod"]
    ids = [pod.id for pod in plan.revised.segments[0].pods or ()]
    assert added.count == 2 and len(ids) == len(set(ids)) == 3
    assert all(len(pod_id) <= 64 for pod_id in ids)
    written = revise(text, loaded.document, loaded.org, plan.revised)
    assert evaluate(load_org("revised.yaml", written), CATALOGUE).verdict == plan.verdict_after


def _many_pods(count: int) -> str:
    """One enterprise segment of `count` pods, every other one over the load bar."""
    pods = "".join(
        f"      - {{id: p{i}, ae: 1, csm: 1, accounts: {40 if i % 2 == 0 else 20}}}\n"
        for i in range(count)
    )
    # Org-wide: every pod judged, as many changes as pods over the bar.
    return (
        HEAD.replace("rollout: pilot", "rollout: org-wide")
        + f"  - id: big\n    tier: enterprise\n    model: pod\n    acv: 80000\n"
        f"    accounts: {count * 30}\n    headcount: {{ae: {count}, csm: {count}}}\n"
        f"    hiring_plan: {{ae: 0, csm: 0}}\n    pods:\n{pods}"
    )


def _peak_mb(count: int) -> tuple[float, int]:
    loaded = load_org("org.yaml", _many_pods(count))
    tracemalloc.start()
    try:
        plan = make_plan(loaded, CATALOGUE)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak / 2**20, len(plan.changes)


@pytest.mark.slow
def test_planning_memory_grows_with_the_pods_not_their_square() -> None:
    # 2,000 pods took 1.8 GB when every candidate kept its own copy of the pod subjects.
    with within(120):
        small, small_changes = _peak_mb(500)
        large, large_changes = _peak_mb(2_000)
    assert small_changes == 250 and large_changes == 1_000
    assert large < 40, f"{large:.0f} MB for 2,000 pods"
    assert large < 8 * small, (small, large)  # 4x the pods: well under 16x the memory


@pytest.mark.slow
def test_a_10000_pod_org_plans_within_bounds() -> None:
    with within(300):
        peak, changes = _peak_mb(10_000)
    assert changes == 5_000 and peak < 100, f"{peak:.0f} MB"


FLOW_WITH_COMMENTS = (
    HEAD
    + """  - id: mm
    tier: mid-market
    model: pod
    acv: 45000
    accounts: 100
    headcount: {ae: 6, csm: 6}
    pod_count: 4
    hiring_plan: {ae: 4,   # AEs first {then CSMs}COMMENT
      }
"""
)


@pytest.mark.parametrize("comment", ["", " it's the plan", ' a "quote" and a [bracket'])
def test_write_reads_past_a_brace_or_a_quote_in_a_comment(tmp_path: Path, comment: str) -> None:
    text = FLOW_WITH_COMMENTS.replace("COMMENT", comment)
    source, out = tmp_path / "org.yaml", tmp_path / "revised.yaml"
    source.write_text(text, encoding="utf-8")
    ran = CliRunner().invoke(app, ["plan", str(source), "--write", str(out)])
    assert ran.exit_code in (0, 1), ran.output
    written = out.read_text(encoding="utf-8")
    assert f"# AEs first {{then CSMs}}{comment}\n" in written
    # The plan said what the written file gets.
    announced = "GO" if "would be GO" in ran.stdout else "NO-GO"
    verdict = evaluate(load_org("revised.yaml", written), CATALOGUE).verdict
    assert announced == {"go": "GO", "no-go": "NO-GO"}[verdict] == "GO", ran.stdout
    judged = CliRunner().invoke(app, ["evaluate", str(out)])
    assert judged.exit_code == 0, judged.stdout


def test_write_edits_a_quoted_model_in_place(tmp_path: Path) -> None:
    text = HEAD + (
        '  - id: small\n    tier: smb\n    model: "pod"   # as proposed\n    acv: 9000\n'
        "    accounts: 60\n    headcount: {ae: 2, csm: 2}\n    hiring_plan: {ae: 0, csm: 0}\n"
        "    pod_count: 3\n"
    )
    loaded = load_org("org.yaml", text)
    plan = make_plan(loaded, CATALOGUE)
    written = revise(text, loaded.document, loaded.org, plan.revised)
    assert "    model: pool   # as proposed\n" in written
    assert load_org("revised.yaml", written).org.segments[0].model == "pool"


@pytest.mark.parametrize(
    "entries",
    [
        "      - {month: 2, ae: 1}\n      - {month: 3, ae: 1}  # {q1}\n"
        "      - {month: 7, ae: 1}\n      - {month: 8, csm: 1}\n",
        "      - month: 2\n        ae: 1\n      - month: 3\n        ae: 1   # it's q1\n"
        "      - month: 7\n        ae: 1\n      - month: 8\n        csm: 1\n",
        "      [{month: 2, ae: 1}, {month: 3, ae: 1}, {month: 7, ae: 1}, {month: 8, csm: 1}]\n",
    ],
)
def test_deferrals_remove_emptied_entries_in_every_style(entries: str) -> None:
    text = HEAD + (
        "  - id: mm\n    tier: mid-market\n    model: pod\n    acv: 45000\n    accounts: 100\n"
        "    headcount: {ae: 5, csm: 5}\n    pod_count: 4\n    hiring_plan:\n" + entries
    )
    if entries.startswith("      ["):
        text = text.replace("    hiring_plan:\n      [", "    hiring_plan: [")
    loaded = load_org("org.yaml", text)
    plan = make_plan(loaded, CATALOGUE, strategy="defer")
    assert {c.kind for c in plan.changes} == {"defer-ae"}
    written = revise(text, loaded.document, loaded.org, plan.revised)
    reloaded = load_org("revised.yaml", written)
    months = reloaded.org.segments[0].hiring_plan
    assert isinstance(months, list) and all(e.ae or e.csm for e in months), written
    assert sum(e.ae for e in months) == 3 and sum(e.csm for e in months) == 1
    assert evaluate(reloaded, CATALOGUE).verdict == plan.verdict_after == "go", written


@pytest.mark.slow
def test_plan_accounts_moves_a_huge_book_in_time_linear_in_the_csms(tmp_path: Path) -> None:
    # One CSM with 50,000 accounts beside 10,000 CSMs of one account each: choosing each
    # receiver by scanning every CSM took minutes (quadratic); a bound, not a speed target.
    pods = ("mm-north", "mm-south", "mm-east", "mm-west")
    rows = ["Account Name,Annual Recurring Revenue,Segment,Pod,Customer Success Manager"]
    rows += [f"a{i},50000,Mid-Market,{pods[i % 4]},csm{i}" for i in range(10_000)]
    rows += [f"b{i},{50_000 + i},Mid-Market,mm-north,BIG" for i in range(50_000)]
    export = tmp_path / "books.csv"
    export.write_text("\n".join(rows) + "\n")
    org = Path(__file__).parent.parent / "examples" / "northwind-pilot-go.yaml"
    with within(60):
        done = CliRunner().invoke(
            app, ["plan", str(org), "--accounts", str(export), "--format", "json"]
        )
    assert done.exception is None and done.exit_code in (0, 1), done.output
    changes = json.loads(done.output)["files"][0]["changes"]
    # BIG keeps 34 (under the bar of 35) and gives the rest away, one account a move.
    assert sum(c["kind"] == "move-account" for c in changes) == 50_000 - 34
