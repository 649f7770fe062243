"""Fused soft-target cross-entropy: ``-sum_k W[y, k] log_softmax(z)_k - c[y]`` per sample.

One autograd node instead of the ~8 a composition of torch ops records: the forward
runs one log-softmax, one row gather and one product-sum; the backward is the closed form
``d/dz = (sum_k W[y, k]) * softmax(z) - W[y]`` (DESIGN.md §2), computed by the same fused
log-softmax backward kernel that hard-label cross-entropy uses.

When the table is *banded* (all non-zeros within ``h`` of the diagonal, as a Gaussian
with small sigma is in float32), the rows are stored as ``K x (2h + 1)`` and only
``2h + 1`` log-probabilities per sample are gathered: for K in the hundreds or
thousands that is most of the work of a dense soft target saved.
"""

from __future__ import annotations

import torch
from torch.autograd.function import once_differentiable

__all__ = ["band_layout", "soft_target_cross_entropy"]

# Use the banded layout when the band is at most this fraction of K (measured: below it
# the gather saves more than its index arithmetic costs).
_BAND_FRACTION = 1 / 8


class _FusedSoftCE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, target, rows, offset, band_offsets):
        log_q = torch.log_softmax(logits, dim=1)
        soft = rows.index_select(0, target).to(log_q.dtype)
        if band_offsets is None:
            index = None
            dot = (soft * log_q).sum(dim=1)
        else:
            index = (target.unsqueeze(1) + band_offsets).clamp_(0, logits.shape[1] - 1)
            dot = (soft * log_q.gather(1, index)).sum(dim=1)
        ctx.save_for_backward(log_q, soft, index)
        # In place on fresh temporaries: every op counts at small B x K.
        return dot.add_(offset.index_select(0, target).to(log_q.dtype)).neg_()

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        log_q, soft, index = ctx.saved_tensors
        # d loss / d log_q = -W[y] * g; the log-softmax backward kernel (the one hard-label
        # CE uses) turns it into (sum_k W[y, k]) * q * g - W[y] * g in one fused pass.
        grad_log_q = soft * grad_out.unsqueeze(1).neg()
        if index is not None:  # out-of-band weights are 0; clamped duplicates add 0
            grad_log_q = torch.zeros_like(log_q).scatter_add_(1, index, grad_log_q)
        grad = torch._log_softmax_backward_data(grad_log_q, log_q, 1, log_q.dtype)
        return grad, None, None, None, None


def _band_half_width(weights: torch.Tensor) -> int:
    rows, columns = torch.nonzero(weights, as_tuple=True)
    return int((columns - rows).abs().max())


def band_layout(weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Banded copy ``(rows, offsets)`` of a ``K x K`` table, or None if it would not pay.

    Parameters
    ----------
    weights : torch.Tensor of shape (K, K)
        Soft-target weights; row ``y`` for true class ``y``.

    Returns
    -------
    layout : tuple of (torch.Tensor of shape (K, 2h + 1), torch.Tensor of shape (2h + 1,))
        Band rows (entry ``j`` of row ``y`` is ``weights[y, y + j - h]``, 0 outside
        ``0..K-1``) and the offsets ``-h..h``; None when ``2h + 1 > K / 8``.

    Examples
    --------
    >>> rows, offsets = band_layout(torch.eye(16))
    >>> tuple(rows.shape), offsets.tolist()
    ((16, 1), [0])
    """
    num_classes = weights.shape[0]
    half_width = _band_half_width(weights)
    if 2 * half_width + 1 > _BAND_FRACTION * num_classes:
        return None
    offsets = torch.arange(-half_width, half_width + 1, device=weights.device)
    columns = torch.arange(num_classes, device=weights.device).unsqueeze(1) + offsets
    inside = (columns >= 0) & (columns < num_classes)
    rows = weights.gather(1, columns.clamp(0, num_classes - 1)) * inside
    return rows.contiguous(), offsets


def soft_target_cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    rows: torch.Tensor,
    offset: torch.Tensor | None,
    band_offsets: torch.Tensor | None = None,
) -> torch.Tensor:
    """Per-sample ``-sum_k W[y, k] log_softmax(logits)_k - c[y]`` as one autograd node.

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
    band_offsets : torch.Tensor of shape (2h + 1,), default=None
        Offsets of a banded ``rows``; None for dense rows.

    Returns
    -------
    loss : torch.Tensor of shape (B,)
        Per-sample losses.

    Examples
    --------
    >>> soft_target_cross_entropy(torch.zeros(2, 3), torch.tensor([0, 2]), torch.eye(3), None)
    tensor([1.0986, 1.0986])
    """
    if offset is None:
        offset = rows.new_zeros(rows.shape[0])
    return _FusedSoftCE.apply(logits, target, rows, offset, band_offsets)
