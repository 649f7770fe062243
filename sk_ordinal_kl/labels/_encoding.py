"""Labels <-> ordinal indices, and the two column orders (ordinal, sorted ``classes_``).

:func:`labels_to_indices` maps labels to their position in an order given as is;
:class:`OrdinalEncoding` holds both orders of a fitted estimator and converts between
them; :func:`sorted_codes` writes the ordinal order in the codes a ``LabelEncoder``
gives the labels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import _as_1d_object, _check_class_list, format_labels

__all__ = ["OrdinalEncoding", "labels_to_indices", "sorted_codes"]


def _class_lookup(classes: ArrayLike) -> dict[Any, int]:
    """Map each label of ``classes`` to its position, rejecting duplicates."""
    class_arr = _as_1d_object(classes, "classes")
    if class_arr.size == 0:
        raise ValueError("classes must contain at least one label.")
    lookup: dict[Any, int] = {}
    duplicates: list[Any] = []
    for position, label in enumerate(class_arr.tolist()):
        if label in lookup:
            duplicates.append(label)
        else:
            lookup[label] = position
    if duplicates:
        raise ValueError(f"classes contains duplicate labels: {format_labels(duplicates)}.")
    return lookup


def labels_to_indices(y: ArrayLike, classes: ArrayLike, *, name: str = "y") -> NDArray[np.int64]:
    """Map labels to their position in ``classes``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels to map. Strings, integers, floats and mixed object arrays are
        supported; labels are matched by equality (so ``1 == 1.0``).
    classes : array-like of shape (n_classes,)
        All labels in their ordinal order. The order is used as given and is
        never sorted. Entries must be unique.
    name : str, default="y"
        Name of ``y`` used in error messages.

    Returns
    -------
    indices : ndarray of shape (n_samples,), dtype int64
        ``indices[i]`` is the position of ``y[i]`` in ``classes``.

    Raises
    ------
    ValueError
        If ``y`` or ``classes`` is not 1-D, ``classes`` is empty or has
        duplicates, or ``y`` contains a label that is not in ``classes`` (the
        unknown labels are named in the message).

    Examples
    --------
    >>> labels_to_indices(["high", "low", "mid"], classes=["low", "mid", "high"])
    array([2, 0, 1])
    """
    lookup = _class_lookup(classes)
    values = _as_1d_object(y, name).tolist()
    indices = np.fromiter((lookup.get(v, -1) for v in values), dtype=np.int64, count=len(values))
    unknown_mask = indices < 0
    if unknown_mask.any():
        # dict.fromkeys de-duplicates while keeping the order of first appearance.
        unknown = list(
            dict.fromkeys(v for v, bad in zip(values, unknown_mask, strict=True) if bad)
        )
        raise ValueError(
            f"{name} contains labels not in classes: {format_labels(unknown)}; "
            f"known classes are {format_labels(list(lookup))}."
        )
    return indices


class OrdinalEncoding:
    """Labels in ordinal order, and conversions to indices and between column orders.

    Parameters
    ----------
    ordinal_classes : array-like of shape (K,)
        All labels in ordinal order (unique, of one kind).

    Attributes
    ----------
    ordinal_classes : ndarray of shape (K,)
        Labels in ordinal order: index ``k`` is ``ordinal_classes[k]``.
    classes : ndarray of shape (K,)
        The same labels sorted, as scikit-learn's ``classes_``.
    sorted_to_ordinal : ndarray of shape (K,), int64
        ``sorted_to_ordinal[j]`` is the ordinal index of ``classes[j]``.
    is_sorted : bool
        Whether both orders agree (integer labels in their natural order).

    Examples
    --------
    >>> enc = OrdinalEncoding(["low", "mid", "high"])
    >>> enc.classes.tolist(), enc.encode(["mid", "high"]).tolist()
    (['high', 'low', 'mid'], [1, 2])
    >>> enc.to_sorted_columns(np.array([[0.7, 0.2, 0.1]])).tolist()
    [[0.1, 0.7, 0.2]]
    """

    def __init__(self, ordinal_classes: ArrayLike) -> None:
        self.ordinal_classes = _check_class_list(ordinal_classes)
        # A stable argsort of the labels: classes[j] = ordinal_classes[sorted_to_ordinal[j]].
        self.sorted_to_ordinal = np.argsort(self.ordinal_classes, kind="stable").astype(np.int64)
        self.classes = self.ordinal_classes[self.sorted_to_ordinal]
        self.is_sorted = bool(np.array_equal(self.sorted_to_ordinal, np.arange(self.n_classes)))

    @property
    def n_classes(self) -> int:
        """Number of classes ``K``."""
        return len(self.ordinal_classes)

    def encode(self, y: ArrayLike, *, name: str = "y") -> NDArray[np.int64]:
        """Ordinal index of each label; unknown labels raise a ValueError naming them."""
        return labels_to_indices(y, self.ordinal_classes, name=name)

    def decode(self, index: ArrayLike) -> np.ndarray:
        """Labels of ordinal indices."""
        return self.ordinal_classes[np.asarray(index, dtype=np.int64)]

    def to_sorted_columns(self, proba: np.ndarray) -> np.ndarray:
        """Reorder columns from ordinal order to ``classes`` (sorted) order."""
        return proba if self.is_sorted else proba[:, self.sorted_to_ordinal]

    def to_ordinal_columns(self, proba: np.ndarray) -> np.ndarray:
        """Reorder columns from ``classes`` (sorted) order to ordinal order."""
        if self.is_sorted:
            return proba
        return proba[:, np.argsort(self.sorted_to_ordinal, kind="stable")]

    def __repr__(self) -> str:
        return f"OrdinalEncoding({format_labels(self.ordinal_classes)})"


def sorted_codes(ordinal_classes: ArrayLike) -> np.ndarray:
    """The ordinal order written in the codes that a ``LabelEncoder`` gives the labels.

    ``VotingClassifier``, ``StackingClassifier`` and ``cross_val_predict`` with
    ``method="predict_proba"`` encode ``y`` as ``0..K-1`` (the position of each label
    among the *sorted* labels) before fitting their estimators, so an ordinal estimator
    inside them sees codes, not labels. Pass
    ``classes=sorted_codes(order)`` to it to keep the ordinal order.

    Parameters
    ----------
    ordinal_classes : array-like of shape (K,)
        All labels in ordinal order.

    Returns
    -------
    codes : ndarray of shape (K,), int64
        ``codes[k]`` is the code of the ``k``-th label in ordinal order.

    Examples
    --------
    >>> sorted_codes(["low", "mid", "high"]).tolist()
    [1, 2, 0]
    """
    encoding = OrdinalEncoding(ordinal_classes)
    return np.argsort(encoding.sorted_to_ordinal, kind="stable").astype(np.int64)
