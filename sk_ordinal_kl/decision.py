"""Decision rules: from class probabilities over ordered classes to one class index.

The best point prediction depends on the metric:

- ``"argmax"``: the mode of ``q``; maximises accuracy.
- ``"median"``: the smallest ``k`` with ``sum_{j <= k} q_j >= 1/2``; minimises the expected
  absolute error on the class index.
- ``"mean"``: ``E_q[k] = sum_k k q_k`` rounded to the nearest index (halves round up);
  minimises (nearly) the expected squared error.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedShuffleSplit, check_cv
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ._compat import Interval, StrOptions, validate_parameter_constraints
from .labels import (
    OrdinalEncoding,
    _as_1d_object,
    check_labels,
    format_labels,
    labels_to_indices,
    ordinal_classes_of,
)
from .metrics import ClassIndexScorer, neg_mse_class_index_scorer

__all__ = [
    "DECISIONS",
    "PREDICTION_RULES",
    "TunedOrdinalDecisionCV",
    "check_prediction_rule",
    "expected_index",
    "fit_thresholds",
    "predict_index",
    "predict_index_thresholds",
]

PREDICTION_RULES = ("argmax", "median", "mean")


def check_prediction_rule(rule: str) -> str:
    """Return ``rule`` if it names a known decision rule, else raise ``ValueError``.

    Parameters
    ----------
    rule : str
        One of ``"argmax"``, ``"median"``, ``"mean"``.

    Returns
    -------
    rule : str
        The validated rule.

    Examples
    --------
    >>> check_prediction_rule("median")
    'median'
    """
    if not isinstance(rule, str) or rule not in PREDICTION_RULES:
        raise ValueError(f"prediction must be one of {PREDICTION_RULES}, got {rule!r}.")
    return rule


def _median_index(proba: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(proba, axis=1)
    # Rows may sum to 1 - 1e-7 in float32: compare with half of each row's own total.
    half = 0.5 * cumulative[:, -1:]
    return np.argmax(cumulative >= half, axis=1)


def _rounded_mean_index(proba: np.ndarray) -> np.ndarray:
    num_classes = proba.shape[1]
    mean = proba @ np.arange(num_classes, dtype=proba.dtype) / proba.sum(axis=1)
    return np.clip(np.floor(mean + 0.5), 0, num_classes - 1).astype(np.int64)


def predict_index(proba: np.ndarray, rule: str = "argmax") -> np.ndarray:
    """Class index per row of ``proba`` under a decision rule.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, K)
        Class probabilities, columns in ordinal order.
    rule : {"argmax", "median", "mean"}, default="argmax"
        Decision rule (see the module docstring).

    Returns
    -------
    index : ndarray of shape (n_samples,), int64
        Predicted class index in ``0..K-1``.

    Examples
    --------
    >>> q = np.array([[0.4, 0.0, 0.0, 0.3, 0.3]])
    >>> predict_index(q, "argmax"), predict_index(q, "median"), predict_index(q, "mean")
    (array([0]), array([3]), array([2]))
    """
    rule = check_prediction_rule(rule)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2:
        raise ValueError(f"proba must be 2-D (n_samples, n_classes), got shape {proba.shape}.")
    if rule == "median":
        return _median_index(proba).astype(np.int64)
    if rule == "mean":
        return _rounded_mean_index(proba)
    return np.argmax(proba, axis=1).astype(np.int64)


# --------------------------------------------------------------------------- #
# Tuning the decision by cross-validation
# --------------------------------------------------------------------------- #
DECISIONS = (*PREDICTION_RULES, "thresholds")

# Largest number of candidate positions tried per cut point and sweep of the coordinate
# descent; beyond it the candidates are evenly spaced quantiles of the midpoints. A
# scorer other than the package's own class-index scorers goes through its full
# scorer(estimator, X, y) call per candidate, hence fewer candidates.
_MAX_CUT_CANDIDATES = 256
_MAX_CUT_CANDIDATES_GENERIC_SCORER = 64
_MAX_SWEEPS = 20


def expected_index(proba: np.ndarray) -> np.ndarray:
    """Expected class index ``E_q[k] = sum_k k q_k`` of each row (rows renormalised).

    Parameters
    ----------
    proba : ndarray of shape (n_samples, K)
        Class probabilities, columns in ordinal order.

    Returns
    -------
    mean : ndarray of shape (n_samples,), float64
        Values in ``[0, K - 1]``; the ``"mean"`` rule rounds them.

    Examples
    --------
    >>> expected_index(np.array([[0.5, 0.0, 0.5], [0.0, 1.0, 0.0]]))
    array([1., 1.])
    """
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2:
        raise ValueError(f"proba must be 2-D (n_samples, n_classes), got shape {proba.shape}.")
    return proba @ np.arange(proba.shape[1], dtype=np.float64) / proba.sum(axis=1)


def predict_index_thresholds(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Class index from ordered cut points on the expected class index.

    Row ``i`` gets the number of cut points ``t_j <= E_q[k]``. The cut points
    ``k + 0.5`` (``k = 0..K-2``) give the ``"mean"`` rule exactly.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, K)
        Class probabilities, columns in ordinal order.
    thresholds : array-like of shape (K - 1,)
        Non-decreasing cut points.

    Returns
    -------
    index : ndarray of shape (n_samples,), int64
        Predicted class index in ``0..K-1``.

    Examples
    --------
    >>> q = np.array([[0.6, 0.4, 0.0], [0.2, 0.2, 0.6]])
    >>> predict_index_thresholds(q, [0.3, 1.2]).tolist()
    [1, 2]
    """
    proba = np.asarray(proba, dtype=np.float64)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if proba.ndim != 2 or thresholds.shape != (proba.shape[1] - 1,):
        raise ValueError(
            f"thresholds must have shape (K - 1,) = ({proba.shape[-1] - 1},) for proba of "
            f"shape {proba.shape}, got shape {thresholds.shape}."
        )
    if np.any(np.diff(thresholds) < 0):
        raise ValueError(f"thresholds must be non-decreasing, got {thresholds.tolist()}.")
    return np.searchsorted(thresholds, expected_index(proba), side="right").astype(np.int64)


def fit_thresholds(
    score_index: np.ndarray,
    num_classes: int,
    score_fn,
    *,
    max_candidates: int = _MAX_CUT_CANDIDATES,
    max_sweeps: int = _MAX_SWEEPS,
) -> tuple[np.ndarray, float]:
    """Fit ``K - 1`` ordered cut points on a score per sample by coordinate descent.

    Starts from the rounding cut points ``k + 0.5`` and moves one cut point at a time to
    the candidate position (a midpoint between consecutive sorted scores, or an end of
    ``[-0.5, K - 0.5]``) that maximises ``score_fn``, within the interval left by its
    neighbours, so the cut points stay sorted. A move is taken only when it strictly
    improves the score, so the result is never worse than the starting point. Sweeps
    repeat until none moves.

    Parameters
    ----------
    score_index : ndarray of shape (n_samples,)
        The quantity to cut, e.g. :func:`expected_index` of out-of-fold probabilities.
    num_classes : int
        Number of classes ``K``.
    score_fn : callable
        ``score_fn(index) -> float`` for predicted indices ``index``; greater is better.
    max_candidates : int, default=256
        Largest number of positions tried per cut point and sweep (evenly spaced
        quantiles of the candidates when there are more).
    max_sweeps : int, default=20
        Largest number of passes over the cut points.

    Returns
    -------
    thresholds : ndarray of shape (K - 1,)
        Non-decreasing cut points.
    score : float
        ``score_fn`` of the indices they give.

    Examples
    --------
    >>> s = np.array([0.1, 0.2, 0.9, 1.0])
    >>> t, best = fit_thresholds(s, 2, lambda index: -np.abs(index - [0, 0, 0, 1]).sum())
    >>> t.tolist(), best
    ([0.95], 0.0)
    """
    values = np.asarray(score_index, dtype=np.float64)
    thresholds = np.arange(num_classes - 1, dtype=np.float64) + 0.5
    if num_classes < 2:
        return thresholds, float(score_fn(np.zeros(len(values), dtype=np.int64)))
    unique = np.unique(values)
    candidates = np.unique(
        np.concatenate([(unique[1:] + unique[:-1]) / 2, [-0.5, num_classes - 0.5]])
    )

    def evaluate(cuts: np.ndarray) -> float:
        return float(score_fn(np.searchsorted(cuts, values, side="right").astype(np.int64)))

    best = evaluate(thresholds)
    for _ in range(max_sweeps):
        moved = False
        for j in range(num_classes - 1):
            low = thresholds[j - 1] if j > 0 else -0.5
            high = thresholds[j + 1] if j < num_classes - 2 else num_classes - 0.5
            allowed = candidates[(candidates >= low) & (candidates <= high)]
            if len(allowed) > max_candidates:
                picks = np.linspace(0, len(allowed) - 1, max_candidates)
                allowed = allowed[np.unique(np.round(picks).astype(np.int64))]
            current = thresholds[j]
            # Nearest candidates first: among equal scores the smallest move wins.
            for value in allowed[np.argsort(np.abs(allowed - current), kind="stable")]:
                if value == current:
                    continue
                trial = thresholds.copy()
                trial[j] = value
                score = evaluate(trial)
                if score > best:
                    best, thresholds, moved = score, trial, True
        if not moved:
            break
    return thresholds, best


class _DecidedLabels(ClassifierMixin, BaseEstimator):
    """Stand-in classifier whose ``predict`` returns labels decided beforehand.

    Lets any scorer with the ``scorer(estimator, X, y)`` API score a decision on
    out-of-fold probabilities without refitting: ``X`` is ignored (only its length is
    checked), ``predict_proba`` returns the out-of-fold probabilities.
    """

    def _set(self, ordinal_classes, labels, proba_sorted):
        self.ordinal_classes_ = ordinal_classes
        self.classes_ = np.sort(ordinal_classes)
        self.labels_ = labels
        self.proba_ = proba_sorted
        return self

    def _check_length(self, X):
        if len(X) != len(self.labels_):
            raise ValueError("the scorer passed inputs of another length than y.")

    def predict(self, X):
        self._check_length(X)
        return self.labels_

    def predict_proba(self, X):
        self._check_length(X)
        return self.proba_


def _resolve_scorer(scoring):
    if scoring is None:
        return neg_mse_class_index_scorer
    if isinstance(scoring, str):
        return get_scorer(scoring)
    return scoring


def _fit_clone(estimator, X, y, train):
    fitted = clone(estimator)
    fitted.fit(_safe_indexing(X, train), _safe_indexing(y, train))
    return fitted


def _proba_in_order(estimator, X, ordinal_classes: np.ndarray) -> np.ndarray:
    """``estimator.predict_proba(X)`` with one column per label of ``ordinal_classes``.

    Columns are matched by label through ``estimator.classes_``, so a fold estimator that
    never saw a class gives it probability 0.
    """
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


class TunedOrdinalDecisionCV(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Choose the decision rule of a probabilistic classifier by cross-validation.

    The ordinal counterpart of scikit-learn's
    :class:`~sklearn.model_selection.TunedThresholdClassifierCV`: one set of
    cross-validated fits gives out-of-fold ``predict_proba`` for every training sample
    (columns in ordinal order), every candidate decision is applied to them, and the one
    that maximises ``scoring`` is kept. Tuning the rule this way costs one fit per fold
    however many rules are compared, where a grid over ``prediction`` refits each.

    Candidate decisions:

    - ``"argmax"``, ``"median"``, ``"mean"``: the fixed rules of :func:`predict_index`;
    - ``"thresholds"``: ``K - 1`` ordered cut points ``t_1 <= ... <= t_{K-1}`` on the
      expected class index ``E_q[k]``; a sample gets the number of cut points at or below
      it. They are fitted to ``scoring`` on the out-of-fold data by coordinate descent
      (:func:`fit_thresholds`), starting from the rounding cut points ``k + 0.5``, i.e.
      from the ``"mean"`` rule, and moving only when the score strictly improves, so
      ``"thresholds"`` never scores below ``"mean"`` on the out-of-fold data. The expected
      index is cut rather than the cumulative probabilities because it is one number per
      sample that increases with the predicted class, so ordered cut points always give a
      valid, monotone decision and ``K - 1`` numbers describe it; cut points on the
      cumulative probabilities would be ``K - 1`` levels on ``K - 1`` different
      functions, whose decisions need not be ordered.

    Parameters
    ----------
    estimator : classifier
        Any classifier with ``predict_proba`` (an
        :class:`~sk_ordinal_kl.OrdinalKLClassifier`, a Pipeline, a scikit-learn
        classifier); its columns are matched to the ordinal order by label.
    scoring : str, callable or None, default=neg_mse_class_index_scorer
        Scorer to maximise, with the ``scorer(estimator, X, y)`` API: the ordinal
        scorers of :mod:`sk_ordinal_kl.metrics` (QWK, MAE, MSE, AMAE), any scorer of
        labels made with :func:`~sklearn.metrics.make_scorer`, or a scikit-learn scorer
        name such as ``"accuracy"``. None is ``neg_mse_class_index_scorer``.
    decisions : tuple of str, default=("argmax", "median", "mean", "thresholds")
        Candidate decisions; a subset of :data:`DECISIONS`.
    cv : int, float, cross-validation generator, iterable or "prefit", default=5
        An int is the number of stratified folds; a float in (0, 1) one stratified
        shuffle split with that validation share; a splitter or an iterable of
        ``(train, test)`` index pairs as in scikit-learn; ``"prefit"`` uses the fitted
        ``estimator`` as it is and tunes the decision on the data passed to :meth:`fit`
        (which must then not be the data it was fitted on).
    refit : bool, default=True
        Refit ``estimator`` on all data after the decision has been chosen. ``False``
        keeps the estimator fitted on the training part of a single split (a float
        ``cv`` or one-split iterable) or, with ``cv="prefit"``, the given estimator;
        it raises for several splits, and ``refit=True`` raises with ``"prefit"``.
    n_jobs : int or None, default=None
        Fits run in parallel through joblib (the folds and the refit).
    random_state : int, RandomState instance or None, default=None
        Seeds the split of a float ``cv``.
    classes : array-like of shape (K,), default=None
        All labels in ordinal order. Default: the fitted estimator's order
        (:func:`~sk_ordinal_kl.labels.ordinal_classes_of`: ``ordinal_classes_`` or
        a ``classes`` parameter of an ordinal estimator, else its sorted ``classes_``).
        Set it for a scikit-learn classifier with string labels, whose sorted labels
        are rarely in ordinal order.

    Attributes
    ----------
    estimator_ : classifier
        The estimator refitted on all data (or as described under ``refit``).
    best_decision_ : str
        The decision with the best out-of-fold score; :meth:`predict` applies it.
    best_score_ : float
        Its score.
    thresholds_ : ndarray of shape (K - 1,) or None
        The fitted cut points whenever ``"thresholds"`` is among ``decisions`` (whether
        or not they win), else None.
    cv_results_ : dict of ndarrays
        ``"decision"`` (the names, in the order of ``decisions``), ``"score"`` (their
        score on all out-of-fold predictions pooled) and ``"rank_score"`` (1 = best;
        equal scores share the smallest rank, as in scikit-learn's searches);
        ``pandas.DataFrame(cv_results_)`` tabulates it.
    classes_ : ndarray of shape (K,)
        Labels sorted; column order of :meth:`predict_proba`.
    ordinal_classes_ : ndarray of shape (K,)
        Labels in ordinal order.

    See Also
    --------
    predict_index : the fixed rules.
    sklearn.model_selection.TunedThresholdClassifierCV : the binary counterpart.

    Notes
    -----
    The cut points are fitted and scored on the same out-of-fold data, so the score of
    ``"thresholds"`` is slightly optimistic; with ``K - 1`` parameters for many samples
    the bias is small. Ties go to the decision listed first in ``decisions``.
    A fold whose training part lacks a class gives it probability 0.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sk_ordinal_kl.datasets import make_ordinal_classification
    >>> X, y = make_ordinal_classification(n_samples=200, n_classes=4, random_state=0)
    >>> tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=3).fit(X, y)
    >>> tuned.best_decision_ in DECISIONS, tuned.predict(X[:3]).shape
    (True, (3,))
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": "no_validation",
        "scoring": [None, str, callable],
        "decisions": [list, tuple],
        "cv": ["cv_object", StrOptions({"prefit"}), Interval(Real, 0, 1, closed="neither")],
        "refit": ["boolean"],
        "n_jobs": [None, Integral],
        "random_state": ["random_state"],
        "classes": [None, "array-like"],
    }

    def __init__(
        self,
        estimator,
        *,
        scoring=neg_mse_class_index_scorer,
        decisions=DECISIONS,
        cv=5,
        refit: bool = True,
        n_jobs: int | None = None,
        random_state=None,
        classes=None,
    ):
        self.estimator = estimator
        self.scoring = scoring
        self.decisions = decisions
        self.cv = cv
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.classes = classes

    # ------------------------------------------------------------------ checks
    def _check_params(self) -> tuple[str, ...]:
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )
        if not hasattr(self.estimator, "fit") or not hasattr(self.estimator, "predict_proba"):
            raise ValueError(
                f"estimator must be a classifier with fit and predict_proba; "
                f"{type(self.estimator).__name__} has no predict_proba. "
                f"{type(self).__name__} chooses the decision from class probabilities."
            )
        decisions = tuple(self.decisions)
        unknown = [d for d in decisions if not isinstance(d, str) or d not in DECISIONS]
        if unknown or not decisions:
            raise ValueError(
                f"decisions must be a non-empty subset of {DECISIONS}, got unknown "
                f"{format_labels(unknown)}."
                if unknown
                else f"decisions must be a non-empty subset of {DECISIONS}, got ()."
            )
        if len(set(decisions)) != len(decisions):
            raise ValueError(f"decisions contains duplicates: {list(decisions)}.")
        if isinstance(self.cv, str) and self.refit:
            raise ValueError('cv="prefit" uses the fitted estimator as it is: set refit=False.')
        return decisions

    def _splits(self, X, y) -> list:
        if isinstance(self.cv, Real) and not isinstance(self.cv, Integral):
            splitter = StratifiedShuffleSplit(
                n_splits=1, test_size=self.cv, random_state=self.random_state
            )
        else:
            splitter = check_cv(self.cv, y, classifier=True)
        splits = list(splitter.split(X, y))
        if not self.refit and len(splits) != 1:
            raise ValueError(
                f"refit=False needs a single train/validation split (a float cv or a "
                f"one-split iterable), got {len(splits)} splits; set refit=True."
            )
        return splits

    # --------------------------------------------------------------------- fit
    def fit(self, X, y) -> TunedOrdinalDecisionCV:
        """Fit the estimator by cross-validation, choose the decision, then refit.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training inputs, passed on to ``estimator``.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : TunedOrdinalDecisionCV
            The fitted meta-estimator.
        """
        decisions = self._check_params()
        # Everything that can be checked without a fitted estimator raises before any fit.
        scorer = _resolve_scorer(self.scoring)
        labels = check_labels(y)
        check_consistent_length(X, labels)
        if self.classes is not None:
            self._check_labels_in(labels, OrdinalEncoding(self.classes).ordinal_classes)
        if isinstance(self.cv, str):  # "prefit"
            check_is_fitted(self.estimator)
            self.estimator_ = self.estimator
            ordinal = self._ordinal_order(self.estimator_, labels)
            oof = _proba_in_order(self.estimator_, X, ordinal)
        else:
            splits = self._splits(X, labels)
            jobs = [np.arange(len(labels))] if self.refit else []
            fitted = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_clone)(self.estimator, X, labels, train)
                for train in [*jobs, *(train for train, _ in splits)]
            )
            folds = fitted[1:] if self.refit else fitted
            self.estimator_ = fitted[0]
            ordinal = self._ordinal_order(self.estimator_, labels)
            oof = np.full((len(labels), len(ordinal)), np.nan)
            for estimator, (_, test) in zip(folds, splits, strict=True):
                oof[test] = _proba_in_order(estimator, _safe_indexing(X, test), ordinal)
            scored = ~np.isnan(oof[:, 0])
            oof, labels = oof[scored], labels[scored]
        self.ordinal_classes_ = ordinal
        self._encoding_ = OrdinalEncoding(ordinal)
        self.classes_ = self._encoding_.classes
        self._choose(decisions, scorer, oof, labels)
        return self

    def _ordinal_order(self, estimator, labels: np.ndarray) -> np.ndarray:
        if self.classes is not None:
            ordinal = OrdinalEncoding(self.classes).ordinal_classes
        else:
            ordinal = np.asarray(ordinal_classes_of(estimator))
        self._check_labels_in(labels, ordinal)
        return ordinal

    def _check_labels_in(self, labels: np.ndarray, ordinal: np.ndarray) -> None:
        unknown = np.setdiff1d(np.unique(_as_1d_object(labels, "y")), _as_1d_object(ordinal, ""))
        if unknown.size:
            source = "classes" if self.classes is not None else "the fitted estimator's classes"
            raise ValueError(
                f"y contains labels {format_labels(unknown)} that are not in {source} "
                f"{format_labels(ordinal)}."
            )

    def _choose(self, decisions, scorer, oof: np.ndarray, labels: np.ndarray) -> None:
        true_index = self._encoding_.encode(labels)
        score_fn, max_candidates = self._index_scorer(scorer, oof, labels, true_index)
        scores, self.thresholds_ = [], None
        for decision in decisions:
            if decision == "thresholds":
                self.thresholds_, score = fit_thresholds(
                    expected_index(oof),
                    len(self.ordinal_classes_),
                    score_fn,
                    max_candidates=max_candidates,
                )
            else:
                score = score_fn(predict_index(oof, decision))
            scores.append(float(score))
        scores = np.asarray(scores)
        best = int(np.argmax(scores))  # first of equal scores
        self.best_decision_ = decisions[best]
        self.best_score_ = float(scores[best])
        # Equal scores share the best rank, as in scikit-learn's searches.
        rank = rankdata(-scores, method="min").astype(np.int64)
        self.cv_results_ = {
            "decision": np.asarray(decisions, dtype=object),
            "score": scores,
            "rank_score": rank,
        }

    def _index_scorer(self, scorer, oof, labels, true_index):
        """``score(pred_index) -> float`` for predicted ordinal indices on the OOF data,
        and the number of cut-point candidates worth its cost."""
        if isinstance(scorer, ClassIndexScorer) and scorer.response_method == "predict":
            # The same computation as ClassIndexScorer.__call__, on indices directly.
            kwargs = {"n_classes": len(self.ordinal_classes_)} if scorer.pass_n_classes else {}
            sign = 1.0 if scorer.greater_is_better else -1.0
            return (
                lambda index: sign * float(scorer.metric(true_index, index, **kwargs)),
                _MAX_CUT_CANDIDATES,
            )
        proba_sorted = self._encoding_.to_sorted_columns(oof)
        placeholder = np.zeros((len(labels), 1))

        def score(index):
            stand_in = _DecidedLabels()._set(
                self.ordinal_classes_, self._encoding_.decode(index), proba_sorted
            )
            return float(scorer(stand_in, placeholder, labels))

        return score, _MAX_CUT_CANDIDATES_GENERIC_SCORER

    # ----------------------------------------------------------------- predict
    def predict_proba_ordinal(self, X) -> np.ndarray:
        """Class probabilities of ``estimator_``, columns in ordinal order.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, K)
            Column ``k`` is the probability of ``ordinal_classes_[k]``.
        """
        check_is_fitted(self, "best_decision_")
        return _proba_in_order(self.estimator_, X, self.ordinal_classes_)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities of ``estimator_``, columns in ``classes_`` (sorted) order.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, K)
            The estimator's ``predict_proba`` (a class it never saw gets a zero column).
        """
        proba = self.predict_proba_ordinal(X)  # raises NotFittedError before fit
        return self._encoding_.to_sorted_columns(proba)

    def predict(self, X) -> np.ndarray:
        """Labels under the chosen decision ``best_decision_``.

        Parameters
        ----------
        X : array-like
            Input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba_ordinal(X)
        if self.best_decision_ == "thresholds":
            index = predict_index_thresholds(proba, self.thresholds_)
        else:
            index = predict_index(proba, self.best_decision_)
        return self._encoding_.decode(index)

    def score(self, X, y) -> float:
        """``scoring`` of :meth:`predict` on ``(X, y)``; greater is better.

        Parameters
        ----------
        X : array-like
            Input samples.
        y : array-like of shape (n_samples,)
            True labels.

        Returns
        -------
        score : float
            The value of the scorer named by ``scoring``.
        """
        check_is_fitted(self, "best_decision_")
        return float(_resolve_scorer(self.scoring)(self, X, y))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.non_deterministic = inner.non_deterministic
        return tags
