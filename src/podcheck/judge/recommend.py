"""The coverage model each segment fits by its structure (tier and ACV, nothing else), with
the one line that says why.

Load, ratio, hiring, pilot size and policies are defects a plan can fix; they never change
which model a segment fits. The ladder (rules.md, "Recommended model"; the model-fit rule
judges pod segments by the same function):

1. swarm for strategic accounts ("swarm elements for the most strategic accounts");
2. pod for enterprise and mid-market at or above the ACV floor;
3. named for enterprise below the floor (a named CSM, not a dedicated pair);
4. pool otherwise (SMB and lower mid-market), with an AI agent as the alternative the
   scaled-CS article argues for the long tail.
"""

from typing import Any, NamedTuple

from podcheck.core.numbers import format_money
from podcheck.metrics.model_fit import structural_fit
from podcheck.orgfile.model import Segment


class Recommendation(NamedTuple):
    model: str
    alternative: str | None
    reason: str


def recommend(segment: Segment, acv_floor: Any) -> Recommendation:
    """The model the segment's tier and ACV fit, judged against the configured ACV floor."""
    acv, floor = format_money(segment.acv), format_money(acv_floor)
    model = structural_fit(segment.tier, segment.acv, acv_floor)
    alternative = None
    if model == "swarm":
        why = "strategic tier: a dedicated CSM who pulls in specialists"
    elif model == "pod":
        why = f"{segment.tier} tier with ACV {acv}, at or above the {floor} floor"
    elif model == "named":
        why = f"enterprise tier with ACV {acv}, under the {floor} floor"
    else:
        alternative = "ai-agent"
        why = (
            "SMB tier"
            if segment.tier == "smb"
            else f"mid-market tier with ACV {acv}, under the {floor} floor"
        )
        why += "; the scaled-CS article's alternative is an AI agent as named CSM"
    if model == segment.model:
        why += "; as proposed"
    return Recommendation(model, alternative, why)
