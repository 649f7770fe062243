"""Conformity scores, one per module, and the registry that ``method`` names.

Each score is a function ``score(proba, u=None) -> (scores, anchors)``: for every row of
ordinal probabilities, the nonconformity of every class (smallest at the row's anchor
and not decreasing away from it, so every set ``{k : scores[k] <= q}`` is contiguous)
and the anchor's index. ``u`` holds the uniform draws of ``randomized=True`` (a score
that is not randomised ignores it).

- :func:`aps_scores` (module ``aps``): ordinal APS grown around the mode;
- :func:`rps_scores` (module ``rps``): median-centred quantile intervals.

A new score is a module here and an entry in :data:`CONFORMITY_SCORES`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .aps import aps_scores
from .rps import rps_scores

# conformity_scores and CONFORMITY_METHODS are documented where users import them, in
# sk_ordinal_kl.conformal.
__all__ = ["CONFORMITY_SCORES", "aps_scores", "rps_scores"]

CONFORMITY_SCORES: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "aps": aps_scores,
    "rps": rps_scores,
}
"""``method`` name -> score function."""

CONFORMITY_METHODS = tuple(CONFORMITY_SCORES)


def conformity_scores(
    proba: np.ndarray, method: str = "aps", *, u: np.ndarray | None = None
) -> np.ndarray:
    """Nonconformity score of every class for each row of ordinal probabilities.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, K)
        Class probabilities, columns in ordinal order.
    method : {"aps", "rps"}, default="aps"
        ``"aps"``: mass of the greedy contiguous set around the mode when class ``k``
        joins it; ``"rps"``: ``1 - min(F(k), S(k))`` (see :mod:`sk_ordinal_kl.conformal`).
    u : ndarray of shape (n_samples,), default=None
        Uniform draws for the randomised ``"aps"`` score: the mass *before* class ``k``
        joins plus ``u`` times its probability (as in the randomised APS of Romano,
        Sesia & Candès, NeurIPS 2020). Ignored by ``"rps"``.

    Returns
    -------
    scores : ndarray of shape (n_samples, K)
        Greater means less conforming. Along each row the score is smallest at the
        anchor (mode or median) and does not decrease away from it, so every set
        ``{k : scores[k] <= q}`` is contiguous.

    Examples
    --------
    >>> q = np.array([[0.125, 0.125, 0.5, 0.25]])
    >>> conformity_scores(q, "aps").tolist()
    [[1.0, 0.875, 0.5, 0.75]]
    >>> conformity_scores(q, "rps").tolist()
    [[0.875, 0.75, 0.25, 0.75]]
    """
    return scores_and_anchors(proba, method, u)[0]


def scores_and_anchors(
    proba: np.ndarray, method: str, u: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of every class, and the index of each row's anchor (mode or median);
    ``proba`` is checked and its rows renormalised first."""
    if method not in CONFORMITY_SCORES:
        raise ValueError(f"method must be one of {CONFORMITY_METHODS}, got {method!r}.")
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim != 2:
        raise ValueError(f"proba must be 2-D (n_samples, n_classes), got shape {proba.shape}.")
    proba = proba / proba.sum(axis=1, keepdims=True)
    return CONFORMITY_SCORES[method](proba, u)
