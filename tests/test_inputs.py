"""Inputs skorch users pass: N-D arrays and tensors, dicts, torch Datasets, SliceDataset;
and what preprocessing Pipelines pass: sparse matrices, DataFrames with string columns."""

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from skorch.helper import SliceDataset
from torch import nn
from torch.utils.data import Dataset, TensorDataset

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.metrics import neg_mse_class_index_scorer
from sk_ordinal_kl.preprocessing import make_tabular_preprocessor

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


# --------------------------------------------------------------------------- #
# What a preprocessing Pipeline gives: sparse matrices; DataFrames with strings
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def cities():
    """A table with a 40-level string column, as one-hot encoders turn into sparse X."""
    rng = np.random.default_rng(0)
    n = 300
    city = rng.choice([f"city_{i:02d}" for i in range(40)], size=n)
    effect = {name: rng.normal() for name in np.unique(city)}
    frame = pd.DataFrame({"city": city, "size": rng.normal(size=n), "age": rng.normal(size=n)})
    score = frame["size"] + np.array([effect[c] for c in city]) + 0.3 * rng.normal(size=n)
    y = np.digitize(score, np.quantile(score, [0.25, 0.5, 0.75]))
    return frame, y


def _one_hot(sparse_output: bool) -> ColumnTransformer:
    return ColumnTransformer(
        [
            ("city", OneHotEncoder(handle_unknown="ignore"), ["city"]),
            ("numbers", StandardScaler(), ["size", "age"]),
        ],
        sparse_threshold=0.3 if sparse_output else 0.0,
    )


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_sparse_X_trains_and_predicts_as_dense_X(cities, fmt, early_stopping):
    frame, y = cities
    X = _one_hot(sparse_output=False).fit_transform(frame)
    X_sparse = sparse.csr_matrix(X).asformat(fmt)
    params = {**FAST, "early_stopping": early_stopping}
    dense_model = OrdinalKLClassifier(**params).fit(X, y)
    sparse_model = OrdinalKLClassifier(**params).fit(X_sparse, y)
    assert sparse_model.n_features_in_ == X.shape[1]
    np.testing.assert_array_equal(
        sparse_model.predict_proba(X_sparse), dense_model.predict_proba(X)
    )
    np.testing.assert_array_equal(sparse_model.predict(X_sparse), dense_model.predict(X))
    np.testing.assert_array_equal(sparse_model.predict(X), dense_model.predict(X))


def test_sparse_one_hot_output_in_a_pipeline_and_grid_search(cities):
    frame, y = cities
    assert sparse.issparse(_one_hot(sparse_output=True).fit_transform(frame))

    def search(sparse_output):
        pipe = make_pipeline(_one_hot(sparse_output), OrdinalKLClassifier(**FAST))
        grid = {"ordinalklclassifier__alpha": [0.0, 2.0]}
        scoring = neg_mse_class_index_scorer
        return GridSearchCV(pipe, grid, cv=3, scoring=scoring).fit(frame, y)

    from_sparse, from_dense = search(True), search(False)
    np.testing.assert_array_equal(
        from_sparse.cv_results_["mean_test_score"], from_dense.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(
        from_sparse.predict_proba(frame), from_dense.predict_proba(frame)
    )
    assert from_sparse.score(frame, y) > neg_mse_class_index_scorer(
        DummyClassifier().fit(frame, y), frame, y
    )


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_sparse_X_raises_before_training(bad):
    X = sparse.random(20, 3, density=0.5, format="csr", random_state=0)
    X.data[0] = bad
    clf = OrdinalKLClassifier(**FAST)
    with pytest.raises(ValueError, match=r"NaN|infinity"):
        clf.fit(X, np.arange(20) % 2)
    assert not clf.initialized_
    fitted = OrdinalKLClassifier(**FAST).fit(sparse.eye(20, 3, format="csr"), np.arange(20) % 2)
    with pytest.raises(ValueError, match=r"NaN|infinity"):
        fitted.predict_proba(X)


def test_string_columns_are_named_before_training():
    frame = pd.DataFrame(
        {
            "city": ["Lyon", "Paris"] * 10,
            "size": np.arange(20.0),
            "when": pd.date_range("2020-01-01", periods=20),
            "counts": pd.Series(list(range(20)), dtype=object),  # numbers: accepted
        }
    )
    clf = OrdinalKLClassifier(**FAST)
    with pytest.raises(ValueError, match=r"'city', 'when'.*make_tabular_preprocessor") as info:
        clf.fit(frame, np.arange(20) % 2)
    assert "'counts'" not in str(info.value) and "'size'" not in str(info.value)
    assert not clf.initialized_
    OrdinalKLClassifier(**FAST).fit(frame[["size", "counts"]], np.arange(20) % 2)
    preprocessor = make_tabular_preprocessor(min_frequency=None)
    pipe = make_pipeline(preprocessor, OrdinalKLClassifier(**FAST))
    assert pipe.fit(frame, np.arange(20) % 2).predict(frame).shape == (20,)
