"""Labels and their two orders: ordinal indices for the maths, sorted labels for scikit-learn.

An ordinal problem has ``K`` labels in a meaningful order ("low" < "mid" < "high").
Everything ordinal — the loss, the decision rules, the metrics — works on the *index*
``0..K-1`` of each label in that order. scikit-learn, on the other hand, assumes that a
classifier's ``classes_`` is sorted (``np.unique(y)``) and that ``predict_proba`` columns
follow ``classes_``: ROC AUC, log-loss, Brier score, ``CalibratedClassifierCV`` and soft
voting all map labels to columns that way. A fitted estimator therefore carries both:

* ``ordinal_classes_``: the labels in ordinal order (index ``k`` is label
  ``ordinal_classes_[k]``);
* ``classes_``: the same labels sorted, the column order of ``predict_proba``.

:class:`OrdinalEncoding` converts between labels, ordinal indices and the two column
orders; :func:`ordinal_classes_of` and :func:`predict_proba_ordinal` read the ordinal
order from any fitted classifier (ours, a Pipeline or search around it, or a plain
scikit-learn classifier, whose sorted ``classes_`` is then the order).
"""

# Besides the public names: LABEL_ENCODED_MESSAGE (importable from here, as before the
# split into modules) and the private helpers other modules of the package import.
from ._checks import _as_1d_object, check_labels, format_labels  # noqa: F401
from ._encoding import OrdinalEncoding, labels_to_indices, sorted_codes
from ._fitted import (  # noqa: F401
    _proba_in_order,
    ordinal_classes_of,
    predict_proba_ordinal,
    wrapped_ordinal_classes,
)
from ._order import (  # noqa: F401
    LABEL_ENCODED_MESSAGE,
    ClassOrderWarning,
    _ordered_categories,
    check_label_type,
    resolve_ordinal_classes,
    warn_if_label_encoded,
)

__all__ = [
    "ClassOrderWarning",
    "OrdinalEncoding",
    "check_label_type",
    "check_labels",
    "format_labels",
    "labels_to_indices",
    "ordinal_classes_of",
    "predict_proba_ordinal",
    "resolve_ordinal_classes",
    "sorted_codes",
    "warn_if_label_encoded",
    "wrapped_ordinal_classes",
]
