"""Ordinal benchmark data: an orreview-format loader and embedded, download-free sets.

Two sources of ordinal data:

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

Labels from orreview files are returned exactly as written (``1..K``); the
embedded sets use ``0..K-1``.
"""

from __future__ import annotations

import numbers
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_X_y

from ._compat import Interval, validate_parameter_constraints

__all__ = [
    "OrdinalSplit",
    "holdout_splits",
    "list_holdouts",
    "list_orreview_datasets",
    "load_diabetes_ordinal",
    "load_holdout_or_embedded",
    "load_orreview",
    "load_orreview_holdout",
    "make_ordinal_classification",
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


def _check_parameter(name: str, value: object, constraint) -> None:
    if isinstance(value, bool):  # scikit-learn's intervals let booleans through as 0/1
        raise ValueError(f"{name} must be a number, got the boolean {value!r}.")
    validate_parameter_constraints({name: [constraint]}, {name: value}, caller_name=__name__)


def _check_int(value: object, name: str, minimum: int) -> int:
    """Return ``value`` as an int, or raise ValueError naming ``name``."""
    _check_parameter(name, value, Interval(numbers.Integral, minimum, None, closed="left"))
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


def list_orreview_datasets(root: str | os.PathLike[str]) -> list[str]:
    """Names of the orreview-format datasets under ``root``.

    A sub-folder ``<name>`` counts as a dataset when it (or its ``matlab/``
    sub-folder) holds at least one ``train_<name>.<k>`` file with the matching
    ``test_<name>.<k>``.

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
    holdout = _check_int(holdout, "holdout", 0)
    directory = _dataset_dir(root, name)
    train_path = directory / f"train_{name}.{holdout}"
    test_path = directory / f"test_{name}.{holdout}"
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

    n_classes = _check_int(n_classes, "n_classes", 2)
    if n_classes > 50:
        raise ValueError(f"n_classes must be <= 50 for 442 patients, got {n_classes}.")
    bunch = load_diabetes(as_frame=as_frame)
    target = np.asarray(bunch.target, dtype=np.float64)
    y = _equal_frequency_labels(target, n_classes)
    if not as_frame:
        return np.asarray(bunch.data, dtype=np.float64), y
    import pandas as pd

    dtype = pd.CategoricalDtype(categories=list(range(n_classes)), ordered=True)
    return bunch.data, pd.Series(y, index=bunch.data.index, name="target", dtype=dtype)


def _check_noise(noise: object) -> float:
    _check_parameter("noise", noise, Interval(numbers.Real, 0, None, closed="left"))
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
    n_classes = _check_int(n_classes, "n_classes", 2)
    n_samples = _check_int(n_samples, "n_samples", n_classes)
    n_features = _check_int(n_features, "n_features", 1)
    n_informative = _check_int(n_informative, "n_informative", 1)
    if n_informative > n_features:
        raise ValueError(
            f"n_informative must be <= n_features ({n_features}), got {n_informative}."
        )
    noise = _check_noise(noise)
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
    n_holdouts = _check_int(n_holdouts, "n_holdouts", 1)
    X, y = check_X_y(X, y, dtype=np.float64)
    y = _check_labels(y)
    splitter = StratifiedShuffleSplit(
        n_splits=n_holdouts, test_size=test_size, random_state=random_state
    )
    return [
        OrdinalSplit(X[train], y[train], X[test], y[test], name, k)
        for k, (train, test) in enumerate(splitter.split(X, y))
    ]


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
