"""Input errors: each is one located line naming what was expected; valid forms load."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

from conftest import FIXTURES
from podcheck.core.errors import InputErrors
from podcheck.orgfile import source
from podcheck.orgfile.loader import load_org
from podcheck.orgfile.model import HiringTotals

NEGATIVE = sorted((FIXTURES / "negative").glob("*.yaml"))
POSITIVE = sorted((FIXTURES / "positive").glob("*.yaml"))


def errors_of(path: str, text: str) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        load_org(path, text)
    return [str(error) for error in caught.value.errors]


@pytest.mark.parametrize("fixture", NEGATIVE, ids=lambda p: p.stem)
def test_negative_fixture_gives_its_expected_error(fixture: Path):
    text = fixture.read_text(encoding="utf-8")
    location, message = text.splitlines()[0].removeprefix("# expect: ").split(": ", 1)
    errors = errors_of("org.yaml", text)
    expected = f"org.yaml:{location}: error: {message}"
    assert any(error.startswith(expected) for error in errors), errors
    for error in errors:
        assert "\n" not in error
        assert error.startswith("org.yaml:") and ": error: " in error


@pytest.mark.parametrize("fixture", POSITIVE, ids=lambda p: p.stem)
def test_positive_fixture_loads(fixture: Path):
    loaded = load_org(str(fixture), fixture.read_text(encoding="utf-8"))
    assert loaded.org.version == 1


def test_accepted_forms_have_exact_values():
    org = load_org("f.yaml", (FIXTURES / "positive" / "forms.yaml").read_text()).org
    strategic, mid, tail, cohort = org.segments
    assert org.org.name == "2026-01-15"  # a date-like scalar stays text
    assert (cohort.accounts, cohort.headcount.ae) == (1234, 1000)  # separators in counts
    assert cohort.pods is not None and cohort.pods[0].pilot is True
    assert [s.months_ago for s in cohort.history or ()] == [3, 12]
    assert strategic.acv == 1_200_000
    assert mid.acv == Fraction("85000.50")
    assert tail.acv == 1500
    assert mid.pilot_results.renewal_forecast_accuracy_pct.pilot == 0
    assert mid.pilot_results.time_to_first_value_days.pilot == Fraction("30.5")
    assert strategic.hires_next_12_months == (0, 0)  # month 13 is beyond the year
    assert isinstance(mid.hiring_plan, HiringTotals)


def test_digits_of_other_scripts_are_not_read_as_numbers():
    """`"$৪৪K"` is Bengali 44, which reads as 88 to a reviewer: only 0-9 make a number."""
    base = (FIXTURES / "positive" / "forms.yaml").read_text()
    for written, field in (('"$৪৪K"', "acv"), ('"১,১১২"', "accounts")):
        text = re.sub(rf"(?m)^(    {field}: ).*$", rf"\g<1>{written}", base, count=1)
        assert text != base
        (error,) = errors_of("f.yaml", text)
        assert f"{field}: expected" in error and written.strip('"') in error


def test_not_utf8_points_at_the_byte():
    raw = b"version: 1\norg:\n  name: caf\xe9\n"
    with pytest.raises(InputErrors) as caught:
        source.decode(raw, "org.yaml")
    assert str(caught.value.errors[0]) == "org.yaml:3:12: error: file is not UTF-8 text (byte 0xe9)"


def test_utf8_bom_is_accepted():
    text = source.decode(b"\xef\xbb\xbfversion: 1\n", "org.yaml")
    assert source.parse(text, "org.yaml").data == {"version": 1}


def test_an_export_named_as_the_org_file_is_pointed_at_accounts():
    header = "Account,ARR,Segment,Pod,CSM\nAcme,40000,mm,p1,Dana\n"
    expected = "expected a mapping at the top level, got a single value"
    assert errors_of("books.csv", header) == [
        f"books.csv:1:1: error: {expected}; an account export is read with --accounts EXPORT"
    ]
    assert errors_of("books.yaml", header) == [f"books.yaml:1:1: error: {expected}"]


def test_control_character_is_an_error():
    errors = errors_of("org.yaml", "version: 1\norg: {name: \x07}\n")
    assert errors[0].startswith("org.yaml:2:")
    assert "invalid YAML" in errors[0]


def test_unreadable_paths(tmp_path):
    with pytest.raises(InputErrors) as missing:
        load_org(str(tmp_path / "nope.yaml"))
    assert str(missing.value.errors[0]).endswith("nope.yaml:1:1: error: no such file")
    with pytest.raises(InputErrors) as folder:
        load_org(str(tmp_path))
    assert "is a directory" in str(folder.value.errors[0])


def test_file_size_limit(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 100 + b"\n")
    with pytest.raises(InputErrors) as caught:
        source.read_bytes(str(big), max_bytes=50)
    assert "larger than the 50-byte limit" in str(caught.value)


@pytest.mark.parametrize("opener, closer", [("[", "]"), ("{a: ", "}")])
def test_pathological_nesting_is_refused_without_recursion(opener, closer):
    # Far past the depth at which PyYAML's recursive composer overflows the C stack.
    text = "version: " + opener * 50_000 + "1" + closer * 50_000
    errors = errors_of("org.yaml", text)
    # The contract, whichever layer refuses first (podcheck's builder, or libyaml's own
    # limit in PyYAML 6.0.4 and later): one located line on the first line, in podcheck's
    # words.
    assert len(errors) == 1
    located = re.fullmatch(r"org\.yaml:1:(\d+): error: (.*)", errors[0])
    assert located, errors
    assert 1 <= int(located[1]) <= len(text)
    assert located[2] == "nesting deeper than 12 levels; no org file needs that"


def test_block_nesting_is_refused():
    text = "version: 1\n" + "".join("  " * i + f"k{i}:\n" for i in range(40))
    errors = errors_of("org.yaml", text)
    assert "nesting deeper than 12 levels" in errors[0]


def test_billion_laughs_is_refused_at_the_first_anchor():
    text = 'a: &a ["lol","lol"]\nb: &b [*a,*a]\nc: &c [*b,*b]\n'
    assert errors_of("org.yaml", text) == [
        "org.yaml:1:4: error: anchor '&a' is not allowed; write the value out"
    ]


def test_several_errors_are_all_reported_in_file_order():
    text = (FIXTURES / "negative" / "unknown-key.yaml").read_text()
    errors = errors_of("org.yaml", text)
    assert errors == sorted(errors, key=lambda e: tuple(int(x) for x in e.split(":")[1:3]))
    assert len(errors) == 2


def test_resolve_plain_keeps_yaml11_forms_as_text():
    for text in ("yes", "no", "on", "off", "010", "0x1F", "1:30", "2026-01-15", "1e3", ".inf"):
        assert source.resolve_plain(text) == text
    assert source.resolve_plain("true") is True
    assert source.resolve_plain("~") is None
    assert source.resolve_plain("0") == 0
    assert source.resolve_plain("-2") == -2
    assert source.resolve_plain("1.20") == Fraction(6, 5)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("version: 1\norg:\n\tname: x\n", "3:1"),  # libyaml: "cannot start any token"
        ("version: 1\norg:\n  name: x\n  \trollout: pilot\n", "4:3"),
    ],
)
def test_a_tab_that_indents_is_named(text, where):
    assert errors_of("org.yaml", text) == [
        f"org.yaml:{where}: error: invalid YAML: a tab, where YAML indents with spaces only; "
        "indent with spaces"
    ]
