"""The conformal threshold: which calibration score it is, and how many are needed."""

from __future__ import annotations

import numpy as np

__all__ = ["conformal_rank", "min_calibration_samples"]

# (n + 1) * level is computed in floating point: 10 * 0.9 must count as 9, not 9.000...1.
_RANK_TOLERANCE = 1e-9


def conformal_rank(n: int, confidence_level: float) -> int:
    """Rank of the calibration score used as threshold: ``ceil((n + 1) * level)``.

    Parameters
    ----------
    n : int
        Number of calibration samples.
    confidence_level : float
        Target coverage in (0, 1).

    Returns
    -------
    rank : int
        1-based rank among the sorted calibration scores; it exceeds ``n`` when there
        are too few samples for the level.

    Examples
    --------
    >>> conformal_rank(9, 0.9), conformal_rank(50, 0.9)
    (9, 46)
    """
    return int(np.ceil((n + 1) * confidence_level - _RANK_TOLERANCE))


def min_calibration_samples(confidence_level: float) -> int:
    """Fewest calibration samples giving a finite threshold at ``confidence_level``.

    The smallest ``n`` with ``ceil((n + 1) * level) <= n``, i.e.
    ``ceil(level / (1 - level))``.

    Parameters
    ----------
    confidence_level : float
        Target coverage in (0, 1).

    Returns
    -------
    n : int
        Minimum number of calibration samples.

    Examples
    --------
    >>> min_calibration_samples(0.9), min_calibration_samples(0.95)
    (9, 19)
    """
    n = max(1, int(np.ceil(confidence_level / (1 - confidence_level) - _RANK_TOLERANCE)))
    while conformal_rank(n, confidence_level) > n:  # guard against rounding
        n += 1
    return n
