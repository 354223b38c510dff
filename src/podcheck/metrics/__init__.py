"""Named measurements that rules compare against their thresholds, one module per rule family.

Importing the package registers every family's metrics in `REGISTRY`; a rule file names a
metric, and the rule book checks at load time that the metric exists.
"""

from podcheck.metrics import (  # noqa: F401  (imported to register their metrics)
    accounts,
    economics,
    model_fit,
    pilot,
    policies,
    ratio,
    rollout,
    value,
)
from podcheck.metrics.registry import (
    REGISTRY,
    Context,
    Measurement,
    Params,
    Status,
    Subject,
    judged_group,
    metric,
    whole_segment,
)

__all__ = [
    "REGISTRY",
    "Context",
    "Measurement",
    "Params",
    "Status",
    "Subject",
    "judged_group",
    "metric",
    "whole_segment",
]
