"""Soft-target tables: one probability row per true class over the ordered classes.

Row ``y`` of a table is the target distribution ``p(y)`` over the class indices
``k = 0..K-1``: the kernel's log-weights (:mod:`._kinds`) normalised with a log-softmax,
in float64, so extreme widths stay finite. A band ``|k - y| <= h`` of the rows can be
built without the ``K x K`` table.
"""

from __future__ import annotations

import math

import torch

from .._docs import fill_doc
from ._checks import check_kernel, check_num_classes
from ._kinds import LOG_WEIGHTS

__all__ = [
    "gaussian_targets",
    "index_distance",
    "log_gaussian_targets",
    "log_soft_target_band",
    "log_soft_target_table",
    "soft_target_half_width",
    "soft_target_table",
]


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
    num_classes = check_num_classes(num_classes)
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


def _log_weights(
    kind: str, num_classes: int, sigma: float, columns: torch.Tensor | None = None
) -> torch.Tensor:
    """Unnormalised log-weights, float64; ``-inf`` only for exact zeros.

    Row ``y`` holds the weights of the classes ``k = 0..K-1`` (``(K, K)``), or of the
    classes ``columns[y]`` (``(K, m)``, float64 indices in ``0..K-1``) for a band.
    """
    k = torch.arange(num_classes, dtype=torch.float64) if columns is None else columns
    y = torch.arange(num_classes, dtype=torch.float64).unsqueeze(1)
    return LOG_WEIGHTS[kind](k, y, num_classes, sigma)


@fill_doc
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
    %(kernel)s
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
    kind, num_classes, sigma = check_kernel("log_soft_target_band", kind, num_classes, sigma)
    offsets = torch.arange(-half_width, half_width + 1, dtype=torch.float64)
    columns = torch.arange(num_classes, dtype=torch.float64).unsqueeze(1) + offsets
    outside = (columns < 0) | (columns >= num_classes)
    log_weights = _log_weights(kind, num_classes, sigma, columns.clamp_(0, num_classes - 1))
    return torch.log_softmax(log_weights.masked_fill_(outside, -math.inf), dim=1)


@fill_doc
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
    %(kernel)s
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


@fill_doc
def log_soft_target_table(kind: str, num_classes: int, sigma: float) -> torch.Tensor:
    """Log of a soft-target table of the given kernel, float64, rows normalised.

    ``log p(y)_k = w_y(k) - logsumexp_j w_y(j)`` with the kernel's log-weight ``w``
    (every kernel's formula is in :mod:`sk_ordinal_kl.targets`).

    Parameters
    ----------
    %(kernel)s

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
    kind, num_classes, sigma = check_kernel("log_soft_target_table", kind, num_classes, sigma)
    return torch.log_softmax(_log_weights(kind, num_classes, sigma), dim=1)


def soft_target_table(kind: str, num_classes: int, sigma: float) -> torch.Tensor:
    """Soft-target table ``p(y)_k`` of the given kernel, float64, rows sum to 1.

    Parameters
    ----------
    kind : {"gaussian", "laplace", "triangular", "binomial", "poisson"}
        The kernel (formulas in :mod:`sk_ordinal_kl.targets`).
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
