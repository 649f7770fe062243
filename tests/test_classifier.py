"""OrdinalKLClassifier: labels, inputs, parameters, reproducibility, persistence."""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from torch import nn

from sk_ordinal_kl import ClassOrderWarning, GaussianKLCrossEntropy, OrdinalKLClassifier
from sk_ordinal_kl.decision import predict_index
from sk_ordinal_kl.metrics import mse_class_index, neg_mse_class_index_scorer
from sk_ordinal_kl.targets import gaussian_targets

FAST = {"max_epochs": 15, "random_state": 0}


def _fit(X, y, **params):
    return OrdinalKLClassifier(**{**FAST, **params}).fit(X, y)


# ----------------------------------------------------------------- basics
def test_learns_an_ordinal_problem(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, max_epochs=60)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 4)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    assert (proba >= 0).all()
    assert mse_class_index(y, clf.predict(X)) < 0.5  # majority-class guess scores 1.5


def test_default_trains_on_all_rows_without_validation(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, max_epochs=2)
    assert "valid_loss" not in clf.history[-1]
    assert sum(clf.history[-1, "batches", :, "train_batch_size"]) == len(X)


def test_early_stopping_holds_out_a_stratified_fraction(ordinal_data):
    X, y = ordinal_data
    clf = _fit(
        X, y, early_stopping=True, validation_fraction=0.25, max_epochs=300, n_iter_no_change=3
    )
    assert sum(clf.history[-1, "batches", :, "train_batch_size"]) == 180
    assert "valid_loss" in clf.history[-1]
    assert len(clf.history) < 300


def test_prediction_rules_apply_to_predict_proba(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, max_epochs=5, alpha=0.5)
    proba = clf.predict_proba(X)
    for rule in ("argmax", "median", "mean"):
        clf.set_params(prediction=rule)
        expected = clf.ordinal_classes_[predict_index(clf.predict_proba_ordinal(X), rule)]
        np.testing.assert_array_equal(clf.predict(X), expected)
        np.testing.assert_array_equal(proba, clf.predict_proba_ordinal(X))  # sorted ints


# ---------------------------------------------------------------- labels
def test_explicit_string_classes_round_trip(ordinal_data):
    X, y_index = ordinal_data
    order = np.array(["low", "mid", "high", "top"])
    y = order[y_index]
    clf = _fit(X, y, classes=list(order), max_epochs=40)
    np.testing.assert_array_equal(clf.ordinal_classes_, order)  # given order, not sorted
    np.testing.assert_array_equal(clf.classes_, np.sort(order))  # what scikit-learn expects
    pred = clf.predict(X)
    assert set(pred) <= set(order)
    assert 0.0 <= clf.score(X, y) <= 1.0
    mse = mse_class_index(y, pred, classes=clf.ordinal_classes_)
    assert neg_mse_class_index_scorer(clf, X, y) == pytest.approx(-mse)
    assert mse < 0.6


def test_three_string_classes_in_a_pipeline(ordinal_data):
    X, y_index = ordinal_data
    y = np.array(["low", "mid", "high"])[np.minimum(y_index, 2)]
    pipe = make_pipeline(
        StandardScaler(), OrdinalKLClassifier(classes=["low", "mid", "high"], **FAST)
    ).fit(X, y)
    assert list(pipe.classes_) == ["high", "low", "mid"]
    assert list(pipe[-1].ordinal_classes_) == ["low", "mid", "high"]
    assert set(pipe.predict(X)) <= {"low", "mid", "high"}
    assert np.isfinite(neg_mse_class_index_scorer(pipe, X, y))


@pytest.mark.parametrize("wrap", [pd.Series, pd.Categorical], ids=["series", "categorical"])
def test_ordered_categorical_sets_the_order(ordinal_data, wrap):
    X, y_index = ordinal_data
    order = ["poor", "fair", "good", "excellent"]  # not alphabetical
    y = wrap(pd.Categorical.from_codes(y_index, categories=order, ordered=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        clf = _fit(X, y)
    assert list(clf.ordinal_classes_) == order
    assert list(clf.classes_) == sorted(order)
    assert set(clf.predict(X)) <= set(order)
    assert np.isfinite(neg_mse_class_index_scorer(clf, X, y))


def test_unordered_strings_warn_and_name_the_order(ordinal_data):
    X, y_index = ordinal_data
    y = np.array(["b_low", "a_mid", "d_high", "c_top"])[y_index]
    with pytest.warns(ClassOrderWarning, match=re.escape("['a_mid', 'b_low', 'c_top', 'd_high']")):
        clf = _fit(X, y, max_epochs=1)
    assert list(clf.classes_) == ["a_mid", "b_low", "c_top", "d_high"]


def test_integer_labels_do_not_warn(ordinal_data):
    X, y = ordinal_data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        _fit(X, y + 1, max_epochs=1)


def test_classes_carry_labels_absent_from_y(ordinal_data):
    X, y_index = ordinal_data
    ages = np.array([20, 21, 23, 24])[y_index]  # 22 never observed
    clf = _fit(X, ages, classes=[20, 21, 22, 23, 24], max_epochs=2)
    assert clf.predict_proba(X).shape[1] == 5
    assert clf.criterion_.num_classes == 5
    assert clf.module_.layers[-1].out_features == 5


def test_ordered_categorical_with_unused_category(ordinal_data):
    X, y_index = ordinal_data
    y = pd.Series(pd.Categorical.from_codes(y_index, categories=list("abcde"), ordered=True))
    assert list(_fit(X, y, max_epochs=1).classes_) == list("abcde")


# ------------------------------------------------------------------ inputs
def test_dataframe_input_records_feature_names(ordinal_data):
    X, y = ordinal_data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = _fit(frame, y, max_epochs=2)
    assert list(clf.feature_names_in_) == list(frame.columns)
    assert clf.n_features_in_ == 5
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        from_array = clf.predict_proba(X)
    np.testing.assert_allclose(clf.predict_proba(frame), from_array, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32])
def test_numeric_dtypes_and_lists(ordinal_data, dtype):
    X, y = ordinal_data
    X = (X * 10).astype(dtype)
    clf = _fit(X, y, max_epochs=1)
    assert clf.predict(X.tolist()).shape == (len(X),)


def test_predict_checks_feature_count(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, max_epochs=1)
    with pytest.raises(
        ValueError, match="X has 4 features, but OrdinalKLClassifier is expecting 5"
    ):
        clf.predict(X[:, :4])


def test_predict_before_fit_raises_not_fitted(ordinal_data):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        OrdinalKLClassifier().predict(ordinal_data[0])


# -------------------------------------------------------------- bad input
def _bad_inputs(X, y):
    X_nan, X_inf = X.copy(), X.copy()
    X_nan[3, 1], X_inf[0, 0] = np.nan, np.inf
    return {
        "nan": (X_nan, y, {}, ValueError, "Input X contains NaN"),
        "inf": (X_inf, y, {}, ValueError, "Input X contains infinity"),
        "3d": (
            X.reshape(len(X), 5, 1),
            y,
            {},
            ValueError,
            "default module \\(TabularMLP\\) takes 2-D X",
        ),
        "y2d": (X, np.c_[y, y], {}, ValueError, "y should be a 1d array"),
        "single_class": (X, np.zeros_like(y), {}, ValueError, "only 1 class"),
        "empty": (X[:0], y[:0], {}, ValueError, "0 sample"),
        "length": (X, y[:-3], {}, ValueError, "inconsistent numbers of samples"),
        "sigma0": (X, y, {"sigma": 0.0}, ValueError, "'sigma' parameter"),
        "sigma_neg": (X, y, {"sigma": -1}, ValueError, "'sigma' parameter"),
        "sigma_inf": (X, y, {"sigma": np.inf}, ValueError, "'sigma' parameter"),
        "alpha_neg": (X, y, {"alpha": -0.1}, ValueError, "'alpha' parameter"),
        "alpha_nan": (X, y, {"alpha": np.nan}, ValueError, "'alpha' parameter"),
        "alpha_str": (X, y, {"alpha": "1"}, TypeError, "'alpha' parameter"),
        "rule": (X, y, {"prediction": "mode"}, ValueError, "'prediction' parameter"),
        "strings_X": (np.full(X.shape, "a"), y, {}, ValueError, "could not convert string"),
        "nan_y": (
            X,
            np.where(y == 0, np.nan, y),
            {},
            ValueError,
            "y contains NaN or infinite labels at positions \\[2, 4",
        ),
        "continuous_y": (X, X[:, 0], {}, ValueError, "Unknown label type"),
        "unknown_label": (X, y + 1, {"classes": [1, 2, 3]}, ValueError, "4"),
        "dup_classes": (X, y, {"classes": [0, 1, 1, 2, 3]}, ValueError, "duplicates"),
        "bad_state": (X, y, {"random_state": "seed"}, ValueError, "random_state"),
        "bad_callbacks": (X, y, {"callbacks": 3}, TypeError, "'callbacks' parameter"),
    }


@pytest.mark.parametrize("case", list(_bad_inputs(np.zeros((4, 5)), np.arange(4))))
def test_bad_input_raises_before_training(ordinal_data, case):
    X, y = ordinal_data
    X_bad, y_bad, params, error, message = _bad_inputs(X, y)[case]
    clf = OrdinalKLClassifier(**{**FAST, **params})
    with pytest.raises(error, match=message):
        clf.fit(X_bad, y_bad)
    assert not clf.initialized_  # nothing was built or trained


def test_unknown_label_in_partial_fit_is_named(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, max_epochs=1)
    with pytest.raises(ValueError, match="7"):
        clf.partial_fit(X[:5], np.array([0, 1, 7, 2, 3]))


def test_predict_rejects_nan(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, max_epochs=1)
    X = X.copy()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.predict_proba(X)


# ---------------------------------------------------- parameters & state
def test_set_params_alpha_sigma_reach_the_criterion(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, alpha=1.0, sigma=1.0, max_epochs=1, warm_start=True)
    for step in ("fit", "partial_fit"):
        alpha, sigma = (0.25, 3.0) if step == "fit" else (4.0, 0.5)
        clf.set_params(alpha=alpha, sigma=sigma)
        getattr(clf, step)(X, y)
        expected = torch.eye(4) + alpha * gaussian_targets(4, sigma).float()
        assert clf.criterion_.alpha == alpha
        torch.testing.assert_close(clf.criterion_.target_weights, expected)


def test_warm_start_continues_training(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, max_epochs=3, warm_start=True)
    clf.fit(X, y)
    assert len(clf.history) == 6


def test_random_state_reproducible_and_leaves_global_rng_alone(ordinal_data):
    X, y = ordinal_data
    torch.manual_seed(123)
    state = torch.get_rng_state()
    first = _fit(X, y, random_state=7).predict_proba(X)
    assert torch.equal(torch.get_rng_state(), state)
    np.testing.assert_array_equal(first, _fit(X, y, random_state=7).predict_proba(X))
    assert not np.allclose(first, _fit(X, y, random_state=8).predict_proba(X))


def test_grid_search_parallel_is_reproducible(ordinal_data):
    X, y = ordinal_data
    pipe = make_pipeline(StandardScaler(), OrdinalKLClassifier(max_epochs=5, random_state=0))
    grid = {"ordinalklclassifier__alpha": [0.0, 1.0], "ordinalklclassifier__sigma": [0.5, 2.0]}

    def run(n_jobs):
        search = GridSearchCV(pipe, grid, scoring=neg_mse_class_index_scorer, cv=3, n_jobs=n_jobs)
        return search.fit(X, y).cv_results_["mean_test_score"]

    np.testing.assert_array_equal(run(2), run(1))


def test_cross_val_score_with_mse_scorer(ordinal_data):
    X, y = ordinal_data
    scores = cross_val_score(
        _fit(X, y, max_epochs=1), X, y, cv=3, scoring=neg_mse_class_index_scorer
    )
    assert scores.shape == (3,)
    assert (scores <= 0).all()


def test_clone_keeps_parameters_and_drops_state(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, alpha=0.3, sigma=2.0, prediction="median", module__hidden_units=(8,))
    copy = clone(clf)
    assert copy.get_params()["alpha"] == 0.3
    assert copy.get_params()["module__hidden_units"] == (8,)
    assert not copy.initialized_
    assert copy.fit(X, y).module_.layers[0].out_features == 8


def test_pickle_round_trip_gives_identical_proba(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, classes=[0, 1, 2, 3])
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(restored.classes_, clf.classes_)


def test_compile_true_trains_and_set_params_reaches_the_compiled_criterion(ordinal_data):
    """skorch's compile=True wraps module_ and criterion_; dynamo's eager backend keeps
    the test fast and compiler-free (benchmarks/bench_compile.py times inductor)."""
    X, y = ordinal_data
    plain = _fit(X, y, max_epochs=3, random_state=0)
    compiled = _fit(X, y, max_epochs=3, random_state=0, compile=True, compile__backend="eager")
    assert type(compiled.criterion_).__name__ == "OptimizedModule"
    np.testing.assert_allclose(compiled.predict_proba(X), plain.predict_proba(X), atol=1e-6)
    compiled.set_params(sigma=3.0)
    compiled.partial_fit(X, y)
    assert compiled.criterion_.current_sigma == 3.0


# -------------------------------------------------------- custom modules
class _Linear(nn.Module):
    def __init__(self, in_features, num_classes, scale=1.0):
        super().__init__()
        self.linear = nn.Linear(in_features, num_classes)
        self.scale = scale

    def forward(self, X):
        return self.scale * self.linear(X)


class _ModeRecorder(nn.Module):
    """Records, at every forward, whether it and its child are in training mode."""

    def __init__(self, in_features, num_classes):
        super().__init__()
        self.linear = nn.Linear(in_features, num_classes)
        self.modes = []

    def forward(self, X):
        self.modes.append((self.training, self.linear.training))
        return self.linear(X)


def test_every_training_batch_runs_in_train_mode_and_predict_in_eval_mode(ordinal_data):
    """skorch sets the mode before every batch; ours skips it only when nothing changes."""
    from skorch.callbacks import Callback

    class EvalChildAfterEachBatch(Callback):
        def on_batch_end(self, net, **kwargs):
            net.module_.linear.eval()  # a stray eval() must not leak into the next batch

    X, y = ordinal_data
    clf = _fit(X, y, module=_ModeRecorder, callbacks=[EvalChildAfterEachBatch()])
    assert clf.module_.modes and all(mode == (True, True) for mode in clf.module_.modes)
    clf.module_.modes.clear()
    clf.predict_proba(X)
    assert clf.module_.modes and all(mode == (False, False) for mode in clf.module_.modes)


def test_custom_module_class_gets_sizes_from_data(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, module=_Linear, module__scale=2.0)
    assert clf.module_.linear.in_features == 5
    assert clf.module_.linear.out_features == 4
    assert clf.module_.scale == 2.0


def test_module_and_criterion_instances_are_used_as_given(ordinal_data):
    X, y = ordinal_data
    criterion = GaussianKLCrossEntropy(alpha=0.0, sigma=1.0, num_classes=4)
    clf = _fit(X, y, module=_Linear(5, 4), criterion=criterion, alpha=5.0)
    assert clf.criterion_ is criterion
    assert clf.criterion_.alpha == 0.0
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0, atol=1e-12)


def test_alpha_zero_trains_like_plain_cross_entropy(ordinal_data):
    X, y = ordinal_data
    ours = _fit(X, y, alpha=0.0).predict_proba(X)
    ce = _fit(X, y, criterion=nn.CrossEntropyLoss).predict_proba(X)
    np.testing.assert_allclose(ours, ce, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------- the contract
def test_repr_shows_changed_parameters_only():
    from sklearn.utils import estimator_html_repr

    clf = OrdinalKLClassifier(alpha=2, sigma=0.5, max_epochs=30)
    assert repr(clf) == "OrdinalKLClassifier(alpha=2, max_epochs=30, sigma=0.5)"
    assert repr(OrdinalKLClassifier()) == "OrdinalKLClassifier()"
    pipe = make_pipeline(StandardScaler(), OrdinalKLClassifier(module__hidden_units=(8,)))
    assert "OrdinalKLClassifier(module__hidden_units=(8,))" in repr(pipe)
    html = estimator_html_repr(pipe)
    assert "OrdinalKLClassifier" in html and "uninitialized" not in html


@pytest.mark.parametrize(
    "params, name",
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": -2}, "batch_size"),
        ({"max_epochs": -1}, "max_epochs"),
        ({"max_epochs": 2.5}, "max_epochs"),
        ({"lr": -1e-3}, "lr"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
        ({"n_iter_no_change": 0}, "n_iter_no_change"),
        ({"early_stopping": "yes"}, "early_stopping"),
        ({"warm_start": 1}, "warm_start"),
        ({"class_weight": "auto"}, "class_weight"),
        ({"device": 3}, "device"),
        ({"optimizer": "adam"}, "optimizer"),
        ({"predict_nonlinearity": "softmax"}, "predict_nonlinearity"),
        ({"verbose": "loud"}, "verbose"),
        ({"use_caching": "sometimes"}, "use_caching"),
    ],
)
def test_invalid_parameters_name_themselves_before_training(ordinal_data, params, name):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(**{**FAST, **params})
    with pytest.raises(ValueError, match=f"'{name}' parameter of OrdinalKLClassifier"):
        clf.fit(X, y)
    assert not clf.initialized_


def test_batch_size_minus_one_is_the_whole_set(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, batch_size=-1, max_epochs=2)
    assert clf.history[-1, "batches", :, "train_batch_size"] == [len(X)]


def test_score_rejects_labels_the_model_does_not_know(ordinal_data):
    X, y = ordinal_data
    clf = _fit(np.asarray(X), np.array(list("abcd"))[y], classes=list("abcd"), max_epochs=1)
    with pytest.raises(ValueError, match=r"labels not in classes: \['e'\]"):
        clf.score(X[:3], ["a", "e", "b"])


@pytest.mark.parametrize(
    "y, message",
    [
        ([0, 1, None, 2], r"missing labels \(None or NaN\) at positions \[2\]"),
        ([0.0, 1.0, np.nan, 2.0], r"missing labels \(None or NaN\) at positions \[2\]"),
        (np.array([0.0, 1.0, np.inf, 2.0]), r"NaN or infinite labels at positions \[2\]"),
        (["a", "b", None, "a"], r"missing labels \(None or NaN\) at positions \[2\]"),
        (pd.Series([1, 2, pd.NA, 1], dtype="Int64"), r"missing labels .* \[2\]"),
        ([1, "a", 2, "b"], r"mixes kinds of labels \(number, string\)"),
        (None, "y is None"),
    ],
    ids=["none", "nan", "inf", "none_in_strings", "pd_na", "mixed", "y_none"],
)
def test_missing_and_mixed_labels_raise(y, message):
    X = np.zeros((4, 2))
    clf = OrdinalKLClassifier(**FAST)
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)
    assert not clf.initialized_


def test_error_messages_show_labels_not_indices(ordinal_data):
    X, y = ordinal_data
    strings = np.array(list("abcd"))
    clf = OrdinalKLClassifier(classes=list("abcd"), **FAST)
    with pytest.raises(ValueError, match=r"only 1 class \(\['c'\]\)"):
        clf.fit(X, np.full(len(X), "c"))
    clf = _fit(X, y + 1, max_epochs=1)
    with pytest.raises(
        ValueError, match=r"labels not in classes: \[9\]; known classes are \[1, 2"
    ):
        clf.partial_fit(X[:2], np.array([1, 9]))
    assert "np.int64" not in repr(strings)  # sanity of the fixture


@pytest.mark.parametrize(
    "y, expected_dtype_kind",
    [
        (pd.Series([0, 1, 2, 3] * 60, dtype="Int64"), "i"),
        (pd.Series(["a", "b", "c", "d"] * 60, dtype="string"), "O"),
        (pd.Series([0, 1, 2, 3] * 60, dtype="int64"), "i"),
    ],
    ids=["Int64", "string", "int64"],
)
def test_nullable_pandas_dtypes_give_natural_classes(ordinal_data, y, expected_dtype_kind):
    X, _ = ordinal_data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClassOrderWarning)
        clf = _fit(X, y, max_epochs=1)
    assert clf.classes_.dtype.kind == expected_dtype_kind
    assert clf.predict(X).dtype.kind == expected_dtype_kind
    assert list(clf.classes_) == sorted(set(y.tolist()))


def test_string_labels_predict_one_dtype_however_they_come(ordinal_data):
    """The same labels as a list in ``classes``, a unicode array, an object array or an
    ordered Categorical: ``classes_`` and ``predict`` have one dtype (object), as the
    docstring's ``classes_`` entry says, and the same values."""
    X, y = ordinal_data
    order = ["low", "mid", "high", "top"]
    as_unicode = np.array(order)[y]  # dtype <U4
    fits = {
        "list": _fit(X, as_unicode, classes=order, max_epochs=1),
        "unicode array": _fit(X, as_unicode, classes=np.array(order), max_epochs=1),
        "object y": _fit(X, as_unicode.astype(object), classes=order, max_epochs=1),
        "categorical": _fit(
            X, pd.Categorical(as_unicode, categories=order, ordered=True), max_epochs=1
        ),
        "series": _fit(
            X,
            pd.Series(pd.Categorical(as_unicode, categories=order, ordered=True)),
            max_epochs=1,
        ),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClassOrderWarning)
        fits["no order"] = _fit(X, as_unicode, max_epochs=1)
    reference = fits["list"].predict(X)
    for name, clf in fits.items():
        predicted = clf.predict(X)
        assert clf.classes_.dtype == object, name
        assert clf.ordinal_classes_.dtype == object, name
        assert predicted.dtype == object, name
        assert all(type(label) is str for label in predicted), name
        if name != "no order":  # another order trains another network
            np.testing.assert_array_equal(predicted, reference)


def test_partial_fit_with_random_state_is_reproducible(ordinal_data):
    X, y = ordinal_data

    def run():
        clf = OrdinalKLClassifier(max_epochs=2, random_state=3, module__dropout=0.2)
        clf.partial_fit(X[:120], y[:120], classes=[0, 1, 2, 3])
        clf.partial_fit(X[120:], y[120:])
        clf.partial_fit(X, y)
        return clf.predict_proba(X)

    first = run()
    np.testing.assert_array_equal(first, run())
    other = OrdinalKLClassifier(max_epochs=2, random_state=4, module__dropout=0.2)
    other.partial_fit(X, y, classes=[0, 1, 2, 3])
    assert not np.allclose(first, other.predict_proba(X))


def test_save_params_and_load_into_a_new_estimator(ordinal_data, tmp_path):
    X, y = ordinal_data
    order = ["poor", "fair", "good", "top"]
    labels = np.array(order, dtype=object)[y]
    params = {"alpha": 0.5, "sigma": 2.0, "module__hidden_units": (16,)}
    clf = OrdinalKLClassifier(classes=order, **params, **FAST).fit(X, labels)
    clf.save_params(f_params=tmp_path / "params.pt")
    new = OrdinalKLClassifier(classes=order, module__in_features=5, **params, **FAST)
    new.initialize()
    new.load_params(f_params=tmp_path / "params.pt")
    np.testing.assert_array_equal(new.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(new.predict(X), clf.predict(X))
    assert list(new.classes_) == sorted(order)


def test_checkpoint_and_load_init_state_resume_training(ordinal_data, tmp_path):
    from skorch.callbacks import Checkpoint, LoadInitState

    X, y = ordinal_data
    checkpoint = Checkpoint(monitor=None, dirname=str(tmp_path))
    first = _fit(X, y, max_epochs=3, callbacks=[checkpoint])
    resumed = OrdinalKLClassifier(
        max_epochs=2,
        random_state=0,
        callbacks=[Checkpoint(monitor=None, dirname=str(tmp_path)), LoadInitState(checkpoint)],
    ).fit(X, y)
    assert len(resumed.history) == 5  # 3 restored epochs + 2 new ones
    assert resumed.history[2, "train_loss"] == pytest.approx(first.history[-1, "train_loss"])


def test_num_threads_applies_during_fit_and_is_restored(ordinal_data):
    from skorch.callbacks import Callback

    class RecordThreads(Callback):
        def on_epoch_end(self, net, **kwargs):
            net.seen_threads_ = torch.get_num_threads()

    X, y = ordinal_data
    before = torch.get_num_threads()  # 1 under the test fixture
    torch.set_num_threads(2)
    try:
        auto = _fit(X, y, max_epochs=1, callbacks=[RecordThreads()])
        assert auto.seen_threads_ == 1  # the default MLP trains on one thread
        assert torch.get_num_threads() == 2  # and the caller's setting is restored
        custom = _fit(X, y, max_epochs=1, module=_Linear, callbacks=[RecordThreads()])
        assert custom.seen_threads_ == 2  # other modules keep torch's setting
        fixed = _fit(X, y, max_epochs=1, num_threads=2, callbacks=[RecordThreads()])
        assert fixed.seen_threads_ == 2
    finally:
        torch.set_num_threads(before)


def test_warm_start_refuses_changed_classes(ordinal_data):
    X, y = ordinal_data
    clf = _fit(X, y, max_epochs=1, warm_start=True)
    clf.set_params(classes=[3, 2, 1, 0])
    with pytest.raises(ValueError, match="warm-start fit or partial_fit keeps the classes"):
        clf.fit(X, y)


def test_default_module_with_a_dataset_says_what_it_needs(ordinal_data):
    from torch.utils.data import TensorDataset

    X, y = ordinal_data
    dataset = TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))
    with pytest.raises(ValueError, match="pass module__in_features"):
        _fit(dataset, None)
    clf = _fit(dataset, None, module__in_features=5, max_epochs=2)
    assert clf.predict_proba(dataset).shape == (len(X), 4)


def test_adam_family_is_fused_unless_the_user_chooses(ordinal_data):
    X, y = ordinal_data
    net = OrdinalKLClassifier(max_epochs=1).fit(X, y)
    assert net.optimizer_.defaults["fused"] is True
    net = OrdinalKLClassifier(max_epochs=1, optimizer__foreach=True).fit(X, y)
    assert not net.optimizer_.defaults["fused"]
    assert net.optimizer_.defaults["foreach"] is True
    net = OrdinalKLClassifier(max_epochs=1, optimizer__fused=False).fit(X, y)
    assert net.optimizer_.defaults["fused"] is False
    net = OrdinalKLClassifier(max_epochs=1, optimizer=torch.optim.SGD).fit(X, y)
    assert not net.optimizer_.defaults.get("fused")


def test_plain_loop_matches_skorch_loop(ordinal_data):
    # A callback with a batch hook sends training through skorch's own loop: the same
    # seed gives the same per-batch losses and weights as the plain loop.
    from skorch.callbacks import Callback

    class BatchHook(Callback):
        def on_batch_end(self, net, **kwargs):
            pass

    X, y = ordinal_data
    params = {"max_epochs": 3, "batch_size": 32, "random_state": 0, "module__dropout": 0.2}
    plain = OrdinalKLClassifier(**params).fit(X, y)
    skorch_loop = OrdinalKLClassifier(callbacks=[BatchHook()], **params).fit(X, y)
    assert plain._plain_training_step(plain.train_step)
    assert not skorch_loop._plain_training_step(skorch_loop.train_step)
    for key in ("train_loss", "train_batch_size"):
        np.testing.assert_allclose(
            plain.history[:, "batches", :, key], skorch_loop.history[:, "batches", :, key]
        )
    np.testing.assert_array_equal(
        plain.history[:, "train_batch_count"], skorch_loop.history[:, "train_batch_count"]
    )
    np.testing.assert_allclose(
        plain.history[:, "train_loss"], skorch_loop.history[:, "train_loss"]
    )
    for a, b in zip(plain.module_.parameters(), skorch_loop.module_.parameters(), strict=True):
        torch.testing.assert_close(a, b)
