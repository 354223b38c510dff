"""Making output inert: nothing from an input file can act on what reads the output.

Org files, configs and file names come from the person being gated, and every output may
end up in a terminal or a CI log. One table says which characters are never written as
they are: C0 and C1 controls (ESC, NUL, CR...), DEL, bidirectional overrides and
isolates, line and paragraph separators, the invisible zero-width space, word joiner and
byte-order mark (which make `Priya\\u200bShah` look like `Priya Shah`), the non-characters
U+FFFE/U+FFFF and lone surrogates (undecodable file-name bytes). The zero-width joiner and
non-joiner stay: scripts and emoji need them. `escape` writes them as visible escapes
(`\\x1b`, `\\u202e`); each format calls it and adds its own escaping on top.

CI runners also obey workflow commands: GitHub's runner acts on `::name` at the start
of a line and on `##[name` anywhere in one, Azure Pipelines on `##vso[` anywhere (in any
case), on stdout and stderr alike. `ci_safe` breaks all three in a finished text; JSON
documents use `json_safe`, which escapes the same characters the JSON way and so keeps the
data unchanged.
"""

import re
from collections.abc import Iterable

# Tab and newline are kept only where a format allows them (`keep`).
_UNSAFE_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"
)
_UNSAFE = {
    "": re.compile(f"[\t\n{_UNSAFE_CLASS}]"),
    "\n": re.compile(f"[\t{_UNSAFE_CLASS}]"),
    "\n\t": re.compile(f"[{_UNSAFE_CLASS}]"),
}
# The runner trims every Unicode blank (.NET's TrimStart: no-break and em spaces, U+3000...)
# before it looks for `::`: any of them, or colour codes, may stand in front.
_LINE_COMMAND = re.compile(r"^((?:[^\S\n]|\x1b\[[0-9;]*m)*):(?=:)", re.MULTILINE)
# `##[` (GitHub) and `##vso[` (Azure Pipelines, case-insensitive) act anywhere in a line.
_ANYWHERE_COMMAND = re.compile(r"##((?:vso)?)\[", re.IGNORECASE)


_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str, keep: str = "") -> str:
    """`text` with every unsafe character written as a visible escape.

    `keep` is "" (one line: tab and newline escaped too), "\\n" or "\\n\\t".
    """
    pattern = _UNSAFE[keep]
    if text.isascii() and text.isprintable():  # the common case: nothing to do
        return text
    return pattern.sub(_escaped, text)


def unsafe(text: str, keep: str = "") -> bool:
    """Whether `text` holds a character that `escape` would change."""
    if text.isascii() and text.isprintable():
        return False
    return _UNSAFE[keep].search(text) is not None


def ci_safe(text: str) -> str:
    """A finished text in which no line can be read as a workflow command.

    `::` at the start of a line (after blanks of any kind or colour codes) becomes `: :`; `##[` and
    `##vso[` anywhere become `## [` and `## vso[`.
    """
    if "##" in text:
        text = _ANYWHERE_COMMAND.sub(r"## \1[", text)
    if "::" not in text:  # a line command needs two colons together
        return text
    return _LINE_COMMAND.sub(r"\1: ", text)


def plain(text: str, keep: str = "\n\t") -> str:
    """A finished plain-text document (text, Markdown, XML, HTML) made inert."""
    return ci_safe(escape(text, keep))


# Printable ASCII and the line break, which JSON documents keep as they are.
_JSON_PLAIN = bytes(range(0x20, 0x7F)) + b"\n"
_ANYWHERE_COMMAND_UTF8 = re.compile(rb"##((?:vso)?)\[", re.IGNORECASE)


def json_safe(document: str) -> str:
    """A serialised JSON document with unsafe characters, `##[` and `##vso[` escaped the
    JSON way.

    They can only stand inside strings, where `\\uXXXX` means the same character, so the
    data is unchanged.
    """
    return json_safe_utf8(document.encode("utf-8", "surrogatepass")).decode(
        "utf-8", "surrogatepass"
    )


def json_safe_utf8(document: bytes) -> bytes:
    """`json_safe` for a document already encoded in UTF-8 (lone surrogates allowed)."""
    # A report of many files runs to megabytes, nearly all printable ASCII: only the
    # characters left once those are taken out (a few) are searched for unsafe ones.
    rest = document.translate(None, _JSON_PLAIN)
    if rest and _UNSAFE["\n"].search(rest.decode("utf-8", "surrogatepass")):
        text = document.decode("utf-8", "surrogatepass")
        text = _UNSAFE["\n"].sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        document = text.encode("utf-8", "surrogatepass")
    # `#` is rare in a report: looking for it alone is cheaper than for the pair.
    if b"#" not in document or b"##" not in document:
        return document
    return _ANYWHERE_COMMAND_UTF8.sub(rb"##\1\\u005b", document)


def lines(rows: Iterable[str]) -> str:
    """One-line rows joined into a finished text: each row's unsafe characters escaped
    (so a value cannot start a line of its own), then `ci_safe`."""
    return ci_safe("".join(escape(row) + "\n" for row in rows))


EXCERPT_CHARS = 40


def excerpt(value: str, limit: int = EXCERPT_CHARS) -> str:
    """A value quoted in a message: at most `limit` characters of it, escaped, in quotes.

    Errors never echo more of a file than this, so a file that is not an org file (a key,
    a password file reached through a link) cannot be printed through them.
    """
    short = value[:limit] + ("…" if len(value) > limit else "")
    return "'" + escape(short) + "'"
