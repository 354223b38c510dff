"""Every rule a change fixes: the targeted rules that fail again when the change is undone
(a CSM at launch that fixes the ratio today and the projected ratio lists both), and a rule
that only several changes together fix, on each of them."""

from dataclasses import replace

from podcheck.orgfile.model import HiringMonth, HiringTotals, Segment
from podcheck.plan.changes import Change
from podcheck.plan.segment import SegmentWork


def attribute(work: SegmentWork, fixed: tuple[str, ...]) -> None:
    """Complete each change's `rules` with the fixed rules that fail without it."""
    final = work.segment
    pods = {pod.id: index for index, pod in enumerate(final.pods or ())}
    # The segment-scope rules read the segment's totals, which a pod's change moves by its
    # count whichever pod it is: judged once per kind and count, not once per pod.
    by_total: dict[tuple[str, int | None, bool], frozenset[str]] = {}
    # A pod's change that lists every fixed rule already is not judged; its undone segment
    # stands for its kind and count until a later pod's change needs the rules.
    first: dict[tuple[str, int | None, bool], Segment] = {}
    for position, change in enumerate(work.changes):
        at = pods.get(change.pod) if change.pod is not None else None
        key = (change.kind, change.count, at is not None)
        listed = all(c in change.rules for c in fixed)
        if listed and (at is None or key in by_total or key in first):
            continue
        undone = _undone(final, change, pods)
        if undone is None:
            continue
        if listed:
            first[key] = undone
            continue
        if key not in by_total or at is None:
            judged = first.pop(key, undone) if at is not None else undone
            by_total[key] = frozenset(c for c in fixed if not work.segment_passes(judged, (c,)))
        found = set(change.rules) | by_total[key]
        if at is not None and undone.pods is not None:
            found.update(c for c in fixed if not work.pod_passes(undone, at, undone.pods[at], (c,)))
        if found != set(change.rules):
            work.changes[position] = replace(change, rules=tuple(sorted(found)))
    for code in fixed:
        if not any(code in change.rules for change in work.changes):
            _together(work, code, pods)


def _together(work: SegmentWork, code: str, pods: dict[str, int]) -> None:
    """A fixed rule no single change is needed for (Contoso's projected ratio passes with
    any one of four CSMs left out): listed on the changes, last first, without which it
    fails again, so that the reader sees what fixed it."""
    segment: Segment | None = work.segment
    undone: list[int] = []
    for position in reversed(range(len(work.changes))):
        change = work.changes[position]
        earlier = _undone(segment, change, pods) if segment is not None else None
        if earlier is None:
            continue
        segment = earlier
        undone.append(position)
        if not work.segment_passes(segment, (code,)):
            for at in undone:
                listed = work.changes[at]
                work.changes[at] = replace(listed, rules=tuple(sorted({*listed.rules, code})))
            return


def _undone(segment: Segment, change: Change, pods: dict[str, int]) -> Segment | None:
    """The final segment without this change, where that is one edit; else None."""
    head = segment.headcount
    plan = segment.hiring_plan
    count = change.count or 0
    if change.kind in ("launch-csm", "move-ae", "move-accounts") and change.pod is not None:
        role = {"launch-csm": "csm", "move-ae": "ae", "move-accounts": "accounts"}[change.kind]
        listed = list(segment.pods or ())
        at = pods[change.pod]
        listed[at] = replace(listed[at], **{role: change.before})
        if change.target is not None:
            to = pods[change.target]
            listed[to] = replace(listed[to], **{role: getattr(listed[to], role) - count})
        if change.kind == "launch-csm":
            head = replace(head, csm=head.csm - count)
        return replace(segment, pods=listed, headcount=head)
    if change.kind == "launch-csm":
        return replace(segment, headcount=replace(head, csm=change.before))
    if change.kind == "move-ae":
        return replace(segment, headcount=replace(head, ae=change.before))
    if change.kind in ("hire-csm", "defer-ae") and isinstance(plan, HiringTotals):
        role = "csm" if change.kind == "hire-csm" else "ae"
        return replace(segment, hiring_plan=replace(plan, **{role: change.before}))
    if change.kind == "hire-csm" and isinstance(plan, list) and change.month is not None:
        return replace(segment, hiring_plan=_fewer(plan, change.month, count))
    return None


def _fewer(plan: list[HiringMonth], month: int, count: int) -> list[HiringMonth]:
    """The monthly plan with `count` fewer CSM hires in `month`."""
    found = []
    for entry in plan:
        if entry.month == month and count and entry.csm:
            taken = min(entry.csm, count)
            count -= taken
            entry = replace(entry, csm=entry.csm - taken)
        found.append(entry)
    return found
