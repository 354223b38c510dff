"""Changes of structure, tried before any count: a model that fits the segment, and the
pilot cohort marked in a pilot segment that lists its pods without marking them."""

from dataclasses import replace
from typing import cast

from podcheck.judge.report import Result
from podcheck.orgfile.model import CoverageModel
from podcheck.plan.changes import Change
from podcheck.plan.segment import SegmentWork

# How many pod names a mark-pilot message lists before it counts the rest.
NAMED_PODS = 6


def change_model(work: SegmentWork, recommended: str, required: bool = True) -> bool:
    """A segment that does not fit pods gets its recommended model and no other change:
    hiring into a segment whose economics do not hold is what the article warns against.
    False when no misfit rule fails (or the recommendation is pods after all)."""
    misfits = [r for r in work.failing if r.rule in work.roles.misfit]
    if not misfits or recommended == "pod":
        return False
    segment = work.segment
    first: Result = misfits[0]
    fixed = tuple(sorted(work.codes))
    work.changes.append(
        Change(
            "change-model", segment.id, None, None, None, f"{work.where}.model",
            segment.model, recommended, fixed,
            f"change {segment.id}'s model from {segment.model} to {recommended}"
            + (", and hire or move no one into it as pods" if required else "")
            + f" ({first.rule}: {first.message})",
        )
    )  # fmt: skip
    work.set(replace(segment, model=cast(CoverageModel, recommended)), reshaped=True)
    work.failing = []
    return True


def mark_pilot(work: SegmentWork) -> bool:
    """In a pilot with no marked cohort, the pods that pass on their own become the cohort,
    when the segment then passes every rule at the gate (plan.md, the cohort rule)."""
    segment = work.segment
    pods = segment.pods
    if work.org.org.rollout != "pilot" or not pods or any(pod.pilot for pod in pods):
        return False
    if work.codes.isdisjoint(work.roles.today) and work.codes.isdisjoint(work.roles.pods):
        return False
    pod_codes = work.in_force(work.roles.pod)
    cohort = [
        index for index, pod in enumerate(pods) if work.pod_passes(segment, index, pod, pod_codes)
    ]
    if not cohort:
        return False
    chosen = set(cohort)
    marked = replace(
        segment,
        pods=[replace(pod, pilot=True) if i in chosen else pod for i, pod in enumerate(pods)],
    )
    if not work.segment_passes(marked, work.rules) or not work.pods_pass(marked, work.rules):
        return False
    names = [pods[index].id for index in cohort]
    shown = ", ".join(names[:NAMED_PODS])
    if len(names) > NAMED_PODS:
        shown += f" and {len(names) - NAMED_PODS} more"
    fixed = tuple(sorted(work.codes))
    plural = "s" if len(names) != 1 else ""
    work.changes.append(
        Change(
            "mark-pilot", segment.id, None, None, len(names), f"{work.where}.pods",
            0, len(names), fixed,
            f"mark the {len(names)} pod{plural} that pass on their own as the pilot cohort "
            f"(pilot: true): {shown}; the pilot is then judged on its cohort "
            f"({', '.join(fixed)})",
            pods=tuple(names),
        )
    )  # fmt: skip
    work.set(marked, reshaped=True)
    work.failing = []
    return True
