"""Gaussian kernel: ``p_k ∝ exp(-d^2 / (2 sigma^2))``, ``d = k - y``.

The label distribution of DLDL (Gao et al., IEEE TIP 2017), and dlordinal's exponential
soft labels with ``p=2, tau=2 sigma^2``.
"""

from __future__ import annotations

import torch


def log_weights(k: torch.Tensor, y: torch.Tensor, num_classes: int, sigma: float):
    """Unnormalised log-weights ``-(k - y)^2 / (2 sigma^2)``, float64."""
    # (d / sigma)^2, not d^2 / sigma^2: sigma^2 may underflow to 0 for tiny sigma.
    return (k - y).div_(sigma).square_().mul_(-0.5)
