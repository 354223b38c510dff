"""Moves: AEs out of a pod or a segment over the ratio, and accounts or AEs between a
segment's pods, from the pods over a bar to the pods with room."""

from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction

from podcheck.orgfile.model import Pod
from podcheck.plan.changes import Change
from podcheck.plan.search import cap, most
from podcheck.plan.segment import SegmentWork


def move_pod_aes(work: SegmentWork) -> None:
    """defer: a pod over the ratio moves AEs out (they stay in the segment, outside pods)."""
    failing = work.pod_failures()
    for code in work.in_force(c for c in work.roles.ratio if c in work.roles.pod):
        for pod_index, pod in enumerate(work.segment.pods or ()):
            if code not in failing.get(pod.id, ()) or pod.csm == 0:
                continue
            codes = work.in_force(work.roles.pod)

            def trial(
                ae: int, pod: Pod = pod, pod_index: int = pod_index, codes: tuple = codes
            ) -> bool:
                return work.pod_passes(work.segment, pod_index, replace(pod, ae=ae), codes)

            ae = most(trial, 1, pod.ae, cap(work.rules.get(code), Fraction(pod.csm)))
            if ae is None or ae == pod.ae:
                continue
            work.with_pod(pod_index, replace(pod, ae=ae))
            # The pod now passes its ratio: no CSM is launched for it.
            work.failing = [r for r in work.failing if (r.pod, r.rule) != (pod.id, code)]
            moved = pod.ae - ae
            work.changes.append(
                Change(
                    "move-ae", work.segment.id, pod.id, None, moved,
                    f"{work.where}.pods[{pod_index}].ae", pod.ae, ae, (code,),
                    f"move {moved} AE{'s' if moved != 1 else ''} out of pod {pod.id}: "
                    f"{pod.ae} → {ae} ({work.why((code,), ae, pod.csm, pod.accounts)})",
                )
            )  # fmt: skip


def move_segment_aes(work: SegmentWork) -> None:
    """defer: AEs moved out of the pod segment, down to the AEs its pods hold."""
    codes = tuple(c for c in work.today_codes() if c in work.roles.ratio)
    segment = work.segment
    if not codes or work.today_passes(segment, codes):
        return
    head = segment.headcount
    if head.csm == 0:
        return  # no number of AEs passes without a CSM: launching CSMs does it
    floor_ae = sum(p.ae for p in segment.pods or ())

    def trial(ae: int) -> bool:
        return work.today_passes(replace(segment, headcount=replace(head, ae=ae)), codes)

    ae = most(trial, floor_ae, head.ae, cap(work.rule(work.roles.ratio), Fraction(head.csm)))
    if ae is None:
        ae = floor_ae  # the rest falls back to launching CSMs
    if ae == head.ae:
        return
    work.set(replace(segment, headcount=replace(head, ae=ae)))
    moved = head.ae - ae
    fixed = codes if work.today_passes(work.segment, codes) else ()
    work.changes.append(
        Change(
            "move-ae", segment.id, None, None, moved, f"{work.where}.headcount.ae",
            head.ae, ae, fixed or codes,
            f"move {moved} AE{'s' if moved != 1 else ''} out of the {segment.id} pods: "
            f"{head.ae} → {ae} ({work.why(codes, ae, head.csm, segment.accounts)})",
        )
    )  # fmt: skip


def rebalance_pods(work: SegmentWork) -> None:
    """Move accounts, then AEs, from pods over a bar to pods with room, fewest first."""
    pod_rules = work.roles.pod
    moved = [
        (c, "accounts") for c in work.roles.load if c in pod_rules and c not in work.roles.pairing
    ]
    moved += [(c, "ae") for c in work.roles.ratio if c in pod_rules]
    for code, role in moved:
        failing = work.pod_failures()
        if code not in work.rules or not any(code in f for f in failing.values()):
            continue
        _rebalance(work, code, role, failing)


def _rebalance(work: SegmentWork, code: str, role: str, failing: Mapping[str, set[str]]) -> None:
    codes = work.in_force(work.roles.pod)
    pods = list(work.segment.pods or ())
    floor_count = 1 if role == "ae" else 0

    rule = work.rules.get(code)

    def top(index: int) -> int | None:
        """The most of `role` pod `index` can hold and still pass."""
        pod = pods[index]
        judged = tuple(c for c in codes if c == code or c not in failing.get(pod.id, ()))

        def trial(n: int) -> bool:
            return work.pod_passes(work.segment, index, replace(pod, **{role: n}), judged)  # type: ignore[arg-type]

        guess = cap(rule, Fraction(pod.csm))
        high = max(getattr(pod, role), guess or 0) + 1
        return most(trial, floor_count, high, guess)

    over: list[tuple[int, int]] = []  # (excess, pod index)
    room: list[int] = []
    for index, pod in enumerate(pods):
        if pod.csm == 0:
            room.append(0)
            continue
        limit = top(index)
        have = getattr(pod, role)
        # A pod that fails another rule too gets CSMs, which may settle this one: it
        # gives nothing away (a move would then be more than the plan needs).
        alone = failing.get(pod.id, set()) == {code}
        if alone and limit is not None and limit < have:
            over.append((have - limit, index))
            room.append(0)
        elif pod.id not in failing:
            room.append(max((limit or 0) - have, 0))
        else:
            room.append(0)
    free = sum(room)
    moves: list[tuple[int, int, int]] = []  # (from, to, count)
    for excess, index in sorted(over):
        if excess > free:
            continue  # cannot be fixed inside the segment: hiring does it
        free -= excess
        left = excess
        # The roomiest pods first (in file order on a tie): the fewest moves, and no pod
        # left just under the bar while another has room to spare.
        for target in sorted(range(len(room)), key=lambda at: -room[at]):
            if left == 0:
                break
            take = min(room[target], left)
            if take:
                moves.append((index, target, take))
                room[target] -= take
                left -= take
    for source, target, count in moves:
        giver, taker = pods[source], pods[target]
        pods[source] = replace(giver, **{role: getattr(giver, role) - count})
        pods[target] = replace(taker, **{role: getattr(taker, role) + count})
        noun = "account" if role == "accounts" else "AE"
        work.changes.append(
            Change(
                "move-accounts" if role == "accounts" else "move-ae",
                work.segment.id, giver.id, None, count,
                f"{work.where}.pods[{source}].{role}", getattr(giver, role),
                getattr(pods[source], role), (code,),
                f"move {count} {noun}{'s' if count != 1 else ''} from pod {giver.id} to pod "
                f"{taker.id}: {giver.id} {getattr(giver, role)} → "
                f"{getattr(pods[source], role)}, {taker.id} {getattr(taker, role)} → "
                f"{getattr(pods[target], role)} ({code})",
                target=taker.id,
            )
        )  # fmt: skip
    if moves:
        work.set(replace(work.segment, pods=pods))
        # The giving pods now pass; what is left fails and falls back to hiring.
        fixed = {pods[source].id for source, _, _ in moves}
        work.failing = [r for r in work.failing if not (r.rule == code and r.pod in fixed)]
