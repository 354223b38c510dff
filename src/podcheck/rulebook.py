"""The rule catalogue: rule files shipped with podcheck, adjusted by the repository's config.

Rules are data (rules/*.yaml inside the package). Loading checks each one against the
metric registry: an unknown metric, a scope the metric cannot judge, a message that uses a
figure the metric does not give, or a threshold of the wrong kind is an error here, never
a rule silently skipped later.
"""

import importlib
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from podcheck import numbers, source, units
from podcheck.errors import InputError, InputErrors
from podcheck.loader import validate
from podcheck.metrics import REGISTRY
from podcheck.model import CLOSED, Text
from podcheck.source import Document
from podcheck.units import UNITS
from podcheck.validation import Bounds, Length, Pattern
from podcheck.waivers import Waiver

Severity = Literal["error", "warning", "info"]
Compare = Literal[">=", ">", "<=", "<", "in", "is", "contains-all", "matches", "empty"]
RuleCode = Annotated[str, Pattern(r"POD[0-9]{3}", "expected a rule code such as POD101")]

# Fields every message may use, besides the metric's details and the rule's params.
ENGINE_FIELDS = frozenset(
    {
        "actual",
        "threshold",
        "segment",
        "pod",
        "month",
        "when",
        "missing",
        "first_month",
        "first_when",
        "first_actual",
    }
)
_STATUSES = ("pass", "fail", "skip")

# The two articles the catalogue is built from, by the key rule files cite them with.
ARTICLES: Mapping[str, str] = {
    "pod-model": "The Pod Model: When Dedicated AE + CSM Pairs Work (And When They Don't)",
    "scaled-cs": "The Evolution of Scaled Customer Success: From Pools, to Pods, to AI Agents",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Roles:
    """What a rule's result feeds besides its own verdict; read by the checklist, the pilot
    decision, scale-up readiness, the recommendation and the projection, so that none of
    them names a rule code."""

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
    # Its threshold (and `pooled_at`) are the lines the ratio projection draws.
    ratio_limit: bool = False


# Roles that exactly one rule of the catalogue must carry.
_SINGLE_ROLES = ("acv_floor", "ratio_limit")


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleDefinition:
    """One entry of a rules/*.yaml file."""

    __pydantic_config__ = CLOSED
    code: RuleCode
    name: Annotated[str, Pattern(r"[a-z0-9]+(-[a-z0-9]+)*", "expected a kebab-case name")]
    severity: Severity
    scope: Annotated[list[Literal["org", "segment", "pod"]], Length(min_length=1)]
    runs: Literal["with-pods", "always"] = "with-pods"
    requires: Literal["pilot_results"] | None = None
    # Segment rules judge the pilot cohort where one is marked, or always the whole segment.
    judges: Literal["cohort", "segment"] = "cohort"
    roles: Roles = field(default_factory=Roles)
    metric: str
    compare: Compare
    threshold: Any = None
    unit: str
    params: dict[str, Any] = field(default_factory=dict)
    summary: Text
    messages: dict[str, Text]
    rationale: Text
    # What passes, as a formula of the file's fields, for `podcheck explain`.
    formula: Text
    article: Literal["pod-model", "scaled-cs"]
    source: Text


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

    @property
    def family(self) -> str:
        return self.code[:4]

    @cached_property
    def threshold_text(self) -> str:
        """The threshold as messages write it: the same for every subject the rule judges."""
        return units.write(self.unit, self.threshold)


@cache
def load_catalogue() -> tuple[Rule, ...]:
    """Every rule shipped with podcheck, sorted by code."""
    rules: list[Rule] = []
    errors: list[InputError] = []
    # The rule files sit beside the package's __init__ (wheel and editable installs alike);
    # importlib.resources would cost more start-up time than the files take to read.
    folder = Path(str(importlib.import_module("podcheck.rules").__file__)).parent
    for entry in sorted(folder.glob("*.yaml")):
        path = f"podcheck/rules/{entry.name}"
        try:
            rules.extend(load_rule_file(path, entry.read_text(encoding="utf-8")))
        except InputErrors as exc:
            errors.extend(exc.errors)
    seen: set[str] = set()
    for rule in rules:
        if rule.code in seen:
            errors.append(InputError("podcheck/rules", 1, 1, f"rule {rule.code} is defined twice"))
        seen.add(rule.code)
    for role in _SINGLE_ROLES:
        carriers = [rule.code for rule in rules if getattr(rule.roles, role)]
        if len(carriers) != 1:
            errors.append(
                InputError(
                    "podcheck/rules", 1, 1, f"role {role} needs exactly one rule, found {carriers}"
                )
            )
    for number in range(1, 6):
        if not any(rule.roles.question == number for rule in rules):
            errors.append(
                InputError("podcheck/rules", 1, 1, f"no rule answers checklist question {number}")
            )
    if errors:
        raise InputErrors(errors)
    return tuple(sorted(rules, key=lambda rule: rule.code))


def with_role(rules: Sequence[Rule], role: str) -> tuple[Rule, ...]:
    """The rules that carry a role, in code order."""
    return tuple(rule for rule in rules if getattr(rule.roles, role))


def role_rule(rules: Sequence[Rule], role: str) -> Rule:
    """The one rule that carries a single-rule role (the catalogue guarantees it)."""
    (rule,) = with_role(rules, role)
    return rule


@dataclass(frozen=True, slots=True, kw_only=True)
class _RuleFile:
    rules: list[RuleDefinition]


def load_rule_file(path: str, text: str) -> list[Rule]:
    document = source.parse(text, path)
    wrapped = Document(
        path, {"rules": document.data}, {("rules", *k): v for k, v in document.places.items()}
    )
    definitions = validate(_RuleFile, wrapped).rules
    errors: list[InputError] = []
    rules = []
    for index, definition in enumerate(definitions):
        problems = list(_check_definition(definition))
        if problems:
            errors.extend(
                wrapped.error(("rules", index, field), f"{definition.code}: {problem}")
                for field, problem in problems
            )
            continue
        threshold = coerce_threshold(definition.unit, definition.threshold)
        rules.append(
            Rule(
                code=definition.code,
                name=definition.name,
                severity=definition.severity,
                scope=tuple(definition.scope),
                runs=definition.runs,
                requires=definition.requires,
                judges=definition.judges,
                roles=definition.roles,
                metric=definition.metric,
                compare=definition.compare,
                threshold=threshold,
                unit=definition.unit,
                params=dict(definition.params),
                summary=definition.summary,
                messages=dict(definition.messages),
                rationale=" ".join(definition.rationale.split()),
                formula=definition.formula,
                article=definition.article,
                source=definition.source,
                default_severity=definition.severity,
                default_threshold=threshold,
            )
        )
    if errors:
        raise InputErrors(errors)
    return rules


def coerce_threshold(unit: str, value: Any) -> Any:
    return None if value is None else UNITS[unit].parse(value)


def _check_definition(rule: RuleDefinition) -> Iterator[tuple[str, str]]:
    spec = REGISTRY.get(rule.metric)
    if spec is None:
        yield "metric", f"unknown metric '{rule.metric}'"
        return
    if rule.unit not in UNITS:
        yield "unit", f"unknown unit '{rule.unit}'; expected one of {', '.join(sorted(UNITS))}"
        return
    for scope in rule.scope:
        if scope not in spec.scopes:
            yield "scope", f"metric '{rule.metric}' cannot judge scope '{scope}'"
    if rule.threshold is not None:
        try:
            UNITS[rule.unit].parse(rule.threshold)
        except numbers.AmountError as exc:
            yield "threshold", str(exc)
    for name, value in rule.params.items():
        if not numbers.is_number(value):
            yield "params", f"param '{name}' must be a number"
    if "pass" not in rule.messages or "fail" not in rule.messages:
        yield "messages", "needs 'pass' and 'fail' messages"
    fields = ENGINE_FIELDS | spec.details | set(rule.params)
    for key, template in rule.messages.items():
        status, _, case = key.partition("_")
        if status not in _STATUSES or (case and case not in spec.cases):
            yield "messages", f"message '{key}' is not a status or a case of '{rule.metric}'"
        for used in template_fields(template):
            if used not in fields:
                yield "messages", f"message '{key}' uses '{{{used}}}', which is not available"


def template_fields(template: str) -> Iterator[str]:
    """The fields a message template names; what is not a plain field name is named as a
    problem ("<positional>", "<malformed template>") so that checking it fails."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        yield "<malformed template>"
        return
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            yield name or "<positional>"
        else:
            yield name


NotRunReason = Literal["select", "ignore", "config"]


class Settings(NamedTuple):
    """Everything the repository's config decides: rules in force, gate, waivers."""

    rules: tuple[Rule, ...]
    fail_on: str | None = None
    waivers: tuple[Waiver, ...] = ()
    max_file_bytes: int = source.DEFAULT_MAX_BYTES
    # The whole catalogue with the config's thresholds and severities, run or not: roles
    # (the recommendation's ACV floor, scale-up readiness) read their rules from it.
    book: tuple[Rule, ...] = ()
    # Rules of the catalogue this run leaves out, and why.
    not_run: tuple[tuple[str, NotRunReason], ...] = ()

    @property
    def rule_book(self) -> tuple[Rule, ...]:
        return self.book or load_catalogue()

    def narrowed(
        self,
        select: Sequence[str] | None,
        ignore: Sequence[str] | None,
        document: Document | None = None,
    ) -> "Settings":
        """These settings with only the rules `select` and `ignore` leave, saying why the
        others are not run."""
        if select is None and ignore is None:
            return self
        kept = select_rules(self.rules, select, ignore, document)
        codes = {rule.code for rule in kept}
        dropped: list[tuple[str, NotRunReason]] = [
            (
                rule.code,
                "select"
                if select is not None and not any(_selected(rule, s) for s in select)
                else "ignore",
            )
            for rule in self.rules
            if rule.code not in codes
        ]
        not_run = tuple(sorted((*self.not_run, *dropped)))
        return self._replace(rules=kept, not_run=not_run)


def select_rules(
    rules: Sequence[Rule],
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
    document: Document | None = None,
) -> tuple[Rule, ...]:
    """Keep rules matched by `select` (all when None), minus those matched by `ignore`.

    A selector is a code (POD103), a code prefix (POD1, POD) or a rule name (csm-load).
    A selector that matches no rule is an error: it is almost certainly a typo.
    """
    errors = []
    for key, selectors in (("select", select), ("ignore", ignore)):
        for index, selector in enumerate(selectors or ()):
            if not any(_selected(rule, selector) for rule in rules):
                errors.append(
                    config_error(document, (key, index), f"{key}: '{selector}' matches no rule")
                )
    if errors:
        raise InputErrors(errors)
    kept = [r for r in rules if select is None or any(_selected(r, s) for s in select)]
    return tuple(r for r in kept if not any(_selected(r, s) for s in ignore or ()))


def _selected(rule: Rule, selector: str) -> bool:
    wanted = selector.strip()
    return rule.code.startswith(wanted.upper()) or rule.name == wanted.lower()


def config_error(
    document: Document | None, path: source.Path, message: str, key: bool = False
) -> InputError:
    if document is None:
        return InputError("<config>", 1, 1, message)
    return document.error(path, message, key=key)
