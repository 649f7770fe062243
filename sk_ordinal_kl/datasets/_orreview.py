"""orreview holdout folders: the layout of Gutiérrez et al. (IEEE TKDE 2016) and ORCA.

Each dataset is a folder ``<root>/<name>/`` (or ``<root>/<name>/matlab/``) holding
``train_<name>.<k>`` and ``test_<name>.<k>``: one pattern per line, whitespace-separated
numbers, the last column the ordered label ``1..K``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ._common import OrdinalSplit, _check_int, _check_name, _check_root, _dataset_names, _read_text

#: Sub-folder some archives use for the files of each dataset.
_NESTED_DIR = "matlab"
#: Holdout suffix: a non-negative integer without leading zeros.
_HOLDOUT_SUFFIX = r"(0|[1-9][0-9]*)"


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
    base = _check_root(root, "orreview") / name
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
        Folder of orreview datasets, one sub-folder each; other folders and files
        may lie beside them.

    Returns
    -------
    names : list of str
        Names of the sub-folders holding a complete holdout pair, sorted
        lexicographically (upper case first).

    Raises
    ------
    FileNotFoundError
        If ``root`` is not a folder ("orreview dataset root not found").

    Examples
    --------
    >>> list_orreview_datasets("path/to/orreview")  # doctest: +SKIP
    ['ERA', 'ESL', 'balance-scale', 'car', ...]
    """
    return _dataset_names(root, "orreview", _holds_holdouts)


def _holds_holdouts(folder: Path) -> bool:
    """Whether ``folder`` (or its ``matlab/`` sub-folder) holds a complete holdout pair."""
    name = folder.name
    return bool(_holdouts_in(folder, name) or _holdouts_in(folder / _NESTED_DIR, name))


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
