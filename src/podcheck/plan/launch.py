"""Launch changes: CSMs at launch for today's load and ratio, an AE for a pod without one,
and more pods for the pilot's size."""

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

from podcheck.orgfile.model import MAX_PEOPLE, Pod, Segment
from podcheck.plan.changes import Change
from podcheck.plan.search import bound, cap, highest, least
from podcheck.plan.segment import SegmentWork, needed, people

# The most pods a pilot's size is searched up to.
MAX_NEW_PODS = 1_000
# The longest id the org format allows.
MAX_ID = 64


def add_pods(work: SegmentWork) -> None:
    """Form pods of one AE and one CSM until the pilot has the pods it needs."""
    segment = work.segment
    codes = work.in_force(work.roles.pods)
    if not codes:
        return
    rule = work.rules[codes[0]]
    marked = [pod for pod in segment.pods or () if pod.pilot]
    in_cohort = work.org.org.rollout == "pilot" and bool(marked)
    # The pilot's size is its cohort's, where one is marked.
    current = len(marked) if in_cohort else segment.pod_total
    if segment.pods is None and segment.pod_count is None:
        work.unfixed(codes[0], None, "list the pilot's pods (pods:) to plan the pilot's size")
        return

    taken = {pod.id for s in work.org.segments for pod in s.pods or ()}
    names: list[str] = []  # new pods' names, made as the search asks for more

    def with_pods(count: int) -> Segment:
        if segment.pods is None:
            return replace(segment, pod_count=current + count)
        while len(names) < count:
            names.append(_new_name(segment.id, current + len(names) + 1, taken))
        # New pods join the pilot cohort where one is marked.
        new = [Pod(id=name, ae=1, csm=1, accounts=0, pilot=in_cohort) for name in names[:count]]
        old, new = _books(work, segment.pods, new, in_cohort)
        spare_ae, spare_csm = max(work.spare("ae"), 0), max(work.spare("csm"), 0)
        head = replace(
            segment.headcount,
            ae=segment.headcount.ae + max(count - spare_ae, 0),
            csm=segment.headcount.csm + max(count - spare_csm, 0),
        )
        return replace(segment, pods=[*old, *new], headcount=head)

    guess = None
    if isinstance(rule.threshold, int):
        guess = max(rule.threshold - current, 0)
    count = least(lambda n: work.segment_passes(with_pods(n), codes), 0, MAX_NEW_PODS, guess)
    if not count:
        if count is None:
            work.unfixed(codes[0], None, "no number of pods passes the pilot size")
        return
    revised = with_pods(count)
    # A pod with no book is not a pilot pod: no pods are claimed without one.
    if any(not pod.accounts for pod in (revised.pods or ())[len(segment.pods or ()) :]):
        work.unfixed(
            codes[0], None, f"form {count} more pod{'s' if count != 1 else ''}: "
            "the segment has no accounts outside pods to give them, and its pods none to spare",
        )  # fmt: skip
        return
    work.set(revised, reshaped=True)
    new_ae = revised.headcount.ae - segment.headcount.ae
    new_csm = revised.headcount.csm - segment.headcount.csm
    field = f"{work.where}.pods" if segment.pods is not None else f"{work.where}.pod_count"
    staffed = "staffed from the segment's people outside pods"
    if new_ae or new_csm:
        staffed = f"{people(new_ae, 'AE')} and {people(new_csm, 'CSM')} more at launch"
    formed = (revised.pods or ())[len(segment.pods or ()) :]
    books = ", ".join(f"{pod.id}: {pod.accounts} accounts" for pod in formed)
    if books:
        staffed += f", each with a book ({books})"
    plural = "s" if count != 1 else ""
    work.changes.append(
        Change(
            "add-pod", segment.id, None, None, count, field, current, current + count,
            codes,
            f"form {count} more pod{plural} of one AE and one CSM, {staffed}: "
            f"{current} → {current + count} pods "
            f"({codes[0]}: the pilot needs {needed(rule)})",
        )
    )  # fmt: skip


def _books(
    work: SegmentWork, pods: Sequence[Pod], new: list[Pod], in_cohort: bool
) -> tuple[list[Pod], list[Pod]]:
    """New pods given a real book: the cohort's typical book (its mean, under the load bar),
    from the segment's accounts outside pods, then one by one from the cohort's largest
    books while the giver keeps at least as many as the new pod (only books with no ARR
    stated, so no ARR is guessed). Returns the listed pods and the new pods."""
    if not new:
        return list(pods), new
    cohort = [p for p in pods if p.pilot] if in_cohort else list(pods)
    typical = sum(p.accounts for p in cohort) // len(cohort) if cohort else 0
    limit = cap(work.rule(work.roles.load), Fraction(1))
    target = max(min(typical, limit) if limit is not None else typical, 1)
    outside = max(work.segment.accounts - sum(p.accounts for p in pods), 0)
    given = []
    for pod in new:
        take = min(target, outside)
        outside -= take
        given.append(replace(pod, accounts=take))
    old = list(pods)
    donors = [i for i, p in enumerate(old) if p in cohort and p.arr is None]
    for index, pod in enumerate(given):
        while pod.accounts < target and donors:
            giver = max(donors, key=lambda i: (old[i].accounts, -i))
            if old[giver].accounts - 1 < pod.accounts + 1:
                break
            old[giver] = replace(old[giver], accounts=old[giver].accounts - 1)
            pod = replace(pod, accounts=pod.accounts + 1)
        given[index] = pod
    return old, given


def _new_name(segment: str, number: int, taken: set[str]) -> str:
    """A pod id not taken (and then taken): the segment's id, cut so that the number always
    fits the id's 64 characters, then `-pod-N` from `number` up."""
    while True:
        suffix = f"-pod-{number}"
        name = segment[: MAX_ID - len(suffix)] + suffix
        number += 1
        if name not in taken:
            taken.add(name)
            return name


def launch_pods(work: SegmentWork, only: Sequence[str] | None = None) -> None:
    """Each failing pod gets the fewest CSMs that pass its rules (`only`: those rules)."""
    failing = work.pod_failures()
    codes = work.in_force(work.roles.pod)
    only = work.roles.pod if only is None else only
    settled: set[tuple[str, str]] = set()
    for pod_index, pod in enumerate(work.segment.pods or ()):
        if pod.id not in failing:
            continue
        paired = pair_pod(work, pod_index, pod, failing[pod.id])
        if paired is not pod and work.pod_passes(work.segment, pod_index, paired, codes):
            continue
        pod = paired
        # The pod's targeted rules: more CSMs only lower its load and its ratio.
        judged = tuple(
            c
            for c in codes
            if c in failing[pod.id] and c in only and (pod.ae or c not in work.roles.pairing)
        )
        if not judged:
            continue

        def trial(
            csm: int, pod: Pod = pod, pod_index: int = pod_index, judged: tuple = judged
        ) -> bool:
            return work.pod_passes(work.segment, pod_index, replace(pod, csm=csm), judged)

        guess = highest(
            [
                bound(work.rule(work.roles.load), Fraction(pod.accounts), below=True),
                bound(work.rule(work.roles.ratio), Fraction(pod.ae), below=True),
                1,
            ]
        )
        csm = least(trial, pod.csm, MAX_PEOPLE, guess)
        if csm is None:
            work.unfixed(sorted(failing[pod.id])[0], pod.id, "no CSM count passes")
            continue
        added = csm - pod.csm
        if not added:
            continue  # CSMs launched for its load already brought it under the bar
        launched = replace(pod, csm=csm)
        work.with_pod(pod_index, launched, added)
        fixed = tuple(
            c
            for c in sorted(failing[pod.id])
            if c in judged
            or (c in codes and work.pod_passes(work.segment, pod_index, launched, (c,)))
        )
        settled.update((pod.id, code) for code in fixed)
        work.changes.append(
            Change(
                "launch-csm", work.segment.id, pod.id, None, added,
                f"{work.where}.pods[{pod_index}].csm", pod.csm, csm, fixed,
                f"launch pod {pod.id} with {added} more CSM{'s' if added != 1 else ''}: "
                f"{pod.csm} → {csm} ({work.why(fixed, pod.ae, csm, pod.accounts)})",
            )
        )  # fmt: skip
    if settled:
        work.failing = [r for r in work.failing if (r.pod, r.rule) not in settled]


def pair_pod(work: SegmentWork, pod_index: int, pod: Pod, failing: set[str]) -> Pod:
    """A pod with no AE gets one from the segment's AEs outside pods, else is a to-do."""
    pairing = [code for code in work.roles.pairing if code in failing]
    if pod.ae or not pairing:
        return pod
    if work.spare("ae") < 1:
        work.unfixed(pairing[0], pod.id, "the pod has no AE and the segment has none to spare")
        return pod
    paired = replace(pod, ae=1)
    work.with_pod(pod_index, paired)
    work.changes.append(
        Change(
            "move-ae", work.segment.id, pod.id, None, 1,
            f"{work.where}.pods[{pod_index}].ae", 0, 1, tuple(pairing),
            f"move 1 AE from the segment's AEs outside pods into pod {pod.id}: 0 → 1 "
            f"({pairing[0]}: a pod pairs an AE with a CSM)",
        )
    )  # fmt: skip
    return paired


def launch_segment(work: SegmentWork, only: Sequence[str] | None = None) -> None:
    """The segment gets the fewest CSMs at launch that pass today's rules (`only`: those)."""
    only = work.roles.today if only is None else only
    codes = tuple(c for c in work.today_codes() if c in only)
    segment = work.segment
    if not codes or work.today_passes(segment, codes):
        return
    head = segment.headcount

    def trial(csm: int) -> bool:
        return work.today_passes(replace(segment, headcount=replace(head, csm=csm)), codes)

    guess = highest(
        [bound(work.rule(work.roles.load), Fraction(segment.accounts), below=True)]
        + [bound(work.rules.get(c), Fraction(head.ae), below=True) for c in work.roles.ratio]
    )
    csm = least(trial, head.csm + 1, MAX_PEOPLE, guess)
    if csm is None:
        work.unfixed(codes[0], None, "no CSM count at launch passes")
        return
    work.set(replace(segment, headcount=replace(head, csm=csm)))
    added = csm - head.csm
    fixed = tuple(c for c in codes if not work.segment_passes(segment, (c,)))
    work.changes.append(
        Change(
            "launch-csm", segment.id, None, None, added, f"{work.where}.headcount.csm",
            head.csm, csm, fixed,
            f"launch {segment.id} with {added} more CSM{'s' if added != 1 else ''}: "
            f"{head.csm} → {csm} ({work.why(fixed, head.ae, csm, segment.accounts)})",
        )
    )  # fmt: skip
