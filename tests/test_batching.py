"""ArrayBatchLoader: every row once per epoch, skorch splits, fallbacks, equivalence."""

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import sparse
from sklearn.model_selection import GridSearchCV
from skorch.dataset import Dataset, ValidSplit
from torch.utils.data import DataLoader, Subset, TensorDataset

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.batching import ArrayBatchLoader

FAST = {"max_epochs": 4, "random_state": 0}


def _dataset(n=23, d=3):
    X = np.arange(n * d, dtype=np.float32).reshape(n, d)
    y = np.arange(n, dtype=np.int64)  # y == row id, to track rows
    return Dataset(X, y)


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("batch_size", [1, 5, 23, 64])
def test_every_row_once_per_epoch(shuffle, drop_last, batch_size):
    n, d = 23, 3
    loader = ArrayBatchLoader(
        _dataset(n, d), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last
    )
    full, rest = divmod(n, batch_size)
    expected_batches = full if drop_last else full + (rest > 0)
    assert len(loader) == expected_batches
    for _ in range(2):  # two epochs
        batches = list(loader)
        assert len(batches) == expected_batches
        seen = torch.cat([yb for _, yb in batches] or [torch.empty(0, dtype=torch.int64)])
        for Xb, yb in batches:
            assert Xb.dtype == torch.float32 and yb.dtype == torch.int64
            assert Xb.shape[1] == d and Xb.shape[0] == yb.shape[0]
            assert Xb.shape[0] == batch_size or (not drop_last and Xb is batches[-1][0])
            torch.testing.assert_close(Xb[:, 0], yb.to(torch.float32) * d)  # rows stay paired
        if drop_last:
            assert len(seen) == full * batch_size
            assert len(set(seen.tolist())) == len(seen)
        else:
            assert sorted(seen.tolist()) == list(range(n))
        if not shuffle:
            assert seen.tolist() == list(range(len(seen)))


def test_shuffle_changes_order_between_epochs():
    loader = ArrayBatchLoader(_dataset(200), batch_size=50, shuffle=True)
    first, second = (torch.cat([yb for _, yb in loader]) for _ in range(2))
    assert not torch.equal(first, second)


def test_subset_of_skorch_dataset_is_sliced_not_fallen_back():
    subset = Subset(_dataset(23), [3, 5, 7, 11])
    loader = ArrayBatchLoader(subset, batch_size=3)
    assert loader._fallback is None
    assert torch.cat([yb for _, yb in loader]).tolist() == [3, 5, 7, 11]


def test_dataset_without_y():
    loader = ArrayBatchLoader(Dataset(np.zeros((5, 2), dtype=np.float32), None), batch_size=2)
    batches = list(loader)
    assert [tuple(Xb.shape) for Xb, _ in batches] == [(2, 2), (2, 2), (1, 2)]
    assert all(yb is None for _, yb in batches)


def test_non_skorch_dataset_falls_back_to_dataloader():
    ds = TensorDataset(torch.zeros(7, 2), torch.arange(7))
    loader = ArrayBatchLoader(ds, batch_size=3)
    assert isinstance(loader._fallback, DataLoader)
    assert len(loader) == 3
    assert torch.cat([yb for _, yb in loader]).tolist() == list(range(7))


def test_extra_loader_kwargs_fall_back_to_dataloader():
    calls = []

    def collate(rows):
        calls.append(len(rows))
        return torch.utils.data.default_collate(rows)

    loader = ArrayBatchLoader(_dataset(10), batch_size=4, num_workers=0, collate_fn=collate)
    assert isinstance(loader._fallback, DataLoader)
    assert sum(len(yb) for _, yb in loader) == 10
    assert calls == [4, 4, 2]


# ------------------------------------------------------- through the estimator
@pytest.fixture
def data(ordinal_data):
    X, y = ordinal_data
    return X.astype(np.float32), y


def test_estimator_with_valid_split_records_valid_loss(data):
    X, y = data
    net = OrdinalKLClassifier(train_split=ValidSplit(5), **FAST).fit(X, y)
    assert len(net.history_) == FAST["max_epochs"]
    assert all(np.isfinite(net.history_[:, "valid_loss"]))
    assert all(np.isfinite(net.history_[:, "train_loss"]))


def test_estimator_with_early_stopping_records_valid_loss(data):
    X, y = data
    net = OrdinalKLClassifier(early_stopping=True, n_iter_no_change=2, **FAST).fit(X, y)
    assert all(np.isfinite(net.history_[:, "valid_loss"]))


def test_estimator_with_dataloader_kwargs(data):
    X, y = data
    seen = []

    def collate(rows):
        seen.append(len(rows))
        return torch.utils.data.default_collate(rows)

    net = OrdinalKLClassifier(
        batch_size=64, iterator_train__num_workers=0, iterator_train__collate_fn=collate, **FAST
    ).fit(X, y)
    assert sum(seen) == FAST["max_epochs"] * len(X)
    assert net.predict_proba(X).shape == (len(X), 4)


def test_same_predictions_as_dataloader_without_shuffle(data):
    X, y = data
    common = {"iterator_train__shuffle": False, "module__dropout": 0.0, **FAST}
    ours = OrdinalKLClassifier(**common).fit(X, y)
    stock = OrdinalKLClassifier(iterator_train=DataLoader, iterator_valid=DataLoader, **common)
    stock.fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), stock.predict_proba(X), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(
        ours.history_[:, "train_loss"], stock.history_[:, "train_loss"], rtol=1e-5
    )


def test_pandas_input(data):
    X, y = data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    net = OrdinalKLClassifier(**FAST).fit(frame, pd.Series(y))
    reference = OrdinalKLClassifier(**FAST).fit(X, y)
    np.testing.assert_allclose(net.predict_proba(frame), reference.predict_proba(X), rtol=1e-5)


def test_inside_grid_search(data):
    X, y = data
    search = GridSearchCV(
        OrdinalKLClassifier(max_epochs=2, random_state=0), {"batch_size": [32, 128]}, cv=2
    ).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_estimator_.predict(X).shape == (len(X),)


@pytest.mark.parametrize("drop_last", [False, True])
def test_gathered_epoch_matches_batch_by_batch(monkeypatch, drop_last):
    # A shuffled epoch is gathered at once below a size limit: same batches as gathering
    # batch by batch from the same permutation, also for a dict of targets.
    import sk_ordinal_kl.batching as batching

    X = np.arange(46, dtype=np.float32).reshape(23, 2)
    y = {"index": np.arange(23), "sample_weight": np.linspace(0, 1, 23)}

    def batches(limit):
        monkeypatch.setattr(batching, "_GATHER_EPOCH_MAX_BYTES", limit)
        torch.manual_seed(0)
        loader = ArrayBatchLoader(Dataset(X, y), batch_size=5, shuffle=True, drop_last=drop_last)
        return [(Xb.tolist(), {k: v.tolist() for k, v in yb.items()}) for Xb, yb in loader]

    gathered, sliced = batches(2**30), batches(0)
    assert gathered == sliced
    assert len(gathered) == (4 if drop_last else 5)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("shuffle", [False, True])
def test_sparse_X_is_made_dense_one_batch_at_a_time(monkeypatch, fmt, shuffle):
    """The same batches as from the dense array, and only a batch's rows made dense."""
    import sk_ordinal_kl.batching as batching

    X = np.arange(69, dtype=np.float32).reshape(23, 3)
    X[X % 4 < 2] = 0
    y = np.arange(23)
    densified = []
    dense = batching._dense

    def recording_dense(values):
        if sparse.issparse(values):
            densified.append(values.shape[0])
        return dense(values)

    monkeypatch.setattr(batching, "_dense", recording_dense)

    def batches(X):
        torch.manual_seed(0)
        loader = ArrayBatchLoader(Dataset(X, y), batch_size=5, shuffle=shuffle)
        return loader, list(loader)

    sparse_loader, from_sparse = batches(sparse.csr_matrix(X).asformat(fmt))
    assert sparse.issparse(sparse_loader.X)
    assert densified == [5, 5, 5, 5, 3]
    _, from_dense = batches(X)
    assert len(from_sparse) == len(from_dense)
    for (Xs, ys), (Xd, yd) in zip(from_sparse, from_dense, strict=True):
        assert Xs.dtype == torch.float32
        assert torch.equal(Xs, Xd) and torch.equal(ys, yd)


def test_subset_of_sparse_X_stays_sparse():
    X = sparse.random(23, 4, density=0.3, format="csr", dtype=np.float32, random_state=0)
    loader = ArrayBatchLoader(Subset(Dataset(X, np.arange(23)), [3, 5, 7, 11]), batch_size=3)
    assert sparse.issparse(loader.X) and loader.X.shape == (4, 4)
    (X1, y1), (X2, y2) = loader
    assert y1.tolist() == [3, 5, 7] and y2.tolist() == [11]
    np.testing.assert_array_equal(X1.numpy(), X[[3, 5, 7]].toarray())
    np.testing.assert_array_equal(X2.numpy(), X[[11]].toarray())
