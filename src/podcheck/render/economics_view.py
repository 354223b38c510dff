"""Money and shares as the economics figures are shown: whole dollars, one-decimal shares."""

from fractions import Fraction

from podcheck.core.numbers import Number, format_money, format_plain
from podcheck.judge.economics import Economics

# The one line every output that prices people says: what the cost leaves out.
PEOPLE_ONLY = (
    "The cost counts people only: what they bring in (new ARR from an AE, retention from a "
    "CSM) is not modelled."
)
# The same, where a page has room for one short line.
PEOPLE_ONLY_SHORT = "(people only; what they bring in is not modelled)."


def whole_dollars(value: Number) -> int:
    """Money as shown: rounded to the nearest dollar, halves away from zero."""
    exact = Fraction(value)
    magnitude = (abs(exact) * 2 + 1) // 2
    return int(magnitude if exact >= 0 else -magnitude)


def dollars(value: Number) -> str:
    """$1,234,567: whole dollars, thousands grouped; a saving is written -$12,000."""
    rounded = whole_dollars(value)
    return format_money(rounded) if rounded >= 0 else "-" + format_money(-rounded)


def share_text(value: Number) -> str:
    """A share as a percentage to one decimal place: 8.4%."""
    tenths = whole_dollars(Fraction(value) * 1000)
    return f"{format_plain(Fraction(tenths, 10))}%"


def sentence(economics: Economics) -> str:
    """The segment's figures in one line, as the terminal and Markdown reports show them."""
    absent = dict(economics.absent)
    source = "pods' ARR" if economics.arr_source == "pods" else "accounts × ACV"
    parts = [f"ARR {dollars(economics.arr)} ({source})"]
    if economics.arr_per_csm is not None:
        parts.append(f"{dollars(economics.arr_per_csm)} per CSM")
    else:
        parts.append(f"ARR per CSM not shown ({absent['arr_per_csm']})")
    if economics.people_cost is not None:
        parts.append(f"people cost {dollars(economics.people_cost)} a year")
    else:
        parts.append(f"people cost not priced ({absent['people_cost']})")
    if economics.csm_cost_share is not None:
        parts.append(f"CSM cost {share_text(economics.csm_cost_share)} of ARR")
    else:
        parts.append(f"CSM cost share not shown ({absent['csm_cost_share']})")
    if economics.cost_per_pod is not None:
        parts.append(f"{dollars(economics.cost_per_pod)} per pod")
    else:
        parts.append(f"cost per pod not priced ({absent['cost_per_pod']})")
    return " · ".join(parts)
