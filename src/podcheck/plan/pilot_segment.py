"""A pilot in several segments at once: which segment keeps the pilot, and which wait.

The article: "Don't launch pods across all segments simultaneously" and "Pilot in one
segment for one quarter". Growing a second pilot is spending on what the rollout rule says
to stop, so the plan keeps one segment as the pilot, plans only for it, and says first that
the others wait.
"""

from collections.abc import Container, Sequence

from podcheck.judge.report import FileReport, Result
from podcheck.orgfile.model import OrgFile
from podcheck.plan.changes import Todo


def keep(
    org: OrgFile, report: FileReport, leaving: Container[str | None]
) -> tuple[str, str] | None:
    """The segment that keeps the pilot and why: the first (in file order) whose cohort is
    marked `pilot: true`; else the pod segment that fits pods best (recommended model pod,
    highest score, then file order); else the first pod segment. None with no pod segment.
    `leaving`: segments whose model the plan changes, which are not candidates."""
    pods = [s for s in org.segments if s.model == "pod" and s.id not in leaving]
    for segment in pods:
        if any(pod.pilot for pod in segment.pods or ()):
            return segment.id, "its pilot cohort is marked"
    summaries = {s.id: s for s in report.segments}
    fitting = [
        (-(summary.score or 0), index, segment.id)
        for index, segment in enumerate(pods)
        if (summary := summaries.get(segment.id)) is not None and summary.recommended == "pod"
    ]
    if fitting:
        return min(fitting)[2], "it fits pods best"
    return (pods[0].id, "it is the first pod segment") if pods else None


def waiting(org: OrgFile, kept: str, leaving: Container[str | None]) -> tuple[str, ...]:
    """The pod segments that wait for the pilot, in file order (not those leaving pods)."""
    return tuple(
        s.id for s in org.segments if s.model == "pod" and s.id != kept and s.id not in leaving
    )


def todo(result: Result, kept: str, why: str, others: Sequence[str]) -> Todo:
    """The rollout to-do: the rule's message, the segment kept and the segments that wait."""
    names = ", ".join(others)
    verb = "waits" if len(others) == 1 else "wait"
    return Todo(
        result.rule,
        None,
        f"{result.message}: keep {kept} as the pilot ({why}); {names} {verb} until the "
        "pilot has run, so nothing is hired, moved or added there",
    )
