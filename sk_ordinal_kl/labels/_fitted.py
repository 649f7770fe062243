"""The ordinal order and ordinal-order probabilities of any fitted classifier.

Ours carries ``ordinal_classes_``; a Pipeline, search, calibrated or voting/stacking
meta-estimator holds it inside (label-encoded codes are mapped back); a plain
scikit-learn classifier has its sorted ``classes_`` as order (with a warning for
strings). A temperature calibrator fitted on integer labels other than ``0..K-1`` is
refused: scikit-learn computes its probabilities against the wrong columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._checks import format_labels
from ._encoding import OrdinalEncoding, labels_to_indices
from ._order import ClassOrderWarning, _has_strings, _ordered_categories, warn_if_label_encoded
from ._warnings import warn_once

__all__ = ["ordinal_classes_of", "predict_proba_ordinal", "wrapped_ordinal_classes"]


def _fitted_ordinal_classes(estimator: Any) -> np.ndarray | None:
    try:
        ordinal = getattr(estimator, "ordinal_classes_", None)
    except (AttributeError, ValueError):  # an unfitted template raises NotFittedError
        return None
    return None if ordinal is None else np.asarray(ordinal)


def _inner_estimators(estimator: Any) -> list:
    """Fitted estimators a meta-estimator holds: a Pipeline's last step, a search's best
    estimator, a wrapper's ``estimator_``, a frozen ``estimator``, the members of
    ``VotingClassifier`` / ``StackingClassifier`` and the calibrated copies of
    ``CalibratedClassifierCV``."""
    inner = []
    for attribute in ("_final_estimator", "best_estimator_", "estimator_", "estimator"):
        value = getattr(estimator, attribute, None)
        if value is not None and not isinstance(value, str | list | tuple):
            inner.append(value)
    inner.extend(getattr(estimator, "estimators_", None) or [])
    for calibrated in getattr(estimator, "calibrated_classifiers_", None) or []:
        inner.append(getattr(calibrated, "estimator", None))
    return [value for value in inner if value is not None and value is not estimator]


def _find_ordinal_classes(estimator: Any, depth: int = 0) -> np.ndarray | None:
    """``ordinal_classes_`` of the estimator or of the first fitted one inside it, in the
    labels of ``estimator.classes_``.

    Meta-estimators that label-encode ``y`` (VotingClassifier, StackingClassifier,
    cross_val_predict, temperature calibration) give their members the codes ``0..K-1``
    of the sorted labels: an inner order made of codes that are not all labels of the
    outer estimator is mapped back through its ``classes_``.
    """
    ordinal = _fitted_ordinal_classes(estimator)
    if ordinal is not None or depth > 4:
        return ordinal
    outer = getattr(estimator, "classes_", None)
    for inner in _inner_estimators(estimator):
        ordinal = _find_ordinal_classes(inner, depth + 1)
        if ordinal is None:
            continue
        if outer is None or np.isin(ordinal, np.asarray(outer)).all():
            return ordinal
        outer = np.asarray(outer)
        is_codes = ordinal.dtype.kind in "iu" and len(ordinal) == len(outer)
        if is_codes and np.array_equal(np.sort(ordinal), np.arange(len(outer))):
            return outer[ordinal]
        raise ValueError(
            f"{type(inner).__name__} inside {type(estimator).__name__} orders labels "
            f"{format_labels(ordinal)} that do not match {format_labels(outer)}."
        )
    return None


def ordinal_classes_of(estimator: Any) -> np.ndarray:
    """Labels in ordinal order of a fitted classifier.

    Reads ``ordinal_classes_`` from the estimator, or from a fitted estimator inside it:
    a Pipeline's last step, a search's ``best_estimator_``, a wrapper's ``estimator_``,
    the members of ``VotingClassifier`` / ``StackingClassifier`` (whose codes are mapped
    back to labels) and ``CalibratedClassifierCV``'s calibrated copies.
    A classifier without ordinal information (any scikit-learn classifier) has its
    sorted ``classes_`` as order; for string labels that is rarely the intended order,
    so a :class:`ClassOrderWarning` says so.

    Parameters
    ----------
    estimator : fitted classifier
        Any object with ``classes_``.

    Returns
    -------
    ordinal_classes : ndarray of shape (K,)
        Labels in ordinal order.

    Raises
    ------
    ValueError
        If the estimator holds a ``CalibratedClassifierCV(method="temperature")`` fitted
        on integer labels other than ``0..K-1``, whose probabilities scikit-learn
        computes against the wrong columns.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> ordinal_classes_of(LogisticRegression().fit([[0], [1], [2]], [0, 1, 2])).tolist()
    [0, 1, 2]
    """
    _reject_misread_temperature_calibration(estimator)
    ordinal = _find_ordinal_classes(estimator)
    if ordinal is not None:
        return ordinal
    try:
        classes = np.asarray(estimator.classes_)
    except AttributeError as exc:
        raise AttributeError(
            f"{type(estimator).__name__} has no classes_; ordinal metrics need a fitted "
            "classifier."
        ) from exc
    if _has_strings(classes):
        warn_once(
            f"{type(estimator).__name__} has string labels and no ordinal_classes_; using "
            f"its sorted classes_ {format_labels(classes)} as the ordinal order.",
            ClassOrderWarning,
            stacklevel=3,
        )
    return classes


def wrapped_ordinal_classes(
    estimator: Any, classes: ArrayLike | None = None, y: Any = None
) -> np.ndarray:
    """Ordinal order of a meta-estimator that wraps ``estimator``.

    In order of precedence: the meta-estimator's own ``classes``; the order the fitted
    ``estimator`` knows (``ordinal_classes_`` in it or inside it); the categories of
    ``y`` when it is an ordered pandas Categorical; the estimator's sorted ``classes_``
    (:func:`ordinal_classes_of`, which warns for string labels).

    Parameters
    ----------
    estimator : fitted classifier
        The wrapped estimator.
    classes : array-like of shape (K,), default=None
        Labels in ordinal order given to the meta-estimator.
    y : array-like, default=None
        The labels the meta-estimator was fitted on, as the user passed them.

    Returns
    -------
    ordinal_classes : ndarray of shape (K,)
        Labels in ordinal order.
    """
    if classes is not None:
        return OrdinalEncoding(classes).ordinal_classes
    known = _find_ordinal_classes(estimator)
    if known is not None:
        return known
    categories = _ordered_categories(y)
    if categories is not None:
        return categories
    warn_if_label_encoded(stacklevel=3)
    return np.asarray(ordinal_classes_of(estimator))


def _misread_temperature_calibration(estimator: Any, depth: int = 0) -> Any | None:
    """The first ``CalibratedClassifierCV(method="temperature")`` in ``estimator`` fitted
    on integer labels other than ``0..K-1``, or None.

    Its temperature fit reads integer labels as column indices (scikit-learn 1.9 encodes
    only string labels), so labels ``1..K`` calibrate against the wrong columns and an
    out-of-range one reads past the row: its probabilities cannot be trusted.
    """
    if depth > 4:
        return None
    classes = getattr(estimator, "classes_", None)
    if (
        getattr(estimator, "method", None) == "temperature"
        and getattr(estimator, "calibrated_classifiers_", None)
        and classes is not None
        and np.asarray(classes).dtype.kind in "iu"
        and not np.array_equal(classes, np.arange(len(classes)))
    ):
        return estimator
    for inner in _inner_estimators(estimator):
        found = _misread_temperature_calibration(inner, depth + 1)
        if found is not None:
            return found
    return None


def _reject_misread_temperature_calibration(estimator: Any) -> None:
    """Raise if ``estimator`` holds a temperature calibrator whose numbers are wrong."""
    calibrated = _misread_temperature_calibration(estimator)
    if calibrated is not None:
        raise ValueError(
            "CalibratedClassifierCV(method='temperature') was fitted on integer labels "
            f"{format_labels(calibrated.classes_)}, not 0..K-1: scikit-learn's temperature "
            "fit reads them as column indices, so its probabilities are wrong. Fit it on "
            "codes 0..K-1 in ordinal order, e.g. sorted_codes(order)[index], with "
            "classes=sorted_codes(order) on the inner estimator."
        )


def predict_proba_ordinal(estimator: Any, X: ArrayLike) -> np.ndarray:
    """``estimator.predict_proba(X)`` with columns in ordinal order.

    Parameters
    ----------
    estimator : fitted classifier
        Any classifier with ``predict_proba`` whose columns follow ``classes_``.
    X : array-like
        Input samples.

    Returns
    -------
    proba : ndarray of shape (n_samples, K)
        Column ``k`` is the probability of ``ordinal_classes_of(estimator)[k]``.

    Raises
    ------
    ValueError
        If ``predict_proba`` does not give one column per class, or if the estimator
        holds a ``CalibratedClassifierCV(method="temperature")`` fitted on integer labels
        other than ``0..K-1`` (scikit-learn reads those as column indices when it fits
        the temperature, so the probabilities are wrong).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> clf = LogisticRegression().fit([[0], [1], [2]], [0, 1, 2])
    >>> predict_proba_ordinal(clf, [[1]]).shape
    (1, 3)
    """
    ordinal = ordinal_classes_of(estimator)
    proba = np.asarray(estimator.predict_proba(X))
    classes = np.asarray(estimator.classes_)
    if proba.ndim != 2 or proba.shape[1] != len(classes):
        raise ValueError(
            f"predict_proba returned shape {proba.shape}, expected (n_samples, "
            f"{len(classes)}) to match classes_."
        )
    return proba[:, labels_to_indices(ordinal, classes, name="ordinal_classes_")]


def _proba_in_order(estimator, X, ordinal_classes: np.ndarray) -> np.ndarray:
    """``estimator.predict_proba(X)`` with one column per label of ``ordinal_classes``.

    Columns are matched by label through ``estimator.classes_``, so a fold estimator that
    never saw a class gives it probability 0.
    """
    _reject_misread_temperature_calibration(estimator)
    proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
    known = np.asarray(estimator.classes_)
    if proba.ndim != 2 or proba.shape[1] != len(known):
        raise ValueError(
            f"{type(estimator).__name__}.predict_proba returned shape {proba.shape}, "
            f"expected (n_samples, {len(known)}) to match its classes_."
        )
    columns = labels_to_indices(known, ordinal_classes, name="the estimator's classes_")
    out = np.zeros((proba.shape[0], len(ordinal_classes)))
    out[:, columns] = proba
    return out
