"""``max_epochs="auto"``: 2,000 optimizer steps within 100 to 500 epochs."""

import io
import math
from contextlib import redirect_stdout

import numpy as np
import pytest

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.benchmark.peers import MLPRegressorNet
from sk_ordinal_kl.classifier._auto import MAX_EPOCHS, MIN_EPOCHS, MIN_STEPS, auto_epochs


@pytest.mark.parametrize(
    ("n_rows", "batch_size", "expected"),
    [
        (18, 64, 500),  # one batch per epoch: 2,000 epochs would do, 500 is the cap
        (225, 64, 500),  # 4 batches: 500 epochs
        (468, 64, 250),  # 8 batches: 2,000 steps
        (1000, 64, 125),  # 16 batches: ceil(2000 / 16)
        (2000, 64, 100),  # 32 batches: 63 epochs would do, 100 is the floor
        (50_000, 64, 100),
        (500, -1, 500),  # full batch: one step per epoch
        (500, 1000, 500),  # a batch larger than the rows is one batch
    ],
)
def test_auto_epochs_aim_at_the_steps_within_the_epoch_bounds(n_rows, batch_size, expected):
    assert auto_epochs(n_rows, batch_size) == expected
    batches = 1 if batch_size == -1 else math.ceil(n_rows / batch_size)
    assert MIN_EPOCHS <= expected <= MAX_EPOCHS
    # The smallest number within the bounds that reaches the steps (or the cap).
    assert expected * batches >= MIN_STEPS or expected == MAX_EPOCHS
    assert (expected - 1) * batches < MIN_STEPS or expected == MIN_EPOCHS


def _data(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    return X, np.arange(n) % 3


def test_auto_is_resolved_from_the_rows_of_each_fit():
    X, y = _data(150)
    net = OrdinalKLClassifier(random_state=0, module__hidden_units=(4,)).fit(X, y)
    assert net.max_epochs == "auto"  # the parameter is kept as given
    assert net.max_epochs_ == auto_epochs(150, 64) == 500
    assert len(net.history_) == net.max_epochs_
    net.fit(*_data(2000))
    assert net.max_epochs_ == 100 and len(net.history_) == 100


def test_an_explicit_number_of_epochs_is_kept():
    X, y = _data(150)
    net = OrdinalKLClassifier(max_epochs=7, random_state=0).fit(X, y)
    assert net.max_epochs_ == 7 and len(net.history_) == 7


def test_early_stopping_counts_only_the_rows_that_train():
    X, y = _data(800)
    net = OrdinalKLClassifier(
        early_stopping=True, validation_fraction=0.2, n_iter_no_change=2, random_state=0
    ).fit(X, y)
    # 640 training rows: 10 batches, 200 epochs (all 800 rows would give 13 and 154).
    assert net.max_epochs_ == auto_epochs(640, 64) == 200
    assert len(net.history_) <= net.max_epochs_


def test_partial_fit_trains_auto_epochs_more_each_call():
    X, y = _data(2000)
    net = OrdinalKLClassifier(random_state=0, module__hidden_units=(4,))
    net.partial_fit(X, y)
    net.partial_fit(X[:150], y[:150])
    assert net.max_epochs_ == auto_epochs(150, 64)
    assert len(net.history_) == 100 + auto_epochs(150, 64)


def test_invalid_max_epochs_is_refused_before_training():
    X, y = _data(30)
    for bad in ("many", 0, 2.5):
        with pytest.raises(ValueError, match="max_epochs"):
            OrdinalKLClassifier(max_epochs=bad).fit(X, y)


def test_the_regression_peer_resolves_auto_alike():
    X, y = _data(225)
    net = MLPRegressorNet(max_epochs="auto", random_state=0, module__hidden_units=(4,))
    net.fit(X, y.astype(np.float32))
    assert len(net.history_) == auto_epochs(225, net.batch_size)


def test_the_epoch_table_prints_only_when_verbose():
    X, y = _data(40)
    for verbose, printed in ((0, False), (1, True)):
        out = io.StringIO()
        with redirect_stdout(out):
            OrdinalKLClassifier(max_epochs=2, verbose=verbose, random_state=0).fit(X, y)
        assert ("train_loss" in out.getvalue()) is printed
