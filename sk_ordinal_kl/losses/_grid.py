"""One criterion for a grid of CE + alpha KL candidates trained together.

:class:`GaussianKLGridCrossEntropy` takes member logits ``[B, k, K]`` and trains member
``m`` on ``CE + alpha_m KL(p_{sigma_m} || q_m)``. The ``k`` tables ``onehot + alpha_m p``
are stacked into one ``(k K, K)`` table whose row ``m K + y`` belongs to member ``m`` and
class ``y``: the whole grid is one log-softmax and one row gather (or, for small ``K``,
one matrix product), however many candidates it holds.

The value is the *sum* over members of each member's loss. Member ``m``'s gradient is
then exactly the gradient it gets when trained alone, so an optimizer that updates
every parameter element-wise (Adam, AdamW, SGD) moves each member as a separate fit
would (see :class:`~sk_ordinal_kl.OrdinalKLClassifierCV`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

import torch
from torch import nn

from ._base import check_sample_weight
from ._layout import SMALL_NUM_CLASSES
from ._soft_ce import soft_target_cross_entropy
from ._soft_target import GaussianKLCrossEntropy

__all__ = ["GaussianKLGridCrossEntropy"]


def _check_values(name: str, values: list, valid, condition: str) -> None:
    for value in values:
        if (
            isinstance(value, bool)
            or not isinstance(value, Real)
            or not math.isfinite(value)
            or not valid(value)
        ):
            raise ValueError(
                f"every value of {name} must be a finite number {condition}, got {value!r}."
            )


class GaussianKLGridCrossEntropy(nn.Module):
    """``sum_m [CE(q_m, y) + alpha_m KL(p_{sigma_m}(y) || q_m)]`` over ``k`` members.

    Parameters
    ----------
    alphas : sequence of float
        KL weight of each member (>= 0).
    sigmas : sequence of float
        Gaussian width of each member (> 0), as long as ``alphas``.
    num_classes : int
        Number of ordered classes ``K`` (required; the estimator fills it in).
    reduction : {"mean", "sum", "none"}, default="mean"
        Per member, as in :class:`GaussianKLCrossEntropy` (weighted by ``sample_weight``);
        the members' values are then summed (``"none"``: shape ``(B, k)``).

    Examples
    --------
    >>> grid = GaussianKLGridCrossEntropy([0.5, 2.0], [1.0, 0.5], num_classes=4)
    >>> z, y = torch.randn(3, 2, 4), torch.tensor([0, 2, 3])
    >>> alone = [GaussianKLCrossEntropy(alpha=a, sigma=s, num_classes=4)(z[:, m], y)
    ...          for m, (a, s) in enumerate([(0.5, 1.0), (2.0, 0.5)])]
    >>> torch.allclose(grid(z, y), alone[0] + alone[1])
    True
    """

    def __init__(
        self,
        alphas: Sequence[float],
        sigmas: Sequence[float],
        num_classes: int | None = None,
        reduction: str = "mean",
    ):
        super().__init__()
        alphas, sigmas = list(alphas), list(sigmas)
        if len(alphas) != len(sigmas) or not alphas:
            raise ValueError(
                f"alphas and sigmas must be non-empty and of one length, got {len(alphas)} "
                f"and {len(sigmas)}."
            )
        _check_values("alphas", alphas, lambda v: v >= 0, ">= 0")
        _check_values("sigmas", sigmas, lambda v: v > 0, "> 0")
        if num_classes is None:
            raise ValueError(
                "num_classes must be given (OrdinalKLClassifier fills it in from the data)."
            )
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}.")
        # Each member's table, validated and built exactly as a single criterion's.
        members = [
            GaussianKLCrossEntropy(alpha=a, sigma=s, num_classes=num_classes)
            for a, s in zip(alphas, sigmas, strict=True)
        ]
        self.alphas = [m.alpha for m in members]
        self.sigmas = [m.sigma for m in members]
        self.num_classes = members[0].num_classes
        self.reduction = reduction
        self.register_buffer("target_rows", torch.cat([m.target_weights for m in members]))
        self.register_buffer("target_offset", torch.cat([m.target_offset for m in members]))

    @property
    def n_members(self) -> int:
        """Number of members ``k``."""
        return len(self.alphas)

    def forward(
        self, logits: torch.Tensor, target: torch.Tensor, sample_weight=None
    ) -> torch.Tensor:
        """Summed member losses of a batch.

        Parameters
        ----------
        logits : torch.Tensor of shape (B, k, K)
            Member logits, member ``m`` trained with ``(alphas[m], sigmas[m])``.
        target : torch.Tensor of shape (B,)
            True class indices.
        sample_weight : torch.Tensor of shape (B,), default=None
            Non-negative per-sample weights, the same for every member.

        Returns
        -------
        loss : torch.Tensor
            Scalar, or ``(B, k)`` for ``reduction="none"``.
        """
        k, num_classes = self.n_members, self.num_classes
        if logits.ndim != 3 or logits.shape[1:] != (k, num_classes):
            raise ValueError(
                f"logits must have shape (batch, {k}, {num_classes}), got {tuple(logits.shape)}."
            )
        batch = logits.shape[0]
        if target.shape != (batch,) or target.dtype.is_floating_point:
            raise ValueError(f"target must hold {batch} integer class indices.")
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, logits)
        if num_classes <= SMALL_NUM_CLASSES:
            per_member = self._small_member_losses(logits, target.long())
        else:
            per_member = self._member_losses(logits, target.long())
        if sample_weight is not None:
            per_member = per_member * sample_weight.unsqueeze(1)
        if self.reduction == "none":
            return per_member
        if self.reduction == "sum":
            return per_member.sum()
        total = batch if sample_weight is None else sample_weight.sum()
        return per_member.sum() / total

    def _small_member_losses(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """``(B, k)`` losses for dense tables: each (sample, member) row of its table.

        Member ``m``'s loss of a sample of class ``y`` is ``-(W_m[y] . log q_m + c_m[y])``
        (the single criterion's identity). Gathering the ``k`` rows a sample needs costs
        ``O(B k K)``; the single criterion's product with the whole table would cost
        ``O(B k^2 K^2)`` here, the ``k`` tables being stacked.
        """
        k, num_classes = self.n_members, self.num_classes
        log_q = torch.log_softmax(logits, dim=2)
        tables = self.target_rows.view(k, num_classes, num_classes).to(log_q.dtype)
        rows = tables[:, target].transpose(0, 1)  # (B, k, K): member m's row of class y
        offsets = self.target_offset.view(k, num_classes).to(log_q.dtype)[:, target].t()
        return -((log_q * rows).sum(dim=2) + offsets)

    def _member_losses(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """``(B, k)`` losses through the fused kernel (large ``K``): row ``m K + y`` of the
        stacked tables is member ``m``'s row of class ``y``."""
        batch, k, num_classes = logits.shape
        member = torch.arange(k, device=target.device)
        rows = (member * num_classes).repeat(batch) + target.repeat_interleave(k)
        flat = logits.reshape(batch * k, num_classes)
        loss = soft_target_cross_entropy(
            flat, rows, self.target_rows, self.target_offset, None, "none"
        )
        return loss.reshape(batch, k)

    def extra_repr(self) -> str:
        return (
            f"num_classes={self.num_classes}, alphas={self.alphas}, sigmas={self.sigmas}, "
            f"reduction={self.reduction!r}"
        )
