"""Rebalancing: the fewest account moves that bring every CSM under the load bar."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Collection
from fractions import Fraction
from typing import Any, NamedTuple

from podcheck.accounts.measures import Resolver
from podcheck.accounts.tally import Tally, safe_text
from podcheck.core import numbers
from podcheck.orgfile.model import OrgFile, Pod, Segment


class Move(NamedTuple):
    """One account moved from an overloaded CSM to one with room; pods by their ids in the
    org file ("" for none of the segment's pods)."""

    account: str  # the account's name with --show-accounts, else its row
    arr: numbers.Number
    segment: str
    from_csm: str
    from_pod: str
    to_csm: str  # for a CSM the plan hires, how the plan names them ("new CSM 2")
    to_pod: str
    hired: bool = False  # to a CSM the plan hires

    @property
    def changes_pod(self) -> bool:
        """Whether the account leaves one pod for another (not into or out of none)."""
        return bool(self.from_pod and self.to_pod) and self.from_pod != self.to_pod


class Hire(NamedTuple):
    """CSMs a pod needs for the accounts no CSM of its segment has room for."""

    segment: str
    pod: str  # "" for the segment's accounts in none of its pods
    added: int
    accounts: int  # the pod's accounts after the moves
    csms: int  # the pod's CSMs, with those the plan hires


class Rebalancing(NamedTuple):
    moves: tuple[Move, ...]
    # Accounts that no CSM of the segment has room for: a hire, not a move.
    unplaced: int
    hires: tuple[Hire, ...] = ()
    # CSMs still at or over the bar after the moves: (name, load, accounts outside the pod
    # segments), which keep them there and which the moves leave alone.
    overloaded: tuple[tuple[str, int, int], ...] = ()


def propose_moves(
    tally_: Tally,
    org: OrgFile,
    limit: int,
    revised: OrgFile | None = None,
    waiting: Collection[str] = (),
) -> Rebalancing:
    """The fewest moves that bring every CSM under `limit` accounts.

    A CSM's load is counted over the whole export, as the load rule counts it; only
    accounts of pod segments move, each within its segment. Each overloaded CSM gives away
    exactly the accounts over the bar (limit - 1 is the most a CSM may keep), so no plan
    has fewer moves. Largest accounts move first: each move then takes the most ARR off the
    overloaded book, so pod books even out too. The receiving CSM is one in the account's
    pod when one has room (an account changes pods only when it must), then one in a pod
    the plan gives accounts to, then the one with the most room, then by name. Accounts no
    CSM has room for are counted as unplaced. Rows are placed by `measures.Resolver`, as
    the export is measured. The tally must have been made with `keep_accounts`.

    Only segments that are pod segments before and after the plan move accounts, and not
    those in `waiting` (a pilot's other segments, which the plan leaves as they are).

    `revised` is the proposal as the plan leaves it: the CSMs it adds to a pod are there
    to receive accounts (empty books, before anyone else in that pod), and the pods it
    moves accounts into are where the export's accounts go, so that the moves carry out
    the plan's changes rather than work around them.
    """
    if tally_.kept is None:
        raise ValueError("propose_moves needs a tally made with keep_accounts=True")
    keep = limit - 1
    where = Resolver(tally_, org)
    # Each account's segment and pod ids, when the org has them (others are refused rows).
    placed: dict[str, list[tuple[Any, str]]] = {}
    loads: dict[str, int] = {}
    still_pods = {segment.id for segment in (revised or org).pod_segments}
    moving = [s for s in org.pod_segments if s.id in still_pods and s.id not in waiting]
    pod_segments = {segment.id for segment in moving}
    movable: dict[str, int] = {}  # each CSM's accounts that may move, not yet moved
    for account in tally_.kept:
        segment_id = where.segment(account.segment)
        pod_id = None if segment_id is None else where.pod(segment_id, account.pod)
        if segment_id is None or pod_id is None or not account.csm:
            continue
        loads[account.csm] = loads.get(account.csm, 0) + 1
        placed.setdefault(segment_id, []).append((account, pod_id))
        if segment_id in pod_segments:
            movable[account.csm] = movable.get(account.csm, 0) + 1
    moves: list[Move] = []
    hires: list[Hire] = []
    unplaced = 0
    shown: dict[str, str] = {}  # the CSMs the plan hires, as moves name them
    # The pod load bar is for pods: a pool's or a named model's accounts do not move.
    for segment in moving:
        accounts = placed.get(segment.id, [])
        home: dict[str, dict[str, int]] = {}
        for account, pod_id in accounts:
            pods = home.setdefault(account.csm, {})
            pods[pod_id] = pods.get(pod_id, 0) + 1
        home_pod = {
            csm: min(p.items(), key=lambda kv: (-kv[1], kv[0]))[0] for csm, p in home.items()
        }
        gaining: set[str] = set()
        hired_here: list[str] = []
        if revised is not None:
            for pod, added, grows in _planned(segment, revised):
                if grows:
                    gaining.add(pod.id)
                for number in range(1, added + 1):
                    # A key no name from an export can be: the tally drops control codes.
                    hired = f"\0{pod.id}\0{number}"
                    shown[hired] = "the new CSM" if added == 1 else f"new CSM {number}"
                    loads[hired], home_pod[hired] = 0, pod.id
                    hired_here.append(hired)
        left: dict[str, int] = {}  # accounts nobody had room for, by the pod they stay in
        pod_of = {id(account): pod_id for account, pod_id in accounts}
        by_csm: dict[str, list[Any]] = {}
        for account, _ in accounts:
            by_csm.setdefault(account.csm, []).append(account)

        def move(
            account: Any, donor: str, from_pod: str, target: str, to_pod: str, at: str = segment.id
        ) -> Move:
            return Move(
                account=safe_text(account.name) if tally_.show_accounts else f"row {account.row}",
                arr=numbers.normalise(Fraction(account.arr_cents) / 100),
                segment=at,
                from_csm=safe_text(donor),
                from_pod=from_pod,
                to_csm=shown.get(target) or safe_text(target),
                to_pod=to_pod,
                hired=target in shown,
            )

        # The CSMs the plan hires into a pod first take an even share of its book, as the
        # plan's "accounts per CSM" says they will: a hire handed two accounts would be no
        # hire at all. The share is counted on the export's accounts in the pod; those who
        # hold them keep their largest accounts, and the new CSMs take the rest.
        by_pod: dict[str, dict[str, list[Any]]] = {}
        for account, pod_id in accounts if hired_here else ():
            by_pod.setdefault(pod_id, {}).setdefault(account.csm, []).append(account)
        gone: set[int] = set()
        hired_in: dict[str, list[tuple[int, str]]] = {}
        for key in hired_here:
            hired_in.setdefault(home_pod[key], []).append((0, key))
        for pod_id, new in sorted(hired_in.items()):
            holders = by_pod.get(pod_id, {})
            # Never past the bar: what the share leaves over goes as any other excess.
            share = min(keep, -(-sum(map(len, holders.values())) // (len(holders) + len(new))))
            heapq.heapify(new)  # the new CSM with the fewest accounts first
            for donor in sorted(holders, key=lambda c: (-len(holders[c]), c)):
                own = sorted(holders[donor], key=lambda a: (-a.arr_cents, a.row))
                for account in own[share:]:
                    taken, hire = new[0]
                    if taken >= share:
                        break
                    heapq.heapreplace(new, (taken + 1, hire))
                    gone.add(id(account))
                    loads[donor] -= 1
                    movable[donor] -= 1
                    loads[hire] += 1
                    moves.append(move(account, donor, pod_id, hire, pod_id))
        if gone:
            by_csm = {csm: [a for a in own if id(a) not in gone] for csm, own in by_csm.items()}
        # CSMs with room, as (load, name) heaps: per home pod and over the whole segment.
        # An entry whose load is no longer the CSM's is stale and skipped when reached, so
        # each choice costs a logarithm, not a scan of every CSM (a book of 100,000 rows on
        # one CSM beside 20,000 CSMs of one account each was quadratic).
        in_pod: dict[str, list[tuple[int, str]]] = {}
        planned: list[tuple[int, str]] = []  # in the pods the plan gives accounts to
        anywhere: list[tuple[int, str]] = []
        for csm, pod_id in home_pod.items():
            load = loads[csm]
            if load < keep:
                in_pod.setdefault(pod_id, []).append((load, csm))
                anywhere.append((load, csm))
                if pod_id in gaining:
                    planned.append((load, csm))
        for heap in (*in_pod.values(), planned, anywhere):
            heapq.heapify(heap)

        for donor in sorted(by_csm, key=lambda c: (-loads[c], c)):
            excess = loads[donor] - keep
            # Accounts outside the pod segments alone keep the donor over the bar: moving
            # the pod accounts would empty a pod book and settle nothing.
            if excess <= 0 or loads[donor] - movable[donor] > keep:
                continue
            own = sorted(by_csm[donor], key=lambda a: (-a.arr_cents, a.row))
            for account in own[:excess]:
                from_pod = pod_of[id(account)]
                # One in the account's pod with room first, then in a pod the plan gives
                # accounts to, then the one with most room.
                target = (
                    _roomiest(in_pod.get(from_pod, []), loads, keep)
                    or _roomiest(planned, loads, keep)
                    or _roomiest(anywhere, loads, keep)
                )
                if target is None:  # a hire in its pod takes it (_hires)
                    unplaced += 1
                    left[from_pod] = left.get(from_pod, 0) + 1
                    loads[donor] -= 1
                    movable[donor] -= 1
                    continue
                loads[donor] -= 1
                movable[donor] -= 1
                loads[target] += 1
                to_pod = home_pod[target]
                if loads[target] < keep:
                    heapq.heappush(in_pod[to_pod], (loads[target], target))
                    heapq.heappush(anywhere, (loads[target], target))
                    if to_pod in gaining:
                        heapq.heappush(planned, (loads[target], target))
                pod_of[id(account)] = to_pod
                moves.append(move(account, donor, from_pod, target, to_pod))
        hires += _hires(segment.id, left, Counter(pod_of.values()), home_pod, keep)
    # Loads still over the bar once the hires take the accounts nobody had room for: the
    # accounts no move may touch keep them there.
    overloaded = tuple(
        (safe_text(csm), load, load - movable.get(csm, 0))
        for csm, load in sorted(loads.items(), key=lambda kv: (-kv[1], kv[0]))
        # Only the CSMs of the segments whose accounts move: the load rule judges pods, and
        # a segment the plan takes out of pods, or that waits, is not this plan's to move.
        if load > keep and csm in movable
    )
    return Rebalancing(tuple(moves), unplaced, tuple(hires), overloaded)


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
    """Per pod with accounts left over, the fewest CSMs that take them: no CSM of the
    segment had room for one, so new CSMs do, `keep` accounts at most each."""
    found = []
    csms_by_pod = Counter(home_pod.values())
    for pod in sorted(left):
        count = -(-left[pod] // keep)
        found.append(Hire(segment, safe_text(pod), count, pods[pod], csms_by_pod[pod]))
    return found
