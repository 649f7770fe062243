"""Mini-batches by slicing whole tensors, instead of one ``__getitem__`` per row.

skorch's default ``DataLoader`` builds every batch from ``batch_size`` calls of
``Dataset.__getitem__`` plus a collate step; for small tabular rows that Python
overhead dominates training. :class:`ArrayBatchLoader` converts the
arrays of a skorch :class:`~skorch.dataset.Dataset` (or a ``Subset`` of one, as made by
skorch's validation split) to tensors once and yields index slices; a dict of arrays
(several forward inputs, or class indices with sample weights) is sliced key by key.
A shuffled epoch of modest size gathers all rows in the epoch's order at once and then
yields contiguous views, one gather per epoch instead of one per batch and tensor.
A scipy sparse ``X`` (CSR or CSC, e.g. one-hot encoded columns) stays sparse, as CSR
for fast row selection: each batch's rows are selected and made dense on their own, so
no more than one batch is ever dense in memory.
Anything else (a user's own ``Dataset``) goes through a regular ``DataLoader``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np
import torch
from scipy import sparse
from skorch.dataset import Dataset as SkorchDataset
from torch.utils.data import DataLoader, Subset

__all__ = ["ArrayBatchLoader"]

# A shuffled epoch over at most this many bytes of arrays is gathered in one go (a
# temporary copy of that size); larger data are gathered batch by batch.
_GATHER_EPOCH_MAX_BYTES = 64 * 2**20


def _as_tensor(values):
    """A tensor (or dict of tensors) sharing memory with ``values``, a sparse matrix as
    CSR (made dense batch by batch); None if not arrays."""
    if isinstance(values, torch.Tensor):
        return values
    if sparse.issparse(values):
        return values.tocsr()  # no copy when it is CSR already
    if isinstance(values, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(values))
    if isinstance(values, Mapping):  # several forward inputs, or class index + weight
        tensors = {key: _as_tensor(value) for key, value in values.items()}
        return None if any(t is None for t in tensors.values()) else tensors
    return None


def _take(values, rows):
    """Rows of a tensor or of every tensor in a dict (``rows``: a slice or index tensor);
    the rows of a sparse matrix stay sparse."""
    if values is None:
        return None
    if isinstance(values, dict):
        return {key: _take(value, rows) for key, value in values.items()}
    if sparse.issparse(values):
        return values[rows if isinstance(rows, slice) else rows.numpy()]
    if isinstance(rows, slice):  # contiguous slices are views: no copy at all
        return values[rows]
    return values.index_select(0, rows)


def _dense(values):
    """A batch as skorch passes it to the module: sparse rows become a dense tensor."""
    if sparse.issparse(values):
        return torch.from_numpy(values.toarray())
    if isinstance(values, dict):
        return {key: _dense(value) for key, value in values.items()}
    return values


def _is_sparse(values) -> bool:
    if isinstance(values, dict):
        return any(_is_sparse(value) for value in values.values())
    return sparse.issparse(values)


def _n_bytes(values) -> int:
    if isinstance(values, dict):
        return sum(_n_bytes(value) for value in values.values())
    return 0 if values is None else values.numel() * values.element_size()


def _split(values, batch_size: int) -> list:
    """Consecutive row blocks (views) of a tensor or of every tensor in a dict."""
    if values is None:
        return None
    if isinstance(values, dict):
        parts = {key: _split(value, batch_size) for key, value in values.items()}
        return [dict(zip(parts, rows, strict=True)) for rows in zip(*parts.values(), strict=True)]
    return list(values.split(batch_size))


def _n_rows(values) -> int:
    if isinstance(values, dict):
        return _n_rows(next(iter(values.values())))
    return values.shape[0] if sparse.issparse(values) else len(values)


def _array_view(dataset):
    """``(X, y)`` tensors behind a skorch Dataset (or a Subset of one), else None."""
    indices = None
    if isinstance(dataset, Subset):
        indices = torch.as_tensor(np.asarray(dataset.indices), dtype=torch.long)
        dataset = dataset.dataset
    if type(dataset) is not SkorchDataset:
        return None
    X, y = _as_tensor(dataset.X), _as_tensor(dataset.y)
    if X is None or (dataset.y is not None and y is None):
        return None
    if indices is not None:
        X, y = _take(X, indices), _take(y, indices)
    return X, y


class ArrayBatchLoader:
    """Iterate over ``(X_batch, y_batch)`` slices of in-memory arrays.

    A drop-in ``iterator_train`` / ``iterator_valid`` for skorch: it is called as
    ``ArrayBatchLoader(dataset, batch_size=..., shuffle=...)``. Arguments only a
    ``DataLoader`` understands (``num_workers``, ``collate_fn``, ...) make it fall back
    to a ``DataLoader`` with those arguments, as does a dataset that is not array-backed.

    Parameters
    ----------
    dataset : torch Dataset
        Usually a :class:`skorch.dataset.Dataset` over numpy arrays or tensors.
    batch_size : int, default=128
        Rows per batch.
    shuffle : bool, default=False
        Draw a new permutation (from torch's global generator) every epoch.
    drop_last : bool, default=False
        Drop the last, smaller batch.
    **loader_kwargs
        Passed to ``torch.utils.data.DataLoader`` when falling back to it.

    Examples
    --------
    >>> ds = SkorchDataset(np.zeros((5, 2), dtype=np.float32), np.arange(5))
    >>> [tuple(Xb.shape) for Xb, yb in ArrayBatchLoader(ds, batch_size=2)]
    [(2, 2), (2, 2), (1, 2)]
    """

    def __init__(
        self,
        dataset,
        batch_size: int = 128,
        shuffle: bool = False,
        drop_last: bool = False,
        **loader_kwargs,
    ):
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        arrays = None if loader_kwargs else _array_view(dataset)
        if arrays is None:
            self._fallback = DataLoader(
                dataset,
                batch_size=self.batch_size,
                shuffle=shuffle,
                drop_last=drop_last,
                **loader_kwargs,
            )
            self.X = self.y = None
        else:
            self._fallback = None
            self.X, self.y = arrays

    def __len__(self) -> int:
        if self._fallback is not None:
            return len(self._fallback)
        rounding = math.floor if self.drop_last else math.ceil
        return rounding(_n_rows(self.X) / self.batch_size)

    def __iter__(self) -> Iterator:
        if self._fallback is not None:
            yield from self._fallback
            return
        n_rows = _n_rows(self.X)
        order = torch.randperm(n_rows) if self.shuffle else None
        stop = n_rows - n_rows % self.batch_size if self.drop_last else n_rows
        # A sparse X is gathered batch by batch: a whole dense epoch is what it avoids.
        small = (
            not _is_sparse(self.X)
            and _n_bytes(self.X) + _n_bytes(self.y) <= _GATHER_EPOCH_MAX_BYTES
        )
        if order is not None and stop > 0 and small:
            order = order[:stop]
            X_batches = _split(_take(self.X, order), self.batch_size)
            y_batches = _split(_take(self.y, order), self.batch_size)
            yield from zip(X_batches, y_batches or [None] * len(X_batches), strict=True)
            return
        for start in range(0, stop, self.batch_size):
            if order is None:
                rows = slice(start, start + self.batch_size)
            else:
                rows = order[start : start + self.batch_size]
            yield _dense(_take(self.X, rows)), _take(self.y, rows)
