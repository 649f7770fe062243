"""Mean-variance loss (Pan et al., CVPR 2018)."""

from __future__ import annotations

from typing import ClassVar

import torch
import torch.nn.functional as F

from ._base import NON_NEGATIVE, ClassIndexLoss
from ._docs import fill_doc

__all__ = ["MeanVarianceLoss"]


@fill_doc
class MeanVarianceLoss(ClassIndexLoss):
    """Mean-variance loss: cross-entropy plus penalties on the predicted mean and spread.

    .. math::

        L(z, y) = -\\log q_y + \\frac{\\lambda_1}{2} (m - y)^2
        + \\lambda_2 \\sum_k q_k (k - m)^2,\\qquad m = \\sum_k k\\, q_k,

    ``q = softmax(z)``, from Pan, Han, Shan & Chen, "Mean-Variance Loss for Deep Age
    Estimation from a Face", CVPR 2018 (defaults ``lambda_1 = 0.2``,
    ``lambda_2 = 0.05`` as there). Mean and variance are over class indices.

    Parameters
    ----------
    lambda_mean : float, default=0.2
        Weight ``lambda_1`` of the mean loss (>= 0).
    lambda_var : float, default=0.05
        Weight ``lambda_2`` of the variance loss (>= 0).
    %(num_classes)s
    %(weight)s
    %(reduction)s

    Examples
    --------
    >>> criterion = MeanVarianceLoss(num_classes=3)
    >>> criterion(torch.zeros(1, 3), torch.tensor([1]))
    tensor(1.1319)
    """

    _parameter_constraints: ClassVar[dict] = {
        **ClassIndexLoss._parameter_constraints,
        "lambda_mean": NON_NEGATIVE,
        "lambda_var": NON_NEGATIVE,
    }

    def __init__(
        self,
        lambda_mean: float = 0.2,
        lambda_var: float = 0.05,
        num_classes: int | None = None,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(
            num_classes, weight, reduction, lambda_mean=lambda_mean, lambda_var=lambda_var
        )

    def _per_sample(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_q = F.log_softmax(logits, dim=1)
        q = log_q.exp()
        k = self._class_values(log_q)
        mean = q @ k
        variance = (q * (k - mean.unsqueeze(1)).square()).sum(dim=1)
        cross_entropy = -log_q.gather(1, target.unsqueeze(1)).squeeze(1)
        per_sample = (
            cross_entropy
            + 0.5 * self.lambda_mean * (mean - target).square()
            + self.lambda_var * variance
        )
        return per_sample

    def extra_repr(self) -> str:
        return (
            super().extra_repr()
            + f", lambda_mean={self.lambda_mean}, lambda_var={self.lambda_var}"
        )
