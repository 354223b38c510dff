"""What shaped a run's verdict besides the org files: rules left out, thresholds and
severities the config changed, waivers applied, hires the rules do not read, and the gate.
Every format says these, so that a verdict never hides what moved it; this module words
them once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from podcheck.core.units import write
from podcheck.judge.report import FileReport, Override, Report
from podcheck.judge.rule import Rule
from podcheck.judge.rulebook import ARTICLES, with_role
from podcheck.judge.waivers import WaiverStatus

_WHY = {
    "select": "not selected",
    "ignore": "ignored",
    "config": "turned off in the config",
}


class Note(NamedTuple):
    """One thing that shaped the verdict, in one line."""

    kind: str  # config, not-run, override, waiver, not-judged, gate
    text: str


# The months of a hiring plan the rules judge (rules.md, revision 3); the org format takes
# monthly entries up to month 24.
JUDGED_MONTHS = 12


def notes(report: Report) -> tuple[Note, ...]:
    """Every note for a run, in a fixed order: a config found above the working directory,
    not run, overrides, waivers, hires the rules do not read, gate."""
    found: list[Note] = []
    if report.config_above is not None:
        found.append(Note("config", config_line(report.config_above)))
    # Rules on account exports wait for an export; without one there is nothing to say.
    chosen = [(code, why) for code, why in report.not_run if why != "no-export"]
    found += [Note("not-run", text) for text in not_run_lines(chosen)]
    found += [Note("override", override_line(o)) for o in report.overrides]
    found += [Note("waiver", waiver_line(w)) for w in report.waivers if w.state == "applied"]
    named = len(report.files) > 1
    limit = _ratio_limit(report.rules)
    for file in report.files:
        found += [Note("not-judged", text) for text in late_hire_lines(file, limit, named)]
    gate = gate_line(report)
    if gate:
        found.append(Note("gate", gate))
    return tuple(found)


def config_line(path: str) -> str:
    return (
        f"the config is {path}, the nearest podcheck.yaml above the working directory "
        "(name another with --config)"
    )


def not_run_lines(not_run: Sequence[tuple[str, str]]) -> list[str]:
    by_reason: dict[str, list[str]] = {}
    for code, why in not_run:
        by_reason.setdefault(why, []).append(code)
    return [
        f"rules not run ({_WHY.get(why, why)}): {', '.join(codes)}"
        for why, codes in sorted(by_reason.items())
    ]


def override_line(override: Override) -> str:
    if override.field == "threshold":
        before = write(override.unit, override.catalogue)
        after = write(override.unit, override.used)
    else:
        before, after = override.catalogue, override.used
    return f"{override.rule} {override.field} changed by the config: {before} → {after}"


def waiver_line(status: WaiverStatus) -> str:
    waiver = status.waiver
    until = f", until {waiver.expires.isoformat()}" if waiver.expires else ", no expiry"
    count = f"{status.applied} result{'s' if status.applied != 1 else ''}"
    return f"waiver for {waiver.describe()} applied to {count}: {waiver.reason}{until}"


def _ratio_limit(rules: Sequence[Rule]) -> Rule | None:
    """The rule that holds the projected ratio to its bar, when it runs."""
    found = with_role(rules, "ratio_limit")
    return found[0] if found else None


def late_hire_lines(file: FileReport, limit: Rule | None, named: bool = False) -> list[str]:
    """Pod segments whose hiring plan raises the AE:CSM ratio after month 12.

    The rules read months 1 to 12, so hires placed later are not judged. The segment's peak
    (podcheck.metrics.projection, through the last month the plan names) tells when they
    matter: a peak first reached after month 12 is higher than every month the rules read.
    """
    lines = []
    for segment in file.segments:
        figures = segment.figures
        if segment.model != "pod" or figures is None or figures.peak is None:
            continue
        if figures.peak_month <= JUDGED_MONTHS:
            continue
        peak = write("ratio", figures.peak)
        where = f"{file.path}: " if named else ""
        line = (
            f"{where}{segment.id}: hires planned after month {JUDGED_MONTHS} are not judged "
            f"(the rules read months 1 to {JUDGED_MONTHS}); they would take the AE:CSM ratio to "
            f"{peak} in month {figures.peak_month}"
        )
        if limit is not None and figures.peak > limit.threshold:
            line += f", past the {write('ratio', limit.threshold)} {limit.code} allows"
        lines.append(line)
    return lines


def gate_line(report: Report) -> str:
    """Why the exit code says what the verdict does not, when it does."""
    if report.fail_on == "warning":
        failing = sum(
            1 for f in report.files for r in f.results if r.failed and r.severity == "warning"
        )
        if failing:
            many = failing != 1
            return (
                f"--fail-on warning: {failing} failed warning{'s' if many else ''} "
                f"fail{'' if many else 's'} this run (exit 1)"
            )
    if report.fail_on == "never" and report.verdict == "no-go":
        return "--fail-on never: the run exits 0 although some file is no-go"
    return ""


def thresholds_source(report: Report) -> str:
    """Where the thresholds of this run come from, for footers."""
    changed = len({o.rule for o in report.overrides})
    source = (
        f"Thresholds from podcheck's rule catalogue (revision 3), after "
        f"'{ARTICLES['pod-model']}' and '{ARTICLES['scaled-cs']}'; where a default is "
        "podcheck's own, the rule's explain text says so"
    )
    if changed:
        source += f"; {changed} rule{'s' if changed != 1 else ''} changed by the config"
    left_out = [code for code, why in report.not_run if why != "no-export"]
    if left_out:
        source += f"; {len(left_out)} not run"
    return source + "."
