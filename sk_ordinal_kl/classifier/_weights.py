"""Per-sample training weights: ``sample_weight`` times the weight of each sample's class.

``class_weight`` has scikit-learn's meaning: ``"balanced"`` weighs class ``k`` by
``n_samples / (n_present_classes * count_k)``, a dict maps labels to weights (labels not
in it weigh 1). The criterion then takes the weighted mean of the per-sample losses.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from ..labels import OrdinalEncoding, format_labels

__all__ = ["training_weights"]


def _class_weights(
    class_weight: str | Mapping | None, y_index: np.ndarray, encoding: OrdinalEncoding
) -> np.ndarray | None:
    """Weight of each class (ordinal index), or None when all classes weigh the same."""
    if class_weight is None:
        return None
    if isinstance(class_weight, str):  # "balanced", checked by the parameter constraints
        counts = np.bincount(y_index, minlength=encoding.n_classes).astype(np.float64)
        present = counts > 0
        weights = np.ones(encoding.n_classes)
        weights[present] = len(y_index) / (present.sum() * counts[present])
        return weights
    unknown = [label for label in class_weight if label not in set(encoding.ordinal_classes)]
    if unknown:
        raise ValueError(
            f"class_weight has labels not in the classes: {format_labels(unknown)}; "
            f"classes are {format_labels(encoding.ordinal_classes)}."
        )
    weights = np.ones(encoding.n_classes)
    for label, weight in class_weight.items():
        if (
            isinstance(weight, bool)
            or not isinstance(weight, numbers.Real)
            or not np.isfinite(weight)
            or weight < 0
        ):
            raise ValueError(
                f"class_weight[{label!r}] must be a finite number >= 0, got {weight!r}."
            )
        weights[encoding.encode([label])[0]] = float(weight)
    return weights


def _check_sample_weight(sample_weight, n_samples: int) -> np.ndarray:
    weights = np.asarray(sample_weight)
    if weights.dtype.kind not in "iuf" or weights.dtype.kind == "b":
        raise TypeError(f"sample_weight must be numeric, got dtype {weights.dtype}.")
    weights = weights.astype(np.float64)
    if weights.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must have shape ({n_samples},) like y, got {weights.shape}."
        )
    if not np.isfinite(weights).all():
        raise ValueError("sample_weight contains NaN or infinite values.")
    if (weights < 0).any():
        raise ValueError("sample_weight contains negative values; weights must be >= 0.")
    if not weights.sum() > 0:
        raise ValueError("sample_weight is zero for every sample; at least one must be > 0.")
    return weights


def training_weights(
    sample_weight, class_weight, y_index: np.ndarray, encoding: OrdinalEncoding
) -> np.ndarray | None:
    """Per-sample weights for the criterion, or None when every sample weighs 1.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative, finite weights.
    class_weight : None, "balanced" or dict
        Weights of the classes by label.
    y_index : ndarray of shape (n_samples,)
        Ordinal class index of every sample.
    encoding : OrdinalEncoding
        The labels.

    Returns
    -------
    weights : ndarray of shape (n_samples,), float32, or None
    """
    weights = None
    if sample_weight is not None:
        weights = _check_sample_weight(sample_weight, len(y_index))
    per_class = _class_weights(class_weight, y_index, encoding)
    if per_class is not None:
        by_sample = per_class[y_index]
        weights = by_sample if weights is None else weights * by_sample
        if not weights.sum() > 0:
            raise ValueError("class_weight and sample_weight leave every sample weighing 0.")
    return None if weights is None else weights.astype(np.float32)
