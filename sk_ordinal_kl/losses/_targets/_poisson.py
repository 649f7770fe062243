"""Poisson kernel: ``p_k ∝ [lambda_y^k e^(-lambda_y) / k!]^(1/sigma)``, ``lambda_y = y + 0.5``.

Mode ``floor(lambda_y) = y``; truncated to ``0..K-1`` (Beckham & Pal, ICML 2017), with
``sigma`` as a softmax temperature. The factor ``e^(-lambda_y)`` is the same for every
``k`` of a row, so the normalisation removes it and it is left out.
"""

from __future__ import annotations

import torch


def log_weights(k: torch.Tensor, y: torch.Tensor, num_classes: int, sigma: float):
    """Unnormalised log-weights ``(k log lambda_y - log k!) / sigma``, float64."""
    log_pmf = k * torch.log(y + 0.5) - torch.lgamma(k + 1.0)
    return log_pmf / sigma
