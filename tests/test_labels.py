"""Probability consumers are right whatever the ordinal order of the labels.

The same data is labelled three ways: integers 0 < 1 < 2 (ordinal order = sorted order),
strings "low" < "medium" < "high" (sorted order differs) and integers 3 < 2 < 1 (reversed).
Every labelling has the same ordinal index per sample, so a seeded model trains the same
network on each; every scikit-learn consumer and every ordinal scorer must then give the
same value on all three.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn import __version__ as _sklearn_version
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import cross_val_predict, train_test_split
from sklearn.model_selection._validation import _fit_and_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.fixes import parse_version

from sk_ordinal_kl import ClassOrderWarning, OrdinalKLClassifier, OrdinalKLClassifierCV
from sk_ordinal_kl.conformal import OrdinalConformalClassifier
from sk_ordinal_kl.decision import TunedOrdinalDecisionCV
from sk_ordinal_kl.labels import (
    LABEL_ENCODED_MESSAGE,
    OrdinalEncoding,
    ordinal_classes_of,
    predict_proba_ordinal,
    sorted_codes,
)
from sk_ordinal_kl.metrics import (
    neg_amae_scorer,
    neg_mae_class_index_scorer,
    neg_mse_class_index_scorer,
    neg_rps_scorer,
    qwk_scorer,
)

sklearn_version = parse_version(_sklearn_version)
ORDERS = {
    "sorted_ints": [0, 1, 2],
    "strings": ["low", "medium", "high"],
    "reversed_ints": [3, 2, 1],
}
SKLEARN_SCORERS = [
    "roc_auc_ovr",
    "roc_auc_ovo",
    "neg_log_loss",
    "accuracy",
    "balanced_accuracy",
]
if sklearn_version >= parse_version("1.7"):  # multiclass Brier score appeared in 1.7
    SKLEARN_SCORERS.append("neg_brier_score")
OUR_SCORERS = {
    "neg_mse_class_index": neg_mse_class_index_scorer,
    "neg_mae_class_index": neg_mae_class_index_scorer,
    "neg_amae": neg_amae_scorer,
    "qwk": qwk_scorer,
    "neg_rps": neg_rps_scorer,
}
PARAMS = {"max_epochs": 20, "random_state": 0, "prediction": "median"}


@pytest.fixture(scope="module")
def three_class_split():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(450, 4))
    score = X @ np.array([1.2, -0.8, 0.5, 0.0]) + 0.6 * rng.normal(size=450)
    y = np.digitize(score, np.quantile(score, [0.33, 0.66]))
    return train_test_split(X, y, test_size=0.4, random_state=0, stratify=y)


def _labelled(index, order):
    return np.asarray(order, dtype=object if isinstance(order[0], str) else None)[index]


@pytest.fixture(scope="module")
def fitted(three_class_split):
    X_train, _, y_train, _ = three_class_split
    models = {}
    for name, order in ORDERS.items():
        clf = OrdinalKLClassifier(classes=order, **PARAMS)
        models[name] = clf.fit(X_train, _labelled(y_train, order))
    return models


def _score(scorer, model, X, y):
    return get_scorer(scorer)(model, X, y) if isinstance(scorer, str) else scorer(model, X, y)


def test_classes_are_sorted_and_ordinal_classes_keep_the_order(fitted):
    for name, order in ORDERS.items():
        assert list(fitted[name].ordinal_classes_) == order
        assert list(fitted[name].classes_) == sorted(order)


def test_same_network_whatever_the_labels(fitted, three_class_split):
    _, X_test, _, _ = three_class_split
    reference = fitted["sorted_ints"].predict_proba_ordinal(X_test)
    for name in ORDERS:
        np.testing.assert_array_equal(fitted[name].predict_proba_ordinal(X_test), reference)


def test_predict_proba_columns_follow_classes(fitted, three_class_split):
    _, X_test, _, _ = three_class_split
    for model in fitted.values():
        ordinal = model.predict_proba_ordinal(X_test)
        sorted_columns = model.predict_proba(X_test)
        for j, label in enumerate(model.classes_):
            k = list(model.ordinal_classes_).index(label)
            np.testing.assert_array_equal(sorted_columns[:, j], ordinal[:, k])


@pytest.mark.parametrize("labelling", ["strings", "reversed_ints"])
@pytest.mark.parametrize("scorer", SKLEARN_SCORERS + list(OUR_SCORERS))
def test_every_consumer_agrees_with_sorted_integer_labels(
    fitted, three_class_split, labelling, scorer
):
    _, X_test, _, y_test = three_class_split
    scorer = OUR_SCORERS.get(scorer, scorer)
    reference = _score(scorer, fitted["sorted_ints"], X_test, y_test)
    value = _score(scorer, fitted[labelling], X_test, _labelled(y_test, ORDERS[labelling]))
    assert value == pytest.approx(reference, abs=1e-6)


def test_sorted_and_ordinal_orders_are_not_confused(fitted, three_class_split):
    """A consumer fed ordinal columns under sorted labels would score far worse."""
    _, X_test, _, y_test = three_class_split
    model = fitted["strings"]
    y = _labelled(y_test, ORDERS["strings"])
    good = get_scorer("roc_auc_ovr")(model, X_test, y)
    from sklearn.metrics import roc_auc_score

    wrong = roc_auc_score(y, model.predict_proba_ordinal(X_test), multi_class="ovr")
    assert good > 0.8 and wrong < good - 0.2


def test_ordered_categorical_gives_the_same_scores(fitted, three_class_split):
    X_train, X_test, y_train, y_test = three_class_split
    order = ORDERS["strings"]
    as_categorical = pd.Categorical.from_codes(y_train, categories=order, ordered=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        model = OrdinalKLClassifier(**PARAMS).fit(X_train, as_categorical)
    assert list(model.ordinal_classes_) == order
    y = _labelled(y_test, order)
    for scorer in ("neg_log_loss", "roc_auc_ovr"):
        assert get_scorer(scorer)(model, X_test, y) == pytest.approx(
            get_scorer(scorer)(fitted["strings"], X_test, y), abs=1e-6
        )


def _calibration_methods():
    methods = ["sigmoid", "isotonic"]
    constraint = CalibratedClassifierCV._parameter_constraints["method"][0]
    if "temperature" in getattr(constraint, "options", ()):
        methods.append("temperature")
    return methods


@pytest.mark.parametrize("method", _calibration_methods())
def test_calibrated_classifier_is_as_accurate_whatever_the_labels(three_class_split, method):
    X_train, X_test, y_train, y_test = three_class_split
    accuracies = {}
    for name, order in ORDERS.items():
        # Temperature scaling reads integer labels as column indices: it needs the codes
        # 0..K-1 (it encodes string labels itself; other integers must be encoded first).
        encoded = method == "temperature" and order != [0, 1, 2]
        classes = sorted_codes(order) if encoded else order
        labels = sorted_codes(order) if method == "temperature" and name != "strings" else order
        calibrated = CalibratedClassifierCV(
            OrdinalKLClassifier(classes=classes, **PARAMS), method=method, cv=3
        )
        calibrated.fit(X_train, _labelled(y_train, labels))
        accuracies[name] = calibrated.score(X_test, _labelled(y_test, labels))
    assert accuracies["sorted_ints"] > 0.6
    for name in ("strings", "reversed_ints"):
        assert abs(accuracies[name] - accuracies["sorted_ints"]) <= 0.03, accuracies


@pytest.mark.skipif("temperature" not in _calibration_methods(), reason="no temperature")
def test_temperature_calibration_on_labels_other_than_codes_raises(three_class_split):
    """scikit-learn fits the temperature with integer labels as column indices: on labels
    1..3 it calibrates against shifted columns, so every number from it is wrong."""
    X_train, X_test, y_train, y_test = three_class_split
    calibrated = CalibratedClassifierCV(
        make_pipeline(StandardScaler(), LogisticRegression()), method="temperature", cv=3
    ).fit(X_train, y_train + 1)
    with pytest.raises(ValueError, match=r"temperature.*0\.\.K-1"):
        predict_proba_ordinal(calibrated, X_test)
    with pytest.raises(ValueError, match="column indices"):
        neg_rps_scorer(calibrated, X_test, y_test + 1)
    with pytest.raises(ValueError, match="column indices"):
        neg_mse_class_index_scorer(calibrated, X_test, y_test + 1)
    # The meta-estimators read probabilities the same way: they raise too.
    with pytest.raises(ValueError, match="column indices"):
        TunedOrdinalDecisionCV(calibrated, cv="prefit", refit=False).fit(X_test, y_test + 1)
    with pytest.raises(ValueError, match="column indices"):
        OrdinalConformalClassifier(calibrated, prefit=True).conformalize(X_test, y_test + 1)
    codes = CalibratedClassifierCV(LogisticRegression(), method="temperature", cv=3)
    proba = predict_proba_ordinal(codes.fit(X_train, y_train), X_test)
    np.testing.assert_allclose(proba, codes.predict_proba(X_test))
    tuned = TunedOrdinalDecisionCV(codes, cv="prefit", refit=False).fit(X_test, y_test)
    assert np.isfinite(tuned.best_score_)


@pytest.mark.parametrize("labelling", ["strings", "reversed_ints"])
def test_soft_voting_and_stacking_work_with_any_labels(three_class_split, labelling):
    """Both meta-estimators label-encode y before fitting; ``sorted_codes`` keeps the
    ordinal order in those codes."""
    X_train, X_test, y_train, y_test = three_class_split
    order = ORDERS[labelling]
    y_train_l, y_test_l = _labelled(y_train, order), _labelled(y_test, order)
    ours = make_pipeline(
        StandardScaler(), OrdinalKLClassifier(classes=sorted_codes(order), **PARAMS)
    )
    voting = VotingClassifier([("ours", ours), ("lr", LogisticRegression())], voting="soft").fit(
        X_train, y_train_l
    )
    proba = voting.predict_proba(X_test)
    members = [est.predict_proba(X_test) for est in voting.estimators_]
    np.testing.assert_allclose(proba, np.mean(members, axis=0), atol=1e-12)
    # The member sees codes in the ordinal order of the labels it was given.
    member = voting.named_estimators_["ours"][-1]
    np.testing.assert_array_equal(
        voting.classes_[member.ordinal_classes_], np.asarray(order, dtype=object)
    )
    assert voting.score(X_test, y_test_l) > 0.6
    stacking = StackingClassifier(
        [("ours", ours)], final_estimator=LogisticRegression(), cv=3
    ).fit(X_train, y_train_l)
    assert set(stacking.predict(X_test)) <= set(order)
    assert stacking.score(X_test, y_test_l) > 0.6


def test_ordinal_classes_found_through_pipeline_and_search(fitted, three_class_split):
    from sklearn.model_selection import GridSearchCV

    X_train, X_test, y_train, _ = three_class_split
    order = ORDERS["strings"]
    pipe = make_pipeline(StandardScaler(), OrdinalKLClassifier(classes=order, **PARAMS))
    search = GridSearchCV(pipe, {"ordinalklclassifier__alpha": [0.0, 1.0]}, cv=2)
    search.fit(X_train, _labelled(y_train, order))
    assert list(ordinal_classes_of(search)) == order
    ordinal = predict_proba_ordinal(search, X_test)
    np.testing.assert_array_equal(
        ordinal,
        search.best_estimator_[-1].predict_proba_ordinal(
            search.best_estimator_[:-1].transform(X_test)
        ),
    )


def test_plain_sklearn_classifier_with_strings_warns_about_the_order():
    X = np.arange(6.0).reshape(-1, 1)
    clf = LogisticRegression().fit(X, ["b", "a", "c", "b", "a", "c"])
    with pytest.warns(ClassOrderWarning, match="sorted classes_"):
        assert list(ordinal_classes_of(clf)) == ["a", "b", "c"]


def test_encoding_round_trips_between_column_orders():
    encoding = OrdinalEncoding(["low", "medium", "high", "top"])
    proba = np.random.default_rng(0).dirichlet(np.ones(4), size=5)
    sorted_columns = encoding.to_sorted_columns(proba)
    assert list(encoding.classes) == ["high", "low", "medium", "top"]
    np.testing.assert_array_equal(sorted_columns[:, 0], proba[:, 2])  # "high"
    np.testing.assert_array_equal(encoding.to_ordinal_columns(sorted_columns), proba)
    np.testing.assert_array_equal(encoding.decode(encoding.encode(["top", "low"])), ["top", "low"])


def test_label_encoded_y_with_string_classes_says_what_to_do(three_class_split):
    X_train, _, y_train, _ = three_class_split
    clf = OrdinalKLClassifier(classes=ORDERS["strings"], **PARAMS)
    with pytest.raises(ValueError, match="sorted_codes"):
        CalibratedClassifierCV(clf, method="temperature", cv=2).fit(
            X_train, _labelled(y_train, ORDERS["strings"])
        ) if "temperature" in _calibration_methods() else clf.fit(X_train, y_train)


@pytest.mark.parametrize("labelling", ["strings", "reversed_ints"])
def test_ordinal_scorers_see_through_calibration_voting_and_stacking(three_class_split, labelling):
    """The scorers find the ordinal order inside meta-estimators (mapping the codes that
    Voting and Stacking give their members back to labels), so they score as on
    integer labels."""
    X_train, X_test, y_train, y_test = three_class_split
    order = ORDERS[labelling]
    y_train_l, y_test_l = _labelled(y_train, order), _labelled(y_test, order)

    def models(classes):
        ours = OrdinalKLClassifier(classes=classes, **PARAMS)
        return {
            "calibrated": CalibratedClassifierCV(ours, method="sigmoid", cv=3),
            "voting": VotingClassifier([("ours", ours)], voting="soft"),
            "stacking": StackingClassifier(
                [("ours", ours)], final_estimator=LogisticRegression(), cv=3
            ),
        }

    reference = {name: model.fit(X_train, y_train) for name, model in models([0, 1, 2]).items()}
    labelled = models(order)
    labelled["voting"] = models(sorted_codes(order))["voting"]
    labelled["stacking"] = models(sorted_codes(order))["stacking"]
    for name, model in labelled.items():
        model.fit(X_train, y_train_l)
        assert list(ordinal_classes_of(model)) == list(order), name
        for scorer in (neg_mse_class_index_scorer, neg_rps_scorer, qwk_scorer):
            assert scorer(model, X_test, y_test_l) == pytest.approx(
                scorer(reference[name], X_test, y_test), abs=1e-6
            ), (name, scorer)


def test_codes_hint_also_for_integer_classes(three_class_split):
    X_train, _, y_train, _ = three_class_split
    clf = OrdinalKLClassifier(classes=[3, 2, 1], **PARAMS)
    with pytest.raises(ValueError, match="sorted_codes"):
        clf.fit(X_train, y_train)  # codes 0..2 where labels 3, 2, 1 were declared


# --------------------------------------------------------------------------- #
# cross_val_predict label-encodes y for predict_proba
# --------------------------------------------------------------------------- #
def _quick_net(**params):
    return OrdinalKLClassifier(max_epochs=2, random_state=0, **params)


@pytest.mark.parametrize("labelling", ["strings", "ordered categorical"])
def test_cross_val_predict_on_encoded_strings_warns_and_names_sorted_codes(
    three_class_split, labelling
):
    """The estimator gets codes 0..K-1 of the sorted labels and cannot recover the order:
    it says so (naming sorted_codes), and with the order in codes it is silent."""
    X_train, _, y_train, _ = three_class_split
    order = ORDERS["strings"]
    y = _labelled(y_train, order)
    if labelling == "ordered categorical":
        y = pd.Categorical(y, categories=order, ordered=True)
    with pytest.warns(ClassOrderWarning, match="sorted_codes") as record:
        cross_val_predict(_quick_net(), X_train, y, cv=2, method="predict_proba")
    assert {str(w.message) for w in record} == {LABEL_ENCODED_MESSAGE}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        proba = cross_val_predict(
            _quick_net(classes=sorted_codes(order)), X_train, y, cv=2, method="predict_proba"
        )
    assert proba.shape == (len(y), 3)


@pytest.mark.parametrize("labelling", ["sorted_ints", "reversed_ints"])
def test_cross_val_predict_on_encoded_numbers_is_silent(three_class_split, labelling):
    """Codes of numbers are in the numbers' own order, which the estimator would use:
    no warning (a warning on every integer fit would be noise)."""
    X_train, _, y_train, _ = three_class_split
    y = _labelled(y_train, ORDERS[labelling])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        cross_val_predict(_quick_net(), X_train, y, cv=2, method="predict_proba")
        _quick_net().fit(X_train, y_train)  # nor on a plain fit


def test_encoded_fit_whose_labels_are_out_of_sight_warns(three_class_split):
    """In a joblib worker only _fit_and_predict is on the stack, not the encoder: the
    labels may have been strings, so it warns; a method that does not encode is silent."""
    X_train, _, y_train, _ = three_class_split
    train, test = np.arange(0, 200), np.arange(200, len(y_train))
    with pytest.warns(ClassOrderWarning, match="sorted_codes"):
        _fit_and_predict(_quick_net(), X_train, y_train, train, test, {}, "predict_proba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        _fit_and_predict(_quick_net(), X_train, y_train, train, test, {}, "predict")


def test_meta_estimator_on_encoded_strings_warns(three_class_split):
    """A wrapper around a scikit-learn classifier takes its order from the codes too."""
    X_train, _, y_train, _ = three_class_split
    y = _labelled(y_train, ORDERS["strings"])
    tuned = TunedOrdinalDecisionCV(LogisticRegression(), cv=2)
    with pytest.warns(ClassOrderWarning, match="sorted_codes"):
        cross_val_predict(tuned, X_train, y, cv=2, method="predict_proba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ClassOrderWarning)
        tuned.set_params(classes=sorted_codes(ORDERS["strings"]))
        cross_val_predict(tuned, X_train, y, cv=2, method="predict_proba")


# --------------------------------------------------------------------------- #
# Float labels (half steps): classes when an order lists them
# --------------------------------------------------------------------------- #
HALF_STEPS = [0.5, 1.5, 2.5]


def test_float_labels_listed_in_classes_train_as_their_index(fitted, three_class_split):
    """``y + 0.5`` with ``classes=[0.5, 1.5, 2.5]`` has the ordinal index of ``y``: the
    same network as on the integers, and the labels predicted are the floats."""
    X_train, X_test, y_train, y_test = three_class_split
    reference = fitted["sorted_ints"]
    model = OrdinalKLClassifier(classes=HALF_STEPS, **PARAMS).fit(X_train, y_train + 0.5)
    np.testing.assert_array_equal(model.classes_, HALF_STEPS)
    assert model.classes_.dtype == np.float64
    np.testing.assert_array_equal(
        model.predict_proba_ordinal(X_test), reference.predict_proba_ordinal(X_test)
    )
    predicted = model.predict(X_test)
    assert predicted.dtype == np.float64
    np.testing.assert_array_equal(predicted, reference.predict(X_test) + 0.5)
    assert model.score(X_test, y_test + 0.5) == reference.score(X_test, y_test)
    for scorer in OUR_SCORERS.values():
        assert scorer(model, X_test, y_test + 0.5) == pytest.approx(
            scorer(reference, X_test, y_test), abs=1e-12
        )
    # An ordered Categorical of the floats gives the order as well.
    as_categorical = pd.Categorical.from_codes(y_train, categories=HALF_STEPS, ordered=True)
    from_categorical = OrdinalKLClassifier(**PARAMS).fit(X_train, as_categorical)
    np.testing.assert_array_equal(from_categorical.predict(X_test), predicted)


def _float_label_message():
    return r"Unknown label type: continuous.*pass classes=\[0\.5, 1\.5, 2\.5\]"


def test_float_labels_without_an_order_say_what_to_do(three_class_split):
    X_train, _, y_train, _ = three_class_split
    for model in (
        OrdinalKLClassifier(max_epochs=1),
        OrdinalKLClassifierCV(OrdinalKLClassifier(max_epochs=1), alphas=(1.0,), sigmas=(1.0,)),
        TunedOrdinalDecisionCV(OrdinalKLClassifier(max_epochs=1), cv=2),
        TunedOrdinalDecisionCV(LogisticRegression(), cv=3),  # before any split
        OrdinalConformalClassifier(OrdinalKLClassifier(max_epochs=1)),
    ):
        with pytest.raises(ValueError, match=_float_label_message()):
            model.fit(X_train, y_train + 0.5)


def test_meta_estimators_take_float_labels_as_the_estimator_does(three_class_split):
    """Each meta-estimator on ``y + 0.5`` (the order given to it or to the estimator
    inside) gives what it gives on ``y``, plus 0.5: the same folds, fits and choices."""
    X_train, X_test, y_train, y_test = three_class_split
    net = {"max_epochs": 3, "random_state": 0}

    def both(make, inner_classes, meta_classes=None, **params):
        on_ints = make(OrdinalKLClassifier(**net), **params).fit(X_train, y_train)
        inner = OrdinalKLClassifier(classes=inner_classes, **net)
        on_floats = make(inner, **params, **({"classes": meta_classes} if meta_classes else {}))
        return on_ints, on_floats.fit(X_train, y_train + 0.5)

    grid = {"alphas": (0.5, 2.0), "sigmas": (1.0,), "cv": 2}
    searches = [
        both(OrdinalKLClassifierCV, HALF_STEPS, **grid),
        both(TunedOrdinalDecisionCV, HALF_STEPS, cv=2),
        both(TunedOrdinalDecisionCV, None, HALF_STEPS, cv=2),
    ]
    for on_ints, on_floats in searches:
        np.testing.assert_array_equal(on_floats.classes_, HALF_STEPS)
        predicted = on_floats.predict(X_test)
        assert predicted.dtype == np.float64
        np.testing.assert_array_equal(predicted, on_ints.predict(X_test) + 0.5)
        assert on_floats.score(X_test, y_test + 0.5) == on_ints.score(X_test, y_test)
    search_ints, search_floats = searches[0]
    np.testing.assert_array_equal(
        search_floats.cv_results_["mean_test_score"], search_ints.cv_results_["mean_test_score"]
    )
    tuned_ints, tuned_floats = searches[1]
    assert tuned_floats.best_decision_ == tuned_ints.best_decision_
    # The order of a Pipeline's last step is seen too.
    piped = make_pipeline(StandardScaler(), OrdinalKLClassifier(classes=HALF_STEPS, **net))
    tuned = TunedOrdinalDecisionCV(piped, cv=2).fit(X_train, y_train + 0.5)
    np.testing.assert_array_equal(tuned.classes_, HALF_STEPS)
    conformal = [
        model.fit(X_train[:150], y[:150]).conformalize(X_train[150:], y[150:])
        for model, y in (
            (OrdinalConformalClassifier(OrdinalKLClassifier(**net)), y_train),
            (
                OrdinalConformalClassifier(OrdinalKLClassifier(**net), classes=HALF_STEPS),
                y_train + 0.5,
            ),
        )
    ]
    np.testing.assert_array_equal(
        conformal[1].predict_interval(X_test), conformal[0].predict_interval(X_test) + 0.5
    )
    assert conformal[1].score(X_test, y_test + 0.5) == conformal[0].score(X_test, y_test)


def test_meta_estimators_predict_string_labels_as_objects(three_class_split):
    """As the estimator: one dtype for ``classes_`` and ``predict`` whether the order came
    as a list or an ordered Categorical, also around a classifier that predicts a
    unicode array (LogisticRegression)."""
    X_train, X_test, y_train, _ = three_class_split
    order = ORDERS["strings"]
    as_unicode = np.array(order)[y_train]
    as_categorical = pd.Categorical(as_unicode, categories=order, ordered=True)
    for make in (
        lambda **kw: TunedOrdinalDecisionCV(LogisticRegression(), cv=2, **kw),
        lambda **kw: OrdinalConformalClassifier(LogisticRegression(), **kw),
    ):
        predictions = []
        for model in (
            make(classes=order).fit(X_train, as_unicode),
            make().fit(X_train, as_categorical),
        ):
            assert model.classes_.dtype == object and model.ordinal_classes_.dtype == object
            predictions.append(model.predict(X_test))
            assert predictions[-1].dtype == object
        np.testing.assert_array_equal(*predictions)
