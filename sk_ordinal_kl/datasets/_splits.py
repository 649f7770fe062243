"""Seeded, stratified train/test holdouts and subsamples of ordinal labels.

Classes too rare to stratify are merged with their ordinal neighbours, for stratification
only; the labels are never changed.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils.validation import check_X_y

from ._common import OrdinalSplit, _check_int, _ordinal_codes, _preview


def _check_labels(y: np.ndarray) -> np.ndarray:
    """Return integer-valued labels as int64, or raise ValueError."""
    if y.dtype.kind in "iub":
        return y.astype(np.int64)
    if y.dtype.kind == "f" and np.array_equal(y, np.round(y)):
        return y.astype(np.int64)
    raise ValueError("y must hold integer ordinal labels.")


def holdout_splits(
    X: np.ndarray,
    y: np.ndarray,
    n_holdouts: int = 10,
    test_size: float = 0.25,
    random_state: int | np.random.RandomState | None = 0,
    *,
    name: str = "dataset",
) -> list[OrdinalSplit]:
    """Stratified random train/test holdouts, mirroring the orreview protocol.

    Built on :class:`sklearn.model_selection.StratifiedShuffleSplit`, so each
    test set keeps the class proportions of ``y``. Holdout ``k`` does not
    depend on ``n_holdouts`` when ``random_state`` is an int: asking for more
    holdouts only appends new ones.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Finite features (e.g. from :func:`load_diabetes_ordinal`).
    y : array-like of shape (n_samples,)
        Integer ordinal labels; every class needs at least 2 samples.
    n_holdouts : int, default=10
        Number of holdouts, at least 1.
    test_size : float or int, default=0.25
        Test fraction in ``(0, 1)``, or absolute number of test samples.
    random_state : int, RandomState instance or None, default=0
        Seed of the splitter; an int gives reproducible holdouts.
    name : str, default="dataset"
        Name stored in each split.

    Returns
    -------
    splits : list of OrdinalSplit
        ``n_holdouts`` splits with ``holdout = 0..n_holdouts-1``, features as
        float64 and labels as int64 (coded as in ``y``).

    Raises
    ------
    ValueError
        If ``n_holdouts`` is invalid, ``y`` is not integer-valued, or the
        splitter rejects ``test_size`` or the class counts.

    Examples
    --------
    >>> X, y = make_ordinal_classification(n_samples=200, random_state=0)
    >>> splits = holdout_splits(X, y, n_holdouts=3, name="latent")
    >>> len(splits), splits[0].X_train.shape, splits[0].X_test.shape
    (3, (150, 10), (50, 10))
    """
    n_holdouts = _check_int(n_holdouts, "n_holdouts", 1, caller="holdout_splits")
    X, y = check_X_y(X, y, dtype=np.float64)
    y = _check_labels(y)
    splitter = StratifiedShuffleSplit(
        n_splits=n_holdouts, test_size=test_size, random_state=random_state
    )
    return [
        OrdinalSplit(X[train], y[train], X[test], y[test], name, k)
        for k, (train, test) in enumerate(splitter.split(X, y))
    ]


def _check_label_vector(y: object) -> np.ndarray:
    """``y`` as a 1-D array without missing values, or ValueError."""
    values = np.asarray(y)
    if values.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {values.shape}.")
    if values.shape[0] == 0:
        raise ValueError("y is empty.")
    missing = np.flatnonzero(pd.isna(values))
    if missing.size:
        raise ValueError(
            f"y holds {missing.size} missing label(s), at positions {_preview(missing.tolist())}."
        )
    return values


def _ordinal_codes_of(y: object, classes: Sequence | None) -> np.ndarray:
    """Ordinal index of each label: by ``classes``, an ordered categorical's order, or sorting."""
    values = _check_label_vector(y)
    dtype = getattr(y, "dtype", None)
    if classes is None and isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
        classes = list(dtype.categories)
    if classes is not None:
        return _ordinal_codes(values, classes)
    try:
        return np.unique(values, return_inverse=True)[1].reshape(-1).astype(np.int64)
    except TypeError:
        raise ValueError(
            "y mixes labels that cannot be sorted; pass classes=[...] in ordinal order."
        ) from None


def _merge_rare_classes(counts: np.ndarray, min_count: int) -> np.ndarray:
    """Stratum of each class: classes in ordinal order, grouped until each group has ``min_count``.

    Walking up the scale, a class joins the classes below it until their group holds
    ``min_count`` samples; a short group left at the top joins the group below it.
    """
    groups = np.empty(counts.shape[0], dtype=np.int64)
    group, filled = 0, 0
    for k, count in enumerate(counts):
        groups[k] = group
        filled += count
        if filled >= min_count:
            group, filled = group + 1, 0
    if filled and group > 0:  # a short group at the top joins its lower neighbour
        groups[groups == group] = group - 1
    return groups


def _strata(codes: np.ndarray, max_strata: int) -> np.ndarray:
    """Stratum of each sample: rare classes merged with ordinal neighbours.

    Uses the smallest group size ``m >= 2`` (every stratum needs two samples) that
    leaves at most ``max_strata`` strata (the train and the test part each need one
    sample per stratum); the number of strata never grows with ``m``.
    """
    counts = np.bincount(codes)
    lo, hi = 2, max(2, int(codes.shape[0]))
    while lo < hi:
        mid = (lo + hi) // 2
        if np.unique(_merge_rare_classes(counts, mid)[counts > 0]).size <= max_strata:
            hi = mid
        else:
            lo = mid + 1
    return _merge_rare_classes(counts, lo)[codes]


def validation_strata(codes: np.ndarray, validation_fraction: float) -> np.ndarray:
    """Strata of a stratified validation split (early stopping) of ordinal indices.

    A class with a single sample cannot be stratified (scikit-learn's splitter
    raises); such classes join their ordinal neighbours, as in
    :func:`stratified_holdouts`, with no more strata than the smaller part has rows.

    Parameters
    ----------
    codes : ndarray of shape (n_samples,)
        Ordinal class indices (non-negative integers).
    validation_fraction : float
        Share of the rows in the validation part, in (0, 1).

    Returns
    -------
    strata : ndarray of shape (n_samples,)
        Stratum of each row; neighbouring classes share one.

    Examples
    --------
    >>> validation_strata(np.array([0, 0, 1, 2, 2, 2]), 0.5).tolist()
    [0, 0, 1, 1, 1, 1]
    """
    codes = np.asarray(codes, dtype=np.int64)
    n_valid = math.ceil(validation_fraction * codes.shape[0])
    return _strata(codes, max(1, min(n_valid, codes.shape[0] - n_valid)))


def _test_count(test_size: object, n_samples: int) -> int:
    """Number of test samples for ``test_size`` (a fraction or a count), or ValueError."""
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, numbers.Real) and not isinstance(test_size, bool):
        if not 0 < test_size < 1:
            raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}.")
        n_test = math.ceil(float(test_size) * n_samples)
    else:
        raise ValueError(f"test_size must be a fraction or an integer, got {test_size!r}.")
    if not 1 <= n_test <= n_samples - 1:
        raise ValueError(
            f"test_size={test_size!r} gives {n_test} test samples out of {n_samples}; "
            "train and test each need at least one."
        )
    return n_test


def stratified_holdouts(
    y: object,
    n_holdouts: int = 10,
    test_size: float = 0.25,
    random_state: int | np.random.RandomState | None = 0,
    *,
    classes: Sequence | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded, stratified train/test index splits for labels of any type.

    Built on :class:`sklearn.model_selection.StratifiedShuffleSplit`: each test
    set keeps the class proportions of ``y`` (a class of ``n_k`` samples gets
    ``n_k * n_test / n_samples`` test samples, rounded up or down). Holdout ``k``
    does not depend on ``n_holdouts`` when ``random_state`` is an int: asking for
    more holdouts only appends new ones.

    Classes too rare to stratify are merged, **for stratification only**, with
    their ordinal neighbours: walking up the scale, a class joins the classes
    below it until their group holds two samples (a short group at the top joins
    the group below). If there are still more groups than train or test samples,
    the group size grows until there are not. The labels themselves are untouched.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels: strings, integers, an ordered pandas Categorical, ... No missing
        values.
    n_holdouts : int, default=10
        Number of holdouts, at least 1.
    test_size : float or int, default=0.25
        Test fraction in ``(0, 1)`` (the test part has ``ceil(test_size *
        n_samples)`` samples), or absolute number of test samples.
    random_state : int, RandomState instance or None, default=0
        Seed of the splitter; an int gives reproducible holdouts.
    classes : sequence, optional
        Every label in ordinal order (e.g. :attr:`TabularDataset.classes`); it
        decides which classes are neighbours. By default the categories of an
        ordered Categorical, else the sorted labels.

    Returns
    -------
    holdouts : list of (ndarray, ndarray)
        ``n_holdouts`` pairs ``(train_idx, test_idx)`` of int64 positions into
        ``y``, each sorted increasingly; within a pair they are disjoint and
        together cover ``0..n_samples-1``.

    Raises
    ------
    ValueError
        If ``y`` is empty, not 1-D or has missing values, a label is not in
        ``classes``, ``n_holdouts`` is not a positive integer, or ``test_size``
        leaves the train or the test part empty.

    Examples
    --------
    One ``"high"`` label is too rare to stratify alone: it shares a stratum with
    ``"mid"``, so every test set holds 2 ``"low"`` and 2 of ``"mid"``/``"high"``.

    >>> y = np.array(["low"] * 8 + ["mid"] * 7 + ["high"])
    >>> holdouts = stratified_holdouts(y, n_holdouts=3, classes=["low", "mid", "high"])
    >>> [(len(train), len(test)) for train, test in holdouts]
    [(12, 4), (12, 4), (12, 4)]
    >>> [int((y[test] == "low").sum()) for _, test in holdouts]
    [2, 2, 2]
    """
    n_holdouts = _check_int(n_holdouts, "n_holdouts", 1, caller="stratified_holdouts")
    codes = _ordinal_codes_of(y, classes)
    n_samples = codes.shape[0]
    n_test = _test_count(test_size, n_samples)
    strata = _strata(codes, min(n_test, n_samples - n_test))
    splitter = StratifiedShuffleSplit(
        n_splits=n_holdouts, test_size=n_test, random_state=random_state
    )
    return [
        (np.sort(train).astype(np.int64), np.sort(test).astype(np.int64))
        for train, test in splitter.split(np.zeros((n_samples, 1)), strata)
    ]


def stratified_subsample(
    y: object,
    n: int,
    random_state: int | np.random.RandomState | None = 0,
    *,
    classes: Sequence | None = None,
) -> np.ndarray:
    """Positions of a seeded, stratified random subsample of ``n`` labels.

    The subsample keeps the class proportions of ``y`` (a class of ``n_k``
    samples contributes ``n_k * n / n_samples`` of them, rounded up or down);
    classes too rare to stratify are merged with their ordinal neighbours as in
    :func:`stratified_holdouts`. Typical use: a smaller training set, cut from
    the training part of a holdout, for learning curves.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels of any type, without missing values.
    n : int
        Subsample size, at least 1; ``n >= n_samples`` returns every position.
    random_state : int, RandomState instance or None, default=0
        Seed; an int gives a reproducible subsample.
    classes : sequence, optional
        Every label in ordinal order (see :func:`stratified_holdouts`).

    Returns
    -------
    indices : ndarray of shape (min(n, n_samples),), dtype int64
        Positions into ``y``, sorted increasingly.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer, ``y`` is empty, not 1-D or has
        missing values, or a label is not in ``classes``.

    Examples
    --------
    >>> y = np.repeat([0, 1, 2], [50, 30, 20])
    >>> idx = stratified_subsample(y, 10, random_state=0)
    >>> np.bincount(y[idx]).tolist()
    [5, 3, 2]
    """
    n = _check_int(n, "n", 1, caller="stratified_subsample")
    codes = _ordinal_codes_of(y, classes)
    n_samples = codes.shape[0]
    if n >= n_samples:
        return np.arange(n_samples, dtype=np.int64)
    strata = _strata(codes, min(n, n_samples - n))
    splitter = StratifiedShuffleSplit(
        n_splits=1, train_size=n, test_size=n_samples - n, random_state=random_state
    )
    subsample, _ = next(splitter.split(np.zeros((n_samples, 1)), strata))
    return np.sort(subsample).astype(np.int64)
