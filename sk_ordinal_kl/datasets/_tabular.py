"""Mixed-type CSV folders: ``<root>/<name>/<name>.csv`` described by ``<name>.json``.

The CSV file holds the features and the target column (empty cells are missing values);
the JSON file names the target and declares every class in ordinal order.
"""

from __future__ import annotations

import csv
import json
import math
import numbers
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._common import _check_name, _check_root, _dataset_names, _ordinal_codes, _preview, _read_text


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


def _tabular_paths(root: str | os.PathLike[str], name: str) -> tuple[Path, Path, Path]:
    """``(folder, csv, json)`` of dataset ``name``; FileNotFoundError naming what is missing."""
    folder = _check_root(root, "tabular") / name
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
        Folder of CSV datasets, one sub-folder each, possibly mixed with
        orreview-format ones.

    Returns
    -------
    names : list of str
        Names of the sub-folders holding ``<name>.csv`` and ``<name>.json``, sorted
        lexicographically (upper case first).

    Raises
    ------
    FileNotFoundError
        If ``root`` is not a folder ("tabular dataset root not found").

    Examples
    --------
    >>> list_tabular_datasets("path/to/datasets-tabular")  # doctest: +SKIP
    ['diamond-cut', 'loan-subgrade', 'movie-rating']
    """
    return _dataset_names(root, "tabular", _holds_csv_and_json)


def _holds_csv_and_json(folder: Path) -> bool:
    """Whether ``folder`` holds both ``<name>.csv`` and ``<name>.json``."""
    return all((folder / f"{folder.name}{suffix}").is_file() for suffix in (".csv", ".json"))


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
    text: pd.Series, classes: list, csv_path: Path, declared_in: str
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
            f"declared in {declared_in}: {_preview(unknown)}. Declared classes: "
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
    X, y = _read_table(csv_path, meta["target"], list(meta["classes"]), json_path.name)
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
        classes=list(meta["classes"]),
        name=name,
        description=meta.get("description") or "",
        path=folder,
        target=meta["target"],
    )


def _read_table(
    csv_path: Path, target: str, classes: list, declared_in: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """Features and labels of a CSV file whose column ``target`` holds ``classes``.

    ``declared_in`` names where the classes were declared, for the error messages.
    """
    header = _read_header(csv_path)
    if target not in header:
        raise ValueError(
            f"{csv_path}: target column {target!r} (declared in {declared_in}) is not in "
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
    y, _ = _labels_from_text(text, classes, csv_path, declared_in)
    return frame.drop(columns=[target]), y


def _numeric_order(csv_path: Path, target: str) -> list:
    """The distinct values of a numeric target column, ascending (its natural order)."""
    header = _read_header(csv_path)
    if target not in header:
        raise ValueError(
            f"{csv_path}: target column {target!r} is not in the header; columns are "
            f"{_preview(header)}."
        )
    column = pd.read_csv(
        csv_path, encoding="utf-8-sig", usecols=[target], dtype=str, keep_default_na=False
    )[target]
    values = pd.unique(column[column != ""])
    try:
        numbers_ = sorted({float(v) for v in values})
    except ValueError:
        raise ValueError(
            f"{csv_path}: target column {target!r} holds text labels "
            f"({_preview(sorted(map(str, values)))}); their order cannot be guessed. Give "
            "every class in ordinal order (classes=[...], or --order on the command line)."
        ) from None
    if not all(math.isfinite(v) for v in numbers_):
        raise ValueError(f"{csv_path}: target column {target!r} holds non-finite numbers.")
    return [int(v) if float(v).is_integer() else v for v in numbers_]


def load_ordinal_csv(
    path: str | os.PathLike[str], target: str, classes: list | None = None
) -> TabularDataset:
    """Read one CSV file of features and an ordered target column.

    The file is read as :func:`load_tabular_csv` reads a dataset's CSV file (header row,
    only empty cells missing), without a JSON description: the target column and the
    classes are given here.

    Parameters
    ----------
    path : str or path-like
        The CSV file.
    target : str
        Name of the label column.
    classes : list, optional
        Every label in ordinal order (strings or numbers; labels that never occur keep
        their place on the scale). Required when the labels are text; for a numeric
        column the default is its distinct values in ascending order.

    Returns
    -------
    dataset : TabularDataset
        Named after the file's stem.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        For a malformed file, a missing target column, text labels without
        ``classes``, labels outside ``classes``, or duplicate or fewer than two classes.

    Examples
    --------
    >>> data = load_ordinal_csv("grades.csv", "grade", ["low", "mid", "high"])  # doctest: +SKIP
    >>> data.classes, data.y_index[:3]  # doctest: +SKIP
    (['low', 'mid', 'high'], array([0, 2, 1]))
    """
    csv_path = Path(path)
    if not csv_path.is_file():
        raise FileNotFoundError(f"CSV file not found: {csv_path}")
    if not isinstance(target, str) or not target:
        raise ValueError(f"target must be a non-empty column name, got {target!r}.")
    if classes is None:
        classes = _numeric_order(csv_path, target)
    else:
        classes = [_as_class(c) for c in classes]
    _check_classes(classes, csv_path)
    X, y = _read_table(csv_path, target, classes, "the given classes")
    return TabularDataset(
        X=X,
        y=y,
        classes=classes,
        name=csv_path.stem,
        description="",
        path=csv_path,
        target=target,
    )


def _as_class(value: object) -> object:
    """A class as given (numpy scalars become Python numbers)."""
    return value.item() if isinstance(value, np.generic) else value
