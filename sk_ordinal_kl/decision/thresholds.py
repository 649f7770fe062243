"""Fitting ``K - 1`` ordered cut points on a per-sample score to a metric."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["fit_thresholds"]

# Largest number of candidate positions tried per cut point and sweep of the coordinate
# descent; beyond it the candidates are evenly spaced quantiles of the midpoints. A
# scorer other than the package's own class-index scorers goes through its full
# scorer(estimator, X, y) call per candidate, hence fewer candidates.
_MAX_CUT_CANDIDATES = 256
_MAX_CUT_CANDIDATES_GENERIC_SCORER = 64
_MAX_SWEEPS = 20


def fit_thresholds(
    score_index: np.ndarray,
    num_classes: int,
    score_fn: Callable[[np.ndarray], float],
    *,
    max_candidates: int = _MAX_CUT_CANDIDATES,
    max_sweeps: int = _MAX_SWEEPS,
) -> tuple[np.ndarray, float]:
    """Fit ``K - 1`` ordered cut points on a score per sample by coordinate descent.

    Starts from the rounding cut points ``k + 0.5`` and moves one cut point at a time to
    the candidate position (a midpoint between consecutive sorted scores, or an end of
    ``[-0.5, K - 0.5]``) that maximises ``score_fn``, within the interval left by its
    neighbours, so the cut points stay sorted. A move is taken only when it strictly
    improves the score, so the result is never worse than the starting point. Sweeps
    repeat until none moves.

    Parameters
    ----------
    score_index : ndarray of shape (n_samples,)
        The quantity to cut, e.g. :func:`expected_index` of out-of-fold probabilities.
    num_classes : int
        Number of classes ``K``.
    score_fn : callable
        ``score_fn(index) -> float`` for predicted indices ``index``; greater is better.
    max_candidates : int, default=256
        Largest number of positions tried per cut point and sweep (evenly spaced
        quantiles of the candidates when there are more).
    max_sweeps : int, default=20
        Largest number of passes over the cut points.

    Returns
    -------
    thresholds : ndarray of shape (K - 1,)
        Non-decreasing cut points.
    score : float
        ``score_fn`` of the indices they give.

    Examples
    --------
    >>> s = np.array([0.1, 0.2, 0.9, 1.0])
    >>> t, best = fit_thresholds(s, 2, lambda index: -np.abs(index - [0, 0, 0, 1]).sum())
    >>> t.tolist(), best
    ([0.95], 0.0)
    """
    values = np.asarray(score_index, dtype=np.float64)
    thresholds = np.arange(num_classes - 1, dtype=np.float64) + 0.5
    if num_classes < 2:
        return thresholds, float(score_fn(np.zeros(len(values), dtype=np.int64)))
    unique = np.unique(values)
    candidates = np.unique(
        np.concatenate([(unique[1:] + unique[:-1]) / 2, [-0.5, num_classes - 0.5]])
    )

    def evaluate(cuts: np.ndarray) -> float:
        return float(score_fn(np.searchsorted(cuts, values, side="right").astype(np.int64)))

    best = evaluate(thresholds)
    for _ in range(max_sweeps):
        moved = False
        for j in range(num_classes - 1):
            low = thresholds[j - 1] if j > 0 else -0.5
            high = thresholds[j + 1] if j < num_classes - 2 else num_classes - 0.5
            allowed = candidates[(candidates >= low) & (candidates <= high)]
            if len(allowed) > max_candidates:
                picks = np.linspace(0, len(allowed) - 1, max_candidates)
                allowed = allowed[np.unique(np.round(picks).astype(np.int64))]
            current = thresholds[j]
            # Nearest candidates first: among equal scores the smallest move wins.
            for value in allowed[np.argsort(np.abs(allowed - current), kind="stable")]:
                if value == current:
                    continue
                trial = thresholds.copy()
                trial[j] = value
                score = evaluate(trial)
                if score > best:
                    best, thresholds, moved = score, trial, True
        if not moved:
            break
    return thresholds, best
