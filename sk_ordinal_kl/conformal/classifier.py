"""The split conformal classifier: fit, calibrate (``conformalize``), predict ordinal sets.

See :mod:`sk_ordinal_kl.conformal` for the method and the scores.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from .._compat import Interval, StrOptions
from .._meta import (
    OrdinalMetaClassifier,
    _estimator_has,
    copy_input_attributes,
    labels_for_inner_fit,
    require_y,
)
from ..labels import check_labels
from .quantile import conformal_rank, min_calibration_samples
from .scores import CONFORMITY_METHODS, scores_and_anchors

__all__ = ["OrdinalConformalClassifier"]


class OrdinalConformalClassifier(OrdinalMetaClassifier):
    """Split conformal classifier predicting contiguous sets of ordered labels.

    Wraps any classifier with ``predict_proba``: :meth:`fit` fits it on training data
    (unless ``prefit``), :meth:`conformalize` calibrates the threshold on separate data,
    and :meth:`predict_set` / :meth:`predict_interval` give, for each sample, an
    interval of the ordinal order that contains the true label with probability at
    least ``confidence_level`` (see :mod:`sk_ordinal_kl.conformal` for the scores).

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
    have been used to fit the estimator. :func:`~sk_ordinal_kl.metrics.coverage_by_set_size`
    and :func:`~sk_ordinal_kl.metrics.mean_interval_width` show how the coverage is spread.

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
        **OrdinalMetaClassifier._parameter_constraints,
        "confidence_level": [Interval(Real, 0, 1, closed="neither")],
        "method": [StrOptions(set(CONFORMITY_METHODS))],
        "randomized": ["boolean"],
        "prefit": ["boolean"],
        "random_state": ["random_state"],
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
        super().__init__(estimator, classes=classes)
        self.confidence_level = confidence_level
        self.method = method
        self.randomized = randomized
        self.prefit = prefit
        self.random_state = random_state

    def _check_params(self) -> None:
        level = self.confidence_level
        if isinstance(level, Real) and not isinstance(level, bool) and not 0 < level < 1:
            raise ValueError(f"confidence_level must be in (0, 1), got {level!r}.")
        self._check_constraints()

    def fit(self, X, y, **fit_params) -> OrdinalConformalClassifier:
        """Fit a clone of ``estimator`` on training data (not the calibration data).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Training labels.
        **fit_params : dict
            Passed to ``estimator.fit``; under metadata routing, those it requests
            (``estimator.set_fit_request(sample_weight=True)``).

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
        self._check_label_type(labels, y)
        self._check_labels_in_classes(labels)  # bad classes raise before any fitting
        inner_params = self._inner_fit_params(fit_params)
        inner_y = labels_for_inner_fit(labels, y, self.classes)  # keeps the order
        self.estimator_ = clone(self.estimator).fit(X, inner_y, **inner_params)
        copy_input_attributes(self, self.estimator_)
        self._set_order(self.estimator_, labels, y)
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
            self._set_order(self.estimator_, None, y_conformalize)
        elif not hasattr(self, "estimator_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(X_train, y_train) "
                "first, or pass a fitted estimator with prefit=True."
            )
        labels = check_labels(y_conformalize, name="y_conformalize")
        check_consistent_length(X_conformalize, labels)
        self._check_labels_known(labels, self.ordinal_classes_, "y_conformalize")
        n = len(labels)
        needed = min_calibration_samples(self.confidence_level)
        if n < needed:
            raise ValueError(
                f"too few calibration samples for confidence_level={self.confidence_level}: "
                f"need at least {needed}, got {n}."
            )
        index = self._encoding_.encode(labels, name="y_conformalize")
        scores, _ = scores_and_anchors(
            self._ordinal_proba(X_conformalize), self.method, self._uniforms(n, stream=0)
        )
        self.conformity_scores_ = np.sort(scores[np.arange(n), index])
        self.confidence_level_ = float(self.confidence_level)
        self.quantile_ = float(
            self.conformity_scores_[conformal_rank(n, self.confidence_level_) - 1]
        )
        return self

    # ----------------------------------------------------------------- predict
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
        scores, anchors = scores_and_anchors(proba, self.method, u)
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

    @available_if(_estimator_has("predict"))
    def predict(self, X) -> np.ndarray:
        """Point prediction of the fitted estimator.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            ``estimator_.predict(X)``, with the dtype of ``classes_`` (object for
            string labels, whatever array the estimator returns them in).
        """
        check_is_fitted(self, "estimator_")
        return np.asarray(self.estimator_.predict(X)).astype(self.classes_.dtype, copy=False)

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
        tags.non_deterministic = tags.non_deterministic or (
            self.randomized and self.random_state is None
        )
        return tags
