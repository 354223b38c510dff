"""Build podcheck.judge.built_catalogue, the checked rule catalogue a run reads.

    python -m podcheck.judge.build_catalogue

Run it after changing rules/*.yaml (a test fails until you do). It checks the rule files as
every run once did and writes the rules as Python, so that a run neither parses nor checks
the YAML; a run whose rule files differ from the ones it was built from checks the files.
"""

import sys
from pathlib import Path

from podcheck.judge.catalogue import check_catalogue
from podcheck.judge.rule import Rule
from podcheck.judge.rulebook import rule_sources, sources_digest

TARGET = Path(__file__).with_name("built_catalogue.py")

_HEADER = '''\
"""The rule catalogue, checked: generated from rules/*.yaml, do not edit.

Regenerate it with: python -m podcheck.judge.build_catalogue
"""

from fractions import Fraction

from podcheck.judge.rule import PlanRole, Roles, Rule

__all__ = ["RULES", "SOURCES"]

# The rule files this was built from (podcheck.judge.rulebook.sources_digest).
SOURCES = {sources!r}
'''


def render(rules: tuple[Rule, ...], digest: str) -> str:
    """The module's text: each rule as the constructor call that makes it."""
    lines = [_HEADER.format(sources=digest), "RULES: tuple[Rule, ...] = ("]
    lines.extend(f"    {rule!r}," for rule in rules)
    lines.append(")")
    return "\n".join(lines) + "\n"


def build() -> str:
    """The module's text for the rule files as they are now (their errors raise)."""
    sources = rule_sources()
    return render(check_catalogue(sources), sources_digest(sources))


def main() -> int:
    from podcheck.core.errors import InputErrors

    try:
        text = build()
    except InputErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        return 2
    if TARGET.exists() and TARGET.read_text(encoding="utf-8") == text:
        print(f"{TARGET.name} is up to date")
    else:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
