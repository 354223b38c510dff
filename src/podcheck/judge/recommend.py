"""The coverage model each segment fits by its structure: tier and ACV, nothing else.

Load, ratio, hiring, pilot size and policies are defects a plan can fix; they never change
which model a segment fits. The ladder (rules.md, "Recommended model"):

1. swarm for strategic accounts ("swarm elements for the most strategic accounts");
2. pod for enterprise and mid-market at or above the ACV floor;
3. named for enterprise below the floor (a named CSM, not a dedicated pair);
4. pool otherwise (SMB and lower mid-market), with an AI agent as the alternative the
   scaled-CS article argues for the long tail.
"""

from typing import Any, NamedTuple

from podcheck.core.numbers import format_money
from podcheck.orgfile.model import Segment


class Recommendation(NamedTuple):
    model: str
    alternative: str | None
    reason: str


def recommend(segment: Segment, acv_floor: Any) -> Recommendation:
    """The model the segment's tier and ACV fit, judged against the configured ACV floor."""
    acv, floor = format_money(segment.acv), format_money(acv_floor)
    alternative = None
    if segment.tier == "strategic":
        model, why = "swarm", "strategic tier: a dedicated CSM who pulls in specialists"
    elif segment.tier in ("enterprise", "mid-market") and segment.acv >= acv_floor:
        model, why = "pod", f"{segment.tier} tier with ACV {acv}, at or above the {floor} floor"
    elif segment.tier == "enterprise":
        model, why = "named", f"enterprise tier with ACV {acv}, under the {floor} floor"
    else:
        model, alternative = "pool", "ai-agent"
        why = (
            "SMB tier"
            if segment.tier == "smb"
            else f"mid-market tier with ACV {acv}, under the {floor} floor"
        )
        why += "; the scaled-CS article's alternative is an AI agent as named CSM"
    if model == segment.model:
        why += "; as proposed"
    return Recommendation(model, alternative, why)
