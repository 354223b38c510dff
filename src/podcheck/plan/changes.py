"""What a plan is made of: changes to the proposal, to-dos for a person, the plan itself."""

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from podcheck.judge.report import FileReport, Result
from podcheck.orgfile.model import OrgFile

Strategy = Literal["hire", "defer", "rebalance"]
Kind = Literal[
    "launch-csm",
    "move-accounts",
    "move-ae",
    "hire-csm",
    "defer-ae",
    "add-pod",
    "policy",
    "structural",
    "move-account",
]


@dataclass(frozen=True, slots=True)
class Change:
    """One change to the proposal; `count` is None for a change a person must make."""

    kind: Kind
    segment: str | None
    pod: str | None
    month: int | None
    count: int | None
    field: str | None
    before: Any
    after: Any
    rules: tuple[str, ...]
    message: str


class Todo(NamedTuple):
    """A failing rule the plan cannot settle by arithmetic: it needs a person."""

    rule: str
    segment: str | None
    message: str


class Plan(NamedTuple):
    path: str
    org: str
    verdict_before: Literal["go", "no-go"]
    verdict_after: Literal["go", "no-go"]
    changes: tuple[Change, ...]
    todo: tuple[Todo, ...]
    revised: OrgFile

    @property
    def numeric(self) -> tuple[Change, ...]:
        """The changes the plan makes itself (and `--write` writes)."""
        return tuple(c for c in self.changes if c.count is not None)


def gate_severities(fail_on: str) -> frozenset[str]:
    """The severities that fail the run, as `evaluate` gates it."""
    return frozenset({"error", "warning"}) if fail_on == "warning" else frozenset({"error"})


def targets(report: FileReport, fail_on: str) -> tuple[Result, ...]:
    """The results the plan must turn into passes: failing (not waived) at the gate."""
    gate = gate_severities(fail_on)
    return tuple(r for r in report.results if r.status == "fail" and r.severity in gate)
