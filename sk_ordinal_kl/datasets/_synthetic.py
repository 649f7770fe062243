"""Download-free ordinal data: scikit-learn's diabetes set cut into classes, and a generator."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from .._compat import Interval
from ._common import _check_int, _check_parameter


def _equal_frequency_labels(target: np.ndarray, n_classes: int) -> np.ndarray:
    """Cut a continuous target at its ``1/K, ..., (K-1)/K`` quantiles into ``0..K-1``.

    Class ``k`` is the interval ``(q_k, q_{k+1}]``, so tied target values always
    share a class.
    """
    edges = np.quantile(target, np.arange(1, n_classes) / n_classes)
    return np.searchsorted(edges, target, side="left").astype(np.int64)


def load_diabetes_ordinal(n_classes: int = 5, *, as_frame: bool = False) -> tuple[Any, Any]:
    """scikit-learn's diabetes data with its target cut into equal-frequency ordinal classes.

    The 442 patients and 10 (scaled) features are those of
    :func:`sklearn.datasets.load_diabetes`, which ships inside scikit-learn (no
    download). The disease-progression target is discretised at its
    ``1/K, ..., (K-1)/K`` quantiles — the equal-frequency binning orreview used
    for its regression-derived datasets — giving labels ``0..K-1``. Tied target
    values share a class, so counts are near-equal rather than exactly equal.

    Parameters
    ----------
    n_classes : int, default=5
        Number of ordered classes ``K``, between 2 and 50.
    as_frame : bool, default=False
        If True, return ``X`` as a pandas DataFrame (scikit-learn's column
        names) and ``y`` as a pandas Series of ordered categorical dtype with
        categories ``0..K-1``.

    Returns
    -------
    X : ndarray of shape (442, 10), dtype float64, or DataFrame
        Features.
    y : ndarray of shape (442,), dtype int64, or Series
        Ordinal labels ``0..K-1``; a larger label means a larger target.

    Raises
    ------
    ValueError
        If ``n_classes`` is not an integer in ``[2, 50]``.

    Examples
    --------
    >>> X, y = load_diabetes_ordinal(n_classes=5)
    >>> X.shape, sorted(set(y.tolist()))
    ((442, 10), [0, 1, 2, 3, 4])
    """
    from sklearn.datasets import load_diabetes

    n_classes = _check_int(n_classes, "n_classes", 2, caller="load_diabetes_ordinal")
    if n_classes > 50:
        raise ValueError(f"n_classes must be <= 50 for 442 patients, got {n_classes}.")
    bunch = load_diabetes(as_frame=as_frame)
    target = np.asarray(bunch.target, dtype=np.float64)
    y = _equal_frequency_labels(target, n_classes)
    if not as_frame:
        return np.asarray(bunch.data, dtype=np.float64), y
    dtype = pd.CategoricalDtype(categories=list(range(n_classes)), ordered=True)
    return bunch.data, pd.Series(y, index=bunch.data.index, name="target", dtype=dtype)


def _check_noise(noise: object, *, caller: str) -> float:
    _check_parameter("noise", noise, Interval(numbers.Real, 0, None, closed="left"), caller=caller)
    return float(noise)


def _rank_labels(z: np.ndarray, n_classes: int) -> np.ndarray:
    """Equal-frequency classes of ``z``: the sample of rank ``r`` gets ``floor(r K / n)``."""
    ranks = np.empty(z.shape[0], dtype=np.int64)
    ranks[np.argsort(z, kind="stable")] = np.arange(z.shape[0])
    return ranks * n_classes // z.shape[0]


def make_ordinal_classification(
    n_samples: int = 1000,
    n_features: int = 10,
    n_informative: int = 5,
    n_classes: int = 5,
    noise: float = 1.0,
    random_state: int | np.random.RandomState | None = None,
    *,
    return_latent: bool = False,
) -> tuple[np.ndarray, ...]:
    """Generate an ordinal classification problem from a latent linear score.

    The model (a probit-style cumulative-link model):

    1. ``X`` has i.i.d. standard-normal entries.
    2. ``w`` is a random direction of unit norm on the first ``n_informative``
       features (zero on the others), so the signal ``X @ w`` has unit variance.
    3. ``z = X @ w + noise * eps`` with ``eps`` standard normal; ``noise`` is
       therefore the noise-to-signal standard-deviation ratio.
    4. ``z`` is cut at its empirical equal-frequency quantiles: the sample of
       rank ``r`` (0-based) gets class ``floor(r * K / n_samples)``. Every class
       then holds ``floor(n/K)`` or ``ceil(n/K)`` samples and larger ``z``
       never gets a smaller class.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of samples, at least ``n_classes``.
    n_features : int, default=10
        Total number of features, at least 1.
    n_informative : int, default=5
        Number of features the score depends on, in ``[1, n_features]``; they
        are the first ``n_informative`` columns.
    n_classes : int, default=5
        Number of ordered classes ``K``, at least 2.
    noise : float, default=1.0
        Standard deviation of the latent noise, finite and ``>= 0``.
    random_state : int, RandomState instance or None, default=None
        Seed or generator (see :func:`sklearn.utils.check_random_state`); an
        int gives reproducible output.
    return_latent : bool, default=False
        If True, also return the noise-free latent score ``X @ w``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), dtype float64
        Features.
    y : ndarray of shape (n_samples,), dtype int64
        Ordinal labels ``0..K-1``.
    latent : ndarray of shape (n_samples,), dtype float64
        ``X @ w``; only returned if ``return_latent`` is True.

    Raises
    ------
    ValueError
        If a parameter is invalid; the message names it.

    Examples
    --------
    >>> X, y = make_ordinal_classification(n_samples=100, n_classes=4, random_state=0)
    >>> X.shape, [int(c) for c in np.bincount(y)]
    ((100, 10), [25, 25, 25, 25])
    """
    caller = "make_ordinal_classification"
    n_classes = _check_int(n_classes, "n_classes", 2, caller=caller)
    n_samples = _check_int(n_samples, "n_samples", n_classes, caller=caller)
    n_features = _check_int(n_features, "n_features", 1, caller=caller)
    n_informative = _check_int(n_informative, "n_informative", 1, caller=caller)
    if n_informative > n_features:
        raise ValueError(
            f"n_informative must be <= n_features ({n_features}), got {n_informative}."
        )
    noise = _check_noise(noise, caller=caller)
    rng = check_random_state(random_state)

    X = rng.standard_normal((n_samples, n_features))
    w = np.zeros(n_features)
    direction = rng.standard_normal(n_informative)
    w[:n_informative] = direction / np.linalg.norm(direction)
    latent = X @ w
    z = latent + noise * rng.standard_normal(n_samples)
    y = _rank_labels(z, n_classes)
    if return_latent:
        return X, y, latent
    return X, y
