"""Rebalancing: the fewest account moves that bring every CSM under the load bar."""

from __future__ import annotations

import heapq
from collections import Counter
from fractions import Fraction
from typing import Any, NamedTuple

from podcheck.accounts.measures import label_key
from podcheck.accounts.tally import Tally, safe_text
from podcheck.core import numbers
from podcheck.orgfile.model import OrgFile, Pod, Segment


class Move(NamedTuple):
    """One account moved from an overloaded CSM to one with room."""

    account: str  # the account's name with --show-accounts, else its row
    arr: numbers.Number
    segment: str
    from_csm: str
    from_pod: str
    to_csm: str
    to_pod: str

    @property
    def changes_pod(self) -> bool:
        """Whether the account leaves one pod for another (not into or out of none)."""
        ends = (self.from_pod, self.to_pod)
        return _NO_POD not in ends and label_key(self.from_pod) != label_key(self.to_pod)


class Hire(NamedTuple):
    """CSMs a pod needs for the accounts no CSM of its segment has room for."""

    segment: str
    pod: str
    added: int
    accounts: int  # the pod's accounts after the moves
    csms: int  # the pod's CSMs today


class Rebalancing(NamedTuple):
    moves: tuple[Move, ...]
    # Accounts that no CSM of the segment has room for: a hire, not a move.
    unplaced: int
    hires: tuple[Hire, ...] = ()


# How an account with an empty pod cell (in none of its segment's pods) is shown.
_NO_POD = "no pod"


def propose_moves(
    tally_: Tally, org: OrgFile, limit: int, revised: OrgFile | None = None
) -> Rebalancing:
    """The fewest moves that bring every CSM under `limit` accounts, within each segment.

    Each overloaded CSM gives away exactly the accounts over the bar (limit - 1 is the
    most a CSM may keep), so no plan has fewer moves. Largest accounts move first: each
    move then takes the most ARR off the overloaded book, so pod books even out too. The
    receiving CSM is one in the account's pod when one has room (an account changes pods
    only when it must), then one in a pod the plan gives accounts to, then the one with
    the most room, then by name. Accounts no CSM has room for are counted as unplaced.
    The tally must have been made with `keep_accounts`.

    `revised` is the proposal as the plan leaves it: the CSMs it adds to a pod are there
    to receive accounts (empty books, before anyone else in that pod), and the pods it
    moves accounts into are where the export's accounts go, so that the moves carry out
    the plan's changes rather than work around them.
    """
    if tally_.kept is None:
        raise ValueError("propose_moves needs a tally made with keep_accounts=True")
    keep = limit - 1
    names = {label_key(k): label_key(v) for k, v in tally_.segment_names.items()}

    def named(label: str) -> str:
        wanted = label_key(label)
        return names.get(wanted, wanted)

    moves: list[Move] = []
    hires: list[Hire] = []
    unplaced = 0
    shown: dict[str, str] = {}  # the CSMs the plan hires, as moves name them
    # The pod load bar is for pods: a pool's or a named model's CSMs are not in one.
    for segment in org.pod_segments:
        ids = {label_key(s) for s in (segment.id, segment.display_name)}
        accounts = [a for a in tally_.kept if a.csm and named(a.segment) in ids]
        loads: dict[str, int] = {}
        home: dict[str, dict[str, int]] = {}
        for account in accounts:
            loads[account.csm] = loads.get(account.csm, 0) + 1
            pods = home.setdefault(account.csm, {})
            pods[account.pod] = pods.get(account.pod, 0) + 1
        home_pod = {
            csm: min(p.items(), key=lambda kv: (-kv[1], kv[0]))[0] for csm, p in home.items()
        }
        gaining: set[str] = set()
        if revised is not None:
            labels = {label_key(a.pod): a.pod for a in accounts}
            for pod, added, grows in _planned(segment, revised):
                label = labels.get(label_key(pod.id)) or labels.get(label_key(pod.name or ""))
                label = label or pod.id
                if grows:
                    gaining.add(label)
                for number in range(1, added + 1):
                    # A key no name from an export can be: the tally strips control codes.
                    hired = f"\0{pod.id}\0{number}"
                    shown[hired] = "the new CSM" if added == 1 else f"new CSM {number}"
                    loads[hired], home_pod[hired] = 0, label
        left: dict[str, int] = {}  # accounts nobody had room for, by the pod they stay in
        pod_of = {id(a): a.pod for a in accounts}
        by_csm: dict[str, list[Any]] = {}
        for account in accounts:
            by_csm.setdefault(account.csm, []).append(account)
        # CSMs with room, as (load, name) heaps: per home pod and over the whole segment.
        # An entry whose load is no longer the CSM's is stale and skipped when reached, so
        # each choice costs a logarithm, not a scan of every CSM (a book of 100,000 rows on
        # one CSM beside 20,000 CSMs of one account each was quadratic).
        in_pod: dict[str, list[tuple[int, str]]] = {}
        planned: list[tuple[int, str]] = []  # in the pods the plan gives accounts to
        anywhere: list[tuple[int, str]] = []
        for csm, load in loads.items():
            if load < keep:
                in_pod.setdefault(home_pod[csm], []).append((load, csm))
                anywhere.append((load, csm))
                if home_pod[csm] in gaining:
                    planned.append((load, csm))
        for heap in (*in_pod.values(), planned, anywhere):
            heapq.heapify(heap)

        for donor in sorted(loads, key=lambda c: (-loads[c], c)):
            excess = loads[donor] - keep
            if excess <= 0:
                continue
            own = sorted(by_csm[donor], key=lambda a: (-a.arr_cents, a.row))
            for account in own[:excess]:
                # One in the account's pod with room first, then in a pod the plan gives
                # accounts to, then the one with most room.
                target = (
                    _roomiest(in_pod.get(account.pod, []), loads, keep)
                    or _roomiest(planned, loads, keep)
                    or _roomiest(anywhere, loads, keep)
                )
                if target is None:
                    unplaced += 1
                    left[account.pod] = left.get(account.pod, 0) + 1
                    continue
                loads[donor] -= 1
                loads[target] += 1
                if loads[target] < keep:
                    heapq.heappush(in_pod[home_pod[target]], (loads[target], target))
                    heapq.heappush(anywhere, (loads[target], target))
                    if home_pod[target] in gaining:
                        heapq.heappush(planned, (loads[target], target))
                pod_of[id(account)] = home_pod[target]
                moves.append(
                    Move(
                        account=safe_text(account.name)
                        if tally_.show_accounts
                        else f"row {account.row}",
                        arr=numbers.normalise(Fraction(account.arr_cents) / 100),
                        segment=segment.id,
                        from_csm=safe_text(donor),
                        from_pod=safe_text(account.pod) or _NO_POD,
                        to_csm=shown.get(target) or safe_text(target),
                        to_pod=safe_text(home_pod[target]) or _NO_POD,
                    )
                )
        hires += _hires(segment.id, left, Counter(pod_of.values()), home_pod, keep)
    return Rebalancing(tuple(moves), unplaced, tuple(hires))


def _planned(segment: Segment, revised: OrgFile) -> list[tuple[Pod, int, bool]]:
    """The segment's pods as the plan leaves them, each with the CSMs the plan adds to it
    and whether the plan gives it accounts (a pod it adds does both)."""
    after = next((s for s in revised.pod_segments if s.id == segment.id), None)
    if after is None:  # the plan takes the segment out of pods
        return []
    before = {pod.id: pod for pod in segment.pods or ()}
    found = []
    for pod in after.pods or ():
        was = before.get(pod.id)
        added = pod.csm - (was.csm if was else 0)
        grows = pod.accounts > (was.accounts if was else 0)
        if added > 0 or grows:
            found.append((pod, max(added, 0), grows))
    return found


def _roomiest(heap: list[tuple[int, str]], loads: dict[str, int], keep: int) -> str | None:
    """The CSM with the most room on `heap` (fewest accounts, then by name), if any."""
    while heap and (heap[0][0] != loads[heap[0][1]] or heap[0][0] >= keep):
        heapq.heappop(heap)
    return heap[0][1] if heap else None


def _hires(
    segment: str, left: dict[str, int], pods: Counter[str], home_pod: dict[str, str], keep: int
) -> list[Hire]:
    """Per pod with accounts left over, the fewest CSMs that bring every one of its CSMs
    to `keep` accounts or fewer: its accounts over its CSMs, old and new, rounded up."""
    found = []
    csms_by_pod = Counter(home_pod.values())
    for pod in sorted(left):
        accounts = pods[pod]
        csms = csms_by_pod[pod]
        count = max(-(-accounts // keep) - csms, 1)
        found.append(Hire(segment, safe_text(pod), count, accounts, csms))
    return found
