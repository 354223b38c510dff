"""The block reader gives exactly what libyaml gives (values, places, and the file's
errors, which libyaml reports), or leaves the file to libyaml; a typical run never
imports PyYAML."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT
from podcheck.core.errors import InputErrors
from podcheck.orgfile import block, events, source

EVERY_YAML = sorted(
    path
    for folder in ("examples", "tests", "rules")
    for path in (ROOT / folder).rglob("*.y*ml")
    if path.is_file()
)


def _read(parse, text: str):
    """What a reader makes of `text`, in a form two readers can be compared by."""
    try:
        document = parse(text, "org.yaml")
    except InputErrors as exc:
        return ("error", str(exc))
    places = [
        (path, mark.line, mark.column, key and (key.line, key.column), raw, plain)
        for path, (mark, key, raw, plain) in document.places.items()
    ]
    return ("ok", repr(document.data), places)


def _agree(text: str) -> bool:
    """Whether both readers agree on `text`; True when the block reader read it itself."""
    assert _read(source.parse, text) == _read(events.parse, text), text
    return block.read(text, "org.yaml") is not None


def test_every_yaml_file_in_the_repository_reads_the_same():
    assert len(EVERY_YAML) > 20
    for path in EVERY_YAML:
        _agree(path.read_text(encoding="utf-8"))


TYPICAL = """\
# A team's org file
version: 1
org:
  name: Benchmark Org 7
  rollout: pilot   # the first wave
policies:
  renewal_ownership:
    written: true
    process_owner: 'csm'
    commercial_owner: "ae"
  comp:
    ae_metrics:
      - new_arr
      - nrr
segments:
- id: mid-market
  acv: $40K
  accounts: 1,200

  pods:
  - id: p-1
    arr: 1.2M
    pilot: false
  - id: p-2
    ae: -1
    csm: 010
"""


def test_a_typical_file_is_read_by_the_block_reader_with_libyaml_s_places():
    assert _agree(TYPICAL)
    document = block.read(TYPICAL, "org.yaml")
    assert document is not None
    assert document.data["segments"][0]["pods"][1] == {"id": "p-2", "ae": -1, "csm": "010"}
    assert document.node(("org", "rollout")) == source.Node(5, 12, 5, 3, "pilot", True)
    assert document.node(("policies", "renewal_ownership", "commercial_owner")).plain is False


LEFT_TO_LIBYAML = [
    "a: [1, [2]]\n",
    "a: {b: [1]}\n",
    "a: {b: 1,\n  c: 2}\n",
    "a: [1, 2,]\n",
    "a: {b:1}\n",
    "a: {b: 1, b: 2}\n",
    "a: ['x, y']\n",
    "a: [x: 1]\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "<<: 1\n",
    "a: 1\na: 2\n",
    "a:\nb: 1\n",
    "a: b\n  c\n",
    "---\na: 1\n",
    "a: 1\n...\n",
    "%YAML 1.1\n---\na: 1\n",
    "a:\tb\n",
    "a: b\r\nc: d\r\n",
    "a: caf\u00e9\n",
    "a: 'it''s'\n",
    'a: "x\\ty"\n',
    "a: |\n  x\n",
    "a: 1:30\n",
    "- - 1\n",
    "-\n  a: 1\n",
    "x\n",
    "",
    "# only a comment\n",
    "a: 1\n  b: 2\n",
    "a:\n  - 1\n b: 2\n",
    "a: 1 #c\n#d\nb: 'x' y\n",
    "? a\n: 1\n",
    "a: -\n",
    "a: @x\n",
]


@pytest.mark.parametrize("text", LEFT_TO_LIBYAML)
def test_other_forms_are_left_to_libyaml(text):
    assert not _agree(text)


def test_nesting_and_size_limits_are_left_to_libyaml():
    deep = "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(14)) + "  " * 14 + "v: 1\n"
    assert not _agree(deep)
    assert block.read("a: 1\n" * (source.MAX_VALUES // 2 + 1), "org.yaml") is None


_WORDS = ["a", "yes", "1", "0", "-3", "010", "1.5", "true", "~", "null", "x y", "$40K", "1.2M"]
_WORDS += ["R&D", "a, b", "it's", "a  b", "'q'", '"q"', "''", "a#b", "+1", ".5", "(x)", "1e5"]
_WORDS += ["0x1F", "1:30", "a [b]", "x # note", "12345678901234567", "-x", "@x", "caf\u00e9"]


def _flow(data) -> str | None:
    """`data` written on one line when it holds only words."""
    if isinstance(data, list) and all(isinstance(v, str) for v in data):
        return "[" + ", ".join(data) + "]"
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
        return "{" + ", ".join(f"{k}: {v}" for k, v in data.items()) + "}"
    return None


def _write(data, indent: int, step: int, list_step: int, out: list[str], rng) -> None:
    space = " " * indent
    if isinstance(data, dict):
        for key, value in data.items():
            flow = _flow(value) if rng.random() < 0.5 else None
            if flow is not None:
                out.append(f"{space}{key}: {flow}{rng.choice(['', '', '  # c'])}")
            elif isinstance(value, (dict, list)):
                out.append(f"{space}{key}:{rng.choice(['', '', '  # c'])}")
                child = indent + (list_step if isinstance(value, list) else step)
                _write(value, child, step, list_step, out, rng)
            else:
                out.append(f"{space}{key}:{' ' * rng.choice([1, 1, 2])}{value}")
        return
    for value in data:
        flow = _flow(value) if rng.random() < 0.5 else None
        if flow is not None:
            out.append(f"{space}- {flow}")
        elif isinstance(value, dict):
            lines: list[str] = []
            _write(value, indent + 2, step, list_step, lines, rng)
            out.append(f"{space}- {lines[0][indent + 2 :]}")
            out.extend(lines[1:])
        else:
            out.append(f"{space}- {value if isinstance(value, str) else rng.choice(_WORDS)}")


def _data(rng, depth: int = 1):
    roll = rng.random()
    if depth > 4 or roll < 0.4:
        return rng.choice(_WORDS)
    if roll < 0.75:
        keys = ["id", "ae", "csm", "name", "k_1", "a-b"]
        return {f"{rng.choice(keys)}{i}": _data(rng, depth + 1) for i in range(rng.randint(1, 4))}
    return [_data(rng, depth + 1) for _ in range(rng.randint(1, 4))]


_EDITS = ["&a ", "*a", "!x ", "\n", ":", "- ", "  ", "[", "{", "#", " # c", "\t", "'", '"', ","]
_EDITS += ["]", "}", ": ", ", "]
_EDITS += ["\n  ", "\n- ", "-", "?", "|", ":\n", "\r", "---\n", "\u2028", "\x85"]


# 3,000 generated texts: slow. The quick subset compares every YAML file in the repository
# and the forms listed above.
@pytest.mark.slow
def test_generated_files_read_the_same():
    rng = random.Random(2026)
    taken = 0
    for _ in range(1500):
        lines: list[str] = []
        data = {f"top{i}": _data(rng) for i in range(rng.randint(1, 3))}
        _write(data, 0, rng.choice([2, 4]), rng.choice([0, 2]), lines, rng)
        text = "\n".join(lines) + "\n"
        if rng.random() < 0.3:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(_EDITS) + text[at:]
        taken += _agree(text)
        dumped = yaml.safe_dump(data, sort_keys=False, default_flow_style=rng.choice([False, None]))
        taken += _agree(dumped)
    assert taken > 500  # the block reader took a good share: the comparison means something


def test_a_run_on_a_block_style_file_does_not_import_pyyaml():
    code = (
        "import sys\n"
        "from podcheck.orgfile import source\n"
        f"source.parse({TYPICAL!r}, 'org.yaml')\n"
        "print('yaml' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_lines_read_before_give_the_same_values_and_fresh_containers():
    """A run reads each distinct short line once (block._LINES): a file read again, after
    other files, gives what libyaml gives, and its lists and mappings are its own."""
    first = block.read(TYPICAL, "a.yaml")
    second = block.read(TYPICAL, "b.yaml")
    assert first is not None and second is not None
    assert second.data == first.data and second.places == first.places
    first.data["org"]["name"] = "changed"
    assert second.data["org"]["name"] == "Benchmark Org 7"
    shifted = "# one more line on top\n" + TYPICAL
    assert _agree(shifted)  # the same lines one line lower: marks move with them


def test_the_lines_remembered_are_bounded():
    text = "".join(f"k{n}: {n}\n" for n in range(block._LINES_KEPT + 100))
    assert block.read(text, "org.yaml") is not None
    assert len(block._LINES) <= block._LINES_KEPT
    long_line = "note: " + "x" * block._LINE_REMEMBERED + "\n"
    assert block.read(long_line, "org.yaml") is not None
    assert long_line.rstrip("\n") not in block._LINES
