"""What a proposal changes: results that newly fail, are fixed, or stop or start applying;
verdicts that move; each segment's key numbers before and after.

Pure: two FileReports in (the base may be absent, for a file the proposal adds), a
FileDiff out. Results are matched by rule, segment and pod. A failure that disappears
because its segment was removed, stopped being a pod segment, or its rule now skips is
"no longer applies", never "fixed": only a result that now passes is fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from podcheck.judge.report import FailOn, Figures, FileReport, Result, SegmentSummary

ResultKey = tuple[str, str | None, str | None]
ChangeKind = Literal["newly-fails", "newly-applies", "fixed", "no-longer-applies", "still-fails"]


@dataclass(frozen=True)
class VerdictChange:
    segment: str
    before: str | None  # None: the segment is new
    after: str | None  # None: the segment was removed


@dataclass(frozen=True)
class ResultChange:
    kind: ChangeKind
    before: Result | None  # None: the rule did not run for this subject in the base
    after: Result | None  # None: it does not run for it in the proposal
    why: str = ""  # for a result that no longer applies: what changed

    @property
    def result(self) -> Result:
        """The result that names the rule and place (the proposal's where it has one)."""
        found = self.after or self.before
        assert found is not None, "a change has a result on at least one side"
        return found

    @property
    def counts_against(self) -> bool:
        """A failure the proposal adds."""
        return self.kind in ("newly-fails", "newly-applies")


@dataclass(frozen=True)
class SegmentChange:
    """A segment whose model, verdict or key numbers differ between the versions."""

    segment: str
    before: SegmentSummary | None
    after: SegmentSummary | None

    def figures(self) -> list[tuple[str, Any, Any]]:
        """(name, before, after) for each key number that changed."""
        old = self.before.figures if self.before else None
        new = self.after.figures if self.after else None
        found = []
        for name in FIGURES:
            was = _figure(old, name)
            now = _figure(new, name)
            if was != now:
                found.append((name, was, now))
        return found


# The numbers shown for a changed segment, in this order.
FIGURES = ("acv", "accounts", "ae", "csm", "accounts_per_csm", "ratio")


def _figure(figures: Figures | None, name: str) -> Any:
    return None if figures is None else getattr(figures, name)


@dataclass(frozen=True)
class FileDiff:
    path: str
    base_verdict: str | None  # None: no base version
    head_verdict: str
    changes: tuple[ResultChange, ...]
    verdict_changes: tuple[VerdictChange, ...]
    segments: tuple[SegmentChange, ...]
    head: FileReport
    base_note: str = ""
    base_error: bool = False  # the base version could not be read or loaded

    @property
    def newly_failing(self) -> tuple[Result, ...]:
        return tuple(c.result for c in self.changes if c.counts_against)

    @property
    def newly_passing(self) -> tuple[Result, ...]:
        """Failures the proposal fixes: the result now passes."""
        return tuple(c.result for c in self.changes if c.kind == "fixed")


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


def _key(result: Result) -> ResultKey:
    return result.rule, result.segment, result.pod


def compare(base: FileReport | None, head: FileReport) -> FileDiff:
    note = ""
    base_error = base is not None and base.verdict == "error"
    if base_error:
        note = "the base version has input errors; compared against nothing"
        base = None
    before = {_key(r): r for r in base.results} if base else {}
    after = {_key(r): r for r in head.results}
    base_segments = {s.id: s for s in base.segments} if base else {}
    head_segments = {s.id: s for s in head.segments}
    changes: list[ResultChange] = []
    for key, now in after.items():
        was = before.get(key)
        if now.failed and was is None:
            changes.append(ResultChange("newly-applies", None, now))
        elif now.failed and not was.failed:  # type: ignore[union-attr]
            changes.append(ResultChange("newly-fails", was, now))
        elif now.failed and was is not None and was.actual != now.actual:
            changes.append(ResultChange("still-fails", was, now))
        elif was is not None and was.failed and now.status == "pass":
            changes.append(ResultChange("fixed", was, now))
        elif was is not None and was.failed and not now.failed:
            changes.append(ResultChange("no-longer-applies", was, now, f"now {now.status}"))
    for key, was in before.items():
        if was.failed and key not in after:
            why = _gone(was, base_segments, head_segments)
            changes.append(ResultChange("no-longer-applies", was, None, why))
    return FileDiff(
        path=head.path,
        base_verdict=base.verdict if base else None,
        head_verdict=head.verdict,
        changes=tuple(changes),
        verdict_changes=_verdict_changes(base, head),
        segments=_segment_changes(base_segments, head_segments) if base else (),
        head=head,
        base_note=note,
        base_error=base_error,
    )


def _gone(
    result: Result, before: dict[str, SegmentSummary], after: dict[str, SegmentSummary]
) -> str:
    """Why a failing result of the base has no counterpart in the proposal."""
    if result.segment is None:
        if not any(segment.model == "pod" for segment in after.values()):
            return "no segment proposes pods any more"
        return "the rule no longer runs for the organisation"
    if result.segment not in after:
        return f"segment {result.segment} was removed"
    old, new = before.get(result.segment), after[result.segment]
    if old is not None and old.model != new.model:
        return f"segment {result.segment} changed model: {old.model} → {new.model}"
    if result.pod is not None:
        return f"pod {result.pod} is no longer judged"
    return "the rule no longer runs for this segment"


def _verdict_changes(base: FileReport | None, head: FileReport) -> tuple[VerdictChange, ...]:
    before = {s.id: s.verdict for s in base.segments} if base else {}
    after = {s.id: s.verdict for s in head.segments}
    order = [*after, *(segment for segment in before if segment not in after)]
    return tuple(
        VerdictChange(segment, before.get(segment), after.get(segment))
        for segment in order
        if before.get(segment) != after.get(segment)
    )


def _segment_changes(
    before: dict[str, SegmentSummary], after: dict[str, SegmentSummary]
) -> tuple[SegmentChange, ...]:
    order = [*after, *(segment for segment in before if segment not in after)]
    found = []
    for segment in order:
        change = SegmentChange(segment, before.get(segment), after.get(segment))
        old, new = change.before, change.after
        moved = old is None or new is None or (old.model, old.verdict) != (new.model, new.verdict)
        if moved or change.figures():
            found.append(change)
    return tuple(found)


def diff_report(
    pairs: Sequence[tuple[FileReport | None, FileReport]], fail_on: FailOn
) -> DiffReport:
    return DiffReport(tuple(compare(base, head) for base, head in pairs), fail_on)
