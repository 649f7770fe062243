"""Training criteria: ``nn.Module`` s taking ``(logits[B, K], class_index[B])``.

The central one is :class:`GaussianKLCrossEntropy`,
``CE(q, y) + alpha * KL(p_sigma(y) || q)`` with ``q = softmax(logits)``. It is
evaluated through the identity (DESIGN.md §2)

    CE(q, y) + alpha * KL(p || q) = sum_k -(onehot_y + alpha * p)_k log q_k - alpha * H(p),

so a forward pass is one log-softmax, one row gather from a ``K x K`` table and one
product-sum: O(B K), no ``log(p / q)`` and no per-sample Python loop. The row
``onehot_y + alpha * p(y)`` and the constant ``alpha * H(p(y))`` are cached per
class as buffers (they follow ``.to(device)``).
"""

from __future__ import annotations

import math
import numbers

import torch
import torch.nn.functional as F
from torch import nn

from .targets import log_gaussian_targets, target_entropy

__all__ = ["GaussianKLCrossEntropy", "SoftTargetKLCrossEntropy", "check_alpha"]

_REDUCTIONS = ("mean", "sum", "none")


def check_alpha(alpha: float) -> float:
    """Return ``alpha`` as a float, or raise if it is not a finite number >= 0.

    Parameters
    ----------
    alpha : float
        Weight of the KL term.

    Returns
    -------
    alpha : float
        The validated weight.

    Examples
    --------
    >>> check_alpha(0)
    0.0
    """
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a real number, got {type(alpha).__name__} {alpha!r}.")
    alpha = float(alpha)
    if not math.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}.")
    return alpha


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}.")
    return reduction


def _class_weight_buffer(weight, num_classes: int) -> torch.Tensor | None:
    if weight is None:
        return None
    weight = torch.as_tensor(weight, dtype=torch.float32).detach().clone()
    if weight.shape != (num_classes,):
        raise ValueError(
            f"weight must have shape ({num_classes},) (one weight per class), "
            f"got {tuple(weight.shape)}."
        )
    if not torch.isfinite(weight).all() or (weight < 0).any():
        raise ValueError("weight must contain finite, non-negative class weights.")
    return weight


def check_logits_and_target(logits: torch.Tensor, target: torch.Tensor, num_classes: int):
    """Raise a clear error if a batch does not match ``(logits[B, K], class_index[B])``.

    Parameters
    ----------
    logits : torch.Tensor of shape (B, K)
        Unnormalised scores.
    target : torch.Tensor of shape (B,)
        Integer class indices in ``0..K-1``.
    num_classes : int
        Expected ``K``.

    Examples
    --------
    >>> check_logits_and_target(torch.zeros(2, 3), torch.tensor([0, 2]), 3)
    """
    if logits.ndim != 2 or logits.shape[1] != num_classes:
        raise ValueError(
            f"logits must have shape (batch, {num_classes}), got {tuple(logits.shape)}."
        )
    if target.ndim != 1 or target.shape[0] != logits.shape[0]:
        raise ValueError(
            f"target must have shape ({logits.shape[0]},) to match logits, "
            f"got {tuple(target.shape)}."
        )
    if target.dtype.is_floating_point or target.dtype == torch.bool:
        raise TypeError(f"target must hold integer class indices, got dtype {target.dtype}.")


def reduce_loss(per_sample: torch.Tensor, sample_weight, reduction: str) -> torch.Tensor:
    """Reduce per-sample losses like ``F.cross_entropy`` does with class weights.

    Parameters
    ----------
    per_sample : torch.Tensor of shape (B,)
        Unweighted per-sample losses.
    sample_weight : torch.Tensor of shape (B,) or None
        The class weight of each sample's true class.
    reduction : {"mean", "sum", "none"}
        ``"mean"`` divides the weighted sum by the sum of the weights.

    Returns
    -------
    loss : torch.Tensor
        Scalar, or shape (B,) for ``"none"``.

    Examples
    --------
    >>> reduce_loss(torch.tensor([1.0, 3.0]), None, "mean")
    tensor(2.)
    """
    if sample_weight is not None:
        per_sample = per_sample * sample_weight
    if reduction == "none":
        return per_sample
    if reduction == "sum":
        return per_sample.sum()
    if sample_weight is None:
        return per_sample.mean()
    return per_sample.sum() / sample_weight.sum()


class SoftTargetKLCrossEntropy(nn.Module):
    """``CE(q, y) + alpha * KL(p(y) || q)`` for any fixed soft-target table ``p``.

    Parameters
    ----------
    log_targets : torch.Tensor of shape (K, K)
        ``log p(y)_k``: row ``y`` is the log target distribution for true class ``y``.
    alpha : float, default=1.0
        Weight of the KL term (>= 0). ``alpha = 0`` is exactly ``F.cross_entropy``.
    weight : array-like of shape (K,), default=None
        Optional class weights, applied per sample by its true class and normalised as
        in ``F.cross_entropy``.
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

    Attributes
    ----------
    target_weights : torch.Tensor of shape (K, K)
        Buffer ``onehot_y + alpha * p(y)``.
    target_offset : torch.Tensor of shape (K,)
        Buffer ``alpha * H(p(y))``, subtracted so the value is the documented loss.

    Examples
    --------
    >>> log_p = torch.log(torch.tensor([[0.9, 0.1], [0.1, 0.9]]))
    >>> loss = SoftTargetKLCrossEntropy(log_p, alpha=0.0)
    >>> logits, y = torch.zeros(2, 2), torch.tensor([0, 1])
    >>> bool(loss(logits, y) == F.cross_entropy(logits, y))
    True
    """

    def __init__(
        self, log_targets: torch.Tensor, alpha: float = 1.0, weight=None, reduction: str = "mean"
    ):
        super().__init__()
        self.alpha = check_alpha(alpha)
        self.reduction = _check_reduction(reduction)
        log_targets = torch.as_tensor(log_targets, dtype=torch.float64)
        if log_targets.ndim != 2 or log_targets.shape[0] != log_targets.shape[1]:
            raise ValueError(f"log_targets must be square (K, K), got {tuple(log_targets.shape)}.")
        self.num_classes = int(log_targets.shape[0])
        onehot = torch.eye(self.num_classes, dtype=torch.float64)
        self.register_buffer("target_weights", (onehot + self.alpha * log_targets.exp()).float())
        self.register_buffer("target_offset", (self.alpha * target_entropy(log_targets)).float())
        self.register_buffer("weight", _class_weight_buffer(weight, self.num_classes))

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Loss of a batch.

        Parameters
        ----------
        logits : torch.Tensor of shape (B, K)
            Unnormalised class scores.
        target : torch.Tensor of shape (B,)
            True class indices in ``0..K-1``.

        Returns
        -------
        loss : torch.Tensor
            Scalar (or per-sample losses for ``reduction="none"``).
        """
        check_logits_and_target(logits, target, self.num_classes)
        if self.alpha == 0.0:
            # Exactly hard-label CE, and its fused kernel is the fastest path.
            return F.cross_entropy(logits, target, weight=self.weight, reduction=self.reduction)
        log_q = F.log_softmax(logits, dim=1)
        soft = self.target_weights[target].to(log_q.dtype)
        per_sample = -(soft * log_q).sum(dim=1) - self.target_offset[target].to(log_q.dtype)
        sample_weight = None if self.weight is None else self.weight[target].to(log_q.dtype)
        return reduce_loss(per_sample, sample_weight, self.reduction)

    def extra_repr(self) -> str:
        return f"num_classes={self.num_classes}, alpha={self.alpha}, reduction={self.reduction!r}"


class GaussianKLCrossEntropy(SoftTargetKLCrossEntropy):
    """Cross-entropy plus ``alpha`` times KL to a discrete Gaussian over ordered classes.

    .. math::

        L(z, y) = -\\log q_y + \\alpha \\sum_k p_k \\log(p_k / q_k),\\qquad
        q = \\mathrm{softmax}(z),\\quad p_k \\propto \\exp(-(k - y)^2 / (2\\sigma^2)).

    Evaluated as ``(1 + alpha) * CE(t, q) - alpha * H(p)`` with soft target
    ``t = (onehot_y + alpha * p) / (1 + alpha)``, so the cost is one log-softmax and
    the gradient w.r.t. the logits is ``(1 + alpha) * q - onehot_y - alpha * p``.

    Parameters
    ----------
    alpha : float, default=1.0
        Weight of the KL term (>= 0). ``alpha = 0`` gives exactly ``F.cross_entropy``.
    sigma : float, default=1.0
        Width of the Gaussian mound in class-index units (> 0). ``sigma -> 0`` turns the
        KL term into a second cross-entropy; ``sigma -> inf`` into KL to the uniform
        distribution.
    num_classes : int
        Number of ordered classes ``K``. :class:`~sk_ordinal_kl.OrdinalKLClassifier`
        fills it in from the data.
    weight : array-like of shape (K,), default=None
        Optional class weights (as in ``F.cross_entropy``).
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined.

    See Also
    --------
    sk_ordinal_kl.targets.gaussian_targets : the ``p_sigma`` table.

    Examples
    --------
    >>> criterion = GaussianKLCrossEntropy(alpha=1.0, sigma=1.0, num_classes=5)
    >>> logits = torch.zeros(3, 5)
    >>> loss = criterion(logits, torch.tensor([0, 2, 4]))
    >>> loss.shape
    torch.Size([])
    """

    def __init__(
        self,
        alpha: float = 1.0,
        sigma: float = 1.0,
        num_classes: int | None = None,
        weight=None,
        reduction: str = "mean",
    ):
        if num_classes is None:
            raise TypeError("GaussianKLCrossEntropy needs num_classes (the number K of classes).")
        super().__init__(
            log_gaussian_targets(num_classes, sigma),
            alpha=alpha,
            weight=weight,
            reduction=reduction,
        )
        self.sigma = float(sigma)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", sigma={self.sigma}"
