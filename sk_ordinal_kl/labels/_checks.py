"""Checking labels: one kind, none missing, 1-D, in their natural dtype; readable in messages.

:func:`check_labels` validates ``y`` (pandas nullable dtypes and Categoricals included)
before any training; :func:`format_labels` quotes labels in error messages.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from sklearn.exceptions import DataConversionWarning

__all__ = ["check_labels", "format_labels"]

# How many labels to quote in an error message before truncating.
_MAX_LABELS_IN_MESSAGE = 10


def _plain(label: Any) -> Any:
    """A numpy scalar as the Python value it holds, so messages read ``1``, not
    ``np.int64(1)``."""
    return label.item() if isinstance(label, np.generic) else label


def format_labels(labels: Sequence[Any]) -> str:
    """Labels as a short, readable list for error messages.

    Parameters
    ----------
    labels : sequence
        Labels to show; numpy scalars are shown as plain Python values.

    Returns
    -------
    text : str
        ``"['a', 'b']"``, truncated after 10 labels.

    Examples
    --------
    >>> format_labels([np.int64(1), "a"])
    "[1, 'a']"
    """
    labels = list(labels)
    shown = ", ".join(repr(_plain(label)) for label in labels[:_MAX_LABELS_IN_MESSAGE])
    if len(labels) > _MAX_LABELS_IN_MESSAGE:
        shown += f", ... ({len(labels)} in total)"
    return f"[{shown}]"


def _as_1d_object(values: ArrayLike, name: str) -> NDArray[np.object_]:
    # dtype=object keeps mixed lists such as [1, "a"] intact; a plain np.asarray would
    # silently turn the 1 into the string "1".
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array with shape {arr.shape}.")
    return arr


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value != value


def _label_kind(value: Any) -> str:
    if isinstance(value, str | np.str_):
        return "string"
    if isinstance(value, bool | np.bool_):
        return "boolean"
    if isinstance(value, numbers.Number):
        return "number"
    return type(value).__name__


def _natural_values(y: Any) -> np.ndarray:
    """``y`` as a numpy array whose dtype is that of its labels.

    pandas' nullable dtypes (``Int64``, ``string``, ``boolean``) become plain int, object
    or bool arrays instead of the float or object arrays numpy would make of them;
    an unordered Categorical becomes its values.
    """
    dtype = getattr(y, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype):
        y = pd.Series(y).astype(dtype.categories.dtype)  # ordered order is read separately
        dtype = y.dtype
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        values = pd.array(y)
        if values.isna().any():
            return np.asarray(values.to_numpy(dtype=object, na_value=None), dtype=object)
        numpy_dtype = getattr(dtype, "numpy_dtype", None)
        if numpy_dtype is not None and numpy_dtype.kind in "iub":
            return values.to_numpy(dtype=numpy_dtype)
        return values.to_numpy(dtype=object)
    return np.asarray(y)


def check_labels(y: ArrayLike, *, name: str = "y") -> np.ndarray:
    """Validate class labels and return them as a 1-D numpy array of their natural dtype.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels: integers, strings, booleans, or a pandas Series / Categorical
        (nullable dtypes included).
    name : str, default="y"
        Name used in error messages.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        Integers stay integers (also from pandas ``Int64``), strings become an object
        or unicode array.

    Raises
    ------
    ValueError
        If ``y`` is not 1-D (a column vector is accepted), has a missing label (None,
        NaN, ``pd.NA``) or mixes kinds of labels (strings and numbers).

    Examples
    --------
    >>> check_labels(pd.Series([1, 2, 3], dtype="Int64"))
    array([1, 2, 3])
    """
    if y is None:
        raise ValueError(f"{name} is None; class labels are required.")
    if isinstance(y, list | tuple):
        # np.asarray([1, "a"]) would turn the 1 into "1": check the kinds as given.
        _check_object_labels(np.asarray(y, dtype=object).ravel(), name)
    values = _natural_values(y)
    if values.ndim == 2 and values.shape[1] == 1:
        warnings.warn(
            f"A column-vector {name} was passed when a 1d array was expected. Please change "
            f"the shape of {name} to (n_samples,), for example using ravel().",
            DataConversionWarning,
            stacklevel=3,
        )
        values = values.ravel()
    if values.ndim != 1:
        raise ValueError(
            f"{name} should be a 1d array of class labels, got an array of shape {values.shape}."
        )
    if values.dtype.kind == "f":
        missing = np.flatnonzero(~np.isfinite(values))
        if missing.size:
            raise ValueError(
                f"{name} contains NaN or infinite labels at positions "
                f"{format_labels(missing.tolist())}; every sample needs a class label."
            )
    if values.dtype.kind == "O":
        _check_object_labels(values, name)
    return values


def _check_object_labels(values: np.ndarray, name: str) -> None:
    """No missing labels, and one kind of label (strings or numbers, not both)."""
    missing = [i for i, v in enumerate(values.tolist()) if _is_missing(v)]
    if missing:
        raise ValueError(
            f"{name} contains missing labels (None or NaN) at positions "
            f"{format_labels(missing)}; every sample needs a class label."
        )
    kinds = {_label_kind(v) for v in values.tolist()}
    if len(kinds) > 1:
        raise ValueError(
            f"{name} mixes kinds of labels ({', '.join(sorted(kinds))}); use one kind, "
            "e.g. all strings or all integers."
        )


def _check_class_list(classes: ArrayLike, name: str = "classes") -> np.ndarray:
    """The classes of an estimator: 2 or more unique labels, string labels as an object
    array whatever they came as (a list, a unicode array, pandas categories), so that
    ``classes_`` and the predictions have one dtype for the same labels."""
    classes = check_labels(classes, name=name)
    if classes.dtype.kind in "US":  # fixed-width strings: the dtype would vary with input
        classes = classes.astype(object)
    if len(classes) < 2:
        raise ValueError(f"{name} must name at least 2 classes, got {format_labels(classes)}.")
    unique, counts = np.unique(_as_1d_object(classes, name), return_counts=True)
    if (counts > 1).any():
        raise ValueError(
            f"{name} must not contain duplicates, got {format_labels(unique[counts > 1])} "
            "more than once."
        )
    return classes
