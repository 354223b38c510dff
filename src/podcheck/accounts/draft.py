"""An org file drafted from the books: `podcheck init --accounts EXPORT`.

Segments come from the export's segment column, pods from its pod column; each pod's
accounts and ARR are counted from its rows; CSMs and AEs are the distinct names in the owner
columns, each counted once, in their home pod (where they hold the most accounts), so a
segment's pods never hold more people than the segment. ACV is the segment's ARR per
account. Policies are left unanswered, as in the starter file. Every figure carries a
comment that says where it came from, and every name is matched back by
`podcheck evaluate --accounts` (see `measures.label_key`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from podcheck.accounts.measures import books, home_pods, label_key
from podcheck.accounts.tally import Tally, safe_text
from podcheck.core import numbers

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


def slug(label: str, taken: set[str], fallback: str) -> str:
    """A slug of `label` not in `taken` (which it joins): lower-case letters, digits, '-'."""
    base = "-".join(label_key(label).split())
    base = "".join(c for c in base if c.isascii() and (c.isalnum() or c == "-")).strip("-")
    base = (base or fallback)[: MAX_SLUG - 4].rstrip("-")
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    taken.add(found)
    return found


# Display names are cut here (the org format allows 2,000 characters); matching uses the id.
MAX_NAME = 200


def _text(value: str) -> str:
    """A YAML scalar for a name: JSON's double quotes are YAML's too, and every character
    outside ASCII is escaped, so no control or bidirectional character reaches the file."""
    return json.dumps(value[:MAX_NAME], ensure_ascii=True)


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


def draft(tally_: Tally, starter: str, source: str) -> str:
    """The org file's text. `starter` is the starter file, whose policy questions are kept;
    `source` is the export's name as the comments give it."""
    groups = books(tally_)
    # (segment key, pod key) -> their labels as first written, and the first row of each.
    segments: dict[str, dict[str, Any]] = {}
    for (segment, pod, ae, csm), (count, cents, _, row, _) in sorted(
        groups.items(), key=lambda kv: kv[1][3]
    ):
        seg = segments.setdefault(
            label_key(segment), {"label": segment, "row": row, "pods": {}, "ae": {}, "csm": {}}
        )
        entry = seg["pods"].setdefault(
            label_key(pod), {"label": pod, "accounts": 0, "cents": 0, "ae": 0, "csm": 0}
        )
        entry["accounts"] += count
        entry["cents"] += cents
        for role, person in (("ae", ae), ("csm", csm)):
            if person:
                held = seg[role]
                held[(person, label_key(pod))] = held.get((person, label_key(pod)), 0) + count
    lines = [
        f"# An org file drafted by podcheck from the account export {safe_text(source)}.",
        "# Every figure below was counted from the export; each comment says from what.",
        "# Check the tiers and models, answer the policies, then run:",
        f"#   podcheck evaluate org.yaml --accounts {safe_text(source)}",
    ]
    refused = sum(n for _, n in tally_.refused)
    if refused:
        why = "; ".join(f"{_rows(n)}: {reason}" for reason, n in tally_.refused)
        lines.append(
            f"# INCOMPLETE: {refused:,} of {tally_.data_rows:,} rows were refused ({why}); "
            "they are not counted below."
        )
    lines += _head(starter)
    lines.append("segments:")
    taken: set[str] = set()
    pod_ids: set[str] = set()
    for index, seg in enumerate(segments.values(), 1):
        lines += _segment(seg, index, taken, pod_ids, tally_.has_ae)[index == 1 :]
    return "\n".join(lines) + "\n"


def _head(starter: str) -> list[str]:
    """The starter's lines from `org:` to just before `segments:` (its policy questions)."""
    kept = starter.splitlines()
    start = next(i for i, line in enumerate(kept) if line.startswith("version:"))
    end = next(i for i, line in enumerate(kept) if line.startswith("segments:"))
    return kept[start:end]


def _segment(
    seg: Mapping[str, Any], index: int, taken: set[str], pod_ids: set[str], has_ae: bool
) -> list[str]:
    label = seg["label"]
    pods = seg["pods"]
    accounts = sum(p["accounts"] for p in pods.values())
    cents = sum(p["cents"] for p in pods.values())
    for role in ("ae", "csm"):
        for _, pod in home_pods(seg[role]).items():
            pods[pod][role] += 1
    ae, csm = len({p for p, _ in seg["ae"]}), len({p for p, _ in seg["csm"]})
    tier = _tier(label)
    model = "pool" if tier == "smb" else "pod"
    shown = safe_text(label)
    segment_id = slug(label, taken, f"segment-{index}")
    arr = numbers.format_money(numbers.normalise(Fraction(cents) / 100))
    lines = [
        "",
        f"  # From {_rows(accounts)} whose segment is '{shown}' (first at row {seg['row']:,}).",
        f"  - id: {segment_id}",
        f"    name: {_text(label)}",
        f"    tier: {tier or 'mid-market'}"
        + ("" if tier else "           # DECIDE: the export's name does not tell the tier"),
        f"    model: {model}                # proposed: pod | pool | swarm | named | ai-agent",
        f"    acv: {_money(Fraction(cents, accounts) if accounts else 0)}"
        f"   # ARR per account: {arr} over {accounts:,} accounts, rounded to the cent",
        f"    accounts: {accounts}     # rows of this segment",
        f"    headcount: {{ae: {ae}, csm: {csm}}}   # distinct names in the "
        + ("AE and CSM owner columns" if has_ae else "CSM owner column (no AE column: write AEs)"),
        "    pods:                     # from the pod column; people counted in their home pod",
    ]
    for number, pod in enumerate(pods.values(), 1):
        # Pod ids are unique in the file; a name another segment took gets this segment's id
        # in front, which evaluate --accounts matches too.
        pod_label = pod["label"]
        if "-".join(label_key(pod_label).split()) in pod_ids:
            pod_label = f"{segment_id} {pod_label}"
        pod_id = slug(pod_label, pod_ids, f"{segment_id}-pod-{number}")
        lines.append(
            f"      - {{id: {pod_id}, ae: {pod['ae']}, csm: {pod['csm']}, "
            f"accounts: {pod['accounts']}, arr: {_money(pod['cents'])}}}"
            f"   # pod '{safe_text(pod['label'])}': {_rows(pod['accounts'])}"
        )
    return lines
