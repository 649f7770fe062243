"""DLDL criteria: KL to a label distribution plus moment terms.

:class:`DLDLv2Loss` (KL plus the L1 error of the expectation, Gao et al., IJCAI 2018)
and :class:`FullKLDLDLLoss` (three KL terms, Günder et al., 2022). Both keep the dense
table ``p(y)`` with its entropy and moments as buffers.
"""

from __future__ import annotations

from typing import ClassVar

import torch
import torch.nn.functional as F

from ._base import NON_NEGATIVE, POSITIVE, set_buffer
from ._docs import fill_doc
from ._kernel import KernelLoss
from ._layout import SoftTarget
from ._targets._stats import target_entropy, target_moments

__all__ = ["DLDLv2Loss", "FullKLDLDLLoss"]


class _KLToTargets(KernelLoss):
    """Base of the DLDL losses: buffers ``p(y)``, ``H(p(y))`` and the moments of ``p(y)``,
    from the dense table of the :class:`~._layout.SoftTarget` received."""

    def _use_targets(self, soft_target: SoftTarget) -> None:
        log_targets = soft_target.log_table()
        mean, variance = target_moments(log_targets)
        set_buffer(self, "targets", log_targets.exp())
        set_buffer(self, "target_entropy", target_entropy(log_targets))
        set_buffer(self, "target_mean", mean)
        set_buffer(self, "target_variance", variance)

    def _kl(self, log_q: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Per-sample ``KL(p(y) || q) = -sum_k p_k log q_k - H(p)`` (no log of p)."""
        p = self.targets[target].to(log_q.dtype)
        return -(p * log_q).sum(dim=1) - self.target_entropy[target].to(log_q.dtype)


@fill_doc
class DLDLv2Loss(_KLToTargets):
    """DLDL-v2: KL to a label distribution plus the L1 error of the expectation.

    .. math::

        L(z, y) = \\mathrm{KL}(p_{\\sigma}(y) \\,\\|\\, q)
        + \\lambda \\Big|\\sum_k k\\, q_k - y\\Big|,\\qquad q = \\mathrm{softmax}(z),

    from Gao, Zhou, Wu & Geng, "Age Estimation Using Expectation of Label Distribution
    Learning", IJCAI 2018 (there ``lambda = 1``). Labels are class *indices*
    ``0..K-1``, so the expectation is taken over indices. The KL is computed as
    ``-sum_k p_k log q_k - H(p)`` from a log-softmax.

    Parameters
    ----------
    sigma : float, default=1.0
        Width of the label distribution (> 0).
    lam : float, default=1.0
        Weight ``lambda`` of the expectation term (>= 0).
    %(num_classes)s
    %(kind)s
    %(weight)s
    %(reduction)s

    Examples
    --------
    >>> criterion = DLDLv2Loss(sigma=1.0, lam=1.0, num_classes=3)
    >>> criterion(torch.zeros(1, 3), torch.tensor([1])).item() > 0
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        **_KLToTargets._parameter_constraints,
        "lam": NON_NEGATIVE,  # weight of the expectation term
    }

    def __init__(
        self,
        sigma: float = 1.0,
        lam: float = 1.0,
        num_classes: int | None = None,
        kind: str = "gaussian",
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight, reduction, lam=lam, kind=kind, sigma=sigma)

    def _per_sample(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_q = F.log_softmax(logits, dim=1)
        expectation = log_q.exp() @ self._class_values(log_q)
        per_sample = self._kl(log_q, target) + self.lam * (expectation - target).abs()
        return per_sample

    def extra_repr(self) -> str:
        return super().extra_repr() + f", sigma={self.sigma}, lam={self.lam}, kind={self.kind!r}"


@fill_doc
class FullKLDLDLLoss(_KLToTargets):
    """Hyperparameter-free "full KL" DLDL loss: three KL divergences, equally weighted.

    .. math::

        L(z, y) = \\mathrm{KL}(p \\,\\|\\, q)
        + \\mathrm{KL}\\big(\\mathcal N(\\mu_p, v_p) \\,\\|\\, \\mathcal N(\\mu_q, v_q)\\big)
        + \\tfrac12\\big[\\mathrm{KL}(q \\,\\|\\, S_{+}q) + \\mathrm{KL}(q \\,\\|\\, S_{-}q)\\big]

    after Günder, Piatkowski & Bauckhage, "Full Kullback-Leibler-Divergence Loss for
    Hyperparameter-free Label Distribution Learning" (arXiv:2209.02055, 2022), with
    ``p = p_sigma(y)`` and ``q = softmax(z)``. Choices the paper leaves open:

    * **Moments.** ``mu`` and ``v`` are the mean and variance of ``p`` and ``q`` over
      the class indices ``0..K-1`` (so ``p``'s moments are those of the truncated
      discrete kernel, not ``(y, sigma^2)``), and ``eps`` is added to *both*
      variances: ``v = s^2 + eps``. The middle term is the exact Gaussian KL
      ``½ log(v_q / v_p) + (v_p + (mu_p - mu_q)^2) / (2 v_q) - ½ >= 0``; ``eps`` keeps
      it finite for one-hot ``p`` (``sigma -> 0``) or one-hot ``q``.
    * **Smoothness.** ``S_{±}`` shift ``q`` by one class; each KL runs over the
      ``K - 1`` overlapping positions only (no wrap-around, no padding) and the shifted
      vectors are *not* renormalised. Their sum telescopes to
      ``½ sum_{k=0}^{K-2} (q_k - q_{k+1}) (log q_k - log q_{k+1}) >= 0``, which is what
      is computed (log-probability differences from a log-softmax, never ``log q``
      of an underflowed probability). It equals the paper's symmetric
      ``½[KL(q || q_s) + KL(q_s || q)]``.

    Parameters
    ----------
    sigma : float, default=1.0
        Width of the label distribution ``p`` (> 0).
    %(num_classes)s
    eps : float, default=1e-3
        Added to both variances (class-index units squared, > 0).
    %(kind)s
    %(weight)s
    %(reduction)s

    Examples
    --------
    >>> criterion = FullKLDLDLLoss(sigma=1.0, num_classes=4)
    >>> float(criterion(torch.zeros(1, 4), torch.tensor([1]))) > 0
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        **_KLToTargets._parameter_constraints,
        "eps": POSITIVE,  # > 0 keeps the variances away from 0
    }

    def __init__(
        self,
        sigma: float = 1.0,
        num_classes: int | None = None,
        eps: float = 1e-3,
        kind: str = "gaussian",
        weight=None,
        reduction: str = "mean",
    ):
        super().__init__(num_classes, weight, reduction, eps=eps, kind=kind, sigma=sigma)

    def _per_sample(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_q = F.log_softmax(logits, dim=1)
        q = log_q.exp()
        k = self._class_values(log_q)
        mean_q = q @ k
        var_q = (q * (k - mean_q.unsqueeze(1)).square()).sum(dim=1) + self.eps
        mean_p = self.target_mean[target].to(log_q.dtype)
        var_p = self.target_variance[target].to(log_q.dtype) + self.eps
        gaussian_kl = 0.5 * (
            torch.log(var_q / var_p) + (var_p + (mean_p - mean_q).square()) / var_q - 1.0
        )
        smoothness = 0.5 * (torch.diff(q, dim=1) * torch.diff(log_q, dim=1)).sum(dim=1)
        per_sample = self._kl(log_q, target) + gaussian_kl + smoothness
        return per_sample

    def extra_repr(self) -> str:
        return super().extra_repr() + f", sigma={self.sigma}, eps={self.eps}, kind={self.kind!r}"
