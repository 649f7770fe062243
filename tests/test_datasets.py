"""Tests for :mod:`sk_ordinal_kl.datasets`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED_DATASETS
from scipy.stats import spearmanr
from sklearn.datasets import load_diabetes

from sk_ordinal_kl.datasets import (
    OrdinalSplit,
    holdout_splits,
    list_holdouts,
    list_orreview_datasets,
    load_diabetes_ordinal,
    load_orreview,
    load_orreview_holdout,
    make_ordinal_classification,
)

SHARED = SHARED_DATASETS
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"shared orreview datasets not found at {SHARED}"
)

# name, rows (train + test), features, K, holdouts — as documented with the reference data
README_TABLE = [
    ("contact-lenses", 24, 6, 3, 30),
    ("pasture", 36, 25, 3, 30),
    ("pyrim10", 74, 26, 10, 20),
    ("tae", 151, 54, 3, 30),
    ("toy", 300, 2, 5, 30),
    ("ESL", 488, 4, 9, 30),
    ("balance-scale", 625, 4, 3, 30),
    ("ERA", 1000, 4, 9, 30),
    ("winequality-red", 1599, 11, 6, 30),
    ("car", 1728, 21, 4, 30),
]


# --------------------------------------------------------------------------- #
# Shared real datasets
# --------------------------------------------------------------------------- #


@needs_shared
def test_shared_dataset_names():
    assert list_orreview_datasets(SHARED) == sorted(row[0] for row in README_TABLE)


@needs_shared
@pytest.mark.parametrize(("name", "rows", "n_features", "n_classes", "n_holdouts"), README_TABLE)
def test_shared_dataset_matches_readme(name, rows, n_features, n_classes, n_holdouts):
    assert list_holdouts(SHARED, name) == list(range(n_holdouts))
    split = load_orreview_holdout(SHARED, name, 0)
    assert isinstance(split, OrdinalSplit)
    assert (split.name, split.holdout) == (name, 0)
    assert split.X_train.dtype == np.float64 and split.X_test.dtype == np.float64
    assert split.y_train.dtype == np.int64 and split.y_test.dtype == np.int64
    assert split.X_train.shape[0] + split.X_test.shape[0] == rows
    assert split.X_train.shape[1] == split.X_test.shape[1] == split.n_features == n_features
    assert split.y_train.shape == (split.X_train.shape[0],)
    assert split.y_test.shape == (split.X_test.shape[0],)
    labels = np.concatenate([split.y_train, split.y_test])
    np.testing.assert_array_equal(np.unique(labels), np.arange(1, n_classes + 1))


@needs_shared
def test_shared_era_all_holdouts():
    splits = load_orreview(SHARED, "ERA")
    assert [s.holdout for s in splits] == list(range(30))
    for split in splits:
        assert split.X_train.shape[0] + split.X_test.shape[0] == 1000
        assert split.X_train.shape[1] == 4
        assert split.y_train.min() >= 1 and split.y_train.max() <= 9
        assert split.y_test.min() >= 1 and split.y_test.max() <= 9
    # Holdouts are different partitions of the same 1000 patterns.
    assert not np.array_equal(splits[0].X_test, splits[1].X_test)
    pooled = [np.concatenate([s.X_train, s.X_test]) for s in splits[:2]]
    order = [np.lexsort(p.T) for p in pooled]
    np.testing.assert_array_equal(pooled[0][order[0]], pooled[1][order[1]])


@needs_shared
def test_shared_era_first_row_exact():
    split = load_orreview_holdout(SHARED, "ERA", 0)
    first = (SHARED / "ERA" / "train_ERA.0").read_text().split("\n")[0].split()
    np.testing.assert_array_equal(split.X_train[0], [float(v) for v in first[:-1]])
    assert split.y_train[0] == int(float(first[-1]))


@needs_shared
def test_shared_pyrim10_subset_of_holdouts():
    splits = load_orreview(SHARED, "pyrim10", holdouts=[19, 3])
    assert [s.holdout for s in splits] == [19, 3]
    with pytest.raises(FileNotFoundError, match=r"train_pyrim10\.20"):
        load_orreview_holdout(SHARED, "pyrim10", 20)


# --------------------------------------------------------------------------- #
# Synthetic orreview folders
# --------------------------------------------------------------------------- #

TRAIN = "1.0 2.0 1\n3.5 -1 2\n0 0 3\n"
TEST = "2 2 2\n-4e-1 7 1\n"


def _write(folder: Path, name: str, k: int, train: str = TRAIN, test: str | None = TEST) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"train_{name}.{k}").write_text(train)
    if test is not None:
        (folder / f"test_{name}.{k}").write_text(test)


def test_load_synthetic_values(tmp_path):
    _write(tmp_path / "demo", "demo", 0)
    split = load_orreview_holdout(tmp_path, "demo", 0)
    np.testing.assert_array_equal(split.X_train, [[1.0, 2.0], [3.5, -1.0], [0.0, 0.0]])
    np.testing.assert_array_equal(split.y_train, [1, 2, 3])
    np.testing.assert_array_equal(split.X_test, [[2.0, 2.0], [-0.4, 7.0]])
    np.testing.assert_array_equal(split.y_test, [2, 1])
    assert split.y_train.dtype == np.int64 and split.X_train.dtype == np.float64
    assert split.X_train.flags.c_contiguous


def test_holdouts_sorted_numerically_and_need_both_files(tmp_path):
    folder = tmp_path / "demo"
    for k in (10, 2, 0, 1, 3):
        _write(folder, "demo", k)
    _write(folder, "demo", 5, test=None)  # train only: not a holdout
    (folder / "test_demo.7").write_text(TEST)  # test only: not a holdout
    (folder / "train_demo.01").write_text(TRAIN)  # leading zero: ignored
    (folder / "test_demo.01").write_text(TEST)
    (folder / "train_demo.4.bak").write_text(TRAIN)
    (folder / "train_other.4").write_text(TRAIN)
    (folder / "test_other.4").write_text(TEST)
    assert list_holdouts(tmp_path, "demo") == [0, 1, 2, 3, 10]
    assert [s.holdout for s in load_orreview(tmp_path, "demo")] == [0, 1, 2, 3, 10]


def test_folder_of_other_datasets(tmp_path):
    _write(tmp_path / "beta", "beta", 0)
    _write(tmp_path / "alpha", "alpha", 2)
    _write(tmp_path / "Zeta", "Zeta", 0)
    (tmp_path / "empty").mkdir()
    _write(tmp_path / "gamma", "delta", 0)  # files named after another dataset
    _write(tmp_path / "half", "half", 0, test=None)
    (tmp_path / "notes.txt").write_text("not a dataset")
    assert list_orreview_datasets(tmp_path) == ["Zeta", "alpha", "beta"]
    assert list_holdouts(tmp_path, "alpha") == [2]
    assert list_holdouts(tmp_path, "empty") == []
    assert load_orreview_holdout(tmp_path, "alpha", 2).name == "alpha"
    with pytest.raises(FileNotFoundError, match="no complete"):
        load_orreview(tmp_path, "empty")


def test_matlab_nesting(tmp_path):
    _write(tmp_path / "nested" / "matlab", "nested", 0)
    _write(tmp_path / "nested" / "matlab", "nested", 1)
    _write(tmp_path / "flat", "flat", 0)
    assert list_orreview_datasets(tmp_path) == ["flat", "nested"]
    assert list_holdouts(tmp_path, "nested") == [0, 1]
    splits = load_orreview(tmp_path, "nested")
    assert [s.holdout for s in splits] == [0, 1]
    np.testing.assert_array_equal(splits[1].y_train, [1, 2, 3])


def test_blank_lines_crlf_and_tabs_are_tolerated(tmp_path):
    _write(tmp_path / "d", "d", 0, train="\n1\t2 1\r\n\r\n3  4 2\r\n\n", test="5 6 1")
    split = load_orreview_holdout(tmp_path, "d", 0)
    np.testing.assert_array_equal(split.X_train, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(split.y_train, [1, 2])
    np.testing.assert_array_equal(split.X_test, [[5, 6]])


def test_missing_paths_raise_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        list_orreview_datasets(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_orreview_holdout(tmp_path / "nowhere", "d", 0)
    with pytest.raises(FileNotFoundError, match="missing"):
        list_holdouts(tmp_path, "missing")
    _write(tmp_path / "d", "d", 0, test=None)
    with pytest.raises(FileNotFoundError, match=r"test_d\.0"):
        load_orreview_holdout(tmp_path, "d", 0)
    with pytest.raises(FileNotFoundError, match=r"train_d\.3"):
        load_orreview_holdout(tmp_path, "d", 3)
    with pytest.raises(FileNotFoundError, match=r"train_d\.3"):
        load_orreview(tmp_path, "d", holdouts=[3])


@pytest.mark.parametrize(
    ("train", "message"),
    [
        ("1 2 1\n3 2\n", r"train_bad\.0, line 2: ragged row"),
        ("1 2 1\n\n3 x 2\n", r"train_bad\.0, line 3: non-numeric value 'x'"),
        ("1,2,1\n", r"line 1: non-numeric value '1,2,1'"),
        ("1 2 1\n3 nan 2\n", r"train_bad\.0, line 2, column 2: non-finite"),
        ("1 inf 1\n", r"train_bad\.0, line 1, column 2: non-finite"),
        ("1 2 1\n3 4 2.5\n", r"train_bad\.0, line 2: label .* not an integer"),
        ("1 2 -inf\n", r"line 1, column 3: non-finite"),
        ("", r"train_bad\.0: file holds no data rows"),
        ("\n  \n", r"no data rows"),
        ("1\n2\n", r"at least one feature column"),
    ],
)
def test_malformed_files_raise_value_error(tmp_path, train, message):
    _write(tmp_path / "bad", "bad", 0, train=train)
    with pytest.raises(ValueError, match=message):
        load_orreview_holdout(tmp_path, "bad", 0)


def test_feature_count_mismatch(tmp_path):
    _write(tmp_path / "bad", "bad", 0, test="1 2 3 1\n")
    with pytest.raises(ValueError, match=r"feature-count mismatch.*train_bad\.0.*test_bad\.0"):
        load_orreview_holdout(tmp_path, "bad", 0)


def test_malformed_test_file_is_named(tmp_path):
    _write(tmp_path / "bad", "bad", 0, test="1 2 1\n1 2 y\n")
    with pytest.raises(ValueError, match=r"test_bad\.0, line 2"):
        load_orreview_holdout(tmp_path, "bad", 0)


def test_binary_file_is_value_error(tmp_path):
    _write(tmp_path / "bin", "bin", 0)
    (tmp_path / "bin" / "train_bin.0").write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ValueError, match=r"train_bin\.0"):
        load_orreview_holdout(tmp_path, "bin", 0)


@pytest.mark.parametrize(
    ("name", "holdout", "bad"),
    [
        ("", 0, "name"),
        ("a/b", 0, "name"),
        ("..", 0, "name"),
        ("d", -1, "holdout"),
        ("d", 0.0, "holdout"),
    ],
)
def test_bad_name_or_holdout(tmp_path, name, holdout, bad):
    _write(tmp_path / "d", "d", 0)
    with pytest.raises(ValueError, match=bad):
        load_orreview_holdout(tmp_path, name, holdout)


def test_ordinal_split_is_frozen():
    split = OrdinalSplit(
        np.zeros((2, 1)), np.array([1, 2]), np.zeros((1, 1)), np.array([1]), "x", 0
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        split.name = "y"


# --------------------------------------------------------------------------- #
# make_ordinal_classification
# --------------------------------------------------------------------------- #


def test_generator_shapes_and_determinism():
    X, y = make_ordinal_classification(n_samples=300, n_features=7, random_state=3)
    assert X.shape == (300, 7) and y.shape == (300,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    X2, y2 = make_ordinal_classification(n_samples=300, n_features=7, random_state=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, y3 = make_ordinal_classification(n_samples=300, n_features=7, random_state=4)
    assert not np.array_equal(X, X3)
    assert not np.array_equal(y, y3)
    rng = np.random.RandomState(3)
    X4, _ = make_ordinal_classification(n_samples=300, n_features=7, random_state=rng)
    np.testing.assert_array_equal(X, X4)


@pytest.mark.parametrize(("n_samples", "n_classes"), [(1000, 5), (997, 7), (50, 2), (10, 10)])
def test_generator_equal_frequency(n_samples, n_classes):
    _, y = make_ordinal_classification(
        n_samples=n_samples, n_classes=n_classes, noise=0.5, random_state=0
    )
    counts = np.bincount(y, minlength=n_classes)
    assert counts.size == n_classes and y.min() == 0
    assert np.all(np.abs(counts - n_samples / n_classes) < 1)
    assert counts.sum() == n_samples


def test_generator_tracks_latent_score():
    _, y_low, latent_low = make_ordinal_classification(
        n_samples=2000, noise=0.1, random_state=1, return_latent=True
    )
    _, y_high, latent_high = make_ordinal_classification(
        n_samples=2000, noise=3.0, random_state=1, return_latent=True
    )
    rho_low = spearmanr(y_low, latent_low).statistic
    rho_high = spearmanr(y_high, latent_high).statistic
    assert rho_low > 0.9
    assert 0.1 < rho_high < rho_low - 0.3


def test_generator_noise_free_labels_monotone_in_latent():
    _, y, latent = make_ordinal_classification(
        n_samples=500, noise=0.0, random_state=2, return_latent=True
    )
    order = np.argsort(latent)
    assert np.all(np.diff(y[order]) >= 0)


def test_generator_only_informative_features_matter():
    X, _, latent = make_ordinal_classification(
        n_samples=200, n_features=8, n_informative=3, random_state=5, return_latent=True
    )
    w = np.linalg.lstsq(X, latent, rcond=None)[0]
    np.testing.assert_allclose(w[3:], 0.0, atol=1e-10)
    assert np.all(np.abs(w[:3]) > 1e-6)
    np.testing.assert_allclose(np.linalg.norm(w), 1.0)


@pytest.mark.parametrize(
    ("kwargs", "bad"),
    [
        ({"n_samples": 3, "n_classes": 5}, "n_samples"),
        ({"n_samples": 10.0}, "n_samples"),
        ({"n_features": 0}, "n_features"),
        ({"n_informative": 0}, "n_informative"),
        ({"n_features": 3, "n_informative": 4}, "n_informative"),
        ({"n_classes": 1}, "n_classes"),
        ({"n_classes": True}, "n_classes"),
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"noise": "high"}, "noise"),
    ],
)
def test_generator_validates_parameters(kwargs, bad):
    with pytest.raises(ValueError, match=bad):
        make_ordinal_classification(**kwargs)


# --------------------------------------------------------------------------- #
# load_diabetes_ordinal
# --------------------------------------------------------------------------- #


def test_diabetes_ordinal_shape_and_balance():
    X, y = load_diabetes_ordinal()
    assert X.shape == (442, 10) and y.shape == (442,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.size == 5 and y.min() == 0
    assert np.all(np.abs(counts - 442 / 5) <= 4)


@pytest.mark.parametrize("n_classes", [2, 3, 5, 10])
def test_diabetes_ordinal_classes_are_ordered_target_bins(n_classes):
    target = load_diabetes().target
    _, y = load_diabetes_ordinal(n_classes=n_classes)
    np.testing.assert_array_equal(np.unique(y), np.arange(n_classes))
    for k in range(n_classes - 1):
        assert target[y == k].max() < target[y == k + 1].min()
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= max(6, 442 // n_classes // 5)


def test_diabetes_ordinal_matches_pandas_qcut():
    """Equal-frequency classes as pandas' qcut cuts them. A target value that equals a
    quantile edge may fall on either side of it by float rounding (pandas 2 and 3 differ),
    so those ties are compared by their class counts only."""
    pd = pytest.importorskip("pandas")
    target = load_diabetes().target
    for n_classes in (3, 5, 7):
        _, y = load_diabetes_ordinal(n_classes=n_classes)
        expected = pd.qcut(target, n_classes, labels=False)
        edges = np.quantile(target, np.arange(1, n_classes) / n_classes)
        on_edge = np.isclose(target[:, None], edges[None, :], rtol=0, atol=1e-9).any(axis=1)
        np.testing.assert_array_equal(y[~on_edge], expected[~on_edge])
        assert np.all(np.abs(y[on_edge] - expected[on_edge]) <= 1)
        assert (y != expected).sum() <= on_edge.sum() < len(y) // 20


def test_diabetes_ordinal_as_frame():
    pd = pytest.importorskip("pandas")
    X_np, y_np = load_diabetes_ordinal(n_classes=4)
    X, y = load_diabetes_ordinal(n_classes=4, as_frame=True)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert isinstance(y.dtype, pd.CategoricalDtype) and y.dtype.ordered
    assert list(y.cat.categories) == [0, 1, 2, 3]
    np.testing.assert_array_equal(X.to_numpy(), X_np)
    np.testing.assert_array_equal(y.to_numpy(dtype=np.int64), y_np)
    assert y.index.equals(X.index)


@pytest.mark.parametrize("n_classes", [1, 51, 2.5])
def test_diabetes_ordinal_validates_n_classes(n_classes):
    with pytest.raises(ValueError, match="n_classes"):
        load_diabetes_ordinal(n_classes=n_classes)


# --------------------------------------------------------------------------- #
# holdout_splits
# --------------------------------------------------------------------------- #


def test_holdout_splits_partition_and_stratify():
    X, y = make_ordinal_classification(n_samples=400, n_classes=4, random_state=0)
    splits = holdout_splits(X, y, n_holdouts=5, test_size=0.25, random_state=1, name="latent")
    assert len(splits) == 5
    assert [s.holdout for s in splits] == list(range(5))
    assert all(s.name == "latent" for s in splits)
    for split in splits:
        assert split.X_train.shape == (300, 10) and split.X_test.shape == (100, 10)
        assert split.y_train.dtype == np.int64
        pooled = np.concatenate([split.X_train, split.X_test])
        np.testing.assert_array_equal(pooled[np.lexsort(pooled.T)], X[np.lexsort(X.T)])
        # 100 samples per class overall -> 25 per class in each test set.
        np.testing.assert_array_equal(np.bincount(split.y_test), [25, 25, 25, 25])
    assert not np.array_equal(splits[0].X_test, splits[1].X_test)


def test_holdout_splits_deterministic_and_prefix_stable():
    X, y = load_diabetes_ordinal()
    a = holdout_splits(X, y, n_holdouts=3, random_state=7)
    b = holdout_splits(X, y, n_holdouts=6, random_state=7)
    for s, t in zip(a, b[:3], strict=True):
        np.testing.assert_array_equal(s.X_test, t.X_test)
        np.testing.assert_array_equal(s.y_train, t.y_train)
    c = holdout_splits(X, y, n_holdouts=3, random_state=8)
    assert not np.array_equal(a[0].X_test, c[0].X_test)
    assert a[0].name == "dataset"


def test_holdout_splits_accepts_frames():
    X, y = load_diabetes_ordinal(n_classes=3, as_frame=True)
    (split,) = holdout_splits(X, y, n_holdouts=1, name="diabetes")
    assert split.X_train.dtype == np.float64 and split.y_train.dtype == np.int64
    assert split.X_train.shape[0] + split.X_test.shape[0] == 442
    assert set(np.unique(split.y_test)) == {0, 1, 2}


def test_holdout_splits_validates():
    X, y = make_ordinal_classification(n_samples=40, random_state=0)
    with pytest.raises(ValueError, match="n_holdouts"):
        holdout_splits(X, y, n_holdouts=0)
    with pytest.raises(ValueError, match="integer"):
        holdout_splits(X, y + 0.5)


def test_load_holdout_or_embedded_prefers_the_folder(shared_datasets, tmp_path):
    from sk_ordinal_kl.benchmark.data import load_holdout_or_embedded

    split, classes = load_holdout_or_embedded(shared_datasets, "ERA", 3)
    assert (split.name, split.holdout, classes) == ("ERA", 3, list(range(1, 10)))
    np.testing.assert_array_equal(
        split.y_test, load_orreview_holdout(shared_datasets, "ERA", 3).y_test
    )
    for root in (None, tmp_path):  # no folder, or a folder without the dataset
        fallback, classes = load_holdout_or_embedded(root, "ERA", n_classes=5)
        assert fallback.name == "diabetes5" and classes == [0, 1, 2, 3, 4]
        assert len(fallback.y_train) + len(fallback.y_test) == 442


def test_data_dir_from_env_reads_the_variable(monkeypatch, tmp_path):
    from sk_ordinal_kl.benchmark.data import DATA_DIR_ENV, data_dir_from_env

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert data_dir_from_env() == tmp_path
    monkeypatch.setenv(DATA_DIR_ENV, "")
    assert data_dir_from_env() is None


def test_missing_roots_name_their_kind(tmp_path):
    from sk_ordinal_kl.datasets import list_tabular_datasets, load_tabular_csv

    nowhere = tmp_path / "nowhere"
    for call in (lambda: list_orreview_datasets(nowhere), lambda: list_holdouts(nowhere, "d")):
        with pytest.raises(FileNotFoundError, match=r"^orreview dataset root not found: "):
            call()
    for call in (lambda: list_tabular_datasets(nowhere), lambda: load_tabular_csv(nowhere, "d")):
        with pytest.raises(FileNotFoundError, match=r"^tabular dataset root not found: "):
            call()
