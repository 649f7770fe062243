"""Soft-target tables: one probability row per true class over the ordered classes.

Row ``y`` of a table is the target distribution ``p(y)`` over the class indices
``k = 0..K-1``. Tables are built once per fit in float64 from *log*-weights and
normalised with a log-softmax, so extreme widths stay finite: a width near 0
gives one-hot rows, a very large width gives uniform rows.

Kernels (``SOFT_TARGET_KINDS``; ``d = k - y``, ``sigma > 0``, rows normalised):

``"gaussian"``
    ``p_k ∝ exp(-d^2 / (2 sigma^2))`` (DLDL, Gao et al. 2017; dlordinal's exponential
    soft labels with ``p=2, tau=2 sigma^2``).
``"laplace"``
    ``p_k ∝ exp(-|d| / sigma)``: the SORD target of Diaz & Marathe (CVPR 2019) with the
    absolute-difference metric, and dlordinal's exponential labels with ``p=1, tau=sigma``.
``"triangular"``
    ``p_k ∝ max(0, 1 - |d| / sigma)``: a tent of half-width ``sigma``; classes at
    ``|d| >= sigma`` get exactly 0 (log-weight ``-inf``), so ``sigma <= 1`` is one-hot.
``"binomial"``
    ``p_k ∝ [C(K-1, k) theta_y^k (1 - theta_y)^(K-1-k)]^(1/sigma)`` with
    ``theta_y = (y + 0.5) / K``: the binomial unimodal target (Beckham & Pal, ICML 2017;
    Liu et al. 2020) with ``sigma`` as a softmax temperature. The mode of
    ``Binomial(K-1, theta_y)`` is ``floor(K theta_y) = y``, unique, so ``sigma -> 0`` is
    one-hot at ``y``; ``sigma = 1`` is the plain binomial pmf.
``"poisson"``
    ``p_k ∝ [lambda_y^k e^(-lambda_y) / k!]^(1/sigma)`` with ``lambda_y = y + 0.5``
    (mode ``floor(lambda_y) = y``), truncated to ``0..K-1`` (Beckham & Pal 2017).

For the two "temperature" kernels ``sigma`` is not a width in class units, but the
limits are the same: ``sigma -> 0`` one-hot, ``sigma -> inf`` uniform.

The kernels, tables and checks live with the criteria that use them, in
``sk_ordinal_kl.losses._targets`` (one module per kernel); this module is their public
import path.
"""

# The names and their list live in the private package; this module is their public path.
from .losses._targets import *  # noqa: F403
from .losses._targets import __all__  # noqa: F401
