"""Fitting ``K - 1`` ordered cut points on a per-sample score to a metric, and scoring
them on samples they were not fitted on (cross-fitting)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["cross_fit_partitions", "cross_fitted_index", "fit_thresholds"]

# Largest number of candidate positions tried per cut point and sweep of the coordinate
# descent; beyond it the candidates are evenly spaced quantiles of the midpoints. A
# scorer other than the package's own class-index scorers goes through its full
# scorer(estimator, X, y) call per candidate, hence fewer candidates.
_MAX_CUT_CANDIDATES = 256
_MAX_CUT_CANDIDATES_GENERIC_SCORER = 64
_MAX_SWEEPS = 20
# Folds of the interleaved split used to cross-fit the cut points when the samples do not
# come with folds of their own (a single validation split, a prefitted estimator).
_CROSS_FIT_FOLDS = 5
# Partitions whose cross-fitted scores are averaged: one partition's score moves with
# where it happens to cut (on the reference datasets, averaging 5 picked the cut points
# less often where they lose on unseen data and more often where they win).
_CROSS_FIT_REPEATS = 5
# A scorer other than the class-index scorers costs a full scorer call per candidate
# (about 1,000 times more): one partition, the cross-validation folds.
_CROSS_FIT_REPEATS_GENERIC_SCORER = 1


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


def cross_fit_partitions(
    fold_of: np.ndarray,
    strata: np.ndarray,
    score_index: np.ndarray,
    groups: np.ndarray | None = None,
    *,
    n_folds: int = _CROSS_FIT_FOLDS,
    n_repeats: int = _CROSS_FIT_REPEATS,
    seed: int = 0,
) -> list[np.ndarray]:
    """Partitions of the samples into folds for cross-fitting cut points.

    The first partition is the cross-validation folds ``fold_of`` (the fold whose model
    predicted each sample) when there are at least two: cut points fitted on some folds'
    predictions and scored on another's then meet predictions of a model they were not
    fitted on, as on new data. Otherwise (a single validation split, a prefitted
    estimator) it is an interleaved split: samples sorted by ``strata`` and then
    ``score_index`` are dealt out to ``n_folds`` folds in turn, so every fold spans every
    stratum and the whole range of the score. The other ``n_repeats - 1`` partitions
    deal the samples out the same way in a seeded random order within each stratum:
    a score averaged over several partitions depends less on where one partition
    happens to cut. With ``groups``, whole groups are dealt out instead, so that no
    group is on both sides.

    Parameters
    ----------
    fold_of : ndarray of shape (n_samples,)
        Cross-validation fold of each sample.
    strata : ndarray of shape (n_samples,)
        Stratum of each sample, e.g. its true class index.
    score_index : ndarray of shape (n_samples,)
        The quantity the cut points cut.
    groups : ndarray of shape (n_samples,), default=None
        Group labels that must not be split across folds.
    n_folds : int, default=5
        Number of folds of the dealt partitions (fewer when there are fewer samples or
        groups).
    n_repeats : int, default=5
        Number of partitions.
    seed : int, default=0
        Seed of the random orders, so that the partitions are reproducible.

    Returns
    -------
    partitions : list of ndarray of shape (n_samples,), int64
        ``n_repeats`` arrays of fold labels, each with at least two distinct folds.

    Raises
    ------
    ValueError
        When fewer than two samples (or groups) leave nothing to score out of sample.

    Examples
    --------
    >>> strata = np.array([0, 0, 0, 1, 1, 1])
    >>> first = cross_fit_partitions(np.zeros(6), strata, np.arange(6.0), n_folds=3)[0]
    >>> first.tolist()
    [0, 1, 2, 0, 1, 2]
    """
    fold_of = np.asarray(fold_of)
    rng = np.random.default_rng(seed)
    if groups is not None:
        names, members = np.unique(np.asarray(groups), return_inverse=True)
        n_units, unit_of = len(names), members
        # A group's stratum and score: those of its first sample (deal order only).
        first = np.unique(members, return_index=True)[1]
        unit_strata, unit_score = np.asarray(strata)[first], np.asarray(score_index)[first]
    else:
        n_units, unit_of = len(fold_of), np.arange(len(fold_of))
        unit_strata, unit_score = np.asarray(strata), np.asarray(score_index)
    n_folds = min(n_folds, n_units)
    if n_folds < 2:
        raise ValueError(
            "scoring the cut points out of sample needs at least 2 samples (or groups) to "
            f'cross-fit them, got {n_units}; drop "thresholds" from decisions.'
        )

    def deal(tiebreak: np.ndarray) -> np.ndarray:
        order = np.lexsort((tiebreak, unit_strata))
        unit_fold = np.empty(n_units, dtype=np.int64)
        unit_fold[order] = np.arange(n_units) % n_folds
        return unit_fold[unit_of]

    if len(np.unique(fold_of)) >= 2:
        first_partition = np.unique(fold_of, return_inverse=True)[1].astype(np.int64)
    else:
        first_partition = deal(unit_score)
    others = [deal(rng.random(n_units)) for _ in range(n_repeats - 1)]
    return [first_partition, *others]


def cross_fitted_index(
    score_index: np.ndarray,
    num_classes: int,
    score_on: Callable[[np.ndarray], Callable[[np.ndarray], float]],
    folds: np.ndarray,
    *,
    max_candidates: int = _MAX_CUT_CANDIDATES,
) -> np.ndarray:
    """Each sample's class index under cut points fitted without its fold.

    For every fold, :func:`fit_thresholds` fits cut points on the samples of the other
    folds and applies them to the fold's samples. Scoring the result measures the cut
    points out of sample: fitted and scored on the same samples, they never score below
    the rounding cut points they start from, however little they generalise.

    Parameters
    ----------
    score_index : ndarray of shape (n_samples,)
        The quantity to cut, e.g. :func:`expected_index` of out-of-fold probabilities.
    num_classes : int
        Number of classes ``K``.
    score_on : callable
        ``score_on(rows)`` returns ``score_fn(index) -> float`` scoring predicted
        indices of the samples ``rows`` (an integer array); greater is better.
    folds : ndarray of shape (n_samples,)
        Fold of each sample (:func:`cross_fit_partitions`), at least two distinct ones.
    max_candidates : int, default=256
        Passed to :func:`fit_thresholds`.

    Returns
    -------
    index : ndarray of shape (n_samples,), int64
        Predicted class index of each sample by cut points fitted on the other folds.

    Examples
    --------
    >>> s = np.array([0.1, 0.9, 0.2, 0.8])
    >>> y = np.array([0, 1, 0, 1])
    >>> def score_on(rows):
    ...     return lambda index: -float(np.abs(index - y[rows]).sum())
    >>> cross_fitted_index(s, 2, score_on, np.array([0, 0, 1, 1])).tolist()
    [0, 1, 0, 1]
    """
    values = np.asarray(score_index, dtype=np.float64)
    folds = np.asarray(folds)
    if folds.shape != values.shape or len(np.unique(folds)) < 2:
        raise ValueError(
            f"folds must give each of the {len(values)} samples a fold, with at least 2 "
            f"distinct folds; got shape {folds.shape} and {len(np.unique(folds))} fold(s)."
        )
    index = np.empty(len(values), dtype=np.int64)
    for fold in np.unique(folds):
        held = np.flatnonzero(folds == fold)
        rest = np.flatnonzero(folds != fold)
        cuts, _ = fit_thresholds(
            values[rest], num_classes, score_on(rest), max_candidates=max_candidates
        )
        index[held] = np.searchsorted(cuts, values[held], side="right")
    return index
