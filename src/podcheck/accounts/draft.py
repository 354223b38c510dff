"""An org file drafted from the books: `podcheck init --accounts EXPORT`.

Segments come from the export's segment column, pods from its pod column; each pod's
accounts and ARR are counted from its rows; CSMs and AEs are the distinct names in the owner
columns, each counted once, in their home pod (where they hold the most accounts), so a
segment's pods never hold more people than the segment. ACV is the segment's ARR per
account. Policies are left unanswered, as in the starter file. Every figure carries a
comment that says where it came from, and every name is matched back by
`podcheck evaluate --accounts` (see `measures.label_key`). Rows with an empty pod cell count
in their segment's figures and in none of its pods.

Models: the starter's rollout is a pilot, and a pilot runs in one segment ("pilot in one
segment for one quarter"), so one segment at most is drafted as `pod`: of those whose tier
and ACV fit pods (the `fit` the caller passes: mid-market or enterprise at or above the ACV
floor), the one with the most pods in the export, then the most accounts, then the first in
the export. Every other segment gets the model its tier and ACV fit (swarm for strategic,
named for enterprise under the floor, pool for SMB and lower mid-market); one that fits pods
but is not the pilot keeps the model it would have under the floor (named for enterprise,
pool for mid-market) until the pilot decides. Each model's comment says why.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from podcheck.accounts.measures import books, home_pods, label_key
from podcheck.accounts.tally import Tally, safe_text
from podcheck.core import inert, numbers
from podcheck.core.commands import Invocation, evaluate_command
from podcheck.orgfile.source import resolve_plain

MAX_SLUG = 64
# A segment's tier, guessed from words in its name; the first match wins.
_TIER_WORDS = (
    ("strategic", "strategic"),
    ("enterprise", "enterprise"),
    ("ent", "enterprise"),
    ("smb", "smb"),
    ("small", "smb"),
    ("startup", "smb"),
    ("mid", "mid-market"),
    ("mm", "mid-market"),
    ("commercial", "mid-market"),
    ("growth", "mid-market"),
)


def slug(label: str, taken: set[str], fallback: str, avoid: frozenset[str] = frozenset()) -> str:
    """A slug of `label` not in `taken` (which it joins) nor in `avoid`: lower-case letters,
    digits, '-'."""
    base = "-".join(label_key(label).split())
    base = "".join(c for c in base if c.isascii() and (c.isalnum() or c == "-")).strip("-")
    base = (base or fallback)[: MAX_SLUG - 4].rstrip("-")
    found, n = base, 1
    while found in taken or found in avoid:
        n += 1
        found = f"{base}-{n}"
    taken.add(found)
    return found


def _natural(label: str) -> str:
    """The id a name would have, whole: as evaluate --accounts compares a name with an id."""
    return "-".join(label_key(label).split())


def _prefixed(segment_id: str, label: str) -> str:
    """A pod's name with its segment's id in front, as evaluate --accounts forms it: from
    the name as compared (`ß` is compared as `ss`, which `beta ß` would drop)."""
    return f"{segment_id} {label_key(label)}"


# The org format's longest name: a name is matched back whole, so it is never cut shorter.
MAX_NAME = 2_000


def _text(value: str) -> str:
    """A YAML scalar for a name: JSON's double quotes are YAML's too, and every character
    outside ASCII is escaped, so no control or bidirectional character reaches the file.
    A name holding `##` has its '#' written `\\x23` (YAML reads the same name back), so no
    CI log command (`##[`, `##vso[`) stands in the file for a log that prints it."""
    quoted = json.dumps(value[:MAX_NAME], ensure_ascii=False)
    if not quoted.isascii() or "\x7f" in quoted:
        # JSON's escape of a character past U+FFFF is a surrogate pair, which YAML refuses
        # (an emoji in a segment's name made a draft that did not validate); YAML's own
        # escapes cover every character, and DEL, which YAML does not allow unescaped.
        quoted = "".join(_escaped(c) for c in quoted)
    return quoted.replace("#", "\\x23") if "##" in quoted else quoted


def _escaped(c: str) -> str:
    if c.isascii() and c != "\x7f":
        return c
    return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"


# Words a YAML 1.1 reader (PyYAML, many editors and linters) takes for booleans or null.
_YAML_WORDS = frozenset(("null", "true", "false", "yes", "no", "on", "off", "y", "n"))


def _id(value: str) -> str:
    """An id as the draft writes it: plain when podcheck's reader and any YAML reader read
    it back as the same string, else quoted (a pod named `1`, `null`, `true` or `2024`)."""
    plain = value[:1].isascii() and value[:1].isalpha() and value.lower() not in _YAML_WORDS
    return value if plain and resolve_plain(value) == value else json.dumps(value)


def _shown(value: str) -> str:
    """A value from the export as a comment of the draft gives it."""
    return inert.ci_safe(safe_text(value))


def _money(cents: int | Fraction) -> str:
    """A whole-dollar or cents amount as the org format writes it (never a float)."""
    amount = numbers.normalise(Fraction(cents) / 100)
    if isinstance(amount, int):
        return str(amount)
    rounded = round(Fraction(amount) * 100)
    return f"{rounded // 100}.{rounded % 100:02d}"


def _tier(label: str) -> str | None:
    words = label_key(label).split()
    for word, tier in _TIER_WORDS:
        if any(w == word or (len(word) > 3 and w.startswith(word)) for w in words):
            return tier
    return None


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


# The model a segment fits by tier and ACV, given the ACV floor (metrics' structural fit).
Fit = Callable[[str, Any, Any], str]
# Where a segment that fits pods waits while another segment pilots them.
_WAITING = {"enterprise": "named", "mid-market": "pool", "smb": "pool", "strategic": "swarm"}


def draft(tally_: Tally, starter: str, source: str, fit: Fit, run: str | None = None) -> str:
    """The org file's text. `starter` is the starter file, whose policy questions are kept;
    `source` is the export's name as the comments give it; `fit` gives each segment's model
    from its tier, ACV and the ACV floor; `run` the command that judges the draft against
    the export (default: for an org.yaml, with the export and no --map)."""
    if run is None:
        run = evaluate_command("org.yaml", Invocation(accounts=source))
    groups = books(tally_)
    # (segment key, pod key) -> their labels as first written, and the first row of each.
    segments: dict[str, dict[str, Any]] = {}
    for (segment, pod, ae, csm), (count, cents, _, row, _) in sorted(
        groups.items(), key=lambda kv: kv[1][3]
    ):
        seg = segments.setdefault(
            label_key(segment),
            {
                "label": segment,
                "row": row,
                "pods": {},
                "ae": {},
                "csm": {},
                "people": {"ae": set(), "csm": set()},
                "unpodded": [0, 0],
            },
        )
        for role, person in (("ae", ae), ("csm", csm)):
            if person:
                seg["people"][role].add(person)
        if not pod:  # in no pod: the segment's figures only
            seg["unpodded"][0] += count
            seg["unpodded"][1] += cents
            continue
        entry = seg["pods"].setdefault(
            label_key(pod), {"label": pod, "accounts": 0, "cents": 0, "ae": 0, "csm": 0}
        )
        entry["accounts"] += count
        entry["cents"] += cents
        for role, person in (("ae", ae), ("csm", csm)):
            if person:
                held = seg[role]
                held[(person, label_key(pod))] = held.get((person, label_key(pod)), 0) + count
    floor = numbers.normalise(Fraction(tally_.floor_cents) / 100)
    pilot = _models(list(segments.values()), floor, fit)
    lines = [
        f"# An org file drafted by podcheck from the account export {_shown(source)}.",
        "# Every figure below was counted from the export; each comment says from what.",
        "# Check the tiers and models, answer the policies and each pod segment's hiring plan,",
        "# then run:",
        f"#   {inert.ci_safe(inert.escape(run))}",
    ]
    refused = sum(n for _, n in tally_.refused)
    if refused:
        why = "; ".join(f"{_rows(n)}: {reason}" for reason, n in tally_.refused)
        lines.append(
            f"# INCOMPLETE: {refused:,} of {tally_.data_rows:,} rows were refused ({why}); "
            "they are not counted below."
        )
    if pilot is None:
        lines.append("# No segment's tier and ACV fit pods: none is drafted as a pod segment.")
    lines += _head(starter)
    lines.append("segments:")
    taken: set[str] = set()
    pod_ids: set[str] = set()
    # An id evaluate --accounts would match another segment's name by: no other segment's id
    # may be made, cut or numbered into it (ids are matched before names).
    named = [_natural(seg["label"]) for seg in segments.values()]
    for index, seg in enumerate(segments.values(), 1):
        others = frozenset(named[: index - 1] + named[index:])
        lines += _segment(seg, index, taken, pod_ids, tally_.has_ae, others)[index == 1 :]
    return "\n".join(lines) + "\n"


def _acv(seg: Mapping[str, Any]) -> Fraction:
    """The segment's ACV as the draft writes it: ARR per account, rounded to the cent."""
    accounts = seg["unpodded"][0] + sum(p["accounts"] for p in seg["pods"].values())
    cents = seg["unpodded"][1] + sum(p["cents"] for p in seg["pods"].values())
    return Fraction(round(Fraction(cents, accounts)), 100) if accounts else Fraction(0)


def _models(segments: list[dict[str, Any]], floor: Any, fit: Fit) -> dict[str, Any] | None:
    """Each segment's model and why, set on it; the one pod segment (the pilot), if any."""
    shown_floor = numbers.format_money(floor)
    fitting = []
    for seg in segments:
        tier = _tier(seg["label"]) or "mid-market"
        acv = numbers.normalise(_acv(seg))
        seg["model"] = fit(tier, acv, floor)
        shown = f"{tier} tier with ACV {numbers.format_money(acv)}"
        if seg["model"] == "pod":
            fitting.append((seg, tier, f"{shown}, at or above the {shown_floor} floor"))
        elif seg["model"] == "swarm":
            seg["why"] = "strategic tier: a dedicated CSM who pulls in specialists"
        elif tier == "smb":
            seg["why"] = "SMB tier: a pooled team"
        else:
            seg["why"] = f"{shown}, under the {shown_floor} floor"
    # Most pods, then most accounts, then the first in the export (max keeps the first).
    pilot = max(
        (seg for seg, _, _ in fitting),
        key=lambda s: (
            len(s["pods"]),
            s["unpodded"][0] + sum(p["accounts"] for p in s["pods"].values()),
        ),
        default=None,
    )
    for seg, tier, fits in fitting:
        if pilot is None or seg is pilot:
            seg["why"] = f"{fits}; the pilot segment (of those that fit, the most pods)"
        else:
            seg["model"] = _WAITING[tier]
            seg["why"] = (
                f"{fits}, but a pilot runs in one segment "
                f"({_shown(pilot['label'])}, drafted as pod); this one waits for its decision"
            )
    return pilot


def _head(starter: str) -> list[str]:
    """The starter's lines from `org:` to just before `segments:` (its policy questions)."""
    kept = starter.splitlines()
    start = next(i for i, line in enumerate(kept) if line.startswith("version:"))
    end = next(i for i, line in enumerate(kept) if line.startswith("segments:"))
    return kept[start:end]


def _segment(
    seg: Mapping[str, Any],
    index: int,
    taken: set[str],
    pod_ids: set[str],
    has_ae: bool,
    others: frozenset[str] = frozenset(),
) -> list[str]:
    label = seg["label"]
    pods = seg["pods"]
    unpodded, unpodded_cents = seg["unpodded"]
    accounts = unpodded + sum(p["accounts"] for p in pods.values())
    cents = unpodded_cents + sum(p["cents"] for p in pods.values())
    for role in ("ae", "csm"):
        for _, pod in home_pods(seg[role]).items():
            pods[pod][role] += 1
    ae, csm = len(seg["people"]["ae"]), len(seg["people"]["csm"])
    tier = _tier(label)
    model = seg["model"]
    shown = _shown(label)
    segment_id = slug(label, taken, f"segment-{index}", others)
    arr = numbers.format_money(numbers.normalise(Fraction(cents) / 100))
    lines = [
        "",
        f"  # From {_rows(accounts)} whose segment is '{shown}' (first at row {seg['row']:,}).",
        f"  - id: {_id(segment_id)}",
        f"    name: {_text(label)}",
        f"    tier: {tier or 'mid-market'}"
        + ("" if tier else "           # DECIDE: the export's name does not tell the tier"),
        f"    model: {model}   # proposed: {seg['why']}",
        f"    acv: {_money(Fraction(cents, accounts) if accounts else 0)}"
        f"   # ARR per account: {arr} over {accounts:,} accounts, rounded to the cent",
        f"    accounts: {accounts}     # rows of this segment",
        f"    headcount: {{ae: {ae}, csm: {csm}}}   # distinct names in the "
        + ("AE and CSM owner columns" if has_ae else "CSM owner column (no AE column: write AEs)"),
    ]
    if model == "pod":
        # The export says who is here, not who will be hired: a pace the rules judge
        # (POD203, POD204) is the team's to write, and unwritten it is no-go.
        lines += [
            "    # DECIDE: the hires planned over the next 12 months; the pods are judged on",
            "    # the AE:CSM ratio they make month by month. Uncomment and write your own:",
            "    # hiring_plan: {ae: 0, csm: 0}   # no hires: today's ratio holds all year",
        ]
    if unpodded:
        lines.append(
            f"    # {_rows(unpodded)} with an empty pod cell: counted above, in no pod below"
        )
    if pods:
        lines.append(
            "    pods:                     # from the pod column; people counted in their home pod"
        )
    # What evaluate --accounts matches each pod's CRM name by, before any pod's `name`: the
    # id it would have, and that id with the segment's in front.
    said_by = [
        {_natural(pod["label"]), _natural(_prefixed(segment_id, pod["label"]))}
        for pod in pods.values()
    ]
    for number, pod in enumerate(pods.values(), 1):
        # Pod ids are unique in the file; a name another segment took gets this segment's id
        # in front, which evaluate --accounts matches too, where both fit in an id.
        pod_label = pod["label"]
        plain = _natural(pod_label)
        if plain in pod_ids and len(segment_id) + 1 + len(plain) <= MAX_SLUG - 4:
            pod_label = _prefixed(segment_id, pod_label)
        # An id made up, cut or numbered must not be one another pod's name is matched by.
        others = frozenset().union(*said_by[: number - 1], *said_by[number:])
        pod_id = slug(pod_label, pod_ids, f"{segment_id}-pod-{number}", others)
        # An id cut to the format's length, numbered apart or made up for a name of no Latin
        # letters does not say the CRM's name: the pod's `name` does, for evaluate --accounts.
        name = "" if pod_id in said_by[number - 1] else f", name: {_text(pod['label'])}"
        lines.append(
            f"      - {{id: {_id(pod_id)}{name}, ae: {pod['ae']}, csm: {pod['csm']}, "
            f"accounts: {pod['accounts']}, arr: {_money(pod['cents'])}}}"
            f"   # pod '{_shown(pod['label'])}': {_rows(pod['accounts'])}"
        )
    return lines
