"""The all-threshold loss: one binary cross-entropy per threshold between adjacent classes."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ._base import ClassIndexLoss
from ._docs import fill_doc

__all__ = ["AllThresholdLoss"]


@fill_doc
class AllThresholdLoss(ClassIndexLoss):
    """Binary cross-entropy of "is the class above threshold ``j``?" for every ``j``.

    .. math::

        L(z, y) = -\\sum_{j=0}^{K-2} \\Big[ [y \\le j] \\log P(Y \\le j)
                  + [y > j] \\log P(Y > j) \\Big],\\qquad
        P(Y \\le j) = \\sum_{i \\le j} q_i,\\ q = \\mathrm{softmax}(z)

    Every threshold the prediction lies on the wrong side of costs, so a far miss costs
    more than a near one. On the cumulative-link head (``head="cumulative"``, logit
    link), where ``P(Y <= j) = sigmoid(theta_j - s)``, it is the all-threshold logistic
    loss of Rennie & Srebro (2005) (mord's ``LogisticAT``), a sum of ``K - 1`` logistic
    losses of the one score ``s``. The cumulative probabilities come from running
    log-sum-exps of the log-softmax, so no difference of probabilities is ever logged.

    Parameters
    ----------
    %(num_classes)s
    %(weight)s
    %(reduction)s

    Examples
    --------
    >>> criterion = AllThresholdLoss(num_classes=3)
    >>> criterion(torch.zeros(1, 3), torch.tensor([0]))  # -log(1/3) - log(2/3)
    tensor(1.5041)
    """

    def __init__(self, num_classes: int | None = None, weight=None, reduction: str = "mean"):
        super().__init__(num_classes, weight, reduction)

    def _per_sample(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_q = F.log_softmax(logits, dim=1)
        log_below = torch.logcumsumexp(log_q, dim=1)[:, :-1]  # log P(Y <= j)
        log_above = torch.logcumsumexp(log_q.flip(1), dim=1).flip(1)[:, 1:]  # log P(Y > j)
        thresholds = torch.arange(self.num_classes - 1, device=logits.device)
        below = target.unsqueeze(1) <= thresholds
        return -torch.where(below, log_below, log_above).sum(dim=1)
