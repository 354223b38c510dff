"""What a plan is made of: changes to the proposal, to-dos for a person, the plan itself."""

from dataclasses import dataclass
from dataclasses import field as dataclass_field
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
    "change-model",
    "mark-pilot",
    "move-account",
]
# Changes a person makes: the plan names them and never writes them.
PERSON_KINDS = ("policy",)


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
    # The pods a `mark-pilot` marks.
    pods: tuple[str, ...] | None = None
    # The pod that receives what a move between pods moves (not part of the output).
    target: str | None = dataclass_field(default=None, compare=False)


class Total(NamedTuple):
    """A changed segment's headcount at launch, before and after the plan."""

    segment: str
    ae_before: int
    ae_after: int
    csm_before: int
    csm_after: int


class Todo(NamedTuple):
    """A failing rule the plan cannot settle by arithmetic: it needs a person."""

    rule: str
    segment: str | None
    message: str

    @classmethod
    def at(cls, rule: str, segment: str | None, pod: str | None, message: str) -> "Todo":
        """A to-do about `pod` (None: the segment), its message naming the pod first."""
        return cls(rule, segment, f"{pod}: {message}" if pod else message)


class Plan(NamedTuple):
    path: str
    org: str
    # `incomplete`: an export left partly unread, as evaluate says it (never go on it).
    verdict_before: Literal["go", "no-go", "incomplete"]
    verdict_after: Literal["go", "no-go", "incomplete"]
    changes: tuple[Change, ...]
    todo: tuple[Todo, ...]
    revised: OrgFile
    # Changes for failing warnings that arithmetic can fix, on top of `changes`.
    recommended: tuple[Change, ...] = ()
    totals: tuple[Total, ...] = ()
    # The proposal with the recommended changes applied too.
    revised_recommended: OrgFile | None = None
    # How many of the first to-dos come before every change (a pilot kept to one segment).
    leading: int = 0
    # What of the export was left unread, when the verdict is incomplete (ExportSummary.line).
    unread: str = ""
    # The segments a pilot in several segments leaves waiting: nothing changes there.
    waiting: tuple[str, ...] = ()

    @property
    def first(self) -> tuple[Todo, ...]:
        """The to-dos to settle before any change."""
        return self.todo[: self.leading]

    @property
    def made(self) -> tuple[Change, ...]:
        """The required changes the plan makes itself (and `--write` writes)."""
        return tuple(c for c in self.changes if c.kind not in PERSON_KINDS)

    @property
    def numeric(self) -> tuple[Change, ...]:
        """The changes that count something: each is minimal by one unit."""
        return tuple(c for c in self.made if c.count is not None and c.kind != "mark-pilot")


_ERRORS = frozenset({"error"})
_WARNINGS = frozenset({"error", "warning"})


def gate_severities(fail_on: str) -> frozenset[str]:
    """The severities that fail the run, as `evaluate` gates it."""
    return _WARNINGS if fail_on == "warning" else _ERRORS


def targets(report: FileReport, fail_on: str) -> tuple[Result, ...]:
    """The results the plan must turn into passes: failing (not waived) at the gate."""
    gate = gate_severities(fail_on)
    return tuple([r for r in report.results if r.status == "fail" and r.severity in gate])
