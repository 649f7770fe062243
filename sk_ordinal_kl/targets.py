"""Soft-target tables: one probability row per true class over the ordered classes.

Row ``y`` of a table is the target distribution ``p(y)`` over the class indices
``k = 0..K-1``. Tables are built once per fit in float64 from *log*-weights and
normalised with a log-softmax, so extreme widths stay finite: a width near 0
gives one-hot rows, a very large width gives uniform rows.
"""

from __future__ import annotations

import math
import numbers

import torch

__all__ = [
    "check_sigma",
    "gaussian_targets",
    "index_distance",
    "log_gaussian_targets",
    "target_entropy",
]


def _check_num_classes(num_classes: int) -> int:
    if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral):
        raise TypeError(f"num_classes must be an integer, got {num_classes!r}.")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2, got {num_classes}.")
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

    Examples
    --------
    >>> check_sigma(2)
    2.0
    """
    if isinstance(sigma, bool) or not isinstance(sigma, numbers.Real):
        raise TypeError(f"sigma must be a real number, got {type(sigma).__name__} {sigma!r}.")
    sigma = float(sigma)
    if not math.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"sigma must be a finite number > 0, got {sigma!r}.")
    return sigma


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
    sigma = check_sigma(sigma)
    log_weights = -index_distance(num_classes).square() / (2.0 * sigma * sigma)
    return torch.log_softmax(log_weights, dim=1)


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
    table = log_table.exp()
    terms = torch.where(table > 0, table * log_table, torch.zeros_like(table))
    return -terms.sum(dim=1)
