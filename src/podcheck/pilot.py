"""The rollout decision for a segment whose pod pilot has results."""

from collections.abc import Sequence

from podcheck.model import Segment
from podcheck.report import PilotDecision, Result

# Pre-sales drift turns a pod into a swarm; these rules measure it.
SWARM_DRIFT_RULES = ("POD503", "POD504")
BENEFIT_RULES = ("POD501", "POD502")
DURATION_RULE = "POD506"


def decide_pilot(segment: Segment, results: Sequence[Result]) -> PilotDecision:
    """Extend the pods, fix and re-measure, or re-label the pilot as the swarm it became."""
    by_rule = {r.rule: r for r in results if r.pod is None}
    note = ""
    duration = by_rule.get(DURATION_RULE)
    if duration is not None and duration.failed:
        note = f"; {duration.message}"
    drift = [
        by_rule[code] for code in SWARM_DRIFT_RULES if code in by_rule and by_rule[code].failed
    ]
    if drift:
        evidence = "; ".join(r.message for r in drift)
        return PilotDecision("relabel-as-swarm", f"{evidence}{note}")
    blocking = [r for r in results if r.failed and r.severity == "error"]
    if blocking:
        evidence = "; ".join(f"{r.rule} {r.message}" for r in blocking[:3])
        return PilotDecision("fix-and-remeasure", f"{evidence}{note}")
    unmeasured = [
        code
        for code in BENEFIT_RULES
        if by_rule.get(code) is None or by_rule[code].status != "pass"
    ]
    if unmeasured:
        names = " and ".join(by_rule[c].name if c in by_rule else c for c in unmeasured)
        return PilotDecision("fix-and-remeasure", f"{names} not measured yet{note}")
    evidence = "; ".join(by_rule[code].message for code in BENEFIT_RULES)
    return PilotDecision("extend", f"{evidence}{note}")
