"""Ordinal benchmark data: orreview-format and CSV loaders, and embedded, download-free sets.

Three sources of ordinal data:

* **orreview holdout folders** — the layout of the archive of Gutiérrez et al.
  (IEEE TKDE 2016) and the ORCA toolbox::

      <root>/<name>/train_<name>.<k>      <root>/<name>/test_<name>.<k>

  or the same files one level deeper in ``<root>/<name>/matlab/``. Each file
  holds one pattern per line, whitespace-separated numbers, the last column
  being the ordered label ``1..K``. :func:`list_orreview_datasets`,
  :func:`list_holdouts`, :func:`load_orreview_holdout` and :func:`load_orreview`
  read any such folder; nothing is bundled or downloaded.
* **embedded sets** that need no path: :func:`load_diabetes_ordinal` (the
  diabetes regression data shipped inside scikit-learn, target discretised into
  equal-frequency classes) and :func:`make_ordinal_classification` (a
  latent-variable generator). :func:`holdout_splits` cuts either into
  stratified random holdouts, mirroring the orreview protocol.
* **mixed-type CSV folders** — real tabular data with string categories and
  missing values::

      <root>/<name>/<name>.csv     header row; empty cells are missing values
      <root>/<name>/<name>.json    {"target": ..., "classes": [...], ...}

  :func:`list_tabular_datasets` and :func:`load_tabular_csv` read them into a
  :class:`TabularDataset`; :func:`stratified_holdouts` and
  :func:`stratified_subsample` cut seeded, stratified index sets from labels of
  any type, and :func:`sk_ordinal_kl.preprocessing.make_tabular_preprocessor`
  turns the features into a dense float matrix.

Labels from orreview files are returned exactly as written (``1..K``); the
embedded sets use ``0..K-1``; CSV labels are the declared classes of the JSON
file (strings or numbers).
"""

from __future__ import annotations

import csv
import json
import math
import numbers
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_X_y

from ._compat import Interval, validate_parameter_constraints

__all__ = [
    "OrdinalSplit",
    "TabularDataset",
    "holdout_splits",
    "list_holdouts",
    "list_orreview_datasets",
    "list_tabular_datasets",
    "load_diabetes_ordinal",
    "load_holdout_or_embedded",
    "load_orreview",
    "load_orreview_holdout",
    "load_tabular_csv",
    "make_ordinal_classification",
    "orreview_holdout_files",
    "stratified_holdouts",
    "stratified_subsample",
]

#: Sub-folder some archives use for the files of each dataset.
_NESTED_DIR = "matlab"
#: Holdout suffix: a non-negative integer without leading zeros.
_HOLDOUT_SUFFIX = r"(0|[1-9][0-9]*)"


@dataclass(frozen=True, eq=False)
class OrdinalSplit:
    """One train/test holdout of an ordinal dataset.

    Instances are immutable (fields cannot be reassigned) and compare by
    identity, since the fields are arrays.

    Parameters
    ----------
    X_train : ndarray of shape (n_train, n_features), dtype float64
        Training patterns.
    y_train : ndarray of shape (n_train,), dtype int64
        Training labels (``1..K`` for orreview files, ``0..K-1`` for the
        embedded sets).
    X_test : ndarray of shape (n_test, n_features), dtype float64
        Test patterns.
    y_test : ndarray of shape (n_test,), dtype int64
        Test labels, same coding as ``y_train``.
    name : str
        Dataset name.
    holdout : int
        Holdout index ``k``.

    Examples
    --------
    >>> import numpy as np
    >>> split = OrdinalSplit(
    ...     np.zeros((3, 2)), np.array([1, 2, 3]), np.ones((1, 2)), np.array([2]), "demo", 0
    ... )
    >>> split.n_features, split.X_train.shape[0] + split.X_test.shape[0]
    (2, 4)
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    name: str
    holdout: int

    @property
    def n_features(self) -> int:
        """Number of feature columns.

        Returns
        -------
        n_features : int
            ``X_train.shape[1]``.
        """
        return int(self.X_train.shape[1])


# --------------------------------------------------------------------------- #
# Validation helpers
# --------------------------------------------------------------------------- #


def _check_parameter(name: str, value: object, constraint, *, caller: str) -> None:
    """Raise ValueError naming ``name`` and the public function ``caller`` if ``value``
    does not meet ``constraint``."""
    if isinstance(value, bool):  # scikit-learn's intervals let booleans through as 0/1
        raise ValueError(f"{name} must be a number, got the boolean {value!r}.")
    validate_parameter_constraints({name: [constraint]}, {name: value}, caller_name=caller)


def _check_int(value: object, name: str, minimum: int, *, caller: str) -> int:
    """Return ``value`` as an int, or raise ValueError naming ``name`` and ``caller``."""
    _check_parameter(
        name, value, Interval(numbers.Integral, minimum, None, closed="left"), caller=caller
    )
    return int(value)


def _check_name(name: object) -> str:
    """Return a dataset name, or raise ValueError if it cannot name a folder."""
    if not isinstance(name, str) or not name or name in {".", ".."}:
        raise ValueError(f"name must be a non-empty dataset folder name, got {name!r}.")
    if "/" in name or os.sep in name or (os.altsep and os.altsep in name):
        raise ValueError(f"name must be a folder name, not a path, got {name!r}.")
    return name


# --------------------------------------------------------------------------- #
# orreview folders
# --------------------------------------------------------------------------- #


def _holdouts_in(directory: Path, name: str) -> list[int]:
    """Holdout indices with both ``train_<name>.<k>`` and ``test_<name>.<k>`` in ``directory``."""
    if not directory.is_dir():
        return []
    pattern = re.compile(rf"(train|test)_{re.escape(name)}\.{_HOLDOUT_SUFFIX}")
    found: dict[str, set[int]] = {"train": set(), "test": set()}
    for entry in directory.iterdir():
        match = pattern.fullmatch(entry.name)
        if match and entry.is_file():
            found[match.group(1)].add(int(match.group(2)))
    return sorted(found["train"] & found["test"])


def _dataset_dir(root: str | os.PathLike[str], name: str) -> Path:
    """Folder holding the files of ``name``: ``root/name`` or ``root/name/matlab``."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"orreview dataset root not found: {root}")
    base = root / name
    if not base.is_dir():
        raise FileNotFoundError(f"dataset folder not found: {base}")
    nested = base / _NESTED_DIR
    if not _holdouts_in(base, name) and _holdouts_in(nested, name):
        return nested
    return base


def orreview_holdout_files(
    root: str | os.PathLike[str], name: str, holdout: int
) -> tuple[Path, Path]:
    """Paths of the ``train_<name>.<k>`` and ``test_<name>.<k>`` files of one holdout.

    Parameters
    ----------
    root : str or path-like
        Folder whose sub-folders are datasets (files directly inside ``root/name`` or in
        ``root/name/matlab``).
    name : str
        Dataset name.
    holdout : int
        Holdout index ``k``.

    Returns
    -------
    train_path, test_path : Path
        The two files (not checked to exist).

    Raises
    ------
    FileNotFoundError
        If ``root`` or its dataset folder does not exist.
    """
    directory = _dataset_dir(root, name)
    return directory / f"train_{name}.{holdout}", directory / f"test_{name}.{holdout}"


def list_orreview_datasets(root: str | os.PathLike[str]) -> list[str]:
    """Names of the orreview-format datasets under ``root``.

    A sub-folder ``<name>`` counts as a dataset when it (or its ``matlab/``
    sub-folder) holds at least one ``train_<name>.<k>`` file with the matching
    ``test_<name>.<k>``. Folders of CSV datasets (see
    :func:`list_tabular_datasets`) hold no such pair and are not listed.

    Parameters
    ----------
    root : str or path-like
        Folder whose sub-folders are datasets.

    Returns
    -------
    names : list of str
        Dataset names, sorted lexicographically.

    Raises
    ------
    FileNotFoundError
        If ``root`` is not a folder.

    Examples
    --------
    >>> list_orreview_datasets("path/to/orreview")  # doctest: +SKIP
    ['ERA', 'ESL', 'balance-scale', 'car', ...]
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"orreview dataset root not found: {root}")
    names = []
    for entry in root.iterdir():
        if not entry.is_dir():
            continue
        if _holdouts_in(entry, entry.name) or _holdouts_in(entry / _NESTED_DIR, entry.name):
            names.append(entry.name)
    return sorted(names)


def list_holdouts(root: str | os.PathLike[str], name: str) -> list[int]:
    """Holdout indices ``k`` for which both the train and the test file exist.

    Parameters
    ----------
    root : str or path-like
        Folder whose sub-folders are datasets.
    name : str
        Dataset name (the sub-folder and the file stem).

    Returns
    -------
    holdouts : list of int
        Indices sorted numerically (``0, 1, 2, ..., 10``); empty if the
        dataset folder holds no complete pair.

    Raises
    ------
    FileNotFoundError
        If ``root`` or ``root/name`` is not a folder.

    Examples
    --------
    >>> list_holdouts("path/to/orreview", "pyrim10")  # doctest: +SKIP
    [0, 1, 2, ..., 19]
    """
    name = _check_name(name)
    return _holdouts_in(_dataset_dir(root, name), name)


def _parse_line(tokens: list[str], path: Path, lineno: int) -> list[float]:
    """Convert the tokens of one line to floats, or raise ValueError naming the place."""
    try:
        return [float(token) for token in tokens]
    except ValueError:
        bad = next(t for t in tokens if not _is_float(t))
        raise ValueError(f"{path}, line {lineno}: non-numeric value {bad!r}.") from None


def _is_float(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _read_text(path: Path) -> str:
    """Read ``path`` as text, raising FileNotFoundError / ValueError that name it."""
    if not path.is_file():
        raise FileNotFoundError(f"orreview file not found: {path}")
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a text file ({exc.reason}).") from None


def _read_matrix(path: Path) -> tuple[np.ndarray, list[int]]:
    """Read a whitespace-separated numeric table; blank lines are skipped.

    Returns the float64 matrix and the 1-based file line number of each row.
    """
    rows: list[list[float]] = []
    linenos: list[int] = []
    width = None
    for lineno, line in enumerate(_read_text(path).splitlines(), start=1):
        tokens = line.split()
        if not tokens:
            continue
        if width is None:
            width = len(tokens)
        elif len(tokens) != width:
            raise ValueError(
                f"{path}, line {lineno}: ragged row with {len(tokens)} columns, "
                f"expected {width} as on line {linenos[0]}."
            )
        rows.append(_parse_line(tokens, path, lineno))
        linenos.append(lineno)
    if not rows:
        raise ValueError(f"{path}: file holds no data rows.")
    if width < 2:
        raise ValueError(f"{path}: needs at least one feature column and a label column.")
    return np.asarray(rows, dtype=np.float64), linenos


def _read_orreview_file(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one orreview file into ``(X float64, y int64)``, validating its values."""
    data, linenos = _read_matrix(path)
    finite = np.isfinite(data)
    if not finite.all():
        row, col = np.argwhere(~finite)[0]
        raise ValueError(
            f"{path}, line {linenos[row]}, column {col + 1}: non-finite value {data[row, col]}."
        )
    labels = data[:, -1]
    non_integer = np.flatnonzero(labels != np.round(labels))
    if non_integer.size:
        row = non_integer[0]
        raise ValueError(
            f"{path}, line {linenos[row]}: label (last column) {labels[row]!r} is not an integer."
        )
    return np.ascontiguousarray(data[:, :-1]), labels.astype(np.int64)


def load_orreview_holdout(root: str | os.PathLike[str], name: str, holdout: int) -> OrdinalSplit:
    """Read one holdout ``k`` of an orreview-format dataset.

    Parameters
    ----------
    root : str or path-like
        Folder whose sub-folders are datasets.
    name : str
        Dataset name; files are ``root/name/{train,test}_<name>.<holdout>``, or
        the same inside ``root/name/matlab/``.
    holdout : int
        Holdout index ``k >= 0``.

    Returns
    -------
    split : OrdinalSplit
        Features as float64, labels as int64 exactly as in the files (``1..K``).

    Raises
    ------
    FileNotFoundError
        If the root, the dataset folder or either file is missing; the message
        names the path.
    ValueError
        If a file is malformed (ragged rows, non-numeric or non-finite values,
        non-integer labels, no rows) or train and test differ in their number
        of features; the message names the file and, where it applies, the line.

    Examples
    --------
    >>> split = load_orreview_holdout("path/to/orreview", "ERA", 0)  # doctest: +SKIP
    >>> split.X_train.shape, split.X_test.shape  # doctest: +SKIP
    ((750, 4), (250, 4))
    """
    name = _check_name(name)
    holdout = _check_int(holdout, "holdout", 0, caller="load_orreview_holdout")
    train_path, test_path = orreview_holdout_files(root, name, holdout)
    X_train, y_train = _read_orreview_file(train_path)
    X_test, y_test = _read_orreview_file(test_path)
    if X_train.shape[1] != X_test.shape[1]:
        raise ValueError(
            f"feature-count mismatch: {train_path} has {X_train.shape[1]} features, "
            f"{test_path} has {X_test.shape[1]}."
        )
    return OrdinalSplit(X_train, y_train, X_test, y_test, name, holdout)


def load_orreview(
    root: str | os.PathLike[str], name: str, holdouts: Iterable[int] | None = None
) -> list[OrdinalSplit]:
    """Read several holdouts of an orreview-format dataset.

    Parameters
    ----------
    root : str or path-like
        Folder whose sub-folders are datasets.
    name : str
        Dataset name.
    holdouts : iterable of int, optional
        Holdout indices to read, in the order given. ``None`` (default) reads
        every holdout found by :func:`list_holdouts`, in numeric order.

    Returns
    -------
    splits : list of OrdinalSplit
        One split per holdout.

    Raises
    ------
    FileNotFoundError
        If the dataset or a requested holdout is missing, or ``holdouts`` is
        ``None`` and the dataset folder holds no complete holdout.
    ValueError
        If a file is malformed (see :func:`load_orreview_holdout`).

    Examples
    --------
    >>> splits = load_orreview("path/to/orreview", "tae")  # doctest: +SKIP
    >>> len(splits), splits[0].holdout  # doctest: +SKIP
    (30, 0)
    """
    name = _check_name(name)
    if holdouts is None:
        holdouts = list_holdouts(root, name)
        if not holdouts:
            raise FileNotFoundError(
                f"no complete train/test holdout pair found in {_dataset_dir(root, name)}"
            )
    return [load_orreview_holdout(root, name, k) for k in holdouts]


# --------------------------------------------------------------------------- #
# Mixed-type CSV folders
# --------------------------------------------------------------------------- #

#: How many offending values an error message lists before it says "...".
_SHOWN = 5


@dataclass(frozen=True, eq=False)
class TabularDataset:
    """A mixed-type ordinal dataset read by :func:`load_tabular_csv`.

    Instances are immutable (fields cannot be reassigned) and compare by
    identity, since the fields are a DataFrame and arrays.

    Parameters
    ----------
    X : pandas.DataFrame of shape (n_samples, n_features)
        Features, in the column order of the CSV file, without the target
        column. Numeric columns have a numeric dtype, categorical columns hold
        strings; missing values (empty cells) are NaN.
    y : ndarray of shape (n_samples,)
        Labels, typed like the declared classes: int64 when every class is an
        integer, float64 when every class is a number, otherwise an object array
        of the declared values (e.g. ``str``).
    classes : list
        Every label in ordinal order, exactly as declared; it may hold labels
        that never occur in ``y``.
    name : str
        Dataset name.
    description : str
        Free text from the JSON file (empty if it has none).
    path : Path
        The dataset folder, ``<root>/<name>``.
    target : str or None, default=None
        Name of the target column in the CSV file.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> data = TabularDataset(
    ...     X=pd.DataFrame({"size": [1.0, 2.5, None]}),
    ...     y=np.array(["low", "high", "low"], dtype=object),
    ...     classes=["low", "mid", "high"],
    ...     name="demo",
    ...     description="",
    ...     path=Path("demo"),
    ... )
    >>> data.y_index.tolist(), data.n_classes
    ([0, 2, 0], 3)
    """

    X: pd.DataFrame
    y: np.ndarray
    classes: list
    name: str
    description: str
    path: Path
    target: str | None = None

    @property
    def n_classes(self) -> int:
        """Number of declared classes ``K``, observed or not.

        Returns
        -------
        n_classes : int
            ``len(classes)``.
        """
        return len(self.classes)

    @property
    def y_index(self) -> np.ndarray:
        """Ordinal index of each label: its position in ``classes``.

        Returns
        -------
        y_index : ndarray of shape (n_samples,), dtype int64
            Values in ``0..K-1``; a declared class that never occurs keeps its
            place, so index distances follow the declared scale.

        Raises
        ------
        ValueError
            If a label of ``y`` is not one of ``classes``.
        """
        return _ordinal_codes(self.y, self.classes)


def _ordinal_codes(y: np.ndarray, classes: Sequence) -> np.ndarray:
    """Position of each label of ``y`` in ``classes``, or ValueError naming the strangers."""
    codes = pd.Index(list(classes), dtype=object).get_indexer(
        pd.Index(np.asarray(y, dtype=object))
    )
    unknown = codes < 0
    if unknown.any():
        strangers = list(dict.fromkeys(np.asarray(y, dtype=object)[unknown].tolist()))
        raise ValueError(
            f"y holds labels not in classes: {_preview(strangers)}; classes are "
            f"{_preview(list(classes))}."
        )
    return codes.astype(np.int64)


def _preview(values: Sequence) -> str:
    """``'a', 'b', ... (12 in all)``: the first few values of a list, for error messages."""
    shown = ", ".join(repr(v) for v in values[:_SHOWN])
    if len(values) > _SHOWN:
        shown += f", ... ({len(values)} in all)"
    return shown


def _tabular_paths(root: str | os.PathLike[str], name: str) -> tuple[Path, Path, Path]:
    """``(folder, csv, json)`` of dataset ``name``; FileNotFoundError naming what is missing."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"tabular dataset root not found: {root}")
    folder = root / name
    if not folder.is_dir():
        raise FileNotFoundError(f"dataset folder not found: {folder}")
    csv_path, json_path = folder / f"{name}.csv", folder / f"{name}.json"
    for path in (csv_path, json_path):
        if not path.is_file():
            raise FileNotFoundError(f"tabular dataset file not found: {path}")
    return folder, csv_path, json_path


def list_tabular_datasets(root: str | os.PathLike[str]) -> list[str]:
    """Names of the mixed-type CSV datasets under ``root``.

    A sub-folder ``<name>`` counts as a dataset when it holds both the files
    ``<name>.csv`` and ``<name>.json``; the files are not opened. A folder can
    mix these with orreview-format datasets: :func:`list_orreview_datasets`
    lists the others, and a folder holding both kinds of files appears in both
    lists.

    Parameters
    ----------
    root : str or path-like
        Folder whose sub-folders are datasets.

    Returns
    -------
    names : list of str
        Dataset names, sorted lexicographically.

    Raises
    ------
    FileNotFoundError
        If ``root`` is not a folder.

    Examples
    --------
    >>> list_tabular_datasets("path/to/datasets-tabular")  # doctest: +SKIP
    ['diamond-cut', 'loan-subgrade', 'movie-rating']
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"tabular dataset root not found: {root}")
    names = [
        entry.name
        for entry in root.iterdir()
        if entry.is_dir()
        and (entry / f"{entry.name}.csv").is_file()
        and (entry / f"{entry.name}.json").is_file()
    ]
    return sorted(names)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _read_metadata(path: Path) -> dict:
    """Parse and validate the JSON description of a CSV dataset."""
    text = _read_text(path)
    if not text.strip():
        raise ValueError(f"{path}: file is empty.")
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: malformed JSON ({exc}).") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: expected a JSON object, got {type(meta).__name__}.")
    for key in ("target", "classes"):
        if key not in meta:
            raise ValueError(f"{path}: missing required key {key!r}.")
    if not isinstance(meta["target"], str) or not meta["target"]:
        raise ValueError(
            f"{path}: 'target' must be a non-empty column name, got {meta['target']!r}."
        )
    _check_classes(meta["classes"], path)
    for key in ("n_rows", "n_features"):
        value = meta.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise ValueError(f"{path}: {key!r} must be a non-negative integer, got {value!r}.")
    description = meta.get("description", "")
    if description is None:
        description = ""
    if not isinstance(description, str):
        raise ValueError(f"{path}: 'description' must be a string, got {description!r}.")
    return meta


def _check_classes(classes: object, path: Path) -> None:
    """The declared classes: a list of two or more distinct strings or finite numbers."""
    if not isinstance(classes, list) or len(classes) < 2:
        raise ValueError(
            f"{path}: 'classes' must be a list of at least two labels in ordinal order, "
            f"got {classes!r}."
        )
    bad = [c for c in classes if not (isinstance(c, str) or _is_number(c))]
    bad += [c for c in classes if _is_number(c) and not math.isfinite(c)]
    if bad:
        raise ValueError(
            f"{path}: 'classes' must hold strings or finite numbers; invalid: {_preview(bad)}."
        )
    # Two classes clash if they are equal (1 and 1.0) or are written alike in a CSV file
    # (1 and "1"): a label could not tell them apart.
    seen: dict[object, object] = {}
    clashes = []
    for c in classes:
        keys = [("text", str(c))] + ([("number", float(c))] if _is_number(c) else [])
        if any(key in seen for key in keys):
            clashes.append(c)
        seen.update(dict.fromkeys(keys, c))
    if clashes:
        raise ValueError(f"{path}: duplicate classes in 'classes': {_preview(clashes)}.")


def _read_header(path: Path) -> list[str]:
    """Column names from the first line of a CSV file; ValueError if it has none."""
    if path.stat().st_size == 0:
        raise ValueError(f"{path}: file is empty (0 bytes).")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason}).") from None
    except csv.Error as exc:
        raise ValueError(f"{path}: malformed CSV header ({str(exc).strip()}).") from None
    if not any(column.strip() for column in header):
        raise ValueError(f"{path}: file is empty (no header row).")
    duplicates = sorted({column for column in header if header.count(column) > 1})
    if duplicates:
        raise ValueError(f"{path}: duplicate column names in the header: {_preview(duplicates)}.")
    return header


def _labels_from_text(
    text: pd.Series, classes: list, csv_path: Path, json_path: Path
) -> tuple[np.ndarray, np.ndarray]:
    """Map the target cells (read as text) onto the declared classes.

    A cell matches a class written the same way (``"B3"``, ``"7"``), or, when it
    reads as a number, a numeric class of equal value (``"7.0"`` matches ``7``).
    Returns the labels, typed like the classes, and their ordinal index.
    """
    by_text = {str(c): i for i, c in enumerate(classes)}
    by_value = {float(c): i for i, c in enumerate(classes) if _is_number(c)}
    codes_of: dict[str, int] = {}
    unknown = []
    for value in pd.unique(text):
        code = by_text.get(value)
        if code is None and by_value:
            try:
                code = by_value.get(float(value))
            except ValueError:
                code = None
        if code is None:
            unknown.append(value)
        else:
            codes_of[value] = code
    if unknown:
        raise ValueError(
            f"{csv_path}: target column {text.name!r} holds {len(unknown)} label(s) not "
            f"declared in {json_path.name}: {_preview(unknown)}. Declared classes: "
            f"{_preview(classes)}."
        )
    codes = text.map(codes_of).to_numpy(dtype=np.int64)
    if all(isinstance(c, numbers.Integral) and not isinstance(c, bool) for c in classes):
        declared = np.asarray(classes, dtype=np.int64)
    elif all(_is_number(c) for c in classes):
        declared = np.asarray(classes, dtype=np.float64)
    else:
        declared = np.empty(len(classes), dtype=object)
        declared[:] = classes
    return declared[codes], codes


def load_tabular_csv(root: str | os.PathLike[str], name: str) -> TabularDataset:
    """Read a mixed-type ordinal dataset from ``<root>/<name>/<name>.{csv,json}``.

    The CSV file has a header row; columns are typed by pandas (numbers where
    every cell parses as one, strings otherwise). Only empty cells are missing
    values: text such as ``"NA"`` or ``"None"`` stays a category. The JSON file
    is an object with the keys

    * ``"target"`` (required): the name of the label column;
    * ``"classes"`` (required): every label in ordinal order, as strings or
      numbers; labels that never occur keep their place on the scale;
    * ``"n_rows"``, ``"n_features"`` (optional): checked against the CSV file;
    * ``"description"`` (optional): free text.

    Target cells are read as text and matched to the classes written the same
    way, or to a numeric class of equal value (``"7.0"`` matches ``7``); the
    labels returned are the declared values.

    Parameters
    ----------
    root : str or path-like
        Folder whose sub-folders are datasets.
    name : str
        Dataset name: the sub-folder and the stem of both files.

    Returns
    -------
    dataset : TabularDataset
        Features as a DataFrame (target column dropped), labels typed like the
        declared classes, the classes, name, description and folder.

    Raises
    ------
    FileNotFoundError
        If the root, the dataset folder, the CSV or the JSON file is missing; the
        message names the path.
    ValueError
        If a file is malformed; the message names the file and the problem:
        malformed JSON, a missing ``"target"`` or ``"classes"`` key, classes not a
        non-empty list of distinct strings or numbers, an empty CSV file (0 bytes
        or no data rows), duplicate column names, no target column or no feature
        column, empty target cells, labels not among the classes, or row and
        feature counts that differ from the declared ``n_rows`` / ``n_features``.

    Examples
    --------
    >>> data = load_tabular_csv("path/to/datasets-tabular", "diamond-cut")  # doctest: +SKIP
    >>> data.X.shape, data.classes  # doctest: +SKIP
    ((20000, 9), ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'])
    >>> data.y[:2], data.y_index[:2]  # doctest: +SKIP
    (array(['Ideal', 'Ideal'], dtype=object), array([4, 4]))
    """
    name = _check_name(name)
    folder, csv_path, json_path = _tabular_paths(root, name)
    meta = _read_metadata(json_path)
    target, classes = meta["target"], list(meta["classes"])

    header = _read_header(csv_path)
    if target not in header:
        raise ValueError(
            f"{csv_path}: target column {target!r} (declared in {json_path.name}) is not in "
            f"the header; columns are {_preview(header)}."
        )
    if len(header) < 2:
        raise ValueError(f"{csv_path}: needs at least one feature column besides {target!r}.")
    try:
        frame = pd.read_csv(
            csv_path,
            encoding="utf-8-sig",
            dtype={target: str},
            keep_default_na=False,
            na_values=[""],
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{csv_path}: malformed CSV ({str(exc).strip()}).") from None
    if frame.shape[0] == 0:
        raise ValueError(f"{csv_path}: file holds a header but no data rows.")

    text = frame[target]
    missing = np.flatnonzero(text.isna().to_numpy())
    if missing.size:
        rows = [int(r) + 1 for r in missing]
        raise ValueError(
            f"{csv_path}: target column {target!r} is empty in {missing.size} data row(s) "
            f"(1-based, header not counted): {_preview(rows)}."
        )
    y, _ = _labels_from_text(text, classes, csv_path, json_path)
    X = frame.drop(columns=[target])

    for key, found in (("n_rows", X.shape[0]), ("n_features", X.shape[1])):
        declared = meta.get(key)
        if declared is not None and declared != found:
            raise ValueError(
                f"{csv_path}: {found} {key.removeprefix('n_')}, but {json_path.name} declares "
                f"{key}={declared}."
            )
    return TabularDataset(
        X=X,
        y=y,
        classes=classes,
        name=name,
        description=meta.get("description") or "",
        path=folder,
        target=target,
    )


# --------------------------------------------------------------------------- #
# Embedded sets
# --------------------------------------------------------------------------- #


def _equal_frequency_labels(target: np.ndarray, n_classes: int) -> np.ndarray:
    """Cut a continuous target at its ``1/K, ..., (K-1)/K`` quantiles into ``0..K-1``.

    Class ``k`` is the interval ``(q_k, q_{k+1}]``, so tied target values always
    share a class.
    """
    edges = np.quantile(target, np.arange(1, n_classes) / n_classes)
    return np.searchsorted(edges, target, side="left").astype(np.int64)


def load_diabetes_ordinal(n_classes: int = 5, *, as_frame: bool = False) -> tuple[Any, Any]:
    """scikit-learn's diabetes data with its target cut into equal-frequency ordinal classes.

    The 442 patients and 10 (scaled) features are those of
    :func:`sklearn.datasets.load_diabetes`, which ships inside scikit-learn (no
    download). The disease-progression target is discretised at its
    ``1/K, ..., (K-1)/K`` quantiles — the equal-frequency binning orreview used
    for its regression-derived datasets — giving labels ``0..K-1``. Tied target
    values share a class, so counts are near-equal rather than exactly equal.

    Parameters
    ----------
    n_classes : int, default=5
        Number of ordered classes ``K``, between 2 and 50.
    as_frame : bool, default=False
        If True, return ``X`` as a pandas DataFrame (scikit-learn's column
        names) and ``y`` as a pandas Series of ordered categorical dtype with
        categories ``0..K-1``.

    Returns
    -------
    X : ndarray of shape (442, 10), dtype float64, or DataFrame
        Features.
    y : ndarray of shape (442,), dtype int64, or Series
        Ordinal labels ``0..K-1``; a larger label means a larger target.

    Raises
    ------
    ValueError
        If ``n_classes`` is not an integer in ``[2, 50]``.

    Examples
    --------
    >>> X, y = load_diabetes_ordinal(n_classes=5)
    >>> X.shape, sorted(set(y.tolist()))
    ((442, 10), [0, 1, 2, 3, 4])
    """
    from sklearn.datasets import load_diabetes

    n_classes = _check_int(n_classes, "n_classes", 2, caller="load_diabetes_ordinal")
    if n_classes > 50:
        raise ValueError(f"n_classes must be <= 50 for 442 patients, got {n_classes}.")
    bunch = load_diabetes(as_frame=as_frame)
    target = np.asarray(bunch.target, dtype=np.float64)
    y = _equal_frequency_labels(target, n_classes)
    if not as_frame:
        return np.asarray(bunch.data, dtype=np.float64), y
    dtype = pd.CategoricalDtype(categories=list(range(n_classes)), ordered=True)
    return bunch.data, pd.Series(y, index=bunch.data.index, name="target", dtype=dtype)


def _check_noise(noise: object, *, caller: str) -> float:
    _check_parameter("noise", noise, Interval(numbers.Real, 0, None, closed="left"), caller=caller)
    return float(noise)


def _rank_labels(z: np.ndarray, n_classes: int) -> np.ndarray:
    """Equal-frequency classes of ``z``: the sample of rank ``r`` gets ``floor(r K / n)``."""
    ranks = np.empty(z.shape[0], dtype=np.int64)
    ranks[np.argsort(z, kind="stable")] = np.arange(z.shape[0])
    return ranks * n_classes // z.shape[0]


def make_ordinal_classification(
    n_samples: int = 1000,
    n_features: int = 10,
    n_informative: int = 5,
    n_classes: int = 5,
    noise: float = 1.0,
    random_state: int | np.random.RandomState | None = None,
    *,
    return_latent: bool = False,
) -> tuple[np.ndarray, ...]:
    """Generate an ordinal classification problem from a latent linear score.

    The model (a probit-style cumulative-link model):

    1. ``X`` has i.i.d. standard-normal entries.
    2. ``w`` is a random direction of unit norm on the first ``n_informative``
       features (zero on the others), so the signal ``X @ w`` has unit variance.
    3. ``z = X @ w + noise * eps`` with ``eps`` standard normal; ``noise`` is
       therefore the noise-to-signal standard-deviation ratio.
    4. ``z`` is cut at its empirical equal-frequency quantiles: the sample of
       rank ``r`` (0-based) gets class ``floor(r * K / n_samples)``. Every class
       then holds ``floor(n/K)`` or ``ceil(n/K)`` samples and larger ``z``
       never gets a smaller class.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of samples, at least ``n_classes``.
    n_features : int, default=10
        Total number of features, at least 1.
    n_informative : int, default=5
        Number of features the score depends on, in ``[1, n_features]``; they
        are the first ``n_informative`` columns.
    n_classes : int, default=5
        Number of ordered classes ``K``, at least 2.
    noise : float, default=1.0
        Standard deviation of the latent noise, finite and ``>= 0``.
    random_state : int, RandomState instance or None, default=None
        Seed or generator (see :func:`sklearn.utils.check_random_state`); an
        int gives reproducible output.
    return_latent : bool, default=False
        If True, also return the noise-free latent score ``X @ w``.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), dtype float64
        Features.
    y : ndarray of shape (n_samples,), dtype int64
        Ordinal labels ``0..K-1``.
    latent : ndarray of shape (n_samples,), dtype float64
        ``X @ w``; only returned if ``return_latent`` is True.

    Raises
    ------
    ValueError
        If a parameter is invalid; the message names it.

    Examples
    --------
    >>> X, y = make_ordinal_classification(n_samples=100, n_classes=4, random_state=0)
    >>> X.shape, [int(c) for c in np.bincount(y)]
    ((100, 10), [25, 25, 25, 25])
    """
    caller = "make_ordinal_classification"
    n_classes = _check_int(n_classes, "n_classes", 2, caller=caller)
    n_samples = _check_int(n_samples, "n_samples", n_classes, caller=caller)
    n_features = _check_int(n_features, "n_features", 1, caller=caller)
    n_informative = _check_int(n_informative, "n_informative", 1, caller=caller)
    if n_informative > n_features:
        raise ValueError(
            f"n_informative must be <= n_features ({n_features}), got {n_informative}."
        )
    noise = _check_noise(noise, caller=caller)
    rng = check_random_state(random_state)

    X = rng.standard_normal((n_samples, n_features))
    w = np.zeros(n_features)
    direction = rng.standard_normal(n_informative)
    w[:n_informative] = direction / np.linalg.norm(direction)
    latent = X @ w
    z = latent + noise * rng.standard_normal(n_samples)
    y = _rank_labels(z, n_classes)
    if return_latent:
        return X, y, latent
    return X, y


def _check_labels(y: np.ndarray) -> np.ndarray:
    """Return integer-valued labels as int64, or raise ValueError."""
    if y.dtype.kind in "iub":
        return y.astype(np.int64)
    if y.dtype.kind == "f" and np.array_equal(y, np.round(y)):
        return y.astype(np.int64)
    raise ValueError("y must hold integer ordinal labels.")


def holdout_splits(
    X: np.ndarray,
    y: np.ndarray,
    n_holdouts: int = 10,
    test_size: float = 0.25,
    random_state: int | np.random.RandomState | None = 0,
    *,
    name: str = "dataset",
) -> list[OrdinalSplit]:
    """Stratified random train/test holdouts, mirroring the orreview protocol.

    Built on :class:`sklearn.model_selection.StratifiedShuffleSplit`, so each
    test set keeps the class proportions of ``y``. Holdout ``k`` does not
    depend on ``n_holdouts`` when ``random_state`` is an int: asking for more
    holdouts only appends new ones.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Finite features (e.g. from :func:`load_diabetes_ordinal`).
    y : array-like of shape (n_samples,)
        Integer ordinal labels; every class needs at least 2 samples.
    n_holdouts : int, default=10
        Number of holdouts, at least 1.
    test_size : float or int, default=0.25
        Test fraction in ``(0, 1)``, or absolute number of test samples.
    random_state : int, RandomState instance or None, default=0
        Seed of the splitter; an int gives reproducible holdouts.
    name : str, default="dataset"
        Name stored in each split.

    Returns
    -------
    splits : list of OrdinalSplit
        ``n_holdouts`` splits with ``holdout = 0..n_holdouts-1``, features as
        float64 and labels as int64 (coded as in ``y``).

    Raises
    ------
    ValueError
        If ``n_holdouts`` is invalid, ``y`` is not integer-valued, or the
        splitter rejects ``test_size`` or the class counts.

    Examples
    --------
    >>> X, y = make_ordinal_classification(n_samples=200, random_state=0)
    >>> splits = holdout_splits(X, y, n_holdouts=3, name="latent")
    >>> len(splits), splits[0].X_train.shape, splits[0].X_test.shape
    (3, (150, 10), (50, 10))
    """
    n_holdouts = _check_int(n_holdouts, "n_holdouts", 1, caller="holdout_splits")
    X, y = check_X_y(X, y, dtype=np.float64)
    y = _check_labels(y)
    splitter = StratifiedShuffleSplit(
        n_splits=n_holdouts, test_size=test_size, random_state=random_state
    )
    return [
        OrdinalSplit(X[train], y[train], X[test], y[test], name, k)
        for k, (train, test) in enumerate(splitter.split(X, y))
    ]


def _check_label_vector(y: object) -> np.ndarray:
    """``y`` as a 1-D array without missing values, or ValueError."""
    values = np.asarray(y)
    if values.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {values.shape}.")
    if values.shape[0] == 0:
        raise ValueError("y is empty.")
    missing = np.flatnonzero(pd.isna(values))
    if missing.size:
        raise ValueError(
            f"y holds {missing.size} missing label(s), at positions {_preview(missing.tolist())}."
        )
    return values


def _ordinal_codes_of(y: object, classes: Sequence | None) -> np.ndarray:
    """Ordinal index of each label: by ``classes``, an ordered categorical's order, or sorting."""
    values = _check_label_vector(y)
    dtype = getattr(y, "dtype", None)
    if classes is None and isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
        classes = list(dtype.categories)
    if classes is not None:
        return _ordinal_codes(values, classes)
    try:
        return np.unique(values, return_inverse=True)[1].reshape(-1).astype(np.int64)
    except TypeError:
        raise ValueError(
            "y mixes labels that cannot be sorted; pass classes=[...] in ordinal order."
        ) from None


def _merge_rare_classes(counts: np.ndarray, min_count: int) -> np.ndarray:
    """Stratum of each class: classes in ordinal order, grouped until each group has ``min_count``.

    Walking up the scale, a class joins the classes below it until their group holds
    ``min_count`` samples; a short group left at the top joins the group below it.
    """
    groups = np.empty(counts.shape[0], dtype=np.int64)
    group, filled = 0, 0
    for k, count in enumerate(counts):
        groups[k] = group
        filled += count
        if filled >= min_count:
            group, filled = group + 1, 0
    if filled and group > 0:  # a short group at the top joins its lower neighbour
        groups[groups == group] = group - 1
    return groups


def _strata(codes: np.ndarray, max_strata: int) -> np.ndarray:
    """Stratum of each sample: rare classes merged with ordinal neighbours.

    Uses the smallest group size ``m >= 2`` (every stratum needs two samples) that
    leaves at most ``max_strata`` strata (the train and the test part each need one
    sample per stratum); the number of strata never grows with ``m``.
    """
    counts = np.bincount(codes)
    lo, hi = 2, max(2, int(codes.shape[0]))
    while lo < hi:
        mid = (lo + hi) // 2
        if np.unique(_merge_rare_classes(counts, mid)[counts > 0]).size <= max_strata:
            hi = mid
        else:
            lo = mid + 1
    return _merge_rare_classes(counts, lo)[codes]


def validation_strata(codes: np.ndarray, validation_fraction: float) -> np.ndarray:
    """Strata of a stratified validation split (early stopping) of ordinal indices.

    A class with a single sample cannot be stratified (scikit-learn's splitter
    raises); such classes join their ordinal neighbours, as in
    :func:`stratified_holdouts`, with no more strata than the smaller part has rows.

    Parameters
    ----------
    codes : ndarray of shape (n_samples,)
        Ordinal class indices (non-negative integers).
    validation_fraction : float
        Share of the rows in the validation part, in (0, 1).

    Returns
    -------
    strata : ndarray of shape (n_samples,)
        Stratum of each row; neighbouring classes share one.

    Examples
    --------
    >>> validation_strata(np.array([0, 0, 1, 2, 2, 2]), 0.5).tolist()
    [0, 0, 1, 1, 1, 1]
    """
    codes = np.asarray(codes, dtype=np.int64)
    n_valid = math.ceil(validation_fraction * codes.shape[0])
    return _strata(codes, max(1, min(n_valid, codes.shape[0] - n_valid)))


def _test_count(test_size: object, n_samples: int) -> int:
    """Number of test samples for ``test_size`` (a fraction or a count), or ValueError."""
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, numbers.Real) and not isinstance(test_size, bool):
        if not 0 < test_size < 1:
            raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}.")
        n_test = math.ceil(float(test_size) * n_samples)
    else:
        raise ValueError(f"test_size must be a fraction or an integer, got {test_size!r}.")
    if not 1 <= n_test <= n_samples - 1:
        raise ValueError(
            f"test_size={test_size!r} gives {n_test} test samples out of {n_samples}; "
            "train and test each need at least one."
        )
    return n_test


def stratified_holdouts(
    y: object,
    n_holdouts: int = 10,
    test_size: float = 0.25,
    random_state: int | np.random.RandomState | None = 0,
    *,
    classes: Sequence | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Seeded, stratified train/test index splits for labels of any type.

    Built on :class:`sklearn.model_selection.StratifiedShuffleSplit`: each test
    set keeps the class proportions of ``y`` (a class of ``n_k`` samples gets
    ``n_k * n_test / n_samples`` test samples, rounded up or down). Holdout ``k``
    does not depend on ``n_holdouts`` when ``random_state`` is an int: asking for
    more holdouts only appends new ones.

    Classes too rare to stratify are merged, **for stratification only**, with
    their ordinal neighbours: walking up the scale, a class joins the classes
    below it until their group holds two samples (a short group at the top joins
    the group below). If there are still more groups than train or test samples,
    the group size grows until there are not. The labels themselves are untouched.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels: strings, integers, an ordered pandas Categorical, ... No missing
        values.
    n_holdouts : int, default=10
        Number of holdouts, at least 1.
    test_size : float or int, default=0.25
        Test fraction in ``(0, 1)`` (the test part has ``ceil(test_size *
        n_samples)`` samples), or absolute number of test samples.
    random_state : int, RandomState instance or None, default=0
        Seed of the splitter; an int gives reproducible holdouts.
    classes : sequence, optional
        Every label in ordinal order (e.g. :attr:`TabularDataset.classes`); it
        decides which classes are neighbours. By default the categories of an
        ordered Categorical, else the sorted labels.

    Returns
    -------
    holdouts : list of (ndarray, ndarray)
        ``n_holdouts`` pairs ``(train_idx, test_idx)`` of int64 positions into
        ``y``, each sorted increasingly; within a pair they are disjoint and
        together cover ``0..n_samples-1``.

    Raises
    ------
    ValueError
        If ``y`` is empty, not 1-D or has missing values, a label is not in
        ``classes``, ``n_holdouts`` is not a positive integer, or ``test_size``
        leaves the train or the test part empty.

    Examples
    --------
    One ``"high"`` label is too rare to stratify alone: it shares a stratum with
    ``"mid"``, so every test set holds 2 ``"low"`` and 2 of ``"mid"``/``"high"``.

    >>> y = np.array(["low"] * 8 + ["mid"] * 7 + ["high"])
    >>> holdouts = stratified_holdouts(y, n_holdouts=3, classes=["low", "mid", "high"])
    >>> [(len(train), len(test)) for train, test in holdouts]
    [(12, 4), (12, 4), (12, 4)]
    >>> [int((y[test] == "low").sum()) for _, test in holdouts]
    [2, 2, 2]
    """
    n_holdouts = _check_int(n_holdouts, "n_holdouts", 1, caller="stratified_holdouts")
    codes = _ordinal_codes_of(y, classes)
    n_samples = codes.shape[0]
    n_test = _test_count(test_size, n_samples)
    strata = _strata(codes, min(n_test, n_samples - n_test))
    splitter = StratifiedShuffleSplit(
        n_splits=n_holdouts, test_size=n_test, random_state=random_state
    )
    return [
        (np.sort(train).astype(np.int64), np.sort(test).astype(np.int64))
        for train, test in splitter.split(np.zeros((n_samples, 1)), strata)
    ]


def stratified_subsample(
    y: object,
    n: int,
    random_state: int | np.random.RandomState | None = 0,
    *,
    classes: Sequence | None = None,
) -> np.ndarray:
    """Positions of a seeded, stratified random subsample of ``n`` labels.

    The subsample keeps the class proportions of ``y`` (a class of ``n_k``
    samples contributes ``n_k * n / n_samples`` of them, rounded up or down);
    classes too rare to stratify are merged with their ordinal neighbours as in
    :func:`stratified_holdouts`. Typical use: a smaller training set, cut from
    the training part of a holdout, for learning curves.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels of any type, without missing values.
    n : int
        Subsample size, at least 1; ``n >= n_samples`` returns every position.
    random_state : int, RandomState instance or None, default=0
        Seed; an int gives a reproducible subsample.
    classes : sequence, optional
        Every label in ordinal order (see :func:`stratified_holdouts`).

    Returns
    -------
    indices : ndarray of shape (min(n, n_samples),), dtype int64
        Positions into ``y``, sorted increasingly.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer, ``y`` is empty, not 1-D or has
        missing values, or a label is not in ``classes``.

    Examples
    --------
    >>> y = np.repeat([0, 1, 2], [50, 30, 20])
    >>> idx = stratified_subsample(y, 10, random_state=0)
    >>> np.bincount(y[idx]).tolist()
    [5, 3, 2]
    """
    n = _check_int(n, "n", 1, caller="stratified_subsample")
    codes = _ordinal_codes_of(y, classes)
    n_samples = codes.shape[0]
    if n >= n_samples:
        return np.arange(n_samples, dtype=np.int64)
    strata = _strata(codes, min(n, n_samples - n))
    splitter = StratifiedShuffleSplit(
        n_splits=1, train_size=n, test_size=n_samples - n, random_state=random_state
    )
    subsample, _ = next(splitter.split(np.zeros((n_samples, 1)), strata))
    return np.sort(subsample).astype(np.int64)


DATA_DIR_ENV = "SK_ORDINAL_KL_DATA_DIR"


def data_dir_from_env() -> Path | None:
    """The folder of orreview-format datasets named by ``$SK_ORDINAL_KL_DATA_DIR``, or None.

    Examples, tests and benchmark scripts read real data from there when it is set and
    fall back to data that ships with the package otherwise.

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
    :func:`load_diabetes_ordinal` with one stratified 75/25 holdout.

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
