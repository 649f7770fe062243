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

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from sklearn.exceptions import DataConversionWarning

from ._compat import label_encoded_fit
from ._warnings import warn_once

__all__ = [
    "ClassOrderWarning",
    "OrdinalEncoding",
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

# How many labels to quote in an error message before truncating.
_MAX_LABELS_IN_MESSAGE = 10


class ClassOrderWarning(UserWarning):
    """String labels were put in sorted order because no ordinal order was given.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ClassOrderWarning)  # sorted order is right here
    """


# --------------------------------------------------------------------------- #
# Messages
# --------------------------------------------------------------------------- #
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


# --------------------------------------------------------------------------- #
# Checking labels
# --------------------------------------------------------------------------- #
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
    classes = check_labels(classes, name=name)
    if len(classes) < 2:
        raise ValueError(f"{name} must name at least 2 classes, got {format_labels(classes)}.")
    unique, counts = np.unique(_as_1d_object(classes, name), return_counts=True)
    if (counts > 1).any():
        raise ValueError(
            f"{name} must not contain duplicates, got {format_labels(unique[counts > 1])} "
            "more than once."
        )
    return classes


def _ordered_categories(y: Any) -> np.ndarray | None:
    """Categories of an *ordered* pandas Categorical (or Series of one), else None."""
    dtype = getattr(y, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
        return _natural_values(dtype.categories)
    return None


def _has_strings(labels: np.ndarray) -> bool:
    return labels.dtype.kind in "US" or any(isinstance(v, str) for v in labels.ravel())


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


# --------------------------------------------------------------------------- #
# Labels <-> indices
# --------------------------------------------------------------------------- #
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


# --------------------------------------------------------------------------- #
# Any fitted classifier
# --------------------------------------------------------------------------- #
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
