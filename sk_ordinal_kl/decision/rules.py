"""Decision rules: from class probabilities over ordered classes to one class index.

The best point prediction depends on the metric:

- ``"argmax"``: the mode of ``q``; maximises accuracy.
- ``"median"``: the smallest ``k`` with ``sum_{j <= k} q_j >= 1/2``; minimises the expected
  absolute error on the class index.
- ``"mean"``: ``E_q[k] = sum_k k q_k`` rounded to the nearest index (halves round up);
  minimises (nearly) the expected squared error.

Ordered cut points on ``E_q[k]`` (:func:`predict_index_thresholds`) generalise the
``"mean"`` rule; :mod:`~sk_ordinal_kl.decision.thresholds` fits them to a metric.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "PREDICTION_RULES",
    "check_prediction_rule",
    "expected_index",
    "predict_index",
    "predict_index_thresholds",
]

PREDICTION_RULES = ("argmax", "median", "mean")


def check_prediction_rule(rule: str) -> str:
    """Return ``rule`` if it names a known decision rule, else raise ``ValueError``.

    Parameters
    ----------
    rule : str
        One of ``"argmax"``, ``"median"``, ``"mean"``.

    Returns
    -------
    rule : str
        The validated rule.

    Examples
    --------
    >>> check_prediction_rule("median")
    'median'
    """
    if not isinstance(rule, str) or rule not in PREDICTION_RULES:
        raise ValueError(f"prediction must be one of {PREDICTION_RULES}, got {rule!r}.")
    return rule


def _median_index(proba: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(proba, axis=1)
    # Rows may sum to 1 - 1e-7 in float32: compare with half of each row's own total.
    half = 0.5 * cumulative[:, -1:]
    return np.argmax(cumulative >= half, axis=1)


def _rounded_mean_index(proba: np.ndarray) -> np.ndarray:
    num_classes = proba.shape[1]
    mean = proba @ np.arange(num_classes, dtype=proba.dtype) / proba.sum(axis=1)
    return np.clip(np.floor(mean + 0.5), 0, num_classes - 1).astype(np.int64)


def predict_index(proba: np.ndarray, rule: str = "argmax") -> np.ndarray:
    """Class index per row of ``proba`` under a decision rule.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, K)
        Class probabilities, columns in ordinal order.
    rule : {"argmax", "median", "mean"}, default="argmax"
        Decision rule (see the module docstring).

    Returns
    -------
    index : ndarray of shape (n_samples,), int64
        Predicted class index in ``0..K-1``.

    Examples
    --------
    >>> q = np.array([[0.4, 0.0, 0.0, 0.3, 0.3]])
    >>> predict_index(q, "argmax"), predict_index(q, "median"), predict_index(q, "mean")
    (array([0]), array([3]), array([2]))
    """
    rule = check_prediction_rule(rule)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2:
        raise ValueError(f"proba must be 2-D (n_samples, n_classes), got shape {proba.shape}.")
    if rule == "median":
        return _median_index(proba).astype(np.int64)
    if rule == "mean":
        return _rounded_mean_index(proba)
    return np.argmax(proba, axis=1).astype(np.int64)


def expected_index(proba: np.ndarray) -> np.ndarray:
    """Expected class index ``E_q[k] = sum_k k q_k`` of each row (rows renormalised).

    Parameters
    ----------
    proba : ndarray of shape (n_samples, K)
        Class probabilities, columns in ordinal order.

    Returns
    -------
    mean : ndarray of shape (n_samples,), float64
        Values in ``[0, K - 1]``; the ``"mean"`` rule rounds them.

    Examples
    --------
    >>> expected_index(np.array([[0.5, 0.0, 0.5], [0.0, 1.0, 0.0]]))
    array([1., 1.])
    """
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2:
        raise ValueError(f"proba must be 2-D (n_samples, n_classes), got shape {proba.shape}.")
    return proba @ np.arange(proba.shape[1], dtype=np.float64) / proba.sum(axis=1)


def predict_index_thresholds(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Class index from ordered cut points on the expected class index.

    Row ``i`` gets the number of cut points ``t_j <= E_q[k]``. The cut points
    ``k + 0.5`` (``k = 0..K-2``) give the ``"mean"`` rule exactly.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, K)
        Class probabilities, columns in ordinal order.
    thresholds : array-like of shape (K - 1,)
        Non-decreasing cut points.

    Returns
    -------
    index : ndarray of shape (n_samples,), int64
        Predicted class index in ``0..K-1``.

    Examples
    --------
    >>> q = np.array([[0.6, 0.4, 0.0], [0.2, 0.2, 0.6]])
    >>> predict_index_thresholds(q, [0.3, 1.2]).tolist()
    [1, 2]
    """
    proba = np.asarray(proba, dtype=np.float64)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if proba.ndim != 2 or thresholds.shape != (proba.shape[1] - 1,):
        raise ValueError(
            f"thresholds must have shape (K - 1,) = ({proba.shape[-1] - 1},) for proba of "
            f"shape {proba.shape}, got shape {thresholds.shape}."
        )
    if np.any(np.diff(thresholds) < 0):
        raise ValueError(f"thresholds must be non-decreasing, got {thresholds.tolist()}.")
    return np.searchsorted(thresholds, expected_index(proba), side="right").astype(np.int64)
