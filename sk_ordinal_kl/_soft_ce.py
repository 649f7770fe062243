"""Fused soft-target cross-entropy: ``-sum_k W[y, k] log_softmax(z)_k - c[y]`` per sample.

One autograd node instead of the ~8 a composition of torch ops records: the forward
runs one log-softmax, one row gather and one product-sum; the backward uses the closed
form ``d/dz = (sum_k W[y, k]) * softmax(z) - W[y]`` (DESIGN.md §2) from the saved
log-probabilities. Because every KL-type table row is ``onehot + alpha * p``, the row
total is the same scalar ``1 + alpha`` for all classes.

When the table is *banded* (all non-zeros within ``h`` of the diagonal, as a Gaussian
with small sigma is in float32), the rows are stored as ``K x (2h + 1)`` and only
``2h + 1`` log-probabilities per sample are gathered: for K in the hundreds or
thousands that is most of the work of a dense soft target saved.
"""

from __future__ import annotations

import torch
from torch.autograd.function import once_differentiable

__all__ = ["SoftTargetTable"]

# Use the banded layout when the band is at most this fraction of K (measured: below it
# the gather saves more than its index arithmetic costs).
_BAND_FRACTION = 1 / 8


class _FusedSoftCE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, target, rows, offset, total, band_offsets):
        log_q = torch.log_softmax(logits, dim=1)
        soft = rows.index_select(0, target).to(log_q.dtype)
        if band_offsets is None:
            index = None
            dot = (soft * log_q).sum(dim=1)
        else:
            index = (target.unsqueeze(1) + band_offsets).clamp_(0, logits.shape[1] - 1)
            dot = (soft * log_q.gather(1, index)).sum(dim=1)
        ctx.save_for_backward(log_q, soft, index)
        ctx.total = total
        return -dot - offset.index_select(0, target).to(log_q.dtype)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        log_q, soft, index = ctx.saved_tensors
        scale = grad_out.unsqueeze(1)
        grad = torch.exp(log_q).mul_(scale * ctx.total)
        if index is None:
            grad.sub_(soft * scale)
        else:  # out-of-range band entries carry weight 0, so clamped duplicates add 0
            grad.scatter_add_(1, index, -(soft * scale))
        return grad, None, None, None, None, None


def _band_half_width(table: torch.Tensor) -> int:
    num_classes = table.shape[0]
    k = torch.arange(num_classes)
    distance = (k.unsqueeze(0) - k.unsqueeze(1)).abs()
    return int(distance[table != 0].max())


class SoftTargetTable(torch.nn.Module):
    """Per-class soft-target rows ``W`` and constants ``c``, in dense or banded layout.

    Parameters
    ----------
    weights : torch.Tensor of shape (K, K)
        Row ``y`` holds the target weights for true class ``y``; every row must sum to
        the same ``total`` (``1 + alpha`` for ``onehot + alpha * p``).
    offset : torch.Tensor of shape (K,)
        Constant subtracted per true class (``alpha * H(p(y))``).

    Attributes
    ----------
    rows : torch.Tensor
        ``(K, K)`` dense rows, or ``(K, 2h + 1)`` band rows where entry ``j`` of row
        ``y`` is ``W[y, y + j - h]`` (0 outside ``0..K-1``).
    band_offsets : torch.Tensor of shape (2h + 1,) or None
        ``-h..h`` when banded.

    Examples
    --------
    >>> table = SoftTargetTable(torch.eye(3), torch.zeros(3))
    >>> logits = torch.zeros(2, 3)
    >>> table.cross_entropy(logits, torch.tensor([0, 2]))
    tensor([1.0986, 1.0986])
    """

    def __init__(self, weights: torch.Tensor, offset: torch.Tensor):
        super().__init__()
        weights = weights.float()
        num_classes = weights.shape[0]
        self.total = float(weights.sum(dim=1).mean())
        half_width = _band_half_width(weights)
        if 2 * half_width + 1 <= _BAND_FRACTION * num_classes:
            band = torch.arange(-half_width, half_width + 1)
            columns = torch.arange(num_classes).unsqueeze(1) + band
            inside = (columns >= 0) & (columns < num_classes)
            rows = weights.gather(1, columns.clamp(0, num_classes - 1)) * inside
            self.register_buffer("band_offsets", band)
        else:
            rows = weights
            self.register_buffer("band_offsets", None)
        self.register_buffer("rows", rows.contiguous())
        self.register_buffer("offset", offset.float())

    def cross_entropy(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Per-sample ``-sum_k W[y, k] log_softmax(logits)_k - c[y]``, shape ``(B,)``."""
        return _FusedSoftCE.apply(
            logits, target, self.rows, self.offset, self.total, self.band_offsets
        )
