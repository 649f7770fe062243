"""Ensembles: member logits ``[B, k, K]`` in every criterion, the TabM backbone, the
in-``fit`` module set-up from the training rows, and early stopping with restore."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from test_loss_family import REFERENCES, np_reduce

from sk_ordinal_kl import OrdinalKLClassifier, TooLittleDataWarning
from sk_ordinal_kl.callbacks import SigmaSchedule
from sk_ordinal_kl.conformal import OrdinalConformalClassifier
from sk_ordinal_kl.datasets import validation_strata
from sk_ordinal_kl.decision import TunedOrdinalDecisionCV
from sk_ordinal_kl.losses import LOSSES, MinMaxLoss
from sk_ordinal_kl.preprocessing import make_tabular_preprocessor
from sk_ordinal_kl.tabm import TabMNet, embedded_columns

SMALL_TABM = {"module__k": 3, "module__d_block": 16, "module__n_bins": 4}


def member_batch(num_classes, members, size=12, seed=0):
    generator = torch.Generator().manual_seed(seed)
    logits = 3 * torch.randn(size, members, num_classes, generator=generator, dtype=torch.float64)
    target = torch.randint(0, num_classes, (size,), generator=generator)
    target[:2] = torch.tensor([0, num_classes - 1])
    weight = torch.rand(size, generator=generator, dtype=torch.float64) + 0.1
    return logits, target, weight


# ------------------------------------------------------- ensemble criterion
@pytest.mark.parametrize("name", sorted(REFERENCES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_member_logits_are_k_separate_losses_float64(name, reduction):
    ref, params = REFERENCES[name]
    num_classes, members = 6, 4
    logits, target, sample_weight = member_batch(num_classes, members)
    z, y, sw = logits.numpy(), target.numpy(), sample_weight.numpy()
    class_weight = None if name == "label_smoothing" else np.linspace(0.5, 2.0, num_classes)
    criterion = LOSSES[name](
        num_classes=num_classes, weight=class_weight, reduction=reduction, **params
    )
    got = criterion(logits, target, sample_weight=sample_weight).numpy()
    # Independent: each member's float64 formula, weighted, reduced, then the mean.
    w = sw * (1.0 if class_weight is None else class_weight[y])
    per_member = [ref(z[:, m], y, **params) * w for m in range(members)]
    if reduction == "none":
        expected = np.stack(per_member, axis=1)
    elif reduction == "sum":
        expected = np.mean([p.sum() for p in per_member])
    else:
        expected = np.mean([p.sum() / w.sum() for p in per_member])
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-12)
    # Without weights as well (the unweighted fast paths).
    plain = LOSSES[name](num_classes=num_classes, reduction=reduction, **params)
    expected_plain = [np_reduce(ref(z[:, m], y, **params), y, None, reduction) for m in range(4)]
    expected_plain = (
        np.stack(expected_plain, axis=1) if reduction == "none" else np.mean(expected_plain)
    )
    np.testing.assert_allclose(plain(logits, target).numpy(), expected_plain, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_member_gradients_do_not_touch_each_other(name):
    _, params = REFERENCES[name]
    logits, target, _ = member_batch(5, 3, seed=1)
    criterion = LOSSES[name](num_classes=5, **params)
    logits.requires_grad_(True)
    criterion(logits, target).backward()
    for m in range(3):
        alone = logits.detach()[:, m].clone().requires_grad_(True)
        criterion(alone, target).backward()
        # The ensemble loss is the mean over members: member m gets 1/k of its own gradient.
        np.testing.assert_allclose(logits.grad[:, m].numpy(), alone.grad.numpy() / 3, rtol=1e-9)


def test_min_max_loss_takes_member_logits_and_features():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(8, 3, 4, generator=generator, dtype=torch.float64)
    features = torch.randn(8, 3, 5, generator=generator, dtype=torch.float64)
    classes = torch.randn(4, 5, generator=generator, dtype=torch.float64)
    target = torch.tensor([0, 1, 2, 3, 0, 1, 2, 3])
    criterion = MinMaxLoss(num_classes=4, ce_weight=0.5)
    got = criterion((logits, features, classes), target)
    separate = [criterion((logits[:, m], features[:, m], classes), target) for m in range(3)]
    torch.testing.assert_close(got, torch.stack(separate).mean())


def test_member_logits_check_the_target_shape():
    criterion = LOSSES["gaussian_kl"](num_classes=4)
    with pytest.raises(ValueError, match=r"target must have shape \(5,\)"):
        criterion(torch.zeros(5, 2, 4), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(5,\)"):
        criterion(torch.zeros(5, 2, 4), torch.zeros(5, dtype=torch.long), torch.ones(10))


# ------------------------------------------------------- the TabM backbone
def test_embedded_columns_skip_binary_and_constant_columns():
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [
            rng.normal(size=50),  # numeric: embedded
            rng.integers(0, 2, 50),  # one-hot / indicator: passes through
            np.zeros(50),  # constant: passes through
            rng.integers(0, 3, 50),  # three levels: embedded
        ]
    )
    np.testing.assert_array_equal(embedded_columns(X), [0, 3])
    np.testing.assert_array_equal(embedded_columns(X, min_distinct=4), [0])
    with pytest.raises(ValueError, match="min_distinct"):
        embedded_columns(X, min_distinct=2)


def test_predict_proba_is_the_mean_of_member_probabilities(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(module="tabm", max_epochs=3, random_state=0, **SMALL_TABM)
    clf.fit(X, y)
    with torch.no_grad():
        clf.module_.eval()
        logits = clf.module_(torch.as_tensor(X[:20], dtype=torch.float32)).double().numpy()
    assert logits.shape == (20, 3, 4)
    z = logits - logits.max(axis=2, keepdims=True)
    member_proba = np.exp(z) / np.exp(z).sum(axis=2, keepdims=True)
    expected = member_proba.mean(axis=1)
    np.testing.assert_allclose(clf.predict_proba_ordinal(X[:20]), expected, rtol=1e-5, atol=1e-7)
    # A member alone would differ: the mean is not just member 0.
    assert np.abs(member_proba[:, 0] - expected).max() > 1e-4


def test_tabm_trains_with_weights_and_sigma_schedule(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(
        module="tabm",
        max_epochs=4,
        early_stopping=False,
        class_weight="balanced",
        callbacks=[SigmaSchedule(factor=0.5)],
        random_state=0,
        **SMALL_TABM,
    )
    clf.fit(X, y, sample_weight=np.linspace(0.5, 1.5, len(y)))
    mlp = OrdinalKLClassifier(max_epochs=4, callbacks=[SigmaSchedule(factor=0.5)]).fit(X, y)
    assert clf.criterion_.current_sigma == mlp.criterion_.current_sigma < 1.0
    assert np.isfinite(clf.history[:, "train_loss"]).all()


def test_module_names_and_their_errors(ordinal_data):
    X, y = ordinal_data
    assert isinstance(
        OrdinalKLClassifier(module="mlp", max_epochs=1).fit(X, y).module_,
        type(OrdinalKLClassifier(max_epochs=1).fit(X, y).module_),
    )
    with pytest.raises(ValueError, match="'module' parameter"):
        OrdinalKLClassifier(module="tabnet").fit(X, y)
    with pytest.raises(ValueError, match="2-D array X"):
        OrdinalKLClassifier(module="tabm", **SMALL_TABM).fit({"X": X.astype(np.float32)}, y)


# ------------------------------------------------ in-fit set-up from the data
class RecordingNet(torch.nn.Module):
    """A module whose constructor takes what ``data_kwargs`` derives from the rows."""

    calls: list = []  # noqa: RUF012 - a test probe, reset by the tests

    def __init__(self, in_features, num_classes, n_rows, column_max, scale=1.0):
        super().__init__()
        self.n_rows, self.column_max, self.scale = n_rows, column_max, scale
        self.linear = torch.nn.Linear(in_features, num_classes)

    @classmethod
    def data_kwargs(cls, X, y, scale=1.0, **_):
        cls.calls.append((X.shape[0], float(np.max(y)), scale))
        return {"n_rows": X.shape[0], "column_max": float(np.max(X[:, 0]))}

    def forward(self, X):
        return self.linear(X)


def test_data_kwargs_run_on_each_fits_training_rows(ordinal_data):
    X, y = ordinal_data
    RecordingNet.calls = []
    net = OrdinalKLClassifier(module=RecordingNet, module__scale=2.0, max_epochs=1)
    cross_val_score(net, X, y, cv=3)
    # One call per fold, on that fold's 160 training rows, with the user's module__ value.
    assert [call[0] for call in RecordingNet.calls] == [160, 160, 160]
    assert {call[2] for call in RecordingNet.calls} == {2.0}
    fitted = net.fit(X[:100], y[:100])
    assert fitted.module_.n_rows == 100
    assert fitted.module_.column_max == pytest.approx(X[:100, 0].max(), rel=1e-6)
    # The user's module__ value wins over the derived one.
    assert net.set_params(module__n_rows=7).fit(X, y).module_.n_rows == 7


def test_warm_start_and_partial_fit_keep_the_set_up(ordinal_data):
    X, y = ordinal_data
    RecordingNet.calls = []
    net = OrdinalKLClassifier(module=RecordingNet, max_epochs=1, warm_start=True)
    net.fit(X[:100], y[:100])
    net.fit(X, y)
    net.partial_fit(X[:50], y[:50])
    assert len(RecordingNet.calls) == 1
    assert net.module_.n_rows == 100


def test_tabm_bins_come_from_the_training_rows(ordinal_data):
    X, y = ordinal_data
    clf = OrdinalKLClassifier(module="tabm", max_epochs=1, random_state=0, **SMALL_TABM)
    clf.fit(X[:120], y[:120])
    np.testing.assert_array_equal(clf.module_.embedded_columns.numpy(), np.arange(5))
    expected = TabMNet.data_kwargs(X[:120].astype(np.float32), None, n_bins=4)["bins"]
    got = clf.module_.embeddings.impl
    assert got is not None
    for j, edges in enumerate(expected):
        assert edges[0] == pytest.approx(X[:120, j].min(), rel=1e-6)
        assert edges[-1] == pytest.approx(X[:120, j].max(), rel=1e-6)


def _assert_encodes_with_bins_of(module, rows, n_bins):
    """``module``'s piecewise-linear encoding is the one of the quantile bins of
    ``rows``' columns with at least 3 distinct values, as computed by
    ``rtdl_num_embeddings`` itself (not through TabMNet)."""
    import rtdl_num_embeddings

    embedded = [j for j in range(rows.shape[1]) if np.unique(rows[:, j]).size >= 3]
    np.testing.assert_array_equal(module.embedded_columns.numpy(), embedded)
    values = torch.as_tensor(rows[:, embedded], dtype=torch.float32)
    expected = rtdl_num_embeddings.PiecewiseLinearEncoding(
        rtdl_num_embeddings.compute_bins(values, n_bins=n_bins)
    ).impl
    got = module.embeddings.impl
    for name in ("weight", "bias"):
        torch.testing.assert_close(getattr(got, name), getattr(expected, name))
    # And so the same encoding of the training rows.
    torch.testing.assert_close(got(values), expected(values))


def test_tabm_bins_are_those_of_the_embedded_columns(ordinal_data):
    X, y = ordinal_data
    X = X.copy()
    X[:, 0] = X[:, 0] > 0  # column 0 binary: passes through, the embedded ones are 1..4
    clf = OrdinalKLClassifier(module="tabm", max_epochs=1, random_state=0, **SMALL_TABM)
    clf.fit(X[:120], y[:120])
    _assert_encodes_with_bins_of(clf.module_, X[:120], n_bins=4)


def test_a_refit_on_other_rows_sets_the_module_up_from_them(ordinal_data):
    X, y = ordinal_data
    X = X.copy()
    X[120:, 2] *= 3.0  # other rows, other quantiles
    clf = OrdinalKLClassifier(module="tabm", max_epochs=1, random_state=0, **SMALL_TABM)
    clf.fit(X[:120], y[:120])
    _assert_encodes_with_bins_of(clf.module_, X[:120], n_bins=4)
    clf.fit(X[120:], y[120:])
    _assert_encodes_with_bins_of(clf.module_, X[120:], n_bins=4)
    # Any module's data_kwargs, with no module__ value to hide what it derived.
    net = OrdinalKLClassifier(module=RecordingNet, max_epochs=1)
    net.fit(X[:100], y[:100])
    net.fit(X[100:160], y[100:160])
    assert net.module_.n_rows == 60
    assert net.module_.column_max == pytest.approx(X[100:160, 0].max(), rel=1e-6)


@pytest.fixture
def mixed_table():
    rng = np.random.default_rng(1)
    n = 180
    frame = pd.DataFrame(
        {
            "income": rng.lognormal(size=n),
            "age": rng.integers(18, 80, n).astype(float),
            "city": rng.choice(["Lyon", "Paris", "Nice"], n),
            "owner": rng.choice(["yes", "no"], n),
        }
    )
    frame.loc[::7, "income"] = np.nan
    score = np.log(frame["income"].fillna(1.0)) + (frame["city"] == "Paris") + 0.02 * frame["age"]
    y = pd.Categorical(
        np.asarray(pd.qcut(score, 4, labels=["low", "mid", "high", "top"])),
        categories=["low", "mid", "high", "top"],
        ordered=True,
    )
    return frame, y


def test_tabm_in_every_wrapper(mixed_table):
    X, y = mixed_table
    net = OrdinalKLClassifier(module="tabm", max_epochs=3, random_state=0, **SMALL_TABM)
    pipe = make_pipeline(make_tabular_preprocessor(min_frequency=1), net)
    pipe.fit(X, y)
    module = pipe[-1].module_
    # Numeric columns are embedded; one-hot and missing-indicator columns pass through.
    prep = pipe[0].transform(X)
    np.testing.assert_array_equal(module.embedded_columns.numpy(), embedded_columns(prep))
    assert 0 < module.embedded_columns.numel() < prep.shape[1]
    assert cross_val_score(pipe, X, y, cv=2).shape == (2,)
    search = GridSearchCV(pipe, {"ordinalklclassifier__alpha": [0.5, 1.0]}, cv=2).fit(X, y)
    assert search.best_params_["ordinalklclassifier__alpha"] in (0.5, 1.0)
    prep_X = make_tabular_preprocessor(min_frequency=1).fit_transform(X)
    codes = np.asarray(y.codes)
    tuned = TunedOrdinalDecisionCV(net, cv=2).fit(prep_X, codes)
    assert tuned.predict(prep_X[:5]).shape == (5,)
    conformal = OrdinalConformalClassifier(net).fit(prep_X[:120], codes[:120])
    conformal.conformalize(prep_X[120:], codes[120:])
    assert conformal.predict_set(prep_X[:5]).shape[0] == 5


# --------------------------------------------------------- early stopping
def test_early_stopping_restores_the_best_epoch(ordinal_data):
    X, y = ordinal_data
    X = X.astype(np.float32)
    clf = OrdinalKLClassifier(
        module="tabm",
        lr=0.05,  # fast enough to overfit, so the last epoch is not the best
        max_epochs=40,
        n_iter_no_change=5,
        batch_size=512,  # one validation batch: valid_loss is the loss of that batch
        random_state=0,
        **SMALL_TABM,
    ).fit(X, y)
    stopper = dict(clf.callbacks_)["early_stopping"]
    best = stopper.best_epoch_
    history = clf.history[:, "valid_loss"]
    assert best < len(history), "the run must end past its best epoch for this test"
    # The same validation rows as in fit (the split is seeded by random_state).
    _, valid = clf.get_split_datasets(X, clf._encoding_.encode(y))
    rows = np.asarray(valid.indices)
    Xv, yv = X[rows], torch.as_tensor(clf._encoding_.encode(y[rows]))
    with torch.no_grad():
        clf.module_.eval()
        loss = clf.get_loss(clf.infer(torch.as_tensor(Xv)), yv).item()
    assert loss == pytest.approx(history[best - 1], rel=1e-5)
    assert loss != pytest.approx(history[-1], rel=1e-5)


def test_early_stopping_with_a_class_of_one_sample(ordinal_data):
    X, y = ordinal_data
    y = y.copy()
    y[0] = 4  # a fifth class with one sample: skorch's stratified split would raise
    clf = OrdinalKLClassifier(early_stopping=True, max_epochs=2, random_state=0).fit(X, y)
    assert list(clf.classes_) == [0, 1, 2, 3, 4]
    strata = validation_strata(clf._encoding_.encode(y), 0.1)
    assert np.bincount(strata).min() >= 2
    # Neighbours only: the rare top class shares the stratum of class 3.
    assert strata[0] == strata[np.flatnonzero(y == 3)[0]]


def test_early_stopping_fits_40_rows_of_8_classes():
    """A validation split of 4 rows (10 % of 40) cannot hold 8 strata: the classes are
    merged with their neighbours until the smaller part, not only the training part,
    has a row for each stratum (scikit-learn's stratified split raises otherwise)."""
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(8), 5)
    X = rng.normal(size=(40, 3)) + y[:, None]
    clf = OrdinalKLClassifier(early_stopping=True, max_epochs=2, random_state=0)
    # It fits, and says that 4 validation rows cannot hold 8 classes (the training
    # part keeps every class: 5 rows each, at most one held out).
    with pytest.warns(TooLittleDataWarning, match="validation part has no row of") as caught:
        clf.fit(X, y)
    assert not any("training part" in str(w.message) for w in caught)
    assert not any("per class" in str(w.message) for w in caught)
    assert list(clf.classes_) == list(range(8))
    assert "valid_loss" in clf.history[-1]
    with pytest.warns(TooLittleDataWarning):  # the same split again
        _, valid = clf.get_split_datasets(X.astype(np.float32), y)
    assert len(valid) == 4
    assert np.unique(validation_strata(y, 0.1)).size <= 4


def test_one_row_per_class_warns_that_there_is_too_little_data():
    """TabM (early stopping on) on one row per class: 1 validation row, 3 training rows.
    The fit goes on, and says what is missing from each part, with the classes named
    as the split made them."""
    rng = np.random.default_rng(0)
    y = np.array(["a", "b", "c", "d"])
    X = rng.normal(size=(4, 3)) + np.arange(4)[:, None]
    clf = OrdinalKLClassifier(
        module="tabm", classes=list(y), max_epochs=3, random_state=0, **SMALL_TABM
    )
    with pytest.warns(TooLittleDataWarning) as caught:
        clf.fit(X, y)
    messages = [str(w.message) for w in caught if w.category is TooLittleDataWarning]
    assert any("4 rows for 4 classes, fewer than 2 per class" in m for m in messages)
    (split,) = [m for m in messages if "validation split with every class" in m]
    with pytest.warns(TooLittleDataWarning):  # the same split again
        _, valid = clf.get_split_datasets(X.astype(np.float32), clf._encoding_.encode(y))
    held_out = y[np.asarray(valid.indices)]
    assert len(held_out) == 1 and "holds out 1 of 4 rows" in split
    assert f"the training part has no row of ['{held_out[0]}']" in split
    kept = [str(label) for label in y if label != held_out[0]]
    assert f"the validation part has no row of {kept}" in split
    # The MLP without early stopping: only the rows per class.
    mlp = OrdinalKLClassifier(classes=list(y), max_epochs=2, random_state=0)
    with pytest.warns(TooLittleDataWarning, match="fewer than 2 per class") as caught:
        mlp.fit(X, y)
    assert not any("validation" in str(w.message) for w in caught)


def test_enough_rows_fit_without_a_too_little_data_warning(ordinal_data):
    X, y = ordinal_data
    with warnings.catch_warnings():
        warnings.simplefilter("error", TooLittleDataWarning)
        OrdinalKLClassifier(module="tabm", max_epochs=2, random_state=0, **SMALL_TABM).fit(X, y)
        OrdinalKLClassifier(max_epochs=2, random_state=0).fit(X[:8], y[:8])  # 2 per class


def test_early_stopping_auto_is_on_for_tabm_only(ordinal_data):
    X, y = ordinal_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tabm = OrdinalKLClassifier(module="tabm", max_epochs=2, **SMALL_TABM).fit(X, y)
    assert "valid_loss" in tabm.history[-1]
    mlp = OrdinalKLClassifier(max_epochs=2).fit(X, y)
    assert "valid_loss" not in mlp.history[-1]
    off = OrdinalKLClassifier(module="tabm", early_stopping=False, max_epochs=2, **SMALL_TABM)
    assert "valid_loss" not in off.fit(X, y).history[-1]


def test_tabm_on_sparse_X_is_tabm_on_dense_X(ordinal_data):
    import scipy.sparse as sp

    X, y = ordinal_data
    X = X.copy()
    X[:, 1] = X[:, 1] > 0  # a binary column: passes through, also from a sparse matrix
    dense = OrdinalKLClassifier(module="tabm", max_epochs=3, random_state=0, **SMALL_TABM)
    sparse = OrdinalKLClassifier(module="tabm", max_epochs=3, random_state=0, **SMALL_TABM)
    dense.fit(X, y)
    sparse.fit(sp.csr_matrix(X), y)
    np.testing.assert_array_equal(sparse.module_.embedded_columns.numpy(), [0, 2, 3, 4])
    np.testing.assert_array_equal(sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X))


def test_tabm_checks_its_sizes_and_takes_the_users_columns(ordinal_data):
    X, y = ordinal_data
    for params, message in (
        ({"module__k": 1.5}, "k must be an integer"),
        ({"module__n_bins": 1}, "n_bins must be an integer >= 2"),
        ({"module__columns": [0, 9]}, "columns must be positions"),
    ):
        with pytest.raises(ValueError, match=message):
            OrdinalKLClassifier(module="tabm", max_epochs=1, **params).fit(X, y)
    clf = OrdinalKLClassifier(module="tabm", max_epochs=1, module__columns=[0, 3], **SMALL_TABM)
    np.testing.assert_array_equal(clf.fit(X, y).module_.embedded_columns.numpy(), [0, 3])
    assert len(clf.module_.embeddings.impl.weight) == 2


def test_early_stopping_auto_is_on_for_a_tabm_instance(ordinal_data):
    X, y = ordinal_data
    kwargs = TabMNet.data_kwargs(X.astype(np.float32), None, n_bins=4)
    net = TabMNet(**kwargs, num_classes=4, k=2, d_block=8)
    clf = OrdinalKLClassifier(module=net, max_epochs=2, classes=[0, 1, 2, 3]).fit(X, y)
    assert "valid_loss" in clf.history[-1]


@pytest.mark.parametrize("dropout", [0.0, 0.5])
def test_tabm_forward_is_the_packages_forward(dropout):
    # TabMNet computes the "tabm" backbone in fewer ops (the first block's k scaled
    # weights in one product, addcmul): outputs and every parameter's gradient must be
    # those of the tabm package's own modules on the same parameters.
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(40, 6, generator=generator, dtype=torch.float64)
    net = TabMNet(**TabMNet.data_kwargs(X.numpy(), None, n_bins=5), num_classes=3, k=3)
    net = net.double()
    with torch.no_grad():  # adapters away from their initial ones and signs
        for name, parameter in net.named_parameters():
            if name.endswith((".r", ".s", ".bias")):
                parameter.copy_(torch.randn(parameter.shape, generator=generator))
    for block in net.backbone.blocks:
        block[2].p = dropout
    assert net._batch_ensemble

    def run(fast: bool):
        net._batch_ensemble = fast
        net.zero_grad()
        torch.manual_seed(1)  # the same dropout masks on both paths
        out = net(X)
        (
            out * torch.linspace(-1, 1, out.numel(), dtype=out.dtype).view(out.shape)
        ).sum().backward()
        return out.detach(), {n: p.grad.clone() for n, p in net.named_parameters()}

    fast_out, fast_grads = run(True)
    reference_out, reference_grads = run(False)
    torch.testing.assert_close(fast_out, reference_out)
    assert fast_grads.keys() == reference_grads.keys()
    for name in reference_grads:
        torch.testing.assert_close(fast_grads[name], reference_grads[name], msg=name)
    # tabm-mini has no per-block adapters: it keeps the package's forward.
    mini = TabMNet(**TabMNet.data_kwargs(X.numpy(), None, n_bins=5), num_classes=3,
                   arch_type="tabm-mini")  # fmt: skip
    assert not mini._batch_ensemble
