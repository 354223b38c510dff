"""The quick checks in front of `json_safe` and `ci_safe` change nothing: every unsafe
character and command is still escaped, wherever it stands in a long document."""

from __future__ import annotations

import random

import pytest

from podcheck.core import inert

UNSAFE = (
    [chr(c) for c in [*range(0x00, 0x09), 0x09, *range(0x0B, 0x20), *range(0x7F, 0xA0)]]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029", "\ufffe", "\uffff", "\ud800", "\udfff"]
    + [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
)
HARMLESS = ["a", " ", "\n", "é", "≤", "—", "\u00a0", "😀", '"', "\\", ":", "#", "["]


def _json_reference(document: str) -> str:
    escaped = inert._UNSAFE["\n"].sub(lambda m: f"\\u{ord(m.group()):04x}", document)
    return inert._ANYWHERE_COMMAND.sub(r"##\1\\u005b", escaped)


def _ci_reference(text: str) -> str:
    text = inert._ANYWHERE_COMMAND.sub(r"## \1[", text)
    return inert._LINE_COMMAND.sub(r"\1: ", text)


@pytest.mark.parametrize("char", UNSAFE, ids=lambda c: f"U+{ord(c):04X}")
def test_json_safe_escapes_one_unsafe_character_in_a_long_document(char):
    body = '{"name": "' + "plain text ≤ 5 " * 2000
    document = body + char + body + '"}\n'
    escaped = inert.json_safe(document)
    assert char not in escaped
    assert escaped == _json_reference(document)
    # The JSON report is made inert as UTF-8 bytes, with the same result.
    encoded = document.encode("utf-8", "surrogatepass")
    assert inert.json_safe_utf8(encoded) == escaped.encode("utf-8", "surrogatepass")


def test_json_safe_agrees_with_the_pattern_on_random_documents():
    rng = random.Random(7)
    for _ in range(300):
        pool = HARMLESS + (UNSAFE if rng.random() < 0.5 else []) + ["##[", "##vso[", "::"]
        document = "".join(rng.choice(pool) for _ in range(rng.randint(0, 300)))
        assert inert.json_safe(document) == _json_reference(document)
        assert inert.json_safe_utf8(document.encode("utf-8", "surrogatepass")) == (
            _json_reference(document).encode("utf-8", "surrogatepass")
        )
        assert inert.ci_safe(document) == _ci_reference(document)


def test_ci_safe_breaks_line_commands_and_leaves_other_text_alone():
    text = "ok: fine\n  ::warning::x\n\x1b[31m::error::y\nno command here: a: b\n"
    assert inert.ci_safe(text) == _ci_reference(text)
    assert "\n  : :warning" in inert.ci_safe(text)
    plain = "a: b\nc : d\n"
    assert inert.ci_safe(plain) is plain
