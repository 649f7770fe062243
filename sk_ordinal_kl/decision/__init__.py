"""Ordinal decisions: from class probabilities to one class.

- :mod:`~sk_ordinal_kl.decision.rules`: the fixed rules (``argmax``, ``median``, ``mean``)
  and ordered cut points on the expected class index;
- :mod:`~sk_ordinal_kl.decision.thresholds`: fitting those cut points to a metric, and
  scoring them on samples they were not fitted on (cross-fitting);
- :mod:`~sk_ordinal_kl.decision.tuned`: :class:`TunedOrdinalDecisionCV`, which chooses
  among them by cross-validation for any probabilistic classifier.
"""

from .rules import (
    PREDICTION_RULES,
    check_prediction_rule,
    expected_index,
    predict_index,
    predict_index_thresholds,
)
from .thresholds import cross_fit_partitions, cross_fitted_index, fit_thresholds
from .tuned import DECISIONS, TunedOrdinalDecisionCV

__all__ = [
    "DECISIONS",
    "PREDICTION_RULES",
    "TunedOrdinalDecisionCV",
    "check_prediction_rule",
    "cross_fit_partitions",
    "cross_fitted_index",
    "expected_index",
    "fit_thresholds",
    "predict_index",
    "predict_index_thresholds",
]
