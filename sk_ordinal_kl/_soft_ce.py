"""Fused soft-target cross-entropy: ``-sum_k W[y, k] log_softmax(z)_k - c[y]``.

One autograd node instead of the ~8 a composition of torch ops records: the forward
runs one log-softmax, one row gather and one product-sum, reduced inside the node when
a mean or sum is asked for; the backward is the closed form
``d/dz = (sum_k W[y, k]) * softmax(z) - W[y]``, computed by the same fused
log-softmax backward kernel that hard-label cross-entropy uses. At the batch sizes of
tabular training the cost is mostly per dispatched op, so the node keeps their number
down. With ``create_graph=True`` the backward is recorded, so second derivatives work.

When the table is *banded* (all non-zeros within ``h`` of the diagonal, as a Gaussian
with small sigma is in float32), the rows are stored as ``K x (2h + 1)`` and only
``2h + 1`` log-probabilities per sample are gathered: for K in the hundreds or
thousands that is most of the work of a dense soft target saved.

The layout policy lives here as well, in one place: :class:`SoftTarget` (a kernel, its
width and ``K``) decides whether its rows are dense (always up to
:data:`SMALL_NUM_CLASSES` classes, where the dense native path of
:func:`small_soft_target_cross_entropy` is used) or banded, and :func:`pack_rows` cuts a
band from any dense table when it pays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ._compat import log_softmax_backward
from .targets import (
    _check_kernel,
    log_soft_target_band,
    log_soft_target_table,
    soft_target_half_width,
)

__all__ = [
    "SMALL_NUM_CLASSES",
    "SoftTarget",
    "band_column_table",
    "band_layout",
    "band_to_dense",
    "max_band_half_width",
    "mix_onehot",
    "pack_rows",
    "small_soft_target_cross_entropy",
    "soft_target_cross_entropy",
]

# Use the banded layout when the band is at most this fraction of K (measured: below it
# the gather saves more than its index arithmetic costs).
_BAND_FRACTION = 1 / 8

#: Up to this many classes a dense table is applied by :func:`small_soft_target_cross_entropy`
#: (measured with benchmarks/bench_criterion.py: three native ops beat the Python autograd
#: node's fixed cost while the ``B x K x K`` product stays small).
SMALL_NUM_CLASSES = 32


class _FusedSoftCE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, target, rows, offset, band_columns, reduction, weight=None):
        log_q = torch.log_softmax(logits, dim=1)
        soft = rows.index_select(0, target)
        if soft.dtype != log_q.dtype:
            soft = soft.to(log_q.dtype)
        index, picked = None, log_q
        if band_columns is not None:
            index = band_columns.index_select(0, target)
            picked = log_q.gather(1, index)
        ctx.save_for_backward(log_q, soft, index, logits, weight)
        ctx.per_sample = reduction == "none"
        # Per sample first, constant included, then summed: the terms cancel to a small
        # loss, so a single dot product over B x K would lose digits. In place on fresh
        # temporaries: at small B x K every dispatched op costs about as much as its math.
        loss = (soft * picked).sum(dim=1)
        if offset is not None:
            loss.add_(offset.index_select(0, target).to(log_q.dtype))
        if weight is not None:
            # Per-sample weights (a constant here): w_i l_i, and the mean divides by
            # sum_i w_i, a tensor so that nothing waits for the device. 0 / 0 is NaN, as
            # for the mean of an empty batch.
            ctx.scale = _weighted_reduction_scale(reduction, weight)
            loss.mul_(weight)
            if ctx.per_sample:
                return loss.neg_()
            return loss.sum().mul_(ctx.scale)
        ctx.scale = _reduction_scale(reduction, logits.shape[0])
        if ctx.per_sample:
            return loss.neg_()
        return loss.sum().mul_(ctx.scale)

    @staticmethod
    def backward(ctx, grad_out):
        log_q, soft, index, logits, weight = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph=True: a log_q autograd can differentiate
            log_q = torch.log_softmax(logits, dim=1)
        # d loss / d log_q = -W[y] g (per sample) or scale W[y] g (mean: -1/B, sum: -1);
        # the log-softmax backward kernel, the one hard-label CE uses, turns it into the
        # closed form g ((sum_k W[y, k]) q - W[y]) in one fused pass. Per-sample weights
        # scale each row: -w_i W[y_i] g_i, or scale w_i W[y_i] g (mean: -1 / sum w).
        if weight is not None:
            coef = grad_out.neg() if ctx.per_sample else grad_out * ctx.scale
            grad_log_q = soft * (weight * coef).unsqueeze(1)
        else:
            grad_log_q = soft * (
                grad_out.unsqueeze(1).neg() if ctx.per_sample else grad_out * ctx.scale
            )
        if index is not None:  # out-of-band weights are 0; clamped duplicates add 0
            grad_log_q = torch.zeros_like(log_q).scatter_add_(1, index, grad_log_q)
        grad = log_softmax_backward(grad_log_q, log_q, 1, log_q.dtype)
        return grad, None, None, None, None, None, None


def _reduction_scale(reduction: str, batch_size: int) -> float:
    """Factor from ``sum_b sum_k W[y_b, k] log q_bk`` to the reduced loss."""
    if reduction == "sum":
        return -1.0
    # An empty batch has a NaN mean, as in F.cross_entropy.
    return -1.0 / batch_size if batch_size else math.nan


def _weighted_reduction_scale(reduction: str, weight: torch.Tensor):
    """The same factor for per-sample weights: -1 (sum) or ``-1 / sum_i w_i`` (mean).

    A 0-dim tensor for the mean (no host sync); ``sum_i w_i = 0`` gives ``-inf``, so the
    mean is ``0 * inf = NaN``, as for an empty batch.
    """
    if reduction == "sum":
        return -1.0
    return weight.sum().reciprocal_().neg_()


def max_band_half_width(num_classes: int) -> int:
    """Largest ``h`` for which the banded layout is used: ``2h + 1 <= K / 8``.

    -1 (never banded) up to :data:`SMALL_NUM_CLASSES` classes, where the dense native
    path of :func:`small_soft_target_cross_entropy` is faster.

    Examples
    --------
    >>> max_band_half_width(1000)
    62
    """
    if num_classes <= SMALL_NUM_CLASSES:  # small tables take the native dense path
        return -1
    return int((_BAND_FRACTION * num_classes - 1) // 2)


def band_column_table(
    num_classes: int, half_width: int, device: torch.device | None = None
) -> torch.Tensor:
    """Column index of every band entry: ``(K, 2h + 1)``, ``y + j - h`` clamped to ``0..K-1``.

    A lookup table, so that a batch's gather indices are one ``index_select``.

    Examples
    --------
    >>> band_column_table(3, 1)
    tensor([[0, 0, 1],
            [0, 1, 2],
            [1, 2, 2]])
    """
    offsets = torch.arange(-half_width, half_width + 1, device=device)
    columns = torch.arange(num_classes, device=device).unsqueeze(1) + offsets
    return columns.clamp_(0, num_classes - 1)


def band_to_dense(rows: torch.Tensor, columns: torch.Tensor) -> torch.Tensor:
    """The ``K x K`` table of band rows (the inverse of :func:`band_layout`).

    Examples
    --------
    >>> band_to_dense(torch.tensor([[0.0, 1.0, 0.5], [0.5, 1.0, 0.0]]), band_column_table(2, 1))
    tensor([[1.0000, 0.5000],
            [0.5000, 1.0000]])
    """
    num_classes = rows.shape[0]
    # Out-of-range band entries are 0, so clamped duplicates add nothing.
    return rows.new_zeros(num_classes, num_classes).scatter_add_(1, columns, rows)


def _band_half_width(weights: torch.Tensor) -> int:
    rows, columns = torch.nonzero(weights, as_tuple=True)
    return int((columns - rows).abs().max())


def band_layout(weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Banded copy ``(rows, columns)`` of a ``K x K`` table, or None if it would not pay.

    Parameters
    ----------
    weights : torch.Tensor of shape (K, K)
        Soft-target weights; row ``y`` for true class ``y``.

    Returns
    -------
    layout : tuple of (torch.Tensor of shape (K, 2h + 1), torch.Tensor of shape (K, 2h + 1))
        Band rows (entry ``j`` of row ``y`` is ``weights[y, y + j - h]``, 0 outside
        ``0..K-1``) and their :func:`band_columns`; None when ``2h + 1 > K / 8``.

    Examples
    --------
    >>> rows, columns = band_layout(torch.eye(64))
    >>> tuple(rows.shape), columns[:3].tolist()
    ((64, 1), [[0], [1], [2]])
    >>> band_layout(torch.eye(16)) is None  # small tables stay dense
    True
    """
    num_classes = weights.shape[0]
    half_width = _band_half_width(weights)
    if half_width > max_band_half_width(num_classes):
        return None
    columns = band_column_table(num_classes, half_width, weights.device)
    # Clamping moved exactly the entries outside 0..K-1: zero their (duplicate) weights.
    offsets = torch.arange(-half_width, half_width + 1, device=weights.device)
    inside = columns == torch.arange(num_classes, device=weights.device).unsqueeze(1) + offsets
    return (weights.gather(1, columns) * inside).contiguous(), columns


def soft_target_cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    rows: torch.Tensor,
    offset: torch.Tensor | None,
    band_columns: torch.Tensor | None = None,
    reduction: str = "none",
    weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """``-sum_k W[y, k] log_softmax(logits)_k - c[y]`` per sample, or reduced, as one node.

    Parameters
    ----------
    logits : torch.Tensor of shape (B, K)
        Unnormalised class scores.
    target : torch.Tensor of shape (B,)
        True class indices.
    rows : torch.Tensor of shape (K, K) or (K, 2h + 1)
        Dense rows ``W``, or band rows from :func:`band_layout`.
    offset : torch.Tensor of shape (K,) or None
        Constant ``c`` per true class (None for 0).
    band_columns : torch.Tensor of shape (K, 2h + 1), default=None
        :func:`band_columns` of a banded ``rows``; None for dense rows.
    reduction : {"none", "mean", "sum"}, default="none"
        Per-sample losses, or their mean or sum (reduced inside the node, so the
        backward is a scalar factor on the gathered rows).
    weight : torch.Tensor of shape (B,), default=None
        Per-sample weights ``w_i`` (class weight times sample weight, in the dtype of
        ``logits``), a constant: no gradient flows to it. ``"none"`` gives
        ``w_i l_i``, ``"sum"`` ``sum_i w_i l_i`` and ``"mean"``
        ``sum_i w_i l_i / sum_i w_i`` (NaN when ``sum_i w_i = 0``, like the mean of an
        empty batch). None: unweighted (exactly the computation without the argument).

    Returns
    -------
    loss : torch.Tensor of shape (B,), or scalar
        Per-sample losses, or their (weighted) mean or sum.

    Examples
    --------
    >>> soft_target_cross_entropy(torch.zeros(2, 3), torch.tensor([0, 2]), torch.eye(3), None)
    tensor([1.0986, 1.0986])
    >>> soft_target_cross_entropy(
    ...     torch.zeros(2, 3), torch.tensor([0, 2]), torch.eye(3), None, reduction="sum"
    ... )
    tensor(2.1972)
    """
    if weight is None:
        return _FusedSoftCE.apply(logits, target, rows, offset, band_columns, reduction)
    return _FusedSoftCE.apply(logits, target, rows, offset, band_columns, reduction, weight)


def small_soft_target_cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    rows: torch.Tensor,
    offset: torch.Tensor | None,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
    sample_weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """The same loss for a small dense table, as three native ops.

    Column ``j`` of ``log_softmax(z) @ W.T + c`` is ``sum_k W[j, k] log q_k + c[j]``,
    minus the loss the sample would have if its class were ``j``; ``nll_loss`` picks
    column ``y`` and applies class weights and the reduction exactly as
    ``F.cross_entropy`` does. ``O(B K^2)`` arithmetic, which for ``K`` up to
    :data:`SMALL_NUM_CLASSES` costs less than the fixed overhead of a Python autograd
    node; autograd differentiates it to any order.

    Parameters
    ----------
    logits : torch.Tensor of shape (B, K)
        Unnormalised class scores.
    target : torch.Tensor of shape (B,)
        True class indices.
    rows : torch.Tensor of shape (K, K)
        Dense rows ``W``.
    offset : torch.Tensor of shape (K,) or None
        Constant ``c`` per true class (None for 0).
    weight : torch.Tensor of shape (K,), default=None
        Class weights (weighted mean as in ``F.cross_entropy``).
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.
    sample_weight : torch.Tensor of shape (B,), default=None
        Per-sample weights ``s_i`` (dtype of ``logits``), multiplying the class weight:
        with ``w_i = weight[y_i] s_i``, ``"none"`` gives ``w_i l_i``, ``"sum"``
        ``sum_i w_i l_i`` and ``"mean"`` ``sum_i w_i l_i / sum_i w_i`` (NaN when
        ``sum_i w_i = 0``, like the mean of an empty batch). Differentiable.

    Returns
    -------
    loss : torch.Tensor
        Scalar, or per-sample losses for ``reduction="none"``.

    Examples
    --------
    >>> logits, target = torch.zeros(2, 3), torch.tensor([0, 2])
    >>> small_soft_target_cross_entropy(logits, target, torch.eye(3), None)
    tensor(1.0986)
    """
    log_q = torch.log_softmax(logits, dim=1)
    rows_t = rows.to(log_q.dtype).t()
    if offset is None:
        scores = log_q @ rows_t
    else:
        scores = torch.addmm(offset.to(log_q.dtype), log_q, rows_t)
    if sample_weight is None:
        return F.nll_loss(scores, target, weight=weight, reduction=reduction)
    # nll_loss gives weight[y_i] l_i per sample; the sample weights multiply that.
    loss = F.nll_loss(scores, target, weight=weight, reduction="none") * sample_weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    total_weight = sample_weight if weight is None else weight[target] * sample_weight
    return loss.sum() / total_weight.sum()


@dataclass(frozen=True)
class SoftTarget:
    """A kernel soft target ``p_sigma(y)`` over ``K`` ordered classes, and its layout.

    What a criterion receives to build its buffers: the kernel ``kind`` of
    :mod:`sk_ordinal_kl.targets`, the width ``sigma``, ``K`` and ``scale``, the factor
    the criterion multiplies ``p`` by. :meth:`log_rows` picks the layout: dense up to
    :data:`SMALL_NUM_CLASSES` classes (applied by the native ops of
    :func:`small_soft_target_cross_entropy`) or when the band would be wider than
    ``K / 8``, else banded (``K x (2h + 1)`` rows built directly from the kernel, no
    ``K x K`` table at any point), both applied by :func:`soft_target_cross_entropy`.

    Parameters
    ----------
    kind : str
        Kernel name (see :data:`~sk_ordinal_kl.targets.SOFT_TARGET_KINDS`).
    num_classes : int
        Number of ordered classes ``K`` (>= 2).
    sigma : float
        Width or temperature of the kernel (> 0).
    scale : float, default=1.0
        Factor on ``p`` in the criterion's weights: log-probabilities below
        ``log(tiny / max(scale, 1))`` (tiny: float32's smallest normal) give weights
        that are stored as 0, so the band may leave them out.

    Examples
    --------
    >>> log_rows, columns = SoftTarget("gaussian", 1000, 1.0).log_rows()
    >>> tuple(log_rows.shape), columns is None
    ((1000, 27), False)
    >>> SoftTarget("gaussian", 8, 1.0).log_rows()[1] is None  # small K: dense
    True
    """

    kind: str
    num_classes: int
    sigma: float
    scale: float = 1.0

    def __post_init__(self):
        _, num_classes, sigma = _check_kernel(
            "SoftTarget", self.kind, self.num_classes, self.sigma
        )
        object.__setattr__(self, "num_classes", num_classes)
        object.__setattr__(self, "sigma", sigma)

    def log_table(self) -> torch.Tensor:
        """The dense ``(K, K)`` log table, float64 (see
        :func:`~sk_ordinal_kl.targets.log_soft_target_table`)."""
        return log_soft_target_table(self.kind, self.num_classes, self.sigma)

    def log_rows(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Log rows in the layout that pays: ``(log_band, columns)`` or ``(log_table, None)``.

        Returns
        -------
        log_rows : torch.Tensor of shape (K, 2h + 1) or (K, K), float64
            Band rows (see :func:`~sk_ordinal_kl.targets.log_soft_target_band`) or the
            dense log table.
        columns : torch.Tensor of shape (K, 2h + 1) or None
            :func:`band_columns` of the band; None for the dense table.
        """
        log_floor = math.log(torch.finfo(torch.float32).tiny / max(self.scale, 1.0))
        half_width = soft_target_half_width(
            self.kind,
            self.num_classes,
            self.sigma,
            log_floor,
            max_band_half_width(self.num_classes),
        )
        if half_width is None:
            return self.log_table(), None
        band = log_soft_target_band(self.kind, self.num_classes, self.sigma, half_width)
        return band, band_column_table(self.num_classes, half_width)


def mix_onehot(
    log_rows: torch.Tensor, columns: torch.Tensor | None, scale: float, onehot: float
) -> torch.Tensor:
    """Weights ``W = onehot * onehot_y + scale * p(y)`` in the layout of ``log_rows``.

    Parameters
    ----------
    log_rows : torch.Tensor of shape (K, K) or (K, 2h + 1)
        ``log p``, dense or band rows (middle column: ``k = y``).
    columns : torch.Tensor or None
        Band columns of banded ``log_rows``; None for dense rows.
    scale : float
        Factor on ``p``.
    onehot : float
        Added on the diagonal ``W[y, y]`` (no identity matrix is built).

    Returns
    -------
    weights : torch.Tensor
        Same shape and dtype as ``log_rows``.

    Examples
    --------
    >>> mix_onehot(torch.log(torch.tensor([[0.5, 0.5], [0.5, 0.5]])), None, 2.0, 1.0)
    tensor([[2., 1.],
            [1., 2.]])
    """
    weights = log_rows.exp().mul_(scale)
    diagonal = weights[:, weights.shape[1] // 2] if columns is not None else weights.diagonal()
    diagonal.add_(onehot)
    return weights


def _flush_subnormals(weights: torch.Tensor) -> torch.Tensor:
    """``weights`` with subnormal entries set to 0.

    Far Gaussian tails underflow to subnormal floats (K = 117, sigma = 1: 206 entries in
    float32); every product with one takes a slow microcode path on x86 CPUs, which made
    the training step measurably slower. Zeroing them changes a loss by < 1e-37.
    """
    return weights.masked_fill(weights.abs() < torch.finfo(weights.dtype).tiny, 0.0)


def pack_rows(
    weights: torch.Tensor, columns: torch.Tensor | None = None, *, cut_band: bool = True
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The rows ``W`` as stored: subnormals flushed, banded where it pays.

    Parameters
    ----------
    weights : torch.Tensor of shape (K, K) or (K, 2h + 1)
        Dense rows, or band rows with their ``columns``, in the storage dtype (the
        flush threshold is that dtype's smallest normal).
    columns : torch.Tensor of shape (K, 2h + 1), default=None
        Band columns of banded ``weights``.
    cut_band : bool, default=True
        For dense ``weights``: cut a band (:func:`band_layout`) when it pays. False
        keeps them dense (a kernel :class:`SoftTarget` already chose that layout).

    Returns
    -------
    rows : torch.Tensor
        Dense or band rows.
    columns : torch.Tensor or None
        Their band columns (on the device of ``rows``), None for dense rows.

    Examples
    --------
    >>> rows, columns = pack_rows(torch.eye(64))
    >>> tuple(rows.shape), tuple(columns.shape)
    ((64, 1), (64, 1))
    """
    rows = _flush_subnormals(weights)
    if columns is None and cut_band:
        layout = band_layout(rows)
        if layout is not None:
            rows, columns = layout
    if columns is not None:
        columns = columns.to(rows.device)
    return rows, columns
