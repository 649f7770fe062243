"""Triangular kernel: ``p_k ∝ max(0, 1 - |d| / sigma)``, ``d = k - y``.

A tent of half-width ``sigma``: classes at ``|d| >= sigma`` get exactly 0 (log-weight
``-inf``), so ``sigma <= 1`` is one-hot.
"""

from __future__ import annotations

import torch


def log_weights(k: torch.Tensor, y: torch.Tensor, num_classes: int, sigma: float):
    """Unnormalised log-weights ``log max(0, 1 - |k - y| / sigma)``, float64."""
    return (k - y).abs_().div_(-sigma).add_(1.0).clamp_(min=0.0).log_()
