"""Order-blind baselines: uniform label smoothing and the focal loss."""

from __future__ import annotations

from typing import ClassVar

import torch
import torch.nn.functional as F

from ._base import NON_NEGATIVE, UNIT_INTERVAL, ClassIndexLoss
from ._docs import fill_doc

__all__ = ["FocalLoss", "LabelSmoothingCrossEntropy"]


@fill_doc
class LabelSmoothingCrossEntropy(ClassIndexLoss):
    """Cross-entropy with uniform label smoothing, a baseline that ignores class order.

    .. math::

        L(z, y) = -(1 - \\epsilon) \\log q_y - \\frac{\\epsilon}{K} \\sum_k \\log q_k,
        \\qquad q = \\mathrm{softmax}(z)

    (Szegedy et al., "Rethinking the Inception Architecture", CVPR 2016). Computed by
    ``F.cross_entropy(..., label_smoothing=epsilon)``, including its handling of class
    weights.

    Parameters
    ----------
    epsilon : float, default=0.1
        Smoothing mass in ``[0, 1]``; 0 is plain cross-entropy.
    %(num_classes)s
    weight : array-like of shape (K,), default=None
        Optional class weights, exactly as ``F.cross_entropy`` applies them.
    %(reduction)s

    Examples
    --------
    >>> criterion = LabelSmoothingCrossEntropy(epsilon=0.1, num_classes=3)
    >>> criterion(torch.zeros(2, 3), torch.tensor([0, 2]))
    tensor(1.0986)
    """

    _parameter_constraints: ClassVar[dict] = {
        **ClassIndexLoss._parameter_constraints,
        "epsilon": UNIT_INTERVAL,  # smoothing mass
    }

    def __init__(
        self,
        epsilon: float = 0.1,
        num_classes: int | None = None,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight, reduction, epsilon=epsilon)

    def _is_plain_cross_entropy(self) -> bool:
        return True

    def _label_smoothing(self) -> float:
        return self.epsilon

    def extra_repr(self) -> str:
        return super().extra_repr() + f", epsilon={self.epsilon}"


@fill_doc
class FocalLoss(ClassIndexLoss):
    """Focal loss, a baseline that ignores class order.

    .. math::

        L(z, y) = -(1 - q_y)^{\\gamma} \\log q_y,\\qquad q = \\mathrm{softmax}(z)

    (Lin, Goyal, Girshick, He & Dollár, "Focal Loss for Dense Object Detection",
    ICCV 2017). ``log q_y`` comes from a log-softmax and ``1 - q_y`` from
    ``-expm1(log q_y)`` (exact for ``q_y`` near 1); the factor's base is floored at the
    smallest normal float so ``gamma < 1`` keeps a finite gradient. Class weights play
    the role of the paper's ``alpha_t`` and are normalised as in ``F.cross_entropy``.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter (>= 0); ``gamma = 0`` is exactly ``F.cross_entropy``.
    %(num_classes)s
    weight : array-like of shape (K,), default=None
        Optional class weights ``alpha_t``.
    %(reduction)s

    Examples
    --------
    >>> criterion = FocalLoss(gamma=2.0, num_classes=2)
    >>> criterion(torch.zeros(1, 2), torch.tensor([0]))
    tensor(0.1733)
    """

    _parameter_constraints: ClassVar[dict] = {
        **ClassIndexLoss._parameter_constraints,
        "gamma": NON_NEGATIVE,  # focusing parameter
    }

    def __init__(
        self,
        gamma: float = 2.0,
        num_classes: int | None = None,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight, reduction, gamma=gamma)

    def _is_plain_cross_entropy(self) -> bool:
        return self.gamma == 0.0

    def _per_sample(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_q_y = F.log_softmax(logits, dim=1).gather(1, target.unsqueeze(1)).squeeze(1)
        miss = (-torch.expm1(log_q_y)).clamp_min(torch.finfo(log_q_y.dtype).tiny)
        per_sample = -miss.pow(self.gamma) * log_q_y
        return per_sample

    def extra_repr(self) -> str:
        return super().extra_repr() + f", gamma={self.gamma}"
