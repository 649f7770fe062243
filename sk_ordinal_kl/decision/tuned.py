"""Choosing the decision rule of any probabilistic classifier by cross-validation."""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import rankdata
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedShuffleSplit, check_cv
from sklearn.utils.metadata_routing import MethodMapping
from sklearn.utils.validation import check_consistent_length, check_is_fitted, indexable

from .._compat import Interval, StrOptions, safe_indexing, scorer_response_method
from .._meta import (
    HeldOutPredictions,
    OrdinalMetaClassifier,
    copy_input_attributes,
    labels_for_inner_fit,
    require_y,
)
from ..labels import _proba_in_order, check_labels, format_labels
from ..metrics import ClassIndexScorer, neg_mse_class_index_scorer
from .rules import PREDICTION_RULES, expected_index, predict_index, predict_index_thresholds
from .thresholds import (
    _CROSS_FIT_REPEATS,
    _CROSS_FIT_REPEATS_GENERIC_SCORER,
    _MAX_CUT_CANDIDATES,
    _MAX_CUT_CANDIDATES_GENERIC_SCORER,
    cross_fit_partitions,
    cross_fitted_index,
    fit_thresholds,
)

__all__ = ["DECISIONS", "TunedOrdinalDecisionCV"]

DECISIONS = (*PREDICTION_RULES, "thresholds")


def _resolve_scorer(scoring):
    scorer = neg_mse_class_index_scorer if scoring is None else scoring
    if isinstance(scorer, str):
        scorer = get_scorer(scorer)
    # A scorer of probabilities (log-loss, ROC AUC, RPS) gives every decision the same
    # score: the choice would silently fall to the first candidate.
    response = scorer_response_method(scorer)
    responses = (response,) if isinstance(response, str) else tuple(response or ("predict",))
    if "predict" not in responses:
        raise ValueError(
            f"scoring {scoring!r} scores {responses[0]} output, which no decision changes; "
            "use a scorer of predicted labels (e.g. neg_mse_class_index_scorer, "
            "qwk_scorer, 'accuracy')."
        )
    return scorer


def _rows_of(fit_params: dict, rows: np.ndarray, n_samples: int) -> dict:
    """``fit_params`` for the samples ``rows``: per-sample values (sequences of length
    ``n_samples``, e.g. ``sample_weight``) are indexed, the rest pass unchanged."""

    def per_sample(value) -> bool:
        return (
            hasattr(value, "__len__")
            and not isinstance(value, str | bytes | dict)
            and len(value) == n_samples
        )

    return {
        name: safe_indexing(value, rows) if per_sample(value) else value
        for name, value in fit_params.items()
    }


def _scoring_weights(fit_params: dict, n_samples: int) -> np.ndarray | None:
    """The per-sample weights the decisions are scored with: ``sample_weight``, or the
    one ``<step>__sample_weight`` routed into a Pipeline; None without either."""
    names = [n for n in fit_params if n == "sample_weight" or n.endswith("__sample_weight")]
    if not names:
        return None
    if len(names) > 1:
        raise ValueError(
            f"several sample weights {sorted(names)}: pass one, so that the fits and the "
            "scoring of the decisions use the same weights."
        )
    return _one_weight_per_sample(names[0], fit_params[names[0]], n_samples)


def _one_weight_per_sample(name: str, value, n_samples: int) -> np.ndarray | None:
    if value is None:
        return None
    weights = np.asarray(value, dtype=np.float64)
    if weights.shape != (n_samples,):
        raise ValueError(
            f"{name} has shape {weights.shape}; expected one weight per sample ({n_samples},)."
        )
    return weights


def _cross_fitted_score(values, num_classes, score_on, partitions, max_candidates) -> float:
    """Score of cut points on samples they were not fitted on, averaged over the
    partitions (:func:`cross_fitted_index` for each)."""
    score_fn = score_on(np.arange(len(values)))
    return float(
        np.mean(
            [
                score_fn(
                    cross_fitted_index(
                        values, num_classes, score_on, folds, max_candidates=max_candidates
                    )
                )
                for folds in partitions
            ]
        )
    )


def _fit_clone(estimator, X, y, train, fit_params):
    fitted = clone(estimator)
    params = _rows_of(fit_params, train, len(y))
    fitted.fit(safe_indexing(X, train), safe_indexing(y, train), **params)
    return fitted


class TunedOrdinalDecisionCV(OrdinalMetaClassifier):
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
      from the ``"mean"`` rule, and moving only when the score strictly improves. Fitted
      and scored on the same data they could never lose to ``"mean"``, so their score is
      cross-fitted (:func:`cross_fitted_index`): cut points fitted on the out-of-fold
      predictions of all folds but one are scored on that fold's, for each fold in turn,
      and ``"thresholds"`` is chosen only when this out-of-sample score beats the rules'.
      The score is the mean over 5 partitions into folds: the folds of ``cv`` (for a
      single split or ``"prefit"``, an interleaved split into 5 folds stratified by
      class) and 4 seeded, stratified random ones; with ``groups``, whole groups
      (:func:`cross_fit_partitions`). A scorer other than the class-index scorers of
      :mod:`sk_ordinal_kl.metrics` costs a full scorer call per trial, so it gets the
      first partition only. The expected
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
        All labels in ordinal order. Default: the order the fitted estimator knows
        (``ordinal_classes_``), else the categories of an ordered pandas Categorical
        ``y``, else the estimator's sorted ``classes_``
        (:func:`~sk_ordinal_kl.labels.wrapped_ordinal_classes`). Set it for a
        scikit-learn classifier with string labels in a plain array, whose sorted labels
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
        The cut points fitted on all out-of-fold predictions whenever ``"thresholds"``
        is among ``decisions`` (whether or not they win), else None.
    cv_results_ : dict of ndarrays
        ``"decision"`` (the names, in the order of ``decisions``), ``"score"`` (their
        score on all out-of-fold predictions pooled; cross-fitted for
        ``"thresholds"``), ``"rank_score"`` (1 = best; equal scores share the smallest
        rank, as in scikit-learn's searches) and ``"train_score"`` (the score on the
        predictions the decision was fitted on: ``"score"`` for the fixed rules, which
        fit nothing, and the optimistic score of ``thresholds_`` on all out-of-fold
        predictions); ``pandas.DataFrame(cv_results_)`` tabulates it.
    classes_ : ndarray of shape (K,)
        Labels sorted; column order of :meth:`predict_proba`.
    ordinal_classes_ : ndarray of shape (K,)
        Labels in ordinal order.
    n_features_in_ : int
        Number of features seen by ``estimator_``, when it records it.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Their names, when ``estimator_`` records them (X was a DataFrame).

    See Also
    --------
    predict_index : the fixed rules.
    sklearn.model_selection.TunedThresholdClassifierCV : the binary counterpart.

    Notes
    -----
    The fixed rules fit nothing, so their out-of-fold scores are out-of-sample scores
    already; the cross-fitted score puts ``"thresholds"`` on the same footing. It scores
    cut points fitted on about ``(n_folds - 1) / n_folds`` of the data, a little less
    than ``thresholds_`` is fitted on. Ties go to the decision listed first in
    ``decisions``, so with the default order the rules win ties with ``"thresholds"``.
    Cross-fitting cannot see one thing: the cut points are fitted to the fold models'
    probabilities and applied to the refitted model's. A model whose probabilities
    change with the amount of data (a network trained for a fixed number of epochs
    takes more steps on all the data) can make them fit worse than their score says.
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
        **OrdinalMetaClassifier._parameter_constraints,
        "scoring": [None, str, callable],
        "decisions": [list, tuple],
        "cv": ["cv_object", StrOptions({"prefit"}), Interval(Real, 0, 1, closed="neither")],
        "refit": ["boolean"],
        "n_jobs": [None, Integral],
        "random_state": ["random_state"],
    }
    _fitted_attribute: ClassVar[str] = "best_decision_"

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
        super().__init__(estimator, classes=classes)
        self.scoring = scoring
        self.decisions = decisions
        self.cv = cv
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ checks
    def _check_params(self) -> tuple[str, ...]:
        self._check_constraints()
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

    def _splits(self, X, y, groups) -> list:
        # The splitter sees each label's rank among the sorted labels: the folds of the
        # labels themselves, stratified also for float labels (continuous to scikit-learn).
        y = np.unique(y, return_inverse=True)[1].reshape(-1)
        if isinstance(self.cv, Real) and not isinstance(self.cv, Integral):
            if groups is not None:
                raise ValueError(
                    "a float cv makes one stratified shuffle split, which ignores groups; "
                    "pass a group splitter such as GroupShuffleSplit(1, test_size=...)."
                )
            splitter = StratifiedShuffleSplit(
                n_splits=1, test_size=self.cv, random_state=self.random_state
            )
        else:
            splitter = check_cv(self.cv, y, classifier=True)
        splits = list(splitter.split(X, y, groups))
        if not self.refit and len(splits) != 1:
            raise ValueError(
                f"refit=False needs a single train/validation split (a float cv or a "
                f"one-split iterable), got {len(splits)} splits; set refit=True."
            )
        return splits

    # --------------------------------------------------------------------- fit
    def fit(self, X, y, groups=None, **fit_params) -> TunedOrdinalDecisionCV:
        """Fit the estimator by cross-validation, choose the decision, then refit.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training inputs, passed on to ``estimator``.
        y : array-like of shape (n_samples,)
            Class labels.
        groups : array-like of shape (n_samples,), default=None
            Group labels for a group-aware ``cv`` splitter (e.g. ``GroupKFold``); a
            float ``cv`` refuses them. Inside ``cross_val_score`` or ``GridSearchCV``,
            pass them on with ``params={"groups": groups}``.
        **fit_params : dict
            Passed to ``estimator.fit`` (e.g. ``sample_weight``, or
            ``ordinalklclassifier__sample_weight`` for a Pipeline); values with one entry
            per sample are indexed to each fold's training rows. ``sample_weight``
            (or the one ``<step>__sample_weight``) also weights the scoring of the
            decisions on the out-of-fold predictions. Under metadata routing
            (``enable_metadata_routing=True``) each goes only where it is requested:
            ``estimator.set_fit_request(...)`` for the fits,
            ``scorer.set_score_request(sample_weight=True)`` for the scoring.

        Returns
        -------
        self : TunedOrdinalDecisionCV
            The fitted meta-estimator.
        """
        decisions = self._check_params()
        # Everything that can be checked without a fitted estimator raises before any fit.
        scorer = _resolve_scorer(self.scoring)
        require_y(self, y)
        labels = check_labels(y)
        X, labels, groups = indexable(X, labels, groups)
        check_consistent_length(X, labels)
        self._check_label_type(labels, y)
        self._check_labels_in_classes(labels)
        inner_params, weights = self._fit_and_score_params(fit_params, len(labels))
        if isinstance(self.cv, str):  # "prefit"
            if fit_params:
                raise ValueError(
                    f'cv="prefit" fits nothing, so fit parameters {sorted(fit_params)} '
                    "would be ignored; fit the estimator with them first."
                )
            check_is_fitted(self.estimator)
            self.estimator_ = self.estimator
            self._set_order(self.estimator_, labels, y)
            oof = _proba_in_order(self.estimator_, X, self.ordinal_classes_)
            fold_of = np.zeros(len(labels), dtype=np.int64)
        else:
            splits = self._splits(X, labels, groups)
            jobs = [np.arange(len(labels))] if self.refit else []
            inner_y = labels_for_inner_fit(labels, y, self.classes)  # keeps the order
            fitted = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_clone)(self.estimator, X, inner_y, train, inner_params)
                for train in [*jobs, *(train for train, _ in splits)]
            )
            folds = fitted[1:] if self.refit else fitted
            self.estimator_ = fitted[0]
            self._set_order(self.estimator_, labels, y)
            ordinal = self.ordinal_classes_
            oof = np.full((len(labels), len(ordinal)), np.nan)
            # The fold whose model predicted each sample: the cut points are cross-fitted
            # across these folds.
            fold_of = np.full(len(labels), -1, dtype=np.int64)
            for fold, (estimator, (_, test)) in enumerate(zip(folds, splits, strict=True)):
                oof[test] = _proba_in_order(estimator, safe_indexing(X, test), ordinal)
                fold_of[test] = fold
            scored = ~np.isnan(oof[:, 0])
            oof, labels, fold_of = oof[scored], labels[scored], fold_of[scored]
            if groups is not None:
                groups = safe_indexing(groups, np.flatnonzero(scored))
            if weights is not None:
                weights = weights[scored]
        self._choose(decisions, scorer, oof, labels, weights, fold_of, groups)
        copy_input_attributes(self, self.estimator_)
        return self

    def _fit_and_score_params(self, fit_params: dict, n_samples: int):
        """``(params for estimator.fit, weights of the scoring or None)``.

        Under metadata routing each goes where it is requested (``estimator.fit``, the
        scorer's ``sample_weight``); without it every fit parameter reaches
        ``estimator.fit`` and ``sample_weight`` (or the one ``<step>__sample_weight``)
        also weights the scoring, as before routing existed.
        """
        routed = self._route_fit_params(fit_params)
        if routed is None:
            return fit_params, _scoring_weights(fit_params, n_samples)
        weights = routed["scorer"]["score"].get("sample_weight")
        return dict(routed["estimator"]["fit"]), _one_weight_per_sample(
            "sample_weight", weights, n_samples
        )

    def get_metadata_routing(self):
        """Metadata routing: ``fit``'s parameters go to ``estimator.fit`` and to the
        scorer of the decisions (``scorer.set_score_request(sample_weight=True)``).

        Returns
        -------
        routing : MetadataRouter
        """
        return (
            super()
            .get_metadata_routing()
            .add(
                scorer=_resolve_scorer(self.scoring),
                method_mapping=MethodMapping().add(caller="fit", callee="score"),
            )
        )

    def _choose(
        self, decisions, scorer, oof: np.ndarray, labels: np.ndarray, weights, fold_of, groups
    ) -> None:
        true_index = self._encoding_.encode(labels)
        score_on, cheap = self._index_scorer(scorer, oof, labels, true_index, weights)
        max_candidates = _MAX_CUT_CANDIDATES if cheap else _MAX_CUT_CANDIDATES_GENERIC_SCORER
        all_rows = np.arange(len(labels))
        score_fn = score_on(all_rows)
        scores, train_scores, self.thresholds_ = [], [], None
        for decision in decisions:
            if decision == "thresholds":
                num_classes = len(self.ordinal_classes_)
                mean_index = expected_index(oof)
                self.thresholds_, train_score = fit_thresholds(
                    mean_index, num_classes, score_fn, max_candidates=max_candidates
                )
                partitions = cross_fit_partitions(
                    fold_of,
                    true_index,
                    mean_index,
                    groups,
                    n_repeats=_CROSS_FIT_REPEATS if cheap else _CROSS_FIT_REPEATS_GENERIC_SCORER,
                )
                score = _cross_fitted_score(
                    mean_index, num_classes, score_on, partitions, max_candidates
                )
            else:
                score = train_score = score_fn(predict_index(oof, decision))
            scores.append(float(score))
            train_scores.append(float(train_score))
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
            "train_score": np.asarray(train_scores),
        }

    def _index_scorer(self, scorer, oof, labels, true_index, weights):
        """``score_on(rows)``, which returns ``score(pred_index) -> float`` for predicted
        ordinal indices of the OOF samples ``rows`` (weighted by ``weights`` unless
        None), and whether a score is cheap (computed on indices directly, not through
        a full scorer call), which decides how many cut points are worth trying."""
        cheap = True
        if isinstance(scorer, ClassIndexScorer) and scorer.response_method == "predict":
            # The same computation as ClassIndexScorer.__call__, on indices directly.
            kwargs = {"n_classes": len(self.ordinal_classes_)} if scorer.pass_n_classes else {}
            sign = 1.0 if scorer.greater_is_better else -1.0

            def score_rows(rows, weighting):
                truth = true_index[rows]
                return lambda index: (
                    sign * float(scorer.metric(truth, index, **kwargs, **weighting))
                )

        else:
            cheap = False

            def score_rows(rows, weighting):
                truth, proba, placeholder = labels[rows], oof[rows], np.zeros((len(rows), 1))

                def score(index):
                    stand_in = HeldOutPredictions(self._encoding_, proba, index)
                    return float(scorer(stand_in, placeholder, truth, **weighting))

                return score

        def score_on(rows):
            if weights is None:
                return score_rows(rows, {})
            if weights[rows].sum() <= 0 < weights.sum():
                # Folds without weight prefer no decision: every index scores the same,
                # so cut points fitted on them stay where they start. (No weight at all
                # goes to the scorer, which raises.)
                return lambda index: 0.0
            return score_rows(rows, {"sample_weight": weights[rows]})

        return score_on, cheap

    # ----------------------------------------------------------------- predict
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
        proba = self._ordinal_proba(X)
        if self.best_decision_ == "thresholds":
            index = predict_index_thresholds(proba, self.thresholds_)
        else:
            index = predict_index(proba, self.best_decision_)
        return self._encoding_.decode(index)

    def score(self, X, y, sample_weight=None) -> float:
        """``scoring`` of :meth:`predict` on ``(X, y)``; greater is better.

        Parameters
        ----------
        X : array-like
            Input samples.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights passed to the scorer.

        Returns
        -------
        score : float
            The value of the scorer named by ``scoring``.
        """
        check_is_fitted(self, "best_decision_")
        weighting = {} if sample_weight is None else {"sample_weight": sample_weight}
        return float(_resolve_scorer(self.scoring)(self, X, y, **weighting))
