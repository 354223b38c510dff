"""The rule files as written, checked into rules: for building the shipped catalogue
(podcheck.judge.build_catalogue), and for a run whose rule files changed since it was built.

Each rule is checked against the metric registry: an unknown metric, a scope the metric
cannot judge, a message that uses a figure the metric does not give, or a threshold of the
wrong kind is an error here, never a rule silently skipped later. A run with the catalogue
as shipped never imports this module.
"""

import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from podcheck.core import numbers, units
from podcheck.core.errors import InputError, InputErrors
from podcheck.core.units import UNITS
from podcheck.judge.rule import Compare, Roles, Rule, RuleCode, Severity
from podcheck.metrics import REGISTRY
from podcheck.orgfile import source
from podcheck.orgfile.loader import validate_document
from podcheck.orgfile.model import CLOSED, Text
from podcheck.orgfile.source import Document
from podcheck.orgfile.validation import Length, Pattern

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
# Units whose thresholds are words or lists, not a bar a label would name as a figure.
_WORDS = frozenset({"choice", "names", "flag", "owners"})

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
    requires: Literal["pilot_results", "accounts"] | None = None
    # Segment rules judge the pilot cohort where one is marked, or always the whole segment.
    judges: Literal["cohort", "segment"] = "cohort"
    roles: Roles = field(default_factory=Roles)
    metric: str
    compare: Compare
    threshold: Any = None
    unit: str
    # Every value a `choice` threshold may name: a config's is checked against them.
    choices: list[str] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    summary: Text
    messages: dict[str, Text]
    rationale: Text
    # What passes, as a formula of the file's fields, for `podcheck explain`.
    formula: Text
    article: Literal["pod-model", "scaled-cs", "podcheck"]
    source: Text


def check_catalogue(sources: Mapping[str, bytes]) -> tuple[Rule, ...]:
    """The rules of the given rule files, each checked against the metric registry, and the
    catalogue as a whole checked for one definition per code and for its roles."""
    rules: list[Rule] = []
    errors: list[InputError] = []
    for name, data in sorted(sources.items()):
        path = f"podcheck/rules/{name}"
        try:
            rules.extend(load_rule_file(path, data.decode("utf-8")))
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


@dataclass(frozen=True, slots=True, kw_only=True)
class _RuleFile:
    """A rules/*.yaml file: its list of rule definitions."""

    rules: list[RuleDefinition]


def load_rule_file(path: str, text: str) -> list[Rule]:
    document = source.parse(text, path)
    wrapped = Document(
        path, {"rules": document.data}, {("rules", *k): v for k, v in document.places.items()}
    )
    definitions = validate_document(_RuleFile, wrapped).rules
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
        threshold = units.threshold(definition.unit, definition.threshold)
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
                choices=tuple(definition.choices) if definition.choices is not None else None,
            )
        )
    if errors:
        raise InputErrors(errors)
    return rules


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
    if (rule.unit == "choice") != (rule.choices is not None):
        yield "choices", "a `choice` threshold needs its choices, and only it has them"
    elif rule.choices is not None and rule.threshold is not None:
        chosen = rule.threshold if isinstance(rule.threshold, list) else [rule.threshold]
        if (unknown := units.unknown_choice(chosen, rule.choices)) is not None:
            yield "threshold", unknown
    for name, value in rule.params.items():
        if not numbers.is_number(value):
            yield "params", f"param '{name}' must be a number"
    if "pass" not in rule.messages or "fail" not in rule.messages:
        yield "messages", "needs 'pass' and 'fail' messages"
    if rule.roles.criterion is not None:
        yield from _check_criterion(rule, rule.roles.criterion)
    fields = ENGINE_FIELDS | spec.details | set(rule.params)
    for key, template in rule.messages.items():
        status, _, case = key.partition("_")
        if status not in _STATUSES or (case and case not in spec.cases):
            yield "messages", f"message '{key}' is not a status or a case of '{rule.metric}'"
        for used in template_fields(template):
            if used not in fields:
                yield "messages", f"message '{key}' uses '{{{used}}}', which is not available"


def _check_criterion(rule: RuleDefinition, label: str) -> Iterator[tuple[str, str]]:
    """A criterion label names its bar as `{threshold}`, never as fixed text: a config that
    moves the bar must move the label ("CSM load under 25" beside "fewer than 25")."""
    rest = label.replace("{threshold}", "")
    if "{" in rest or "}" in rest:
        yield "roles", f"criterion '{label}' may name only '{{threshold}}' in braces"
        return
    used = rest != label
    if used and rule.threshold is None:
        yield "roles", f"criterion '{label}' uses '{{threshold}}' and the rule has none"
    if used or rule.threshold is None or rule.unit in _WORDS:
        return
    try:
        fixed = units.write_short(rule.unit, UNITS[rule.unit].parse(rule.threshold))
    except numbers.AmountError:
        return  # the threshold's own check says what is wrong
    if re.search(rf"(?<![\w.]){re.escape(fixed)}(?![\w.])", label):
        yield "roles", f"criterion '{label}' names the bar {fixed} as text; write '{{threshold}}'"


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
