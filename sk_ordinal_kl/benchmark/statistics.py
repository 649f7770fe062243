"""Statistics of the benchmark: per-split metrics, t-intervals, Wilcoxon tests, W/T/L,
and the Friedman test with the Nemenyi post-hoc test across datasets.

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
* **Friedman** — methods ranked by mean MSE-index within each dataset (1 = lowest MSE,
  ties share the average rank), the Friedman chi-square
  test that all mean ranks are equal (``scipy.stats.friedmanchisquare``), and the
  Nemenyi post-hoc test of every pair (``scikit_posthocs.posthoc_nemenyi_friedman``),
  whose critical difference is ``CD = q_0.05(k) · sqrt(k (k + 1) / (6 N))`` for ``k``
  methods on ``N`` blocks (Demšar, 2006). scikit-posthocs is a maintained library for
  exactly these tests and draws the critical-difference diagram; we only arrange the
  table it reads.

Paired tests and CIs are per (dataset, size): ``size`` is ``"all"`` or the training-set
size of a learning-curve point. The Friedman test runs once per size with the datasets as
blocks: the points of one learning curve share their test parts and nest their training
parts, so pooling them as blocks would count the same evidence several times.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

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
    "BLOCK",
    "METRICS",
    "FriedmanResult",
    "ci_table",
    "friedman_by_size",
    "friedman_test",
    "hindsight_tests",
    "mean_ranks",
    "paired_tests",
    "score_split",
    "t_interval",
    "win_tie_loss",
]

#: Columns that identify a block of paired results: one dataset at one training size.
BLOCK = ["dataset", "size"]

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
        Per-split rows with columns ``dataset``, ``size``, ``method``, ``holdout``,
        ``n_train`` and the metrics.
    metrics : sequence of str
        Metric columns to summarise.

    Returns
    -------
    summary : DataFrame
        Columns ``dataset, size, method, n_holdouts, n_train`` (mean training rows),
        ``fit_seconds`` (median refit time, when ``results`` has it) and
        ``<m>_mean, <m>_ci_low, <m>_ci_high, <m>_ci_half`` per metric, in the order rows
        first appear in ``results``.
    """
    rows = []
    for (dataset, size, method), group in results.groupby([*BLOCK, "method"], sort=False):
        row: dict[str, object] = {
            "dataset": dataset,
            "size": size,
            "method": method,
            "n_holdouts": len(group),
            "n_train": float(group["n_train"].mean()),
        }
        if "fit_seconds" in group:
            row["fit_seconds"] = float(group["fit_seconds"].median())
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
        Per-split rows (``dataset, size, method, holdout`` and ``metric``).
    references : sequence of str
        Methods tested against all others (e.g. ``["ce_kl", "ce_kl_rule"]``).
    metric : str, default="mse"
        Lower-is-better metric compared.

    Returns
    -------
    tests : DataFrame
        One row per (dataset, size, method, opponent) with both means, the number of
        paired holdouts, the p-value, a note and the outcome (win/tie/loss for
        ``method``). Holdouts are paired by their index, never by row order.
    """
    rows = []
    methods = list(pd.unique(results["method"]))
    for (dataset, size), data in results.groupby(BLOCK, sort=False):
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
                        "size": size,
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
    """Count wins, ties and losses over blocks for each (method, opponent) pair.

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


def mean_ranks(table: pd.DataFrame) -> pd.DataFrame:
    """Rank methods within each block (row) of a block x method table of MSE.

    Parameters
    ----------
    table : DataFrame
        One row per block, one column per method, lower is better; no missing values.

    Returns
    -------
    ranks : DataFrame
        Same shape: 1 for the lowest value of each row, ties share the average rank.

    Examples
    --------
    >>> mean_ranks(pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 2.0]})).to_numpy().tolist()
    [[1.0, 2.0], [1.5, 1.5]]
    """
    return table.rank(axis=1, method="average", ascending=True)


@dataclass
class FriedmanResult:
    """Friedman test over blocks and its Nemenyi post-hoc test.

    Attributes
    ----------
    table : DataFrame
        Dataset x method mean MSE-index (methods with a result on every dataset).
    ranks : Series
        Mean rank per method, best (lowest) first.
    statistic, p_value : float
        Friedman chi-square statistic and its p-value.
    nemenyi : DataFrame
        Method x method Nemenyi p-values.
    critical_difference : float
        Nemenyi critical difference of mean ranks at the 0.05 level.
    dropped : list
        Methods left out because they lack a result on some dataset.
    """

    table: pd.DataFrame
    ranks: pd.Series
    statistic: float
    p_value: float
    nemenyi: pd.DataFrame
    critical_difference: float
    dropped: list

    @property
    def n_blocks(self) -> int:
        """Number of blocks (datasets) in the test."""
        return len(self.table)


def _block_table(results: pd.DataFrame, metric: str) -> tuple[pd.DataFrame, list]:
    """Dataset x method means; methods missing a dataset are dropped (listed)."""
    table = results.pivot_table(index="dataset", columns="method", values=metric, aggfunc="mean")
    order = [m for m in pd.unique(results["method"]) if m in table.columns]
    table = table[order]
    complete = table.notna().all(axis=0)
    dropped = [m for m in order if not complete[m]]
    return table.loc[:, complete], dropped


def critical_difference(n_methods: int, n_blocks: int, alpha: float = SIGNIFICANCE_LEVEL) -> float:
    """Nemenyi critical difference of mean ranks (Demšar, 2006, eq. 4).

    Parameters
    ----------
    n_methods, n_blocks : int
        ``k`` methods compared on ``N`` blocks.
    alpha : float, default=0.05
        Level of the test.

    Returns
    -------
    cd : float
        ``q_alpha · sqrt(k (k + 1) / (6 N))`` with ``q_alpha`` the studentized range
        quantile divided by ``sqrt(2)``.

    Examples
    --------
    >>> round(critical_difference(4, 14), 3)  # Demšar's worked example: q = 2.569
    1.254
    """
    q = stats.studentized_range.ppf(1 - alpha, n_methods, np.inf) / math.sqrt(2)
    return float(q * math.sqrt(n_methods * (n_methods + 1) / (6.0 * n_blocks)))


def friedman_test(results: pd.DataFrame, metric: str = "mse") -> FriedmanResult | None:
    """Friedman test of equal mean ranks across datasets, with the Nemenyi post-hoc test.

    Parameters
    ----------
    results : DataFrame
        Per-split rows (``dataset, size, method, holdout`` and ``metric``) of one
        training size (see :func:`friedman_by_size` for several).
    metric : str, default="mse"
        Lower-is-better metric ranked.

    Returns
    -------
    result : FriedmanResult or None
        None when fewer than 3 methods or 2 datasets have complete results (the test
        needs both).

    Raises
    ------
    ValueError
        If ``results`` holds several training sizes.
    """
    import scikit_posthocs

    if "size" in results and results["size"].nunique() > 1:
        raise ValueError("one training size at a time: use friedman_by_size")
    table, dropped = _block_table(results, metric)
    if table.shape[1] < 3 or table.shape[0] < 2:
        return None
    ranks = mean_ranks(table).mean(axis=0).sort_values()
    statistic, p_value = stats.friedmanchisquare(*(table[m].to_numpy() for m in table))
    nemenyi = scikit_posthocs.posthoc_nemenyi_friedman(table.to_numpy())
    nemenyi.index = nemenyi.columns = list(table.columns)
    return FriedmanResult(
        table=table,
        ranks=ranks,
        statistic=float(statistic),
        p_value=float(p_value),
        nemenyi=nemenyi,
        critical_difference=critical_difference(table.shape[1], table.shape[0]),
        dropped=dropped,
    )


def friedman_by_size(
    results: pd.DataFrame, metric: str = "mse"
) -> dict[str, FriedmanResult | None]:
    """One Friedman test per training size (datasets as blocks).

    Parameters
    ----------
    results : DataFrame
        Per-split rows (``dataset, size, method, holdout`` and ``metric``).
    metric : str, default="mse"
        Lower-is-better metric ranked.

    Returns
    -------
    tests : dict
        Size -> :class:`FriedmanResult` (or None when the test cannot run), in the order
        the sizes first appear.
    """
    return {
        size: friedman_test(group, metric) for size, group in results.groupby("size", sort=False)
    }


def hindsight_tests(results: pd.DataFrame) -> pd.DataFrame:
    """Tuned decisions against the best fixed rule chosen with hindsight on the test part.

    For each method with per-rule test MSEs (column ``rule_mse``, JSON) and each block,
    the hindsight rule is the fixed rule with the lowest *mean test* MSE over holdouts —
    a choice no honest procedure can make. The tuned decision is compared with it
    holdout by holdout (paired Wilcoxon, same W/T/L rule as :func:`paired_tests`).

    Parameters
    ----------
    results : DataFrame
        Per-split rows with ``dataset, size, method, holdout, mse`` and ``rule_mse``.

    Returns
    -------
    tests : DataFrame
        One row per (dataset, size, method): the hindsight rule, both mean MSEs, the
        p-value and the outcome for the tuned decision.
    """
    columns = [
        "dataset",
        "size",
        "method",
        "hindsight_rule",
        "mse_tuned",
        "mse_hindsight",
        "n_pairs",
        "p_value",
        "note",
        "outcome",
    ]
    if "rule_mse" not in results:
        return pd.DataFrame(columns=columns)
    rows = []
    decided = results[results["rule_mse"].notna()]
    for (dataset, size, method), group in decided.groupby([*BLOCK, "method"], sort=False):
        per_rule = pd.DataFrame(
            [json.loads(text) for text in group["rule_mse"]], index=group["holdout"].to_numpy()
        )
        rule = per_rule.mean().idxmin()
        tuned = group.set_index("holdout")["mse"]
        p, note = wilcoxon_p(tuned - per_rule[rule].loc[tuned.index])
        mean_tuned, mean_rule = float(tuned.mean()), float(per_rule[rule].mean())
        rows.append(
            {
                "dataset": dataset,
                "size": size,
                "method": method,
                "hindsight_rule": rule,
                "mse_tuned": mean_tuned,
                "mse_hindsight": mean_rule,
                "n_pairs": len(tuned),
                "p_value": p,
                "note": note,
                "outcome": _outcome(mean_tuned, mean_rule, p),
            }
        )
    return pd.DataFrame(rows, columns=columns)
