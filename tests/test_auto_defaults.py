"""``lr="auto"`` and ``batch_size="auto"``: the MLP keeps 1e-3 and 64, TabM's grow with rows."""

import numpy as np
import pytest
import torch

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.classifier._auto import resolve_lr, tabm_batch_size
from sk_ordinal_kl.tabm import TabMNet

SMALL_TABM = {"module": "tabm", "module__k": 2, "module__d_block": 8, "max_epochs": 1}


def _rows(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    return X, np.digitize(X[:, 0], [-0.5, 0.5])


def _batch_sizes(clf):
    batches = clf.history[-1, "batches"]  # the validation batches are listed too
    return [batch["train_batch_size"] for batch in batches if "train_batch_size" in batch]


@pytest.mark.parametrize(
    ("n_rows", "batch_size"),
    [(1, 64), (2999, 64), (3000, 128), (5999, 128), (6000, 256), (12000, 512), (24000, 1024),
     (10**7, 1024)],
)  # fmt: skip
def test_tabm_batch_size_doubles_with_the_rows(n_rows, batch_size):
    assert tabm_batch_size(n_rows) == batch_size


def test_tabm_lr_grows_as_the_fourth_root_of_the_batch():
    for batch_size in (64, 128, 512, 1024):
        expected = 3e-3 * (batch_size / 64) ** 0.25
        assert resolve_lr("auto", tabm=True, batch_size=batch_size) == pytest.approx(expected)
    assert resolve_lr("auto", tabm=True, batch_size=-1) == pytest.approx(3e-3)
    assert resolve_lr("auto", tabm=False, batch_size=512) == 1e-3
    assert resolve_lr(0.5, tabm=True, batch_size=512) == 0.5


def test_mlp_keeps_lr_1e3_and_batches_of_64():
    X, y = _rows(7000)
    clf = OrdinalKLClassifier(max_epochs=1, random_state=0).fit(X, y)
    assert (clf.lr, clf.batch_size) == ("auto", "auto")
    assert (clf.lr_, clf.batch_size_) == (1e-3, 64)
    assert clf.optimizer_.param_groups[0]["lr"] == 1e-3
    sizes = _batch_sizes(clf)
    assert sizes[:-1] == [64] * (len(sizes) - 1) and len(sizes) == -(-7000 // 64)


def test_tabm_resolves_from_the_rows_passed_to_fit():
    X, y = _rows(7000)
    clf = OrdinalKLClassifier(random_state=0, **SMALL_TABM).fit(X, y)
    assert clf.batch_size_ == 256
    assert clf.lr_ == pytest.approx(3e-3 * 4**0.25)
    assert clf.optimizer_.param_groups[0]["lr"] == pytest.approx(clf.lr_)
    # 10% held out for early stopping: 6,300 training rows in batches of 256.
    sizes = _batch_sizes(clf)
    assert sizes[:-1] == [256] * (len(sizes) - 1) and sum(sizes) == 6300
    # A small fit of the same estimator resolves again.
    X_small, y_small = _rows(500)
    clf.fit(X_small, y_small)
    assert (clf.batch_size_, clf.lr_) == (64, pytest.approx(3e-3))
    # A TabMNet instance is TabM too.
    net = TabMNet(**TabMNet.data_kwargs(X, None, n_bins=4), num_classes=3, k=2, d_block=8)
    clf = OrdinalKLClassifier(module=net, max_epochs=1, classes=[0, 1, 2]).fit(X, y)
    assert clf.batch_size_ == 256


def test_given_values_win_over_auto():
    X, y = _rows(7000)
    clf = OrdinalKLClassifier(batch_size=100, lr=0.02, random_state=0, **SMALL_TABM).fit(X, y)
    assert (clf.batch_size_, clf.lr_) == (100, 0.02)
    assert _batch_sizes(clf)[0] == 100
    clf = OrdinalKLClassifier(optimizer__lr=0.05, random_state=0, **SMALL_TABM).fit(X, y)
    assert clf.optimizer_.param_groups[0]["lr"] == clf.lr_ == 0.05
    clf = OrdinalKLClassifier(iterator_train__batch_size=32, random_state=0, **SMALL_TABM)
    assert _batch_sizes(clf.fit(X, y))[0] == 32
    clf = OrdinalKLClassifier(batch_size=-1, random_state=0, **SMALL_TABM).fit(X, y)
    assert _batch_sizes(clf) == [6300] and clf.lr_ == pytest.approx(3e-3)


def test_partial_fit_keeps_the_resolved_batch_size_and_set_params_lr_auto():
    X, y = _rows(7000)
    clf = OrdinalKLClassifier(random_state=0, **SMALL_TABM).partial_fit(X, y)
    assert clf.batch_size_ == 256
    clf.partial_fit(X[:500], y[:500])  # later chunks keep the first call's batches
    assert clf.batch_size_ == 256 and _batch_sizes(clf)[0] == 256
    clf.set_params(lr=0.1)
    assert clf.optimizer_.param_groups[0]["lr"] == 0.1
    clf.set_params(lr="auto")  # back to the resolved value, and "auto" kept as given
    assert clf.lr == "auto"
    assert clf.optimizer_.param_groups[0]["lr"] == pytest.approx(3e-3 * 4**0.25)
    clf.set_params(batch_size=50)
    clf.partial_fit(X[:500], y[:500])
    assert clf.batch_size_ == 50 and _batch_sizes(clf)[0] == 50


def test_auto_parameters_are_validated():
    X, y = _rows(100)
    for params, message in (({"lr": "fast"}, "lr"), ({"batch_size": "big"}, "batch_size")):
        with pytest.raises(ValueError, match=message):
            OrdinalKLClassifier(**params).fit(X, y)


def test_prediction_before_fit_uses_batches_of_64():
    X, _ = _rows(200)
    clf = OrdinalKLClassifier(classes=[0, 1, 2], module__in_features=3).initialize()
    assert not hasattr(clf, "batch_size_")
    assert clf.predict_proba(X).shape == (200, 3)
    assert clf.get_iterator(torch.utils.data.TensorDataset(torch.zeros(5, 3))).batch_size == 64
