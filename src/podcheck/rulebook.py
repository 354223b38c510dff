"""The rule catalogue: rule files shipped with podcheck, adjusted by the repository's config.

Rules are data (rules/*.yaml inside the package). Loading checks each one against the
metric registry: an unknown metric, a scope the metric cannot judge, a message that uses a
figure the metric does not give, or a threshold of the wrong kind is an error here, never
a rule silently skipped later.
"""

import datetime
import difflib
import importlib
import string
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from podcheck import numbers, source, units
from podcheck.errors import InputError, InputErrors
from podcheck.loader import validate
from podcheck.metrics import REGISTRY
from podcheck.model import CLOSED, Slug, Text
from podcheck.source import Document
from podcheck.units import UNITS
from podcheck.validation import STRICT, Bounds, Length, Parsed, Pattern
from podcheck.waivers import Waiver

Severity = Literal["error", "warning", "info"]
Compare = Literal[">=", ">", "<=", "<", "in", "is", "contains-all", "matches", "empty"]
RuleCode = Annotated[str, Pattern(r"POD[0-9]{3}", "expected a rule code such as POD101")]

# Fields every message may use, besides the metric's details and the rule's params.
ENGINE_FIELDS = frozenset({"actual", "threshold", "segment", "pod", "month", "missing"})
_STATUSES = ("pass", "fail", "skip")


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
    metric: str
    compare: Compare
    threshold: Any = None
    unit: str
    params: dict[str, Any] = field(default_factory=dict)
    summary: Text
    messages: dict[str, Text]
    rationale: Text
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
    metric: str
    compare: str
    threshold: Any
    unit: str
    params: Mapping[str, Any]
    summary: str
    messages: Mapping[str, str]
    rationale: str
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
    if errors:
        raise InputErrors(errors)
    return tuple(sorted(rules, key=lambda rule: rule.code))


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
                metric=definition.metric,
                compare=definition.compare,
                threshold=threshold,
                unit=definition.unit,
                params=dict(definition.params),
                summary=definition.summary,
                messages=dict(definition.messages),
                rationale=" ".join(definition.rationale.split()),
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
        for used in _template_fields(template):
            if used not in fields:
                yield "messages", f"message '{key}' uses '{{{used}}}', which is not available"


def _template_fields(template: str) -> Iterator[str]:
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


# The config file


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleOverride:
    enabled: bool = True
    severity: Severity | None = None
    threshold: Any = None


def _iso_date(value: object) -> datetime.date:
    try:
        if isinstance(value, str):
            return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    raise numbers.AmountError(f"expected a date written YYYY-MM-DD, got {numbers.describe(value)}")


IsoDate = Annotated[
    datetime.date,
    Parsed(_iso_date, "date", {"type": "string", "format": "date"}),
]


@dataclass(frozen=True, slots=True, kw_only=True)
class WaiverEntry:
    rule: RuleCode
    reason: Text
    segment: Slug | None = None
    pod: Slug | None = None
    file: Text | None = None
    expires: IsoDate | None = None


MaxFileBytes = Annotated[int, STRICT, Bounds(1, 1 << 30)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    fail_on: Literal["error", "warning", "never"] | None = None
    select: list[Text] | None = None
    ignore: list[Text] | None = None
    rules: dict[str, RuleOverride] = field(default_factory=dict)
    waivers: list[WaiverEntry] = field(default_factory=list)
    max_file_bytes: MaxFileBytes | None = None


class Settings(NamedTuple):
    """Everything the repository's config decides: rules in force, gate, waivers."""

    rules: tuple[Rule, ...]
    fail_on: str | None = None
    waivers: tuple[Waiver, ...] = ()
    max_file_bytes: int = source.DEFAULT_MAX_BYTES


def settings_from(catalogue: Sequence[Rule], config: Config, document: Document | None) -> Settings:
    rules = apply_config(catalogue, config, document)
    if config.select is not None or config.ignore is not None:
        rules = select_rules(rules, config.select, config.ignore, document)
    return Settings(
        rules,
        config.fail_on,
        _waivers(config, catalogue, document),
        config.max_file_bytes or source.DEFAULT_MAX_BYTES,
    )


def _waivers(
    config: Config, catalogue: Sequence[Rule], document: Document | None
) -> tuple[Waiver, ...]:
    known = {rule.code for rule in catalogue}
    errors = []
    waivers = []
    for index, entry in enumerate(config.waivers):
        here = ("waivers", index)
        if entry.rule not in known:
            errors.append(
                _config_error(
                    document,
                    (*here, "rule"),
                    f"waivers[{index}].rule: unknown "
                    f"rule '{entry.rule}'" + _suggest(entry.rule, known),
                )
            )
            continue
        line, column = document.locate(here) if document else (1, 1)
        waivers.append(
            Waiver(
                index=index,
                rule=entry.rule,
                reason=entry.reason,
                segment=entry.segment,
                pod=entry.pod,
                file=entry.file,
                expires=entry.expires,
                source=document.path if document else "<config>",
                line=line,
                column=column,
            )
        )
    if errors:
        raise InputErrors(errors)
    return tuple(waivers)


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
                    _config_error(document, (key, index), f"{key}: '{selector}' matches no rule")
                )
    if errors:
        raise InputErrors(errors)
    kept = [r for r in rules if select is None or any(_selected(r, s) for s in select)]
    return tuple(r for r in kept if not any(_selected(r, s) for s in ignore or ()))


def _selected(rule: Rule, selector: str) -> bool:
    wanted = selector.strip()
    return rule.code.startswith(wanted.upper()) or rule.name == wanted.lower()


def apply_config(
    catalogue: Sequence[Rule], config: Config, document: Document | None
) -> tuple[Rule, ...]:
    """The rules to run: disabled ones removed, severities and thresholds replaced."""
    by_code = {rule.code: rule for rule in catalogue}
    errors: list[InputError] = []
    overrides: dict[str, Rule | None] = {}
    for code, override in config.rules.items():
        here = ("rules", code)
        rule = by_code.get(code)
        if rule is None:
            errors.append(
                _config_error(
                    document, here, f"unknown rule '{code}'" + _suggest(code, by_code), key=True
                )
            )
            continue
        if not override.enabled:
            overrides[code] = None
            continue
        threshold = rule.threshold
        if override.threshold is not None:
            if rule.threshold is None:
                errors.append(
                    _config_error(
                        document,
                        (*here, "threshold"),
                        f"{code} has no threshold to set; its bar comes from the org file",
                    )
                )
                continue
            try:
                threshold = coerce_threshold(rule.unit, override.threshold)
            except numbers.AmountError as exc:
                errors.append(_config_error(document, (*here, "threshold"), f"{code}: {exc}"))
                continue
        overrides[code] = replace(
            rule, severity=override.severity or rule.severity, threshold=threshold
        )
    if errors:
        raise InputErrors(errors)
    chosen = [overrides.get(rule.code, rule) for rule in catalogue]
    return tuple(rule for rule in chosen if rule is not None)


def _suggest(code: str, codes: Iterable[str]) -> str:
    close = difflib.get_close_matches(code.upper(), list(codes), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _config_error(
    document: Document | None, path: source.Path, message: str, key: bool = False
) -> InputError:
    if document is None:
        return InputError("<config>", 1, 1, message)
    return document.error(path, message, key=key)


def load_config(path: str) -> tuple[Config, Document]:
    from podcheck.loader import read_text

    document = source.parse(read_text(path), path)
    if document.data is None:
        return Config(), document
    if not isinstance(document.data, dict):
        raise InputErrors(
            [document.error((), "expected a mapping at the top level of the config file")]
        )
    return validate(Config, document), document
