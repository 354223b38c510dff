"""The org-design file, format version 1, as strict immutable models.

Field names and meanings follow shared/spec/org-format.md exactly. Validation is strict:
no string is taken for a number, no number for a boolean, and unknown keys are errors.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StringConstraints,
    Tag,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from podcheck import numbers
from podcheck.numbers import Number

SUPPORTED_VERSIONS = (1,)
# Upper bounds keep hostile files from turning arithmetic into work; no real org is near them.
MAX_PEOPLE = 100_000
MAX_ACCOUNTS = 10_000_000
MAX_SEGMENTS = 1_000
MAX_PODS = 10_000

Tier = Literal["smb", "mid-market", "enterprise", "strategic"]
CoverageModel = Literal["pod", "pool", "swarm", "named", "ai-agent", "none"]
Owner = Literal["csm", "ae", "joint"]
Backup = Literal["cross-pod", "pool", "manager", "none"]
Rollout = Literal["pilot", "org-wide"]

ENTERPRISE_TIERS = frozenset({"enterprise", "strategic"})
KNOWN_NORMS = ("weekly_sync", "shared_account_notes", "late_stage_attendance")


def _amount_validator(parse: Any, kind: str) -> PlainValidator:
    def validate(value: object) -> Number:
        try:
            return parse(value)
        except numbers.AmountError as exc:
            raise PydanticCustomError(kind, str(exc)) from None

    return PlainValidator(validate)


_NUMBER_SCHEMA = {"type": "number", "minimum": 0}
_MONEY_PATTERN = r"^\$?(\d{1,3}(,\d{3})+|\d+(_\d+)*)(\.\d+)?[kKmM]?$"
_PCT_PATTERN = r"^\d+(\.\d+)?\s?%$"

Money = Annotated[
    Number,
    _amount_validator(numbers.parse_money, "money"),
    WithJsonSchema(
        {
            "description": 'USD amount: 85000, 85000.50, "$85K", "85,000", "1.2M"',
            "anyOf": [_NUMBER_SCHEMA, {"type": "string", "pattern": _MONEY_PATTERN}],
        }
    ),
]
Pct = Annotated[
    Number,
    _amount_validator(numbers.parse_pct, "pct"),
    WithJsonSchema(
        {
            "description": 'percentage from 0 to 100: 18, 18.5 or "18%"',
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100},
                {"type": "string", "pattern": _PCT_PATTERN},
            ],
        }
    ),
]
Decimal = Annotated[
    Number, _amount_validator(numbers.parse_number, "number"), WithJsonSchema(_NUMBER_SCHEMA)
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2_000)]
People = Annotated[int, Field(ge=0, le=MAX_PEOPLE)]
Count = Annotated[int, Field(ge=0, le=MAX_ACCOUNTS)]


class Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Org(Model):
    name: Text
    rollout: Rollout = "pilot"
    ratio_review_months: Annotated[int, Field(ge=1, le=120)] | None = None


class RenewalOwnership(Model):
    written: bool | None = None
    document: Text | None = None
    process_owner: Owner | None = None
    commercial_owner: Owner | None = None
    expansion: Owner | None = None


class CoveragePlan(Model):
    documented: bool | None = None
    backup: Backup | None = None


class Comp(Model):
    ae_metrics: list[Text] | None = None
    csm_metrics: list[Text] | None = None


class Policies(Model):
    renewal_ownership: RenewalOwnership | None = None
    coverage_plan: CoveragePlan | None = None
    comp: Comp | None = None
    collaboration_norms: list[Text] | None = None


class Headcount(Model):
    ae: People
    csm: People
    se: People = 0
    sdr: People = 0


class HiringTotals(Model):
    """Hires over the next 12 months."""

    ae: People = 0
    csm: People = 0


class HiringMonth(Model):
    """Hires in one month, counted from now (1 to 24)."""

    month: Annotated[int, Field(ge=1, le=24)]
    ae: People = 0
    csm: People = 0


def _hiring_plan_form(value: Any) -> str | None:
    if isinstance(value, dict):
        return "totals"
    if isinstance(value, list):
        return "monthly"
    return None


HiringPlan = Annotated[
    Union[  # noqa: UP007 - the tagged members need the explicit Union form
        Annotated[HiringTotals, Tag("totals")],
        Annotated[list[HiringMonth], Tag("monthly")],
    ],
    Discriminator(
        _hiring_plan_form,
        custom_error_type="hiring_plan",
        custom_error_message="expected 12-month totals such as {ae: 2, csm: 2} "
        "or a list of monthly entries such as [{month: 1, ae: 1}]",
    ),
]


class Pod(Model):
    id: Slug
    ae: People
    csm: People
    se: People = 0
    sdr: People = 0
    accounts: Count
    arr: Money | None = None


class Comparison(Model):
    """A pilot figure beside the baseline it is judged against."""

    pilot: Decimal
    baseline: Decimal


class PctComparison(Model):
    pilot: Pct
    baseline: Pct


class PilotResults(Model):
    days: Annotated[int, Field(ge=0, le=10_000)] | None = None
    handoff_quality: Comparison | None = None
    time_to_first_value_days: Comparison | None = None
    renewal_forecast_accuracy_pct: PctComparison | None = None
    ae_attendance_pct: Pct | None = None
    csm_presales_pct: Pct | None = None
    ae_presales_pct: Pct | None = None


class Segment(Model):
    id: Slug
    name: Text | None = None
    tier: Tier
    model: CoverageModel
    acv: Money
    accounts: Count
    onboarding_days: Annotated[int, Field(ge=0, le=10_000)] | None = None
    headcount: Headcount
    hiring_plan: HiringPlan | None = None
    pods: Annotated[list[Pod], Field(max_length=MAX_PODS)] | None = None
    pod_count: Annotated[int, Field(ge=0, le=MAX_PODS)] | None = None
    pilot_results: PilotResults | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def is_enterprise(self) -> bool:
        """`strategic` counts as enterprise for every rule."""
        return self.tier in ENTERPRISE_TIERS

    @property
    def pod_total(self) -> int:
        """Listed pods, else the stated pod_count, else as many pairs as headcount allows."""
        if self.pods is not None:
            return len(self.pods)
        if self.pod_count is not None:
            return self.pod_count
        return min(self.headcount.ae, self.headcount.csm)

    def hires_by_month(self, months: int) -> list[tuple[Fraction, Fraction]]:
        """(AE, CSM) hires in each month 1..months; totals are spread evenly over 12 months."""
        plan = self.hiring_plan
        hires = [(Fraction(0), Fraction(0)) for _ in range(months)]
        if isinstance(plan, HiringTotals):
            per_month = (Fraction(plan.ae, 12), Fraction(plan.csm, 12))
            for index in range(min(months, 12)):
                hires[index] = per_month
        elif plan is not None:
            for entry in plan:
                if entry.month <= months:
                    ae, csm = hires[entry.month - 1]
                    hires[entry.month - 1] = (ae + entry.ae, csm + entry.csm)
        return hires

    @property
    def hires_next_12_months(self) -> tuple[int, int]:
        """Planned (AE, CSM) hires with month <= 12."""
        plan = self.hiring_plan
        if plan is None:
            return 0, 0
        if isinstance(plan, HiringTotals):
            return plan.ae, plan.csm
        in_year = [entry for entry in plan if entry.month <= 12]
        return sum(e.ae for e in in_year), sum(e.csm for e in in_year)


class OrgFile(Model):
    version: int
    org: Org
    policies: Policies = Policies()
    segments: Annotated[list[Segment], Field(min_length=1, max_length=MAX_SEGMENTS)]

    @property
    def pod_segments(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.model == "pod"]
