"""TunedOrdinalDecisionCV: known answers for the cut points, the choice of rule, and use
with scikit-learn's machinery (Pipelines, GridSearchCV, label orders, errors)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from probability_probes import CountingLogisticRegression, PassThrough
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError, UnsetMetadataPassedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import make_scorer, mean_absolute_error
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    ShuffleSplit,
    StratifiedKFold,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sk_ordinal_kl import ClassOrderWarning, OrdinalKLClassifier
from sk_ordinal_kl.datasets import make_ordinal_classification
from sk_ordinal_kl.decision import (
    DECISIONS,
    TunedOrdinalDecisionCV,
    cross_fit_partitions,
    cross_fitted_index,
    expected_index,
    fit_thresholds,
    predict_index,
    predict_index_thresholds,
)
from sk_ordinal_kl.decision import tuned as tuned_module
from sk_ordinal_kl.labels import ordinal_classes_of
from sk_ordinal_kl.metrics import (
    mae_class_index,
    make_class_index_scorer,
    mse_class_index,
    neg_amae_scorer,
    neg_mae_class_index_scorer,
    neg_mse_class_index_scorer,
    neg_rps_scorer,
    qwk_scorer,
)


def _prefit_tuner(proba, **params):
    model = PassThrough().fit(proba, None)
    return TunedOrdinalDecisionCV(model, cv="prefit", refit=False, **params)


@pytest.fixture(scope="module")
def data():
    return make_ordinal_classification(n_samples=240, n_classes=4, random_state=0)


# --------------------------------------------------------------------------- #
# Cut points
# --------------------------------------------------------------------------- #
def _rows_with_expected_index(s):
    """Three-class rows whose expected index is exactly ``s`` (in [0, 2])."""
    low = np.clip(s, 0, 1)
    high = np.clip(s - 1, 0, 1)
    return np.stack([1 - low, low - high, high], axis=1)


def test_cut_points_recover_a_known_optimum():
    # The truth changes class at 0.8 and 1.9 on the expected index, not at the rounding
    # points 0.5 and 1.5: only cut points in the gaps (0.75, 0.85) and (1.85, 1.95)
    # classify every sample right.
    s = np.concatenate([np.linspace(0, 0.75, 16), np.linspace(0.85, 1.85, 21), [1.95, 2.0]])
    y = np.searchsorted([0.8, 1.9], s, side="right")
    proba = _rows_with_expected_index(s)
    np.testing.assert_allclose(expected_index(proba), s)
    tuned = _prefit_tuner(proba).fit(proba, y)
    assert tuned.best_decision_ == "thresholds"
    assert 0.75 < tuned.thresholds_[0] < 0.85 and 1.85 < tuned.thresholds_[1] < 1.95
    thresholds = list(DECISIONS).index("thresholds")
    assert tuned.cv_results_["train_score"][thresholds] == 0.0  # minus the MSE
    np.testing.assert_array_equal(tuned.predict(proba), y)
    # Cross-fitted, a cut point can miss a sample that lay alone in its gap; mean misses
    # the 14 samples from a rounding point up to a true cut point (0.5..0.75, 1.5..1.85).
    mean_score = tuned.cv_results_["score"][list(DECISIONS).index("mean")]
    assert mean_score == pytest.approx(-14 / len(y))
    assert mean_score < tuned.best_score_ <= 0.0


@pytest.mark.parametrize("seed", range(3))
def test_cut_points_are_sorted_and_never_worse_than_rounding(seed):
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(np.full(6, 0.5), size=300)
    y = rng.integers(0, 6, size=300)  # noise: the descent has to cope with anything

    def score(index):
        return -mae_class_index(y, index)

    thresholds, best = fit_thresholds(expected_index(proba), 6, score)
    assert thresholds.shape == (5,)
    assert np.all(np.diff(thresholds) >= 0)
    assert best == score(predict_index_thresholds(proba, thresholds))
    assert best >= score(predict_index(proba, "mean"))


def test_rounding_cut_points_are_the_mean_rule():
    proba = np.random.default_rng(0).dirichlet(np.full(5, 0.3), size=500)
    np.testing.assert_array_equal(
        predict_index_thresholds(proba, np.arange(4) + 0.5), predict_index(proba, "mean")
    )
    with pytest.raises(ValueError, match="non-decreasing"):
        predict_index_thresholds(proba, [0.5, 0.4, 2.5, 3.5])
    with pytest.raises(ValueError, match="shape"):
        predict_index_thresholds(proba, [0.5])


def test_on_a_flat_score_the_cut_points_stay_at_the_rounding_points():
    """Only a strict improvement moves a cut point: on a score that no cut point
    changes, or one that ties every move, they stay at k + 0.5."""
    s = np.linspace(0, 4, 101)
    flat, _ = fit_thresholds(s, 5, lambda index: 1.0)
    np.testing.assert_array_equal(flat, [0.5, 1.5, 2.5, 3.5])
    # A score that only the two end samples move: every move of a cut point that keeps
    # them right ties with the start.
    y = np.searchsorted([0.5, 1.5, 2.5, 3.5], s, side="right")

    def tied(index):
        return -float(np.sum(index[[0, -1]] != y[[0, -1]]))

    cuts, best = fit_thresholds(s, 5, tied)
    np.testing.assert_array_equal(cuts, [0.5, 1.5, 2.5, 3.5])
    assert best == 0.0


# --------------------------------------------------------------------------- #
# Cross-fitting: the cut points are scored on samples they were not fitted on
# --------------------------------------------------------------------------- #
def test_cross_fitted_cut_points_are_applied_only_to_the_fold_they_were_not_fitted_on():
    """Fold 0's labels change class at 0.2, fold 1's at 0.8: fold 0 must be predicted
    with the cut point fitted on fold 1 (about 0.8) and fold 1 with fold 0's."""
    s = np.tile(np.linspace(0.01, 0.99, 50), 2)
    folds = np.repeat([0, 1], 50)
    y = np.where(folds == 0, s > 0.2, s > 0.8).astype(np.int64)
    fitted_on = []

    def score_on(rows):
        fitted_on.append(np.sort(rows))
        return lambda index: -float(np.abs(index - y[rows]).sum())

    index = cross_fitted_index(s, 2, score_on, folds)
    assert [rows.tolist() for rows in fitted_on] == [
        np.arange(50, 100).tolist(),
        np.arange(0, 50).tolist(),
    ]
    np.testing.assert_array_equal(index[:50], s[:50] > 0.8)
    np.testing.assert_array_equal(index[50:], s[50:] > 0.2)
    with pytest.raises(ValueError, match="at least 2"):
        cross_fitted_index(s, 2, score_on, np.zeros(100))


def test_cross_fit_partitions_are_stratified_deterministic_and_keep_groups_whole():
    rng = np.random.default_rng(0)
    strata = rng.integers(0, 4, size=103)
    score = rng.normal(size=103)
    cv_folds = np.arange(103) % 3
    partitions = cross_fit_partitions(cv_folds, strata, score)
    assert len(partitions) == 5
    np.testing.assert_array_equal(partitions[0], cv_folds)  # the CV folds come first
    for folds in partitions[1:]:
        for stratum in range(4):  # dealt out in turn within every stratum
            counts = np.bincount(folds[strata == stratum], minlength=5)
            assert counts.max() - counts.min() <= 1
    assert len({folds.tobytes() for folds in partitions}) == 5
    again = cross_fit_partitions(cv_folds, strata, score)
    assert all(np.array_equal(a, b) for a, b in zip(partitions, again, strict=True))
    # No CV folds: an interleaved split, dealt in the order of the score per stratum.
    single = cross_fit_partitions(np.zeros(103), strata, score)[0]
    for stratum in range(4):
        rows = np.flatnonzero(strata == stratum)
        dealt = single[rows[np.argsort(score[rows])]]
        assert np.all(np.diff(dealt) % 5 == 1)
    groups = rng.integers(0, 12, size=103)
    for folds in cross_fit_partitions(np.zeros(103), strata, score, groups):
        assert all(len(set(folds[groups == g])) == 1 for g in np.unique(groups))
        assert len(np.unique(folds)) == 5
    with pytest.raises(ValueError, match="at least 2 samples"):
        cross_fit_partitions(np.zeros(1), [0], [0.0])
    with pytest.raises(ValueError, match="at least 2 samples"):
        cross_fit_partitions(np.zeros(4), [0, 1, 0, 1], np.arange(4.0), np.zeros(4))


def _calibrated(seed, n=60, num_classes=5):
    """Probabilities and labels drawn from them: the "mean" rule is close to optimal
    for the MSE, so cut points fitted to a sample only fit its noise."""
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(np.ones(num_classes), size=n)
    y = (rng.random((n, 1)) > np.cumsum(proba, axis=1)).sum(axis=1)
    return proba, y


def test_cut_points_that_only_fit_noise_are_rarely_picked():
    """Scored on the predictions they were fitted on, the cut points win on every one
    of 20 calibrated samples (the old choice); cross-fitted, on few."""
    in_sample = cross_fitted = 0
    for seed in range(20):
        proba, y = _calibrated(seed)
        tuned = _prefit_tuner(proba).fit(proba, y)
        results = tuned.cv_results_
        is_rule = results["decision"] != "thresholds"
        train = results["train_score"]
        in_sample += train[~is_rule].item() > train[is_rule].max()
        cross_fitted += tuned.best_decision_ == "thresholds"
    assert in_sample == 20
    assert cross_fitted <= 5


def test_the_cut_points_are_scored_across_the_cv_folds(data, monkeypatch):
    """The fold each out-of-fold row was predicted in reaches the cross-fitting, and the
    thresholds' score is the mean over the partitions of cut points fitted per fold on
    the other folds (recomputed here with fit_thresholds)."""
    proba, y = _calibrated(0, n=90, num_classes=4)
    seen = []
    real = tuned_module.cross_fit_partitions

    def recording(fold_of, *args, **kwargs):
        seen.append(np.asarray(fold_of).copy())
        return real(fold_of, *args, **kwargs)

    monkeypatch.setattr(tuned_module, "cross_fit_partitions", recording)
    cv = KFold(3, shuffle=True, random_state=0)
    tuned = TunedOrdinalDecisionCV(_WeightedPassThrough(), cv=cv).fit(proba, y)
    fold_of = np.empty(len(y), dtype=np.int64)
    for fold, (_, test) in enumerate(cv.split(proba)):
        fold_of[test] = fold
    np.testing.assert_array_equal(seen[0], fold_of)

    s = expected_index(proba)
    scores = []
    for folds in real(fold_of, y, s):
        index = np.empty(len(y), dtype=np.int64)
        for fold in np.unique(folds):
            rest = folds != fold
            cuts, _ = fit_thresholds(s[rest], 4, lambda i, r=rest: -mse_class_index(y[r], i))
            index[~rest] = predict_index_thresholds(proba[~rest], cuts)
        scores.append(-mse_class_index(y, index))
    results = tuned.cv_results_
    position = list(results["decision"]).index("thresholds")
    assert results["score"][position] == pytest.approx(np.mean(scores), abs=1e-12)
    in_sample, _ = fit_thresholds(s, 4, lambda i: -mse_class_index(y, i))
    np.testing.assert_array_equal(tuned.thresholds_, in_sample)

    # Rows no split predicts are left out, and so is their fold entry.
    seen.clear()
    split = ShuffleSplit(2, test_size=0.3, random_state=0)
    TunedOrdinalDecisionCV(_WeightedPassThrough(), cv=split).fit(proba, y)
    expected = np.full(len(y), -1)
    for fold, (_, test) in enumerate(split.split(proba)):
        expected[test] = fold
    np.testing.assert_array_equal(seen[0], expected[expected >= 0])


# --------------------------------------------------------------------------- #
# Choosing the decision
# --------------------------------------------------------------------------- #
BIMODAL = np.array([[0.4, 0.0, 0.0, 0.3, 0.3]] * 6 + [[0.1, 0.6, 0.1, 0.1, 0.1]] * 4)


@pytest.mark.parametrize(
    ("y", "scoring", "expected"),
    [
        # argmax 0/1, median 3/1, mean 2/2 (2.1 and 1.5 rounded)
        (np.array([0] * 6 + [1] * 4), "accuracy", "argmax"),
        (np.array([3] * 6 + [1] * 4), neg_mae_class_index_scorer, "median"),
        (np.array([2] * 6 + [2] * 4), neg_mse_class_index_scorer, "mean"),
    ],
)
def test_picks_the_rule_that_is_clearly_best(y, scoring, expected):
    tuned = _prefit_tuner(BIMODAL, scoring=scoring, decisions=("argmax", "median", "mean"))
    tuned.fit(BIMODAL, y)
    assert tuned.best_decision_ == expected
    results = pd.DataFrame(tuned.cv_results_)
    assert results.loc[results["rank_score"] == 1, "decision"].item() == expected
    assert tuned.best_score_ == results["score"].max() > results["score"].min()


@pytest.mark.parametrize(
    "scoring",
    [
        neg_mse_class_index_scorer,
        neg_mae_class_index_scorer,
        qwk_scorer,
        neg_amae_scorer,
        "accuracy",
        make_scorer(mean_absolute_error, greater_is_better=False),
    ],
    ids=["mse", "mae", "qwk", "amae", "accuracy", "make_scorer"],
)
def test_tuned_decision_is_the_best_out_of_sample_score(data, scoring):
    X, y = data
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), scoring=scoring, cv=3).fit(X, y)
    results = tuned.cv_results_
    scores = dict(zip(results["decision"], results["score"], strict=True))
    train = dict(zip(results["decision"], results["train_score"], strict=True))
    assert tuned.best_score_ == max(scores.values())
    assert scores[tuned.best_decision_] == tuned.best_score_
    # Fitted and scored on the same predictions, the cut points never lose to "mean",
    # which they start from; the rules fit nothing, so their two scores agree.
    assert train["thresholds"] >= train["mean"]
    assert all(train[rule] == scores[rule] for rule in ("argmax", "median", "mean"))
    assert np.all(np.diff(tuned.thresholds_) >= 0)


def test_scores_of_fixed_rules_are_their_pooled_out_of_fold_scores(data):
    X, y = data
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=3).fit(X, y)
    oof = np.zeros((len(y), 4))
    for train, test in StratifiedKFold(3).split(X, y):
        oof[test] = LogisticRegression().fit(X[train], y[train]).predict_proba(X[test])
    results = tuned.cv_results_
    for rule, score in zip(results["decision"], results["score"], strict=True):
        if rule != "thresholds":
            assert score == pytest.approx(-mse_class_index(y, predict_index(oof, rule)))


def test_predict_applies_the_chosen_decision(data):
    X, y = data
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=3).fit(X, y)
    proba = tuned.predict_proba_ordinal(X)
    np.testing.assert_allclose(tuned.predict_proba(X), tuned.estimator_.predict_proba(X))
    if tuned.best_decision_ == "thresholds":
        expected = predict_index_thresholds(proba, tuned.thresholds_)
    else:
        expected = predict_index(proba, tuned.best_decision_)
    np.testing.assert_array_equal(tuned.predict(X), tuned.ordinal_classes_[expected])
    assert tuned.score(X, y) == pytest.approx(-mse_class_index(y, tuned.predict(X)))


def test_fixed_decisions_only_leave_no_thresholds(data):
    X, y = data
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=3, decisions=["median"]).fit(X, y)
    assert tuned.best_decision_ == "median" and tuned.thresholds_ is None


# --------------------------------------------------------------------------- #
# scikit-learn machinery and estimators
# --------------------------------------------------------------------------- #
def test_nested_in_grid_search_and_wrapping_a_pipeline(data):
    X, y = data
    search = GridSearchCV(
        TunedOrdinalDecisionCV(make_pipeline(StandardScaler(), LogisticRegression()), cv=3),
        {"estimator__logisticregression__C": [0.1, 10.0]},
        scoring=neg_mse_class_index_scorer,
        cv=3,
    ).fit(X, y)
    assert search.best_params_["estimator__logisticregression__C"] in (0.1, 10.0)
    assert search.best_estimator_.best_decision_ in DECISIONS
    np.testing.assert_array_equal(ordinal_classes_of(search), [0, 1, 2, 3])
    assert search.predict(X).shape == (len(y),)


def test_as_a_pipeline_step_with_a_splitter(data):
    X, y = data
    pipe = make_pipeline(
        StandardScaler(),
        TunedOrdinalDecisionCV(
            LogisticRegression(),
            scoring=qwk_scorer,
            cv=StratifiedKFold(3, shuffle=True, random_state=0),
        ),
    ).fit(X, y)
    assert pipe.predict(X).shape == (len(y),)
    assert qwk_scorer(pipe, X, y) > 0.3


def test_with_hist_gradient_boosting(data):
    X, y = data
    hgb = HistGradientBoostingClassifier(max_iter=10, max_depth=3, random_state=0)
    tuned = TunedOrdinalDecisionCV(hgb, cv=3, n_jobs=1).fit(X, y)
    assert tuned.predict(X).shape == (len(y),)
    assert set(tuned.cv_results_["decision"]) == set(DECISIONS)


ORDER = ["low", "mid", "high", "top"]  # not sorted


def test_string_labels_in_a_given_order_with_a_sklearn_classifier(data):
    X, y_index = data
    y = np.array(ORDER, dtype=object)[y_index]
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=3, classes=ORDER).fit(X, y)
    assert list(tuned.ordinal_classes_) == ORDER
    assert list(tuned.classes_) == sorted(ORDER)
    assert list(ordinal_classes_of(tuned)) == ORDER
    # Same decisions as with the integer labels: the order, not the spelling, counts.
    reference = TunedOrdinalDecisionCV(LogisticRegression(), cv=3).fit(X, y_index)
    np.testing.assert_allclose(tuned.cv_results_["score"], reference.cv_results_["score"])
    np.testing.assert_array_equal(
        tuned.predict(X), np.array(ORDER, dtype=object)[reference.predict(X)]
    )
    # Without the order, sorted strings are used and a warning says so.
    with pytest.warns(ClassOrderWarning):
        TunedOrdinalDecisionCV(LogisticRegression(), cv=3).fit(X, y)


def test_ordered_categorical_labels_give_the_order(data):
    X, y_index = data
    y = pd.Series(pd.Categorical(np.array(ORDER)[y_index], categories=ORDER, ordered=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=3).fit(X, y)
    assert list(tuned.ordinal_classes_) == ORDER
    reference = TunedOrdinalDecisionCV(LogisticRegression(), cv=3).fit(X, y_index)
    np.testing.assert_allclose(tuned.cv_results_["score"], reference.cv_results_["score"])


def _net(**params):
    return OrdinalKLClassifier(max_epochs=4, random_state=0, **params)


@pytest.mark.parametrize("in_pipeline", [False, True])
@pytest.mark.parametrize("order_from", ["ordered categorical", "classes"])
def test_the_order_reaches_every_fit_of_an_ordinal_estimator(data, in_pipeline, order_from):
    """The wrapped OrdinalKLClassifier (bare or in a Pipeline) learns in the given order,
    silently: the same model as one given ``classes=ORDER`` itself, not one trained on
    the sorted strings."""
    X, y_index = data
    y = np.array(ORDER, dtype=object)[y_index]
    wrap = (lambda net: make_pipeline(StandardScaler(), net)) if in_pipeline else (lambda n: n)
    if order_from == "classes":
        tuner, y_fit = TunedOrdinalDecisionCV(wrap(_net()), cv=3, classes=ORDER), y
    else:
        categorical = pd.Categorical(y, categories=ORDER, ordered=True)
        tuner, y_fit = TunedOrdinalDecisionCV(wrap(_net()), cv=3), pd.Series(categorical)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        tuned = tuner.fit(X, y_fit)
    assert list(ordinal_classes_of(tuned.estimator_)) == ORDER
    assert list(tuned.ordinal_classes_) == ORDER
    reference = TunedOrdinalDecisionCV(wrap(_net(classes=ORDER)), cv=3).fit(X, y)
    np.testing.assert_array_equal(tuned.cv_results_["score"], reference.cv_results_["score"])
    np.testing.assert_array_equal(tuned.predict_proba(X), reference.predict_proba(X))
    np.testing.assert_array_equal(tuned.predict(X), reference.predict(X))


def test_reversed_order_from_an_ordinal_estimator(data):
    X, y = data
    reversed_order = [3, 2, 1, 0]
    net = OrdinalKLClassifier(classes=reversed_order, max_epochs=3, random_state=0)
    tuned = TunedOrdinalDecisionCV(make_pipeline(StandardScaler(), net), cv=2).fit(X, y)
    assert list(tuned.ordinal_classes_) == reversed_order
    assert list(tuned.classes_) == [0, 1, 2, 3]
    assert list(ordinal_classes_of(tuned)) == reversed_order
    np.testing.assert_allclose(tuned.predict_proba(X), tuned.estimator_.predict_proba(X))
    np.testing.assert_allclose(
        tuned.predict_proba_ordinal(X), tuned.predict_proba(X)[:, reversed_order]
    )


def test_class_missing_from_a_training_fold(data):
    X, y = data
    order = np.argsort(y, kind="stable")
    X, y = X[order][:130], y[order][:130]  # classes 0, 1 and a few 2s at the end
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=KFold(3)).fit(X, y)
    assert list(tuned.ordinal_classes_) == sorted(set(y))
    assert np.isfinite(tuned.cv_results_["score"]).all()


def test_single_split_without_refit_and_prefit(data):
    X, y = data
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=0.3, refit=False, random_state=0)
    tuned.fit(X, y)
    assert tuned.predict(X).shape == (len(y),)
    fitted = LogisticRegression().fit(X[:120], y[:120])
    prefit = TunedOrdinalDecisionCV(fitted, cv="prefit", refit=False).fit(X[120:], y[120:])
    assert prefit.estimator_ is fitted


def test_clone_and_get_params():
    tuned = TunedOrdinalDecisionCV(LogisticRegression(C=3.0), cv=4, classes=[0, 1, 2])
    assert tuned.get_params()["estimator__C"] == 3.0
    copy = clone(tuned)
    assert copy.get_params()["cv"] == 4 and copy.get_params()["estimator__C"] == 3.0
    assert not hasattr(copy, "estimator_")


# --------------------------------------------------------------------------- #
# Errors
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"decisions": ("argmax", "mode")}, r"decisions must be a non-empty subset.*'mode'"),
        ({"decisions": ()}, "non-empty"),
        ({"decisions": ("mean", "mean")}, "duplicates"),
        ({"decisions": "mean"}, "decisions"),
        ({"cv": 1}, "cv"),
        ({"cv": 1.5}, "cv"),
        ({"cv": "prefit"}, "refit=False"),
        ({"refit": False}, "single train/validation split"),
        ({"classes": [0, 1]}, r"labels \[2, 3\] that are not in classes"),
    ],
)
def test_bad_parameters(data, params, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        TunedOrdinalDecisionCV(LogisticRegression(), **params).fit(X, y)


def test_estimator_without_predict_proba(data):
    X, y = data
    with pytest.raises(ValueError, match=r"implementing 'fit' and 'predict_proba'. Got SVC\(\)"):
        TunedOrdinalDecisionCV(SVC()).fit(X, y)


def test_predict_before_fit(data):
    X, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="not fitted"):
            TunedOrdinalDecisionCV(LogisticRegression()).predict(X)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_proba_ordinal"])
def test_every_predict_method_before_fit_raises_not_fitted_error(data, method):
    X, y = data
    with pytest.raises(NotFittedError):
        getattr(TunedOrdinalDecisionCV(LogisticRegression()), method)(X)
    with pytest.raises(NotFittedError):
        TunedOrdinalDecisionCV(LogisticRegression()).score(X, y)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"classes": [0, 1]}, r"labels \[2, 3\] that are not in classes"),
        ({"classes": [0, 1, 1, 2, 3]}, "duplicate"),
        ({"scoring": "not_a_scorer"}, "not_a_scorer"),
        ({"scoring": "neg_log_loss"}, "scores predict_proba output"),
        ({"scoring": neg_rps_scorer}, "scores predict_proba output"),
    ],
)
def test_bad_classes_and_scoring_raise_before_any_fit(data, params, message):
    X, y = data
    CountingLogisticRegression.fits = 0
    with pytest.raises(ValueError, match=message):
        TunedOrdinalDecisionCV(CountingLogisticRegression(), cv=3, **params).fit(X, y)
    assert CountingLogisticRegression.fits == 0


def test_rank_score_gives_equal_scores_the_same_rank():
    # argmax gives 0/1 and median 3/1: both right on the last 4 of 10; mean 2/2 on none.
    y = np.array([1] * 10)
    tuned = _prefit_tuner(BIMODAL, scoring="accuracy", decisions=("argmax", "median", "mean"))
    tuned.fit(BIMODAL, y)
    np.testing.assert_allclose(tuned.cv_results_["score"], [0.4, 0.4, 0.0])
    assert tuned.cv_results_["rank_score"].tolist() == [1, 1, 3]
    assert tuned.best_decision_ == "argmax"  # ties go to the first listed


# --------------------------------------------------------------------------- #
# Fit parameters and groups
# --------------------------------------------------------------------------- #
class _RecordingLogisticRegression(LogisticRegression):
    """Logs, per fit, the training labels and the sample_weight it was given."""

    calls: list = []  # noqa: RUF012 - shared across clones on purpose

    def fit(self, X, y, sample_weight=None):
        type(self).calls.append((np.asarray(y).copy(), sample_weight))
        return super().fit(X, y, sample_weight=sample_weight)


def test_sample_weight_is_indexed_to_each_fit(data):
    X, y = data
    weights = np.arange(1, len(y) + 1, dtype=float)  # weight i + 1 identifies row i
    _RecordingLogisticRegression.calls = []
    cv = StratifiedKFold(3)
    TunedOrdinalDecisionCV(_RecordingLogisticRegression(), cv=cv).fit(X, y, sample_weight=weights)
    calls = _RecordingLogisticRegression.calls
    trains = [np.arange(len(y)), *(train for train, _ in cv.split(X, y))]
    assert len(calls) == len(trains)
    for (labels, seen), train in zip(calls, trains, strict=True):
        np.testing.assert_array_equal(seen, weights[train])
        np.testing.assert_array_equal(labels, y[train])


def test_sample_weight_changes_the_fit(data):
    """Zero weight on one class takes it out of every fit: it is never predicted."""
    X, y = data
    weights = np.where(y == 3, 0.0, 1.0)
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=3, decisions=("argmax",))
    tuned.fit(X, y, sample_weight=weights)
    assert (tuned.predict(X) == 3).sum() < (y == 3).sum() / 4
    assert (TunedOrdinalDecisionCV(LogisticRegression(), cv=3).fit(X, y).predict(X) == 3).any()


def test_groups_reach_a_group_splitter(data):
    X, y = data
    groups = np.arange(len(y)) % 4
    with pytest.raises(ValueError, match="groups"):
        TunedOrdinalDecisionCV(LogisticRegression(), cv=GroupKFold(4)).fit(X, y)
    _RecordingLogisticRegression.calls = []
    TunedOrdinalDecisionCV(_RecordingLogisticRegression(), cv=GroupKFold(4)).fit(
        X, y, groups=groups
    )
    # The refit, then one fit per left-out group, each on the other groups' rows only.
    sizes = [len(labels) for labels, _ in _RecordingLogisticRegression.calls]
    left_out = [int((groups != g).sum()) for g in range(4)]
    assert sizes[0] == len(y) and sorted(sizes[1:]) == sorted(left_out)


def test_groups_with_a_float_cv_raise(data):
    X, y = data
    with pytest.raises(ValueError, match="ignores groups"):
        TunedOrdinalDecisionCV(LogisticRegression(), cv=0.3).fit(X, y, groups=np.arange(len(y)))


def test_fit_params_with_prefit_raise(data):
    X, y = data
    fitted = LogisticRegression().fit(X, y)
    tuner = TunedOrdinalDecisionCV(fitted, cv="prefit", refit=False)
    with pytest.raises(ValueError, match="sample_weight"):
        tuner.fit(X, y, sample_weight=np.ones(len(y)))


class _WeightedPassThrough(PassThrough):
    def fit(self, X, y, sample_weight=None):
        return super().fit(X, y)


@pytest.mark.parametrize(
    "scoring",
    [
        neg_mse_class_index_scorer,
        qwk_scorer,
        make_scorer(mean_absolute_error, greater_is_better=False),
    ],
)
def test_decisions_are_scored_with_the_sample_weight(scoring):
    """Integer weights score every decision as repeated rows would (the pass-through
    model's out-of-fold probabilities are its inputs, whatever the folds)."""
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(4), size=150)
    y = rng.integers(0, 4, size=150)
    weights = rng.integers(0, 4, size=150)
    rows = np.repeat(np.arange(150), weights)
    decisions = ("argmax", "median", "mean")
    tuner = TunedOrdinalDecisionCV(
        _WeightedPassThrough(), scoring=scoring, decisions=decisions, cv=KFold(3)
    )
    weighted = clone(tuner).fit(proba, y, sample_weight=weights).cv_results_["score"]
    repeated = clone(tuner).fit(proba[rows], y[rows]).cv_results_["score"]
    plain = clone(tuner).fit(proba, y).cv_results_["score"]
    np.testing.assert_allclose(weighted, repeated, atol=1e-12)
    assert not np.allclose(weighted, plain)


def test_score_takes_sample_weight(data):
    X, y = data
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=3).fit(X, y)
    weights = np.arange(len(y)) % 3
    rows = np.repeat(np.arange(len(y)), weights)
    assert tuned.score(X, y, sample_weight=weights) == pytest.approx(
        tuned.score(X[rows], y[rows]), abs=1e-12
    )
    assert tuned.score(X, y, sample_weight=np.ones(len(y))) == tuned.score(X, y)


def test_one_label_left_by_the_weights_is_all_that_is_predicted(data):
    """Zero weight on every other class: the fits and the scoring see one class only."""
    X, y = data
    weights = (y == 2).astype(float)
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=3).fit(X, y, sample_weight=weights)
    assert set(tuned.predict(X)) == {2}


def test_two_sample_weights_are_refused(data):
    X, y = data
    tuner = TunedOrdinalDecisionCV(make_pipeline(StandardScaler(), LogisticRegression()), cv=3)
    w = np.ones(len(y))
    with pytest.raises(ValueError, match="several sample weights"):
        tuner.fit(X, y, sample_weight=w, logisticregression__sample_weight=w)


# --------------------------------------------------------------------------- #
# Metadata routing (sklearn.set_config(enable_metadata_routing=True))
# --------------------------------------------------------------------------- #
def test_routed_sample_weight_reaches_each_fit_as_without_routing(data):
    X, y = data
    weights = np.arange(1, len(y) + 1, dtype=float)  # weight i + 1 identifies row i
    cv = StratifiedKFold(3)
    _RecordingLogisticRegression.calls = []
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = _RecordingLogisticRegression().set_fit_request(sample_weight=True)
        TunedOrdinalDecisionCV(estimator, cv=cv).fit(X, y, sample_weight=weights)
    trains = [np.arange(len(y)), *(train for train, _ in cv.split(X, y))]
    calls = _RecordingLogisticRegression.calls
    assert len(calls) == len(trains)
    for (_, seen), train in zip(calls, trains, strict=True):
        np.testing.assert_array_equal(seen, weights[train])


@pytest.mark.parametrize("request_in_scorer", [True, False])
def test_routed_sample_weight_weights_the_scoring_only_where_requested(request_in_scorer):
    """The scorer gets the weights only when it requests them: then the scores are those
    of the legacy (routing off) weighted fit, else those of an unweighted scoring."""
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(4), size=150)
    y = rng.integers(0, 4, size=150)
    weights = rng.integers(0, 4, size=150).astype(float)
    decisions = ("argmax", "median", "mean")
    legacy = TunedOrdinalDecisionCV(_WeightedPassThrough(), decisions=decisions, cv=KFold(3))
    weighted = clone(legacy).fit(proba, y, sample_weight=weights).cv_results_["score"]
    plain = clone(legacy).fit(proba, y).cv_results_["score"]
    assert not np.allclose(weighted, plain)
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_class_index_scorer(mse_class_index, greater_is_better=False)
        scorer.set_score_request(sample_weight=request_in_scorer)
        model = _WeightedPassThrough().set_fit_request(sample_weight=True)
        tuner = TunedOrdinalDecisionCV(model, scoring=scorer, decisions=decisions, cv=KFold(3))
        routed = tuner.fit(proba, y, sample_weight=weights).cv_results_["score"]
    np.testing.assert_allclose(routed, weighted if request_in_scorer else plain, atol=1e-12)


def test_routed_sample_weight_nobody_requested_raises_before_any_fit(data):
    X, y = data
    CountingLogisticRegression.fits = 0
    with sklearn.config_context(enable_metadata_routing=True):
        tuner = TunedOrdinalDecisionCV(CountingLogisticRegression(), cv=3)
        with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
            tuner.fit(X, y, sample_weight=np.ones(len(y)))
    assert CountingLogisticRegression.fits == 0


def test_routed_tuner_nests_in_a_search_with_weights(data):
    """A GridSearchCV routes sample_weight through the tuner to its estimator."""
    X, y = data
    weights = np.where(y == 3, 0.0, 1.0)  # zero weight takes class 3 out of every fit
    with sklearn.config_context(enable_metadata_routing=True):
        inner = LogisticRegression().set_fit_request(sample_weight=True)
        tuner = TunedOrdinalDecisionCV(inner, cv=3, decisions=("argmax",))
        tuner.set_score_request(sample_weight=True)  # the search scores with tuner.score
        search = GridSearchCV(tuner, {"estimator__C": [1.0]}, cv=2, refit=True)
        search.fit(X, y, sample_weight=weights)
    assert (search.predict(X) == 3).sum() < (y == 3).sum() / 4
