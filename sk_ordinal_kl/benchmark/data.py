"""Where the benchmark's train/test holdouts come from.

Four kinds of source, one interface (:class:`DatasetSource`), one split type
(:class:`Split`):

* embedded sets that ship with the package (the default run, no path needed);
* orreview-format folders (published holdouts ``train_<name>.<k>`` / ``test_<name>.<k>``);
* mixed-type CSV datasets (``<name>/<name>.csv`` + ``<name>.json`` with the target and the
  declared classes), cut into seeded, stratified 75/25 holdouts;
* a user's own CSV file with its target column and class order (:func:`csv_file_source`),
  cut the same way.

Every split carries its features as a DataFrame (so one ``ColumnTransformer`` serves all
kinds) and its labels as the **ordinal class index** ``0..K-1``: methods, metrics and
statistics then never have to know how a dataset spells its labels, and a declared
class that never occurs keeps its place on the index.

The examples and the accuracy studies find the orreview folder through
:func:`data_dir_from_env` (``$SK_ORDINAL_KL_DATA_DIR``), and
:func:`load_holdout_or_embedded` gives them one holdout of it, or the embedded diabetes
set when the folder is not there.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..datasets import (
    OrdinalSplit,
    holdout_splits,
    list_holdouts,
    list_orreview_datasets,
    list_tabular_datasets,
    load_diabetes_ordinal,
    load_ordinal_csv,
    load_orreview_holdout,
    load_tabular_csv,
    make_ordinal_classification,
    orreview_holdout_files,
    stratified_holdouts,
    stratified_subsample,
)

__all__ = [
    "DATA_DIR_ENV",
    "EMBEDDED_DATASETS",
    "TEST_SIZE",
    "DatasetSource",
    "Split",
    "csv_file_source",
    "data_dir_from_env",
    "data_dir_sources",
    "embedded_sources",
    "load_holdout_or_embedded",
]

#: Test fraction of the holdouts the benchmark cuts itself (embedded and CSV sets).
TEST_SIZE = 0.25


@dataclass(frozen=True, eq=False)
class Split:
    """One train/test holdout, labels as ordinal class indices.

    Parameters
    ----------
    X_train, X_test : DataFrame
        Features (numeric and/or string columns, NaN for missing).
    y_train, y_test : ndarray of int64
        Class indices in ``0..n_classes-1``.
    n_classes : int
        Number of ordered classes ``K`` (declared classes, observed or not).
    name : str
        Dataset name.
    holdout : int
        Holdout index.

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0]})
    >>> split = Split(X, np.array([0, 1, 0, 1]), X, np.array([0, 1, 0, 1]), 3, "demo", 0)
    >>> split.subsample(2, random_state=0).y_train.tolist()
    [0, 1]
    """

    X_train: pd.DataFrame
    y_train: np.ndarray
    X_test: pd.DataFrame
    y_test: np.ndarray
    n_classes: int
    name: str
    holdout: int

    @property
    def classes(self) -> list[int]:
        """All class indices ``0..K-1`` (the ``classes`` of every method)."""
        return list(range(self.n_classes))

    def subsample(self, n: int, random_state: int) -> Split:
        """The same split with a stratified, seeded subsample of ``n`` training rows."""
        rows = np.sort(stratified_subsample(self.y_train, n, random_state=random_state))
        X_train = self.X_train.iloc[rows].reset_index(drop=True)
        return replace(self, X_train=X_train, y_train=self.y_train[rows])


def _frame(X: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])


def _index_split(X_train, y_train, X_test, y_test, name: str, holdout: int) -> Split:
    """Split of integer labels ``lo..hi`` (orreview, embedded): index = label - lo."""
    labels = np.concatenate([y_train, y_test])
    lo, hi = int(labels.min()), int(labels.max())
    return Split(
        _frame(X_train),
        (y_train - lo).astype(np.int64),
        _frame(X_test),
        (y_test - lo).astype(np.int64),
        hi - lo + 1,
        name,
        holdout,
    )


def _embedded_diabetes() -> tuple[np.ndarray, np.ndarray]:
    return load_diabetes_ordinal(5)


def _embedded_latent() -> tuple[np.ndarray, np.ndarray]:
    return make_ordinal_classification(n_samples=1000, n_classes=5, random_state=0)


#: Embedded sets: name -> (loader, description). Cut by ``stratified_holdouts(seed=0)``.
EMBEDDED_DATASETS: dict[str, tuple[Callable[[], tuple], str]] = {
    "diabetes5": (_embedded_diabetes, "load_diabetes_ordinal(5): 442 x 10, K=5"),
    "latent5": (
        _embedded_latent,
        "make_ordinal_classification(n_samples=1000, n_classes=5, random_state=0)",
    ),
}


@lru_cache(maxsize=4)
def _embedded(name: str) -> tuple[np.ndarray, np.ndarray]:
    return EMBEDDED_DATASETS[name][0]()


def _tabular(root: str, name: str):
    """The CSV dataset, read once per process (again if its files change)."""
    base = Path(root) / name / name
    stamps = tuple(
        _stamp(f"{base}{ext}") for ext in (".csv", ".json") if Path(f"{base}{ext}").exists()
    )
    return _read_tabular(root, name, stamps)


@lru_cache(maxsize=4)
def _read_tabular(root: str, name: str, stamps: tuple) -> Any:
    return load_tabular_csv(root, name)


@lru_cache(maxsize=4)
def _read_csv_file(path: str, target: str, classes: tuple | None, stamp: tuple) -> Any:
    return load_ordinal_csv(path, target, None if classes is None else list(classes))


def _csv_file(source: DatasetSource) -> Any:
    """The user's CSV file of ``source``, read once per process (again if it changes)."""
    return _read_csv_file(source.root, source.target, source.classes, _stamp(source.root))


def _file_digest(*paths: str) -> str:
    """SHA-1 of the files' bytes: a changed file never reuses a cached result."""
    stamps = tuple((path, *_stamp(path)) for path in paths)
    return _digest_of(stamps)


def _stamp(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_mtime_ns, info.st_size


@lru_cache(maxsize=256)
def _digest_of(stamps: tuple[tuple[str, int, int], ...]) -> str:
    """Digest per (path, mtime, size): files are hashed once, rehashed when they change."""
    digest = hashlib.sha1()
    for path, *_ in stamps:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class DatasetSource:
    """Where the holdouts of one dataset come from.

    Parameters
    ----------
    name : str
        Dataset name.
    holdouts : tuple of int
        Holdout indices to run.
    kind : {"embedded", "orreview", "csv", "csv-file"}
        Kind of source.
    root : str or None
        Folder holding the dataset (None for embedded sets); the file for ``"csv-file"``.
    split_seed : int
        Seed of the stratified holdouts the benchmark cuts (embedded and CSV sets).
    target : str or None
        Label column of a ``"csv-file"`` source.
    classes : tuple or None
        Labels of a ``"csv-file"`` source in ordinal order (None: a numeric column's
        values, ascending).

    Examples
    --------
    >>> DatasetSource("diabetes5", holdouts=(0, 1)).load(1).n_classes
    5
    """

    name: str
    holdouts: tuple[int, ...]
    kind: str = "embedded"
    root: str | None = None
    split_seed: int = 0
    target: str | None = None
    classes: tuple | None = None

    def load(self, holdout: int) -> Split:
        """Train/test split number ``holdout``, labels as class indices."""
        if self.kind == "orreview":
            s = load_orreview_holdout(self.root, self.name, holdout)
            return _index_split(s.X_train, s.y_train, s.X_test, s.y_test, self.name, holdout)
        if self.kind in ("csv", "csv-file"):
            data = _tabular(self.root, self.name) if self.kind == "csv" else _csv_file(self)
            X, y, n_classes = data.X, data.y_index, len(data.classes)
        else:
            X, y = _embedded(self.name)
            X, n_classes = _frame(X), int(np.max(y)) + 1
        train, test = self._holdout_rows(y, holdout)
        return Split(
            X.iloc[train].reset_index(drop=True),
            np.asarray(y)[train].astype(np.int64),
            X.iloc[test].reset_index(drop=True),
            np.asarray(y)[test].astype(np.int64),
            n_classes,
            self.name,
            holdout,
        )

    def _holdout_rows(self, y, holdout: int) -> tuple[np.ndarray, np.ndarray]:
        splits = stratified_holdouts(
            y, n_holdouts=holdout + 1, test_size=TEST_SIZE, random_state=self.split_seed
        )
        return splits[holdout]

    def identity(self, holdout: int) -> dict[str, Any]:
        """What identifies the data of one holdout in cache keys (content, not path)."""
        if self.kind == "orreview":
            files = orreview_holdout_files(self.root, self.name, holdout)
            return {"orreview": self.name, "sha1": _file_digest(*map(str, files))}
        split = {"test_size": TEST_SIZE, "split_seed": self.split_seed, "holdout": holdout}
        if self.kind == "csv":
            base = Path(self.root) / self.name / self.name
            digest = _file_digest(f"{base}.csv", f"{base}.json")
            return {"csv": self.name, "sha1": digest, **split}
        if self.kind == "csv-file":
            labels = None if self.classes is None else list(map(str, self.classes))
            digest = _file_digest(self.root)
            return {
                "csv-file": self.name,
                "sha1": digest,
                "target": self.target,
                "classes": labels,
                **split,
            }
        return {"embedded": self.name, "spec": EMBEDDED_DATASETS[self.name][1], **split}


def embedded_sources(n_holdouts: int = 10, names: Sequence[str] | None = None):
    """Sources of the embedded sets.

    Parameters
    ----------
    n_holdouts : int, default=10
        Holdouts per set.
    names : sequence of str, optional
        Subset of :data:`EMBEDDED_DATASETS`; all by default.

    Returns
    -------
    sources : list of DatasetSource

    Examples
    --------
    >>> [source.name for source in embedded_sources(n_holdouts=3)]
    ['diabetes5', 'latent5']
    """
    names = list(EMBEDDED_DATASETS) if not names else list(names)
    unknown = sorted(set(names) - set(EMBEDDED_DATASETS))
    if unknown:
        raise ValueError(
            f"unknown embedded dataset(s) {unknown}; known: {list(EMBEDDED_DATASETS)}"
        )
    return [DatasetSource(name, tuple(range(n_holdouts))) for name in names]


def data_dir_sources(
    roots: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    names: Sequence[str] | None = None,
    max_holdouts: int | None = None,
    csv_holdouts: int = 10,
) -> list[DatasetSource]:
    """Sources of every dataset under one or more folders (orreview and CSV, mixed).

    Parameters
    ----------
    roots : path-like or sequence of path-like
        Folders whose sub-folders are orreview-format or CSV-format datasets.
    names : sequence of str, optional
        Datasets to run; all found by default.
    max_holdouts : int, optional
        Keep only the first ``max_holdouts`` holdouts of each dataset.
    csv_holdouts : int, default=10
        Holdouts cut from each CSV dataset (before ``max_holdouts``).

    Returns
    -------
    sources : list of DatasetSource
        orreview sets first, then CSV sets, each sorted by name (per folder).

    Raises
    ------
    ValueError
        If a requested name is not found, a folder holds no dataset at all, two folders
        hold a dataset of the same name, a CSV or JSON file is malformed, or a dataset
        has fewer than two observed classes.
    """
    roots = [roots] if isinstance(roots, (str, os.PathLike)) else list(roots)
    for root in roots:
        if Path(root).is_file():
            raise ValueError(f"data folder {root} is a file, not a folder.")
        if not Path(root).is_dir():
            raise FileNotFoundError(f"data folder not found: {root}")
    found: dict[str, DatasetSource] = {}

    def add(source: DatasetSource) -> None:
        if source.name in found:  # results are keyed by name: two sets would mix
            raise ValueError(
                f"dataset name {source.name!r} occurs twice: in {found[source.name].root} "
                f"and in {source.root}; rename one folder."
            )
        found[source.name] = source

    for root in roots:
        for name in list_orreview_datasets(root):
            holdouts = tuple(list_holdouts(root, name)[:max_holdouts])
            add(DatasetSource(name, holdouts, "orreview", str(root)))
        for name in list_tabular_datasets(root):
            holdouts = tuple(range(csv_holdouts))[:max_holdouts]
            add(DatasetSource(name, holdouts, "csv", str(root)))
    if not found:
        raise ValueError(
            f"no orreview or CSV dataset under {', '.join(map(str, roots))}; expected "
            "<name>/train_<name>.<k> files or <name>/<name>.csv + <name>/<name>.json"
        )
    missing = sorted(set(names or ()) - set(found))
    if missing:
        raise ValueError(f"dataset(s) {missing} not found; found: {sorted(found)}")
    sources = [found[name] for name in names] if names else list(found.values())
    for source in sources:  # malformed data fails here, before any fit or output
        _check_two_classes(source)
    return sources


def csv_file_source(
    path: str | os.PathLike[str],
    target: str,
    classes: Sequence | None = None,
    n_holdouts: int = 10,
) -> DatasetSource:
    """The source of one CSV file: seeded, stratified 75/25 holdouts, as for CSV sets.

    Parameters
    ----------
    path : path-like
        CSV file with a header row (see :func:`~sk_ordinal_kl.datasets.load_ordinal_csv`).
    target : str
        Label column.
    classes : sequence, optional
        Every label in ordinal order; required for text labels (a numeric column's
        distinct values, ascending, by default).
    n_holdouts : int, default=10
        Holdouts to cut.

    Returns
    -------
    source : DatasetSource
        Named after the file's stem; the file is read (and checked) once here.

    Raises
    ------
    FileNotFoundError, ValueError
        As :func:`~sk_ordinal_kl.datasets.load_ordinal_csv`, or when fewer than two
        classes occur.
    """
    source = DatasetSource(
        Path(path).stem,
        tuple(range(n_holdouts)),
        "csv-file",
        str(path),
        target=target,
        classes=None if classes is None else tuple(classes),
    )
    _check_two_classes(source)
    return source


def _check_two_classes(source: DatasetSource) -> None:
    """Read the source (a malformed CSV or JSON raises) and require two observed classes:
    with one, every method scores perfectly and the comparison means nothing."""
    if source.kind == "csv":
        data = _tabular(source.root, source.name)
        where, observed = Path(source.root) / source.name / f"{source.name}.csv", data.y
    elif source.kind == "csv-file":
        where, observed = Path(source.root), _csv_file(source).y
    elif source.holdouts:
        split = source.load(source.holdouts[0])
        where, observed = Path(source.root) / source.name, split.y_train
    else:
        return
    labels = np.unique(np.asarray(observed, dtype=object).astype(str))
    if len(labels) < 2:
        raise ValueError(
            f"{where}: only the class {labels.tolist()} occurs; an ordinal benchmark needs "
            "at least two observed classes."
        )


# --------------------------------------------------------------------------- #
# The reference-data folder of the examples and the accuracy studies
# --------------------------------------------------------------------------- #

#: Environment variable naming a folder of orreview-format datasets (the orreview
#: collection in its published holdout format, ``<folder>/<name>/train_<name>.<k>``).
DATA_DIR_ENV = "SK_ORDINAL_KL_DATA_DIR"


def data_dir_from_env() -> Path | None:
    """The folder of orreview-format datasets named by ``$SK_ORDINAL_KL_DATA_DIR``, or None.

    Examples, tests and benchmark scripts read real data from there when it is set and
    fall back to data that ships with the package otherwise. The folder holds one
    sub-folder per dataset of the orreview collection, in its published holdout format
    (``<name>/train_<name>.<k>`` and ``<name>/test_<name>.<k>``); nothing is downloaded.

    Returns
    -------
    path : Path or None
        The folder, or None when the variable is unset or empty.

    Examples
    --------
    >>> import os
    >>> data_dir_from_env() is None or data_dir_from_env().is_dir()
    True
    """
    value = os.environ.get(DATA_DIR_ENV, "")
    return Path(value) if value else None


def load_holdout_or_embedded(
    root: str | os.PathLike[str] | None,
    name: str = "ERA",
    holdout: int = 0,
    *,
    n_classes: int = 7,
) -> tuple[OrdinalSplit, list[int]]:
    """One orreview holdout if ``root`` holds it, else the embedded diabetes set.

    Lets examples and tutorials use real data where it is available and still run
    anywhere (no path, no download). Labels of an orreview set are taken to be ``1..K``
    with ``K`` the largest label seen in the holdout; the fallback uses
    :func:`~sk_ordinal_kl.datasets.load_diabetes_ordinal` with one stratified 75/25 holdout.

    Parameters
    ----------
    root : path-like or None
        Folder of orreview-format datasets; None or a folder without ``name`` selects
        the embedded fallback.
    name : str, default="ERA"
        Dataset to load from ``root``.
    holdout : int, default=0
        Holdout index to load from ``root``.
    n_classes : int, default=7
        Number of classes of the embedded fallback.

    Returns
    -------
    split : OrdinalSplit
        Train and test parts; ``split.name`` says which data it is.
    classes : list of int
        All labels in ordinal order.

    Examples
    --------
    >>> split, classes = load_holdout_or_embedded(None)
    >>> split.name, classes
    ('diabetes7', [0, 1, 2, 3, 4, 5, 6])
    """
    if root is not None and (Path(root) / name).is_dir():
        split = load_orreview_holdout(root, name, holdout)
        top = int(max(split.y_train.max(), split.y_test.max()))
        return split, list(range(1, top + 1))
    X, y = load_diabetes_ordinal(n_classes=n_classes)
    split = holdout_splits(X, y, n_holdouts=1, name=f"diabetes{n_classes}")[0]
    return split, list(range(n_classes))
