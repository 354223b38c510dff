"""The policies family (POD3xx): renewals, expansion, coverage, comp, norms."""

from podcheck.metrics.registry import Measurement, Params, Subject, metric


@metric("renewal_rules_written", scopes=("org",), cases=("absent",))
def renewal_rules_written(subject: Subject, params: Params) -> Measurement:
    renewal = subject.org.policies.renewal_ownership
    at = ("policies", "renewal_ownership", "written")
    if renewal is None or renewal.written is None:
        return Measurement(False, at, case="absent")
    return Measurement(renewal.written, at)


@metric("renewal_split", scopes=("org",))
def renewal_split(subject: Subject, params: Params) -> Measurement:
    renewal = subject.org.policies.renewal_ownership
    value = {
        "process_owner": renewal.process_owner if renewal else None,
        "commercial_owner": renewal.commercial_owner if renewal else None,
    }
    return Measurement(value, ("policies", "renewal_ownership", "process_owner"))


@metric("expansion_owner", scopes=("org",), cases=("absent", "ae", "csm"))
def expansion_owner(subject: Subject, params: Params) -> Measurement:
    renewal = subject.org.policies.renewal_ownership
    owner = renewal.expansion if renewal else None
    at = ("policies", "renewal_ownership", "expansion")
    case = "absent" if owner is None else owner if owner in ("ae", "csm") else None
    return Measurement(owner, at, case=case)


@metric("expansion_attribution", scopes=("org",), cases=("absent",))
def expansion_attribution(subject: Subject, params: Params) -> Measurement:
    renewal = subject.org.policies.renewal_ownership
    stated = renewal.expansion_attribution if renewal else None
    at = ("policies", "renewal_ownership", "expansion_attribution")
    if stated is None:
        return Measurement(False, at, case="absent")
    return Measurement(stated, at)


@metric(
    "coverage_plan",
    scopes=("org",),
    details=("backup",),
    cases=("absent", "undocumented", "no_backup"),
)
def coverage_plan(subject: Subject, params: Params) -> Measurement:
    plan = subject.org.policies.coverage_plan
    at = ("policies", "coverage_plan")
    if plan is None or (plan.documented is None and plan.backup is None):
        return Measurement(False, at, case="absent", details={"backup": None})
    details = {"backup": plan.backup}
    if not plan.documented:
        return Measurement(False, (*at, "documented"), case="undocumented", details=details)
    if plan.backup in (None, "none"):
        return Measurement(False, (*at, "backup"), case="no_backup", details=details)
    return Measurement(True, at, details=details)


def _normalised(names: list[str] | None) -> list[str]:
    return sorted({name.strip().lower() for name in names or ()})


# Spellings of net revenue retention, compared after lower-casing and turning spaces and
# hyphens into underscores: "Net Revenue Retention" and "NDR" are both NRR.
NRR_NAMES = frozenset(
    {
        "nrr",
        "ndr",
        "net_revenue_retention",
        "net_dollar_retention",
        "net_retention",
        "net_revenue_retention_rate",
        "net_retention_rate",
    }
)


def metric_key(name: str) -> str:
    """A comp metric's name as rules.md compares it: lower-cased, spaces and hyphens as `_`."""
    return name.lower().replace(" ", "_").replace("-", "_")


@metric(
    "shared_comp_metrics",
    scopes=("org",),
    details=("ae_metrics", "csm_metrics", "ae_nrr", "csm_nrr", "shared"),
    cases=("absent", "shared_other"),
)
def shared_comp_metrics(subject: Subject, params: Params) -> Measurement:
    """Whether both comp plans carry an NRR metric, under any of its usual names."""
    comp = subject.org.policies.comp
    at = ("policies", "comp")
    if comp is None or (comp.ae_metrics is None and comp.csm_metrics is None):
        return Measurement(False, at, case="absent", details={"ae_metrics": [], "csm_metrics": []})
    ae, csm = comp.ae_metrics or [], comp.csm_metrics or []
    ae_nrr = [name for name in ae if metric_key(name) in NRR_NAMES]
    csm_nrr = [name for name in csm if metric_key(name) in NRR_NAMES]
    shared = sorted({metric_key(name) for name in ae} & {metric_key(name) for name in csm})
    details = {
        "ae_metrics": _normalised(ae),
        "csm_metrics": _normalised(csm),
        "ae_nrr": ae_nrr[:1],
        "csm_nrr": csm_nrr[:1],
        "shared": shared,
    }
    both = bool(ae_nrr and csm_nrr)
    return Measurement(
        both, at, case="shared_other" if shared and not both else None, details=details
    )


@metric("collaboration_norms", scopes=("org",))
def collaboration_norms(subject: Subject, params: Params) -> Measurement:
    norms = subject.org.policies.collaboration_norms
    return Measurement(_normalised(norms), ("policies", "collaboration_norms"))
