"""The decision for a segment whose pod pilot has results: the first of these that applies.

1. relabel-as-swarm: pre-sales time shows the pod drifting into a swarm;
2. fix-and-remeasure: an error-severity result of the segment fails, or a benefit the pilot
   must show (handoff quality, time to first value) is not a pass;
3. keep-measuring: the pilot has not run 90 days (the article's metrics are 90-day metrics);
4. extend.

Which rules measure drift and benefits is said by their `roles.pilot` in the rule data.
"""

from collections.abc import Mapping, Sequence

from podcheck.judge.report import PilotDecision, Result
from podcheck.metrics.rollout import PILOT_DAYS
from podcheck.orgfile.model import Segment


def decide_pilot(
    segment: Segment, results: Sequence[Result], pilot_roles: Mapping[str, str]
) -> PilotDecision:
    """`results` are the segment's and its pods' own; `pilot_roles` maps a rule code to its
    role in the decision (benefit or swarm-drift)."""
    own = {r.rule: r for r in results if r.pod is None}
    drift = [
        r
        for code, role in pilot_roles.items()
        if role == "swarm-drift"
        for r in (own.get(code),)
        if r is not None and r.failed
    ]
    if drift:
        return PilotDecision("relabel-as-swarm", "; ".join(r.message for r in drift))
    blocking = [r for r in results if r.failed and r.severity == "error"]
    if blocking:
        evidence = "; ".join(f"{r.rule} {r.message}" for r in blocking[:3])
        more = len(blocking) - 3
        return PilotDecision(
            "fix-and-remeasure", evidence + (f"; and {more} more" if more > 0 else "")
        )
    benefits = sorted(code for code, role in pilot_roles.items() if role == "benefit")
    unshown = [code for code in benefits if code not in own or own[code].status != "pass"]
    if unshown:
        said = "; ".join(
            f"{code} {own[code].message}" if code in own else f"{code} is not run"
            for code in unshown
        )
        return PilotDecision("fix-and-remeasure", f"not shown yet: {said}")
    days = segment.pilot_results.days if segment.pilot_results else None
    evidence = "; ".join(own[code].message for code in benefits)
    if days is None or days < PILOT_DAYS:
        ran = "for an unstated time" if days is None else f"{days} days"
        return PilotDecision(
            "keep-measuring",
            f"the pilot has run {ran}; its metrics are judged at day {PILOT_DAYS} ({evidence})",
        )
    return PilotDecision("extend", evidence)
