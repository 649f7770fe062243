"""Fused soft-target cross-entropy: ``-sum_k W[y, k] log_softmax(z)_k - c[y]``.

One autograd node instead of the ~8 a composition of torch ops records: the forward
runs one log-softmax, one row gather and one product-sum, reduced inside the node when
a mean or sum is asked for; the backward is the closed form
``d/dz = (sum_k W[y, k]) * softmax(z) - W[y]``, computed by the same fused
log-softmax backward kernel that hard-label cross-entropy uses. At the batch sizes of
tabular training the cost is mostly per dispatched op, so the node keeps their number
down. With ``create_graph=True`` the backward is recorded, so second derivatives work.
Band rows (:mod:`._layout`) gather only the ``2h + 1`` log-probabilities of the band.

For a small dense table (up to :data:`~._layout.SMALL_NUM_CLASSES` classes)
:func:`small_soft_target_cross_entropy` computes the same loss with three native ops.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .._compat import log_softmax_backward
from ._docs import fill_doc

__all__ = ["small_soft_target_cross_entropy", "soft_target_cross_entropy"]


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


@fill_doc
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
    %(logits_target)s
    rows : torch.Tensor of shape (K, K) or (K, 2h + 1)
        Dense rows ``W``, or band rows from :func:`~._layout.band_layout`.
    %(offset)s
    band_columns : torch.Tensor of shape (K, 2h + 1), default=None
        :func:`~._layout.band_column_table` of a banded ``rows``; None for dense rows.
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


@fill_doc
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
    :data:`~._layout.SMALL_NUM_CLASSES` costs less than the fixed overhead of a Python autograd
    node; autograd differentiates it to any order.

    Parameters
    ----------
    %(logits_target)s
    rows : torch.Tensor of shape (K, K)
        Dense rows ``W``.
    %(offset)s
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
