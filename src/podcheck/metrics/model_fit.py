"""The model fit family (POD6xx)."""

from typing import Any

from podcheck.core.numbers import format_money
from podcheck.metrics.registry import Measurement, Params, Subject, metric
from podcheck.orgfile.model import Segment


def _covered(segment: Segment) -> bool:
    return segment.accounts > 0


# Lowest to highest: how much human attention each model gives an account, and tiers by
# account value. A segment should not get more attention than a segment of a higher tier.
MODEL_INTENSITY = ("none", "ai-agent", "pool", "named", "pod", "swarm")
TIER_ORDER = ("smb", "mid-market", "enterprise", "strategic")


@metric(
    "model_fit",
    scopes=("org",),
    details=("models", "first", "second"),
    cases=("same_tier", "inverted"),
)
def model_fit(subject: Subject, params: Params) -> Measurement:
    """The hybrid maze: mixed models within a tier, models out of tier order, or too many."""
    segments = [s for s in subject.org.segments if _covered(s) and s.model != "none"]
    models = sorted({s.model for s in segments}, key=MODEL_INTENSITY.index)
    details: dict[str, Any] = {"models": models}
    # (a) one model per tier: the first segment of a tier sets its model.
    first: dict[str, Segment] = {}
    for segment in segments:
        chosen = first.setdefault(segment.tier, segment)
        if chosen.model != segment.model:
            pair = {"first": _named(chosen), "second": _named(segment)}
            return Measurement(
                None, ("segments",), outcome="fail", case="same_tier", details={**details, **pair}
            )
    # (b) with one model per tier, no tier gets more attention than a higher one.
    tiers = sorted(first, key=TIER_ORDER.index)
    for position, low in enumerate(tiers):
        for high in tiers[position + 1 :]:
            if MODEL_INTENSITY.index(first[low].model) > MODEL_INTENSITY.index(first[high].model):
                pair = {"first": _named(first[low]), "second": _named(first[high])}
                return Measurement(
                    None,
                    ("segments",),
                    outcome="fail",
                    case="inverted",
                    details={**details, **pair},
                )
    return Measurement(len(models), ("segments",), details=details)


def _named(segment: Segment) -> str:
    return f"'{segment.id}' ({segment.tier}, {segment.model})"


@metric("uncovered_segments", scopes=("org",))
def uncovered_segments(subject: Subject, params: Params) -> Measurement:
    uncovered = [
        segment.id
        for segment in subject.org.segments
        if _covered(segment)
        and (
            segment.model == "none" or (segment.headcount.csm == 0 and segment.model != "ai-agent")
        )
    ]
    return Measurement(uncovered, ("segments",))


def structural_fit(tier: str, acv: Any, acv_floor: Any) -> str:
    """The model a segment fits by tier and ACV alone (rules.md, "Recommended model").

    Load, ratio, hiring, pilot size and policies are defects a plan can fix; they never
    change the fit.
    """
    if tier == "strategic":
        return "swarm"  # "swarm elements for the most strategic accounts"
    if tier in ("enterprise", "mid-market") and acv >= acv_floor:
        return "pod"
    if tier == "enterprise":
        return "named"  # under the floor: a named CSM, not a dedicated pair
    return "pool"  # SMB and lower mid-market


@metric(
    "structural_fit",
    scopes=("segment",),
    details=("tier", "acv", "gates"),
    cases=("gated", "strategic"),
)
def model_fit_of_segment(subject: Subject, params: Params) -> Measurement:
    """The model the segment's tier and ACV fit; skipped when a gate (the ACV floor, the
    tier) already fails, since that rule says the segment does not fit pods."""
    context = subject.context
    assert context is not None, "the structural fit needs the run's context"
    segment = subject.seg()
    gates = [rule for rule in context.fit_gates if context.status(rule, subject) == "fail"]
    details = {
        "tier": segment.tier,
        "acv": format_money(segment.acv),
        "gates": [f"{rule.code} {rule.name}" for rule in gates],
    }
    at = subject.path("tier")
    if gates:
        return Measurement(None, at, outcome="skip", case="gated", details=details)
    fit = structural_fit(segment.tier, segment.acv, context.acv_floor)
    return Measurement(fit, at, case="strategic" if fit == "swarm" else None, details=details)
