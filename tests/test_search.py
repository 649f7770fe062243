"""OrdinalKLClassifierCV: the α × σ grid as one batched network per fold.

The equivalence test (``test_member_ends_with_the_weights_of_a_separate_fit``) is what
makes the speed-up honest: a member of the batched network trains exactly as a separate
``OrdinalKLClassifier`` with its (α, σ) and the same seed."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit

from sk_ordinal_kl import OrdinalKLClassifier, OrdinalKLClassifierCV
from sk_ordinal_kl.callbacks import SigmaSchedule
from sk_ordinal_kl.losses import DLDLv2Loss, GaussianKLCrossEntropy, GaussianKLGridCrossEntropy
from sk_ordinal_kl.metrics import neg_mse_class_index_scorer
from sk_ordinal_kl.modules import StackedMLP, TabularMLP

ALPHAS, SIGMAS = (0.5, 2.0), (0.5, 1.5)
GRID = [(a, s) for a in ALPHAS for s in SIGMAS]


# ------------------------------------------------------------ the criterion
@pytest.mark.parametrize("num_classes", [5, 40])  # dense native path and fused node
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_grid_criterion_is_the_sum_of_lone_criteria(num_classes, reduction):
    generator = torch.Generator().manual_seed(num_classes)
    k = len(GRID)
    logits = 3 * torch.randn(9, k, num_classes, generator=generator, dtype=torch.float64)
    target = torch.randint(0, num_classes, (9,), generator=generator)
    weight = torch.rand(9, generator=generator, dtype=torch.float64) + 0.1
    grid = GaussianKLGridCrossEntropy(
        [a for a, _ in GRID], [s for _, s in GRID], num_classes=num_classes, reduction=reduction
    ).double()
    for sample_weight in (None, weight):
        alone = [
            GaussianKLCrossEntropy(
                alpha=a, sigma=s, num_classes=num_classes, reduction=reduction
            ).double()(logits[:, m], target, sample_weight=sample_weight)
            for m, (a, s) in enumerate(GRID)
        ]
        expected = torch.stack(alone, 1) if reduction == "none" else sum(alone)
        torch.testing.assert_close(grid(logits, target, sample_weight), expected)


def test_grid_criterion_gives_each_member_its_lone_gradient():
    logits = torch.randn(6, len(GRID), 5, dtype=torch.float64, requires_grad=True)
    target = torch.tensor([0, 1, 2, 3, 4, 2])
    grid = GaussianKLGridCrossEntropy([a for a, _ in GRID], [s for _, s in GRID], 5).double()
    grid(logits, target).backward()
    for m, (a, s) in enumerate(GRID):
        alone = logits.detach()[:, m].clone().requires_grad_(True)
        GaussianKLCrossEntropy(alpha=a, sigma=s, num_classes=5).double()(alone, target).backward()
        torch.testing.assert_close(logits.grad[:, m], alone.grad)


def test_grid_criterion_errors():
    with pytest.raises(ValueError, match="one length"):
        GaussianKLGridCrossEntropy([1.0, 2.0], [1.0], num_classes=3)
    with pytest.raises(ValueError, match="sigma"):
        GaussianKLGridCrossEntropy([1.0], [0.0], num_classes=3)
    with pytest.raises(ValueError, match=r"shape \(batch, 2, 3\)"):
        GaussianKLGridCrossEntropy([1.0, 2.0], [1.0, 1.0], 3)(torch.zeros(4, 3), torch.zeros(4))


# ---------------------------------------------------------- the equivalence
def test_stacked_member_starts_as_a_lone_mlp():
    torch.manual_seed(3)
    stacked = StackedMLP(6, 4, n_members=3, hidden_units=(8, 5), dropout=0.0)
    after_stacked = torch.rand(1)
    torch.manual_seed(3)
    lone = TabularMLP(6, 4, hidden_units=(8, 5), dropout=0.0)
    after_lone = torch.rand(1)
    assert after_stacked == after_lone  # the random state moved on alike
    x = torch.randn(5, 6)
    for m in range(3):
        torch.testing.assert_close(stacked(x)[:, m], lone(x))
        torch.testing.assert_close(stacked.member(m)(x), lone(x))


@pytest.mark.parametrize("head", ["softmax", "cumulative"])
def test_member_ends_with_the_weights_of_a_separate_fit(ordinal_data, head):
    X, y = ordinal_data
    common = {
        "max_epochs": 4,
        "batch_size": 32,
        "module__dropout": 0.0,
        "random_state": 0,
        "head": head,
    }
    batched = OrdinalKLClassifier(
        module=StackedMLP,
        module__n_members=len(GRID),
        criterion=GaussianKLGridCrossEntropy,
        criterion__alphas=[a for a, _ in GRID],
        criterion__sigmas=[s for _, s in GRID],
        **common,
    ).fit(X, y)
    # With a head, module_ is (network, head); the head holds one set of thresholds per
    # member, and member m's must end where the lone fit's end.
    stacked = batched.module_ if head == "softmax" else batched.module_.network
    for m, (alpha, sigma) in enumerate(GRID):
        lone = OrdinalKLClassifier(alpha=alpha, sigma=sigma, **common).fit(X, y)
        network = lone.module_ if head == "softmax" else lone.module_.network
        member = stacked.member(m).state_dict()
        for name, value in network.state_dict().items():
            torch.testing.assert_close(member[name], value, rtol=1e-4, atol=1e-5)
        if head != "softmax":
            torch.testing.assert_close(
                batched.module_.head.raw_thresholds[m], lone.module_.head.raw_thresholds
            )
        # And not merely alike: another member's (α, σ) ended elsewhere.
        other = stacked.member((m + 1) % len(GRID)).state_dict()
        assert not torch.allclose(other["layers.0.weight"], network.layers[0].weight)


def _assert_same_search(search, template, X, y, folds, alphas=ALPHAS, sigmas=SIGMAS):
    """``search``'s scores, selection and refit equal ``GridSearchCV``'s over the same grid
    (every rule a separate candidate there)."""
    rules = ["argmax", "median", "mean"]
    reference = GridSearchCV(
        template,
        {"alpha": list(alphas), "sigma": list(sigmas), "prediction": rules},
        cv=folds,
        scoring=neg_mse_class_index_scorer,
    ).fit(X, y)
    ours = pd.DataFrame(search.cv_results_)
    theirs = pd.DataFrame(reference.cv_results_)
    merged = ours.merge(theirs, on=["param_alpha", "param_sigma", "param_prediction"])
    assert len(merged) == len(ours) == len(alphas) * len(sigmas) * len(rules)
    for split in range(folds.get_n_splits()):
        np.testing.assert_allclose(
            merged[f"split{split}_test_score_x"], merged[f"split{split}_test_score_y"]
        )
    np.testing.assert_array_equal(merged["rank_test_score_x"], merged["rank_test_score_y"])
    assert search.best_params_ == reference.best_params_
    np.testing.assert_allclose(search.predict_proba(X), reference.predict_proba(X), rtol=1e-6)


@pytest.mark.parametrize(
    ("head", "block"),
    [
        ("softmax", "relu"),
        ("cumulative", "relu"),
        ("binomial", "relu"),
        ("softmax", "bilinear"),
        ("cumulative", "bilinear"),
    ],
)
def test_scores_equal_grid_search_cv(ordinal_data, head, block):
    X, y = ordinal_data
    template = OrdinalKLClassifier(
        max_epochs=4,
        batch_size=32,
        module__dropout=0.0,
        module__block=block,
        random_state=0,
        head=head,
    )
    folds = StratifiedKFold(3)
    search = OrdinalKLClassifierCV(template, alphas=ALPHAS, sigmas=SIGMAS, cv=folds).fit(X, y)
    assert search.batched_
    _assert_same_search(search, template, X, y, folds)


# Estimators the stacked grid does not cover: each candidate is fitted on its own.
_FALLBACKS = {
    "tabm": {
        "module": "tabm",
        "module__k": 2,
        "module__d_block": 8,
        "max_epochs": 4,
        "n_iter_no_change": 2,  # early stopping is on for TabM by default
    },
    "criterion": {"criterion": DLDLv2Loss, "max_epochs": 3, "module__dropout": 0.0},
    "early_stopping": {
        "early_stopping": True,
        "n_iter_no_change": 1,
        "max_epochs": 6,
        "module__dropout": 0.0,
    },
    "callback": {"callbacks": [SigmaSchedule(factor=0.8)], "max_epochs": 3},
    "tabm_cumulative": {
        "module": "tabm",
        "module__k": 2,
        "module__d_block": 8,
        "head": "cumulative",
        "max_epochs": 3,
    },
}


@pytest.mark.parametrize("name", sorted(_FALLBACKS))
def test_fallback_scores_equal_grid_search_cv(ordinal_data, name):
    X, y = ordinal_data
    template = OrdinalKLClassifier(batch_size=32, random_state=0, **_FALLBACKS[name])
    folds = StratifiedKFold(3)
    search = OrdinalKLClassifierCV(template, alphas=ALPHAS, sigmas=(1.0,), cv=folds).fit(X, y)
    assert not search.batched_
    assert len(search.fold_fit_times_) == 3
    _assert_same_search(search, template, X, y, folds, sigmas=(1.0,))
    # Not trivially equal: the candidates' held-out scores differ from one another.
    assert np.ptp(search.cv_results_["split0_test_score"]) > 0
    # The refit is the template's own estimator, not a stacked grid.
    best = search.best_estimator_
    assert best.module == template.module and best.criterion is template.criterion
    assert not isinstance(best.module_, StackedMLP)


@pytest.mark.parametrize(
    ("params", "batched"),
    [
        ({}, True),
        ({"module": "mlp", "module__hidden_units": (8,)}, True),
        ({"callbacks": "disable"}, True),
        ({"module": "tabm"}, False),
        ({"module": TabularMLP, "early_stopping": True}, False),
        ({"criterion": GaussianKLCrossEntropy, "criterion__reduction": "sum"}, False),
        ({"train_split": ValidSplit(5)}, False),
        ({"callbacks": [EarlyStopping(monitor="train_loss", patience=1)]}, False),
        ({"module": StackedMLP, "module__n_members": 2}, False),
        ({"predict_nonlinearity": None}, False),
    ],
)
def test_which_path_runs(ordinal_data, params, batched):
    X, y = ordinal_data
    template = OrdinalKLClassifier(max_epochs=1, random_state=0, **params)
    if params.get("module") is StackedMLP:  # a stacked module needs a grid criterion
        template.set_params(
            criterion=GaussianKLGridCrossEntropy,
            criterion__alphas=[1.0, 1.0],
            criterion__sigmas=[1.0, 1.0],
        )
    search = OrdinalKLClassifierCV(
        template, alphas=(1.0,), sigmas=(1.0,), predictions=("mean",), cv=2, refit=False
    ).fit(X, y)
    assert search.batched_ is batched


ORDER = ["low", "mid", "high", "top"]  # sorted, they read high < low < mid < top


@pytest.mark.parametrize("scoring", [neg_mse_class_index_scorer, "neg_log_loss"])
def test_scores_equal_grid_search_cv_when_sorted_and_ordinal_orders_differ(ordinal_data, scoring):
    """String labels whose sorted order is not their ordinal order: the fold nets must
    train on the ordinal order (the MSE on the class index tells), and the held-out
    probabilities reach a scorer in ``classes_`` (sorted) columns (the log-loss tells,
    as scikit-learn's scorer maps its columns by ``classes_``). GridSearchCV fits every
    candidate separately on the same folds: an independent computation."""
    X, y = ordinal_data
    labels = np.array(ORDER)[y]
    template = OrdinalKLClassifier(
        max_epochs=4, batch_size=32, module__dropout=0.0, random_state=0, classes=ORDER
    )
    folds = StratifiedKFold(3)
    alphas, sigmas, rules = (0.5, 2.0), (1.0,), ["argmax", "median", "mean"]
    search = OrdinalKLClassifierCV(
        template, alphas=alphas, sigmas=sigmas, cv=folds, scoring=scoring
    ).fit(X, labels)
    reference = GridSearchCV(
        template,
        {"alpha": list(alphas), "sigma": list(sigmas), "prediction": rules},
        cv=folds,
        scoring=scoring,
    ).fit(X, labels)
    assert list(search.ordinal_classes_) == ORDER
    assert list(search.classes_) == sorted(ORDER)
    merged = pd.DataFrame(search.cv_results_).merge(
        pd.DataFrame(reference.cv_results_), on=["param_alpha", "param_sigma", "param_prediction"]
    )
    assert len(merged) == len(alphas) * len(sigmas) * len(rules)
    for split in range(3):
        np.testing.assert_allclose(
            merged[f"split{split}_test_score_x"], merged[f"split{split}_test_score_y"], rtol=1e-6
        )
    assert search.best_params_ == reference.best_params_
    np.testing.assert_array_equal(search.predict(X), reference.predict(X))


# ------------------------------------------------------------- the estimator
def test_attributes_and_results(ordinal_data):
    X, y = ordinal_data
    search = OrdinalKLClassifierCV(
        OrdinalKLClassifier(max_epochs=3, random_state=0),
        alphas=(1.0,),
        sigmas=(0.5, 1.0),
        predictions=("mean",),
        cv=2,
    ).fit(X, y)
    results = pd.DataFrame(search.cv_results_)
    assert list(results["param_sigma"]) == [0.5, 1.0]
    best = results["mean_test_score"].idxmax()
    assert search.best_index_ == best
    assert search.best_score_ == results["mean_test_score"].max()
    assert results.loc[best, "rank_test_score"] == 1
    np.testing.assert_allclose(
        results["mean_test_score"],
        (results["split0_test_score"] + results["split1_test_score"]) / 2,
    )
    assert search.best_estimator_.sigma == search.best_params_["sigma"]
    assert search.best_estimator_.prediction == "mean"
    assert search.n_features_in_ == X.shape[1] and search.n_splits_ == 2
    np.testing.assert_array_equal(search.classes_, [0, 1, 2, 3])
    assert search.predict(X).shape == (len(y),)
    np.testing.assert_allclose(search.predict_proba(X).sum(axis=1), 1.0)
    # score: the search's own criterion (negated MSE on the class index), by hand.
    index = {c: i for i, c in enumerate(search.ordinal_classes_)}
    truth = np.array([index[c] for c in y], dtype=np.float64)
    guess = np.array([index[c] for c in search.predict(X)], dtype=np.float64)
    assert search.score(X, y) == pytest.approx(-np.mean((truth - guess) ** 2))
    unknown = np.array(y, copy=True)
    unknown[0] = 7
    with pytest.raises(ValueError, match=r"\[7\]"):
        search.score(X, unknown)


def test_pipeline_nested_cv_weights_and_ordered_categorical(ordinal_data):
    X, y = ordinal_data
    order = ["low", "mid", "high", "top"]
    labels = pd.Categorical(np.array(order)[y], categories=order, ordered=True)
    search = OrdinalKLClassifierCV(
        OrdinalKLClassifier(max_epochs=3, random_state=0), alphas=(1.0,), sigmas=(1.0,), cv=2
    )
    pipe = make_pipeline(StandardScaler(), search)
    pipe.fit(X, labels, ordinalklclassifiercv__sample_weight=np.linspace(0.5, 2, len(y)))
    assert list(pipe[-1].ordinal_classes_) == order
    assert list(pipe[-1].best_estimator_.ordinal_classes_) == order
    scores = cross_val_score(pipe, X, labels, cv=2, scoring=neg_mse_class_index_scorer)
    assert scores.shape == (2,) and np.all(scores <= 0)


def test_sample_weight_reaches_every_fit(ordinal_data):
    X, y = ordinal_data
    template = OrdinalKLClassifier(max_epochs=2, random_state=0)
    kwargs = {"alphas": (1.0,), "sigmas": (1.0,), "cv": 2}
    plain = OrdinalKLClassifierCV(template, **kwargs).fit(X, y)
    weighted = OrdinalKLClassifierCV(template, **kwargs).fit(
        X, y, sample_weight=(y == 3) * 5.0 + 0.1
    )
    assert not np.allclose(plain.predict_proba(X), weighted.predict_proba(X))
    assert (weighted.predict_proba(X)[:, 3] > plain.predict_proba(X)[:, 3]).mean() > 0.9


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_jobs": 0}, "n_jobs"),
        ({"alphas": ()}, "alphas must hold"),
        ({"alphas": (-1.0,)}, "alpha"),
        ({"sigmas": (0.0,)}, "sigma"),
        ({"predictions": ("mode",)}, "predictions"),
        ({"cv": "three"}, "cv"),
        ({"estimator": OrdinalKLClassifier(lr=-1.0)}, "lr"),
        ({"estimator": OrdinalKLClassifier(module="tabm", n_iter_no_change=0)}, "n_iter"),
        ({"estimator": OrdinalKLClassifier(module="tabm"), "alphas": (-1.0,)}, "alpha"),
        ({"estimator": OrdinalKLClassifier(criterion=DLDLv2Loss), "sigmas": ()}, "sigmas"),
    ],
)
def test_bad_parameters_raise_before_training(ordinal_data, params, message, monkeypatch):
    X, y = ordinal_data

    def no_training(*args, **kwargs):
        raise AssertionError("a fit started before the parameters were checked")

    monkeypatch.setattr(OrdinalKLClassifier, "fit", no_training)
    with pytest.raises(ValueError, match=message):
        OrdinalKLClassifierCV(**params).fit(X, y)


def test_refit_false_keeps_results_only(ordinal_data):
    X, y = ordinal_data
    search = OrdinalKLClassifierCV(
        OrdinalKLClassifier(max_epochs=1), alphas=(1.0,), sigmas=(1.0,), cv=2, refit=False
    ).fit(X, y)
    assert set(search.best_params_) == {"alpha", "sigma", "prediction"}
    assert not hasattr(search, "best_estimator_")
    assert not hasattr(search, "predict") and not hasattr(search, "predict_proba")
    with pytest.raises(AttributeError):
        search.predict(X)


def test_groups_and_weighted_scoring(ordinal_data):
    from sklearn.model_selection import GroupKFold

    X, y = ordinal_data
    groups = np.arange(len(y)) % 6
    weight = np.linspace(0.5, 2.0, len(y))
    calls = []

    def scorer(estimator, X_test, y_test, sample_weight=None):
        calls.append((len(y_test), sample_weight))
        return 0.0

    search = OrdinalKLClassifierCV(
        OrdinalKLClassifier(module=TabularMLP, max_epochs=1),
        alphas=(1.0,),
        sigmas=(1.0,),
        predictions=("mean",),
        cv=GroupKFold(3),
        scoring=scorer,
    ).fit(X, y, sample_weight=weight, groups=groups)
    assert search.n_splits_ == 3
    for (_, test), (n_rows, received) in zip(
        GroupKFold(3).split(X, y, groups), calls, strict=True
    ):
        assert n_rows == len(test)
        np.testing.assert_array_equal(received, weight[test])
