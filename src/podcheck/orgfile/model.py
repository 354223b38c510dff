"""The org-design file, format version 1, as frozen dataclasses.

Field names and meanings follow the org-file format (README, "The org file") exactly.
Types are strict: no string is taken for a number, no number for a boolean, and unknown
keys are errors
(validation.py enforces this; `__pydantic_config__` says the same to pydantic, which
generates the JSON Schema from these classes).
"""

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from podcheck.core import numbers
from podcheck.core.numbers import Number
from podcheck.orgfile.validation import STRICT, Bounds, Expect, Length, Parsed, Pattern

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

_NUMBER_SCHEMA: dict[str, Any] = {"type": "number", "minimum": 0}
_MONEY_SCHEMA: dict[str, Any] = {**_NUMBER_SCHEMA, "maximum": numbers.MAX_MONEY}
_MONEY_PATTERN = r"^\$?(\d{1,3}(,\d{3})+|\d+(_\d+)*)(\.\d+)?[kKmM]?$"
_PCT_PATTERN = r"^\d+(\.\d+)?\s?%$"

Money = Annotated[
    Number,
    Parsed(
        numbers.parse_money,
        "money",
        {
            "description": 'USD amount: 85000, 85000.50, "$85K", "85,000", "1.2M"',
            "anyOf": [_MONEY_SCHEMA, {"type": "string", "pattern": _MONEY_PATTERN}],
        },
    ),
]
Pct = Annotated[
    Number,
    Parsed(
        numbers.parse_pct,
        "pct",
        {
            "description": 'percentage from 0 to 100: 18, 18.5 or "18%"',
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100},
                {"type": "string", "pattern": _PCT_PATTERN},
            ],
        },
    ),
]
Decimal = Annotated[Number, Parsed(numbers.parse_number, "number", _NUMBER_SCHEMA)]
Flag = Annotated[bool, STRICT]
Integer = Annotated[int, STRICT]
Slug = Annotated[
    str,
    STRICT,
    Pattern(r"[a-z0-9][a-z0-9-]*", "expected a slug of lower-case letters, digits and '-'"),
    Length(max_length=64),
]
Text = Annotated[str, STRICT, Length(1, 2_000)]


def _count(maximum: int) -> Parsed:
    """An integer count from 0 to `maximum`, written 1234 or, with separators, "1,234"."""
    return Parsed(
        numbers.count_parser(maximum),
        "count",
        {
            "description": 'whole number: 1234 or "1,234"',
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": maximum},
                {"type": "string", "pattern": numbers.COUNT_PATTERN},
            ],
        },
    )


People = Annotated[int, _count(MAX_PEOPLE)]
Count = Annotated[int, _count(MAX_ACCOUNTS)]
Days = Annotated[int, _count(10_000)]
PodCount = Annotated[int, _count(MAX_PODS)]


class _Value:
    """Equality, hashing and repr by field, as a dataclass has them, written once here.

    The dataclass decorator compiles every method it generates, on every run: six per
    class cost about 10 ms of start-up. The classes below generate only `__init__` and
    the two that keep them frozen; these three are shared.
    """

    __slots__ = ()

    def _values(self) -> tuple[Any, ...]:
        # A slotted dataclass's __slots__ are its fields, in order.
        names: tuple[str, ...] = self.__slots__
        return tuple(getattr(self, name) for name in names)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        names: tuple[str, ...] = self.__slots__
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({shown})"


# Unknown keys are errors; said for pydantic, which reads these classes for the JSON Schema.
# (Strictness is per type above: a strict pydantic config would refuse dicts for dataclasses.)
CLOSED = {"extra": "forbid"}


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Org(_Value):
    """The `org` section: the organisation's name, how pods roll out, when the ratio is reviewed."""

    __pydantic_config__ = CLOSED
    name: Text
    rollout: Rollout = "pilot"
    ratio_review_months: Annotated[int, STRICT, Bounds(1, 120)] | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class RenewalOwnership(_Value):
    """Who runs renewals, who owns their terms and expansion, and whether it is written."""

    __pydantic_config__ = CLOSED
    written: Flag | None = None
    document: Text | None = None
    process_owner: Owner | None = None
    commercial_owner: Owner | None = None
    expansion: Owner | None = None
    expansion_attribution: Flag | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class CoveragePlan(_Value):
    """Whether cover for an absent CSM is documented, and who provides it."""

    __pydantic_config__ = CLOSED
    documented: Flag | None = None
    backup: Backup | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Comp(_Value):
    """The metrics AEs and CSMs are paid on."""

    __pydantic_config__ = CLOSED
    ae_metrics: list[Text] | None = None
    csm_metrics: list[Text] | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Policies(_Value):
    """The `policies` section: renewal ownership, coverage, comp and collaboration norms."""

    __pydantic_config__ = CLOSED
    renewal_ownership: RenewalOwnership | None = None
    coverage_plan: CoveragePlan | None = None
    comp: Comp | None = None
    collaboration_norms: list[Text] | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Headcount(_Value):
    """A segment's people by role today."""

    __pydantic_config__ = CLOSED
    ae: People
    csm: People
    se: People = 0
    sdr: People = 0


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class HiringTotals(_Value):
    """Hires over the next 12 months."""

    __pydantic_config__ = CLOSED
    ae: People = 0
    csm: People = 0


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class HiringMonth(_Value):
    """Hires in one month, counted from now (1 to 24)."""

    __pydantic_config__ = CLOSED
    month: Annotated[int, STRICT, Bounds(1, 24)]
    ae: People = 0
    csm: People = 0


HiringPlan = Annotated[
    HiringTotals | list[HiringMonth],
    Expect(
        "hiring_plan",
        "expected 12-month totals such as {ae: 2, csm: 2} "
        "or a list of monthly entries such as [{month: 1, ae: 1}]",
    ),
]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Pod(_Value):
    """One pod: its people by role, its accounts and ARR, and whether it is in the pilot."""

    __pydantic_config__ = CLOSED
    id: Slug
    # The pod's name in the CRM, when its id does not say it: an account export's pod
    # column is matched by either.
    name: Text | None = None
    ae: People
    csm: People
    se: People = 0
    sdr: People = 0
    accounts: Count
    arr: Money | None = None
    pilot: Flag = False


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Comparison(_Value):
    """A pilot figure beside the baseline it is judged against."""

    __pydantic_config__ = CLOSED
    pilot: Decimal
    baseline: Decimal


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class PctComparison(_Value):
    """A pilot percentage beside the baseline it is judged against."""

    __pydantic_config__ = CLOSED
    pilot: Pct
    baseline: Pct


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class PilotResults(_Value):
    """What a pilot measured over its days, each figure beside its baseline."""

    __pydantic_config__ = CLOSED
    days: Days | None = None
    handoff_quality: Comparison | None = None
    time_to_first_value_days: Comparison | None = None
    renewal_forecast_accuracy_pct: PctComparison | None = None
    ae_attendance_pct: Pct | None = None
    csm_presales_pct: Pct | None = None
    ae_presales_pct: Pct | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Snapshot(_Value):
    """The segment's headcount `months_ago` months before today."""

    __pydantic_config__ = CLOSED
    months_ago: Annotated[int, STRICT, Bounds(1, 24)]
    ae: People
    csm: People


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Costs(_Value):
    """Fully loaded annual cost per head by role: salary or OTE, benefits, tools.

    Every role is optional; a figure that needs a role no `costs` states is left out and
    names it (economics.md), never priced at zero.
    """

    __pydantic_config__ = CLOSED
    ae: Money | None = None
    csm: Money | None = None
    se: Money | None = None
    sdr: Money | None = None

    def of(self, role: str) -> Number | None:
        value: Number | None = getattr(self, role)
        return value

    def over(self, base: "Costs | None") -> "Costs":
        """These figures, each role this mapping leaves out taken from `base`."""
        if base is None:
            return self
        return Costs(**{role: _first(self.of(role), base.of(role)) for role in ROLES})


ROLES = ("ae", "csm", "se", "sdr")


def _first(value: Number | None, fallback: Number | None) -> Number | None:
    return fallback if value is None else value


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Segment(_Value):
    """One segment: tier, coverage model, ACV, accounts, headcount, hiring plan and pods."""

    __pydantic_config__ = CLOSED
    id: Slug
    name: Text | None = None
    tier: Tier
    model: CoverageModel
    acv: Money
    accounts: Count
    onboarding_days: Days | None = None
    headcount: Headcount
    hiring_plan: HiringPlan | None = None
    pods: Annotated[list[Pod], Length(max_length=MAX_PODS)] | None = None
    pod_count: PodCount | None = None
    pilot_results: PilotResults | None = None
    # At least one snapshot: an empty history would measure nothing and still pass.
    history: Annotated[list[Snapshot], Length(1, 24)] | None = None
    # Overrides the org's cost per head for this segment's people (economics.md).
    costs: Costs | None = None

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


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class OrgFile(_Value):
    """An org-design file (format version 1)."""

    __pydantic_config__ = CLOSED
    version: Integer
    org: Org
    policies: Policies = field(default_factory=Policies)
    segments: Annotated[list[Segment], Length(1, MAX_SEGMENTS)]
    costs: Costs | None = None

    @property
    def pod_segments(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.model == "pod"]

    @property
    def states_costs(self) -> bool:
        """Whether the file states any cost, at the org or in a segment."""
        return self.costs is not None or any(s.costs is not None for s in self.segments)

    def costs_of(self, segment: Segment) -> Costs | None:
        """The cost per head in `segment`: its own figures over the org's; None when
        neither states any."""
        if segment.costs is None:
            return self.costs
        return segment.costs.over(self.costs)
