"""What a run found: frozen results, per-segment summaries, per-file and per-run reports.

Every formatter receives one `Report` and nothing else. Nothing here is changed after it
is made; counts and verdicts that can be derived are properties, not stored copies.

Records that podcheck makes itself, here and elsewhere, are named tuples: they cost least
to define at start-up, to make per rule run, and to send between processes. The classes
of the org format and the config stay dataclasses, which the validator and pydantic read.
"""

from fractions import Fraction
from typing import Any, Literal, NamedTuple

from podcheck import __version__
from podcheck.core.commands import plan_command
from podcheck.core.errors import InputError, count_errors
from podcheck.judge.economics import Economics
from podcheck.judge.rule import Rule, Severity
from podcheck.judge.waivers import WaiverStatus
from podcheck.metrics import Status

# `incomplete`: judged, but part of the input (an export's refused rows, or a pod segment it
# has no rows for) was left unread, so the file cannot be called go.
Verdict = Literal["go", "no-go", "incomplete", "error"]
SegmentVerdict = Literal["go", "no-go", "n/a"]
FailOn = Literal["error", "warning", "never"]


class Result(NamedTuple):
    """One rule run on one subject."""

    rule: str
    name: str
    severity: Severity
    status: Status
    segment: str | None
    pod: str | None
    actual: Any
    threshold: Any
    unit: str
    message: str
    line: int
    column: int
    waiver: str | None = None  # the reason, when a waiver turned a fail into `waived`
    waived_by: int | None = None  # the waiver's position in the config

    @property
    def failed(self) -> bool:
        return self.status == "fail"


PilotAction = Literal["relabel-as-swarm", "fix-and-remeasure", "keep-measuring", "extend"]


class PilotDecision(NamedTuple):
    """What to do with a running pilot, and the evidence for it."""

    action: PilotAction
    reason: str


class Figures(NamedTuple):
    """A segment's key numbers as the file states them: what a reviewer compares first."""

    acv: Any
    accounts: int
    ae: int
    csm: int
    # The highest AE:CSM ratio while the hiring plan runs, and its first month (None: a
    # month without CSMs).
    peak: Any = None
    peak_month: int = 0

    @property
    def accounts_per_csm(self) -> Any:
        return Fraction(self.accounts, self.csm) if self.csm else None

    @property
    def ratio(self) -> Any:
        return Fraction(self.ae, self.csm) if self.csm else None


class SegmentSummary(NamedTuple):
    id: str
    name: str
    tier: str
    model: str
    verdict: SegmentVerdict
    score: int | None
    recommended: str
    recommended_reason: str
    pilot: PilotDecision | None
    line: int
    column: int
    # A model the scaled-CS article argues for beside the recommended one (ai-agent for pool).
    alternative: str | None = None
    # The pilot cohort's pod ids, or None when the whole segment is judged.
    cohort: tuple[str, ...] | None = None
    figures: Figures | None = None
    # What the segment's people cost against its ARR; None unless the file states costs.
    economics: Economics | None = None


class Step(NamedTuple):
    """One item of the default plan, shown with a no-go as its way out (plan.md)."""

    segment: str | None
    message: str
    change: dict[str, Any] | None = None  # the plan's change as JSON fields; None: a to-do
    # A change for a failing warning, beyond what go needs (plan.md, "recommended").
    recommended: bool = False
    # Changes only `podcheck plan` with the export can name (account moves need the export's
    # rows, which evaluate does not keep): the step names that command.
    replan: bool = False
    # A to-do's rule and its own words, as the plan's JSON `todo` gives them: a failing rule
    # the plan cannot settle by arithmetic (a policy's to-do also carries its change).
    todo: dict[str, Any] | None = None
    # The step without the reason a report already gives beside the failed rule (a policy
    # to write): for the review pack, whose two pages have no room to say it twice.
    brief: str | None = None


class ExportSummary(NamedTuple):
    """How much of an account export was read: rows, those refused and why, grouped."""

    path: str
    rows: int
    refused: int
    # (reason, rows), most rows first: rows left out of every figure.
    reasons: tuple[tuple[str, int], ...] = ()
    # (reason, rows): fields no rule in force reads, left unread in rows that were kept.
    unread: tuple[tuple[str, int], ...] = ()
    # Pod segments that state accounts but have no row in the export: their books are unread.
    missing: tuple[str, ...] = ()

    @property
    def read(self) -> int:
        return self.rows - self.refused

    @property
    def incomplete(self) -> bool:
        """Whether part of what the file needs from the export was left unread."""
        return bool(self.refused or self.missing)

    def why(self, limit: int = 3) -> str:
        """The reasons, grouped: "300 rows: renewal date not a date"."""
        parts = [f"{n:,} row{'s' if n != 1 else ''}: {reason}" for reason, n in self.reasons]
        if len(parts) > limit:
            more = len(parts) - limit
            parts[limit:] = [f"{more} more reason{'s' if more != 1 else ''}"]
        return "; ".join(parts)

    @property
    def line(self) -> str:
        """How many of how many rows were refused, and why; pod segments with no rows."""
        parts = []
        if self.refused:
            parts.append(f"{self.refused:,} of {self.rows:,} export rows refused ({self.why()})")
        if self.missing:
            parts.append(f"{self.missing_line}: their books are unread")
        return "; ".join(parts)

    @property
    def missing_line(self) -> str:
        """The pod segments the export has no rows for, as a line names them."""
        s = "s" if len(self.missing) != 1 else ""
        return f"no export rows for pod segment{s} {', '.join(self.missing)}"

    def unread_lines(self) -> list[str]:
        return [
            f"{n:,} row{'s' if n != 1 else ''}: {reason} (kept: no rule in force reads it)"
            for reason, n in self.unread
        ]


def replanned(message: str, plan: str) -> str:
    """A step only the full plan can spell out, with the command that does."""
    return f"{message}; {plan} names each move"


# The "to reach go" sections (terminal and HTML alike) show this many steps, then say how
# many more `podcheck plan` has.
REACH_LINES = 3


class FileReport(NamedTuple):
    path: str
    org: str | None
    verdict: Verdict
    errors: tuple[InputError, ...] = ()
    segments: tuple[SegmentSummary, ...] = ()
    results: tuple[Result, ...] = ()
    to_reach_go: tuple[Step, ...] = ()  # the default plan, for a no-go file
    export: ExportSummary | None = None  # the account export judged with the file, if any

    @property
    def left_unread(self) -> bool:
        """Whether some input was not judged: input errors, or an export left partly unread
        (refused rows, or a pod segment it has no rows for, which comes with no error).
        Every command that judges the file exits 2 on it, whatever the verdict."""
        return bool(self.errors) or (self.export is not None and self.export.incomplete)

    def reach_lines(
        self,
        limit: int = REACH_LINES,
        recommended: bool = False,
        plan: str | None = None,
        brief: bool = False,
    ) -> list[str]:
        """The first steps of the default plan's required changes (with `recommended`, of
        its recommended ones), then where to read the rest. `plan` is the `podcheck plan`
        command that gives this run's plan (with the options that shaped the verdict); with
        `brief`, steps leave out the reason the report gives beside the failed rule."""
        if plan is None:
            plan = plan_command(self.path)
        steps = [step for step in self.to_reach_go if step.recommended == recommended]
        lines = [
            replanned(s.message, plan) if s.replan else (brief and s.brief) or s.message
            for s in steps[:limit]
        ]
        if len(steps) > limit:
            lines.append(f"{plan} for the rest ({len(steps) - limit} more)")
        return lines

    @property
    def headline(self) -> str:
        """One line under the verdict: how many pod segments are ready, what failed."""
        if self.verdict == "error":
            return f"not evaluated: {count_errors(self.errors)} (on standard error)"
        # Rows left unread come first: they are why a file cannot be go.
        parts = [self.export.line] if self.export is not None and self.export.incomplete else []
        pods = [s for s in self.segments if s.model == "pod"]
        if not pods:
            return " · ".join([*parts, "no pod segments: nothing to gate"])
        ready = sum(s.verdict == "go" for s in pods)
        parts.append(f"{ready} of {len(pods)} pod segment{'s' if len(pods) != 1 else ''} ready")
        for severity in ("error", "warning"):
            failed = self.failures(severity)
            if failed:
                said = f"{len(failed)} {severity}{'s' if len(failed) != 1 else ''} failed"
                # Org-wide failures belong to no segment: "1 of 1 ready" is not go without them.
                org_wide = sum(1 for r in failed if r.segment is None)
                parts.append(f"{said} ({org_wide} org-wide)" if org_wide else said)
        # A running pilot's decision is as much a verdict as go or no-go: say it up front.
        parts += [f"pilot in {s.id}: {s.pilot.action}" for s in pods if s.pilot is not None]
        return " · ".join(parts)

    def deciding(self) -> "FileReport":
        """This report with only what decides a run: its verdict, errors and export, and
        its failed and waived results (no segments, no plan)."""
        kept = tuple(r for r in self.results if r.status in ("fail", "waived"))
        return self._replace(segments=(), results=kept, to_reach_go=())

    def failures(self, severity: Severity | None = None) -> tuple[Result, ...]:
        return tuple(
            r for r in self.results if r.failed and (severity is None or r.severity == severity)
        )


class Override(NamedTuple):
    """A rule's threshold or severity as the config set it, beside the catalogue's."""

    rule: str
    field: Literal["threshold", "severity"]
    catalogue: Any
    used: Any
    unit: str  # how the values are written


class Report(NamedTuple):
    files: tuple[FileReport, ...]
    rules: tuple[Rule, ...]
    fail_on: FailOn = "error"
    waivers: tuple[WaiverStatus, ...] = ()
    tool: str = "podcheck"
    version: str = __version__
    # Rules of the catalogue this run left out, and why: select, ignore or config.
    not_run: tuple[tuple[str, str], ...] = ()
    # The config's path when it was found above the working directory (Settings.found_above).
    config_above: str | None = None

    @property
    def overrides(self) -> tuple[Override, ...]:
        """Thresholds and severities of rules in force that differ from the catalogue's."""
        found = []
        for rule in self.rules:
            if rule.threshold != rule.default_threshold:
                found.append(
                    Override(
                        rule.code, "threshold", rule.default_threshold, rule.threshold, rule.unit
                    )
                )
            if rule.severity != rule.default_severity:
                found.append(
                    Override(rule.code, "severity", rule.default_severity, rule.severity, "choice")
                )
        return tuple(found)

    @property
    def notices(self) -> tuple[WaiverStatus, ...]:
        """Waivers that need attention: expired, or matching nothing in the files they name
        (a waiver for files this run did not judge is no concern of this run)."""
        return tuple(w for w in self.waivers if w.state in ("expired", "unused"))

    @property
    def verdict(self) -> Verdict:
        """The worst file's: error, then no-go, then incomplete, then go."""
        for verdict in ("error", "no-go", "incomplete"):
            if any(f.verdict == verdict for f in self.files):
                return verdict
        return "go"

    @property
    def exit_code(self) -> int:
        """0 all go, 1 something fails under --fail-on, 2 some input could not be evaluated
        or was left unread (judged files may hold an export's refused rows, or have no rows
        for a pod segment)."""
        if any(f.left_unread or f.verdict == "incomplete" for f in self.files):
            return 2
        if self.fail_on == "never":
            return 0
        failing = {"error"} if self.fail_on == "error" else {"error", "warning"}
        for file in self.files:
            if any(r.failed and r.severity in failing for r in file.results):
                return 1
        return 0
