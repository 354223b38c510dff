"""The coverage model each segment fits, whatever model it proposes.

Pods where the segment would pass every pod-readiness error rule; otherwise the ladder
of shared/spec/rules.md: an AI agent for the long tail, a pool for SMB and low ACV, a
swarm for enterprise, named CSMs for the rest of mid-market. Policies (org-scoped rules)
block a launch but do not change the fit, so they are not consulted here.
"""

from collections.abc import Iterable

from podcheck.model import Segment
from podcheck.numbers import format_money
from podcheck.report import Result

AI_AGENT_BELOW_ACV = 10_000
POOL_BELOW_ACV = 30_000


def recommend(segment: Segment, readiness: Iterable[Result]) -> tuple[str, str]:
    """(model, one-line reason). `readiness` yields the segment's results judged as pods.

    Only the first blocking result matters, so `readiness` is read no further than that.
    """
    # A waiver accepts a failure for the launch; it does not make the segment fit pods.
    first = next(
        (r for r in readiness if r.severity == "error" and r.status in ("fail", "waived")), None
    )
    if first is None:
        return "pod", "passes every pod-readiness error rule"
    blocked_by = f"not pod-ready: {first.rule} {first.name}, {first.message}"
    acv = format_money(segment.acv)
    if segment.acv < AI_AGENT_BELOW_ACV:
        return "ai-agent", (
            f"ACV {acv} is under {format_money(AI_AGENT_BELOW_ACV)}: an AI agent as the named "
            f"CSM, people as experts on call"
        )
    if segment.tier == "smb" or segment.acv < POOL_BELOW_ACV:
        fit = (
            "SMB tier"
            if segment.tier == "smb"
            else (f"ACV {acv} is under {format_money(POOL_BELOW_ACV)}")
        )
        return "pool", f"{fit}: pooled CSMs suit uniform accounts; {blocked_by}"
    if segment.is_enterprise:
        return (
            "swarm",
            f"{segment.tier} tier: a dedicated CSM who pulls in specialists; {blocked_by}",
        )
    return "named", f"mid-market tier: named CSMs with larger books; {blocked_by}"
