"""Tests for the mixed-type CSV datasets of :mod:`sk_ordinal_kl.datasets` and for
:mod:`sk_ordinal_kl.preprocessing`. Every file is synthetic and written to ``tmp_path``,
except in the last test, which reads the reference datasets beside the checkout."""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from sk_ordinal_kl.datasets import (
    TabularDataset,
    list_orreview_datasets,
    list_tabular_datasets,
    load_orreview_holdout,
    load_tabular_csv,
    make_ordinal_classification,
    stratified_holdouts,
    stratified_subsample,
)
from sk_ordinal_kl.datasets._splits import _merge_rare_classes
from sk_ordinal_kl.preprocessing import make_tabular_preprocessor

SHARED_TABULAR = Path(__file__).resolve().parents[2] / "shared" / "datasets-tabular"

CSV = """size,color,grade,count
1.5,red,low,3
,blue,high,4
2.0,,mid,
3.25,NA,low,7
"""
META = {
    "target": "grade",
    "classes": ["low", "mid", "high", "top"],
    "n_rows": 4,
    "n_features": 3,
    "description": "synthetic",
}


def _write(root: Path, name: str, csv: str | bytes = CSV, meta: dict | str = META) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(csv, bytes):
        (folder / f"{name}.csv").write_bytes(csv)
    else:
        (folder / f"{name}.csv").write_text(csv)
    text = meta if isinstance(meta, str) else json.dumps(meta)
    (folder / f"{name}.json").write_text(text)
    return folder


# --------------------------------------------------------------------------- #
# Loading
# --------------------------------------------------------------------------- #


def test_load_string_labels(tmp_path):
    folder = _write(tmp_path, "demo")
    data = load_tabular_csv(tmp_path, "demo")
    assert isinstance(data, TabularDataset)
    assert (data.name, data.description, data.path, data.target) == (
        "demo",
        "synthetic",
        folder,
        "grade",
    )
    assert data.classes == ["low", "mid", "high", "top"] and data.n_classes == 4
    assert list(data.X.columns) == ["size", "color", "count"]
    assert data.y.dtype == object and data.y.tolist() == ["low", "high", "mid", "low"]
    assert all(type(label) is str for label in data.y)
    assert data.y_index.dtype == np.int64 and data.y_index.tolist() == [0, 2, 1, 0]
    # NaN in features preserved: empty cells only; "NA" is a category
    assert pd.api.types.is_float_dtype(data.X["size"]) and np.isnan(data.X["size"][1])
    assert data.X["size"][3] == 3.25
    assert pd.isna(data.X["color"][2]) and data.X["color"][3] == "NA"
    assert np.isnan(data.X["count"][2]) and data.X["count"][3] == 7
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.y = None


def test_load_int_labels_and_unobserved_classes_keep_their_index(tmp_path):
    csv = "a,b,rating\n0.1,x,3\n0.2,y,10\n0.3,x,7.0\n0.4,y,3\n"
    _write(tmp_path, "ints", csv, {"target": "rating", "classes": list(range(1, 11))})
    data = load_tabular_csv(tmp_path, "ints")
    assert data.y.dtype == np.int64 and data.y.tolist() == [3, 10, 7, 3]
    assert data.y_index.tolist() == [2, 9, 6, 2]
    assert data.classes == list(range(1, 11)) and data.description == ""


def test_load_float_and_mixed_labels(tmp_path):
    _write(tmp_path, "f", "a,t\n1,0.5\n2,1.5\n", {"target": "t", "classes": [0.5, 1.5, 2.5]})
    data = load_tabular_csv(tmp_path, "f")
    assert data.y.dtype == np.float64 and data.y_index.tolist() == [0, 1]
    _write(tmp_path, "m", "a,t\n1,low\n2,2\n", {"target": "t", "classes": ["low", 2, "high"]})
    data = load_tabular_csv(tmp_path, "m")
    assert data.y.dtype == object and data.y.tolist() == ["low", 2]
    assert data.y_index.tolist() == [0, 1]


def test_target_read_as_text_keeps_leading_zeros_apart(tmp_path):
    # "01" and "1" are different labels when the classes are strings
    _write(tmp_path, "z", "a,t\n1,01\n2,1\n", {"target": "t", "classes": ["01", "1"]})
    assert load_tabular_csv(tmp_path, "z").y_index.tolist() == [0, 1]


def test_y_index_rejects_undeclared_labels():
    data = TabularDataset(
        pd.DataFrame({"a": [1, 2]}), np.array(["x", "q"], dtype=object), ["x"], "d", "", Path()
    )
    with pytest.raises(ValueError, match="not in classes: 'q'"):
        data.y_index  # noqa: B018


BAD_CASES = [
    pytest.param(
        "a,b\n1,low\n",
        META,
        "demo.csv",
        r"target column 'grade' .* not in the header",
        id="no-target",
    ),
    pytest.param(
        CSV + "4,red,ultra,1\n5,red,mega,1\n",
        {**META, "n_rows": None},
        "demo.csv",
        r"2 label\(s\) not declared in demo.json: 'ultra', 'mega'",
        id="undeclared-label",
    ),
    pytest.param(b"", META, "demo.csv", r"file is empty \(0 bytes\)", id="zero-bytes"),
    pytest.param("\n", META, "demo.csv", r"file is empty \(no header row\)", id="blank"),
    pytest.param("size,grade\n", META, "demo.csv", "no data rows", id="header-only"),
    pytest.param(
        CSV,
        {**META, "classes": ["low", "mid", "low", "high", "mid"]},
        "demo.json",
        r"duplicate classes in 'classes': 'low', 'mid'",
        id="duplicate-classes",
    ),
    pytest.param(
        CSV,
        {**META, "classes": [1, "1"]},
        "demo.json",
        r"duplicate classes in 'classes': '1'",
        id="classes-alike-in-csv",
    ),
    pytest.param(CSV, '{"target": "grade", ', "demo.json", "malformed JSON", id="bad-json"),
    pytest.param(CSV, "", "demo.json", "file is empty", id="empty-json"),
    pytest.param(CSV, "[1, 2]", "demo.json", "expected a JSON object", id="json-list"),
    pytest.param(
        CSV,
        {"classes": ["low"]},
        "demo.json",
        "missing required key 'target'",
        id="no-target-key",
    ),
    pytest.param(
        CSV, {"target": "grade"}, "demo.json", "missing required key 'classes'", id="no-classes"
    ),
    pytest.param(
        CSV, {**META, "classes": "low"}, "demo.json", "at least two labels", id="classes-str"
    ),
    pytest.param(
        CSV, {**META, "classes": []}, "demo.json", "at least two labels", id="classes-empty"
    ),
    pytest.param(CSV, {**META, "classes": ["low"]}, "demo.json", "at least two", id="classes-one"),
    pytest.param(
        CSV,
        {**META, "classes": ["low", None, True]},
        "demo.json",
        "strings or finite numbers; invalid: None, True",
        id="classes-bad-type",
    ),
    pytest.param(CSV, {**META, "target": 3}, "demo.json", "'target' must be", id="target-int"),
    pytest.param(
        "size,grade\n1,low\n2,\n3,high\n,\n",
        {**META, "n_rows": None, "n_features": None},
        "demo.csv",
        r"target column 'grade' is empty in 2 data row\(s\) .*: 2, 4",
        id="empty-target-cells",
    ),
    pytest.param(
        CSV,
        {**META, "n_rows": 5},
        "demo.csv",
        "4 rows, but demo.json declares n_rows=5",
        id="rows",
    ),
    pytest.param(
        CSV,
        {**META, "n_features": 2},
        "demo.csv",
        "3 features, but demo.json declares n_features=2",
        id="features",
    ),
    pytest.param(
        CSV,
        {**META, "n_rows": "4"},
        "demo.json",
        "'n_rows' must be a non-negative",
        id="n-rows-str",
    ),
    pytest.param(
        "a,a,grade\n1,2,low\n", META, "demo.csv", "duplicate column names.*'a'", id="dup-header"
    ),
    pytest.param(
        "grade\nlow\n", META, "demo.csv", "at least one feature column", id="no-features"
    ),
    pytest.param(
        "size,grade\n1,low\n2,mid,3,4\n",
        {**META, "n_rows": None},
        "demo.csv",
        "malformed CSV",
        id="ragged",
    ),
    pytest.param(
        b"size,grade\n\xff\xfe,low\n", META, "demo.csv", "not UTF-8|malformed", id="binary"
    ),
]


@pytest.mark.parametrize(("csv", "meta", "file", "problem"), BAD_CASES)
def test_bad_input_names_file_and_problem(tmp_path, csv, meta, file, problem):
    _write(tmp_path, "demo", csv, meta)
    with pytest.raises(ValueError, match=problem) as info:
        load_tabular_csv(tmp_path, "demo")
    assert str(tmp_path / "demo" / file) in str(info.value)


def test_missing_files_and_folders(tmp_path):
    with pytest.raises(FileNotFoundError, match="root not found"):
        load_tabular_csv(tmp_path / "nowhere", "demo")
    with pytest.raises(FileNotFoundError, match="dataset folder not found"):
        load_tabular_csv(tmp_path, "demo")
    folder = _write(tmp_path, "demo")
    (folder / "demo.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"demo\.json"):
        load_tabular_csv(tmp_path, "demo")
    _write(tmp_path, "demo")
    (folder / "demo.csv").unlink()
    with pytest.raises(FileNotFoundError, match=r"demo\.csv"):
        load_tabular_csv(tmp_path, "demo")
    with pytest.raises(ValueError, match="not a path"):
        load_tabular_csv(tmp_path, "a/b")


# --------------------------------------------------------------------------- #
# Listing a folder that mixes both formats
# --------------------------------------------------------------------------- #


def test_mixed_folder_splits_into_both_kinds(tmp_path):
    _write(tmp_path, "tab-b")
    _write(tmp_path, "Tab-a")
    orr = tmp_path / "orr"
    orr.mkdir()
    (orr / "train_orr.0").write_text("1.0 2.0 1\n3.5 -1 2\n")
    (orr / "test_orr.0").write_text("2 2 2\n")
    nested = tmp_path / "nested" / "matlab"
    nested.mkdir(parents=True)
    (nested / "train_nested.0").write_text("1 1\n")
    (nested / "test_nested.0").write_text("2 2\n")
    (tmp_path / "csv-only").mkdir()
    (tmp_path / "csv-only" / "csv-only.csv").write_text(CSV)  # no JSON: neither kind
    (tmp_path / "misnamed").mkdir()
    (tmp_path / "misnamed" / "other.csv").write_text(CSV)
    (tmp_path / "misnamed" / "other.json").write_text(json.dumps(META))
    (tmp_path / "matlab-file").mkdir()
    (tmp_path / "matlab-file" / "matlab").write_text("a file, not a folder")
    (tmp_path / "notes.csv").write_text(CSV)

    assert list_tabular_datasets(tmp_path) == ["Tab-a", "tab-b"]
    assert list_orreview_datasets(tmp_path) == ["nested", "orr"]
    assert load_tabular_csv(tmp_path, "tab-b").X.shape == (4, 3)
    assert load_orreview_holdout(tmp_path, "orr", 0).n_features == 2
    with pytest.raises(FileNotFoundError, match="root not found"):
        list_tabular_datasets(tmp_path / "nowhere")


def test_folder_of_only_tabular_sets_has_no_orreview_sets(tmp_path):
    _write(tmp_path, "demo")
    assert list_orreview_datasets(tmp_path) == []
    assert list_tabular_datasets(tmp_path) == ["demo"]


# --------------------------------------------------------------------------- #
# Stratified holdouts and subsamples
# --------------------------------------------------------------------------- #

GRADES = ["A1", "A2", "B1", "B2", "C1"]
Y_STR = np.array(["A1"] * 40 + ["A2"] * 25 + ["B1"] * 19 + ["B2"] * 12 + ["C1"] * 4, dtype=object)


def _check_stratified(y, part, n_total, size):
    """Each class has n_k * size / n_total samples in ``part``, up to one sample."""
    for label in np.unique(y):
        expected = (y == label).sum() * size / n_total
        assert abs((y[part] == label).sum() - expected) < 1 + 1e-9, label


def test_holdouts_partition_cover_and_stratify():
    holdouts = stratified_holdouts(Y_STR, n_holdouts=5, test_size=0.25, classes=GRADES)
    assert len(holdouts) == 5
    for train, test in holdouts:
        assert train.dtype == np.int64 and test.dtype == np.int64
        assert len(test) == 25 and len(train) == 75
        assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
        assert np.intersect1d(train, test).size == 0
        np.testing.assert_array_equal(np.union1d(train, test), np.arange(100))
        _check_stratified(Y_STR, test, 100, 25)
        _check_stratified(Y_STR, train, 100, 75)
    assert len({tuple(test) for _, test in holdouts}) == 5


def test_holdouts_reproducible_and_prefix_stable():
    first = stratified_holdouts(Y_STR, n_holdouts=3, random_state=7)
    again = stratified_holdouts(Y_STR, n_holdouts=8, random_state=7)
    for (a_train, a_test), (b_train, b_test) in zip(first, again[:3], strict=True):
        np.testing.assert_array_equal(a_train, b_train)
        np.testing.assert_array_equal(a_test, b_test)
    other = stratified_holdouts(Y_STR, n_holdouts=3, random_state=8)
    assert not np.array_equal(first[0][1], other[0][1])
    assert stratified_holdouts(Y_STR, n_holdouts=1)[0][1].tolist() == (
        stratified_holdouts(Y_STR, n_holdouts=1, random_state=0)[0][1].tolist()
    )


def test_holdouts_int_test_size_and_label_types():
    y = np.repeat([3, 1, 2], [10, 10, 10])
    (_, test), *_ = stratified_holdouts(y, n_holdouts=1, test_size=6)
    assert len(test) == 6 and np.bincount(y[test]).tolist() == [0, 2, 2, 2]
    series = pd.Series(pd.Categorical(["hi", "lo"] * 10, categories=["lo", "hi"], ordered=True))
    (_, test), *_ = stratified_holdouts(series, n_holdouts=1, test_size=0.5)
    assert (series.iloc[test] == "hi").sum() == 5


def test_rare_classes_are_merged_with_their_neighbours():
    # class "B1" has one member, "C1" too: stratification alone would fail
    y = np.array(["A1"] * 10 + ["B1"] + ["B2"] * 10 + ["C1"], dtype=object)
    in_test = np.zeros(len(y), dtype=int)
    for train, test in stratified_holdouts(y, n_holdouts=20, test_size=0.5, classes=GRADES):
        assert len(test) == 11 and np.union1d(train, test).size == len(y)
        assert (y[test] == "A1").sum() == 5
        in_test[test] += 1
    rare = np.flatnonzero(np.isin(y, ["B1", "C1"]))
    assert 0 < in_test[rare[0]] < 20 and 0 < in_test[rare[1]] < 20
    # every class a singleton and a tiny test part: strata are merged until they fit
    (train, test), *_ = stratified_holdouts(np.arange(10), n_holdouts=1, test_size=2)
    assert len(test) == 2 and len(train) == 8


@pytest.mark.parametrize(
    ("counts", "min_count", "groups"),
    [
        ([1, 50, 50, 1], 2, [0, 0, 1, 1]),
        ([50, 1, 50], 2, [0, 1, 1]),
        ([5, 0, 1], 2, [0, 0, 0]),
        ([3, 3, 3], 2, [0, 1, 2]),
        ([3, 3, 3], 5, [0, 0, 0]),
        ([1], 2, [0]),
    ],
)
def test_merge_rare_classes(counts, min_count, groups):
    assert _merge_rare_classes(np.array(counts), min_count).tolist() == groups


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"n_holdouts": 0}, "n_holdouts"),
        ({"test_size": 0.0}, "test_size"),
        ({"test_size": 1.0}, "test_size"),
        ({"test_size": 100}, "test_size=100 gives 100 test samples out of 100"),
        ({"test_size": True}, "test_size"),
        ({"test_size": "half"}, "test_size"),
        ({"classes": ["A1", "A2"]}, "not in classes: 'B1', 'B2', 'C1'"),
    ],
)
def test_holdouts_validate(kwargs, problem):
    with pytest.raises(ValueError, match=problem):
        stratified_holdouts(Y_STR, **kwargs)


@pytest.mark.parametrize(
    ("y", "problem"),
    [
        (np.array([1.0, np.nan, 2.0]), r"1 missing label\(s\), at positions 1"),
        (np.array(["a", None, "b"], dtype=object), "missing label"),
        (np.array([]), "empty"),
        (np.zeros((3, 2)), "one-dimensional"),
        (np.array(["a", 1, "b", 2], dtype=object), "classes="),
    ],
)
def test_bad_labels(y, problem):
    with pytest.raises(ValueError, match=problem):
        stratified_holdouts(y)
    with pytest.raises(ValueError, match=problem):
        stratified_subsample(y, 2)


def test_subsample_sizes_and_stratification():
    for n in (1, 2, 10, 50, 99):
        idx = stratified_subsample(Y_STR, n, random_state=0, classes=GRADES)
        assert idx.dtype == np.int64 and len(idx) == n
        assert np.all(np.diff(idx) > 0) and idx.min() >= 0 and idx.max() < 100
        if n >= 5:
            _check_stratified(Y_STR, idx, 100, n)
    np.testing.assert_array_equal(stratified_subsample(Y_STR, 100), np.arange(100))
    np.testing.assert_array_equal(stratified_subsample(Y_STR, 1000), np.arange(100))
    np.testing.assert_array_equal(
        stratified_subsample(Y_STR, 20, random_state=3), stratified_subsample(Y_STR, 20, 3)
    )
    assert not np.array_equal(stratified_subsample(Y_STR, 20, 3), stratified_subsample(Y_STR, 20))


def test_subsample_rare_class():
    y = np.array([0] * 30 + [1] + [2] * 30)
    idx = stratified_subsample(y, 20, random_state=0, classes=[0, 1, 2])
    assert len(idx) == 20 and (y[idx] == 0).sum() == 10


@pytest.mark.parametrize("n", [0, -1, 2.5, True, None])
def test_subsample_validates_n(n):
    with pytest.raises(ValueError, match="n"):
        stratified_subsample(Y_STR, n)


@pytest.mark.parametrize("bad", [0, 2.5])
def test_parameter_errors_name_the_function(bad):
    with pytest.raises(ValueError, match="'n' parameter of stratified_subsample must be"):
        stratified_subsample(Y_STR, bad)
    with pytest.raises(ValueError, match="'n_holdouts' parameter of stratified_holdouts must"):
        stratified_holdouts(Y_STR, n_holdouts=bad)
    with pytest.raises(ValueError, match="parameter of make_ordinal_classification must"):
        make_ordinal_classification(n_classes=bad)


# --------------------------------------------------------------------------- #
# Preprocessing
# --------------------------------------------------------------------------- #


def _frame():
    return pd.DataFrame(
        {
            "num": [1.0, 2.0, np.nan, 5.0],
            "full": [10, 20, 30, 40],
            "color": ["a", "a", "b", np.nan],
        }
    )


def test_preprocessor_known_answer():
    pre = make_tabular_preprocessor(min_frequency=2)
    out = pre.fit_transform(_frame())
    names = pre.get_feature_names_out().tolist()
    assert names == [
        "numeric__num",
        "numeric__full",
        "numeric__missingindicator_num",
        "categorical__color_a",
        "categorical__color_infrequent_sklearn",
    ]
    assert out.dtype == np.float64 and out.shape == (4, 5) and np.isfinite(out).all()
    # median 2 imputed -> [1, 2, 2, 5]: mean 2.5, std 1.5
    np.testing.assert_allclose(out[:, 0], [-1, -1 / 3, -1 / 3, 5 / 3])
    np.testing.assert_allclose(out[:, 2], (np.array([0, 0, 1, 0]) - 0.25) / np.sqrt(0.1875))
    np.testing.assert_allclose(out[:, :3].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out[:, :3].std(axis=0), 1)
    # "b" (1 sample) and the missing cell (1 sample) are grouped as infrequent
    np.testing.assert_array_equal(out[:, 3:], [[1, 0], [1, 0], [0, 1], [0, 1]])


def test_preprocessor_uses_training_statistics_and_unseen_categories():
    pre = make_tabular_preprocessor(min_frequency=2).fit(_frame())
    test = pd.DataFrame({"num": [np.nan, 3.5], "full": [25, 25], "color": ["zzz", "a"]})
    out = pre.transform(test)
    np.testing.assert_allclose(out[:, 0], [-1 / 3, 2 / 3])  # median 2 and train scale
    np.testing.assert_array_equal(out[:, 3:], [[0, 1], [1, 0]])  # unseen -> infrequent
    # without an infrequent category in training an unseen one is all zeros
    pre = make_tabular_preprocessor(min_frequency=1).fit(_frame())
    row = pre.transform(test.iloc[:1])
    categorical = [n.startswith("categorical__") for n in pre.get_feature_names_out()]
    np.testing.assert_array_equal(row[0, categorical], 0)


def test_preprocessor_encodes_columns_that_mix_kinds_of_values(tmp_path):
    """A true/false column with empty cells reads as booleans and NaN; a code column as
    numbers and strings; None and pd.NA are missing too. Each becomes one-hot columns of
    the values' strings, with every missing cell in "<missing>"."""
    (tmp_path / "mixed.csv").write_text("flag,code,x\nTrue,1,0.5\nFalse,a,1.5\n,1,2.5\n")
    frame = pd.read_csv(tmp_path / "mixed.csv", dtype={"code": object})
    frame["code"] = frame["code"].map(lambda v: int(v) if v == "1" else v)  # 1 and "a"
    frame["tag"] = pd.array(["u", pd.NA, "u"], dtype="string")
    frame["cat"] = pd.Categorical(["p", None, "q"])
    pre = make_tabular_preprocessor(min_frequency=None)
    out = pre.fit_transform(frame)
    names = pre.get_feature_names_out().tolist()
    expected = {
        "categorical__flag_True": [1, 0, 0],
        "categorical__flag_False": [0, 1, 0],
        "categorical__flag_<missing>": [0, 0, 1],
        "categorical__code_1": [1, 0, 1],
        "categorical__code_a": [0, 1, 0],
        "categorical__tag_u": [1, 0, 1],
        "categorical__tag_<missing>": [0, 1, 0],
        "categorical__cat_<missing>": [0, 1, 0],
    }
    for name, column in expected.items():
        np.testing.assert_array_equal(out[:, names.index(name)], column, err_msg=name)
    assert len(names) == 1 + 3 + 2 + 2 + 3


def test_equal_numbers_are_one_category_and_a_missing_cell_is_not_the_word_missing():
    train = pd.DataFrame({"code": pd.Series([1, 2, "x", 1.0, "missing", None], dtype=object)})
    pre = make_tabular_preprocessor(min_frequency=None).fit(train)
    names = pre.get_feature_names_out().tolist()
    assert names == [
        "categorical__code_1",
        "categorical__code_2",
        "categorical__code_<missing>",
        "categorical__code_missing",
        "categorical__code_x",
    ]
    # The column arrives as floats at transform time: 1.0 and 2.0 are the categories 1, 2.
    out = pre.transform(pd.DataFrame({"code": [1.0, np.nan, 2.0]}))
    np.testing.assert_array_equal(out, [[1, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 1, 0, 0, 0]])


def test_preprocessor_default_groups_rare_categories_by_count():
    frame = pd.DataFrame({"c": ["x"] * 10 + ["y"] * 9 + ["z"]})
    pre = make_tabular_preprocessor()
    out = pre.fit_transform(frame)
    assert pre.get_feature_names_out().tolist() == [
        "categorical__c_x",
        "categorical__c_infrequent_sklearn",
    ]
    assert out.sum(axis=0).tolist() == [10, 10]
    pre = make_tabular_preprocessor(min_frequency=None, max_categories=2).fit(frame)
    assert pre.get_feature_names_out().tolist() == [
        "categorical__c_x",
        "categorical__c_infrequent_sklearn",
    ]


def test_preprocessor_all_numeric_all_string_and_empty_columns():
    frame = _frame()
    out = make_tabular_preprocessor().fit_transform(frame[["num", "full"]])
    assert out.shape == (4, 3)
    out = make_tabular_preprocessor(min_frequency=1).fit_transform(frame[["color"]])
    assert out.shape == (4, 3) and out.sum() == 4
    # entirely missing columns in training: no crash, finite output
    empty = frame.assign(
        gone=np.nan, blank=pd.Series([np.nan] * 4, dtype=object), flag=[True, False, True, True]
    )
    pre = make_tabular_preprocessor(min_frequency=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # scikit-learn: "Skipping features ..."
        out = pre.fit_transform(empty)
        later = pre.transform(empty.assign(gone=1.0, blank="x"))
    names = pre.get_feature_names_out().tolist()
    assert "numeric__gone" not in names and "numeric__missingindicator_gone" in names
    assert "categorical__blank_<missing>" in names and "categorical__flag_True" in names
    assert np.isfinite(out).all() and np.isfinite(later).all() and later.shape == out.shape
    np.testing.assert_array_equal(out.astype(np.float32), out.astype(np.float32).astype(float))


def test_preprocessor_is_a_plain_estimator():
    pre = make_tabular_preprocessor(min_frequency=3, max_categories=4)
    params = clone(pre).get_params()
    assert params["categorical__onehotencoder__min_frequency"] == 3
    assert params["categorical__onehotencoder__max_categories"] == 4
    assert params["sparse_threshold"] == 0.0


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"min_frequency": 0}, "min_frequency"),
        ({"min_frequency": 1.5}, "min_frequency"),
        ({"min_frequency": "10"}, "min_frequency"),
        ({"min_frequency": True}, "min_frequency"),
        ({"max_categories": 0}, "max_categories"),
        ({"max_categories": 2.0}, "max_categories"),
    ],
)
def test_preprocessor_validates(kwargs, problem):
    with pytest.raises(ValueError, match=problem):
        make_tabular_preprocessor(**kwargs)


def test_preprocessor_rejects_positional_arguments():
    with pytest.raises(TypeError):
        make_tabular_preprocessor(10)


# --------------------------------------------------------------------------- #
# The reference datasets
# --------------------------------------------------------------------------- #


@pytest.mark.skipif(
    not SHARED_TABULAR.is_dir(), reason=f"tabular reference datasets not found at {SHARED_TABULAR}"
)
def test_reference_datasets_match_their_json():
    names = list_tabular_datasets(SHARED_TABULAR)
    assert names == ["diamond-cut", "loan-subgrade", "movie-rating"]
    assert list_orreview_datasets(SHARED_TABULAR) == []
    for name in names:
        meta = json.loads((SHARED_TABULAR / name / f"{name}.json").read_text())
        data = load_tabular_csv(SHARED_TABULAR, name)
        assert data.X.shape == (meta["n_rows"], meta["n_features"])
        assert data.classes == meta["classes"] and data.target == meta["target"]
        assert meta["target"] not in data.X.columns
        codes = data.y_index
        assert codes.min() >= 0 and codes.max() < len(meta["classes"])
        assert [data.classes[k] for k in codes[:50]] == data.y[:50].tolist()
        train, test = stratified_holdouts(data.y, n_holdouts=1, classes=data.classes)[0]
        assert len(test) == int(np.ceil(0.25 * meta["n_rows"]))
        pre = make_tabular_preprocessor().fit(data.X.iloc[train])
        assert np.isfinite(pre.transform(data.X.iloc[test])).all()
    loans = load_tabular_csv(SHARED_TABULAR, "loan-subgrade")
    assert set(loans.classes) - set(loans.y) == {"G2", "G3", "G5"}
    assert loans.y_index.max() == loans.classes.index("G4")
    movies = load_tabular_csv(SHARED_TABULAR, "movie-rating")
    assert movies.y.dtype == np.int64 and movies.classes == list(range(1, 11))
