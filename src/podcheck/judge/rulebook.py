"""The rule catalogue: rule files shipped with podcheck, adjusted by the repository's config.

Rules are data (rules/*.yaml inside the package), checked into rules when the catalogue is
built (podcheck.judge.catalogue); a run reads the built copy while the files are unchanged.
"""

import importlib
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from podcheck.core.errors import InputError, InputErrors
from podcheck.judge.rule import Rule
from podcheck.judge.waivers import Waiver
from podcheck.orgfile import source
from podcheck.orgfile.source import Document

# The two articles the catalogue is built from, by the key rule files cite them with.
ARTICLES: Mapping[str, str] = {
    "pod-model": "The Pod Model: When Dedicated AE + CSM Pairs Work (And When They Don't)",
    "scaled-cs": "The Evolution of Scaled Customer Success: From Pools, to Pods, to AI Agents",
    "podcheck": "podcheck's own check (the articles give no figure for it)",
}


@cache
def load_catalogue() -> tuple[Rule, ...]:
    """Every rule shipped with podcheck, sorted by code.

    The rule files are checked once, when podcheck.judge.built_catalogue is built from them
    (python -m podcheck.judge.build_catalogue); a run reads that checked copy while it was
    built from the files as they are, and checks the files themselves otherwise.
    """
    from podcheck.judge import built_catalogue

    sources = rule_sources()
    if sources_digest(sources) == built_catalogue.SOURCES:
        return built_catalogue.RULES
    from podcheck.judge.catalogue import check_catalogue  # only when the files changed

    return check_catalogue(sources)


def rule_sources() -> dict[str, bytes]:
    """The shipped rule files by name, as bytes."""
    # The rule files sit beside the package's __init__ (wheel and editable installs alike);
    # importlib.resources would cost more start-up time than the files take to read.
    folder = Path(str(importlib.import_module("podcheck.rules").__file__)).parent
    return {entry.name: entry.read_bytes() for entry in sorted(folder.glob("*.yaml"))}


def sources_digest(sources: Mapping[str, bytes]) -> str:
    """A fingerprint of the rule files (names, sizes and a CRC of their bytes)."""
    import zlib

    crc = 0
    for name, data in sorted(sources.items()):
        crc = zlib.crc32(data, zlib.crc32(f"{name}\0{len(data)}\0".encode(), crc))
    return f"{len(sources)}:{sum(map(len, sources.values()))}:{crc:08x}"


def with_role(rules: Sequence[Rule], role: str) -> tuple[Rule, ...]:
    """The rules that carry a role, in code order."""
    return tuple(rule for rule in rules if getattr(rule.roles, role))


def role_rule(rules: Sequence[Rule], role: str) -> Rule:
    """The one rule that carries a single-rule role (the catalogue guarantees it)."""
    (rule,) = with_role(rules, role)
    return rule


NotRunReason = Literal["select", "ignore", "config", "no-export"]


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
    # the config's `accounts:` section (podcheck.accounts.export.AccountsConfig)
    accounts: Any = None
    # The config's path when none was named and it was found in a folder above the
    # working directory (every format says so: the bar is not the working directory's).
    found_above: str | None = None

    @property
    def rule_book(self) -> tuple[Rule, ...]:
        return self.book or load_catalogue()

    def without_export(self) -> "Settings":
        """These settings for a run with no account export: the rules that need one are
        not run, and say so; so are those the selection left out, which would not have run
        either (a run without an export does not list them as unselected)."""
        needing = {rule.code for rule in self.rule_book if rule.requires == "accounts"}
        if not needing:
            return self
        kept = tuple(rule for rule in self.rules if rule.code not in needing)
        left_out = [(code, why) for code, why in self.not_run if code not in needing]
        in_force = {rule.code for rule in self.rules}
        not_run_codes = {code for code, _ in self.not_run}
        waiting = [code for code in needing if code in in_force or code in not_run_codes]
        not_run = tuple(sorted((*left_out, *((code, "no-export") for code in waiting))))
        return self._replace(rules=kept, not_run=not_run)

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
                if select is not None and not any(_specificity(rule, s) for s in select)
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
    """The rules that `select` (all when None) and `ignore` leave, decided rule by rule by
    the most specific selector that matches it, as flake8 does.

    A selector is a code (POD103), a code prefix (POD1, POD) or a rule name (csm-load); a
    longer prefix is more specific, a name or full code most of all, and on a tie
    `ignore` wins. So `--select POD1 --ignore POD103` runs POD1 but POD103, and
    `--ignore POD1 --select POD103` runs POD103 alone. A blank selector, one that matches
    no rule (almost certainly a typo), or a selection that leaves no rule is an error:
    a gate that runs nothing would always pass.
    """
    from podcheck.core import inert

    errors = []
    for key, selectors in (("select", select), ("ignore", ignore)):
        for index, selector in enumerate(selectors or ()):
            if not selector.strip():
                message = f"{key}: a blank selector; name a rule code, a code prefix or a name"
                errors.append(config_error(document, (key, index), message))
            elif not any(_specificity(rule, selector) for rule in rules):
                errors.append(
                    config_error(
                        document, (key, index), f"{key}: {inert.excerpt(selector)} matches no rule"
                    )
                )
    if errors:
        raise InputErrors(errors)
    kept = tuple(rule for rule in rules if _kept(rule, select, ignore or ()))
    if not kept:
        where = ("select",) if select is not None else ("ignore",)
        raise InputErrors([config_error(document, where, "the selection leaves no rule to run")])
    return kept


def _kept(rule: Rule, select: Sequence[str] | None, ignore: Sequence[str]) -> bool:
    chosen = 0 if select is None else max((_specificity(rule, s) for s in select), default=0)
    if select is not None and not chosen:
        return False
    left_out = max((_specificity(rule, s) for s in ignore), default=0)
    return chosen > left_out or (select is None and not left_out)


def _specificity(rule: Rule, selector: str) -> int:
    """How closely `selector` names `rule`: 0 when it does not match, else its length (a
    rule's name counts as a full code)."""
    wanted = selector.strip()
    if not wanted:
        return 0
    if rule.name == wanted.lower():
        return len(rule.code)
    return len(wanted) if rule.code.startswith(wanted.upper()) else 0


def config_error(
    document: Document | None, path: source.Path, message: str, key: bool = False
) -> InputError:
    if document is None:
        return InputError("<config>", 1, 1, message)
    return document.error(path, message, key=key)
