"""Binomial kernel: ``p_k ∝ [C(K-1, k) theta_y^k (1 - theta_y)^(K-1-k)]^(1/sigma)``.

The binomial unimodal target (Beckham & Pal, ICML 2017; Liu et al. 2020) with
``theta_y = (y + 0.5) / K`` and ``sigma`` as a softmax temperature. The mode of
``Binomial(K-1, theta_y)`` is ``floor(K theta_y) = y``, unique, so ``sigma -> 0`` is
one-hot at ``y``; ``sigma = 1`` is the plain binomial pmf.
"""

from __future__ import annotations

import math

import torch


def log_weights(k: torch.Tensor, y: torch.Tensor, num_classes: int, sigma: float):
    """Unnormalised log-weights: the binomial log-pmf divided by ``sigma``, float64."""
    theta = (y + 0.5) / num_classes
    log_choose = math.lgamma(num_classes) - torch.lgamma(k + 1.0) - torch.lgamma(num_classes - k)
    log_pmf = log_choose + k * torch.log(theta) + (num_classes - 1 - k) * torch.log1p(-theta)
    return log_pmf / sigma
