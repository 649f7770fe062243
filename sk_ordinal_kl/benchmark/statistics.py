"""Statistics of the benchmark: per-split metrics, t-intervals, Wilcoxon tests, W/T/L.

Definitions (also in ``docs/benchmark.md``):

* **CI** — 95% Student-t interval of the mean over holdouts,
  ``mean ± t_{0.975, n-1} · sd / sqrt(n)`` (undefined for ``n < 2``).
* **Wilcoxon** — two-sided paired signed-rank test on the per-holdout MSE-index of
  two methods (``scipy.stats.wilcoxon``, zero differences dropped). When every
  difference is zero the test is undefined; we report ``p = 1.0`` with the note
  ``"all differences zero"``.
* **win / tie / loss** of method A against B on a dataset — *win*: A's mean MSE-index
  is lower and ``p < 0.05``; *loss*: A's mean is higher and ``p < 0.05``; *tie*:
  otherwise (including ``p >= 0.05`` and all-zero differences).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..labels import labels_to_indices
from ..metrics import (
    amae,
    mae_class_index,
    mse_class_index,
    off_by_one_accuracy,
    quadratic_weighted_kappa,
)

__all__ = [
    "METRICS",
    "ci_table",
    "paired_tests",
    "score_split",
    "t_interval",
    "win_tie_loss",
]

#: Metric name -> (display name, lower is better).
METRICS: dict[str, tuple[str, bool]] = {
    "mse": ("MSE-index", True),
    "mae": ("MAE-index", True),
    "qwk": ("QWK", False),
    "one_off": ("1-off acc", False),
    "accuracy": ("accuracy", False),
    "amae": ("AMAE", True),
}
SIGNIFICANCE_LEVEL = 0.05


def score_split(y_true, y_pred, classes) -> dict[str, float]:
    """All benchmark metrics of one test split.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    classes : array-like of shape (K,)
        All labels in ordinal order.

    Returns
    -------
    scores : dict
        One float per key of :data:`METRICS`.
    """
    true_idx = labels_to_indices(y_true, classes, name="y_true")
    pred_idx = labels_to_indices(y_pred, classes, name="y_pred")
    return {
        "mse": mse_class_index(true_idx, pred_idx),
        "mae": mae_class_index(true_idx, pred_idx),
        "qwk": quadratic_weighted_kappa(true_idx, pred_idx, n_classes=len(classes)),
        "one_off": off_by_one_accuracy(true_idx, pred_idx),
        "accuracy": float(np.mean(true_idx == pred_idx)),
        "amae": amae(true_idx, pred_idx),
    }


def t_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float]:
    """Mean and half-width of the Student-t confidence interval of the mean.

    Parameters
    ----------
    values : sequence of float
        One value per holdout.
    level : float, default=0.95
        Confidence level.

    Returns
    -------
    mean, half_width : float
        ``half_width`` is NaN for fewer than 2 values, 0 when they are all equal.
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if n == 0:
        return math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan
    sd = float(x.std(ddof=1))
    return mean, float(stats.t.ppf(0.5 + level / 2, n - 1) * sd / math.sqrt(n))


def ci_table(results: pd.DataFrame, metrics: Sequence[str] = tuple(METRICS)) -> pd.DataFrame:
    """Per dataset × method: number of holdouts, mean and 95% CI of each metric.

    Parameters
    ----------
    results : DataFrame
        Per-split rows with columns ``dataset``, ``method``, ``holdout`` and the metrics.
    metrics : sequence of str
        Metric columns to summarise.

    Returns
    -------
    summary : DataFrame
        Columns ``dataset, method, n_holdouts`` and ``<m>_mean, <m>_ci_low, <m>_ci_high,
        <m>_ci_half`` per metric, in the order rows first appear in ``results``.
    """
    rows = []
    for (dataset, method), group in results.groupby(["dataset", "method"], sort=False):
        row: dict[str, object] = {
            "dataset": dataset,
            "method": method,
            "n_holdouts": len(group),
        }
        for metric in metrics:
            mean, half = t_interval(group[metric])
            row.update(
                {
                    f"{metric}_mean": mean,
                    f"{metric}_ci_low": mean - half,
                    f"{metric}_ci_high": mean + half,
                    f"{metric}_ci_half": half,
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


def wilcoxon_p(diff: Sequence[float]) -> tuple[float, str]:
    """Two-sided Wilcoxon signed-rank p-value of paired differences.

    Parameters
    ----------
    diff : sequence of float
        Paired differences (one per holdout).

    Returns
    -------
    p_value : float
        In ``[0, 1]``; 1.0 when every difference is zero (test undefined).
    note : str
        ``""`` or why the p-value is a convention rather than a test result.
    """
    d = np.asarray(diff, dtype=np.float64)
    if d.size == 0:
        return 1.0, "no paired holdouts"
    if np.all(d == 0):
        return 1.0, "all differences zero"
    p = float(stats.wilcoxon(d, zero_method="wilcox", alternative="two-sided").pvalue)
    if not math.isfinite(p):
        return 1.0, "test undefined"
    return min(max(p, 0.0), 1.0), ""


def _outcome(mean_a: float, mean_b: float, p: float) -> str:
    if p < SIGNIFICANCE_LEVEL and mean_a < mean_b:
        return "win"
    if p < SIGNIFICANCE_LEVEL and mean_a > mean_b:
        return "loss"
    return "tie"


def paired_tests(
    results: pd.DataFrame, references: Sequence[str], metric: str = "mse"
) -> pd.DataFrame:
    """Wilcoxon test of each reference method against every other method, per dataset.

    Parameters
    ----------
    results : DataFrame
        Per-split rows (``dataset, method, holdout`` and ``metric``).
    references : sequence of str
        Methods tested against all others (e.g. ``["ce_kl", "ce_kl_rule"]``).
    metric : str, default="mse"
        Lower-is-better metric compared.

    Returns
    -------
    tests : DataFrame
        One row per (dataset, method, opponent) with both means, the number of paired
        holdouts, the p-value, a note and the outcome (win/tie/loss for ``method``).
    """
    rows = []
    methods = list(pd.unique(results["method"]))
    for dataset, data in results.groupby("dataset", sort=False):
        wide = data.pivot_table(index="holdout", columns="method", values=metric)
        for ref in references:
            if ref not in wide:
                continue
            for opponent in methods:
                if opponent == ref or opponent not in wide:
                    continue
                pair = wide[[ref, opponent]].dropna()
                p, note = wilcoxon_p(pair[ref] - pair[opponent])
                mean_a, mean_b = float(pair[ref].mean()), float(pair[opponent].mean())
                rows.append(
                    {
                        "dataset": dataset,
                        "method": ref,
                        "opponent": opponent,
                        "n_pairs": len(pair),
                        f"{metric}_method": mean_a,
                        f"{metric}_opponent": mean_b,
                        "p_value": p,
                        "note": note,
                        "outcome": _outcome(mean_a, mean_b, p),
                    }
                )
    return pd.DataFrame(rows)


def win_tie_loss(tests: pd.DataFrame) -> pd.DataFrame:
    """Count wins, ties and losses over datasets for each (method, opponent) pair.

    Parameters
    ----------
    tests : DataFrame
        Output of :func:`paired_tests`.

    Returns
    -------
    wtl : DataFrame
        Columns ``method, opponent, wins, ties, losses, n_datasets``.
    """
    rows = []
    for (method, opponent), group in tests.groupby(["method", "opponent"], sort=False):
        counts = group["outcome"].value_counts()
        rows.append(
            {
                "method": method,
                "opponent": opponent,
                "wins": int(counts.get("win", 0)),
                "ties": int(counts.get("tie", 0)),
                "losses": int(counts.get("loss", 0)),
                "n_datasets": len(group),
            }
        )
    return pd.DataFrame(rows)
