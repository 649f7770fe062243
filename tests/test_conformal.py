"""Split conformal sets: finite-sample coverage, contiguity, hand-computed answers, errors.

The coverage tests use a fixed pool of probability rows from a known synthetic model
(miscalibrated on purpose: the truth is drawn from a flatter distribution than the one
predicted) and a pass-through "classifier" whose ``predict_proba`` returns its input,
so that hundreds of calibration/test splits cost no model fitting.

The bound. With ``n`` calibration samples and continuous scores, the coverage of one
split conditional on its calibration set is ``Beta(r, n + 1 - r)`` with
``r = ceil((n + 1) * level)`` (mean ``r / (n + 1) >= level``), and the empirical coverage
of ``m`` test samples adds binomial noise ``level (1 - level) / m``. The mean over
``R`` independent splits therefore has standard deviation at most
``sd = sqrt((Var_Beta + level (1 - level) / m) / R)``, and the tests require
``mean >= level - 5 sd`` (a correct implementation fails with probability < 1e-6).
With ``n = 20`` and ``level = 0.9`` an off-by-one quantile (``floor`` instead of
``ceil``, or ``n`` instead of ``n + 1``) covers only ``18 / 21 = 0.857`` in expectation,
far below the bound (0.885): ``test_broken_quantile_fails_the_coverage_check`` runs the
same check with such a quantile and asserts that it fails.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from probability_probes import CountingLogisticRegression, PassThrough
from sklearn.base import clone
from sklearn.exceptions import NotFittedError, UnsetMetadataPassedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sk_ordinal_kl import ClassOrderWarning, OrdinalKLClassifier
from sk_ordinal_kl.conformal import (
    OrdinalConformalClassifier,
    conformal_rank,
    conformity_scores,
    coverage_by_set_size,
    coverage_score,
    mean_interval_width,
    min_calibration_samples,
)
from sk_ordinal_kl.conformal import classifier as conformal_classifier
from sk_ordinal_kl.conformal.scores import rps_scores
from sk_ordinal_kl.datasets import make_ordinal_classification
from sk_ordinal_kl.labels import ordinal_classes_of

LEVEL = 0.9
N_CAL = 20
N_TEST = 100
REPS = 500
Z = 5.0


def _pool(seed=0, n=20_000, k=5):
    rng = np.random.default_rng(seed)
    centre = rng.uniform(-0.5, k - 0.5, n)
    width = rng.uniform(0.3, 2.0, n)
    logits = -((np.arange(k)[None] - centre[:, None]) ** 2) / (2 * width[:, None] ** 2)
    proba = np.exp(logits)
    proba /= proba.sum(axis=1, keepdims=True)
    truth = np.exp(logits / 2.0)  # flatter than predicted: the model is overconfident
    truth /= truth.sum(axis=1, keepdims=True)
    y = (truth.cumsum(axis=1) > rng.uniform(size=(n, 1))).argmax(axis=1)
    return proba, y


PROBA, Y = _pool()
MODEL = PassThrough().fit(PROBA, Y)


def _mean_coverage(method, randomized):
    rng = np.random.default_rng(1)
    coverages = []
    for rep in range(REPS):
        rows = rng.choice(len(Y), N_CAL + N_TEST, replace=False)
        cal, test = rows[:N_CAL], rows[N_CAL:]
        model = OrdinalConformalClassifier(
            MODEL,
            confidence_level=LEVEL,
            method=method,
            randomized=randomized,
            prefit=True,
            random_state=rep,
        ).conformalize(PROBA[cal], Y[cal])
        coverages.append(coverage_score(Y[test], model.predict_set(PROBA[test])))
    return float(np.mean(coverages))


def _sd_of_mean(rank):
    a, b = rank, N_CAL + 1 - rank
    beta_var = a * b / ((a + b) ** 2 * (a + b + 1))
    return math.sqrt((beta_var + LEVEL * (1 - LEVEL) / N_TEST) / REPS)


LOWER_BOUND = LEVEL - Z * _sd_of_mean(conformal_rank(N_CAL, LEVEL))


@pytest.mark.parametrize("method", ["aps", "rps"])
def test_marginal_coverage_is_at_least_the_level(method):
    coverage = _mean_coverage(method, randomized=False)
    print(f"{method}: mean coverage {coverage:.4f}, bound {LOWER_BOUND:.4f}")
    assert coverage >= LOWER_BOUND
    # Not absurdly conservative either: at most the ceil-rank expectation plus noise
    # and the rare sets that only hold their anchor.
    assert coverage <= conformal_rank(N_CAL, LEVEL) / (N_CAL + 1) + 0.02


@pytest.mark.parametrize(
    "broken",
    [
        lambda n, level: int(np.floor((n + 1) * level)),  # floor instead of ceil
        lambda n, level: int(np.ceil(n * level)),  # no + 1
    ],
    ids=["floor", "no_plus_one"],
)
def test_broken_quantile_fails_the_coverage_check(monkeypatch, broken):
    monkeypatch.setattr(conformal_classifier, "conformal_rank", broken)
    coverage = _mean_coverage("aps", randomized=False)
    print(f"broken quantile: mean coverage {coverage:.4f}, bound {LOWER_BOUND:.4f}")
    assert coverage < LOWER_BOUND, (coverage, LOWER_BOUND)


@pytest.mark.parametrize("method", ["aps", "rps"])
def test_randomized_coverage_is_close_to_the_level_from_both_sides(method):
    coverage = _mean_coverage(method, randomized=True)
    # Smoothed p-values: the coverage of one split is Beta((n+1) level, (n+1)(1-level)).
    a, b = (N_CAL + 1) * LEVEL, (N_CAL + 1) * (1 - LEVEL)
    beta_var = a * b / ((a + b) ** 2 * (a + b + 1))
    sd = math.sqrt((beta_var + LEVEL * (1 - LEVEL) / N_TEST) / REPS)
    print(f"{method} randomized: mean coverage {coverage:.4f} ± {Z * sd:.4f}")
    assert abs(coverage - LEVEL) <= Z * sd


def test_randomized_sets_are_smaller_than_deterministic_ones():
    cal, test = slice(0, 200), slice(200, 2200)
    widths = [
        mean_interval_width(
            OrdinalConformalClassifier(MODEL, prefit=True, randomized=r, random_state=0)
            .conformalize(PROBA[cal], Y[cal])
            .predict_set(PROBA[test])
        )
        for r in (False, True)
    ]
    assert widths[1] <= widths[0]


# --------------------------------------------------------------------------- #
# Known answers
# --------------------------------------------------------------------------- #
CAL_PROBA = np.array(
    [[0.5, 0.25, 0.25], [0.25, 0.5, 0.25], [0.25, 0.25, 0.5], [0.125, 0.75, 0.125]]
)
CAL_Y = np.array([0, 2, 1, 1])
MODEL3 = PassThrough().fit(CAL_PROBA, CAL_Y)


def test_aps_known_answer():
    # Greedy growth from the mode, the lower neighbour on ties:
    # row 0 -> 0 (0.5), 1 (0.75), 2 (1.0); row 1 -> 1 (0.5), 0 (0.75), 2 (1.0); ...
    scores = conformity_scores(CAL_PROBA, "aps")
    np.testing.assert_array_equal(
        scores, [[0.5, 0.75, 1.0], [0.75, 0.5, 1.0], [1.0, 0.75, 0.5], [0.875, 0.75, 1.0]]
    )
    model = OrdinalConformalClassifier(MODEL3, confidence_level=0.6, prefit=True)
    model.conformalize(CAL_PROBA, CAL_Y)
    # Calibration scores 0.5, 1.0, 0.75, 0.75; rank ceil(5 * 0.6) = 3 -> 0.75.
    np.testing.assert_array_equal(model.conformity_scores_, [0.5, 0.75, 0.75, 1.0])
    assert model.quantile_ == 0.75
    test = np.array([[0.25, 0.5, 0.25], [0.0625, 0.875, 0.0625], [0.5, 0.5, 0.0]])
    np.testing.assert_array_equal(
        model.predict_set(test), [[True, True, False], [False, True, False], [True, False, False]]
    )
    np.testing.assert_array_equal(model.predict_interval(test), [[0, 1], [1, 1], [0, 0]])


def test_rps_known_answer():
    # s = 1 - min(F(k), S(k)): row 3 has F = (1/8, 7/8, 1), S = (1, 7/8, 1/8).
    scores = conformity_scores(CAL_PROBA, "rps")
    np.testing.assert_array_equal(
        scores,
        [[0.5, 0.5, 0.75], [0.75, 0.25, 0.75], [0.75, 0.5, 0.5], [0.875, 0.125, 0.875]],
    )
    model = OrdinalConformalClassifier(MODEL3, confidence_level=0.6, method="rps", prefit=True)
    model.conformalize(CAL_PROBA, CAL_Y)
    np.testing.assert_array_equal(model.conformity_scores_, [0.125, 0.5, 0.5, 0.75])
    assert model.quantile_ == 0.5
    test = np.array([[0.25, 0.5, 0.25], [0.5, 0.25, 0.25], [0.25, 0.25, 0.5]])
    np.testing.assert_array_equal(model.predict_interval(test), [[1, 1], [0, 1], [1, 2]])


def test_rps_anchor_is_the_lower_median_on_ties():
    # The median is the smallest k with F(k) >= 1/2. Row 0: F = (1/2, 3/4, 1) -> 0;
    # row 1: F = (1/4, 1/2, 1) -> 1; row 2: F = (1/4, 3/4, 1) -> 1. Rows 0 and 1 put
    # exactly half of the mass up to their median: "F(k) > 1/2" would move it up.
    test = np.array([[0.5, 0.25, 0.25], [0.25, 0.25, 0.5], [0.25, 0.5, 0.25]])
    np.testing.assert_array_equal(rps_scores(test)[1], [0, 1, 1])
    # A threshold below every score of these rows leaves each set its anchor alone.
    model = OrdinalConformalClassifier(MODEL3, confidence_level=0.2, method="rps", prefit=True)
    model.conformalize(CAL_PROBA, CAL_Y)
    # Calibration scores 0.125, 0.5, 0.5, 0.75 (test_rps_known_answer); rank
    # ceil(5 * 0.2) = 1 -> 0.125, below the smallest score of each row (0.5).
    assert model.quantile_ == 0.125
    np.testing.assert_array_equal(model.predict_interval(test), [[0, 0], [1, 1], [1, 1]])


def test_randomized_aps_score_and_rank_formulas():
    q = np.array([[0.125, 0.125, 0.5, 0.25]])
    # Mass before joining plus u times the class's probability (order 2, 3, 1, 0).
    np.testing.assert_allclose(
        conformity_scores(q, "aps", u=np.array([0.5])), [[0.9375, 0.8125, 0.25, 0.625]]
    )
    assert [conformal_rank(n, 0.9) for n in (9, 10, 50, 99)] == [9, 10, 46, 90]
    assert [min_calibration_samples(level) for level in (0.5, 0.8, 0.9, 0.95)] == [1, 4, 9, 19]


def test_sets_are_never_empty_and_contain_the_anchor():
    cal, test = slice(0, 30), slice(30, 3000)
    for method in ("aps", "rps"):
        model = OrdinalConformalClassifier(MODEL, confidence_level=0.5, method=method)
        model.set_params(prefit=True).conformalize(PROBA[cal], Y[cal])
        sets = model.predict_set(PROBA[test])
        assert sets.any(axis=1).all()


# --------------------------------------------------------------------------- #
# Contiguity and label orders
# --------------------------------------------------------------------------- #
def _assert_contiguous(ordinal_sets):
    for row in ordinal_sets:
        members = np.flatnonzero(row)
        assert len(members) > 0
        assert members[-1] - members[0] + 1 == len(members), row


ORDER = ["low", "mid", "high", "very high", "extreme"]  # not sorted


@pytest.fixture(scope="module")
def string_data():
    X, y_index = make_ordinal_classification(n_samples=900, n_classes=5, random_state=0)
    y = np.array(ORDER, dtype=object)[y_index]
    return X, y


@pytest.mark.parametrize("method", ["aps", "rps"])
@pytest.mark.parametrize("randomized", [False, True])
def test_sets_are_contiguous_in_ordinal_order_for_string_labels(string_data, method, randomized):
    X, y = string_data
    model = OrdinalConformalClassifier(
        LogisticRegression(max_iter=500),
        confidence_level=0.8,
        method=method,
        randomized=randomized,
        random_state=0,
        classes=ORDER,
    )
    model.fit(X[:300], y[:300]).conformalize(X[300:600], y[300:600])
    assert list(model.ordinal_classes_) == ORDER
    assert list(model.classes_) == sorted(ORDER)
    assert list(ordinal_classes_of(model)) == ORDER
    sets = model.predict_set(X[600:])
    ordinal_sets = sets[:, [list(model.classes_).index(label) for label in ORDER]]
    _assert_contiguous(ordinal_sets)
    intervals = model.predict_interval(X[600:])
    rank = {label: i for i, label in enumerate(ORDER)}
    for row, (low, high) in zip(ordinal_sets, intervals, strict=True):
        assert np.flatnonzero(row)[[0, -1]].tolist() == [rank[low], rank[high]]
    # The metrics agree on sets and intervals.
    sets_cov = coverage_score(y[600:], sets, classes=ORDER)
    assert sets_cov == coverage_score(y[600:], intervals, classes=ORDER)
    assert mean_interval_width(sets, classes=ORDER) == mean_interval_width(
        intervals, classes=ORDER
    )
    assert sets_cov > 0.7


@pytest.mark.parametrize("prefit", [False, True])
def test_ordered_categorical_labels_give_the_order(string_data, prefit):
    """With a scikit-learn classifier and no ``classes``, the categories of an ordered
    Categorical y are the order (no sorted-strings warning); same sets as ``classes``."""
    X, y = string_data
    categorical = pd.Series(pd.Categorical(y, categories=ORDER, ordered=True))
    given = OrdinalConformalClassifier(LogisticRegression(max_iter=500), classes=ORDER)
    given.fit(X[:300], y[:300]).conformalize(X[300:600], y[300:600])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        if prefit:
            fitted = LogisticRegression(max_iter=500).fit(X[:300], y[:300])
            model = OrdinalConformalClassifier(fitted, prefit=True)
            model.conformalize(X[300:600], categorical[300:600])
        else:
            model = OrdinalConformalClassifier(LogisticRegression(max_iter=500))
            model.fit(X[:300], categorical[:300]).conformalize(X[300:600], y[300:600])
    assert list(model.ordinal_classes_) == ORDER
    np.testing.assert_array_equal(model.predict_set(X[600:]), given.predict_set(X[600:]))


@pytest.mark.parametrize("in_pipeline", [False, True])
@pytest.mark.parametrize("order_from", ["ordered categorical", "classes"])
def test_the_order_reaches_the_fit_of_an_ordinal_estimator(string_data, in_pipeline, order_from):
    """The wrapped OrdinalKLClassifier (bare or in a Pipeline) learns in the given order,
    silently: the same model and sets as one given ``classes=ORDER`` itself."""
    X, y = string_data

    def model(**params):
        net = OrdinalKLClassifier(max_epochs=4, random_state=0, **params)
        return make_pipeline(StandardScaler(), net) if in_pipeline else net

    if order_from == "classes":
        conformal, y_fit = OrdinalConformalClassifier(model(), classes=ORDER), y[:300]
    else:
        categorical = pd.Categorical(y[:300], categories=ORDER, ordered=True)
        conformal, y_fit = OrdinalConformalClassifier(model()), pd.Series(categorical)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        conformal.fit(X[:300], y_fit).conformalize(X[300:600], y[300:600])
    assert list(ordinal_classes_of(conformal.estimator_)) == ORDER
    assert list(conformal.ordinal_classes_) == ORDER
    reference = OrdinalConformalClassifier(model(classes=ORDER))
    reference.fit(X[:300], y[:300]).conformalize(X[300:600], y[300:600])
    np.testing.assert_array_equal(
        conformal.predict_proba(X[600:]), reference.predict_proba(X[600:])
    )
    np.testing.assert_array_equal(conformal.predict_set(X[600:]), reference.predict_set(X[600:]))


def test_ordinal_estimator_with_reversed_string_order(string_data):
    X, y = string_data
    reversed_order = ORDER[::-1]
    net = OrdinalKLClassifier(classes=reversed_order, max_epochs=3, random_state=0)
    model = OrdinalConformalClassifier(make_pipeline(StandardScaler(), net), random_state=0)
    model.fit(X[:300], y[:300]).conformalize(X[300:600], y[300:600])
    assert list(model.ordinal_classes_) == reversed_order
    intervals = model.predict_interval(X[600:700])
    rank = {label: i for i, label in enumerate(reversed_order)}
    assert all(rank[low] <= rank[high] for low, high in intervals)
    sets = model.predict_set(X[600:700])
    _assert_contiguous(sets[:, [list(model.classes_).index(lab) for lab in reversed_order]])


def test_in_a_pipeline_and_as_its_last_step():
    X, y = make_ordinal_classification(n_samples=400, n_classes=4, random_state=1)
    wrapped = OrdinalConformalClassifier(
        make_pipeline(StandardScaler(), LogisticRegression()), confidence_level=0.8
    ).fit(X[:200], y[:200])
    wrapped.conformalize(X[200:300], y[200:300])
    assert wrapped.predict_set(X[300:]).shape == (100, 4)
    np.testing.assert_array_equal(wrapped.predict(X[300:]), wrapped.estimator_.predict(X[300:]))
    pipe = make_pipeline(
        StandardScaler(), OrdinalConformalClassifier(LogisticRegression(), confidence_level=0.8)
    ).fit(X[:200], y[:200])
    last = pipe[-1].conformalize(pipe[:-1].transform(X[200:300]), y[200:300])
    np.testing.assert_array_equal(
        last.predict_interval(pipe[:-1].transform(X[300:])), wrapped.predict_interval(X[300:])
    )
    assert pipe.predict(X[300:]).shape == (100,)


def test_clone_and_get_params():
    model = OrdinalConformalClassifier(LogisticRegression(C=2.0), method="rps", classes=[0, 1])
    params = model.get_params()
    assert params["estimator__C"] == 2.0 and params["method"] == "rps"
    copy = clone(model)
    assert copy.get_params()["estimator__C"] == 2.0
    assert not hasattr(copy, "estimator_")


# --------------------------------------------------------------------------- #
# Errors
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("level", [0, 0.0, 1, 1.0, 1.5, -0.1])
def test_confidence_level_outside_the_open_unit_interval(level):
    with pytest.raises(ValueError, match=r"confidence_level must be in \(0, 1\)"):
        OrdinalConformalClassifier(MODEL, confidence_level=level, prefit=True).conformalize(
            PROBA[:50], Y[:50]
        )


def test_too_few_calibration_samples_says_how_many():
    model = OrdinalConformalClassifier(MODEL, confidence_level=0.9, prefit=True)
    with pytest.raises(ValueError, match=r"too few calibration samples.*need at least 9, got 8"):
        model.conformalize(PROBA[:8], Y[:8])
    model.conformalize(PROBA[:9], Y[:9])  # exactly enough: the largest score
    assert model.quantile_ == model.conformity_scores_[-1]


def test_calibration_labels_not_seen_in_fit_are_named():
    X, y = make_ordinal_classification(n_samples=200, n_classes=3, random_state=0)
    model = OrdinalConformalClassifier(LogisticRegression()).fit(X[:100], y[:100])
    y_cal = y[100:].copy()
    y_cal[:2] = 7
    with pytest.raises(
        ValueError, match=r"labels \[7\] that are not in the fitted estimator's classes"
    ):
        model.conformalize(X[100:], y_cal)


def test_predict_before_conformalize_says_what_to_call():
    X, y = make_ordinal_classification(n_samples=100, n_classes=3, random_state=0)
    model = OrdinalConformalClassifier(LogisticRegression()).fit(X, y)
    for method in (model.predict_set, model.predict_interval):
        with pytest.raises(NotFittedError, match="conformalize") as info:
            method(X)
        assert isinstance(info.value, ValueError)
    with pytest.raises(NotFittedError, match="call fit"):
        OrdinalConformalClassifier(LogisticRegression()).conformalize(X, y)


def test_prefit_fit_and_missing_predict_proba_errors():
    X, y = make_ordinal_classification(n_samples=100, n_classes=3, random_state=0)
    with pytest.raises(ValueError, match="call conformalize"):
        OrdinalConformalClassifier(LogisticRegression(), prefit=True).fit(X, y)
    with pytest.raises(ValueError, match=r"implementing 'fit' and 'predict_proba'. Got SVC\(\)"):
        OrdinalConformalClassifier(SVC()).fit(X, y)
    with pytest.raises(ValueError, match="method"):
        OrdinalConformalClassifier(LogisticRegression(), method="lac").fit(X, y)


# --------------------------------------------------------------------------- #
# Metrics
# --------------------------------------------------------------------------- #
def test_metrics_on_hand_made_sets():
    classes = ["low", "mid", "high"]  # sets below in sorted order: high, low, mid
    sets = np.array([[False, True, False], [True, False, True], [True, True, True]])
    y_true = ["low", "low", "mid"]
    assert coverage_score(y_true, sets, classes=classes) == pytest.approx(2 / 3)
    assert mean_interval_width(sets, classes=classes) == pytest.approx(1.0)
    table = coverage_by_set_size(y_true, sets, classes=classes)
    assert isinstance(table, pd.DataFrame)
    assert table.to_dict("list") == {
        "set_size": [1, 2, 3],
        "n_samples": [1, 1, 1],
        "coverage": [1.0, 0.0, 1.0],
    }
    with pytest.raises(ValueError, match="not contiguous"):
        coverage_score([0], np.array([[True, False, True]]))
    with pytest.raises(ValueError, match="empty"):
        coverage_score([0], np.array([[False, False, False]]))
    with pytest.raises(ValueError, match="integer class indices"):
        coverage_score(["a"], np.array([[True]]))


def test_every_predict_method_before_fit_raises_not_fitted_error():
    X, _ = make_ordinal_classification(n_samples=20, n_classes=3, random_state=0)
    model = OrdinalConformalClassifier(LogisticRegression())
    for method in (model.predict, model.predict_proba):
        with pytest.raises(NotFittedError):
            method(X)
    for method in (model.predict_set, model.predict_interval):
        with pytest.raises(NotFittedError, match="call conformalize"):
            method(X)


@pytest.mark.parametrize(
    ("classes", "message"),
    [([0, 1], r"labels \[2\] that are not in classes"), ([0, 1, 1, 2], "dup")],
)
def test_bad_classes_raise_before_fitting(classes, message):
    X, y = make_ordinal_classification(n_samples=60, n_classes=3, random_state=0)
    CountingLogisticRegression.fits = 0
    model = OrdinalConformalClassifier(CountingLogisticRegression(), classes=classes)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)
    assert CountingLogisticRegression.fits == 0


@pytest.mark.parametrize("randomized", [False, True])
def test_confidence_level_is_fixed_at_conformalize(randomized):
    model = OrdinalConformalClassifier(
        MODEL, confidence_level=0.9, prefit=True, randomized=randomized, random_state=0
    ).conformalize(PROBA[:200], Y[:200])
    before = model.predict_set(PROBA[200:400])
    assert model.confidence_level_ == 0.9
    model.set_params(confidence_level=0.5)
    np.testing.assert_array_equal(model.predict_set(PROBA[200:400]), before)
    assert model.confidence_level_ == 0.9
    model.conformalize(PROBA[:200], Y[:200])  # a new conformalize uses the new level
    assert model.confidence_level_ == 0.5
    assert model.predict_set(PROBA[200:400]).sum() < before.sum()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: coverage_score([5, 7], np.array([[True, False], [False, True]])), r"\[5, 7\]"),
        (lambda: coverage_score([2], np.array([[True, False]])), r"outside 0\.\.1"),
        (lambda: coverage_score([-1, 0], [[0, 1], [0, 2]]), "negative"),
        (lambda: coverage_score([0, 1], [[0, 1], [-1, 2]]), "negative"),
        (lambda: mean_interval_width([[2, 0], [1, 1]]), r"low > high.*rows \[0\]"),
        (lambda: coverage_by_set_size([0], [[1, 0]]), "low > high"),
        (lambda: coverage_score([1], [["b", "a"]], classes=["a", "b"]), "low > high"),
        (lambda: coverage_score([0], [[0.5, 1.0]]), "integer class indices"),
        (lambda: coverage_score(["c"], [["a", "b"]], classes=["a", "b"]), r"classes: \['c'\]"),
        (lambda: coverage_score(["a"], [["a", "c"]], classes=["a", "b"]), r"classes: \['c'\]"),
        (lambda: coverage_score(["a"], [[True, False]], classes=list("abc")), "3 labels"),
        (lambda: coverage_score([0, 1], [[0, 1]]), "one row per sample"),
        (lambda: coverage_by_set_size([], []), "y_sets is empty"),
        (lambda: coverage_score([], np.zeros((0, 3), bool)), "y_sets is empty"),
        (lambda: mean_interval_width(np.zeros((0, 2))), "y_sets is empty"),
    ],
)
def test_metrics_reject_inputs_they_would_misread(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_metrics_read_only_bool_arrays_as_sets():
    sets = [[True, False], [False, True]]
    assert coverage_score([0, 1], np.array(sets)) == 1.0
    assert coverage_score([0, 1], sets) == 1.0
    # The same 0/1 values as integers are intervals [1, 0] (reversed) and [0, 1].
    with pytest.raises(ValueError, match="dtype bool"):
        coverage_score([0, 1], [[1, 0], [0, 1]])
    assert coverage_score([0, 1], [[0, 0], [0, 1]]) == 1.0
    assert coverage_score([0.0, 1.0], [[0.0, 0.0], [1.0, 1.0]]) == 1.0  # integer-valued
    assert mean_interval_width([[0, 1], [1, 1]]) == 0.5


# --------------------------------------------------------------------------- #
# Metadata routing (sklearn.set_config(enable_metadata_routing=True))
# --------------------------------------------------------------------------- #
def _weighted_data():
    X, y = make_ordinal_classification(n_samples=120, n_classes=3, random_state=0)
    return X, y, np.where(y == 2, 5.0, 1.0)


def test_fit_params_reach_the_estimator_without_routing():
    X, y, weights = _weighted_data()
    model = OrdinalConformalClassifier(LogisticRegression()).fit(X, y, sample_weight=weights)
    reference = LogisticRegression().fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(model.estimator_.coef_, reference.coef_)


def test_routed_sample_weight_reaches_the_estimator():
    X, y, weights = _weighted_data()
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = LogisticRegression().set_fit_request(sample_weight=True)
        model = OrdinalConformalClassifier(estimator).fit(X, y, sample_weight=weights)
    reference = LogisticRegression().fit(X, y, sample_weight=weights)
    unweighted = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(model.estimator_.coef_, reference.coef_)
    assert not np.allclose(model.estimator_.coef_, unweighted.coef_)


def test_routed_sample_weight_not_requested_raises_before_fitting():
    X, y, weights = _weighted_data()
    CountingLogisticRegression.fits = 0
    with sklearn.config_context(enable_metadata_routing=True):
        model = OrdinalConformalClassifier(CountingLogisticRegression())
        with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
            model.fit(X, y, sample_weight=weights)
    assert CountingLogisticRegression.fits == 0


class _ProbaOnly(PassThrough):
    """Probabilities but no ``predict`` (``hasattr(model, "predict")`` is False)."""

    @property
    def predict(self):
        raise AttributeError("predict")


def test_predict_is_available_only_when_the_estimator_has_it():
    model = OrdinalConformalClassifier(_ProbaOnly(), prefit=True)
    assert not hasattr(model, "predict")
    assert hasattr(model, "predict_set") and hasattr(model, "predict_proba")
    assert hasattr(OrdinalConformalClassifier(LogisticRegression()), "predict")


def test_predict_proba_ordinal_puts_the_columns_in_the_ordinal_order():
    X, y = make_ordinal_classification(n_samples=150, n_classes=3, random_state=0)
    order = np.array(["low", "mid", "high"], dtype=object)  # sorted: high, low, mid
    labels = order[y]
    model = OrdinalConformalClassifier(LogisticRegression(), classes=order).fit(X, labels)
    ordinal = model.predict_proba_ordinal(X[:5])
    sorted_proba = model.predict_proba(X[:5])
    reference = model.estimator_.predict_proba(X[:5])  # columns in its sorted classes_
    for k, label in enumerate(order):
        np.testing.assert_array_equal(
            ordinal[:, k], reference[:, list(model.estimator_.classes_).index(label)]
        )
        np.testing.assert_array_equal(
            ordinal[:, k], sorted_proba[:, np.searchsorted(model.classes_, label)]
        )


def test_score_is_accuracy_and_refuses_unknown_labels():
    X, y = make_ordinal_classification(n_samples=300, n_classes=4, random_state=2)
    wrapped = OrdinalConformalClassifier(LogisticRegression(), confidence_level=0.8)
    wrapped.fit(X[:200], y[:200]).conformalize(X[200:250], y[200:250])
    expected = float(np.mean(wrapped.predict(X[250:]) == y[250:]))
    assert wrapped.score(X[250:], y[250:]) == pytest.approx(expected)
    unknown = y[250:].copy()
    unknown[0] = 7
    with pytest.raises(ValueError, match=r"labels \[7\]"):
        wrapped.score(X[250:], unknown)
