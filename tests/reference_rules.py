"""An independent reading of the rule catalogue (rules.md, revision 3), for cross-checking.

Written from the specification only (rules.md rev. 3, org-format.md rev. 2), never from
podcheck's engine (nothing here imports podcheck): `evaluate(org)` takes a valid org file as plain data (what
`yaml.safe_load` returns) and judges it with the default thresholds, every rule selected and
no waivers. Arithmetic is exact: `int` and `Fraction` only. Each rule cites the line of the
specification it implements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

Key = tuple[str, str | None, str | None]

PASS, FAIL, SKIP = "pass", "fail", "skip"

# rules.md tables: code -> default severity.
SEVERITY: dict[str, str] = {
    "POD101": "error",
    "POD102": "error",
    "POD103": "error",
    "POD104": "info",
    "POD105": "error",
    "POD201": "error",
    "POD202": "warning",
    "POD203": "error",
    "POD204": "error",
    "POD205": "warning",
    "POD206": "error",
    "POD301": "error",
    "POD302": "warning",
    "POD303": "warning",
    "POD304": "warning",
    "POD311": "error",
    "POD321": "error",
    "POD322": "warning",
    "POD331": "warning",
    "POD401": "error",
    "POD402": "warning",
    "POD403": "error",
    "POD404": "warning",
    "POD405": "warning",
    "POD406": "error",
    "POD407": "warning",
    "POD501": "error",
    "POD502": "error",
    "POD503": "warning",
    "POD504": "warning",
    "POD505": "warning",
    "POD506": "info",
    "POD507": "error",
    "POD601": "warning",
    "POD602": "warning",
    "POD801": "info",
}

# Default thresholds (rules.md "default" columns).
ACV_MIN = 30000
LOAD_MAX = 35
RATIO_MAX = Fraction(6, 5)
PARITY_MAX = Fraction(1)
PACE_MAX = Fraction(1, 5)
REVIEW_MAX = 6
TRAILING_MAX = Fraction(6, 5)
PILOT_MIN = 3
PODS_MAX = 8
BOOK_SPREAD_MAX = 3
CSM_PRESALES_MAX = 25
AE_PRESALES_MAX = 15
PILOT_DAYS_MIN = 90
MODELS_MAX = 3
BOOK_VALUE_MIN = 1_000_000  # economics.md, POD801

# rules.md "default" columns by code: what the catalogue must ship (tests/test_rules.py).
DEFAULT_THRESHOLD: dict[str, int | Fraction] = {
    "POD101": ACV_MIN,
    "POD103": LOAD_MAX,
    "POD104": 90,
    "POD201": RATIO_MAX,
    "POD202": PARITY_MAX,
    "POD203": PACE_MAX,
    "POD204": RATIO_MAX,
    "POD205": REVIEW_MAX,
    "POD206": TRAILING_MAX,
    "POD401": PILOT_MIN,
    "POD402": PODS_MAX,
    "POD404": BOOK_SPREAD_MAX,
    "POD503": CSM_PRESALES_MAX,
    "POD504": AE_PRESALES_MAX,
    "POD506": PILOT_DAYS_MIN,
    "POD601": MODELS_MAX,
    "POD801": BOOK_VALUE_MIN,
}

# POD322 (and POD321, where "all NRR synonyms count as one metric"): "these count as NRR".
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
NORMS = ("weekly_sync", "shared_account_notes", "late_stage_attendance")

# POD6xx: "Coverage intensity, lowest to highest" and "Tier order".
INTENSITY = {m: i for i, m in enumerate(("none", "ai-agent", "pool", "named", "pod", "swarm"))}
TIER_ORDER = {t: i for i, t in enumerate(("smb", "mid-market", "enterprise", "strategic"))}


# --- Reading values (org-format.md) ------------------------------------------------------

_MONEY = re.compile(r"\$?([0-9][0-9,_]*(?:\.[0-9]+)?)([kKmM]?)")


def money(value: Any) -> Fraction:
    """org-format "Money": a number, or `$`, digits with `,`/`_`, decimals, K or M suffix."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    match = _MONEY.fullmatch(str(value).strip())
    if match is None:
        raise ValueError(value)
    amount = Fraction(match.group(1).replace(",", "").replace("_", ""))
    scale = {"": 1, "k": 1000, "m": 1000000}[match.group(2).lower()]
    return amount * scale


def count(value: Any) -> int:
    """org-format "Counts written with separators": an int, or a string like "1,234"."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    return int(str(value).replace(",", ""))


def number(value: Any) -> Fraction:
    """A plain number (handoff quality, days to first value)."""
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(repr(value))


def pct(value: Any) -> Fraction:
    """org-format pct: a number from 0 to 100, or a string such as "18%"."""
    if isinstance(value, str):
        return Fraction(value.strip().rstrip("%").strip())
    return number(value)


def ratio(num: Fraction | int, den: Fraction | int) -> Fraction | None:
    """num / den exactly; None for a division by zero (which always fails)."""
    if den == 0:
        return None
    return Fraction(num) / Fraction(den)


# --- Segment facts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pod:
    id: str
    ae: int
    csm: int
    accounts: int
    arr: Fraction | None
    pilot: bool


@dataclass(frozen=True)
class Plan:
    """The hiring plan: monthly entries [(month, ae, csm)], or 12-month totals."""

    monthly: tuple[tuple[int, int, int], ...] | None
    totals: tuple[int, int] | None

    def hires_12(self) -> tuple[int, int]:
        """org-format: "Totals over the next 12 months are the sum of entries with month <= 12"."""
        if self.totals is not None:
            return self.totals
        assert self.monthly is not None
        ae = sum(a for m, a, _ in self.monthly if m <= 12)
        csm = sum(c for m, _, c in self.monthly if m <= 12)
        return ae, csm

    def hires_by(self, month: int) -> tuple[Fraction, Fraction]:
        """rules.md projection: a monthly plan adds each month's hires at that month; totals
        are spread evenly, one twelfth of each total per month (exact rationals)."""
        if self.totals is not None:
            ae, csm = self.totals
            return Fraction(ae * month, 12), Fraction(csm * month, 12)
        assert self.monthly is not None
        ae = sum(a for m, a, _ in self.monthly if m <= month)
        csm = sum(c for m, _, c in self.monthly if m <= month)
        return Fraction(ae), Fraction(csm)


@dataclass(frozen=True)
class Segment:
    id: str
    tier: str
    model: str
    acv: Fraction
    accounts: int
    onboarding_days: int | None
    ae: int
    csm: int
    plan: Plan | None
    pods: tuple[Pod, ...] | None
    pod_count: int | None
    pilot_results: dict[str, Any] | None
    history: tuple[tuple[int, int, int], ...] | None

    def listed_pods(self) -> tuple[Pod, ...]:
        return self.pods or ()

    def pod_total(self) -> int:
        """org-format: "the length of `pods` where it is listed, else `pod_count`, else
        `min(headcount.ae, headcount.csm)`"."""
        if self.pods is not None:
            return len(self.pods)
        if self.pod_count is not None:
            return self.pod_count
        return min(self.ae, self.csm)


def read_segment(data: dict[str, Any]) -> Segment:
    plan_data = data.get("hiring_plan")
    plan: Plan | None = None
    if isinstance(plan_data, list):
        plan = Plan(
            monthly=tuple(
                (count(e["month"]), count(e.get("ae", 0)), count(e.get("csm", 0)))
                for e in plan_data
            ),
            totals=None,
        )
    elif isinstance(plan_data, dict):
        plan = Plan(
            monthly=None,
            totals=(count(plan_data.get("ae", 0)), count(plan_data.get("csm", 0))),
        )
    pods = None
    if "pods" in data and data["pods"] is not None:
        pods = tuple(
            Pod(
                id=p["id"],
                ae=count(p["ae"]),
                csm=count(p["csm"]),
                accounts=count(p["accounts"]),
                arr=money(p["arr"]) if "arr" in p else None,
                pilot=p.get("pilot", False) is True,
            )
            for p in data["pods"]
        )
    history = None
    if data.get("history") is not None:
        history = tuple(
            (count(h["months_ago"]), count(h["ae"]), count(h["csm"])) for h in data["history"]
        )
    return Segment(
        id=data["id"],
        tier=data["tier"],
        model=data["model"],
        acv=money(data["acv"]),
        accounts=count(data["accounts"]),
        onboarding_days=count(data["onboarding_days"]) if "onboarding_days" in data else None,
        ae=count(data["headcount"]["ae"]),
        csm=count(data["headcount"]["csm"]),
        plan=plan,
        pods=pods,
        pod_count=count(data["pod_count"]) if "pod_count" in data else None,
        pilot_results=data.get("pilot_results"),
        history=history,
    )


# --- Rule helpers ----------------------------------------------------------------------


def status(ok: bool) -> str:
    return PASS if ok else FAIL


def load_ok(accounts: int, csm: int) -> bool:
    """POD103: `accounts / csm < max` (csm 0 fails)."""
    value = ratio(accounts, csm)
    return value is not None and value < LOAD_MAX


def ratio_ok(ae: Fraction | int, csm: Fraction | int, limit: Fraction) -> bool:
    """POD201/POD202/POD204: `ae / csm <= max` (csm 0 fails)."""
    value = ratio(ae, csm)
    return value is not None and value <= limit


def projection(seg: Segment) -> list[tuple[Fraction, Fraction]]:
    """Headcount after each month 1..12 (POD204); with no plan, today's is held."""
    months = []
    for month in range(1, 13):
        if seg.plan is None:
            months.append((Fraction(seg.ae), Fraction(seg.csm)))
        else:
            ae_h, csm_h = seg.plan.hires_by(month)
            months.append((seg.ae + ae_h, seg.csm + csm_h))
    return months


def pace_ok(seg: Segment) -> bool:
    """POD203: a plan is stated, and AE12 * CSM0 <= (1 + max) * AE0 * CSM12; with AE0 or CSM0
    at 0, `ae_hires <= (1 + max) * csm_hires`. No plan fails."""
    if seg.plan is None:
        return False
    ae_h, csm_h = seg.plan.hires_12()
    if seg.ae == 0 or seg.csm == 0:
        return ae_h <= (1 + PACE_MAX) * csm_h
    ae12, csm12 = seg.ae + ae_h, seg.csm + csm_h
    return ae12 * seg.csm <= (1 + PACE_MAX) * seg.ae * csm12


def projected_ok(seg: Segment) -> bool:
    """POD204: the ratio after each month 1 to 12 stays <= max."""
    return all(ratio_ok(ae, csm, RATIO_MAX) for ae, csm in projection(seg))


def trailing_ok(seg: Segment) -> bool:
    """POD206: ΣAE / ΣCSM over months 0..11 ago <= max (ΣCSM 0 fails). Month 0 is today;
    month m >= 1 is the snapshot with the smallest `months_ago >= m`, else the oldest."""
    assert seg.history is not None
    snapshots = sorted(seg.history)
    total_ae, total_csm = seg.ae, seg.csm
    for month in range(1, 12):
        older = [s for s in snapshots if s[0] >= month]
        chosen = older[0] if older else snapshots[-1]
        total_ae += chosen[1]
        total_csm += chosen[2]
    return ratio_ok(total_ae, total_csm, TRAILING_MAX)


def norm_metric(name: str) -> str:
    """POD322: "compared after lower-casing and turning spaces and hyphens into `_`"."""
    return str(name).lower().replace(" ", "_").replace("-", "_")


def metric_identity(name: str) -> str:
    """POD321: names compared after normalising; "all NRR synonyms count as one metric"."""
    key = norm_metric(name)
    return "NRR" if key in NRR_NAMES else key


def recommend(seg: Segment) -> tuple[str, str | None]:
    """rules.md "Recommended model": structural fit from tier and ACV only."""
    if seg.tier == "strategic":
        return "swarm", None
    if seg.tier in ("enterprise", "mid-market") and seg.acv >= ACV_MIN:
        return "pod", None
    if seg.tier == "enterprise":
        return "named", None
    return "pool", "ai-agent"


# --- Evaluation ------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentOutcome:
    id: str
    verdict: str
    score: int | None
    recommended: str
    alternative: str | None
    cohort: list[str] | None
    pilot_decision: str | None


@dataclass(frozen=True)
class Outcome:
    results: dict[Key, str]
    segments: list[SegmentOutcome]
    verdict: str


def cohort_of(seg: Segment, rollout: str) -> tuple[Pod, ...] | None:
    """rules.md "Pilot cohort": with rollout `pilot` and pods listed with `pilot: true`, those
    pods; otherwise None (the cohort is the whole segment). org-wide ignores the flags."""
    if rollout != "pilot":
        return None
    marked = tuple(p for p in seg.listed_pods() if p.pilot)
    return marked or None


def segment_results(seg: Segment, rollout: str) -> dict[Key, str]:
    """Every segment- and pod-scoped result of one pod segment."""
    out: dict[Key, str] = {}
    sid = seg.id
    cohort = cohort_of(seg, rollout)
    judged = cohort if cohort is not None else seg.listed_pods()
    # With a marked cohort POD103, POD201 and POD202 judge the cohort's totals.
    if cohort is not None:
        c_ae = sum(p.ae for p in cohort)
        c_csm = sum(p.csm for p in cohort)
        c_accounts = sum(p.accounts for p in cohort)
    else:
        c_ae, c_csm, c_accounts = seg.ae, seg.csm, seg.accounts

    # POD101: acv >= min.
    out[("POD101", sid, None)] = status(seg.acv >= ACV_MIN)
    # POD102: tier is mid-market, enterprise or strategic.
    out[("POD102", sid, None)] = status(seg.tier in ("mid-market", "enterprise", "strategic"))
    # POD103: accounts / csm < max, segment (cohort totals) and each judged pod.
    out[("POD103", sid, None)] = status(load_ok(c_accounts, c_csm))
    for pod in judged:
        out[("POD103", sid, pod.id)] = status(load_ok(pod.accounts, pod.csm))
    # POD104: onboarding_days >= min; skipped when absent.
    if seg.onboarding_days is None:
        out[("POD104", sid, None)] = SKIP
    else:
        out[("POD104", sid, None)] = status(seg.onboarding_days >= 90)
    # POD105: ae >= 1 and csm >= 1; "POD105 ... judge the whole segment (and every listed pod)".
    out[("POD105", sid, None)] = status(seg.ae >= 1 and seg.csm >= 1)
    for pod in seg.listed_pods():
        out[("POD105", sid, pod.id)] = status(pod.ae >= 1 and pod.csm >= 1)
    # POD201: ae / csm <= max, segment (cohort totals) and each judged pod.
    out[("POD201", sid, None)] = status(ratio_ok(c_ae, c_csm, RATIO_MAX))
    for pod in judged:
        out[("POD201", sid, pod.id)] = status(ratio_ok(pod.ae, pod.csm, RATIO_MAX))
    # POD202: enterprise/strategic only; today and months 1..12; a marked cohort today only.
    if seg.tier not in ("enterprise", "strategic"):
        out[("POD202", sid, None)] = SKIP
    elif cohort is not None:
        out[("POD202", sid, None)] = status(ratio_ok(c_ae, c_csm, PARITY_MAX))
    else:
        points = [(Fraction(seg.ae), Fraction(seg.csm)), *projection(seg)]
        out[("POD202", sid, None)] = status(all(ratio_ok(a, c, PARITY_MAX) for a, c in points))
    # POD203 / POD204: skipped at segment scope with a marked cohort (judged in POD405).
    if cohort is not None:
        out[("POD203", sid, None)] = SKIP
        out[("POD204", sid, None)] = SKIP
    else:
        out[("POD203", sid, None)] = status(pace_ok(seg))
        out[("POD204", sid, None)] = status(projected_ok(seg))
    # POD206: whole segment; skipped when `history` is absent.
    out[("POD206", sid, None)] = SKIP if seg.history is None else status(trailing_ok(seg))
    # POD401: rollout pilot: the cohort's pod count >= min; org-wide skips.
    if rollout != "pilot":
        out[("POD401", sid, None)] = SKIP
    else:
        size = len(cohort) if cohort is not None else seg.pod_total()
        out[("POD401", sid, None)] = status(size >= PILOT_MIN)
    # POD404: judged pods stating arr; < 2 skip; arr 0 fails; max / min <= max.
    books = [p.arr for p in judged if p.arr is not None]
    if len(books) < 2:
        out[("POD404", sid, None)] = SKIP
    elif min(books) == 0:
        out[("POD404", sid, None)] = FAIL
    else:
        out[("POD404", sid, None)] = status(max(books) / min(books) <= BOOK_SPREAD_MAX)
    # POD405: only with a marked cohort: the whole segment passes POD103, POD201, POD203, POD204.
    if cohort is None:
        out[("POD405", sid, None)] = SKIP
    else:
        ready = (
            load_ok(seg.accounts, seg.csm)
            and ratio_ok(seg.ae, seg.csm, RATIO_MAX)
            and pace_ok(seg)
            and projected_ok(seg)
        )
        out[("POD405", sid, None)] = status(ready)
    # POD801 (economics.md): arr / csm >= min; arr is the pods' ARR when every listed pod
    # states one and the pods hold all the segment's accounts (podcheck's reading for a
    # pilot beside a larger segment), else accounts x acv; skipped when there is no CSM.
    listed = seg.listed_pods()
    held = sum(p.accounts for p in listed) == seg.accounts
    if listed and held and all(p.arr is not None for p in listed):
        arr = sum((p.arr for p in listed if p.arr is not None), Fraction(0))
    else:
        arr = seg.acv * seg.accounts
    out[("POD801", sid, None)] = SKIP if seg.csm == 0 else status(arr / seg.csm >= BOOK_VALUE_MIN)
    # POD407: the recommended model is pod; skipped when POD101 or POD102 fails.
    if FAIL in (out[("POD101", sid, None)], out[("POD102", sid, None)]):
        out[("POD407", sid, None)] = SKIP
    else:
        out[("POD407", sid, None)] = status(recommend(seg)[0] == "pod")
    # POD5xx: only with pilot_results; each skipped when its data is absent.
    results = seg.pilot_results
    if results is not None:
        out.update(pilot_result_rules(sid, results))
    return out


def pilot_result_rules(sid: str, results: dict[str, Any]) -> dict[Key, str]:
    out: dict[Key, str] = {}

    def pair(key: str, read: Any) -> tuple[Fraction, Fraction] | None:
        if key not in results:
            return None
        return read(results[key]["pilot"]), read(results[key]["baseline"])

    handoff = pair("handoff_quality", number)  # POD501: pilot > baseline
    out[("POD501", sid, None)] = SKIP if handoff is None else status(handoff[0] > handoff[1])
    ttv = pair("time_to_first_value_days", number)  # POD502: pilot < baseline
    out[("POD502", sid, None)] = SKIP if ttv is None else status(ttv[0] < ttv[1])
    for code, key, limit in (
        ("POD503", "csm_presales_pct", CSM_PRESALES_MAX),  # <= 25
        ("POD504", "ae_presales_pct", AE_PRESALES_MAX),  # <= 15
    ):
        out[(code, sid, None)] = SKIP if key not in results else status(pct(results[key]) <= limit)
    forecast = pair("renewal_forecast_accuracy_pct", pct)  # POD505: pilot >= baseline
    out[("POD505", sid, None)] = SKIP if forecast is None else status(forecast[0] >= forecast[1])
    days = results.get("days")  # POD506: days >= min
    out[("POD506", sid, None)] = SKIP if days is None else status(count(days) >= PILOT_DAYS_MIN)
    return out


def pilot_decision(sid: str, results: dict[str, Any], seg_results: dict[Key, str]) -> str:
    """rules.md "Pilot decision": the first that applies."""
    if FAIL in (seg_results[("POD503", sid, None)], seg_results[("POD504", sid, None)]):
        return "relabel-as-swarm"
    error_fails = any(
        SEVERITY[code] == "error" and value == FAIL for (code, _, _), value in seg_results.items()
    )
    # "POD501 or POD502 is not a pass": a skip (data absent) is not a pass either.
    handoff, ttv = seg_results[("POD501", sid, None)], seg_results[("POD502", sid, None)]
    if error_fails or handoff != PASS or ttv != PASS:
        return "fix-and-remeasure"
    days = results.get("days")
    if days is None or count(days) < PILOT_DAYS_MIN:
        return "keep-measuring"
    return "extend"


def policy_results(org: dict[str, Any], rollout: str, pod_segments: list[Segment]) -> dict:
    """Org rules other than POD403, POD601, POD602 (run only when some segment is a pod)."""
    out: dict[Key, str] = {}
    policies = org.get("policies") or {}
    renewal = policies.get("renewal_ownership") or {}
    coverage = policies.get("coverage_plan") or {}
    comp = policies.get("comp") or {}
    # POD205: ratio_review_months is set and <= max.
    review = org["org"].get("ratio_review_months")
    out[("POD205", None, None)] = status(review is not None and count(review) <= REVIEW_MAX)
    # POD301: renewal_ownership.written is true (a missing answer is not a yes).
    out[("POD301", None, None)] = status(renewal.get("written") is True)
    # POD302: process_owner csm and commercial_owner ae.
    split = renewal.get("process_owner") == "csm" and renewal.get("commercial_owner") == "ae"
    out[("POD302", None, None)] = status(split)
    # POD303: expansion is joint.
    out[("POD303", None, None)] = status(renewal.get("expansion") == "joint")
    # POD304: expansion_attribution is true.
    out[("POD304", None, None)] = status(renewal.get("expansion_attribution") is True)
    # POD311: documented is true and backup is not none (an unstated backup is not a yes).
    backup = coverage.get("backup")
    covered = coverage.get("documented") is True and backup is not None and backup != "none"
    out[("POD311", None, None)] = status(covered)
    # POD321: at least one metric in both comp plans (normalised; NRR synonyms are one).
    ae_ids = {metric_identity(m) for m in comp.get("ae_metrics") or []}
    csm_ids = {metric_identity(m) for m in comp.get("csm_metrics") or []}
    out[("POD321", None, None)] = status(bool(ae_ids & csm_ids))
    # POD322: an NRR synonym in both comp plans, after normalising.
    ae_nrr = any(norm_metric(m) in NRR_NAMES for m in comp.get("ae_metrics") or [])
    csm_nrr = any(norm_metric(m) in NRR_NAMES for m in comp.get("csm_metrics") or [])
    out[("POD322", None, None)] = status(ae_nrr and csm_nrr)
    # POD331: collaboration_norms has all three, compared as comp metrics are.
    norms = {norm_metric(n.strip()) for n in policies.get("collaboration_norms") or []}
    out[("POD331", None, None)] = status(all(n in norms for n in NORMS))
    # POD402: total pod count over all pod segments < max (every pod, cohort or not).
    out[("POD402", None, None)] = status(sum(s.pod_total() for s in pod_segments) < PODS_MAX)
    # POD406: rollout pilot and exactly one pod segment; org-wide skips.
    if rollout != "pilot":
        out[("POD406", None, None)] = SKIP
    else:
        out[("POD406", None, None)] = status(len(pod_segments) == 1)
    return out


def model_fit_results(segments: list[Segment]) -> dict[Key, str]:
    """POD601 and POD602 (always run)."""
    out: dict[Key, str] = {}
    # POD601: among segments with accounts > 0 and a model other than none.
    used = [s for s in segments if s.accounts > 0 and s.model != "none"]
    same_tier = all(a.model == b.model for a in used for b in used if a.tier == b.tier)  # (a)
    ordered = all(  # (b) no segment more intensive than a segment of a higher tier
        INTENSITY[low.model] <= INTENSITY[high.model]
        for low in used
        for high in used
        if TIER_ORDER[low.tier] < TIER_ORDER[high.tier]
    )
    few = len({s.model for s in used}) <= MODELS_MAX  # (c)
    out[("POD601", None, None)] = status(same_tier and ordered and few)
    # POD602: accounts > 0 -> model other than none, and csm > 0 unless ai-agent.
    covered = all(
        s.model != "none" and (s.csm > 0 or s.model == "ai-agent")
        for s in segments
        if s.accounts > 0
    )
    out[("POD602", None, None)] = status(covered)
    return out


def score(seg_results: dict[Key, str]) -> int:
    """rules.md "readiness score": weighted pass share, errors 3, warnings 1, skips out,
    rounded down; 100 when nothing counts."""
    weights = {"error": 3, "warning": 1}
    total = passed = 0
    for (code, _, _), value in seg_results.items():
        weight = weights.get(SEVERITY[code], 0)
        if value == SKIP or weight == 0:
            continue
        total += weight
        if value == PASS:
            passed += weight
    if total == 0:
        return 100
    return (100 * passed) // total


def evaluate(org: dict[str, Any]) -> Outcome:
    rollout = org["org"].get("rollout", "pilot")
    segments = [read_segment(s) for s in org["segments"]]
    pod_segments = [s for s in segments if s.model == "pod"]
    results: dict[Key, str] = {}
    per_segment: dict[str, dict[Key, str]] = {}
    decisions: dict[str, str | None] = {}
    for seg in pod_segments:
        seg_results = segment_results(seg, rollout)
        per_segment[seg.id] = seg_results
        results.update(seg_results)
        if seg.pilot_results is not None:
            # "it is made from the other rules' results only"; POD507 then judges it.
            decision = pilot_decision(seg.id, seg.pilot_results, seg_results)
            decisions[seg.id] = decision
            seg_results[("POD507", seg.id, None)] = status(decision in ("extend", "keep-measuring"))
            results[("POD507", seg.id, None)] = seg_results[("POD507", seg.id, None)]
        else:
            decisions[seg.id] = None
    if pod_segments:
        results.update(policy_results(org, rollout, pod_segments))
        # POD403: pilot; or org-wide with a pod segment whose pilot ran >= 90 days and extends.
        if rollout == "pilot":
            results[("POD403", None, None)] = PASS
        else:
            completed = any(
                s.pilot_results is not None
                and s.pilot_results.get("days") is not None
                and count(s.pilot_results["days"]) >= PILOT_DAYS_MIN
                and decisions[s.id] == "extend"
                for s in pod_segments
            )
            results[("POD403", None, None)] = status(completed)
    results.update(model_fit_results(segments))

    outcomes = []
    for seg in segments:
        recommended, alternative = recommend(seg)
        if seg.model != "pod":
            outcomes.append(
                SegmentOutcome(seg.id, "n/a", None, recommended, alternative, None, None)
            )
            continue
        seg_results = per_segment[seg.id]
        failing = any(
            SEVERITY[code] == "error" and value == FAIL
            for (code, _, _), value in seg_results.items()
        )
        cohort = cohort_of(seg, rollout)
        outcomes.append(
            SegmentOutcome(
                id=seg.id,
                verdict="no-go" if failing else "go",
                score=score(seg_results),
                recommended=recommended,
                alternative=alternative,
                cohort=[p.id for p in cohort] if cohort is not None else None,
                pilot_decision=decisions[seg.id],
            )
        )
    file_fails = any(
        SEVERITY[code] == "error" and value == FAIL for (code, _, _), value in results.items()
    )
    return Outcome(results, outcomes, "no-go" if file_fails else "go")
