"""Which rules the planner fixes, and how: read from the rules' `roles.plan` in the rule data,
so that the planner names no rule code."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from podcheck.judge.rule import PlanRole, Rule

# The rollout metric that says a pilot runs in one segment.
SINGLE_PILOT_METRIC = "single_pilot_segment"


@dataclass(frozen=True, slots=True)
class PlanRules:
    """Rule codes by the part they play in a plan, each in code order."""

    # Today's headcount, fixed by CSMs at launch: load, pairing and ratio.
    today: tuple[str, ...]
    # Those of them judged in every pod too.
    pod: tuple[str, ...]
    # Those no move of AEs can fix (the load, and a pod's pairing).
    load: tuple[str, ...]
    # A pod of one role only.
    pairing: tuple[str, ...]
    # AEs per CSM today.
    ratio: tuple[str, ...]
    # The hiring plan: AEs per CSM month by month, and the hiring pace.
    hiring: tuple[str, ...]
    hiring_ratio: tuple[str, ...]
    pace: tuple[str, ...]
    # The pilot's pod count.
    pods: tuple[str, ...]
    # The spread of the pods' books, evened by moving accounts with their ARR.
    books: tuple[str, ...]
    # A segment that does not fit pods: the field that says so.
    misfit: Mapping[str, str]
    # A policy a person writes: its field and, where the threshold does not say, what.
    policy: Mapping[str, tuple[str, str | None]]
    # A pilot runs in one segment: while it fails, only the kept segment is planned.
    single_pilot: tuple[str, ...] = ()

    @property
    def counted(self) -> tuple[str, ...]:
        """Every rule a count of people, hires, pods or accounts can fix."""
        return (*self.today, *self.hiring, *self.pods, *self.books)

    @property
    def arithmetic(self) -> tuple[str, ...]:
        """Every rule the plan fixes itself: counts, and a model that fits."""
        return (*self.counted, *self.misfit)

    def of(self, codes: Iterable[str], *groups: Sequence[str]) -> tuple[str, ...]:
        """The codes that belong to any of the groups, in their own order."""
        return tuple(code for code in codes if any(code in group for group in groups))


# The last rule book's roles: a run plans every file with one rule book.
_LAST: list[tuple[Sequence[Rule], PlanRules]] = []


def plan_rules(book: Sequence[Rule]) -> PlanRules:
    """The roles of the rules in `book`, read once per rule book (by identity: a book is
    not changed once made)."""
    if _LAST and _LAST[0][0] is book:
        return _LAST[0][1]
    found = _read_roles(book)
    _LAST[:] = [(book, found)]
    return found


def _read_roles(book: Sequence[Rule]) -> PlanRules:
    def having(test: Callable[[PlanRole], bool]) -> tuple[str, ...]:
        return tuple(rule.code for rule in book if test(rule.roles.plan))

    today = having(lambda role: role.today is not None)
    scoped = {rule.code for rule in book if "pod" in rule.scope}
    return PlanRules(
        today=today,
        pod=tuple(code for code in today if code in scoped),
        load=having(lambda role: role.today in ("load", "pairing")),
        pairing=having(lambda role: role.today == "pairing"),
        ratio=having(lambda role: role.today == "ratio"),
        hiring=having(lambda role: role.hiring is not None),
        hiring_ratio=having(lambda role: role.hiring == "ratio"),
        pace=having(lambda role: role.hiring == "pace"),
        pods=having(lambda role: role.pods),
        books=having(lambda role: role.books),
        misfit={r.code: r.roles.plan.misfit for r in book if r.roles.plan.misfit is not None},
        policy={
            r.code: (r.roles.plan.policy, r.roles.plan.policy_value)
            for r in book
            if r.roles.plan.policy is not None
        },
        single_pilot=tuple(r.code for r in book if r.metric == SINGLE_PILOT_METRIC),
    )
