"""Sample and class weights: through fit, partial_fit, Pipelines and metadata routing."""

import numpy as np
import pytest
import sklearn
from sklearn.metrics import recall_score
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import has_fit_parameter
from torch import nn

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.classifier._weights import training_weights
from sk_ordinal_kl.labels import OrdinalEncoding
from sk_ordinal_kl.losses import LOSSES, MinMaxLoss
from sk_ordinal_kl.metrics import neg_mse_class_index_scorer
from sk_ordinal_kl.modules import MinMaxMLP

FAST = {"max_epochs": 15, "random_state": 0}


def test_fit_and_partial_fit_declare_sample_weight():
    assert has_fit_parameter(OrdinalKLClassifier(), "sample_weight")
    assert "sample_weight" in OrdinalKLClassifier.partial_fit.__code__.co_varnames


def test_zero_weight_on_a_class_removes_it_from_predictions(ordinal_data):
    X, y = ordinal_data
    plain = OrdinalKLClassifier(**{**FAST, "max_epochs": 40}).fit(X, y)
    assert 3 in set(plain.predict(X))
    weighted = OrdinalKLClassifier(**{**FAST, "max_epochs": 40}).fit(
        X, y, sample_weight=np.where(y == 3, 0.0, 1.0)
    )
    assert 3 not in set(weighted.predict(X))
    by_class = OrdinalKLClassifier(**{**FAST, "max_epochs": 40}, class_weight={3: 0.0}).fit(X, y)
    assert 3 not in set(by_class.predict(X))


def test_integer_weights_match_repeated_rows(ordinal_data):
    """With one full batch, a weighted mean equals the mean over repeated rows, so the
    same initial network takes the same steps: equal up to float rounding."""
    X, y = ordinal_data
    counts = np.random.default_rng(0).integers(1, 4, size=len(y))
    params = {**FAST, "batch_size": -1, "max_epochs": 30, "lr": 1e-2, "module__dropout": 0.0}
    weighted = OrdinalKLClassifier(**params).fit(X, y, sample_weight=counts)
    repeated = OrdinalKLClassifier(**params).fit(np.repeat(X, counts, 0), np.repeat(y, counts))
    unweighted = OrdinalKLClassifier(**params).fit(X, y)
    p_w, p_r, p_u = (m.predict_proba(X) for m in (weighted, repeated, unweighted))
    assert np.abs(p_w - p_r).max() < 1e-4
    assert np.abs(p_w - p_u).max() > 1e-2  # the weights did change the model


def test_integer_weights_match_repeated_rows_with_minibatches():
    """With shuffled mini-batches the two differ by sampling noise only. Given the same
    number of optimiser steps, the weighted model moves the probability of the
    up-weighted classes as far as repeating their rows does."""
    rng = np.random.default_rng(5)  # a noisy problem: probabilities stay uncertain
    X = rng.normal(size=(300, 3))
    score = X[:, 0] + 1.5 * rng.normal(size=300)
    y = np.digitize(score, np.quantile(score, [0.25, 0.5, 0.75]))
    counts = np.where(y >= 2, 4, 1)
    epochs = 10
    same_steps = round(epochs * counts.sum() / len(y))

    def upper_mass(model):  # mean probability of the up-weighted classes 2 and 3
        return model.predict_proba(X)[:, 2:].sum(axis=1).mean()

    shifts = {"weighted": [], "repeated": []}
    for seed in range(3):
        params = {"random_state": seed, "module__dropout": 0.0}
        base = upper_mass(OrdinalKLClassifier(**params, max_epochs=same_steps).fit(X, y))
        weighted = OrdinalKLClassifier(**params, max_epochs=same_steps)
        weighted.fit(X, y, sample_weight=counts)
        repeated = OrdinalKLClassifier(**params, max_epochs=epochs)
        repeated.fit(np.repeat(X, counts, 0), np.repeat(y, counts))
        shifts["weighted"].append(upper_mass(weighted) - base)
        shifts["repeated"].append(upper_mass(repeated) - base)
    weighted, repeated = np.mean(shifts["weighted"]), np.mean(shifts["repeated"])
    assert repeated > 0.1  # repeating rows of classes 2-3 moves mass there ...
    assert weighted == pytest.approx(repeated, rel=0.15)  # ... and so do the weights


def test_balanced_class_weight_raises_minority_recall():
    rng = np.random.default_rng(1)
    n = 900
    X = rng.normal(size=(n, 3))
    score = X @ np.array([1.0, 0.5, 0.0]) + 0.8 * rng.normal(size=n)
    y = np.digitize(score, np.quantile(score, [0.08, 0.92]))  # classes 0 and 2 rare
    recalls = {}
    for class_weight in (None, "balanced"):
        clf = OrdinalKLClassifier(**FAST, class_weight=class_weight).fit(X, y)
        recalls[class_weight] = recall_score(y, clf.predict(X), average=None)
    assert recalls["balanced"][0] > recalls[None][0] + 0.1
    assert recalls["balanced"][2] > recalls[None][2] + 0.1


def test_class_weight_semantics_match_scikit_learn():
    y_index = np.array([0, 0, 0, 1, 2, 2])
    encoding = OrdinalEncoding(["a", "b", "c", "d"])  # "d" never occurs
    balanced = training_weights(None, "balanced", y_index, encoding)
    # n_samples / (n_present_classes * count): 6 / (3 * 3), 6 / (3 * 1), 6 / (3 * 2)
    np.testing.assert_allclose(balanced, [2 / 3] * 3 + [2.0] + [1.0] * 2)
    by_label = training_weights(np.arange(1, 7), {"c": 0.5}, y_index, encoding)
    np.testing.assert_allclose(by_label, [1, 2, 3, 4, 2.5, 3.0])
    assert training_weights(None, None, y_index, encoding) is None


@pytest.mark.parametrize(
    "sample_weight, class_weight, message",
    [
        (np.ones(5), None, r"sample_weight must have shape \(6,\)"),
        (-np.ones(6), None, "negative"),
        (np.full(6, np.nan), None, "NaN"),
        (np.zeros(6), None, "zero for every sample"),
        (None, {"z": 2.0}, r"class_weight has labels not in the classes: \['z'\]"),
        (None, {"a": -1.0}, r"class_weight\['a'\] must be a finite number >= 0"),
    ],
)
def test_bad_weights_raise(sample_weight, class_weight, message):
    encoding = OrdinalEncoding(["a", "b", "c"])
    with pytest.raises(ValueError, match=message):
        training_weights(sample_weight, class_weight, np.array([0, 0, 1, 1, 2, 2]), encoding)


def test_bad_weights_raise_before_training(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(**FAST)
    with pytest.raises(ValueError, match="sample_weight"):
        clf.fit(X, y, sample_weight=np.ones(3))
    assert not clf.initialized_


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_trains_with_weights(ordinal_data, name):
    X, y = ordinal_data
    criterion = LOSSES[name]
    extra = {"module": MinMaxMLP} if criterion is MinMaxLoss else {}
    weights = np.where(y == 3, 0.0, 1.0)
    clf = OrdinalKLClassifier(criterion=criterion, **extra, **{**FAST, "max_epochs": 30})
    clf.fit(X, y, sample_weight=weights)
    assert np.isfinite(clf.history[-1, "train_loss"])
    assert (clf.predict(X) == 3).mean() < 0.05


def test_criterion_without_sample_weight_is_refused(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(criterion=nn.CrossEntropyLoss, **FAST)
    with pytest.raises(ValueError, match="does not take sample_weight"):
        clf.fit(X, y, sample_weight=np.ones(len(y)))
    clf.fit(X, y)  # without weights it trains


def test_partial_fit_with_sample_weight(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(**{**FAST, "max_epochs": 40})
    clf.partial_fit(X, y, classes=[0, 1, 2, 3], sample_weight=np.where(y == 3, 0.0, 1.0))
    assert 3 not in set(clf.predict(X))


def test_weights_reach_the_estimator_through_a_pipeline(ordinal_data):
    X, y = ordinal_data
    weights = np.where(y == 3, 0.0, 1.0)
    pipe = make_pipeline(StandardScaler(), OrdinalKLClassifier(**{**FAST, "max_epochs": 40}))
    pipe.fit(X, y, ordinalklclassifier__sample_weight=weights)
    direct = OrdinalKLClassifier(**{**FAST, "max_epochs": 40}).fit(
        StandardScaler().fit_transform(X), y, sample_weight=weights
    )
    np.testing.assert_allclose(pipe.predict_proba(X), direct.predict_proba(pipe[0].transform(X)))


def test_weights_reach_the_estimator_through_metadata_routing(ordinal_data):
    X, y = ordinal_data
    weights = np.where(y == 3, 0.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = OrdinalKLClassifier(**{**FAST, "max_epochs": 40})
        clf.set_fit_request(sample_weight=True).set_score_request(sample_weight=False)
        results = cross_validate(
            clf,
            X,
            y,
            cv=KFold(2, shuffle=True, random_state=0),
            params={"sample_weight": weights},
            return_estimator=True,
        )
        for estimator in results["estimator"]:
            assert 3 not in set(estimator.predict(X))
        search = GridSearchCV(
            clf, {"alpha": [0.0, 1.0]}, cv=2, scoring=neg_mse_class_index_scorer
        ).fit(X, y, sample_weight=weights)
        assert 3 not in set(search.predict(X))
