"""Laplace kernel: ``p_k ∝ exp(-|d| / sigma)``, ``d = k - y``.

The SORD target of Diaz & Marathe (CVPR 2019) with the absolute-difference metric, and
dlordinal's exponential soft labels with ``p=1, tau=sigma``.
"""

from __future__ import annotations

import torch


def log_weights(k: torch.Tensor, y: torch.Tensor, num_classes: int, sigma: float):
    """Unnormalised log-weights ``-|k - y| / sigma``, float64."""
    return (k - y).abs_().div_(-sigma)
