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
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import torch

from ._compat import Interval, StrOptions, validate_parameter_constraints

__all__ = [
    "SOFT_TARGET_KINDS",
    "check_kind",
    "check_sigma",
    "gaussian_targets",
    "index_distance",
    "log_gaussian_targets",
    "log_soft_target_band",
    "log_soft_target_table",
    "soft_target_half_width",
    "soft_target_table",
    "target_entropy",
    "target_moments",
]

SOFT_TARGET_KINDS = ("gaussian", "laplace", "triangular", "binomial", "poisson")


class _NumberInterval(Interval):
    """scikit-learn's ``Interval`` constraint, but booleans are not numbers here."""

    def is_satisfied_by(self, val):
        return not isinstance(val, bool) and super().is_satisfied_by(val)


# scikit-learn style constraints of the kernel parameters (``validate_parameter_constraints``).
_KERNEL_CONSTRAINTS = {
    "kind": [StrOptions(set(SOFT_TARGET_KINDS))],
    "num_classes": [_NumberInterval(Integral, 2, None, closed="left")],
    "sigma": [_NumberInterval(Real, 0, None, closed="neither")],
}


def _check_kernel(caller: str, kind: str, num_classes: int, sigma: float):
    """``(kind, num_classes, sigma)`` validated and converted, or an error naming the one
    that is not valid."""
    params = {"kind": kind, "num_classes": num_classes, "sigma": sigma}
    validate_parameter_constraints(_KERNEL_CONSTRAINTS, params, caller_name=caller)
    return kind, int(num_classes), float(sigma)


def _check_num_classes(num_classes: int, caller: str = "index_distance") -> int:
    params = {"num_classes": num_classes}
    validate_parameter_constraints(_KERNEL_CONSTRAINTS, params, caller_name=caller)
    return int(num_classes)


def check_sigma(sigma: float) -> float:
    """Return ``sigma`` as a float, or raise if it is not a finite positive number.

    Parameters
    ----------
    sigma : float
        Width of a soft-target kernel, in class-index units.

    Returns
    -------
    sigma : float
        The validated width.

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        A ``ValueError`` and ``TypeError`` whose message names ``sigma``.

    Examples
    --------
    >>> check_sigma(2)
    2.0
    """
    validate_parameter_constraints(
        _KERNEL_CONSTRAINTS, {"sigma": sigma}, caller_name="check_sigma"
    )
    return float(sigma)


def index_distance(num_classes: int, *, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """Matrix of signed index distances ``k - y`` (rows ``y``, columns ``k``).

    Parameters
    ----------
    num_classes : int
        Number of ordered classes ``K``.
    dtype : torch.dtype, default=torch.float64
        Dtype of the result.

    Returns
    -------
    distance : torch.Tensor of shape (K, K)
        ``distance[y, k] = k - y``.

    Examples
    --------
    >>> index_distance(3)
    tensor([[ 0.,  1.,  2.],
            [-1.,  0.,  1.],
            [-2., -1.,  0.]], dtype=torch.float64)
    """
    num_classes = _check_num_classes(num_classes)
    k = torch.arange(num_classes, dtype=dtype)
    return k.unsqueeze(0) - k.unsqueeze(1)


def log_gaussian_targets(num_classes: int, sigma: float) -> torch.Tensor:
    """Log of the discrete Gaussian target table, float64, rows normalised.

    ``log p(y)_k = -(k - y)^2 / (2 sigma^2) - logsumexp_j(-(j - y)^2 / (2 sigma^2))``.

    Parameters
    ----------
    num_classes : int
        Number of ordered classes ``K``.
    sigma : float
        Standard deviation of the mound in class-index units (> 0).

    Returns
    -------
    log_table : torch.Tensor of shape (K, K), float64
        Row ``y`` is ``log p_sigma(y)``; finite for any finite ``sigma > 0``.

    Examples
    --------
    >>> log_gaussian_targets(3, 1.0).exp().sum(dim=1)
    tensor([1., 1., 1.], dtype=torch.float64)
    """
    return log_soft_target_table("gaussian", num_classes, sigma)


def gaussian_targets(num_classes: int, sigma: float) -> torch.Tensor:
    """Discrete Gaussian soft targets ``p_sigma(y)_k ∝ exp(-(k - y)^2 / (2 sigma^2))``.

    Parameters
    ----------
    num_classes : int
        Number of ordered classes ``K`` (>= 2).
    sigma : float
        Standard deviation of the mound in class-index units (> 0). ``sigma -> 0``
        gives one-hot rows, ``sigma -> inf`` gives uniform rows.

    Returns
    -------
    table : torch.Tensor of shape (K, K), float64
        Row ``y`` is the target distribution for true class index ``y``; rows sum to 1.

    Examples
    --------
    >>> gaussian_targets(3, 1e-6)
    tensor([[1., 0., 0.],
            [0., 1., 0.],
            [0., 0., 1.]], dtype=torch.float64)
    """
    return log_gaussian_targets(num_classes, sigma).exp()


def target_entropy(log_table: torch.Tensor) -> torch.Tensor:
    """Shannon entropy (nats) of each row of a table given by its logarithm.

    Computed as ``-sum_k p_k log p_k`` with ``0 log 0 = 0``, so one-hot rows give
    exactly 0 and underflowed entries never produce NaN.

    Parameters
    ----------
    log_table : torch.Tensor of shape (K, K)
        Row-wise log-probabilities (finite or ``-inf``).

    Returns
    -------
    entropy : torch.Tensor of shape (K,)
        ``H(p(y))`` for every row ``y``.

    Examples
    --------
    >>> float(target_entropy(torch.log(torch.full((1, 4), 0.25))))
    1.3862943649291992
    """
    # One K x K temporary, in place: where p = 0 (log p = -inf) the product is NaN -> 0.
    terms = log_table.exp().mul_(log_table).nan_to_num_(nan=0.0)
    return -terms.sum(dim=1)


def check_kind(kind: str) -> str:
    """Return ``kind`` if it names a soft-target kernel, else raise ``ValueError``.

    Parameters
    ----------
    kind : str
        One of :data:`SOFT_TARGET_KINDS`.

    Returns
    -------
    kind : str
        The validated name.

    Examples
    --------
    >>> check_kind("laplace")
    'laplace'
    """
    validate_parameter_constraints(_KERNEL_CONSTRAINTS, {"kind": kind}, caller_name="check_kind")
    return kind


def _log_weights(
    kind: str, num_classes: int, sigma: float, columns: torch.Tensor | None = None
) -> torch.Tensor:
    """Unnormalised log-weights, float64; ``-inf`` only for exact zeros.

    Row ``y`` holds the weights of the classes ``k = 0..K-1`` (``(K, K)``), or of the
    classes ``columns[y]`` (``(K, m)``, float64 indices in ``0..K-1``) for a band.
    """
    k = torch.arange(num_classes, dtype=torch.float64) if columns is None else columns
    y = torch.arange(num_classes, dtype=torch.float64).unsqueeze(1)
    if kind in ("gaussian", "laplace", "triangular"):
        distance = k - y  # the one full-size temporary; the rest is in place
        if kind == "gaussian":
            # (d / sigma)^2, not d^2 / sigma^2: sigma^2 may underflow to 0 for tiny sigma.
            return distance.div_(sigma).square_().mul_(-0.5)
        if kind == "laplace":
            return distance.abs_().div_(-sigma)
        return distance.abs_().div_(-sigma).add_(1.0).clamp_(min=0.0).log_()
    if kind == "binomial":
        theta = (y + 0.5) / num_classes
        log_choose = (
            math.lgamma(num_classes) - torch.lgamma(k + 1.0) - torch.lgamma(num_classes - k)
        )
        log_pmf = log_choose + k * torch.log(theta) + (num_classes - 1 - k) * torch.log1p(-theta)
    else:  # poisson
        log_pmf = k * torch.log(y + 0.5) - torch.lgamma(k + 1.0)
    return log_pmf / sigma


def log_soft_target_band(
    kind: str, num_classes: int, sigma: float, half_width: int
) -> torch.Tensor:
    """The log table restricted to a band ``|k - y| <= h``: ``(K, 2h + 1)``, float64.

    Entry ``j`` of row ``y`` is ``log p(y)_k`` for ``k = y + j - h`` (``-inf`` where
    ``k`` is outside ``0..K-1``), normalised over the band. It equals the band of
    :func:`log_soft_target_table` when the mass outside the band is negligible; use
    :func:`soft_target_half_width` to pick such an ``h``. Costs ``O(K h)``, not ``O(K^2)``.

    Parameters
    ----------
    kind : {"gaussian", "laplace", "triangular", "binomial", "poisson"}
        The kernel.
    num_classes : int
        Number of ordered classes ``K`` (>= 2).
    sigma : float
        Width or temperature (> 0).
    half_width : int
        Band half-width ``h`` (>= 0).

    Returns
    -------
    log_band : torch.Tensor of shape (K, 2h + 1), float64
        Band rows of the log table.

    Examples
    --------
    >>> log_soft_target_band("gaussian", 4, 1e-6, 1).exp()
    tensor([[0., 1., 0.],
            [0., 1., 0.],
            [0., 1., 0.],
            [0., 1., 0.]], dtype=torch.float64)
    """
    kind, num_classes, sigma = _check_kernel("log_soft_target_band", kind, num_classes, sigma)
    offsets = torch.arange(-half_width, half_width + 1, dtype=torch.float64)
    columns = torch.arange(num_classes, dtype=torch.float64).unsqueeze(1) + offsets
    outside = (columns < 0) | (columns >= num_classes)
    log_weights = _log_weights(kind, num_classes, sigma, columns.clamp_(0, num_classes - 1))
    return torch.log_softmax(log_weights.masked_fill_(outside, -math.inf), dim=1)


def soft_target_half_width(
    kind: str, num_classes: int, sigma: float, log_floor: float, max_half_width: int
) -> int | None:
    """Smallest ``h`` with every ``log p(y)_k < log_floor`` for ``|k - y| > h``.

    Every kernel's rows are unimodal with the mode at ``k = y``, so a band whose two
    edge columns are below the floor holds everything above it. The band is widened by
    doubling (``O(K h)`` work, never a ``K x K`` table) and then trimmed to the exact
    width.

    Parameters
    ----------
    kind : {"gaussian", "laplace", "triangular", "binomial", "poisson"}
        The kernel.
    num_classes : int
        Number of ordered classes ``K`` (>= 2).
    sigma : float
        Width or temperature (> 0).
    log_floor : float
        Log-probabilities below this count as 0 (e.g. below float32's smallest normal).
    max_half_width : int
        Give up beyond this half-width.

    Returns
    -------
    half_width : int or None
        ``h``, or None if it would exceed ``max_half_width``.

    Examples
    --------
    >>> soft_target_half_width("gaussian", 1000, 1.0, math.log(1e-38), 60)
    13
    """
    if max_half_width < 0:
        return None
    half_width = 1
    while True:
        band = log_soft_target_band(kind, num_classes, sigma, half_width)
        if bool((band[:, [0, -1]] < log_floor).all()):
            # The band's normalisation omits only sub-floor mass, so the test is exact
            # enough; trim to the widest column that reaches the floor.
            distance = torch.arange(-half_width, half_width + 1).abs()
            needed = int(distance[(band >= log_floor).any(dim=0)].max())
            return needed if needed <= max_half_width else None
        if half_width >= max_half_width:
            return None
        half_width = min(2 * half_width, max_half_width)


def log_soft_target_table(kind: str, num_classes: int, sigma: float) -> torch.Tensor:
    """Log of a soft-target table of the given kernel, float64, rows normalised.

    ``log p(y)_k = w_y(k) - logsumexp_j w_y(j)`` with the kernel's log-weight ``w``
    (see the module docstring for every kernel's formula).

    Parameters
    ----------
    kind : {"gaussian", "laplace", "triangular", "binomial", "poisson"}
        The kernel.
    num_classes : int
        Number of ordered classes ``K`` (>= 2).
    sigma : float
        Width (gaussian, laplace, triangular) or temperature (binomial, poisson), > 0.

    Returns
    -------
    log_table : torch.Tensor of shape (K, K), float64
        Row ``y`` is ``log p(y)``: finite, or ``-inf`` exactly where ``p(y)_k = 0``.
        Every row has its maximum at ``k = y``.

    Examples
    --------
    >>> log_soft_target_table("triangular", 3, 1.5).exp()
    tensor([[0.7500, 0.2500, 0.0000],
            [0.2000, 0.6000, 0.2000],
            [0.0000, 0.2500, 0.7500]], dtype=torch.float64)
    """
    kind, num_classes, sigma = _check_kernel("log_soft_target_table", kind, num_classes, sigma)
    return torch.log_softmax(_log_weights(kind, num_classes, sigma), dim=1)


def soft_target_table(kind: str, num_classes: int, sigma: float) -> torch.Tensor:
    """Soft-target table ``p(y)_k`` of the given kernel, float64, rows sum to 1.

    Parameters
    ----------
    kind : {"gaussian", "laplace", "triangular", "binomial", "poisson"}
        The kernel (formulas in the module docstring).
    num_classes : int
        Number of ordered classes ``K`` (>= 2).
    sigma : float
        Width or temperature (> 0); ``sigma -> 0`` one-hot rows, ``sigma -> inf``
        uniform rows.

    Returns
    -------
    table : torch.Tensor of shape (K, K), float64
        Row ``y`` is the target distribution for true class index ``y``.

    Examples
    --------
    >>> soft_target_table("laplace", 3, 1e-6)
    tensor([[1., 0., 0.],
            [0., 1., 0.],
            [0., 0., 1.]], dtype=torch.float64)
    """
    return log_soft_target_table(kind, num_classes, sigma).exp()


def target_moments(log_table: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and variance of every row over the class indices ``0..K-1``.

    Parameters
    ----------
    log_table : torch.Tensor of shape (K, K)
        Row-wise log-probabilities.

    Returns
    -------
    mean : torch.Tensor of shape (K,)
        ``mu_y = sum_k k p(y)_k``.
    variance : torch.Tensor of shape (K,)
        ``sum_k (k - mu_y)^2 p(y)_k`` (>= 0; computed about the mean, no cancellation).

    Examples
    --------
    >>> mean, var = target_moments(torch.log(torch.tensor([[0.5, 0.5], [0.0, 1.0]])))
    >>> mean, var
    (tensor([0.5000, 1.0000]), tensor([0.2500, 0.0000]))
    """
    table = log_table.exp()
    k = torch.arange(table.shape[1], dtype=table.dtype)
    mean = table @ k
    variance = (table * (k.unsqueeze(0) - mean.unsqueeze(1)).square()).sum(dim=1)
    return mean, variance
