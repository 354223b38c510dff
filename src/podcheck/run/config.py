"""The repository's config file (podcheck.yaml): rule overrides, gate, selection, waivers.

Read only when a config is given or found, so that runs without one never pay for it.
"""

import datetime
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal

from podcheck.accounts.export import AccountsConfig
from podcheck.core import inert, numbers, units
from podcheck.core.errors import MAX_ERRORS_PER_FILE, InputError, InputErrors
from podcheck.judge.rule import Rule, RuleCode, Severity
from podcheck.judge.rulebook import Settings, config_error
from podcheck.judge.waivers import Waiver
from podcheck.orgfile import source
from podcheck.orgfile.loader import validate_document
from podcheck.orgfile.model import Slug, Text
from podcheck.orgfile.source import Document
from podcheck.orgfile.validation import STRICT, Bounds, Parsed


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
    owner: Text | None = None  # who accepted the exception, shown in the review pack
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
    accounts: AccountsConfig | None = None


def settings_from(catalogue: Sequence[Rule], config: Config, document: Document | None) -> Settings:
    book, disabled = apply_config(catalogue, config, document)
    settings = Settings(
        tuple(rule for rule in book if rule.code not in disabled),
        config.fail_on,
        _waivers(config, catalogue, document),
        config.max_file_bytes or source.DEFAULT_MAX_BYTES,
        book=book,
        not_run=tuple((code, "config") for code in sorted(disabled)),
        accounts=config.accounts,
    )
    return settings.narrowed(config.select, config.ignore, document)


def _waivers(
    config: Config, catalogue: Sequence[Rule], document: Document | None
) -> tuple[Waiver, ...]:
    known = {rule.code for rule in catalogue}
    errors: list[InputError] = []
    waivers = []
    for index, entry in enumerate(config.waivers):
        here = ("waivers", index)
        if entry.rule not in known:
            errors.append(
                config_error(
                    document,
                    (*here, "rule"),
                    f"waivers[{index}].rule: unknown "
                    f"rule {inert.excerpt(entry.rule)}" + _suggest(entry.rule, known, errors),
                )
            )
            continue
        line, column = document.locate(here) if document else (1, 1)
        waivers.append(
            Waiver(
                index=index,
                rule=entry.rule,
                reason=entry.reason,
                owner=entry.owner,
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


def apply_config(
    catalogue: Sequence[Rule], config: Config, document: Document | None
) -> tuple[tuple[Rule, ...], frozenset[str]]:
    """Every rule with the config's severities and thresholds, and the codes it disables."""
    by_code = {rule.code: rule for rule in catalogue}
    errors: list[InputError] = []
    overrides: dict[str, Rule] = {}
    disabled: set[str] = set()
    for code, override in config.rules.items():
        here = ("rules", code)
        rule = by_code.get(code)
        if rule is None:
            named = next((r.code for r in catalogue if r.name == code), None)
            hint = (
                f"; rules are keyed by code here: '{named}' is {code}"
                if named
                else _suggest(code, by_code, errors)
            )
            errors.append(
                config_error(document, here, f"unknown rule {inert.excerpt(code)}{hint}", key=True)
            )
            continue
        if not override.enabled:
            disabled.add(code)
        threshold = rule.threshold
        if override.threshold is not None:
            if rule.threshold is None:
                errors.append(
                    config_error(
                        document,
                        (*here, "threshold"),
                        f"{code} has no threshold to set; its bar comes from the org file",
                    )
                )
                continue
            try:
                threshold = units.threshold(rule.unit, override.threshold)
            except numbers.AmountError as exc:
                errors.append(config_error(document, (*here, "threshold"), f"{code}: {exc}"))
                continue
            if rule.choices and (unknown := units.unknown_choice(threshold, rule.choices)):
                errors.append(config_error(document, (*here, "threshold"), f"{code}: {unknown}"))
                continue
        overrides[code] = replace(
            rule, severity=override.severity or rule.severity, threshold=threshold
        )
    if errors:
        raise InputErrors(errors)
    return tuple(overrides.get(rule.code, rule) for rule in catalogue), frozenset(disabled)


def _suggest(code: str, codes: Iterable[str], found: Sequence[object] = ()) -> str:
    """The "did you mean" that ends an unknown `code`'s error, or "". `found` are the errors
    so far: none is worked out past the ones a run shows (180,000 unknown codes took
    minutes), nor for a code too long to be a typo of one (comparing costs the product of
    the lengths)."""
    if len(found) >= MAX_ERRORS_PER_FILE or len(code) > _LONGEST_TYPO:
        return ""
    wanted, known = code.upper(), list(codes)
    # A code's typo is a digit swapped or mistyped: POD013 is POD103, which difflib ranks
    # below POD801; for a code, the fewest edits (a swap counting one) wins.
    close = (
        [found for found in known if _edits(wanted, found) <= 2] if _CODE.fullmatch(wanted) else []
    )
    close.sort(key=lambda found: _edits(wanted, found))
    close = close or difflib.get_close_matches(wanted, known, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


_CODE = re.compile(r"POD\d+")
# Codes are six characters (POD103); a name this long is no typo of one.
_LONGEST_TYPO = 16


def _edits(left: str, right: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours that make `left` into
    `right` (optimal string alignment distance)."""
    rows = [list(range(len(right) + 1))]
    for i, a in enumerate(left, 1):
        row = [i]
        for j, b in enumerate(right, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a != b))
            if i > 1 and j > 1 and a == right[j - 2] and left[i - 2] == b:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


def load_config(path: str) -> tuple[Config, Document]:
    _, text = source.read(path)
    return parse_config(path, text)


def parse_config(path: str, text: str) -> tuple[Config, Document]:
    """A config from its text; `path` names it in errors."""
    document = source.parse(text, path)
    if document.data is None:
        return Config(), document
    if not isinstance(document.data, dict):
        raise InputErrors(
            [document.error((), "expected a mapping at the top level of the config file")]
        )
    return validate_document(Config, document), document
