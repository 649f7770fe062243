"""Which order the labels have: given, an ordered Categorical's, or sorted with a warning.

The ordinal order comes from, in turn, the ``classes`` parameter, an ordered pandas
Categorical's categories, and the sorted unique values. String labels are never sorted
into an "order" silently: :class:`ClassOrderWarning` says so. Nor are the codes that
``cross_val_predict`` gives labels (:func:`warn_if_label_encoded`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.utils.multiclass import check_classification_targets

from .._compat import label_encoded_fit
from ._checks import _check_class_list, _natural_values, check_labels, format_labels
from ._warnings import warn_once

__all__ = [
    "LABEL_ENCODED_MESSAGE",
    "ClassOrderWarning",
    "check_label_type",
    "resolve_ordinal_classes",
    "warn_if_label_encoded",
]


class ClassOrderWarning(UserWarning):
    """String labels were put in sorted order because no ordinal order was given.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ClassOrderWarning)  # sorted order is right here
    """


def _ordered_categories(y: Any) -> np.ndarray | None:
    """Categories of an *ordered* pandas Categorical (or Series of one), else None."""
    dtype = getattr(y, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
        return _natural_values(dtype.categories)
    return None


def _has_strings(labels: np.ndarray) -> bool:
    return labels.dtype.kind in "US" or any(isinstance(v, str) for v in labels.ravel())


def check_label_type(labels: np.ndarray, y: ArrayLike, classes: ArrayLike | None = None) -> None:
    """Labels a classifier can learn: discrete ones, or any listed in a given order.

    Without an order (``classes``, or an ordered pandas Categorical ``y``) the labels
    must be discrete as scikit-learn's ``check_classification_targets`` has it:
    integers, strings, booleans, or floats that are whole numbers. Float labels such as
    ``0.5, 1.5, ...`` are accepted when an order lists them (labels outside it raise
    when they are encoded); without one, the error says how to give it.

    Parameters
    ----------
    labels : ndarray of shape (n_samples,)
        Checked labels (:func:`~sk_ordinal_kl.labels.check_labels`).
    y : array-like of shape (n_samples,)
        The labels as passed (an ordered Categorical gives the order).
    classes : array-like of shape (K,), default=None
        All labels in ordinal order, when given.

    Raises
    ------
    ValueError
        scikit-learn's "Unknown label type" message, which for float labels goes on
        to say how to use them as classes.

    Examples
    --------
    >>> check_label_type(np.array([0.5, 1.5]), [0.5, 1.5], classes=[0.5, 1.5])
    """
    if classes is not None or _ordered_categories(y) is not None:
        return
    try:
        check_classification_targets(labels)
    except ValueError as error:
        if labels.dtype.kind != "f":
            raise
        observed = np.unique(labels)
        example = format_labels(observed) if len(observed) <= 10 else "[...]"
        raise ValueError(
            f"{error} If these floats are class labels, pass classes={example} (every "
            "label, in ordinal order) or y as an ordered pandas Categorical; predict then "
            "returns these labels."
        ) from None


def resolve_ordinal_classes(
    y: ArrayLike, classes: ArrayLike | None = None, *, stacklevel: int = 2
) -> np.ndarray:
    """Labels in ordinal order: ``classes`` > ordered Categorical > sorted unique values.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Training labels; an ordered pandas Categorical gives its categories' order.
    classes : array-like of shape (K,), default=None
        All labels in ordinal order, used as given (never sorted).
    stacklevel : int, default=2
        Passed to :func:`warnings.warn` for the :class:`ClassOrderWarning`.

    Returns
    -------
    ordinal_classes : ndarray of shape (K,)
        Labels in ordinal order.

    Warns
    -----
    ClassOrderWarning
        When string labels had to be put in sorted order.

    Examples
    --------
    >>> resolve_ordinal_classes([3, 1, 2]).tolist()
    [1, 2, 3]
    >>> resolve_ordinal_classes(["b", "a"], classes=["b", "a"]).tolist()
    ['b', 'a']
    """
    if classes is not None:
        return _check_class_list(classes)
    categories = _ordered_categories(y)
    if categories is not None:
        return _check_class_list(categories, name="the categories of y")
    observed = np.unique(check_labels(y))
    if len(observed) < 2:
        raise ValueError(
            f"y contains only {len(observed)} class ({format_labels(observed)}); an ordinal "
            "classifier needs at least 2 classes to learn from."
        )
    if _has_strings(observed):
        warn_once(
            f"y holds string labels and no order was given; using sorted order "
            f"{format_labels(observed)} as the ordinal order. Pass classes=[...] in ordinal "
            "order or an ordered pandas Categorical to set it.",
            ClassOrderWarning,
            stacklevel=stacklevel + 1,
        )
    else:
        warn_if_label_encoded(stacklevel=stacklevel + 1)
    return observed


# One text, whatever the data, so that it is shown once however many folds fit.
LABEL_ENCODED_MESSAGE = (
    "cross_val_predict(method='predict_proba', 'predict_log_proba' or 'decision_function') "
    "fits the estimator on the codes 0..K-1 that a LabelEncoder gives the sorted labels, "
    "so the ordinal order of string labels or of an ordered Categorical is lost: the codes "
    "are ordered as the sorted labels, which is rarely the ordinal order. Pass "
    "classes=sk_ordinal_kl.labels.sorted_codes(order) to the estimator (to the "
    "meta-estimator for a scikit-learn classifier), or classes=list(range(K)) when the "
    "labels are already integers 0..K-1 in ordinal order."
)


def warn_if_label_encoded(*, stacklevel: int = 2) -> None:
    """Warn when ``y`` is ``cross_val_predict``'s codes of labels that are not numbers.

    ``cross_val_predict`` with a probability method label-encodes ``y`` before fitting,
    and the estimator receives plain integers ``0..K-1`` it cannot tell from integer
    labels. The order of the codes is the sorted order of the labels: right for numbers
    (their natural order, which the estimator would have used anyway), wrong in general
    for strings or an ordered Categorical. So, when no order was given:

    * the encoded labels are visible (``cross_val_predict`` runs in this process) and
      are numbers or booleans: nothing to say;
    * they are strings (or other objects): warn;
    * they are not visible (the fit runs in a joblib worker): warn, since strings cannot
      be ruled out.

    A plain fit on integer labels never warns. Numbers as the categories of an ordered
    Categorical in a non-numeric order are not caught: the Categorical is gone before
    the estimator is called.

    Parameters
    ----------
    stacklevel : int, default=2
        Passed on to :func:`warnings.warn`.

    Warns
    -----
    ClassOrderWarning
        With the text ``LABEL_ENCODED_MESSAGE`` of this module, once per process under
        the default filters.
    """
    encoded = label_encoded_fit()
    if encoded is None:
        return
    labels = encoded.encoded_labels
    if labels is not None and np.asarray(labels).dtype.kind in "biuf":
        return
    warn_once(LABEL_ENCODED_MESSAGE, ClassOrderWarning, stacklevel=stacklevel + 1)
