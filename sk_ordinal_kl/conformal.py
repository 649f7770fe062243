"""Split conformal prediction for ordered classes: contiguous label sets with coverage.

A split conformal classifier turns any probabilistic classifier into one that predicts
a *set* of labels per sample, with the guarantee that the true label falls in the set
with probability at least ``confidence_level`` (marginally, over exchangeable
calibration and test samples; Vovk, Gammerman & Shafer, *Algorithmic Learning in a
Random World*, 2005). The classifier is fitted on one part of the data, and a
*conformity score* ``s(x, y)`` (how little ``y`` agrees with the predicted
probabilities) is computed on a separate calibration part; the ``ceil((n + 1) *
confidence_level)``-th smallest of the ``n`` calibration scores is the threshold
``q``, and the set of ``x`` is ``{k : s(x, k) <= q}``.

For ordered classes a set should be an *interval* ``[low, high]`` of the ordinal order:
"grade 2 to 4" is a useful answer, "grade 1 or 4" is not. Both scores here give
contiguous sets:

* ``"aps"`` — ordinal adaptive prediction sets (Lu, Angelopoulos, Bates &
  Kalpathy-Cramer, "Improving trustworthiness of AI disease severity rating in medical
  imaging with ordinal conformal prediction sets", MICCAI 2022). Starting from the mode,
  a contiguous set grows one class at a time by adding the more probable of its two
  neighbours (the lower one on ties). ``s(x, y)`` is the probability mass of the set at
  the step that adds ``y``.
* ``"rps"`` — median-centred quantile intervals of the predictive distribution, the
  cumulative-distribution counterpart behind the ranked probability score (named after
  the RPS-based median-centred sets of Haas et al., 2026). With ``F(k) = P(Y <= k)``
  and ``S(k) = P(Y >= k)`` under the predicted probabilities, class ``k`` lies in the
  central interval ``[F^{-1}(tau), F^{-1}(1 - tau)]`` exactly when
  ``min(F(k), S(k)) >= tau``; ``s(x, y) = 1 - min(F(y), S(y))`` is the tail level needed
  to include ``y``. ``min(F, S)`` rises up to the median and falls after it, so the sets
  are intervals around the median.

Each set also contains its anchor (the mode for ``"aps"``, the median for ``"rps"``,
where the score is smallest), so it is never empty; adding it only raises coverage.

``randomized=True`` uses smoothed conformal p-values instead of the threshold: class
``k`` is in the set when ``(#{i: s_i > s(x, k)} + U (#{i: s_i = s(x, k)} + 1)) / (n + 1)
> 1 - confidence_level``, with ``U`` uniform on ``[0, 1]`` drawn per test sample. The
p-value of the true label is then exactly uniform, so coverage equals
``confidence_level`` in expectation rather than exceeding it by up to ``1 / (n + 1)``
(up to the rare sets that would be empty without their anchor). ``"aps"`` then also
randomises its score, as in the randomised APS of Romano, Sesia & Candès (NeurIPS
2020): the mass before ``y`` joins plus ``U`` times its probability, one ``U`` per
sample, which keeps the mode's score small and its set rarely empty. The sets stay
contiguous because the p-value decreases with the score.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ._compat import Interval, StrOptions, validate_parameter_constraints
from ._meta import copy_input_attributes, labels_for_inner_fit, require_y
from .labels import (
    OrdinalEncoding,
    _as_1d_object,
    _proba_in_order,
    check_labels,
    format_labels,
    labels_to_indices,
    wrapped_ordinal_classes,
)

__all__ = [
    "CONFORMITY_METHODS",
    "OrdinalConformalClassifier",
    "conformal_rank",
    "conformity_scores",
    "coverage_by_set_size",
    "coverage_score",
    "mean_interval_width",
    "min_calibration_samples",
]

CONFORMITY_METHODS = ("aps", "rps")

# (n + 1) * level is computed in floating point: 10 * 0.9 must count as 9, not 9.000...1.
_RANK_TOLERANCE = 1e-9


# --------------------------------------------------------------------------- #
# Scores and quantile
# --------------------------------------------------------------------------- #
def conformity_scores(
    proba: np.ndarray, method: str = "aps", *, u: np.ndarray | None = None
) -> np.ndarray:
    """Nonconformity score of every class for each row of ordinal probabilities.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, K)
        Class probabilities, columns in ordinal order.
    method : {"aps", "rps"}, default="aps"
        ``"aps"``: mass of the greedy contiguous set around the mode when class ``k``
        joins it; ``"rps"``: ``1 - min(F(k), S(k))`` (see the module docstring).
    u : ndarray of shape (n_samples,), default=None
        Uniform draws for the randomised ``"aps"`` score: the mass *before* class ``k``
        joins plus ``u`` times its probability (as in the randomised APS of Romano,
        Sesia & Candès, NeurIPS 2020). Ignored by ``"rps"``.

    Returns
    -------
    scores : ndarray of shape (n_samples, K)
        Greater means less conforming. Along each row the score is smallest at the
        anchor (mode or median) and does not decrease away from it, so every set
        ``{k : scores[k] <= q}`` is contiguous.

    Examples
    --------
    >>> q = np.array([[0.125, 0.125, 0.5, 0.25]])
    >>> conformity_scores(q, "aps").tolist()
    [[1.0, 0.875, 0.5, 0.75]]
    >>> conformity_scores(q, "rps").tolist()
    [[0.875, 0.75, 0.25, 0.75]]
    """
    return _scores_and_anchors(proba, method, u)[0]


def _scores_and_anchors(
    proba: np.ndarray, method: str, u: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of every class, and the index of each row's anchor (mode or median)."""
    if method not in CONFORMITY_METHODS:
        raise ValueError(f"method must be one of {CONFORMITY_METHODS}, got {method!r}.")
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2:
        raise ValueError(f"proba must be 2-D (n_samples, n_classes), got shape {proba.shape}.")
    proba = proba / proba.sum(axis=1, keepdims=True)
    if method == "rps":
        cdf = np.cumsum(proba, axis=1)
        survival = np.cumsum(proba[:, ::-1], axis=1)[:, ::-1]
        median = np.argmax(cdf >= 0.5 * cdf[:, -1:], axis=1)
        return 1.0 - np.minimum(cdf, survival), median
    n, k = proba.shape
    rows = np.arange(n)
    # Inclusive mass by default; with u, the mass before plus u times the new class.
    share = np.ones(n) if u is None else np.asarray(u, dtype=np.float64).reshape(n)
    mode = low = high = np.argmax(proba, axis=1)
    mass = proba[rows, low].copy()
    scores = np.empty_like(proba)
    scores[rows, low] = share * mass
    for _ in range(k - 1):
        left = np.where(low > 0, proba[rows, np.maximum(low - 1, 0)], -1.0)
        right = np.where(high < k - 1, proba[rows, np.minimum(high + 1, k - 1)], -1.0)
        go_left = left >= right
        low = np.where(go_left, low - 1, low)
        high = np.where(go_left, high, high + 1)
        added = np.where(go_left, low, high)
        scores[rows, added] = mass + share * proba[rows, added]
        mass = mass + proba[rows, added]
    return scores, mode


def conformal_rank(n: int, confidence_level: float) -> int:
    """Rank of the calibration score used as threshold: ``ceil((n + 1) * level)``.

    Parameters
    ----------
    n : int
        Number of calibration samples.
    confidence_level : float
        Target coverage in (0, 1).

    Returns
    -------
    rank : int
        1-based rank among the sorted calibration scores; it exceeds ``n`` when there
        are too few samples for the level.

    Examples
    --------
    >>> conformal_rank(9, 0.9), conformal_rank(50, 0.9)
    (9, 46)
    """
    return int(np.ceil((n + 1) * confidence_level - _RANK_TOLERANCE))


def min_calibration_samples(confidence_level: float) -> int:
    """Fewest calibration samples giving a finite threshold at ``confidence_level``.

    The smallest ``n`` with ``ceil((n + 1) * level) <= n``, i.e.
    ``ceil(level / (1 - level))``.

    Parameters
    ----------
    confidence_level : float
        Target coverage in (0, 1).

    Returns
    -------
    n : int
        Minimum number of calibration samples.

    Examples
    --------
    >>> min_calibration_samples(0.9), min_calibration_samples(0.95)
    (9, 19)
    """
    n = max(1, int(np.ceil(confidence_level / (1 - confidence_level) - _RANK_TOLERANCE)))
    while conformal_rank(n, confidence_level) > n:  # guard against rounding
        n += 1
    return n


# --------------------------------------------------------------------------- #
# The estimator
# --------------------------------------------------------------------------- #
class OrdinalConformalClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Split conformal classifier predicting contiguous sets of ordered labels.

    Wraps any classifier with ``predict_proba``: :meth:`fit` fits it on training data
    (unless ``prefit``), :meth:`conformalize` calibrates the threshold on separate data,
    and :meth:`predict_set` / :meth:`predict_interval` give, for each sample, an
    interval of the ordinal order that contains the true label with probability at
    least ``confidence_level`` (see the module docstring for the scores).

    Parameters
    ----------
    estimator : classifier
        Any classifier with ``predict_proba``: an
        :class:`~sk_ordinal_kl.OrdinalKLClassifier`, a Pipeline, a scikit-learn
        classifier.
    confidence_level : float, default=0.9
        Target marginal coverage, in (0, 1). It is read by :meth:`conformalize`:
        changing it afterwards (``set_params``) has no effect on the sets until
        :meth:`conformalize` is called again.
    method : {"aps", "rps"}, default="aps"
        Conformity score: ordinal APS grown around the mode (Lu et al., 2022), or
        median-centred quantile intervals of the predictive distribution (the RPS-based
        sets of Haas et al., 2026).
    randomized : bool, default=False
        Smoothed p-values: coverage equal to ``confidence_level`` in expectation
        instead of at least it (slightly smaller sets, randomised per sample).
    prefit : bool, default=False
        ``estimator`` is already fitted: skip :meth:`fit` and call
        :meth:`conformalize` directly.
    random_state : int, RandomState instance or None, default=None
        Seeds the uniform draws of ``randomized=True``; with an int,
        :meth:`predict_set` gives the same sets on every call.
    classes : array-like of shape (K,), default=None
        All labels in ordinal order. Default: the order the fitted estimator knows
        (``ordinal_classes_``), else the categories of an ordered pandas Categorical
        ``y`` (``y_conformalize`` with ``prefit=True``), else the estimator's sorted
        ``classes_`` (:func:`~sk_ordinal_kl.labels.wrapped_ordinal_classes`).

    Attributes
    ----------
    estimator_ : classifier
        The fitted estimator (``estimator`` itself when ``prefit``).
    classes_ : ndarray of shape (K,)
        Labels sorted; column order of :meth:`predict_set`.
    ordinal_classes_ : ndarray of shape (K,)
        Labels in ordinal order.
    conformity_scores_ : ndarray of shape (n_calibration,)
        Sorted scores of the calibration samples (set by :meth:`conformalize`).
    confidence_level_ : float
        The ``confidence_level`` at the last :meth:`conformalize`; the sets use it in
        both modes (``randomized`` or not).
    quantile_ : float
        The threshold: the ``ceil((n + 1) * confidence_level_)``-th smallest score.

    Notes
    -----
    The guarantee is marginal (on average over samples), not per class or per sample,
    and needs calibration and test samples drawn alike; the calibration data must not
    have been used to fit the estimator. ``coverage_by_set_size`` and
    ``mean_interval_width`` show how the coverage is spread.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sk_ordinal_kl.datasets import make_ordinal_classification
    >>> X, y = make_ordinal_classification(n_samples=300, n_classes=4, random_state=0)
    >>> model = LogisticRegression().fit(X[:150], y[:150])
    >>> conformal = OrdinalConformalClassifier(model, confidence_level=0.8, prefit=True)
    >>> conformal.conformalize(X[150:250], y[150:250]).predict_interval(X[250:252]).shape
    (2, 2)
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": "no_validation",
        "confidence_level": [Interval(Real, 0, 1, closed="neither")],
        "method": [StrOptions(set(CONFORMITY_METHODS))],
        "randomized": ["boolean"],
        "prefit": ["boolean"],
        "random_state": ["random_state"],
        "classes": [None, "array-like"],
    }

    def __init__(
        self,
        estimator,
        *,
        confidence_level: float = 0.9,
        method: str = "aps",
        randomized: bool = False,
        prefit: bool = False,
        random_state=None,
        classes=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.method = method
        self.randomized = randomized
        self.prefit = prefit
        self.random_state = random_state
        self.classes = classes

    def _check_params(self) -> None:
        level = self.confidence_level
        if isinstance(level, Real) and not isinstance(level, bool) and not 0 < level < 1:
            raise ValueError(f"confidence_level must be in (0, 1), got {level!r}.")
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )
        if not hasattr(self.estimator, "fit") or not hasattr(self.estimator, "predict_proba"):
            raise ValueError(
                f"estimator must be a classifier with fit and predict_proba; "
                f"{type(self.estimator).__name__} has no predict_proba."
            )

    def _set_order(self, labels: np.ndarray | None = None, y=None) -> None:
        ordinal = wrapped_ordinal_classes(self.estimator_, self.classes, y)
        if labels is not None:
            self._check_known(labels, ordinal, "y")
        self.ordinal_classes_ = ordinal
        self._encoding_ = OrdinalEncoding(ordinal)
        self.classes_ = self._encoding_.classes

    @staticmethod
    def _check_known(labels: np.ndarray, ordinal: np.ndarray, name: str) -> None:
        unknown = np.setdiff1d(np.unique(_as_1d_object(labels, name)), _as_1d_object(ordinal, ""))
        if unknown.size:
            raise ValueError(
                f"{name} contains labels not seen in fit: {format_labels(unknown)}; "
                f"known classes are {format_labels(ordinal)}."
            )

    def fit(self, X, y, **fit_params) -> OrdinalConformalClassifier:
        """Fit a clone of ``estimator`` on training data (not the calibration data).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Training labels.
        **fit_params : dict
            Passed to ``estimator.fit``.

        Returns
        -------
        self : OrdinalConformalClassifier
            Fitted, not yet conformalized.
        """
        self._check_params()
        if self.prefit:
            raise ValueError(
                "prefit=True: the estimator is already fitted; call conformalize(X, y) "
                "directly (or set prefit=False to fit it here)."
            )
        require_y(self, y)
        labels = check_labels(y)
        check_consistent_length(X, labels)
        if self.classes is not None:  # bad classes raise before any fitting
            self._check_known(labels, OrdinalEncoding(self.classes).ordinal_classes, "y")
        inner_y = labels_for_inner_fit(labels, y, self.classes)  # keeps the order
        self.estimator_ = clone(self.estimator).fit(X, inner_y, **fit_params)
        copy_input_attributes(self, self.estimator_)
        self._set_order(labels, y)
        for name in ("conformity_scores_", "quantile_", "confidence_level_"):
            vars(self).pop(name, None)
        return self

    def conformalize(self, X_conformalize, y_conformalize) -> OrdinalConformalClassifier:
        """Compute the conformity scores of calibration data and the threshold.

        Parameters
        ----------
        X_conformalize : array-like of shape (n_samples, n_features)
            Calibration inputs, not used to fit the estimator.
        y_conformalize : array-like of shape (n_samples,)
            Their labels; each must be a class of the fitted estimator.

        Returns
        -------
        self : OrdinalConformalClassifier
            Ready for :meth:`predict_set` and :meth:`predict_interval`.

        Raises
        ------
        ValueError
            If a calibration label was not seen in fit (they are named), or there are
            fewer calibration samples than ``confidence_level`` needs (the message says
            how many).
        """
        self._check_params()
        if self.prefit:
            check_is_fitted(self.estimator)
            self.estimator_ = self.estimator
            copy_input_attributes(self, self.estimator_)
            self._set_order(y=y_conformalize)
        elif not hasattr(self, "estimator_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(X_train, y_train) "
                "first, or pass a fitted estimator with prefit=True."
            )
        labels = check_labels(y_conformalize, name="y_conformalize")
        check_consistent_length(X_conformalize, labels)
        self._check_known(labels, self.ordinal_classes_, "y_conformalize")
        n = len(labels)
        needed = min_calibration_samples(self.confidence_level)
        if n < needed:
            raise ValueError(
                f"too few calibration samples for confidence_level={self.confidence_level}: "
                f"need at least {needed}, got {n}."
            )
        index = self._encoding_.encode(labels, name="y_conformalize")
        scores = conformity_scores(
            self._ordinal_proba(X_conformalize), self.method, u=self._uniforms(n, stream=0)
        )
        self.conformity_scores_ = np.sort(scores[np.arange(n), index])
        self.confidence_level_ = float(self.confidence_level)
        self.quantile_ = float(
            self.conformity_scores_[conformal_rank(n, self.confidence_level_) - 1]
        )
        return self

    # ----------------------------------------------------------------- predict
    def _ordinal_proba(self, X) -> np.ndarray:
        return _proba_in_order(self.estimator_, X, self.ordinal_classes_)

    def _check_conformalized(self) -> None:
        if not hasattr(self, "quantile_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not conformalized yet: call "
                "conformalize(X_conformalize, y_conformalize) first."
            )

    def _uniforms(self, n: int, *, stream: int) -> np.ndarray | None:
        """Uniform draws of randomized=True (None otherwise); an int random_state gives
        separate streams to calibration (0) and prediction (1)."""
        if not self.randomized:
            return None
        if isinstance(self.random_state, Integral):
            return np.random.default_rng([self.random_state, stream]).uniform(size=n)
        return check_random_state(self.random_state).uniform(size=n)

    def _ordinal_sets(self, X) -> np.ndarray:
        """Boolean sets of shape (n, K), columns in ordinal order."""
        self._check_conformalized()
        proba = self._ordinal_proba(X)
        u = self._uniforms(len(proba), stream=1)
        scores, anchors = _scores_and_anchors(proba, self.method, u)
        if self.randomized:
            calibration = self.conformity_scores_
            n = len(calibration)
            above = n - np.searchsorted(calibration, scores, side="right")
            equal = n - above - np.searchsorted(calibration, scores, side="left")
            p_value = (above + u[:, None] * (equal + 1)) / (n + 1)
            sets = p_value > 1 - self.confidence_level_
        else:
            sets = scores <= self.quantile_
        sets[np.arange(len(sets)), anchors] = True
        return sets

    def predict(self, X) -> np.ndarray:
        """Point prediction of the fitted estimator.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            ``estimator_.predict(X)``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities of the estimator, columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, K)
            Probabilities (a class the estimator never saw gets a zero column).
        """
        check_is_fitted(self, "estimator_")
        return self._encoding_.to_sorted_columns(self._ordinal_proba(X))

    def predict_set(self, X) -> np.ndarray:
        """Prediction sets: which labels each sample's set contains.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        sets : ndarray of shape (n_samples, K), bool
            Column ``j`` is label ``classes_[j]`` (sorted order, as ``predict_proba``);
            in ordinal order each row is one non-empty run of True.
        """
        sets = self._ordinal_sets(X)  # raises NotFittedError before conformalize
        return self._encoding_.to_sorted_columns(sets)

    def predict_interval(self, X) -> np.ndarray:
        """Prediction sets as ordinal intervals ``[low, high]`` of labels.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        intervals : ndarray of shape (n_samples, 2)
            Lowest and highest label of each set in ordinal order; the set is every
            label between them.
        """
        sets = self._ordinal_sets(X)
        k = sets.shape[1]
        low = np.argmax(sets, axis=1)
        high = k - 1 - np.argmax(sets[:, ::-1], axis=1)
        return np.stack([self._encoding_.decode(low), self._encoding_.decode(high)], axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.non_deterministic = inner.non_deterministic or (
            self.randomized and self.random_state is None
        )
        return tags


# --------------------------------------------------------------------------- #
# Metrics
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


def _set_bounds(
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


def _bounds(
    y_true: ArrayLike, y_sets: ArrayLike, classes: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(true_index, low_index, high_index)`` in ordinal indices."""
    low, high, k = _set_bounds(y_sets, classes)
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


def coverage_score(
    y_true: ArrayLike, y_sets: ArrayLike, *, classes: ArrayLike | None = None
) -> float:
    """Share of samples whose true label lies in its prediction set.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels from ``classes``. Without ``classes`` they must be class *indices*
        ``0..K-1`` in ordinal order, not labels: integer labels such as ``1..4`` need
        ``classes=[1, 2, 3, 4]`` (an index outside the range raises).
    y_sets : array-like of shape (n_samples, K) or (n_samples, 2)
        Either boolean sets as from :meth:`OrdinalConformalClassifier.predict_set`, of
        dtype ``bool`` (columns in sorted label order, i.e. ``np.sort(classes)``; in
        index order without ``classes``), or intervals ``[low, high]`` as from
        :meth:`OrdinalConformalClassifier.predict_interval` (labels from ``classes``, or
        indices without it, with ``low <= high`` in ordinal order). Any array that is not
        of dtype ``bool`` is read as intervals, so give 0/1 sets as booleans:
        ``[[1, 0], [0, 1]]`` is two intervals, ``[[True, False], [False, True]]`` two
        sets.
    classes : array-like of shape (K,), default=None
        Labels in ordinal order (e.g. ``ordinal_classes_``).

    Returns
    -------
    coverage : float
        Empirical coverage in [0, 1].

    Raises
    ------
    ValueError
        If there are no samples; a label is not in ``classes``; without ``classes``, a
        value of ``y_true`` is not a class index in ``0..K-1`` (``K`` the number of set
        columns; for intervals only negative indices can be detected); an interval has
        ``low > high``; or a boolean set is empty or not contiguous.

    Examples
    --------
    >>> coverage_score(["low", "high"], [["low", "mid"], ["low", "mid"]],
    ...                classes=["low", "mid", "high"])
    0.5
    """
    true_index, low, high = _bounds(y_true, y_sets, classes)
    return float(np.mean((low <= true_index) & (true_index <= high)))


def mean_interval_width(y_sets: ArrayLike, *, classes: ArrayLike | None = None) -> float:
    """Mean width ``high - low`` of prediction sets, in class-index units.

    A set of one class has width 0, ``[k, k + 2]`` width 2.

    Parameters
    ----------
    y_sets : array-like of shape (n_samples, K) or (n_samples, 2)
        Boolean sets (dtype ``bool``) or intervals (any other dtype), as for
        :func:`coverage_score`; without ``classes``, interval bounds are class indices.
    classes : array-like of shape (K,), default=None
        Labels in ordinal order.

    Returns
    -------
    width : float
        Mean of ``high_index - low_index`` (the number of classes in a set minus one).

    Raises
    ------
    ValueError
        If there are no sets, an interval has ``low > high`` or a negative index, a
        bound is not in ``classes``, or a boolean set is empty or not contiguous.

    Examples
    --------
    >>> mean_interval_width([[0, 0], [1, 3]])
    1.0
    """
    low, high, _ = _set_bounds(y_sets, classes)
    return float(np.mean(high - low))


def coverage_by_set_size(
    y_true: ArrayLike, y_sets: ArrayLike, *, classes: ArrayLike | None = None
) -> pd.DataFrame:
    """Coverage of the samples grouped by the number of classes in their set.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels from ``classes``; without ``classes``, class indices ``0..K-1``
        (integer labels such as ``1..4`` need ``classes=``), as for
        :func:`coverage_score`.
    y_sets : array-like of shape (n_samples, K) or (n_samples, 2)
        Boolean sets (dtype ``bool``) or intervals (any other dtype), as for
        :func:`coverage_score`.
    classes : array-like of shape (K,), default=None
        Labels in ordinal order.

    Returns
    -------
    table : DataFrame
        One row per set size present: ``set_size`` (number of classes, width + 1),
        ``n_samples`` and ``coverage``.

    Raises
    ------
    ValueError
        As :func:`coverage_score`, including for empty inputs.

    Examples
    --------
    >>> coverage_by_set_size([0, 1, 2], [[0, 0], [0, 2], [0, 1]]).to_dict("list")
    {'set_size': [1, 2, 3], 'n_samples': [1, 1, 1], 'coverage': [1.0, 0.0, 1.0]}
    """
    true_index, low, high = _bounds(y_true, y_sets, classes)
    frame = pd.DataFrame(
        {"set_size": high - low + 1, "covered": (low <= true_index) & (true_index <= high)}
    )
    table = frame.groupby("set_size")["covered"].agg(n_samples="size", coverage="mean")
    table["coverage"] = table["coverage"].astype(float)
    return table.reset_index()
