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


def _comp_keys(names: list[str]) -> dict[str, str]:
    """Each comp metric by the key rules.md compares it on (every NRR synonym as one key,
    "nrr"), with the first of its names the plan uses, as written."""
    keys: dict[str, str] = {}
    for name in names:
        key = metric_key(name)
        keys.setdefault("nrr" if key in NRR_NAMES else key, name)
    return keys


def _shared(ae: dict[str, str], csm: dict[str, str]) -> list[str]:
    """The metrics in both plans, by the AE plan's name for each, normalised and sorted."""
    return sorted(metric_key(ae[key]) for key in ae.keys() & csm.keys())


def _comp(subject: Subject) -> tuple[list[str], list[str]] | None:
    """The two comp plans' metric lists, or None when neither is stated."""
    comp = subject.org.policies.comp
    if comp is None or (comp.ae_metrics is None and comp.csm_metrics is None):
        return None
    return list(comp.ae_metrics or ()), list(comp.csm_metrics or ())


_COMP_AT = ("policies", "comp")


@metric(
    "shared_comp_metrics",
    scopes=("org",),
    details=("ae_metrics", "csm_metrics", "shared"),
    cases=("absent",),
)
def shared_comp_metrics(subject: Subject, params: Params) -> Measurement:
    """The metrics both comp plans carry (any metric: shared accountability), compared on
    their normalised names, every NRR synonym counting as one metric."""
    plans = _comp(subject)
    if plans is None:
        details: dict[str, list[str]] = {"ae_metrics": [], "csm_metrics": [], "shared": []}
        return Measurement(False, _COMP_AT, case="absent", details=details)
    ae, csm = _comp_keys(plans[0]), _comp_keys(plans[1])
    shared = _shared(ae, csm)
    details = {
        "ae_metrics": _normalised(plans[0]),
        "csm_metrics": _normalised(plans[1]),
        "shared": shared,
    }
    return Measurement(bool(shared), _COMP_AT, details=details)


@metric(
    "shared_nrr",
    scopes=("org",),
    details=("ae_metrics", "csm_metrics", "ae_nrr", "csm_nrr", "shared"),
    cases=("absent", "shared_other"),
)
def shared_nrr(subject: Subject, params: Params) -> Measurement:
    """Whether both comp plans carry an NRR metric, under any of its usual names; when they
    share another metric instead, which."""
    plans = _comp(subject)
    if plans is None:
        details: dict[str, list[str]] = {"ae_metrics": [], "csm_metrics": []}
        return Measurement(False, _COMP_AT, case="absent", details=details)
    ae, csm = _comp_keys(plans[0]), _comp_keys(plans[1])
    shared = _shared(ae, csm)
    both = "nrr" in ae and "nrr" in csm
    details = {
        "ae_metrics": _normalised(plans[0]),
        "csm_metrics": _normalised(plans[1]),
        "ae_nrr": [ae["nrr"]] if "nrr" in ae else [],
        "csm_nrr": [csm["nrr"]] if "nrr" in csm else [],
        "shared": shared,
    }
    case = "shared_other" if shared and not both else None
    return Measurement(both, _COMP_AT, case=case, details=details)


def norm_key(name: str) -> str:
    """A written pod norm as POD331 compares it, as comp metrics are: lower-cased, blanks
    and hyphens as `_` (`Weekly-Sync` and `weekly sync` are `weekly_sync`)."""
    return "_".join(name.lower().replace("-", " ").split())


@metric("collaboration_norms", scopes=("org",))
def collaboration_norms(subject: Subject, params: Params) -> Measurement:
    norms = subject.org.policies.collaboration_norms
    return Measurement(
        sorted({norm_key(name) for name in norms or ()}), ("policies", "collaboration_norms")
    )
