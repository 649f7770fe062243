"""Median-centred quantile intervals of the predictive distribution (``method="rps"``).

The cumulative-distribution counterpart behind the ranked probability score (named after
the RPS-based median-centred sets of Haas et al., 2026). With ``F(k) = P(Y <= k)`` and
``S(k) = P(Y >= k)`` under the predicted probabilities, class ``k`` lies in the central
interval ``[F^{-1}(tau), F^{-1}(1 - tau)]`` exactly when ``min(F(k), S(k)) >= tau``;
``s(x, y) = 1 - min(F(y), S(y))`` is the tail level needed to include ``y``.
``min(F, S)`` rises up to the median and falls after it, so the sets are intervals
around the median, their anchor. The score is not randomised.
"""

from __future__ import annotations

import numpy as np

__all__ = ["rps_scores"]


def rps_scores(proba: np.ndarray, u: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """RPS-interval score of every class, and each row's median (its anchor).

    Parameters
    ----------
    proba : ndarray of shape (n_samples, K)
        Class probabilities, columns in ordinal order, rows summing to 1.
    u : ndarray of shape (n_samples,), default=None
        Ignored: the score is not randomised.

    Returns
    -------
    scores : ndarray of shape (n_samples, K)
    median : ndarray of shape (n_samples,)
    """
    cdf = np.cumsum(proba, axis=1)
    survival = np.cumsum(proba[:, ::-1], axis=1)[:, ::-1]
    median = np.argmax(cdf >= 0.5 * cdf[:, -1:], axis=1)
    return 1.0 - np.minimum(cdf, survival), median
