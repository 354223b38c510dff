"""The checked rule catalogue a run reads (podcheck.judge.built_catalogue) is the rule files,
checked, exactly; a run whose rule files changed since it was built checks the files."""

from __future__ import annotations

import pytest

from podcheck.core.errors import InputErrors
from podcheck.judge import build_catalogue, built_catalogue, catalogue, rulebook

REGENERATE = (
    "src/podcheck/judge/built_catalogue.py was built from other rule files than rules/*.yaml; "
    "regenerate it with: python -m podcheck.judge.build_catalogue"
)


def test_the_built_catalogue_is_the_rule_files_checked():
    sources = rulebook.rule_sources()
    if rulebook.sources_digest(sources) != built_catalogue.SOURCES:
        pytest.fail(REGENERATE)
    if build_catalogue.TARGET.read_text(encoding="utf-8") != build_catalogue.build():
        pytest.fail(REGENERATE)
    assert catalogue.check_catalogue(sources) == built_catalogue.RULES


def test_a_run_reads_the_built_catalogue():
    assert rulebook.load_catalogue() is built_catalogue.RULES, REGENERATE


def _changed(sources: dict[str, bytes], old: bytes, new: bytes) -> dict[str, bytes]:
    (name,) = [name for name, data in sources.items() if old in data]
    return {**sources, name: sources[name].replace(old, new, 1)}


def test_changed_rule_files_are_checked_instead(monkeypatch):
    sources = rulebook.rule_sources()
    edited = _changed(sources, b"threshold: 30000\n", b"threshold: 31000\n")
    monkeypatch.setattr(rulebook, "rule_sources", lambda: edited)
    rules = rulebook.load_catalogue.__wrapped__()
    assert rules is not built_catalogue.RULES
    (floor,) = [rule for rule in rules if rule.roles.acv_floor]
    assert floor.threshold == 31000


def test_a_broken_rule_file_is_refused_not_read_from_the_built_copy(monkeypatch):
    sources = rulebook.rule_sources()
    broken = _changed(sources, b"metric: acv\n", b"metric: no-such-metric\n")
    monkeypatch.setattr(rulebook, "rule_sources", lambda: broken)
    with pytest.raises(InputErrors) as raised:
        rulebook.load_catalogue.__wrapped__()
    assert any("unknown metric 'no-such-metric'" in str(e) for e in raised.value.errors)


def test_the_digest_sees_a_renamed_file_and_a_changed_byte():
    sources = rulebook.rule_sources()
    digest = rulebook.sources_digest(sources)
    name = sorted(sources)[0]
    renamed = {**{k: v for k, v in sources.items() if k != name}, "z" + name: sources[name]}
    flipped = {**sources, name: sources[name][:-1] + b"#"}
    assert rulebook.sources_digest(renamed) != digest
    assert rulebook.sources_digest(flipped) != digest
