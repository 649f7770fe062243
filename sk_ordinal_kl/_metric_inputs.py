"""Validation of the inputs of the ordinal metrics: class indices, per-sample weights,
probability rows and prediction sets, each checked once and turned into ordinal indices.

Every check raises a ValueError naming the problem; nothing here computes a metric.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .labels import OrdinalEncoding, _as_1d_object, format_labels, labels_to_indices

# Tolerance on row sums of ``y_proba``: loose enough for float32 softmax output,
# tight enough to reject unnormalised scores such as logits.
_PROBA_SUM_ATOL = 1e-3


# --------------------------------------------------------------------------- #
# Class indices, weights, probabilities
# --------------------------------------------------------------------------- #
def check_indices(y: ArrayLike, name: str) -> NDArray[np.int64]:
    """Validate that ``y`` holds non-negative integer class indices."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array with shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; at least one sample is required.")
    if arr.dtype.kind not in "iuf":  # bool and labels are rejected
        raise ValueError(
            f"{name} must contain integer class indices, got dtype {arr.dtype}. "
            "Pass classes=[...] to map labels to indices."
        )
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} contains NaN or infinite values.")
        if not np.array_equal(arr, np.round(arr)):
            raise ValueError(f"{name} contains non-integer values; indices must be integers.")
    if (arr < 0).any():
        raise ValueError(f"{name} contains negative values; class indices must be >= 0.")
    return arr.astype(np.int64)


def _check_same_length(y_true: np.ndarray, y_other: np.ndarray, other_name: str) -> None:
    if len(y_true) != len(y_other):
        raise ValueError(
            f"y_true and {other_name} have different lengths: {len(y_true)} != {len(y_other)}."
        )


def true_indices(y_true: ArrayLike, classes: ArrayLike | None) -> NDArray[np.int64]:
    """``y_true`` as class indices: checked indices without ``classes``, else its labels'
    positions in ``classes``; never empty."""
    if classes is None:
        return check_indices(y_true, "y_true")
    true_idx = labels_to_indices(y_true, classes, name="y_true")
    if true_idx.size == 0:
        raise ValueError("y_true is empty; at least one sample is required.")
    return true_idx


def _prepare_indices(
    y_true: ArrayLike, y_pred: ArrayLike, classes: ArrayLike | None
) -> tuple[NDArray[np.int64], NDArray[np.int64], int | None]:
    """Return validated ``(true_idx, pred_idx, n_classes)``; n_classes is None without classes."""
    true_idx = true_indices(y_true, classes)
    if classes is None:
        pred_idx = check_indices(y_pred, "y_pred")
        n_classes = None
    else:
        pred_idx = labels_to_indices(y_pred, classes, name="y_pred")
        n_classes = len(_as_1d_object(classes, "classes"))
    _check_same_length(true_idx, pred_idx, "y_pred")
    return true_idx, pred_idx, n_classes


def check_weights(sample_weight: ArrayLike | None, n_samples: int) -> NDArray[np.float64] | None:
    """None, or ``sample_weight`` as float64: 1-D, one per sample, finite, non-negative and
    with a positive total (a weighted mean needs one)."""
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight)
    if weights.dtype.kind not in "iuf" or weights.ndim != 1:
        raise ValueError(
            f"sample_weight must be a 1-D array of numbers, got dtype {weights.dtype} and "
            f"shape {weights.shape}."
        )
    weights = weights.astype(np.float64)
    if len(weights) != n_samples:
        raise ValueError(f"sample_weight has {len(weights)} entries for {n_samples} samples.")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("sample_weight must be finite and non-negative.")
    if weights.sum() <= 0:
        raise ValueError("sample_weight sums to 0; a weighted mean needs a positive total.")
    return weights


def indices_and_weights(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    classes: ArrayLike | None,
    sample_weight: ArrayLike | None,
) -> tuple[NDArray[np.int64], NDArray[np.int64], int | None, NDArray[np.float64] | None]:
    """The opening of every metric of two label arrays: ``(true_idx, pred_idx, n_classes,
    weights)`` validated (:func:`_prepare_indices`, :func:`check_weights`)."""
    true_idx, pred_idx, n_classes = _prepare_indices(y_true, y_pred, classes)
    return true_idx, pred_idx, n_classes, check_weights(sample_weight, len(true_idx))


def check_proba(y_proba: ArrayLike, n_samples: int) -> NDArray[np.float64]:
    """Validate a (n_samples, K) matrix of per-class probabilities."""
    proba = np.asarray(y_proba)
    if proba.ndim != 2:
        raise ValueError(f"y_proba must be 2-D (n_samples, n_classes), got shape {proba.shape}.")
    if proba.dtype.kind not in "iuf":
        raise ValueError(f"y_proba must be numeric, got dtype {proba.dtype}.")
    proba = proba.astype(np.float64)
    if proba.shape[0] != n_samples:
        raise ValueError(
            f"y_true and y_proba have different lengths: {n_samples} != {proba.shape[0]}."
        )
    if proba.shape[1] < 2:
        raise ValueError(f"y_proba must have at least 2 columns, got {proba.shape[1]}.")
    if not np.isfinite(proba).all():
        raise ValueError("y_proba contains NaN or infinite values.")
    if (proba < 0).any():
        raise ValueError("y_proba contains negative values; expected probabilities.")
    if not np.allclose(proba.sum(axis=1), 1.0, rtol=0.0, atol=_PROBA_SUM_ATOL):
        raise ValueError("Rows of y_proba must sum to 1; expected probabilities, not scores.")
    return proba


# --------------------------------------------------------------------------- #
# Prediction sets
# --------------------------------------------------------------------------- #
def _class_indices(values: ArrayLike, name: str) -> np.ndarray:
    """``values`` as int64 class indices; integer-valued floats are accepted."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
        return array.astype(np.int64)
    raise ValueError(
        f"{name} must hold integer class indices when classes is None; pass "
        "classes=[...] in ordinal order to use labels."
    )


def _first_rows(mask: np.ndarray) -> str:
    rows = np.flatnonzero(mask)
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return f"{rows[:5].tolist()}{more}"


def set_bounds(
    y_sets: ArrayLike, classes: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, int | None]:
    """``(low_index, high_index, K)`` of each set in ordinal indices; ``K`` is the number
    of classes, None for intervals of indices (where it is unknown)."""
    sets = np.asarray(y_sets)
    if sets.ndim >= 1 and len(sets) == 0:
        raise ValueError("y_sets is empty: the metrics need at least one sample.")
    if sets.ndim != 2:
        raise ValueError(
            f"y_sets must be 2-D: boolean sets (n_samples, K) or intervals (n_samples, 2), "
            f"got shape {sets.shape}."
        )
    encoding = None if classes is None else OrdinalEncoding(classes)
    if sets.dtype == bool:
        if encoding is not None:
            if sets.shape[1] != encoding.n_classes:
                raise ValueError(
                    f"y_sets has {sets.shape[1]} columns but classes has "
                    f"{encoding.n_classes} labels; boolean sets need one column per class."
                )
            sets = encoding.to_ordinal_columns(sets)
        if not sets.any(axis=1).all():
            raise ValueError("y_sets has empty sets; every row needs at least one label.")
        k = sets.shape[1]
        low = np.argmax(sets, axis=1)
        high = k - 1 - np.argmax(sets[:, ::-1], axis=1)
        if np.any(sets.sum(axis=1) != high - low + 1):
            raise ValueError("y_sets has sets that are not contiguous in ordinal order.")
        return low, high, k
    if sets.shape[1] != 2:
        raise ValueError(
            f"y_sets must be boolean sets (n_samples, K) of dtype bool or intervals "
            f"(n_samples, 2), got shape {sets.shape} of dtype {sets.dtype}."
        )
    if encoding is None:
        low = _class_indices(sets[:, 0], "y_sets (intervals)")
        high = _class_indices(sets[:, 1], "y_sets (intervals)")
        negative = (low < 0) | (high < 0)
        if negative.any():
            raise ValueError(
                f"y_sets has intervals with negative class indices, in rows "
                f"{_first_rows(negative)}; without classes, bounds are indices 0..K-1."
            )
    else:
        low = encoding.encode(sets[:, 0], name="interval lows")
        high = encoding.encode(sets[:, 1], name="interval highs")
    reversed_ = low > high
    if reversed_.any():
        raise ValueError(
            f"y_sets has intervals with low > high in ordinal order, in rows "
            f"{_first_rows(reversed_)}; an interval is [low, high] (y_sets that is not of "
            "dtype bool is read as intervals: give sets as booleans)."
        )
    return low, high, None if encoding is None else encoding.n_classes


def true_and_set_bounds(
    y_true: ArrayLike, y_sets: ArrayLike, classes: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(true_index, low_index, high_index)`` in ordinal indices."""
    low, high, k = set_bounds(y_sets, classes)
    if classes is None:
        if np.ndim(y_true) != 1:
            raise ValueError(f"y_true must be 1-D, got shape {np.shape(y_true)}.")
        true_index = _class_indices(y_true, "y_true")
        outside = (true_index < 0) | (true_index >= (np.inf if k is None else k))
        if outside.any():
            where = "negative" if k is None else f"outside 0..{k - 1} (K = {k} set columns)"
            raise ValueError(
                f"y_true has class indices {format_labels(np.unique(true_index[outside]))} "
                f"{where}; without classes, y_true must hold class indices 0..K-1, so pass "
                "classes=[...] in ordinal order for labels such as 1..K."
            )
    else:
        true_index = labels_to_indices(y_true, classes, name="y_true")
    if len(true_index) != len(low):
        raise ValueError(
            f"y_sets must have one row per sample of y_true ({len(true_index)}), got "
            f"{len(low)} rows."
        )
    return true_index, low, high
