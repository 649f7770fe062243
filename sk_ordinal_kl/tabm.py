"""TabM for tables: a parameter-efficient ensemble of MLPs over piecewise-linear embeddings.

:class:`TabMNet` is what ``OrdinalKLClassifier(module="tabm")`` trains. It composes the
building blocks of the method's authors' own packages (Gorishniy et al.): ``tabm``
(TabM, ICLR 2025: ``k`` MLPs sharing their weights, each with its own BatchEnsemble
adapters) and ``rtdl_num_embeddings`` (piecewise-linear embeddings of numeric
features, NeurIPS 2022, in the "B" version that the TabM paper uses).

Which columns get an embedding, and the embeddings' bin edges, depend on the
training rows. :meth:`TabMNet.data_kwargs` computes them; the estimator calls it on
the rows passed to ``fit`` (see "Modules that need the data" in the user guide), so
the network works unchanged in Pipelines, searches and cross-validation.

Shapes: ``forward(X[B, F]) -> logits[B, k, K]``, one row of logits per member; the
criteria train each member on its own loss and ``predict_proba`` averages the
members' probabilities.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Sequence
from numbers import Integral
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = ["TabMNet", "embedded_columns"]

_INSTALL_HINT = (
    "module='tabm' needs the packages 'tabm' and 'rtdl_num_embeddings' "
    "(pip install tabm rtdl_num_embeddings)."
)


def _import_tabm():
    try:
        import rtdl_num_embeddings
        import tabm
    except ImportError as error:  # pragma: no cover - both are dependencies
        raise ImportError(_INSTALL_HINT) from error
    return tabm, rtdl_num_embeddings


def _column_values(X, j: int) -> np.ndarray:
    if hasattr(X, "toarray"):  # scipy sparse: older sparse arrays cannot slice 1-D columns
        return X[:, [j]].toarray().astype(np.float64).ravel()
    return np.asarray(X[:, j], dtype=np.float64).ravel()


def _check_count(name: str, value, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")


def embedded_columns(X, min_distinct: int = 3) -> np.ndarray:
    """Positions of the columns that get a numeric embedding.

    A column is embedded when it takes at least ``min_distinct`` distinct values in
    ``X``: binary, indicator and one-hot columns (two values) pass through unchanged,
    as the TabM paper treats them.

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
        Training rows.
    min_distinct : int, default=3
        Fewest distinct values of an embedded column (>= 3).

    Returns
    -------
    columns : ndarray of int64
        Sorted column positions.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0, 0.5], [1.0, 2.0, 0.1], [0.0, 3.0, 0.9]])
    >>> embedded_columns(X)
    array([1, 2])
    """
    _check_count("min_distinct", min_distinct, 3)
    keep = [
        j for j in range(X.shape[1]) if np.unique(_column_values(X, j)).size >= int(min_distinct)
    ]
    return np.asarray(keep, dtype=np.int64)


def _bins(X, columns: np.ndarray, n_bins: int) -> list[torch.Tensor]:
    """Quantile bin edges of each embedded column (the PLE paper's default)."""
    _, rtdl = _import_tabm()
    if columns.size == 0:
        return []
    values = np.column_stack([_column_values(X, j) for j in columns])
    # compute_bins wants fewer bins than rows; fewer distinct values give fewer edges.
    n_bins = max(2, min(int(n_bins), values.shape[0] - 1))
    with _one_bin_columns_accepted():
        return rtdl.compute_bins(torch.as_tensor(values, dtype=torch.float32), n_bins=n_bins)


@contextlib.contextmanager
def _one_bin_columns_accepted():
    # A column whose quantiles collapse to one bin (a mostly constant column) is then
    # embedded linearly, which suits it: rtdl's warning about it would repeat every fit.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*has just two bin edges", category=UserWarning)
        yield


def _piecewise_linear_embeddings(rtdl, bins: list[torch.Tensor], d_embedding: int) -> nn.Module:
    with _one_bin_columns_accepted():
        return rtdl.PiecewiseLinearEmbeddings(bins, d_embedding, activation=False, version="B")


class TabMNet(nn.Module):
    """TabM ensemble of ``k`` MLPs with piecewise-linear numeric embeddings.

    The estimator fills in ``in_features``, ``num_classes``, ``columns`` and ``bins``
    from the training data (:meth:`data_kwargs`); set the others through
    ``module__*``. The architecture is the TabM paper's recommended one (TabM with
    piecewise-linear embeddings, version "B", 2 blocks); its sizes (``k=32``, blocks of
    512, dropout 0.1, 16-dimensional embeddings of 48 bins) cost several times more
    per fit than a CPU default allows. The defaults (``k=4`` members, blocks of 64) are
    the smallest configuration whose test error, trained with the estimator's TabM
    defaults (``lr=3e-3``, batches growing with the rows, early stopping), matched the
    former ``k=8``, blocks of 128 at ``lr=1e-3`` and batches of 64 on three mixed-type
    tables, at 2,000 rows and on the whole training parts, for a quarter to a sixth of
    the fit time (``docs/performance.md``, "Default TabM fit"). Raise them on a GPU.

    Parameters
    ----------
    in_features : int
        Number of input columns ``F``.
    num_classes : int
        Number of classes ``K``.
    columns : sequence of int, default=()
        Positions of the columns that get an embedding (the rest pass through).
    bins : list of 1-D tensors, default=None
        Bin edges of each embedded column (``rtdl_num_embeddings.compute_bins``);
        required when ``columns`` is not empty.
    k : int, default=4
        Number of ensemble members.
    n_blocks : int, default=2
        Hidden blocks of each member.
    d_block : int, default=64
        Width of the hidden blocks.
    dropout : float, default=0.0
        Dropout after each block (each member draws its own mask).
    d_embedding : int, default=8
        Size of each column's embedding.
    n_bins : int, default=24
        Bins per embedded column; used by :meth:`data_kwargs`.
    min_distinct : int, default=3
        Fewest distinct training values of an embedded column; used by
        :meth:`data_kwargs`.
    arch_type : {"tabm", "tabm-mini", "tabm-packed"}, default="tabm"
        TabM variant (the ``tabm`` package's ``arch_type``).

    Attributes
    ----------
    n_members : int
        ``k``; an output head other than softmax gets one set of parameters per member.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32)
    >>> net = TabMNet(**TabMNet.data_kwargs(X, None), num_classes=4, k=2, d_block=8)
    >>> net(torch.as_tensor(X[:5])).shape
    torch.Size([5, 2, 4])
    """

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        columns: Sequence[int] = (),
        bins: list[torch.Tensor] | None = None,
        k: int = 4,
        n_blocks: int = 2,
        d_block: int = 64,
        dropout: float = 0.0,
        d_embedding: int = 8,
        n_bins: int = 24,
        min_distinct: int = 3,
        arch_type: str = "tabm",
    ):
        super().__init__()
        tabm, rtdl = _import_tabm()
        for name, value, low in (
            ("k", k, 1),
            ("n_blocks", n_blocks, 1),
            ("d_block", d_block, 1),
            ("d_embedding", d_embedding, 1),
            ("n_bins", n_bins, 2),
            ("min_distinct", min_distinct, 3),
        ):
            _check_count(name, value, low)
        in_features = int(in_features)
        embedded = torch.as_tensor(np.asarray(columns, dtype=np.int64).reshape(-1))
        if embedded.numel() and (embedded.min() < 0 or embedded.max() >= in_features):
            raise ValueError(f"columns must be positions in 0..{in_features - 1}.")
        if embedded.numel() and (bins is None or len(bins) != embedded.numel()):
            raise ValueError(
                "bins must hold one tensor of bin edges per embedded column "
                f"({embedded.numel()}); the estimator computes them with TabMNet.data_kwargs."
            )
        passed = torch.as_tensor(
            np.setdiff1d(np.arange(in_features), embedded.numpy()), dtype=torch.int64
        )
        self.register_buffer("embedded_columns", embedded)
        self.register_buffer("passed_columns", passed)
        self.embeddings = (
            _piecewise_linear_embeddings(rtdl, list(bins), int(d_embedding))
            if embedded.numel()
            else None
        )
        # Per-feature sizes: TabM initialises the first adapter chunk by chunk.
        chunks = [int(d_embedding)] * embedded.numel() + [1] * passed.numel()
        tabm_init = None if arch_type == "tabm-packed" else "normal"
        self.ensemble_view = tabm.EnsembleView(k=int(k))
        self.backbone = tabm.make_tabm_backbone(
            d_in=sum(chunks),
            n_blocks=int(n_blocks),
            d_block=int(d_block),
            dropout=float(dropout),
            k=int(k),
            arch_type=arch_type,
            start_scaling_init=tabm_init,
            start_scaling_init_chunks=None if tabm_init is None else chunks,
        )
        self.output = tabm.LinearEnsemble(int(d_block), int(num_classes), k=int(k))
        self.n_members = int(k)  # read by the output heads: one set of parameters per member
        # The package's "tabm" backbone, computed in fewer ops (_batch_ensemble_backbone).
        self._batch_ensemble = arch_type == "tabm"

    @classmethod
    def data_kwargs(
        cls,
        X,
        y=None,
        *,
        n_bins: int = 24,
        min_distinct: int = 3,
        columns: Sequence[int] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        """Constructor arguments that come from the training rows.

        :class:`~sk_ordinal_kl.OrdinalKLClassifier` calls this hook inside ``fit``
        (once per fresh fit, not on ``warm_start`` or later ``partial_fit`` calls) with
        the validated training inputs and the user's ``module__*`` values as keywords;
        user values win over the returned ones.

        Parameters
        ----------
        X : ndarray or scipy sparse matrix of shape (n_samples, n_features)
            Training rows (every row passed to ``fit``; labels are not used).
        y : ndarray of shape (n_samples,), default=None
            Ordinal class indices (unused: the bins are quantiles of ``X``).
        n_bins : int, default=24
            Bins per embedded column.
        min_distinct : int, default=3
            Fewest distinct values of an embedded column.
        columns : sequence of int, default=None
            The columns to embed, when the user chose them (``module__columns``); by
            default those with at least ``min_distinct`` values.
        **_ : dict
            Other ``module__*`` values (ignored).

        Returns
        -------
        kwargs : dict
            ``in_features``, ``columns`` (positions of the embedded columns) and
            ``bins`` (their bin edges).
        """
        _check_count("n_bins", n_bins, 2)
        if columns is None:
            columns = embedded_columns(X, min_distinct)
        columns = np.asarray(columns, dtype=np.int64).reshape(-1)
        if columns.size and (columns.min() < 0 or columns.max() >= X.shape[1]):
            raise ValueError(f"columns must be positions in 0..{X.shape[1] - 1}.")
        return {"in_features": X.shape[1], "columns": columns, "bins": _bins(X, columns, n_bins)}

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Member logits of a batch.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, in_features)
            Input features.

        Returns
        -------
        logits : torch.Tensor of shape (batch, k, num_classes)
            One row of logits per ensemble member.
        """
        parts = []
        if self.embeddings is not None:
            parts.append(self.embeddings(X[:, self.embedded_columns]).flatten(1))
        if self.passed_columns.numel():
            parts.append(X[:, self.passed_columns])
        x = parts[0] if len(parts) == 1 else torch.cat(parts, dim=1)
        if getattr(self, "_batch_ensemble", False):
            return self.output(_batch_ensemble_backbone(self.backbone.blocks, x))
        return self.output(self.backbone(self.ensemble_view(x)))  # "tabm-mini", "tabm-packed"


def _batch_ensemble_backbone(blocks: nn.ModuleList, x: torch.Tensor) -> torch.Tensor:
    """The ``"tabm"`` backbone on one row per sample ``(B, d)``: ``(B, k, d_block)``.

    The package's arithmetic in fewer element-wise ops (each block is
    ``LinearBatchEnsemble``, ``((x * r) @ W.T) * s + bias``, then activation and
    dropout); every member computes the same function:

    * the first block's input is the same for all ``k`` members (the package expands it
      to ``(B, k, d)`` and scales it by ``r``): ``(x * r_m) @ W.T = x @ (W * r_m).T``,
      so the ``k`` scaled weight matrices (``k x d_block x d``, built once per batch)
      are applied in one matrix product and the expanded input is never formed;
    * ``* s + bias`` is one ``addcmul``.
    """
    first = True
    for block in blocks:
        linear = block[0]
        if first:
            weight = linear.weight.unsqueeze(0) * linear.r.unsqueeze(1)  # (k, out, in)
            k, d_out, d_in = weight.shape
            x = (x @ weight.reshape(k * d_out, d_in).T).view(-1, k, d_out)
            first = False
        else:
            x = (x * linear.r) @ linear.weight.T
        x = x * linear.s if linear.bias is None else torch.addcmul(linear.bias, x, linear.s)
        for layer in block[1:]:  # activation, dropout
            x = layer(x)
    return x
