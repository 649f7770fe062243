"""Tuning in one pass: :class:`OrdinalKLClassifierCV` trains the whole α × σ grid at once.

Data path::

    fit:  X, y -> ordinal classes (once, from all of y)
          -> batched (the default MLP and criterion, no early stopping or callbacks):
             per fold one net whose module is k = |alphas| x |sigmas| stacked MLPs
             (StackedMLP) and whose criterion gives member m its own (alpha_m, sigma_m)
             (GaussianKLGridCrossEntropy) -> member probabilities on the held-out rows
          -> otherwise (TabM, a module or criterion of the user's, early stopping,
             callbacks, ...): per fold and candidate one clone of the estimator with
             that (alpha, sigma) -> its probabilities on the held-out rows
          -> every decision rule of every candidate scored from those probabilities,
             no refit per rule
          -> best (alpha, sigma, rule) refitted alone on all rows

The members share the batches (one shuffled order per epoch, the order a lone fit with
the same ``random_state`` draws) and nothing else: each has its own weights, its own
loss and its own gradient, and dropout draws a mask per member. With an integer
``random_state`` every member starts from the weights a lone fit with that seed starts
from, as every candidate of a ``GridSearchCV`` does. With an output head
(``head="cumulative"`` or ``"binomial"``) the stacked MLP outputs one score per member
and the head holds one set of parameters (thresholds, temperature) per member.
"""

from __future__ import annotations

import time
from numbers import Integral
from typing import ClassVar

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_array, check_is_fitted, indexable

from ._compat import Interval, safe_indexing, validate_parameter_constraints
from ._meta import HeldOutPredictions, copy_input_attributes, require_y
from .classifier import OrdinalKLClassifier
from .decision import PREDICTION_RULES, predict_index
from .labels import (
    OrdinalEncoding,
    check_label_type,
    check_labels,
    resolve_ordinal_classes,
    sorted_codes,
)
from .losses import GaussianKLCrossEntropy
from .losses._grid import GaussianKLGridCrossEntropy
from .metrics import neg_mse_class_index_scorer
from .modules import StackedMLP, TabularMLP

__all__ = ["OrdinalKLClassifierCV"]

# module__* parameters of the default MLP that StackedMLP takes as well.
_STACKED_MODULE_PARAMETERS = frozenset({"hidden_units", "dropout", "block"})


def _grid_net(estimator: OrdinalKLClassifier, candidates, classes) -> OrdinalKLClassifier:
    """``estimator`` with the stacked module and the grid criterion of ``candidates``."""
    # clone keeps the template's module__* values (hidden_units, dropout) as they are.
    net = clone(estimator).set_params(
        module=StackedMLP,
        criterion=GaussianKLGridCrossEntropy,
        criterion__alphas=[a for a, _ in candidates],
        criterion__sigmas=[s for _, s in candidates],
        module__n_members=len(candidates),
        # With a seed every member starts where a lone fit with that seed starts.
        module__same_init=estimator.random_state is not None,
        classes=classes,
    )
    if estimator.num_threads == "auto":
        net.set_params(num_threads=1)  # small matrix products: one thread is fastest
    return net


def _fit_fold(net, X, y, sample_weight, train, test):
    """Fit the grid net on one fold; return the member probabilities on its held-out rows,
    ``(n_test, n_candidates, K)``, and the fit's wall time."""
    start = time.perf_counter()
    weight = None if sample_weight is None else safe_indexing(sample_weight, train)
    net.fit(safe_indexing(X, train), safe_indexing(y, train), sample_weight=weight)
    seconds = time.perf_counter() - start
    return net.predict_proba_members(safe_indexing(X, test)), seconds


def _fit_candidate(net, X, y, sample_weight, train, test):
    """Fit one candidate on one fold; return its probabilities on the held-out rows,
    ``(n_test, K)`` in ordinal order, and the fit's wall time."""
    start = time.perf_counter()
    weight = None if sample_weight is None else safe_indexing(sample_weight, train)
    net.fit(safe_indexing(X, train), safe_indexing(y, train), sample_weight=weight)
    seconds = time.perf_counter() - start
    return net.predict_proba_ordinal(safe_indexing(X, test)), seconds


def _not_batchable(estimator: OrdinalKLClassifier) -> str | None:
    """Why ``estimator``'s grid cannot be trained as one stacked network (None: it can).

    The stacked grid is exact for the default MLP under ``GaussianKLCrossEntropy``
    trained for a fixed number of epochs: each member gets the gradient a lone fit
    would. Anything that acts on the whole network (a callback, early stopping on the
    summed loss, a criterion or module the stacking does not know) would couple the
    members, so it takes the fit-per-candidate path.
    """
    if not (estimator.module in (None, "mlp") or estimator.module is TabularMLP):
        return f"module={estimator.module!r}"
    if estimator.criterion is not GaussianKLCrossEntropy:
        return f"criterion={estimator.criterion!r}"
    if estimator.get_params_for("criterion"):
        return "criterion__* parameters"
    if set(estimator.get_params_for("module")) - _STACKED_MODULE_PARAMETERS:
        return "module__* parameters the stacked MLP does not take"
    if estimator._early_stopping() or estimator.train_split is not None:
        return "early stopping or a validation split"
    if estimator.callbacks not in (None, "disable") and len(estimator.callbacks) > 0:
        return "callbacks"
    if estimator.predict_nonlinearity != "auto":
        return "predict_nonlinearity"
    return None


def _refits(search) -> bool:
    """The prediction methods exist only with ``refit=True`` (as in scikit-learn's searches)."""
    if not search.refit:
        raise AttributeError(
            "This OrdinalKLClassifierCV has refit=False: it keeps search results only. "
            "Refit the best parameters (best_params_) yourself."
        )
    return True


class OrdinalKLClassifierCV(ClassifierMixin, BaseEstimator):
    """:class:`OrdinalKLClassifier` with α, σ and the decision rule chosen by cross-validation,
    the whole grid trained as one batched network per fold where the estimator allows it.

    ``GridSearchCV(OrdinalKLClassifier(), {"alpha": ..., "sigma": ..., "prediction":
    ...})`` fits every (α, σ, rule) candidate on every fold separately. Here every
    decision rule is scored on the same held-out probabilities (the rule does not change
    training), and the best (α, σ, rule) is refitted alone on all the data, as
    scikit-learn's ``*CV`` estimators do (``LogisticRegressionCV``). How the (α, σ)
    candidates are trained depends on the estimator, as ``RidgeCV`` takes its fast path
    where it can (``batched_`` records which path ran):

    * **batched** (the default MLP, ``GaussianKLCrossEntropy``, a fixed number of epochs):
      each fold trains one network holding all candidates as members
      (:class:`~sk_ordinal_kl.modules.StackedMLP` with
      :class:`~sk_ordinal_kl.losses.GaussianKLGridCrossEntropy`): members have their own
      weights, loss and gradient, and share only the batches;
    * **one fit per candidate** (everything else: ``module="tabm"`` or a module of your
      own, another criterion, early stopping or a validation split, callbacks,
      ``criterion__*`` parameters, a custom ``predict_nonlinearity``): each fold fits
      ``clone(estimator).set_params(alpha=α, sigma=σ)`` for every candidate, so
      ``|alphas| x |sigmas|`` fits per fold instead of ``GridSearchCV``'s
      ``|alphas| x |sigmas| x |predictions|``, with the same ``cv_results_`` layout and,
      on a seeded run, the same scores.

    Parameters
    ----------
    estimator : OrdinalKLClassifier, default=None
        Template for every fit (epochs, batch size, learning rate, ``module``,
        ``criterion``, early stopping, ``random_state``, ...); None is
        ``OrdinalKLClassifier()``. Its ``alpha``, ``sigma`` and ``prediction`` are
        replaced by the grid's (a criterion without ``alpha`` or ``sigma`` ignores them,
        as it does in ``GridSearchCV``). Its ``head`` and ``link`` are kept: batched with
        ``head="cumulative"``, each member has thresholds of its own.
    alphas : sequence of float, default=(0.5, 1, 2)
        KL weights to try (>= 0).
    sigmas : sequence of float, default=(0.5, 1, 2)
        Gaussian widths to try (> 0).
    predictions : sequence of {"argmax", "median", "mean"}, default=("argmax", "median", "mean")
        Decision rules to try.
    cv : int, cross-validation generator or iterable, default=3
        Folds, as in scikit-learn (an int is a stratified K-fold, unshuffled).
    scoring : str or callable, default=neg_mse_class_index_scorer
        Scorer of the held-out decisions (greater is better), given the held-out rows'
        ``sample_weight`` when ``fit`` gets one.
    refit : bool, default=True
        Refit the best candidate alone on all rows (``best_estimator_``); False keeps only
        the search results (no ``predict``).
    n_jobs : int, default=None
        Fits run in parallel (joblib): the folds when batched, every (fold, candidate)
        pair otherwise.

    Attributes
    ----------
    best_params_ : dict
        ``{"alpha", "sigma", "prediction"}`` of the best mean held-out score.
    best_score_ : float
        That score.
    best_index_ : int
        Its row in ``cv_results_``.
    best_estimator_ : OrdinalKLClassifier
        The best candidate refitted on all rows (with ``refit=True``).
    cv_results_ : dict of arrays
        One entry per (α, σ, rule): ``params``, ``param_alpha``, ``param_sigma``,
        ``param_prediction``, ``split{i}_test_score``, ``mean_test_score``,
        ``std_test_score``, ``rank_test_score`` (``pandas.DataFrame(cv_results_)`` works).
    batched_ : bool
        Whether the grid was trained as one stacked network per fold (True) or one fit
        per candidate and fold (False).
    fold_fit_times_ : list of float
        Wall time of each fold's fits (the stacked network, or the sum of the
        candidates' fits), in seconds.
    classes_ : ndarray of shape (K,)
        Sorted class labels (``predict_proba`` columns).
    ordinal_classes_ : ndarray of shape (K,)
        Class labels in ordinal order.
    n_splits_ : int
        Number of folds.
    n_features_in_, feature_names_in_
        As seen in ``fit`` (with ``refit=True``).

    Examples
    --------
    >>> from sk_ordinal_kl import OrdinalKLClassifier, OrdinalKLClassifierCV
    >>> from sk_ordinal_kl.datasets import make_ordinal_classification
    >>> X, y = make_ordinal_classification(n_samples=200, n_classes=4, random_state=0)
    >>> search = OrdinalKLClassifierCV(
    ...     OrdinalKLClassifier(max_epochs=5, random_state=0), alphas=(0.5, 2), sigmas=(1,)
    ... ).fit(X, y)
    >>> sorted(search.best_params_)
    ['alpha', 'prediction', 'sigma']
    >>> len(search.cv_results_["mean_test_score"])  # 2 alphas x 1 sigma x 3 rules
    6
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [None, OrdinalKLClassifier],
        "alphas": ["array-like"],
        "sigmas": ["array-like"],
        "predictions": ["array-like"],
        "cv": ["cv_object"],
        "scoring": [None, str, callable],
        "refit": ["boolean"],
        "n_jobs": [None, Interval(Integral, None, None, closed="neither")],
    }

    def __init__(
        self,
        estimator: OrdinalKLClassifier | None = None,
        *,
        alphas=(0.5, 1.0, 2.0),
        sigmas=(0.5, 1.0, 2.0),
        predictions=("argmax", "median", "mean"),
        cv=3,
        scoring=neg_mse_class_index_scorer,
        refit: bool = True,
        n_jobs: int | None = None,
    ):
        self.estimator = estimator
        self.alphas = alphas
        self.sigmas = sigmas
        self.predictions = predictions
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.n_jobs = n_jobs

    # ------------------------------------------------------------ checks
    def _template(self) -> OrdinalKLClassifier:
        estimator = OrdinalKLClassifier() if self.estimator is None else self.estimator
        # The estimator's own parameters are checked before any training, as each fit
        # would (alpha and sigma come from the grid, checked by _candidates).
        estimator._check_params()
        return estimator

    def _candidates(self) -> list[tuple[float, float]]:
        alphas, sigmas = list(self.alphas), list(self.sigmas)
        for name, values in (("alphas", alphas), ("sigmas", sigmas)):
            if not values:
                raise ValueError(f"{name} must hold at least one value.")
        candidates = [(a, s) for a in alphas for s in sigmas]
        # The grid criterion validates every value, naming alphas or sigmas.
        GaussianKLGridCrossEntropy(*zip(*candidates, strict=True), num_classes=2)
        return [(float(a), float(s)) for a, s in candidates]

    def _rules(self) -> list[str]:
        rules = list(self.predictions)
        unknown = [r for r in rules if r not in PREDICTION_RULES]
        if not rules or unknown:
            raise ValueError(
                f"predictions must be a non-empty subset of {list(PREDICTION_RULES)}, "
                f"got {rules!r}."
            )
        return rules

    # ------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None, groups=None) -> OrdinalKLClassifierCV:
        """Score every (α, σ, rule) by cross-validation, then refit the best.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training inputs (2-D, as the default MLP takes them).
        y : array-like of shape (n_samples,)
            Labels; an ordered pandas Categorical gives the order.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in every fit's loss, and in the scoring of each
            held-out fold.
        groups : array-like of shape (n_samples,), default=None
            Group labels for a group-aware ``cv`` (``GroupKFold``, ...).

        Returns
        -------
        self : OrdinalKLClassifierCV
            The fitted search.
        """
        validate_parameter_constraints(
            self._parameter_constraints, self.get_params(deep=False), type(self).__name__
        )
        require_y(self, y)
        template = self._template()
        candidates, rules = self._candidates(), self._rules()
        # Shape and complex values first, as every fit would (the result is discarded:
        # each fit validates its part of X itself, keeping DataFrame column names).
        check_array(X, accept_sparse=True, dtype=None, ensure_all_finite=False)
        labels = check_labels(y)
        given = template.classes
        check_label_type(labels, y, given)  # float labels need an order, as in the estimator
        ordinal = resolve_ordinal_classes(y, given, stacklevel=3)
        encoding = OrdinalEncoding(ordinal)
        index = encoding.encode(labels)  # unknown labels raise before any training
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=np.float64)
        X, labels, sample_weight = indexable(X, labels, sample_weight)
        if self.n_jobs == 0:
            raise ValueError("n_jobs=0 has no meaning; use None, a positive count or -1.")
        scorer = check_scoring(template, scoring=self.scoring)
        # The splitter sees each label's rank among the sorted labels: the folds of the
        # labels themselves, stratified also for float labels (continuous to scikit-learn).
        strata = sorted_codes(ordinal)[index]
        cv = check_cv(self.cv, strata, classifier=True)
        folds = list(cv.split(X, strata, groups))
        self.batched_ = _not_batchable(template) is None
        fit = self._fit_batched if self.batched_ else self._fit_each
        probas, self.fold_fit_times_ = fit(
            template, candidates, ordinal, X, labels, sample_weight, folds
        )
        scores = np.empty((len(candidates) * len(rules), len(folds)))
        for split, (proba, (_, test)) in enumerate(zip(probas, folds, strict=True)):
            X_test, y_test = safe_indexing(X, test), labels[test]
            weight = {} if sample_weight is None else {"sample_weight": sample_weight[test]}
            for m in range(len(candidates)):
                for r, rule in enumerate(rules):
                    member = proba[:, m]
                    view = HeldOutPredictions(encoding, member, predict_index(member, rule))
                    scores[m * len(rules) + r, split] = scorer(view, X_test, y_test, **weight)
        self._store_results(candidates, rules, scores)
        self.n_splits_ = len(folds)
        self._encoding_ = encoding
        if self.refit:
            best = clone(template).set_params(**self.best_params_, classes=ordinal)
            self.best_estimator_ = best.fit(X, y, sample_weight=sample_weight)
            copy_input_attributes(self, self.best_estimator_)
        return self

    def _fit_batched(self, template, candidates, ordinal, X, labels, sample_weight, folds):
        """One stacked network per fold: held-out member probabilities
        ``(n_test, n_candidates, K)`` per fold, and each fold's fit time."""
        net = _grid_net(template, candidates, ordinal)
        fitted = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_fold)(clone(net), X, labels, sample_weight, train, test)
            for train, test in folds
        )
        return [proba for proba, _ in fitted], [seconds for _, seconds in fitted]

    def _fit_each(self, template, candidates, ordinal, X, labels, sample_weight, folds):
        """One fit per (fold, candidate), as ``GridSearchCV`` fits them (minus the rules):
        the same held-out probabilities, stacked per fold as the batched path's."""
        nets = [
            clone(template).set_params(alpha=alpha, sigma=sigma, classes=ordinal)
            for alpha, sigma in candidates
        ]
        fitted = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_candidate)(clone(net), X, labels, sample_weight, train, test)
            for train, test in folds
            for net in nets
        )
        n = len(candidates)
        per_fold = [fitted[i * n : (i + 1) * n] for i in range(len(folds))]
        probas = [np.stack([proba for proba, _ in fold], axis=1) for fold in per_fold]
        return probas, [sum(seconds for _, seconds in fold) for fold in per_fold]

    def _store_results(self, candidates, rules, scores: np.ndarray) -> None:
        params = [
            {"alpha": a, "sigma": s, "prediction": rule} for a, s in candidates for rule in rules
        ]
        mean = scores.mean(axis=1)
        # Rank as scikit-learn's searches do: 1 is best, ties share the lowest rank.
        rank = rankdata(-mean, method="min").astype(np.int32)
        results = {
            "params": params,
            "param_alpha": np.array([p["alpha"] for p in params]),
            "param_sigma": np.array([p["sigma"] for p in params]),
            "param_prediction": np.array([p["prediction"] for p in params], dtype=object),
        }
        for split in range(scores.shape[1]):
            results[f"split{split}_test_score"] = scores[:, split]
        results.update(
            mean_test_score=mean, std_test_score=scores.std(axis=1), rank_test_score=rank
        )
        self.cv_results_ = results
        self.best_index_ = int(np.argmax(mean))  # the first of tied best, as rank 1
        self.best_score_ = float(mean[self.best_index_])
        self.best_params_ = dict(params[self.best_index_])

    # ---------------------------------------------------------- predict
    def _fitted_estimator(self) -> OrdinalKLClassifier:
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_

    @property
    def classes_(self) -> np.ndarray:
        """Sorted class labels: the column order of :meth:`predict_proba`."""
        check_is_fitted(self, "cv_results_")
        return self._encoding_.classes

    @property
    def ordinal_classes_(self) -> np.ndarray:
        """Class labels in ordinal order."""
        check_is_fitted(self, "cv_results_")
        return self._encoding_.ordinal_classes

    @available_if(_refits)
    def predict(self, X) -> np.ndarray:
        """Labels of the refitted best candidate under its rule.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        return self._fitted_estimator().predict(X)

    @available_if(_refits)
    def score(self, X, y, sample_weight=None) -> float:
        """``scoring`` of the refitted best candidate on ``(X, y)``, as scikit-learn's
        searches score; greater is better.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Inputs.
        y : array-like of shape (n_samples,)
            True labels; a label outside ``classes_`` raises a ``ValueError``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights passed to the scorer.

        Returns
        -------
        score : float
            The value of the scorer named by ``scoring`` (by default the negated MSE on
            the class index, the criterion the search ranked by).
        """
        estimator = self._fitted_estimator()
        self._encoding_.encode(check_labels(y))  # unknown labels raise, whatever the scorer
        weighting = {} if sample_weight is None else {"sample_weight": sample_weight}
        return float(check_scoring(estimator, scoring=self.scoring)(estimator, X, y, **weighting))

    @available_if(_refits)
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities of the refitted best candidate, columns in ``classes_``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        proba : ndarray of shape (n_samples, K)
            Rows sum to 1.
        """
        return self._fitted_estimator().predict_proba(X)

    @available_if(_refits)
    def predict_proba_ordinal(self, X) -> np.ndarray:
        """Class probabilities of the refitted best candidate, columns in ordinal order.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        proba : ndarray of shape (n_samples, K)
            Column ``k`` is the probability of ``ordinal_classes_[k]``.
        """
        return self._fitted_estimator().predict_proba_ordinal(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        template = OrdinalKLClassifier() if self.estimator is None else self.estimator
        tags.non_deterministic = template.random_state is None
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = True
        return tags
