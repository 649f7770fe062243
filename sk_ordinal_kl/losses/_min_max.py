"""Min-max class-embedding loss for :class:`~sk_ordinal_kl.modules.MinMaxMLP`."""

from __future__ import annotations

from typing import ClassVar

import torch
import torch.nn.functional as F

from ..modules import MinMaxMLP
from ._base import (
    NON_NEGATIVE,
    ClassIndexLoss,
    check_logits_and_target,
    check_sample_weight,
    members_as_rows,
    members_loss,
)
from ._docs import fill_doc

__all__ = ["MinMaxLoss"]


@fill_doc
class MinMaxLoss(ClassIndexLoss):
    """Min-max class-embedding loss: pull samples to their class, push classes apart.

    For a module such as :class:`~sk_ordinal_kl.modules.MinMaxMLP` that returns
    ``(logits, features, class_embeddings)`` with ``logits = s · cos(f(x), e_c)``:

    .. math::

        L = w_{pull} \\big(1 - \\cos(f(x), e_y)\\big)^2
        + \\frac{w_{push}}{K - 1} \\sum_{c \\ne y} \\big(\\cos(e_y, e_c) + 1\\big)^2
        + w_{ce}\\, \\mathrm{CE}(\\mathrm{softmax}(s \\cos(f(x), e)), y).

    The first term minimises the angle between a sample's embedding and its class
    embedding; the second maximises the angles between class embeddings (0 when they
    are antipodal). ``predict_proba`` of the estimator is the softmax of the scaled
    cosines (the first output), the normalised-softmax head of NormFace (Wang, Xiang,
    Cheng & Yuille, ACM MM 2017). ``ce_weight = 0`` (default) is the pure min-max loss;
    no published reference for exactly this pull/push pair was checked, and it does not
    use the class order.
    Cosines use ``F.normalize`` (norm floored at ``1e-12``), so any feature scale is
    finite.

    Parameters
    ----------
    num_classes : int
        Number of classes ``K`` (rows of ``class_embeddings``).
    pull_weight : float, default=1.0
        Weight of the pull term (>= 0).
    push_weight : float, default=1.0
        Weight of the push term (>= 0).
    ce_weight : float, default=0.0
        Weight of an added cross-entropy on the logits (>= 0).
    %(weight)s
    %(reduction)s

    Examples
    --------
    >>> from sk_ordinal_kl.modules import MinMaxMLP
    >>> net = MinMaxMLP(in_features=4, num_classes=3)
    >>> loss = MinMaxLoss(num_classes=3)(net(torch.zeros(2, 4)), torch.tensor([0, 2]))
    >>> loss.shape
    torch.Size([])
    """

    default_module = MinMaxMLP
    _parameter_constraints: ClassVar[dict] = {
        **ClassIndexLoss._parameter_constraints,
        "pull_weight": NON_NEGATIVE,
        "push_weight": NON_NEGATIVE,
        "ce_weight": NON_NEGATIVE,
    }

    def __init__(
        self,
        num_classes: int | None = None,
        pull_weight: float = 1.0,
        push_weight: float = 1.0,
        ce_weight: float = 0.0,
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(
            num_classes,
            weight,
            reduction,
            pull_weight=pull_weight,
            push_weight=push_weight,
            ce_weight=ce_weight,
        )

    def forward(self, y_pred, target: torch.Tensor, sample_weight=None) -> torch.Tensor:
        """Loss of a batch.

        Parameters
        ----------
        y_pred : tuple (logits, features, class_embeddings)
            ``logits`` (B, K), sample embeddings ``features`` (B, D) and
            ``class_embeddings`` (K, D), as :class:`~sk_ordinal_kl.modules.MinMaxMLP`
            returns them; or ``k`` ensemble members' ``logits`` (B, k, K) and
            ``features`` (B, k, D), each member trained on its own loss (the mean
            over members; ``reduction="none"`` gives ``(B, k)``).
        target : torch.Tensor of shape (B,)
            True class indices in ``0..K-1``.
        sample_weight : torch.Tensor of shape (B,), default=None
            Non-negative per-sample weights (any real dtype; cast to that of the loss).
            A sample's effective weight ``w_i`` is its class weight (``weight``, 1 if
            None) times its sample weight: ``reduction="none"`` returns ``w_i l_i``,
            ``"sum"`` ``sum_i w_i l_i`` and ``"mean"`` ``sum_i w_i l_i / sum_i w_i``,
            which is NaN when ``sum_i w_i = 0``, as the mean of an empty batch is. None
            is the unweighted loss. Negative or NaN weights raise ``ValueError`` for
            tensors on the CPU (the check is skipped on accelerators).

        Returns
        -------
        loss : torch.Tensor
            Scalar (or per-sample losses for ``reduction="none"``).
        """
        if not isinstance(y_pred, tuple | list) or len(y_pred) != 3:
            raise TypeError(
                "MinMaxLoss needs the module output (logits, features, class_embeddings), "
                "e.g. from sk_ordinal_kl.modules.MinMaxMLP; got "
                f"{type(y_pred).__name__}."
            )
        logits, features, class_embeddings = y_pred
        if logits.ndim == 3 and features.ndim == 3:  # k members: one row per member
            features = features.reshape(-1, features.shape[-1])
        logits, target, sample_weight, members = members_as_rows(logits, target, sample_weight)
        check_logits_and_target(logits, target, self.num_classes)
        if features.ndim != 2 or features.shape[0] != logits.shape[0]:
            raise ValueError(
                f"features must have shape ({logits.shape[0]}, D), got {tuple(features.shape)}."
            )
        if class_embeddings.shape != (self.num_classes, features.shape[1]):
            raise ValueError(
                f"class_embeddings must have shape ({self.num_classes}, {features.shape[1]}), "
                f"got {tuple(class_embeddings.shape)}."
            )
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, logits)
        f = F.normalize(features, dim=1, eps=1e-12)
        e = F.normalize(class_embeddings, dim=1, eps=1e-12)
        pull = (1.0 - (f * e[target]).sum(dim=1)).square()
        between = (e @ e.T + 1.0).square()
        off_diagonal = 1.0 - torch.eye(self.num_classes, dtype=between.dtype, device=e.device)
        push = (between * off_diagonal).sum(dim=1) / (self.num_classes - 1)
        per_sample = self.pull_weight * pull + self.push_weight * push[target]
        if self.ce_weight > 0:
            per_sample = per_sample + self.ce_weight * F.cross_entropy(
                logits, target, reduction="none"
            ).to(per_sample.dtype)
        loss = self._reduce(per_sample, target, sample_weight)
        return members_loss(loss, members, self.reduction)

    def extra_repr(self) -> str:
        return (
            super().extra_repr() + f", pull_weight={self.pull_weight}, "
            f"push_weight={self.push_weight}, ce_weight={self.ce_weight}"
        )


MinMaxLoss.default_module = MinMaxMLP
