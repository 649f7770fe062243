"""What the meta-estimators (tuned decision, conformal sets) share: a clear error for a
missing ``y``, the labels their wrapped estimator is fitted on, and its input attributes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .labels import OrdinalEncoding, _ordered_categories, format_labels


def require_y(meta: Any, y: Any) -> None:
    """Raise scikit-learn's message for a missing target (its checks look for it)."""
    if y is None:
        raise ValueError(
            f"{type(meta).__name__} requires y to be passed, but the target y is None."
        )


def copy_input_attributes(meta: Any, fitted: Any) -> None:
    """Give ``meta`` the ``n_features_in_`` / ``feature_names_in_`` of the fitted estimator
    it wraps (and drop stale ones from an earlier fit), as scikit-learn's wrappers do."""
    for name in ("n_features_in_", "feature_names_in_"):
        vars(meta).pop(name, None)
        if hasattr(fitted, name):
            setattr(meta, name, getattr(fitted, name))


def labels_for_inner_fit(labels: np.ndarray, y: Any, classes: Any = None) -> Any:
    """The labels to fit the wrapped estimator on, carrying the ordinal order if known.

    With an order (the meta-estimator's ``classes``, else the categories of an ordered
    Categorical ``y``) they become a pandas Series of an ordered Categorical in that
    order: an :class:`~sk_ordinal_kl.OrdinalKLClassifier` inside, bare or as a
    Pipeline's last step, reads its order from it, and a scikit-learn classifier sees
    the labels. Passing ``labels`` as a plain array would lose the order, and the inner
    estimator would train on the sorted labels. Without an order ``labels`` is returned.

    Parameters
    ----------
    labels : ndarray of shape (n_samples,)
        The checked labels (``check_labels(y)``), all in the order.
    y : array-like of shape (n_samples,)
        The labels as the user passed them (an ordered Categorical gives the order).
    classes : array-like of shape (K,), default=None
        The meta-estimator's ``classes`` (labels in ordinal order); has precedence.

    Returns
    -------
    labels : pandas Series of an ordered Categorical, or the ndarray as given
    """
    order = OrdinalEncoding(classes).ordinal_classes if classes is not None else None
    if order is None:
        order = _ordered_categories(y)
    if order is None:
        return labels
    ordered = pd.Categorical(labels, categories=order, ordered=True)
    missing = ordered.codes < 0
    if missing.any():  # callers check this first; a NaN label must never reach a fit
        raise ValueError(
            f"y contains labels {format_labels(pd.unique(labels[missing]))} that are not in "
            f"the ordinal order {format_labels(order)}."
        )
    return pd.Series(ordered)
