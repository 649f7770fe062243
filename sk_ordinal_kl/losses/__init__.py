"""Training criteria: ``nn.Module`` s taking ``(logits[B, K], class_index[B])``.

Every criterion also takes optional per-sample weights,
``forward(logits, target, sample_weight=None)``: the effective weight of a sample is
its class weight (the ``weight`` argument) times its sample weight, and
``reduction="mean"`` is the weighted mean ``sum_i w_i l_i / sum_i w_i``.

The central one is :class:`GaussianKLCrossEntropy`,
``CE(q, y) + alpha * KL(p_sigma(y) || q)`` with ``q = softmax(logits)``. It is
evaluated through the identity

    CE(q, y) + alpha * KL(p || q) = sum_k -(onehot_y + alpha * p)_k log q_k - alpha * H(p),

so a forward pass is one log-softmax, one row gather from a ``K x K`` table and one
product-sum: O(B K), no ``log(p / q)`` and no per-sample Python loop. The row
``onehot_y + alpha * p(y)`` and the constant ``alpha * H(p(y))`` are cached per
class as buffers (they follow ``.to(device)`` and ``.double()``).

The package holds the ordinal loss family from the literature, all with the
signature ``Cls(num_classes=K, **params)`` and
``forward(logits[B, K], class_index[B], sample_weight=None)``, vectorised and
computed in log space (finite for logits of any finite size), one module per family:

* soft-target KL / CE (``_soft_target``): :class:`SoftLabelKLCrossEntropy`,
  ``CE + alpha KL(p_kind || q)`` for any kernel of :mod:`sk_ordinal_kl.targets`
  (Gaussian, SORD/Laplace, triangular, binomial, Poisson), its Gaussian case
  :class:`GaussianKLCrossEntropy`, :class:`SoftTargetKLCrossEntropy` for any fixed
  table, and :class:`SoftLabelCrossEntropy`, ``CE(t, q)`` with
  ``t = (1 - eta) onehot + eta p_kind`` (SORD, DLDL, dlordinal's ExponentialLoss);
* DLDL (``_dldl``): :class:`DLDLv2Loss`, ``KL(p || q) + lam |E_q[k] - y|`` (Gao et al.,
  IJCAI 2018), and :class:`FullKLDLDLLoss`, three KL terms, no weights (Günder et al.,
  2022);
* order-blind baselines (``_baselines``): :class:`LabelSmoothingCrossEntropy`,
  :class:`FocalLoss`;
* :class:`MeanVarianceLoss` (``_mean_variance``):
  ``CE + lambda_1 (E_q[k] - y)^2 / 2 + lambda_2 Var_q[k]`` (Pan et al., CVPR 2018);
* :class:`MinMaxLoss` (``_min_max``): class-embedding loss for
  :class:`~sk_ordinal_kl.modules.MinMaxMLP`;
* :class:`AllThresholdLoss` (``_threshold``): one binary cross-entropy per threshold
  between adjacent classes (on the cumulative head, the all-threshold logistic loss of
  Rennie & Srebro, 2005);
* :class:`GaussianKLGridCrossEntropy` (``_grid``): a whole α × σ grid of
  :class:`GaussianKLCrossEntropy` members at once, for
  :class:`~sk_ordinal_kl.OrdinalKLClassifierCV`.

``_base`` holds the class-index plumbing they share (``K``, class and sample
weights, reduction, checks); each criterion declares its own parameters' constraints.
Kernel criteria (``_kernel``) build their buffers from a soft target: the kernels and
tables of ``_targets`` (one module per kernel, public as :mod:`sk_ordinal_kl.targets`),
stored dense or banded as ``_layout`` decides, and applied by the fused soft-target
cross-entropy of ``_soft_ce``. :data:`LOSSES` maps short names to the criteria.
"""

from __future__ import annotations

import torch  # noqa: F401  (the examples of the classes documented here use it)
import torch.nn.functional as F  # noqa: F401
from torch import nn

from ._base import check_alpha, check_logits_and_target, reduce_loss
from ._baselines import FocalLoss, LabelSmoothingCrossEntropy
from ._dldl import DLDLv2Loss, FullKLDLDLLoss
from ._grid import GaussianKLGridCrossEntropy
from ._mean_variance import MeanVarianceLoss
from ._min_max import MinMaxLoss
from ._soft_target import (
    GaussianKLCrossEntropy,
    SoftLabelCrossEntropy,
    SoftLabelKLCrossEntropy,
    SoftTargetKLCrossEntropy,
)
from ._threshold import AllThresholdLoss

__all__ = [
    "LOSSES",
    "AllThresholdLoss",
    "DLDLv2Loss",
    "FocalLoss",
    "FullKLDLDLLoss",
    "GaussianKLCrossEntropy",
    "GaussianKLGridCrossEntropy",
    "LabelSmoothingCrossEntropy",
    "MeanVarianceLoss",
    "MinMaxLoss",
    "SoftLabelCrossEntropy",
    "SoftLabelKLCrossEntropy",
    "SoftTargetKLCrossEntropy",
    "check_alpha",
    "check_logits_and_target",
    "reduce_loss",
]

#: Name -> criterion class, for benchmark runners and grids. Every class is built as
#: ``Cls(num_classes=K, **params)``; ``"min_max"`` needs ``module=MinMaxLoss.default_module``.
LOSSES: dict[str, type[nn.Module]] = {
    "gaussian_kl": GaussianKLCrossEntropy,
    "soft_label_kl": SoftLabelKLCrossEntropy,
    "soft_label_ce": SoftLabelCrossEntropy,
    "dldl_v2": DLDLv2Loss,
    "full_kl_dldl": FullKLDLDLLoss,
    "label_smoothing": LabelSmoothingCrossEntropy,
    "focal": FocalLoss,
    "mean_variance": MeanVarianceLoss,
    "min_max": MinMaxLoss,
    "all_threshold": AllThresholdLoss,
}

# Public objects are documented and pickled under this package, not their submodule.
for _obj in LOSSES.values():
    _obj.__module__ = __name__
for _obj in (
    SoftTargetKLCrossEntropy,
    GaussianKLGridCrossEntropy,
    check_alpha,
    check_logits_and_target,
    reduce_loss,
):
    _obj.__module__ = __name__
del _obj
