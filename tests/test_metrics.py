"""Tests for sk_ordinal_kl.metrics against independent computations."""

import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score, mean_absolute_error, mean_squared_error
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import metrics
from sk_ordinal_kl.labels import ClassOrderWarning
from sk_ordinal_kl.metrics import (
    ClassIndexScorer,
    amae,
    labels_to_indices,
    mae_class_index,
    make_class_index_scorer,
    mse_class_index,
    neg_amae_scorer,
    neg_mae_class_index_scorer,
    neg_mse_class_index_scorer,
    neg_rps_scorer,
    off_by_one_accuracy,
    off_by_one_accuracy_scorer,
    quadratic_weighted_kappa,
    qwk_scorer,
    ranked_probability_score,
)

INDEX_METRICS = [mse_class_index, mae_class_index, quadratic_weighted_kappa]
INDEX_METRICS += [off_by_one_accuracy, amae]
LEVELS = ["low", "mid", "high"]  # ordinal order differs from alphabetical ("high" < "low")


# --------------------------------------------------------------------------- #
# Independent reference implementations (plain Python loops)
# --------------------------------------------------------------------------- #
def rps_loop(y_true, proba):
    total = 0.0
    for y, row in zip(y_true, proba, strict=True):
        k = len(row)
        cumulative = 0.0
        sample = 0.0
        for j in range(k - 1):
            cumulative += row[j]
            outcome = 1.0 if y <= j else 0.0
            sample += (cumulative - outcome) ** 2
        total += sample / (k - 1)
    return total / len(y_true)


def amae_loop(y_true, y_pred):
    per_class = {}
    for t, p in zip(y_true, y_pred, strict=True):
        per_class.setdefault(t, []).append(abs(t - p))
    return sum(sum(errs) / len(errs) for errs in per_class.values()) / len(per_class)


def random_case(seed, k, n=60):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, size=n)
    y_pred = rng.integers(0, k, size=n)
    return y_true, y_pred


SEEDS_AND_K = [(seed, k) for seed in range(3) for k in (2, 3, 5, 9)]


# --------------------------------------------------------------------------- #
# labels_to_indices
# --------------------------------------------------------------------------- #
def test_labels_to_indices_respects_given_order_not_alphabetical():
    idx = labels_to_indices(["high", "low", "mid", "low"], LEVELS)
    np.testing.assert_array_equal(idx, [2, 0, 1, 0])
    assert idx.dtype == np.int64


@pytest.mark.parametrize(
    ("y", "classes", "expected"),
    [
        ([3, 1, 2], [3, 2, 1], [0, 2, 1]),  # descending int order is kept, not sorted
        ([0.5, 2.5], [2.5, 1.5, 0.5], [2, 0]),
        (np.array([1, "b"], dtype=object), np.array(["b", 1, 2.0], dtype=object), [1, 0]),
        ([1, "b", 2], [1, "b", 2], [0, 1, 2]),  # mixed list must not become strings
        (pd.Series(["mid", "high"]), pd.Index(LEVELS), [1, 2]),
        (np.array([2.0, 1.0]), np.array([1, 2]), [1, 0]),  # matched by equality
    ],
)
def test_labels_to_indices_types(y, classes, expected):
    np.testing.assert_array_equal(labels_to_indices(y, classes), expected)


def test_labels_to_indices_unknown_label_is_named():
    with pytest.raises(ValueError, match=r"not in classes: \['very high', 'zero'\]"):
        labels_to_indices(["low", "very high", "zero", "very high"], LEVELS)


def test_labels_to_indices_unknown_label_message_truncated():
    with pytest.raises(ValueError, match=r"\(20 in total\)"):
        labels_to_indices(list(range(20)), [100, 200])


def test_labels_to_indices_duplicate_classes():
    with pytest.raises(ValueError, match=r"duplicate labels: \['mid'\]"):
        labels_to_indices(["low"], ["low", "mid", "high", "mid"])


def test_labels_to_indices_bad_shapes():
    with pytest.raises(ValueError, match="classes must contain at least one label"):
        labels_to_indices([], [])
    with pytest.raises(ValueError, match="y must be 1-D"):
        labels_to_indices([[0, 1]], [0, 1])
    with pytest.raises(ValueError, match="classes must be 1-D"):
        labels_to_indices([0], [[0, 1]])


def test_labels_to_indices_empty_y_is_empty_array():
    idx = labels_to_indices([], LEVELS)
    assert idx.shape == (0,)
    assert idx.dtype == np.int64


# --------------------------------------------------------------------------- #
# Input validation shared by all metrics
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("metric", INDEX_METRICS)
def test_metrics_reject_different_lengths(metric):
    with pytest.raises(ValueError, match="different lengths: 3 != 2"):
        metric([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="different lengths: 1 != 2"):
        metric(["low"], ["low", "mid"], classes=LEVELS)


@pytest.mark.parametrize("metric", INDEX_METRICS)
def test_metrics_reject_empty(metric):
    with pytest.raises(ValueError, match="y_true is empty"):
        metric([], [])
    with pytest.raises(ValueError, match="y_true is empty"):
        metric([], [], classes=LEVELS)


@pytest.mark.parametrize("metric", INDEX_METRICS)
@pytest.mark.parametrize(
    ("y_pred", "message"),
    [
        ([0, 1.5], "non-integer"),
        ([0, -1], "negative"),
        ([0, np.nan], "NaN or infinite"),
        (["a", "b"], "integer class indices.*Pass classes="),
        ([True, False], "integer class indices"),
        ([[0, 1]], "1-D"),
    ],
)
def test_metrics_reject_invalid_indices(metric, y_pred, message):
    with pytest.raises(ValueError, match=message):
        metric([0, 1], y_pred)


@pytest.mark.parametrize("metric", INDEX_METRICS)
def test_metrics_accept_integer_valued_floats(metric):
    assert metric([0.0, 1.0, 2.0], [0.0, 2.0, 2.0]) == metric([0, 1, 2], [0, 2, 2])


@pytest.mark.parametrize("metric", INDEX_METRICS)
def test_metrics_unknown_label_names_array_and_label(metric):
    with pytest.raises(ValueError, match=r"y_pred contains labels not in classes: \['medium'\]"):
        metric(["low", "mid"], ["low", "medium"], classes=LEVELS)
    with pytest.raises(ValueError, match=r"y_true contains labels not in classes: \['LOW'\]"):
        metric(["LOW", "mid"], ["low", "mid"], classes=LEVELS)


@pytest.mark.parametrize("metric", INDEX_METRICS)
def test_metrics_duplicate_classes(metric):
    with pytest.raises(ValueError, match="duplicate"):
        metric(["low"], ["low"], classes=["low", "low", "mid"])


@pytest.mark.parametrize("metric", INDEX_METRICS)
def test_metrics_return_python_float(metric):
    assert type(metric([0, 1, 2], [0, 2, 1])) is float


@pytest.mark.parametrize("metric", INDEX_METRICS)
@pytest.mark.parametrize(("seed", "k"), SEEDS_AND_K[:6])
def test_metrics_with_classes_equal_metrics_on_mapped_indices(metric, seed, k):
    # Shuffled string labels: the metric must follow the classes order, not sorting.
    rng = np.random.default_rng(seed)
    classes = np.array([f"c{i}" for i in rng.permutation(k)], dtype=object)
    y_true, y_pred = random_case(seed, k)
    on_labels = metric(classes[y_true], classes[y_pred], classes=classes)
    assert on_labels == pytest.approx(metric(y_true, y_pred))


# --------------------------------------------------------------------------- #
# MSE / MAE / off-by-one
# --------------------------------------------------------------------------- #
def test_mse_mae_string_labels_hand_worked():
    y_true = ["low", "high", "mid", "high"]  # indices 0, 2, 1, 2
    y_pred = ["high", "high", "low", "mid"]  # indices 2, 2, 0, 1
    assert mse_class_index(y_true, y_pred, classes=LEVELS) == pytest.approx((4 + 0 + 1 + 1) / 4)
    assert mae_class_index(y_true, y_pred, classes=LEVELS) == pytest.approx((2 + 0 + 1 + 1) / 4)

    # Ordinal order: [0, 2] vs [1, 1] -> MSE 1. Alphabetical (high, low, mid) would give
    # [1, 0] vs [2, 2] -> MSE 2.5, so classes must not be sorted.
    assert mse_class_index(["low", "high"], ["mid", "mid"], classes=LEVELS) == 1.0
    assert mse_class_index(["low", "high"], ["mid", "mid"], classes=sorted(LEVELS)) == 2.5


@pytest.mark.parametrize(("seed", "k"), SEEDS_AND_K)
def test_mse_mae_match_sklearn(seed, k):
    y_true, y_pred = random_case(seed, k)
    assert mse_class_index(y_true, y_pred) == pytest.approx(mean_squared_error(y_true, y_pred))
    assert mae_class_index(y_true, y_pred) == pytest.approx(mean_absolute_error(y_true, y_pred))


def test_off_by_one_accuracy_hand_worked():
    y_true = ["low", "low", "high", "mid", "high"]
    y_pred = ["mid", "high", "low", "mid", "mid"]  # distances 1, 2, 2, 0, 1
    assert off_by_one_accuracy(y_true, y_pred, classes=LEVELS) == pytest.approx(3 / 5)


@pytest.mark.parametrize(("seed", "k"), SEEDS_AND_K)
def test_off_by_one_accuracy_matches_loop(seed, k):
    y_true, y_pred = random_case(seed, k)
    expected = sum(abs(int(t) - int(p)) <= 1 for t, p in zip(y_true, y_pred, strict=True))
    assert off_by_one_accuracy(y_true, y_pred) == pytest.approx(expected / len(y_true))


# --------------------------------------------------------------------------- #
# Quadratic weighted kappa
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(("seed", "k"), SEEDS_AND_K)
def test_qwk_matches_sklearn_cohen_kappa(seed, k):
    y_true, y_pred = random_case(seed, k)
    # labels=arange(k) makes sklearn weight by index distance even if an index is unobserved.
    expected = cohen_kappa_score(y_true, y_pred, labels=np.arange(k), weights="quadratic")
    assert quadratic_weighted_kappa(y_true, y_pred) == pytest.approx(expected)


def test_qwk_correlated_predictions_match_sklearn():
    rng = np.random.default_rng(7)
    y_true = rng.integers(0, 6, size=200)
    y_pred = np.clip(y_true + rng.integers(-1, 2, size=200), 0, 5)
    expected = cohen_kappa_score(y_true, y_pred, weights="quadratic")
    result = quadratic_weighted_kappa(y_true, y_pred)
    assert result == pytest.approx(expected)
    assert result > 0.8


def test_qwk_uses_index_distance_with_gaps():
    # Index 1 is never observed; distances must still be 0-2 = 2, not 1.
    y_true, y_pred = [0, 2, 2, 0], [0, 2, 0, 2]
    expected = cohen_kappa_score(y_true, y_pred, labels=[0, 1, 2], weights="quadratic")
    assert quadratic_weighted_kappa(y_true, y_pred) == pytest.approx(expected)


def test_qwk_hand_worked():
    assert quadratic_weighted_kappa([0, 1, 2], [0, 1, 2]) == 1.0
    assert quadratic_weighted_kappa([0, 0, 1, 1], [1, 1, 0, 0]) == pytest.approx(-1.0)
    # O = [[1, 1], [0, 2]], E = [[0.5, 1.5], [0.5, 1.5]], W = [[0, 1], [1, 0]]:
    # kappa = 1 - 1 / 2 = 0.5
    assert quadratic_weighted_kappa([0, 0, 1, 1], [0, 1, 1, 1]) == pytest.approx(0.5)


def test_qwk_does_not_depend_on_extra_unobserved_classes():
    y_true, y_pred = random_case(3, 4)
    base = quadratic_weighted_kappa(y_true, y_pred)
    assert quadratic_weighted_kappa(y_true, y_pred, n_classes=10) == pytest.approx(base)


def test_qwk_undefined_cases():
    # Both constant and identical: expected disagreement is 0 -> defined as 1.0.
    assert quadratic_weighted_kappa([2, 2, 2], [2, 2, 2]) == 1.0
    assert quadratic_weighted_kappa(["mid"] * 3, ["mid"] * 3, classes=LEVELS) == 1.0
    assert quadratic_weighted_kappa([0], [0], n_classes=1) == 1.0
    # Both constant but different: kappa is defined and equals 0 (sklearn agrees).
    assert quadratic_weighted_kappa([0, 0], [2, 2]) == pytest.approx(0.0)
    assert cohen_kappa_score([0, 0], [2, 2], labels=[0, 1, 2], weights="quadratic") == 0.0
    # Constant truth, varying predictions: defined, and sklearn gives the same.
    expected = cohen_kappa_score([1, 1, 1], [0, 1, 2], labels=[0, 1, 2], weights="quadratic")
    assert quadratic_weighted_kappa([1, 1, 1], [0, 1, 2]) == pytest.approx(expected)


def test_qwk_n_classes_validation():
    with pytest.raises(ValueError, match="out of range for n_classes=2"):
        quadratic_weighted_kappa([0, 1], [0, 2], n_classes=2)
    with pytest.raises(ValueError, match="disagrees with len"):
        quadratic_weighted_kappa(["low"], ["low"], classes=LEVELS, n_classes=4)
    with pytest.raises(ValueError, match="positive integer"):
        quadratic_weighted_kappa([0], [0], n_classes=0)
    with pytest.raises(ValueError, match="positive integer"):
        quadratic_weighted_kappa([0], [0], n_classes=2.5)
    assert quadratic_weighted_kappa(["low"], ["low"], classes=LEVELS, n_classes=3) == 1.0


# --------------------------------------------------------------------------- #
# AMAE
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(("seed", "k"), SEEDS_AND_K)
def test_amae_matches_loop(seed, k):
    y_true, y_pred = random_case(seed, k, n=25)  # small n so some classes may be absent
    expected = amae_loop(y_true.tolist(), y_pred.tolist())
    assert amae(y_true, y_pred) == pytest.approx(expected)


def test_amae_weights_classes_equally_and_skips_absent():
    # Class 0 (9 samples) perfect, class 2 (1 sample) off by 2; class 1 absent.
    y_true = [0] * 9 + [2]
    y_pred = [0] * 10
    assert amae(y_true, y_pred) == pytest.approx((0 + 2) / 2)
    assert mae_class_index(y_true, y_pred) == pytest.approx(0.2)
    assert amae(["low"] * 9 + ["high"], ["low"] * 10, classes=LEVELS) == pytest.approx(1.0)


# --------------------------------------------------------------------------- #
# Ranked probability score
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(("seed", "k"), SEEDS_AND_K)
def test_rps_matches_loop(seed, k):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, size=40)
    proba = rng.dirichlet(np.ones(k), size=40)
    expected = rps_loop(y_true.tolist(), proba.tolist())
    assert ranked_probability_score(y_true, proba) == pytest.approx(expected)


def test_rps_hand_worked_and_bounds():
    # Perfect and fully wrong extreme predictions.
    assert ranked_probability_score([0, 2], [[1, 0, 0], [0, 0, 1]]) == 0.0
    assert ranked_probability_score([0], [[0, 0, 1]]) == pytest.approx(1.0)
    # y=1, p=[0.2, 0.5, 0.3]: F=[0.2, 0.7], O=[0, 1] -> (0.04 + 0.09) / 2
    assert ranked_probability_score([1], [[0.2, 0.5, 0.3]]) == pytest.approx(0.065)
    # Mass one class away costs less than mass two classes away.
    near = ranked_probability_score([0], [[0.5, 0.5, 0.0]])
    far = ranked_probability_score([0], [[0.5, 0.0, 0.5]])
    assert near < far


def test_rps_with_string_classes():
    proba = [[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]
    expected = ranked_probability_score([1, 2], proba)
    assert ranked_probability_score(["mid", "high"], proba, classes=LEVELS) == expected
    with pytest.raises(ValueError, match=r"not in classes: \['top'\]"):
        ranked_probability_score(["mid", "top"], proba, classes=LEVELS)
    with pytest.raises(ValueError, match="3 columns but classes has 4"):
        ranked_probability_score(["mid", "high"], proba, classes=[*LEVELS, "max"])


@pytest.mark.parametrize(
    ("y_true", "proba", "message"),
    [
        ([0, 1], [0.5, 0.5], "2-D"),
        ([0, 1], [[0.5, 0.5]], "different lengths: 2 != 1"),
        ([0], [[1.0]], "at least 2 columns"),
        ([0], [[np.nan, 1.0]], "NaN or infinite"),
        ([0], [[-0.5, 1.5]], "negative"),
        ([0], [[2.0, 3.0]], "sum to 1"),
        ([2], [[0.5, 0.5]], "class index 2, but y_proba has 2 columns"),
        ([], np.empty((0, 2)), "y_true is empty"),
        ([0.5], [[0.5, 0.5]], "non-integer"),
    ],
)
def test_rps_validation(y_true, proba, message):
    with pytest.raises(ValueError, match=message):
        ranked_probability_score(y_true, proba)


def test_rps_accepts_float32_rounding():
    proba = np.array([[0.1, 0.2, 0.7]], dtype=np.float32)
    assert ranked_probability_score([2], proba) == pytest.approx(rps_loop([2], [[0.1, 0.2, 0.7]]))


# --------------------------------------------------------------------------- #
# Scorers
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def ordinal_data():
    X, y_idx = make_classification(
        n_samples=120,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        random_state=0,
    )
    # Map to labels so that sklearn's sorted classes_ ("a_low" < "b_mid" < "c_high") is ordinal.
    ordered = np.array(["a_low", "b_mid", "c_high"], dtype=object)
    return X, ordered[y_idx], ordered


# A scikit-learn classifier has no ordinal_classes_: the scorers use its sorted classes_
# (ordinal here by construction) and say so with a ClassOrderWarning for string labels.
ignore_order_warning = pytest.mark.filterwarnings("ignore::sk_ordinal_kl.labels.ClassOrderWarning")


def test_scorer_warns_when_string_order_is_only_sorted(ordinal_data, fitted_models):
    X, y, _ = ordinal_data
    with pytest.warns(ClassOrderWarning, match="sorted classes_"):
        neg_mse_class_index_scorer(fitted_models["plain"], X, y)


@pytest.fixture(scope="module")
def fitted_models(ordinal_data):
    X, y, _ = ordinal_data
    plain = LogisticRegression(max_iter=500).fit(X, y)
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    return {"plain": plain, "pipeline": pipe}


SCORER_CASES = [
    (neg_mse_class_index_scorer, mse_class_index, -1),
    (neg_mae_class_index_scorer, mae_class_index, -1),
    (qwk_scorer, quadratic_weighted_kappa, 1),
    (off_by_one_accuracy_scorer, off_by_one_accuracy, 1),
    (neg_amae_scorer, amae, -1),
]


@ignore_order_warning
@pytest.mark.parametrize("model_name", ["plain", "pipeline"])
@pytest.mark.parametrize(("scorer", "metric", "sign"), SCORER_CASES)
def test_predict_scorers_equal_signed_metric(
    ordinal_data, fitted_models, model_name, scorer, metric, sign
):
    X, y, ordered = ordinal_data
    model = fitted_models[model_name]
    # Independent mapping through the known ordinal order.
    position = {label: i for i, label in enumerate(ordered)}
    true_idx = np.array([position[v] for v in y])
    pred_idx = np.array([position[v] for v in model.predict(X)])
    assert scorer(model, X, y) == pytest.approx(sign * metric(true_idx, pred_idx))


@ignore_order_warning
@pytest.mark.parametrize("model_name", ["plain", "pipeline"])
def test_neg_mse_scorer_against_sklearn_mse(ordinal_data, fitted_models, model_name):
    X, y, ordered = ordinal_data
    model = fitted_models[model_name]
    position = {label: i for i, label in enumerate(ordered)}
    y_pred = model.predict(X)
    expected = mean_squared_error([position[v] for v in y], [position[v] for v in y_pred])
    assert neg_mse_class_index_scorer(model, X, y) == pytest.approx(-expected)
    assert expected > 0  # a real, non-trivial check: the model is not perfect


@ignore_order_warning
@pytest.mark.parametrize("model_name", ["plain", "pipeline"])
def test_neg_rps_scorer(ordinal_data, fitted_models, model_name):
    X, y, ordered = ordinal_data
    model = fitted_models[model_name]
    position = {label: i for i, label in enumerate(ordered)}
    expected = rps_loop([position[v] for v in y], model.predict_proba(X).tolist())
    assert neg_rps_scorer(model, X, y) == pytest.approx(-expected)


@ignore_order_warning
def test_scorer_follows_estimator_classes_order(ordinal_data, fitted_models):
    X, y, _ = ordinal_data
    model = fitted_models["plain"]

    class Reordered:
        """Same predictions, but claims a different ordinal order."""

        classes_ = np.array(["a_low", "b_mid", "c_high"], dtype=object)
        ordinal_classes_ = np.array(["b_mid", "a_low", "c_high"], dtype=object)

        def predict(self, X):
            return model.predict(X)

    expected = mse_class_index(y, model.predict(X), classes=Reordered.ordinal_classes_)
    assert neg_mse_class_index_scorer(Reordered(), X, y) == pytest.approx(-expected)
    assert expected != pytest.approx(-neg_mse_class_index_scorer(model, X, y))


@ignore_order_warning
def test_scorer_unknown_label_in_y_true(ordinal_data, fitted_models):
    X, y, _ = ordinal_data
    y_bad = y.copy()
    y_bad[:2] = "z_unseen"
    with pytest.raises(ValueError, match=r"y_true contains labels not in classes: \['z_unseen'\]"):
        neg_mse_class_index_scorer(fitted_models["pipeline"], X, y_bad)


def test_scorer_requires_classes():
    class NoClasses:
        def predict(self, X):
            return np.zeros(len(X), dtype=int)

    with pytest.raises(AttributeError, match="has no classes_"):
        qwk_scorer(NoClasses(), np.zeros((2, 1)), [0, 0])


def test_qwk_scorer_passes_n_classes():
    seen = {}

    def spy_metric(y_true, y_pred, n_classes=None):
        seen["n_classes"] = n_classes
        return 0.0

    class Fixed:
        classes_ = np.array([10, 20, 30, 40])

        def predict(self, X):
            return np.full(len(X), 10)

    X, y = np.zeros((3, 1)), [10, 10, 20]
    make_class_index_scorer(spy_metric, pass_n_classes=True)(Fixed(), X, y)
    assert seen["n_classes"] == 4
    # K only widens the matrix here, but the scorer must still agree with the metric.
    assert qwk_scorer(Fixed(), X, y) == quadratic_weighted_kappa([0, 0, 1], [0, 0, 0], n_classes=4)


@ignore_order_warning
def test_proba_scorer_checks_column_count():
    class BadProba:
        classes_ = np.array(["a", "b", "c"])

        def predict_proba(self, X):
            return np.full((len(X), 2), 0.5)

    with pytest.raises(ValueError, match=r"expected \(n_samples, 3\)"):
        neg_rps_scorer(BadProba(), np.zeros((2, 1)), ["a", "b"])


def test_make_class_index_scorer_and_repr():
    scorer = make_class_index_scorer(amae, greater_is_better=False)
    assert isinstance(scorer, ClassIndexScorer)
    assert repr(scorer) == (
        "ClassIndexScorer(amae, greater_is_better=False, response_method='predict')"
    )
    assert "response_method='predict_proba'" in repr(neg_rps_scorer)
    assert "pass_n_classes=True" in repr(qwk_scorer)
    with pytest.raises(ValueError, match="response_method must be one of"):
        make_class_index_scorer(amae, response_method="decision_function")
    with pytest.raises(TypeError, match="callable"):
        make_class_index_scorer("amae")


@pytest.mark.parametrize(
    "scorer",
    [
        neg_mse_class_index_scorer,
        neg_mae_class_index_scorer,
        qwk_scorer,
        off_by_one_accuracy_scorer,
        neg_amae_scorer,
        neg_rps_scorer,
    ],
)
@ignore_order_warning
def test_scorers_pickle_round_trip(ordinal_data, fitted_models, scorer):
    X, y, _ = ordinal_data
    restored = pickle.loads(pickle.dumps(scorer))
    assert repr(restored) == repr(scorer)
    model = fitted_models["pipeline"]
    assert restored(model, X, y) == scorer(model, X, y)


@ignore_order_warning
def test_scorers_in_cross_val_score(ordinal_data):
    X, y, ordered = ordinal_data
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    cv = KFold(n_splits=3, shuffle=True, random_state=0)
    scores = cross_val_score(model, X, y, cv=cv, scoring=neg_mse_class_index_scorer)
    # Recompute each fold by hand.
    position = {label: i for i, label in enumerate(ordered)}
    expected = []
    for train, test in cv.split(X):
        pred = model.fit(X[train], y[train]).predict(X[test])
        expected.append(
            -mean_squared_error([position[v] for v in y[test]], [position[v] for v in pred])
        )
    np.testing.assert_allclose(scores, expected)
    assert np.all(scores <= 0)


@ignore_order_warning
def test_scorers_in_grid_search_with_loky(ordinal_data):
    X, y, _ = ordinal_data
    search = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)),
        {"logisticregression__C": [0.01, 1.0]},
        scoring={"mse": neg_mse_class_index_scorer, "qwk": qwk_scorer, "rps": neg_rps_scorer},
        refit="mse",
        cv=3,
        n_jobs=2,
    )
    search.fit(X, y)
    results = search.cv_results_
    best = search.best_index_
    assert best == int(np.argmax(results["mean_test_mse"]))
    assert np.all(results["mean_test_mse"] <= 0)
    assert np.all(results["mean_test_rps"] <= 0)
    assert np.all(np.isfinite(results["mean_test_qwk"]))
    assert search.best_score_ == pytest.approx(results["mean_test_mse"][best])


def test_all_exports_exist():
    for name in metrics.__all__:
        assert hasattr(metrics, name), name


# --------------------------------------------------------------------------- #
# sample_weight: an integer weight counts a sample that many times
# --------------------------------------------------------------------------- #
def _weighted_case(seed, k, n=40):
    y_true, y_pred = random_case(seed, k, n)
    weights = np.random.default_rng(seed + 100).integers(0, 4, size=n)
    weights[0] = 1  # a positive total
    return y_true, y_pred, weights


@pytest.mark.parametrize("metric", INDEX_METRICS)
@pytest.mark.parametrize(("seed", "k"), SEEDS_AND_K)
def test_integer_weights_equal_repeated_rows(metric, seed, k):
    y_true, y_pred, weights = _weighted_case(seed, k)
    kwargs = {"n_classes": k} if metric is quadratic_weighted_kappa else {}
    repeated = metric(np.repeat(y_true, weights), np.repeat(y_pred, weights), **kwargs)
    assert metric(y_true, y_pred, sample_weight=weights, **kwargs) == pytest.approx(
        repeated, abs=1e-12
    )
    assert metric(y_true, y_pred, sample_weight=np.ones(len(y_true)), **kwargs) == (
        pytest.approx(metric(y_true, y_pred, **kwargs), abs=1e-12)
    )


@pytest.mark.parametrize(("seed", "k"), SEEDS_AND_K)
def test_weighted_rps_equals_repeated_rows(seed, k):
    y_true, _, weights = _weighted_case(seed, k)
    proba = np.random.default_rng(seed).dirichlet(np.ones(k), size=len(y_true))
    weighted = ranked_probability_score(y_true, proba, sample_weight=weights)
    repeated = rps_loop(np.repeat(y_true, weights), np.repeat(proba, weights, axis=0))
    assert weighted == pytest.approx(repeated, abs=1e-12)


def test_weighted_metrics_hand_worked():
    y_true, y_pred, w = [0, 1, 2], [0, 2, 0], [1.0, 2.0, 0.5]
    assert mse_class_index(y_true, y_pred, sample_weight=w) == pytest.approx((2 + 2) / 3.5)
    assert mae_class_index(y_true, y_pred, sample_weight=w) == pytest.approx((2 + 1) / 3.5)
    assert off_by_one_accuracy(y_true, y_pred, sample_weight=w) == pytest.approx(3 / 3.5)
    # per class: 0 -> 0, 1 -> 1, 2 -> 2; a class of weight 0 is absent
    assert amae(y_true, y_pred, sample_weight=w) == pytest.approx(1.0)
    assert amae(y_true, y_pred, sample_weight=[1.0, 0.0, 1.0]) == pytest.approx(1.0)
    assert amae(y_true, y_pred, sample_weight=[1.0, 1.0, 0.0]) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1.0, -1.0, 1.0], "non-negative"),
        ([1.0, np.nan, 1.0], "finite"),
        ([1.0, 1.0], "2 entries for 3 samples"),
        ([0.0, 0.0, 0.0], "sums to 0"),
        ([[1.0, 1.0, 1.0]], "1-D"),
        (["a", "b", "c"], "numbers"),
    ],
)
@pytest.mark.parametrize("metric", INDEX_METRICS)
def test_bad_sample_weight_raises(metric, weights, message):
    with pytest.raises(ValueError, match=message):
        metric([0, 1, 2], [0, 1, 1], sample_weight=weights)


@ignore_order_warning
@pytest.mark.parametrize(
    "scorer", [neg_mse_class_index_scorer, qwk_scorer, neg_amae_scorer, neg_rps_scorer]
)
def test_scorers_pass_sample_weight(ordinal_data, fitted_models, scorer):
    X, y, _ = ordinal_data
    model = fitted_models["pipeline"]
    weights = np.random.default_rng(0).integers(0, 3, size=len(y))
    weights[0] = 1
    rows = np.repeat(np.arange(len(y)), weights)
    weighted = scorer(model, X, y, sample_weight=weights)
    assert weighted == pytest.approx(scorer(model, X[rows], y[rows]), abs=1e-12)
    assert weighted != pytest.approx(scorer(model, X, y), abs=1e-9)


# --------------------------------------------------------------------------- #
# Metadata routing of the scorers
# --------------------------------------------------------------------------- #
def test_class_index_scorer_requests_sample_weight_only_when_asked():
    scorer = make_class_index_scorer(mse_class_index, greater_is_better=False)
    with pytest.raises(RuntimeError, match="metadata routing"):
        scorer.set_score_request(sample_weight=True)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 0] > 1).astype(int)
    weights = np.where(y == 0, 4.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        assert not scorer.get_metadata_routing().consumes("score", ["sample_weight"])
        scorer.set_score_request(sample_weight=True)
        assert scorer.get_metadata_routing().consumes("score", ["sample_weight"])
        restored = pickle.loads(pickle.dumps(scorer))
        assert restored.get_metadata_routing().consumes("score", ["sample_weight"])
        clf = LogisticRegression().set_fit_request(sample_weight=False)
        routed = cross_validate(clf, X, y, cv=3, scoring=scorer, params={"sample_weight": weights})
    folds = [test for _, test in StratifiedKFold(3).split(X, y)]
    fitted = [LogisticRegression().fit(np.delete(X, t, 0), np.delete(y, t)) for t in folds]
    expected = [
        -mse_class_index(y[t], f.predict(X[t]), sample_weight=weights[t])
        for f, t in zip(fitted, folds, strict=True)
    ]
    np.testing.assert_allclose(routed["test_score"], expected)
