"""Benchmark podcheck against what a user would otherwise run on the same inputs.

    pip install -e '.[bench]' && python bench/run.py

Generates the inputs in a temporary folder, checks that podcheck judges them as meant (go
or no-go, never an input error), then times, in the same run and on the same files:
`podcheck evaluate --format json` against `yamllint` (one file; 1,000 no-go files; 1,000 go
files, each in one invocation), an account export against a bare standard-library `csv`
read-and-group of it, and the HTML review pack of a 5,000-pod no-go org against evaluating
that org.

Each measurement is a cold run (a new process) inside a small wrapper that reads the tool's
wall time, its CPU time (user + system of the tool and every process it waited for, such as
podcheck's parallel workers) and its peak resident set. The tools of a scenario take turns
run by run after one untimed warm-up round (which also writes the bytecode caches a normal
install has, into the benchmark's own folder); every figure is a median, and a ratio is the
median of the rounds' ratios (each round runs both tools, so each ratio is taken at one speed
of the machine). Targets are CPU-time ratios, which hold on a busy machine where wall times
do not. Prints the figures and each target met or missed; exits 1 if one is missed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

# One wrapper process per measurement runs the tool and prints the tool's exit status, wall
# seconds, CPU seconds (user + system of the tool and the processes it waited for) and peak
# RSS (KiB on Linux), so that the wrapper's own start-up is not counted.
_MEASURE = (
    "import resource, subprocess, sys, time;"
    "quiet = {'stdout': subprocess.DEVNULL, 'stderr': subprocess.DEVNULL};"
    "start = time.perf_counter();"
    "status = subprocess.run(sys.argv[1:], **quiet).returncode;"
    "wall = time.perf_counter() - start;"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print(status, wall, used.ru_utime + used.ru_stime, used.ru_maxrss)"
)


@dataclass(frozen=True)
class Timing:
    """One tool's runs in a scenario: each round's figures, in round order."""

    walls: tuple[float, ...]  # wall seconds
    cpus: tuple[float, ...]  # user + system seconds
    peak_mb: float  # the largest of the runs

    @property
    def seconds(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


@dataclass(frozen=True)
class Tool:
    command: Sequence[str]
    # Exit statuses that mean the tool did the work (podcheck: 0 go, 1 no-go).
    ok: tuple[int, ...] = (0, 1)


def _run_once(tool: Tool, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MB of one cold run."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *tool.command],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    status, wall, cpu, peak_kib = done.stdout.split()
    if int(status) not in tool.ok:
        sys.exit(f"bench: {' '.join(tool.command[:3])} ... exited {status}")
    return float(wall), float(cpu), int(peak_kib) / 1024


def measure_together(tools: dict[str, Tool], runs: int, env: dict[str, str]) -> dict[str, Timing]:
    """Each tool's medians over `runs` rounds, after one untimed round.

    Each round runs every tool once, in turn, so that a machine that slows down or speeds
    up during the benchmark moves every tool's figures alike and the ratios hold.
    """
    for tool in tools.values():
        _run_once(tool, env)
    walls: dict[str, list[float]] = {name: [] for name in tools}
    cpus: dict[str, list[float]] = {name: [] for name in tools}
    peaks: dict[str, list[float]] = {name: [] for name in tools}
    for _ in range(runs):
        for name, tool in tools.items():
            wall, cpu, peak = _run_once(tool, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
            peaks[name].append(peak)
    return {name: Timing(tuple(walls[name]), tuple(cpus[name]), max(peaks[name])) for name in tools}


def typical_org(index: int = 0, *, go: bool = True) -> dict:
    """A small org as a team writes it: one pod segment of four pods and a pooled SMB tier.

    The no-go one hires an AE before its CSM, so the projected ratio breaks the bar in month
    2 and leaves expansion attribution unsaid.
    """
    pods = [
        {
            "id": f"p{index}-{n}",
            "ae": 1,
            "csm": 1,
            "accounts": 28 + n % 4,
            "arr": f"{1.2 + n / 10:.1f}M",
        }
        for n in range(4)
    ]
    hiring = [{"month": 2, "csm": 1}, {"month": 3, "ae": 1}]
    if not go:
        hiring = [{"month": 2, "ae": 1}, {"month": 3, "csm": 1}]
    ownership: dict = {
        "written": True,
        "process_owner": "csm",
        "commercial_owner": "ae",
        "expansion": "joint",
    }
    if go:
        ownership["expansion_attribution"] = True
    return {
        "version": 1,
        "org": {"name": f"Benchmark Org {index}", "rollout": "pilot", "ratio_review_months": 6},
        "policies": {
            "renewal_ownership": ownership,
            "coverage_plan": {"documented": True, "backup": "cross-pod"},
            "comp": {"ae_metrics": ["new_arr", "nrr"], "csm_metrics": ["nrr"]},
            "collaboration_norms": ["weekly_sync", "shared_account_notes", "late_stage_attendance"],
        },
        "segments": [
            {
                "id": "mid-market",
                "tier": "mid-market",
                "model": "pod",
                "acv": f"${40 + index % 30}K",
                "accounts": 120,
                "onboarding_days": 100,
                "headcount": {"ae": 4, "csm": 4},
                "hiring_plan": hiring,
                "pods": pods,
            },
            {
                "id": "smb",
                "tier": "smb",
                "model": "pool",
                "acv": "9K",
                "accounts": 900,
                "headcount": {"ae": 6, "csm": 10},
            },
        ],
    }


# A pilot that ran its quarter and showed the benefits: the org may go org-wide.
PILOT_RESULTS = {
    "days": 120,
    "handoff_quality": {"pilot": 4.3, "baseline": 3.4},
    "time_to_first_value_days": {"pilot": 71, "baseline": 94},
    "renewal_forecast_accuracy_pct": {"pilot": "88%", "baseline": "81%"},
    "ae_attendance_pct": 64,
    "csm_presales_pct": "20%",
    "ae_presales_pct": "12%",
}


def large_org(segments: int, pods_per_segment: int = 10) -> dict:
    """A go org of `segments` enterprise pod segments, org-wide after a pilot that ran its
    quarter (warnings only: more than 8 pods)."""
    data = typical_org()
    data["org"]["rollout"] = "org-wide"
    data["segments"] = [
        {
            "id": f"seg-{s}",
            "tier": "enterprise",
            "model": "pod",
            "acv": 85000,
            "accounts": 30 * pods_per_segment,
            "headcount": {"ae": pods_per_segment, "csm": pods_per_segment},
            "hiring_plan": {"ae": 2, "csm": 2},
            "pods": [
                {"id": f"s{s}-p{p}", "ae": 1, "csm": 1, "accounts": 30, "arr": 1_500_000 + p}
                for p in range(pods_per_segment)
            ],
        }
        for s in range(segments)
    ]
    data["segments"][0]["pilot_results"] = PILOT_RESULTS
    return data


def no_go_org(segments: int, pods_per_segment: int = 10) -> dict:
    """The large org made no-go: every other pod overloaded, every third plan AE-heavy."""
    data = large_org(segments, pods_per_segment)
    for index, segment in enumerate(data["segments"]):
        for pod in segment["pods"][::2]:
            pod["accounts"] = 40
        segment["accounts"] = sum(pod["accounts"] for pod in segment["pods"])
        if index % 3 == 0:
            segment["hiring_plan"] = {"ae": 6, "csm": 1}
    return data


# The account export scenario: 50 pod segments of 10 pods, 12 CSMs to a pod.
EXPORT_SEGMENTS, EXPORT_PODS, EXPORT_CSMS = 50, 10, 12
EXPORT_HEADER = [
    "Account Name",
    "Account ID",
    "Annual Recurring Revenue",
    "Segment",
    "Pod",
    "Account Owner",
    "Customer Success Manager",
    "Renewal Date",
]


def export_org(rows: int) -> dict:
    """An org whose pods state the accounts the export holds."""
    per_pod = rows // (EXPORT_SEGMENTS * EXPORT_PODS)
    data = large_org(EXPORT_SEGMENTS, EXPORT_PODS)
    for s, segment in enumerate(data["segments"]):
        segment["accounts"] = per_pod * EXPORT_PODS
        segment["headcount"] = {"ae": EXPORT_PODS, "csm": EXPORT_PODS * EXPORT_CSMS}
        segment["hiring_plan"] = {"ae": 0, "csm": 0}
        segment["pods"] = [
            {"id": f"s{s}-p{p}", "ae": 1, "csm": EXPORT_CSMS, "accounts": per_pod}
            for p in range(EXPORT_PODS)
        ]
    return data


def write_export(path: Path, rows: int) -> Path:
    """A CRM export as Salesforce writes it: ARR with cents, one renewal date per account."""
    import csv

    per_pod = rows // (EXPORT_SEGMENTS * EXPORT_PODS)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_HEADER)
        n = 0
        for s in range(EXPORT_SEGMENTS):
            for p in range(EXPORT_PODS):
                for a in range(per_pod):
                    n += 1
                    writer.writerow(
                        [
                            f"Customer {n}",
                            f"001{n:08d}",
                            f"{20_000 + n * 7_919 % 90_000}.00",
                            f"seg-{s}",
                            f"s{s}-p{p}",
                            f"AE {s}-{p}",
                            f"CSM {s}-{p}-{a % EXPORT_CSMS}",
                            f"2027-{n % 12 + 1:02d}-15",
                        ]
                    )
    return path


# The bare standard-library floor: read the export and group ARR by segment, pod and CSM.
_CSV_GROUP = (
    "import csv, sys;"
    "groups = {};"
    "handle = open(sys.argv[1], newline='', encoding='utf-8-sig');"
    "reader = csv.reader(handle); next(reader);"
    "[groups.__setitem__((r[3], r[4], r[6]), groups.get((r[3], r[4], r[6]), 0) + float(r[2]))"
    " for r in reader]"
)


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(found).exists():
        sys.exit(f"bench: {name} is not installed; run: pip install -e '.[bench]'")
    return found


def child_env(folder: Path) -> dict[str, str]:
    """The environment the tools run in: bytecode cached as an installed package has it,
    in the benchmark's folder (PYTHONDONTWRITEBYTECODE would make every run compile)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    return env


def expect_verdict(podcheck: str, paths: Sequence[str], status: int, env: dict[str, str]) -> None:
    """The timings mean nothing if podcheck does not judge the inputs as meant."""
    done = subprocess.run(
        [podcheck, "evaluate", "--format", "json", *paths], capture_output=True, text=True, env=env
    )
    if done.returncode != status:
        wanted = {0: "go", 1: "no-go"}[status]
        sys.exit(
            f"bench: expected {wanted} from {paths[0]} ...; exit {done.returncode}\n"
            f"{done.stderr[:2000]}"
        )


@dataclass(frozen=True)
class Target:
    label: str
    measured: float
    limit: float
    # The same ratio in wall time, for reference (None for figures that are not ratios).
    wall: float | None = None

    @property
    def met(self) -> bool:
        return self.measured <= self.limit


def ratio(results: dict[str, Timing], tool_name: str, base: str) -> tuple[float, float]:
    """CPU and wall ratios of one tool over another: the median of the rounds' ratios.

    Both tools run in every round, one after the other, so a round's ratio is taken at one
    speed of the machine; a ratio of the two medians could pair one tool's fast round with
    the other's slow one (the machine's speed drifts by a tenth or more over a scenario).
    """
    mine, theirs = results[tool_name], results[base]

    def paired(ours: Sequence[float], others: Sequence[float]) -> float:
        return statistics.median(a / b for a, b in zip(ours, others, strict=True))

    return paired(mine.cpus, theirs.cpus), paired(mine.walls, theirs.walls)


SCENARIOS = ("one", "thousand", "export", "report", "scale")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rounds per scenario (median)")
    parser.add_argument(
        "--only", action="append", choices=SCENARIOS, help="run only these scenarios"
    )
    args = parser.parse_args(argv)
    chosen = set(args.only or SCENARIOS)
    podcheck, yamllint = tool("podcheck"), tool("yamllint")
    runs = args.runs
    # yamllint's default rules complain about style; exit statuses say nothing here.
    relaxed = ["-d", "{extends: relaxed, rules: {line-length: disable}}"]
    any_status = tuple(range(256))
    tables: list[tuple[str, dict[str, Timing]]] = []
    targets: list[Target] = []

    def evaluate(paths: Sequence[str]) -> Tool:
        return Tool([podcheck, "evaluate", "--format", "json", *paths])

    def lint(paths: Sequence[str]) -> Tool:
        return Tool([yamllint, *relaxed, *paths], ok=any_status)

    with tempfile.TemporaryDirectory(prefix="podcheck-bench-") as folder:
        root = Path(folder)
        env = child_env(root)
        steps: dict[str, Callable[[], None]] = {}

        def one() -> None:
            typical = str(write(root / "typical.yaml", typical_org()))
            expect_verdict(podcheck, [typical], 0, env)
            schema = root / "org.schema.json"
            printed = subprocess.run([podcheck, "schema"], capture_output=True, text=True, env=env)
            schema.write_text(printed.stdout, encoding="utf-8")
            tools = {"podcheck": evaluate([typical]), "yamllint": lint([typical])}
            cjs = shutil.which("check-jsonschema") or Path(sys.executable).with_name(
                "check-jsonschema"
            )
            if Path(cjs).exists():
                tools["check-jsonschema"] = Tool(
                    [str(cjs), "--schemafile", str(schema), typical], ok=any_status
                )
            # One file takes a fraction of a second: three times the rounds steady its median.
            results = measure_together(tools, runs * 3, env)
            tables.append(("one typical go file", results))
            cpu, wall = ratio(results, "podcheck", "yamllint")
            targets.append(Target("one file: podcheck / yamllint <= 1.4", cpu, 1.4, wall))

        def thousand() -> None:
            for go, limit in ((False, 0.18), (True, 0.12)):
                kind = "go" if go else "no-go"
                many = root / f"many-{kind}"
                many.mkdir()
                files = [
                    str(write(many / f"org-{i:04d}.yaml", typical_org(i, go=go)))
                    for i in range(1000)
                ]
                expect_verdict(podcheck, files[:20], 0 if go else 1, env)
                results = measure_together(
                    {"podcheck": evaluate(files), "yamllint": lint(files)}, runs, env
                )
                tables.append((f"1,000 {kind} files, one invocation", results))
                cpu, wall = ratio(results, "podcheck", "yamllint")
                label = f"1,000 {kind} files: podcheck / yamllint <= {limit}"
                targets.append(Target(label, cpu, limit, wall))
                peak = results["podcheck"].peak_mb
                targets.append(Target(f"1,000 {kind} files: peak MB <= 100", peak, 100.0))

        def export() -> None:
            books = {}
            for rows in (20_000, 200_000):
                org = str(write(root / f"export-org-{rows}.yaml", export_org(rows)))
                sheet = str(write_export(root / f"export-{rows}.csv", rows))
                floor = Tool([sys.executable, "-c", _CSV_GROUP, sheet], ok=(0,))
                books[rows] = measure_together(
                    {
                        "podcheck": Tool([*evaluate([org]).command, "--accounts", sheet]),
                        "csv read-and-group": floor,
                    },
                    # A round takes about two seconds: three times the rounds steady the ratio.
                    runs * 3,
                    env,
                )
                tables.append((f"{rows:,}-row account export", books[rows]))
            cpu, wall = ratio(books[200_000], "podcheck", "csv read-and-group")
            targets.append(Target("200,000-row export: podcheck / csv <= 2.5", cpu, 2.5, wall))
            scaled = books[200_000]["podcheck"].cpu / books[20_000]["podcheck"].cpu
            targets.append(Target("10x the export rows: CPU ratio <= 12", scaled, 12.0))
            peak = books[200_000]["podcheck"].peak_mb
            targets.append(Target("200,000-row export: peak MB <= 250", peak, 250.0))

        def report() -> None:
            nogo = str(write(root / "org-500-no-go.yaml", no_go_org(500)))
            twin = str(write(root / "org-500.yaml", large_org(500)))
            expect_verdict(podcheck, [nogo], 1, env)
            expect_verdict(podcheck, [twin], 0, env)
            page = str(root / "pack.html")
            results = measure_together(
                {
                    "evaluate": evaluate([nogo]),
                    "report (HTML)": Tool([podcheck, "report", nogo, "-o", page], ok=(0,)),
                    "plan": Tool([podcheck, "plan", "--format", "json", nogo]),
                    "evaluate go twin": evaluate([twin]),
                },
                runs,
                env,
            )
            tables.append(("no-go org, 5,000 pods", results))
            cpu, wall = ratio(results, "report (HTML)", "evaluate")
            targets.append(Target("5,000-pod no-go org: report / evaluate <= 2", cpu, 2.0, wall))
            cpu, wall = ratio(results, "plan", "evaluate")
            targets.append(Target("5,000-pod no-go org: plan / evaluate <= 1.5", cpu, 1.5, wall))

        def scale() -> None:
            small = str(write(root / "org-50.yaml", large_org(50)))
            big = str(write(root / "org-500.yaml", large_org(500)))
            expect_verdict(podcheck, [small], 0, env)
            results = measure_together(
                {"50 x 10 pods": evaluate([small]), "500 x 10 pods": evaluate([big])},
                runs,
                env,
            )
            tables.append(("go org, pod segments x pods", results))
            scaled, _ = ratio(results, "500 x 10 pods", "50 x 10 pods")
            targets.append(Target("10x the pods: CPU ratio <= 12", scaled, 12.0))

        steps.update(one=one, thousand=thousand, export=export, report=report, scale=scale)
        for name in SCENARIOS:
            if name in chosen:
                steps[name]()

    print(
        f"podcheck benchmark, {datetime.date.today().isoformat()}, on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; medians of "
        f"{runs} or more cold runs, tools taking turns; ratios round by round"
    )
    print()
    print(f"{'scenario':<36}{'tool':<20}{'wall s':>8}{'CPU s':>8}{'peak MB':>9}")
    for scenario, results in tables:
        for name, timing in results.items():
            print(
                f"{scenario:<36}{name:<20}{timing.seconds:>8.3f}{timing.cpu:>8.3f}"
                f"{timing.peak_mb:>9.1f}"
            )
    print()
    for target in targets:
        wall = "" if target.wall is None else f"  (wall {target.wall:.3f})"
        print(f"{'met ' if target.met else 'MISS'}  {target.label:<48} {target.measured:.3f}{wall}")
    print()
    print(json.dumps({target.label: round(target.measured, 4) for target in targets}))
    return 0 if all(target.met for target in targets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
