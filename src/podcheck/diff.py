"""What a proposal changes: results that newly fail or newly pass, verdicts that move.

Pure: two FileReports in (the base may be absent, for a file the proposal adds), a
FileDiff out. Results are matched by rule, segment and pod.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from podcheck.report import FailOn, FileReport, Result

Key = tuple[str, str | None, str | None]


@dataclass(frozen=True)
class VerdictChange:
    segment: str
    before: str | None  # None: the segment is new
    after: str | None  # None: the segment was removed


@dataclass(frozen=True)
class FileDiff:
    path: str
    base_verdict: str | None  # None: no base version
    head_verdict: str
    newly_failing: tuple[Result, ...]
    newly_passing: tuple[Result, ...]
    verdict_changes: tuple[VerdictChange, ...]
    head: FileReport
    base_note: str = ""
    base_error: bool = False  # the base version could not be read or loaded


@dataclass(frozen=True)
class DiffReport:
    files: tuple[FileDiff, ...]
    fail_on: FailOn = "error"

    @property
    def exit_code(self) -> int:
        """2 if either version cannot be evaluated; 1 if the head adds a failure that fails
        the run."""
        if any(f.head.verdict == "error" or f.base_error for f in self.files):
            return 2
        if self.fail_on == "never":
            return 0
        failing = {"error"} if self.fail_on == "error" else {"error", "warning"}
        added = (r for f in self.files for r in f.newly_failing)
        return 1 if any(r.severity in failing for r in added) else 0


def _key(result: Result) -> Key:
    return result.rule, result.segment, result.pod


def compare(base: FileReport | None, head: FileReport) -> FileDiff:
    note = ""
    base_error = base is not None and base.verdict == "error"
    if base_error:
        note = "the base version has input errors; compared against nothing"
        base = None
    before = {_key(r): r for r in base.results} if base else {}
    after = {_key(r): r for r in head.results}
    newly_failing = tuple(
        r for key, r in after.items() if r.failed and not (key in before and before[key].failed)
    )
    newly_passing = tuple(
        r for key, r in before.items() if r.failed and not (key in after and after[key].failed)
    )
    return FileDiff(
        path=head.path,
        base_verdict=base.verdict if base else None,
        head_verdict=head.verdict,
        newly_failing=newly_failing,
        newly_passing=newly_passing,
        verdict_changes=_verdict_changes(base, head),
        head=head,
        base_note=note,
        base_error=base_error,
    )


def _verdict_changes(base: FileReport | None, head: FileReport) -> tuple[VerdictChange, ...]:
    before = {s.id: s.verdict for s in base.segments} if base else {}
    after = {s.id: s.verdict for s in head.segments}
    order = [*after, *(segment for segment in before if segment not in after)]
    return tuple(
        VerdictChange(segment, before.get(segment), after.get(segment))
        for segment in order
        if before.get(segment) != after.get(segment)
    )


def diff_report(
    pairs: Sequence[tuple[FileReport | None, FileReport]], fail_on: FailOn
) -> DiffReport:
    return DiffReport(tuple(compare(base, head) for base, head in pairs), fail_on)
