"""Ordinal adaptive prediction sets (``method="aps"``).

Lu, Angelopoulos, Bates & Kalpathy-Cramer, "Improving trustworthiness of AI disease
severity rating in medical imaging with ordinal conformal prediction sets", MICCAI 2022.
Starting from the mode, a contiguous set grows one class at a time by adding the more
probable of its two neighbours (the lower one on ties). ``s(x, y)`` is the probability
mass of the set at the step that adds ``y``; the anchor is the mode.

With uniform draws ``u`` the score is randomised as in the randomised APS of Romano,
Sesia & Candès (NeurIPS 2020): the mass before ``y`` joins plus ``u`` times its
probability, one ``u`` per sample, which keeps the mode's score small and its set rarely
empty.
"""

from __future__ import annotations

import numpy as np

__all__ = ["aps_scores"]


def aps_scores(proba: np.ndarray, u: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """APS score of every class, and each row's mode (its anchor).

    Parameters
    ----------
    proba : ndarray of shape (n_samples, K)
        Class probabilities, columns in ordinal order, rows summing to 1.
    u : ndarray of shape (n_samples,), default=None
        Uniform draws of the randomised score; None gives the inclusive mass.

    Returns
    -------
    scores : ndarray of shape (n_samples, K)
    mode : ndarray of shape (n_samples,)
    """
    n, k = proba.shape
    rows = np.arange(n)
    # Inclusive mass by default; with u, the mass before plus u times the new class.
    share = np.ones(n) if u is None else np.asarray(u, dtype=np.float64).reshape(n)
    mode = low = high = np.argmax(proba, axis=1)
    mass = proba[rows, low].copy()
    scores = np.empty_like(proba)
    scores[rows, low] = share * mass
    for _ in range(k - 1):
        left = np.where(low > 0, proba[rows, np.maximum(low - 1, 0)], -1.0)
        right = np.where(high < k - 1, proba[rows, np.minimum(high + 1, k - 1)], -1.0)
        go_left = left >= right
        low = np.where(go_left, low - 1, low)
        high = np.where(go_left, high, high + 1)
        added = np.where(go_left, low, high)
        scores[rows, added] = mass + share * proba[rows, added]
        mass = mass + proba[rows, added]
    return scores, mode
