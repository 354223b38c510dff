"""What a rule is: its severity, its roles (what its result feeds besides its verdict), and
the rule as a run applies it. The rule book (podcheck.judge.rulebook) reads and checks the
catalogue into these; the built catalogue is written in them."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal

from podcheck.core import units
from podcheck.orgfile.model import CLOSED, Text
from podcheck.orgfile.validation import Bounds, Pattern

Severity = Literal["error", "warning", "info"]
Compare = Literal[">=", ">", "<=", "<", "in", "is", "contains-all", "matches", "empty"]
RuleCode = Annotated[str, Pattern(r"POD[0-9]{3}", "expected a rule code such as POD101")]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanRole:
    """How the planner fixes a failing result of the rule (the plan contract's kinds)."""

    __pydantic_config__ = CLOSED
    # Today's headcount it reads: accounts per CSM (`load`), an AE and a CSM in every pod
    # (`pairing`), or AEs per CSM (`ratio`); fixed by CSMs at launch or AEs moved.
    today: Literal["load", "pairing", "ratio"] | None = None
    # What it reads of the hiring plan: AEs per CSM month by month, or the hiring pace.
    hiring: Literal["ratio", "pace"] | None = None
    # Fixed by forming more pods.
    pods: bool = False
    # Fixed by moving accounts, with their share of ARR, between the segment's pods.
    books: bool = False
    # The segment's field that says it does not fit pods (its model changes instead).
    misfit: str | None = None
    # The policy field a person writes, and what to write where the threshold does not say.
    policy: str | None = None
    policy_value: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Roles:
    """What a rule's result feeds besides its own verdict; read by the checklist, the pilot
    decision, scale-up readiness, the recommendation, the model fit, the projection and the
    planner, so that none of them names a rule code."""

    __pydantic_config__ = CLOSED
    # The decision checklist question (1 to 5) the result is evidence for.
    question: Annotated[int, Bounds(1, 5)] | None = None
    # Its label among the pilot's starting criteria in the checklist.
    criterion: Text | None = None
    # Its label among the 90-day success metrics in the checklist.
    success_metric: Text | None = None
    # How the pilot decision reads it: a benefit the pilot must show, or drift into a swarm.
    pilot: Literal["benefit", "swarm-drift"] | None = None
    # Re-judged on the whole segment by scale-up readiness when a pilot cohort is marked.
    scale_up: bool = False
    # Its threshold is the ACV floor of the recommended model.
    acv_floor: bool = False
    # When it fails, the segment does not fit pods already: the model-fit rule is skipped.
    fit_gate: bool = False
    # Its threshold (and `pooled_at`) are the lines the ratio projection draws.
    ratio_limit: bool = False
    # How the planner fixes it; absent: a failure the plan leaves to a person.
    plan: PlanRole = field(default_factory=PlanRole)


@dataclass(frozen=True)
class Rule:
    """A rule as it is applied in this run: the definition with the config's overrides."""

    code: str
    name: str
    severity: Severity
    scope: tuple[str, ...]
    runs: str
    requires: str | None
    judges: str
    roles: Roles
    metric: str
    compare: str
    threshold: Any
    unit: str
    params: Mapping[str, Any]
    summary: str
    messages: Mapping[str, str]
    rationale: str
    formula: str
    article: str
    source: str
    default_severity: Severity
    default_threshold: Any
    # The values a word threshold may name (a `choice` unit's tiers, models, actions).
    choices: tuple[str, ...] | None = None

    @property
    def family(self) -> str:
        return self.code[:4]

    @cached_property
    def threshold_text(self) -> str:
        """The threshold as messages write it: the same for every subject the rule judges."""
        return units.write(self.unit, self.threshold)

    @cached_property
    def summary_in_force(self) -> str:
        """The summary, which states the catalogue's bar, with the bar a config set in its
        place: "fewer than 35" beside a bar of 25 would say two things."""
        if self.threshold == self.default_threshold:
            return self.summary
        kept = self.summary.removesuffix(".")
        return f"{kept} (the catalogue's bar; the config sets {self.threshold_text})."

    @cached_property
    def criterion_label(self) -> str | None:
        """Its pilot criterion's label with the bar in force: the rule data write the bar as
        `{threshold}`, so a config that moves it moves the label too."""
        label = self.roles.criterion
        if label is None or "{threshold}" not in label:
            return label
        # The rule checker allows no other braces, so a plain replace is the whole template.
        return label.replace("{threshold}", units.write_short(self.unit, self.threshold))
