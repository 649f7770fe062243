"""Inputs skorch users pass: N-D arrays and tensors, dicts, torch Datasets, SliceDataset."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, cross_val_score
from skorch.helper import SliceDataset
from torch import nn
from torch.utils.data import Dataset, TensorDataset

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.metrics import neg_mse_class_index_scorer

FAST = {"max_epochs": 8, "random_state": 0, "lr": 1e-2}


class TinyCNN(nn.Module):
    """Images (N, 1, 8, 8) -> logits; constructor takes num_classes only."""

    def __init__(self, num_classes):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.head = nn.Linear(4 * 8 * 8, num_classes)

    def forward(self, X):
        return self.head(torch.relu(self.conv(X)).flatten(1))


class SequenceNet(nn.Module):
    """Sequences (N, T, F) -> logits, mean over time."""

    def __init__(self, num_classes, n_features=3):
        super().__init__()
        self.linear = nn.Linear(n_features, num_classes)

    def forward(self, X):
        return self.linear(X.mean(dim=1))


class TwoInputNet(nn.Module):
    """forward(numeric, codes): a dense input and an integer category code."""

    def __init__(self, num_classes, n_numeric=4, n_codes=3):
        super().__init__()
        self.embedding = nn.Embedding(n_codes, 2)
        self.linear = nn.Linear(n_numeric + 2, num_classes)

    def forward(self, numeric, codes):
        return self.linear(torch.cat([numeric, self.embedding(codes)], dim=1))


@pytest.fixture(scope="module")
def images():
    """Class = brightness of the top-left quadrant, in 3 ordered levels."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=150)
    X = rng.normal(scale=0.3, size=(150, 1, 8, 8)).astype(np.float32)
    X[:, :, :4, :4] += y[:, None, None, None]
    return X, y


def test_images_as_nd_array_fit_predict_and_search(images):
    X, y = images
    clf = OrdinalKLClassifier(module=TinyCNN, **FAST).fit(X, y)
    assert clf.n_features_in_ == 1  # channels, as scikit-learn counts N-D input
    assert clf.predict_proba(X).shape == (150, 3)
    assert (clf.predict(X) == y).mean() > 0.8
    search = GridSearchCV(
        OrdinalKLClassifier(module=TinyCNN, **FAST), {"alpha": [0.0, 1.0]}, cv=2
    ).fit(X, y)
    assert search.best_estimator_.predict(X[:4]).shape == (4,)
    scores = cross_val_score(clf, X, y, cv=2, scoring=neg_mse_class_index_scorer)
    assert scores.shape == (2,) and (scores > -1).all()


def test_images_as_tensor(images):
    X, y = images
    clf = OrdinalKLClassifier(module=TinyCNN, **FAST).fit(torch.from_numpy(X), torch.from_numpy(y))
    np.testing.assert_array_equal(clf.predict(torch.from_numpy(X)), clf.predict(X))


def test_sequences_3d():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, size=120)
    X = rng.normal(size=(120, 6, 3)) + 2.0 * y[:, None, None] * np.array([1.0, 0.0, 0.0])
    params = {**FAST, "max_epochs": 40, "lr": 0.05}
    clf = OrdinalKLClassifier(module=SequenceNet, **params).fit(X, y)
    assert (clf.predict(X) == y).mean() > 0.6


def test_default_mlp_says_it_needs_2d(images):
    X, y = images
    with pytest.raises(ValueError, match=r"TabularMLP\) takes 2-D X .*shape \(150, 1, 8, 8\)"):
        OrdinalKLClassifier(**FAST).fit(X, y)


def test_dict_of_arrays_reaches_forward_as_keywords():
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 3, size=200)
    numeric = rng.normal(size=(200, 4))
    y = np.clip(codes + (numeric[:, 0] > 0.5), 0, 3)
    X = {"numeric": numeric, "codes": codes}
    clf = OrdinalKLClassifier(module=TwoInputNet, **{**FAST, "max_epochs": 30}).fit(X, y)
    assert clf.predict_proba(X).shape == (200, 4)
    assert (clf.predict(X) == y).mean() > 0.7
    with pytest.raises(ValueError, match="different numbers of samples"):
        clf.predict({"numeric": numeric, "codes": codes[:-1]})
    with pytest.raises(ValueError, match=r"X\['numeric'\] contains NaN"):
        clf.fit({"numeric": np.where(numeric > 2, np.nan, numeric), "codes": codes}, y)


class LabelledImages(Dataset):
    """A user's dataset of (image, label) pairs with string labels."""

    def __init__(self, X, labels):
        self.X, self.labels = X, labels

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return torch.from_numpy(self.X[i]), self.labels[i]


def test_torch_dataset_with_labels_inside(images):
    X, y = images
    order = np.array(["low", "mid", "high"], dtype=object)
    dataset = LabelledImages(X, order[y])
    clf = OrdinalKLClassifier(module=TinyCNN, classes=list(order), **FAST).fit(dataset)
    assert list(clf.ordinal_classes_) == list(order)
    pred = clf.predict(dataset)
    assert (pred == order[y]).mean() > 0.8
    assert clf.score(dataset, None) == pytest.approx((pred == order[y]).mean())
    with pytest.raises(ValueError, match="Pass y=None with a torch Dataset"):
        clf.fit(dataset, order[y])


def test_tensor_dataset_with_integer_label_tensors(images):
    X, y = images
    dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    clf = OrdinalKLClassifier(module=TinyCNN, **FAST).fit(dataset)
    assert list(clf.classes_) == [0, 1, 2]
    assert clf.predict_proba(dataset).shape == (150, 3)


def test_slice_dataset_in_grid_search(images):
    X, y = images
    dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    X_sliced = SliceDataset(dataset, idx=0)
    search = GridSearchCV(
        OrdinalKLClassifier(module=TinyCNN, **FAST),
        {"sigma": [0.5, 2.0]},
        cv=2,
        scoring=neg_mse_class_index_scorer,
    ).fit(X_sliced, y)
    assert search.best_score_ > -1.0
    assert search.predict(X_sliced).shape == (150,)


@pytest.mark.parametrize(
    "X",
    [object(), "a string", 3.0, {1: np.zeros((4, 2))}],
    ids=["object", "string", "scalar", "int_keys"],
)
def test_anything_else_says_what_is_accepted(X):
    with pytest.raises((TypeError, ValueError), match=r"X must be|string keys|Expected 2D|scalar"):
        OrdinalKLClassifier(**FAST).fit(X, np.arange(4) % 2)
