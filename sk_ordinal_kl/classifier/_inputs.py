"""What ``X`` may be, checked before any training, and turned into what skorch batches.

Accepted, as skorch users pass them:

* array-likes (numpy, lists, pandas DataFrames) and torch tensors, 2-D for the default
  MLP, N-D (images ``(N, C, H, W)``, sequences) for a module that takes them: validated
  by scikit-learn (finite values, sample count, ``n_features_in_``) and made float32;
  a DataFrame column that is not numeric (strings, dates) raises a ValueError naming
  it, before scikit-learn's bare "could not convert string to float";
* scipy sparse matrices and arrays (what a ``ColumnTransformer`` with a one-hot encoder
  gives): validated the same way and kept sparse (other formats become CSR); the
  batch iterator makes them dense one batch at a time;
* a dict of such arrays for a module whose ``forward`` takes several inputs: each
  becomes a keyword argument of ``forward``;
* a torch ``Dataset`` yielding ``(x, label)`` pairs (``y=None``), or skorch's
  ``SliceDataset`` with labels in ``y``: passed through as they are.

Anything else raises a ``TypeError`` that lists these.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import torch
from scipy import sparse
from sklearn.utils.validation import check_array, validate_data
from skorch.helper import SliceDataset
from torch.utils.data import Dataset

__all__ = ["ACCEPTED_X", "is_dataset", "validate_X"]

ACCEPTED_X = (
    "a numeric array-like, scipy sparse matrix or torch Tensor of shape (n_samples, ...), "
    "a dict of such arrays "
    "(one per forward argument), a torch Dataset of (x, label) pairs, or a "
    "skorch.helper.SliceDataset"
)


def is_dataset(X: Any) -> bool:
    """Whether ``X`` is a torch Dataset or a skorch SliceDataset (passed through)."""
    return isinstance(X, Dataset | SliceDataset)


def _tensor_to_numpy(X: torch.Tensor) -> np.ndarray:
    # A CPU tensor shares memory with the array; scikit-learn's checks then see numpy.
    return X.detach().cpu().numpy()


def _check_dict(X: Mapping, owner: str) -> dict[str, np.ndarray]:
    if not X:
        raise ValueError("X is an empty dict; pass one array per forward argument.")
    arrays = {}
    for key, value in X.items():
        if not isinstance(key, str):
            raise TypeError(f"dict X must have string keys (forward arguments), got {key!r}.")
        if isinstance(value, torch.Tensor):
            value = _tensor_to_numpy(value)
        value = np.asarray(value)
        # Integer inputs (token ids, category codes) stay integers; the rest is float32.
        dtype = np.int64 if value.dtype.kind in "iub" else np.float32
        arrays[key] = check_array(
            value,
            dtype=dtype,
            ensure_2d=False,
            allow_nd=True,
            ensure_all_finite=True,
            input_name=f"X[{key!r}]",
            estimator=owner,
        )
    lengths = {key: len(value) for key, value in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"The arrays of dict X have different numbers of samples: {lengths}.")
    return arrays


def _is_numeric_column(column: pd.Series) -> bool:
    """Whether a DataFrame column converts to float: numbers, booleans, or an object or
    categorical column holding only numbers (missing cells aside)."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.api.types.is_numeric_dtype(dtype.categories.dtype)
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return True
    if pd.api.types.is_object_dtype(dtype):
        present = column.dropna().tolist()
        return all(isinstance(v, numbers.Number) for v in present)
    return False  # strings, dates, intervals, ...


def _check_numeric_columns(X: pd.DataFrame, owner: str) -> None:
    """Raise before training, naming the DataFrame columns that are not numeric."""
    bad = [name for name, column in X.items() if not _is_numeric_column(column)]
    if bad:
        shown = ", ".join(repr(name) for name in bad[:10])
        more = f" (and {len(bad) - 10} more)" if len(bad) > 10 else ""
        raise ValueError(
            f"{owner} takes numeric features, but X has non-numeric column(s) {shown}{more}. "
            "Encode them first, e.g. make_pipeline(sk_ordinal_kl.preprocessing."
            f"make_tabular_preprocessor(), {owner}(...)), which one-hot encodes strings and "
            "categories and imputes and scales numbers."
        )


def validate_X(estimator: Any, X: Any, *, reset: bool, two_d: bool) -> Any:
    """Check ``X`` and return it in the form the skorch loop batches.

    Parameters
    ----------
    estimator : OrdinalKLClassifier
        Owner of ``n_features_in_`` / ``feature_names_in_`` (set when ``reset``).
    X : object
        The input; see the module docstring for what is accepted.
    reset : bool
        Whether this is a fit that records the number of features.
    two_d : bool
        Whether the module needs 2-D ``X`` (the default MLP does).

    Returns
    -------
    X : ndarray (float32), CSR or CSC matrix (float32), dict of ndarrays, or the
        dataset as given

    Raises
    ------
    TypeError
        For inputs of no accepted kind.
    ValueError
        For NaN/inf (also among the stored values of a sparse matrix), empty or wrongly
        shaped arrays, and DataFrame columns that are not numeric.
    """
    owner = type(estimator).__name__
    if is_dataset(X):
        return X  # items are only seen batch by batch, by the module
    if isinstance(X, Mapping) and not sparse.issparse(X):  # a dok_matrix is a dict
        return _check_dict(X, owner)
    if isinstance(X, torch.Tensor):
        X = _tensor_to_numpy(X)
    if isinstance(X, pd.DataFrame):
        _check_numeric_columns(X, owner)
    if isinstance(X, str | bytes) or not (
        hasattr(X, "__array__") or hasattr(X, "__len__") or sparse.issparse(X)
    ):
        raise TypeError(f"X must be {ACCEPTED_X}; got {type(X).__name__}.")
    shape = getattr(X, "shape", None)
    if two_d and shape is not None and len(shape) > 2:
        raise ValueError(
            f"The default module (TabularMLP) takes 2-D X (n_samples, n_features), got "
            f"shape {tuple(shape)}. Pass module=... with a network that accepts "
            f"{len(shape)}-D input, or reshape X."
        )
    return validate_data(
        estimator,
        X,
        reset=reset,
        accept_sparse=("csr", "csc"),
        dtype=np.float32,
        ensure_all_finite=True,
        allow_nd=not two_d,
    )
