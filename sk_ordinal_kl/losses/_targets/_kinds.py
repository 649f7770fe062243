"""The soft-target kernels by name, one module per kernel.

Each kernel module holds ``log_weights(k, y, num_classes, sigma)``: the unnormalised
log-weight of class ``k`` in the row of true class ``y`` (float64 tensors that broadcast,
``-inf`` only for exact zeros). A row is normalised with a log-softmax elsewhere, so a
new kernel needs a module and a line here, nothing more. Every kernel's rows must be
unimodal with the mode at ``k = y`` (the band layout relies on it).
"""

from __future__ import annotations

from . import _binomial, _gaussian, _laplace, _poisson, _triangular

__all__ = ["LOG_WEIGHTS", "SOFT_TARGET_KINDS"]

LOG_WEIGHTS = {
    "gaussian": _gaussian.log_weights,
    "laplace": _laplace.log_weights,
    "triangular": _triangular.log_weights,
    "binomial": _binomial.log_weights,
    "poisson": _poisson.log_weights,
}

#: Names of the soft-target kernels.
SOFT_TARGET_KINDS = tuple(LOG_WEIGHTS)
