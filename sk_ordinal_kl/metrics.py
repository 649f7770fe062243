"""Ordinal metrics and scikit-learn scorers computed on class indices.

An ordinal problem has ``K`` ordered classes. Every metric here works on the
class *index* ``0..K-1`` in that order, so that distances between classes are
meaningful: predicting ``"high"`` for a ``"low"`` sample costs more than
predicting ``"mid"``.

Every metric accepts ``(y_true, y_pred, *, classes=None)``:

* ``classes=None``: ``y_true`` and ``y_pred`` are already integer class indices.
* ``classes`` given: an array-like of labels in their ordinal order (it is never
  sorted); ``y_true`` and ``y_pred`` hold labels that are mapped to their
  position in ``classes`` through :func:`~sk_ordinal_kl.labels.labels_to_indices`.
  For a fitted :class:`~sk_ordinal_kl.OrdinalKLClassifier` pass its
  ``ordinal_classes_`` (its ``classes_`` is sorted, as scikit-learn requires).

The scorers (e.g. :data:`neg_mse_class_index_scorer`) plug into ``scoring=`` of
:class:`~sklearn.model_selection.GridSearchCV` and
:func:`~sklearn.model_selection.cross_val_score`. They take the ordinal order
from the fitted estimator's ``classes_``.

The coverage metrics (:func:`coverage_score`, :func:`mean_interval_width`,
:func:`coverage_by_set_size`) measure prediction *sets*, such as those of
:class:`~sk_ordinal_kl.conformal.OrdinalConformalClassifier`: boolean sets or
``[low, high]`` intervals of the ordinal order.
"""

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from sklearn import get_config
from sklearn.utils.metadata_routing import MetadataRequest

from ._metric_inputs import (
    check_proba,
    check_weights,
    indices_and_weights,
    set_bounds,
    true_and_set_bounds,
    true_indices,
)
from .labels import _as_1d_object, labels_to_indices, ordinal_classes_of, predict_proba_ordinal

__all__ = [
    "ClassIndexScorer",
    "amae",
    "coverage_by_set_size",
    "coverage_score",
    "labels_to_indices",
    "mae_class_index",
    "make_class_index_scorer",
    "mean_interval_width",
    "mse_class_index",
    "neg_amae_scorer",
    "neg_mae_class_index_scorer",
    "neg_mse_class_index_scorer",
    "neg_rps_scorer",
    "off_by_one_accuracy",
    "off_by_one_accuracy_scorer",
    "quadratic_weighted_kappa",
    "qwk_scorer",
    "ranked_probability_score",
]


# --------------------------------------------------------------------------- #
# Metrics
# --------------------------------------------------------------------------- #
def mse_class_index(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    classes: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Mean squared error between class indices.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class indices, or labels if ``classes`` is given.
    classes : array-like of shape (n_classes,), default=None
        Labels in ordinal order used to map labels to indices.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight per sample (a weight of 2 counts a sample twice).

    Returns
    -------
    mse : float
        ``mean((i - j) ** 2)``; lower is better.

    Examples
    --------
    >>> mse_class_index(["low", "high"], ["mid", "low"], classes=["low", "mid", "high"])
    2.5
    """
    true_idx, pred_idx, _, weights = indices_and_weights(y_true, y_pred, classes, sample_weight)
    return float(np.average((true_idx - pred_idx).astype(np.float64) ** 2, weights=weights))


def mae_class_index(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    classes: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Mean absolute error between class indices.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class indices, or labels if ``classes`` is given.
    classes : array-like of shape (n_classes,), default=None
        Labels in ordinal order used to map labels to indices.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight per sample (a weight of 2 counts a sample twice).

    Returns
    -------
    mae : float
        ``mean(|i - j|)``; lower is better.

    Examples
    --------
    >>> mae_class_index([0, 1, 2, 2], [0, 2, 0, 2])
    0.75
    """
    true_idx, pred_idx, _, weights = indices_and_weights(y_true, y_pred, classes, sample_weight)
    return float(np.average(np.abs(true_idx - pred_idx), weights=weights))


def _resolve_n_classes(
    true_idx: NDArray[np.int64],
    pred_idx: NDArray[np.int64],
    from_classes: int | None,
    n_classes: int | None,
) -> int:
    """Pick K for the kappa confusion matrix and check every index fits in it."""
    observed = int(max(true_idx.max(), pred_idx.max())) + 1
    if n_classes is None:
        return from_classes if from_classes is not None else observed
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)):
        raise ValueError(f"n_classes must be a positive integer, got {n_classes!r}.")
    if n_classes < 1:
        raise ValueError(f"n_classes must be a positive integer, got {n_classes!r}.")
    if from_classes is not None and n_classes != from_classes:
        raise ValueError(
            f"n_classes={n_classes} disagrees with len(classes)={from_classes}; pass only one."
        )
    if observed > n_classes:
        raise ValueError(
            f"Found class index {observed - 1}, which is out of range for n_classes={n_classes}."
        )
    return int(n_classes)


def quadratic_weighted_kappa(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    classes: ArrayLike | None = None,
    n_classes: int | None = None,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Cohen's kappa with quadratic weights on class indices.

    ``kappa = 1 - sum(W * O) / sum(W * E)`` where ``O`` is the ``K x K``
    confusion matrix, ``E`` the outer product of its marginals divided by
    ``n``, and ``W[i, j] = (i - j) ** 2``. The usual ``1 / (K - 1) ** 2``
    normalisation of ``W`` cancels in the ratio, and classes observed in
    neither array add only zero rows and columns, so the value does not
    depend on ``K`` beyond fitting every index.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class indices, or labels if ``classes`` is given.
    classes : array-like of shape (n_classes,), default=None
        Labels in ordinal order used to map labels to indices.
    n_classes : int, default=None
        Number of classes ``K``. Defaults to ``len(classes)`` if ``classes`` is
        given, else to the largest observed index plus one. Indices ``>= K``
        raise a ValueError.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight per sample (a weight of 2 counts a sample twice).

    Returns
    -------
    kappa : float
        1 for perfect agreement, 0 for chance agreement, negative for worse
        than chance; greater is better.

        Kappa is undefined when the expected disagreement ``sum(W * E)`` is
        zero, which happens exactly when ``y_true`` and ``y_pred`` are both
        constant and equal. Then this function returns 1.0 if the predictions
        equal the truth everywhere (always the case in exact arithmetic) and
        0.0 otherwise, instead of NaN.

    Examples
    --------
    >>> quadratic_weighted_kappa([0, 1, 2, 3], [0, 1, 2, 3])
    1.0
    >>> quadratic_weighted_kappa([0, 0, 1, 1], [1, 1, 0, 0])
    -1.0
    """
    true_idx, pred_idx, from_classes, weights = indices_and_weights(
        y_true, y_pred, classes, sample_weight
    )
    k = _resolve_n_classes(true_idx, pred_idx, from_classes, n_classes)
    if weights is not None:  # samples of weight 0 are not there
        keep = weights > 0
        true_idx, pred_idx, weights = true_idx[keep], pred_idx[keep], weights[keep]
    observed = np.bincount(true_idx * k + pred_idx, weights=weights, minlength=k * k)
    observed = observed.reshape(k, k).astype(np.float64)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    positions = np.arange(k, dtype=np.float64)
    weights = (positions[:, None] - positions[None, :]) ** 2
    expected_disagreement = float(np.sum(weights * expected))
    if expected_disagreement == 0.0:
        return 1.0 if np.array_equal(true_idx, pred_idx) else 0.0
    return float(1.0 - np.sum(weights * observed) / expected_disagreement)


def off_by_one_accuracy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    classes: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Fraction of predictions at most one class away from the truth.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class indices, or labels if ``classes`` is given.
    classes : array-like of shape (n_classes,), default=None
        Labels in ordinal order used to map labels to indices.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight per sample (a weight of 2 counts a sample twice).

    Returns
    -------
    accuracy : float
        ``mean(|i - j| <= 1)``; greater is better.

    Examples
    --------
    >>> off_by_one_accuracy([0, 1, 2, 3], [1, 1, 0, 3])
    0.75
    """
    true_idx, pred_idx, _, weights = indices_and_weights(y_true, y_pred, classes, sample_weight)
    return float(np.average(np.abs(true_idx - pred_idx) <= 1, weights=weights))


def amae(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    classes: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Average mean absolute error over the true classes.

    The MAE is computed separately within each class present in ``y_true``
    and then averaged with equal weight per class, so that a model cannot hide
    errors on rare classes behind the frequent ones (Baccianella, Esuli and
    Sebastiani, 2009; used by Gutiérrez et al., 2016). Classes absent from
    ``y_true`` are skipped rather than counted.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class indices, or labels if ``classes`` is given.
    classes : array-like of shape (n_classes,), default=None
        Labels in ordinal order used to map labels to indices.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight per sample (a weight of 2 counts a sample twice).

    Returns
    -------
    amae : float
        Mean over present true classes of the per-class MAE; lower is better.

    Examples
    --------
    >>> amae([0, 0, 0, 2], [0, 0, 0, 0])  # class 0: MAE 0, class 2: MAE 2
    1.0
    """
    true_idx, pred_idx, _, weights = indices_and_weights(y_true, y_pred, classes, sample_weight)
    if weights is None:
        weights = np.ones(len(true_idx))
    abs_errors = np.abs(true_idx - pred_idx).astype(np.float64)
    error_sums = np.bincount(true_idx, weights=abs_errors * weights)
    counts = np.bincount(true_idx, weights=weights)
    present = counts > 0  # a class whose samples all weigh 0 is absent
    return float(np.mean(error_sums[present] / counts[present]))


def ranked_probability_score(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    classes: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Ranked probability score of ordinal class probabilities.

    For sample ``i`` with cumulative predicted probabilities
    ``F[i, k] = sum(y_proba[i, :k + 1])``::

        RPS_i = sum_{k=0}^{K-2} (F[i, k] - 1[y_i <= k]) ** 2 / (K - 1)

    and the score is the mean of ``RPS_i`` over samples. Unlike the log-loss it
    penalises probability mass far from the true class more than mass nearby.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class indices, or labels if ``classes`` is given.
    y_proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities over the classes in ordinal order. Entries must
        be finite and non-negative and each row must sum to 1 (up to 1e-3).
    classes : array-like of shape (n_classes,), default=None
        Labels in ordinal order used to map ``y_true`` to indices; its length
        must equal the number of columns of ``y_proba``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight per sample (a weight of 2 counts a sample twice).

    Returns
    -------
    rps : float
        Between 0 (all mass on the true class) and 1; lower is better.

    Examples
    --------
    >>> ranked_probability_score([0, 2], [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    0.3125
    """
    true_idx = true_indices(y_true, classes)
    proba = check_proba(y_proba, len(true_idx))
    k = proba.shape[1]
    if classes is not None:
        n_labels = len(_as_1d_object(classes, "classes"))
        if n_labels != k:
            raise ValueError(f"y_proba has {k} columns but classes has {n_labels} labels.")
    max_index = int(true_idx.max())
    if max_index >= k:
        raise ValueError(f"y_true contains class index {max_index}, but y_proba has {k} columns.")
    cumulative = np.cumsum(proba, axis=1)[:, :-1]
    observed = (true_idx[:, None] <= np.arange(k - 1)[None, :]).astype(np.float64)
    per_sample = np.sum((cumulative - observed) ** 2, axis=1) / (k - 1)
    return float(np.average(per_sample, weights=check_weights(sample_weight, len(true_idx))))


# --------------------------------------------------------------------------- #
# Prediction sets (conformal)
# --------------------------------------------------------------------------- #
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
        Either boolean sets as from
        :meth:`~sk_ordinal_kl.conformal.OrdinalConformalClassifier.predict_set`, of
        dtype ``bool`` (columns in sorted label order, i.e. ``np.sort(classes)``; in
        index order without ``classes``), or intervals ``[low, high]`` as from
        :meth:`~sk_ordinal_kl.conformal.OrdinalConformalClassifier.predict_interval`
        (labels from ``classes``, or indices without it, with ``low <= high`` in
        ordinal order). Any array that is not of dtype ``bool`` is read as intervals, so
        give 0/1 sets as booleans: ``[[1, 0], [0, 1]]`` is two intervals,
        ``[[True, False], [False, True]]`` two sets.
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
    true_index, low, high = true_and_set_bounds(y_true, y_sets, classes)
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
    low, high, _ = set_bounds(y_sets, classes)
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
    true_index, low, high = true_and_set_bounds(y_true, y_sets, classes)
    frame = pd.DataFrame(
        {"set_size": high - low + 1, "covered": (low <= true_index) & (true_index <= high)}
    )
    table = frame.groupby("set_size")["covered"].agg(n_samples="size", coverage="mean")
    table["coverage"] = table["coverage"].astype(float)
    return table.reset_index()


# --------------------------------------------------------------------------- #
# Scorers
# --------------------------------------------------------------------------- #
_RESPONSE_METHODS = ("predict", "predict_proba")


class ClassIndexScorer:
    """Scorer that evaluates an ordinal metric on class indices.

    scikit-learn passes raw labels to scorers. This scorer reads the ordinal
    order of the fitted estimator with
    :func:`~sk_ordinal_kl.labels.ordinal_classes_of` (its ``ordinal_classes_``, also
    through a Pipeline or a search; a classifier without one has its sorted
    ``classes_`` as order), maps the true labels and the predictions to indices with
    :func:`~sk_ordinal_kl.labels.labels_to_indices` and calls
    ``metric(true_idx, pred_idx)``, or ``metric(true_idx, y_proba)`` with the
    ``predict_proba`` columns put in ordinal order when
    ``response_method="predict_proba"``.

    Parameters
    ----------
    metric : callable
        Metric called with class indices (and ``n_classes`` if
        ``pass_n_classes``). Use a module-level function so the scorer can be
        pickled for parallel search.
    greater_is_better : bool
        If False, the scorer returns ``-metric(...)`` so that greater is
        always better, as scikit-learn expects.
    response_method : {"predict", "predict_proba"}, default="predict"
        Estimator method whose output is passed to ``metric``.
    pass_n_classes : bool, default=False
        If True, also pass ``n_classes=K`` (the number of classes) to ``metric``.

    Examples
    --------
    >>> scorer = ClassIndexScorer(mae_class_index, greater_is_better=False)
    >>> scorer
    ClassIndexScorer(mae_class_index, greater_is_better=False, response_method='predict')
    """

    def __init__(
        self,
        metric: Callable[..., float],
        *,
        greater_is_better: bool,
        response_method: str = "predict",
        pass_n_classes: bool = False,
    ) -> None:
        if not callable(metric):
            raise TypeError(f"metric must be callable, got {metric!r}.")
        if response_method not in _RESPONSE_METHODS:
            raise ValueError(
                f"response_method must be one of {_RESPONSE_METHODS}, got {response_method!r}."
            )
        self.metric = metric
        self.greater_is_better = bool(greater_is_better)
        self.response_method = response_method
        self.pass_n_classes = bool(pass_n_classes)

    def __repr__(self) -> str:
        metric_name = getattr(self.metric, "__name__", repr(self.metric))
        extra = ", pass_n_classes=True" if self.pass_n_classes else ""
        return (
            f"{type(self).__name__}({metric_name}, "
            f"greater_is_better={self.greater_is_better}, "
            f"response_method={self.response_method!r}{extra})"
        )

    def set_score_request(self, **kwargs: Any) -> "ClassIndexScorer":
        """Request metadata (``sample_weight``) for the scorer's call, under metadata
        routing, as scikit-learn's scorers do.

        Without a request the scorer consumes no metadata: a search or
        :class:`~sk_ordinal_kl.decision.TunedOrdinalDecisionCV` routes ``sample_weight``
        only to the estimator. Call it on a scorer of your own
        (:func:`make_class_index_scorer`), not on a shared module-level one, which it
        changes in place.

        Parameters
        ----------
        **kwargs : dict
            ``param=alias`` with ``alias`` in ``{True, False, None, str}``.

        Returns
        -------
        self : ClassIndexScorer
        """
        if not get_config()["enable_metadata_routing"]:
            raise RuntimeError(
                "set_score_request is only available when metadata routing is enabled: "
                "sklearn.set_config(enable_metadata_routing=True)."
            )
        request = MetadataRequest(owner=self)
        for param, alias in kwargs.items():
            request.score.add_request(param=param, alias=alias)
        self._score_request = request
        return self

    def get_metadata_routing(self) -> MetadataRequest:
        """The metadata the scorer's call consumes (set by :meth:`set_score_request`).

        Returns
        -------
        routing : MetadataRequest
        """
        request = getattr(self, "_score_request", None)
        return MetadataRequest(owner=self) if request is None else request

    def __call__(
        self,
        estimator: Any,
        X: ArrayLike,
        y_true: ArrayLike,
        sample_weight: ArrayLike | None = None,
    ) -> float:
        """Score a fitted classifier on ``(X, y_true)``; greater is better.

        Parameters
        ----------
        estimator : fitted classifier
            Must expose ``classes_`` (and ``ordinal_classes_`` when the ordinal order
            is not the sorted order) and the method named by ``response_method``.
        X : array-like of shape (n_samples, n_features)
            Input samples.
        y_true : array-like of shape (n_samples,)
            True labels; each must be one of the estimator's classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to ``metric`` (which must then take ``sample_weight``).

        Returns
        -------
        score : float
            ``metric(...)`` if ``greater_is_better`` else ``-metric(...)``.
        """
        classes = ordinal_classes_of(estimator)
        true_idx = labels_to_indices(y_true, classes, name="y_true")
        if self.response_method == "predict":
            response = labels_to_indices(estimator.predict(X), classes, name="y_pred")
        else:
            response = predict_proba_ordinal(estimator, X)
        kwargs = {"n_classes": len(classes)} if self.pass_n_classes else {}
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        score = float(self.metric(true_idx, response, **kwargs))
        return score if self.greater_is_better else -score


def make_class_index_scorer(
    metric: Callable[..., float],
    *,
    greater_is_better: bool = True,
    response_method: str = "predict",
    pass_n_classes: bool = False,
) -> ClassIndexScorer:
    """Build a scorer for ``scoring=`` from a metric on class indices.

    Parameters
    ----------
    metric : callable
        ``metric(true_idx, pred_idx)`` (or ``metric(true_idx, y_proba)``)
        returning a float. Use a module-level function so the scorer pickles.
    greater_is_better : bool, default=True
        Whether larger metric values are better; if False the scorer negates
        the metric.
    response_method : {"predict", "predict_proba"}, default="predict"
        Estimator method whose output is passed to ``metric``.
    pass_n_classes : bool, default=False
        If True, also pass ``n_classes=K`` (the number of classes) to ``metric``.

    Returns
    -------
    scorer : ClassIndexScorer
        Callable ``scorer(estimator, X, y_true) -> float``.

    Examples
    --------
    >>> make_class_index_scorer(amae, greater_is_better=False)
    ClassIndexScorer(amae, greater_is_better=False, response_method='predict')
    """
    return ClassIndexScorer(
        metric,
        greater_is_better=greater_is_better,
        response_method=response_method,
        pass_n_classes=pass_n_classes,
    )


neg_mse_class_index_scorer = make_class_index_scorer(mse_class_index, greater_is_better=False)
neg_mae_class_index_scorer = make_class_index_scorer(mae_class_index, greater_is_better=False)
qwk_scorer = make_class_index_scorer(quadratic_weighted_kappa, pass_n_classes=True)
off_by_one_accuracy_scorer = make_class_index_scorer(off_by_one_accuracy)
neg_amae_scorer = make_class_index_scorer(amae, greater_is_better=False)
neg_rps_scorer = make_class_index_scorer(
    ranked_probability_score, greater_is_better=False, response_method="predict_proba"
)
