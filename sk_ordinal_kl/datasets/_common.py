"""What every dataset source shares: the holdout type, parameter checks, text reading.

:class:`OrdinalSplit` is the split type of the orreview loader and of the holdout helpers;
the checks and readers here serve the orreview, CSV, embedded and splitting modules alike,
so none of those has to import another.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._compat import Interval, validate_parameter_constraints

#: How many offending values an error message lists before it says "...".
_SHOWN = 5


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


def _check_root(root: str | os.PathLike[str], kind: str) -> Path:
    """``root`` as a Path, or FileNotFoundError naming the ``kind`` of dataset root missing."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{kind} dataset root not found: {root}")
    return root


def _dataset_names(
    root: str | os.PathLike[str], kind: str, holds_dataset: Callable[[Path], bool]
) -> list[str]:
    """Sorted names of the sub-folders of ``root`` that ``holds_dataset`` accepts."""
    folders = _check_root(root, kind).iterdir()
    return sorted(entry.name for entry in folders if entry.is_dir() and holds_dataset(entry))


def _read_text(path: Path) -> str:
    """Read ``path`` as text, raising FileNotFoundError / ValueError that name it."""
    if not path.is_file():
        raise FileNotFoundError(f"orreview file not found: {path}")
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a text file ({exc.reason}).") from None


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
