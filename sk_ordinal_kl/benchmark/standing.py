"""Where this package stands: our best configuration against the best peer, per dataset.

For every block (dataset, training size) the *standing table* sets the method of this
package with the lowest mean MSE on the class index (any backbone, head, loss or rule)
against the peer with the lowest mean MSE (any method of another package or a plain
baseline), with

* ``ratio`` — our mean MSE divided by the peer's (below 1: we are better), both floored
  at the resolution of the test parts: one off-by-one error among all the paired test
  rows, ``1 / n_test``. A perfect score on a few hundred test rows is then "at most
  one error in ``n_test``", not infinitely better than one error;
* the paired two-sided Wilcoxon test of the two on the same holdouts, and its outcome
  (win / tie / loss for us, as in :func:`~sk_ordinal_kl.benchmark.statistics.paired_tests`);

and, over all blocks, the geometric mean of the ratios. Both sides are picked by their
test means, with the same selection on each side, so the table answers "how close is
the best thing we have to the best thing a practitioner could use instead", not "what
does one fixed configuration achieve".
"""

from __future__ import annotations

import math
from collections.abc import Collection

import numpy as np
import pandas as pd

from .._markdown import markdown_table
from .statistics import BLOCK, SIGNIFICANCE_LEVEL, _outcome, wilcoxon_p

__all__ = ["geometric_mean_ratio", "mse_ratio", "standing_markdown", "standing_table"]


def mse_ratio(ours: float, peer: float, floor: float = 0.0) -> float:
    """``(ours + floor) / (peer + floor)``, with 0/0 read as a tie (1.0) and x/0 as ``inf``.

    Parameters
    ----------
    ours, peer : float
        Mean MSEs (>= 0).
    floor : float, default=0.0
        Added to both: the smallest error the test rows can tell from none.

    Examples
    --------
    >>> mse_ratio(0.3, 0.2), mse_ratio(0.0, 0.0), mse_ratio(0.1, 0.0)
    (1.4999999999999998, 1.0, inf)
    >>> mse_ratio(0.0, 0.01, floor=0.01)
    0.5
    """
    ours, peer = ours + floor, peer + floor
    if peer == 0:
        return 1.0 if ours == 0 else math.inf
    return ours / peer


def _best(means: pd.Series, methods: Collection[str]) -> str | None:
    """The method of ``methods`` with the lowest mean (the first in table order on a tie)."""
    candidates = means[means.index.isin(list(methods))]
    return None if candidates.empty else str(candidates.idxmin())


def _resolution(data: pd.DataFrame, holdouts: pd.Index) -> float:
    """``1 / n``, ``n`` the test rows of the paired holdouts (0 when unknown)."""
    if "n_test" not in data:
        return 0.0
    rows = data[data["holdout"].isin(holdouts)].groupby("holdout")["n_test"].first()
    return 1.0 / float(rows.sum()) if rows.sum() > 0 else 0.0


def standing_table(
    results: pd.DataFrame, ours: Collection[str], metric: str = "mse"
) -> pd.DataFrame:
    """Our best method against the best peer in every (dataset, size) block.

    Parameters
    ----------
    results : DataFrame
        Per-split rows (``dataset, size, method, holdout`` and ``metric``).
    ours : collection of str
        The methods of this package; every other method is a peer.
    metric : str, default="mse"
        Lower-is-better metric compared.

    Returns
    -------
    table : DataFrame
        One row per block that has both sides: ``dataset, size, ours, ours_<metric>,
        peer, peer_<metric>, ratio, n_pairs, p_value, outcome``. Means are over the
        holdouts both methods ran (paired by holdout index); the ratio floors both at
        one off-by-one error among their test rows (``n_test``, when the results have
        it).

    Examples
    --------
    >>> rows = [("d", "all", m, h, v) for m, vals in
    ...         {"a": [1, 2, 3], "b": [2, 2, 4], "p": [1, 1, 1]}.items()
    ...         for h, v in enumerate(vals)]
    >>> results = pd.DataFrame(rows, columns=["dataset", "size", "method", "holdout", "mse"])
    >>> standing_table(results, ours={"a", "b"})[["ours", "peer", "ratio"]].iloc[0].tolist()
    ['a', 'p', 2.0]
    """
    rows = []
    for (dataset, size), data in results.groupby(BLOCK, sort=False):
        wide = data.pivot_table(index="holdout", columns="method", values=metric)
        means = wide.mean()[list(pd.unique(data["method"]))]  # table (registry) order
        mine = _best(means, ours)
        peer = _best(means, [m for m in means.index if m not in set(ours)])
        if mine is None or peer is None:
            continue
        pair = wide[[mine, peer]].dropna()
        p, _ = wilcoxon_p(pair[mine] - pair[peer])
        ours_mean, peer_mean = float(pair[mine].mean()), float(pair[peer].mean())
        floor = _resolution(data, pair.index)
        rows.append(
            {
                "dataset": dataset,
                "size": size,
                "ours": mine,
                f"ours_{metric}": ours_mean,
                "peer": peer,
                f"peer_{metric}": peer_mean,
                "ratio": mse_ratio(ours_mean, peer_mean, floor),
                "n_pairs": len(pair),
                "p_value": p,
                "outcome": _outcome(ours_mean, peer_mean, p),
            }
        )
    return pd.DataFrame(rows)


def geometric_mean_ratio(table: pd.DataFrame) -> float:
    """Geometric mean of the ``ratio`` column (``inf`` if any ratio is; NaN if empty).

    Examples
    --------
    >>> geometric_mean_ratio(pd.DataFrame({"ratio": [0.5, 2.0, 1.0]}))
    1.0
    """
    ratios = table["ratio"].to_numpy(dtype=np.float64)
    if ratios.size == 0:
        return math.nan
    if np.isinf(ratios).any():
        return math.inf
    return float(np.exp(np.log(ratios).mean()))


def _ratio_text(ratio: float) -> str:
    return "inf" if math.isinf(ratio) else f"{ratio:.2f}"


def standing_markdown(table: pd.DataFrame, metric: str = "mse") -> str:
    """The standing table as Markdown, with its geometric-mean line.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`standing_table`.
    metric : str, default="mse"
        The metric the table compares.

    Returns
    -------
    text : str
        A Markdown table, then the geometric mean of the ratios and the W/T/L count.
    """
    if table.empty:
        return "No block has both a method of this package and a peer.\n"
    sized = table["size"].nunique() > 1 or set(table["size"]) != {"all"}
    lines = [
        [
            f"{row.dataset} ({row.size})" if sized else row.dataset,
            f"`{row.ours}`",
            f"{getattr(row, f'ours_{metric}'):.4g}",
            f"`{row.peer}`",
            f"{getattr(row, f'peer_{metric}'):.4g}",
            _ratio_text(row.ratio),
            f"{row.p_value:.3g}",
            {"win": "W", "tie": "T", "loss": "L"}[row.outcome],
        ]
        for row in table.itertuples(index=False)
    ]
    header = ["dataset", "ours (best)", "MSE", "best peer", "MSE", "ratio", "p", "W/T/L"]
    counts = table["outcome"].value_counts()
    worst = table.loc[table["ratio"].idxmax()]
    return (
        markdown_table(header, lines)
        + f"\n\nGeometric mean of the ratios over {len(table)} "
        + ("dataset: " if len(table) == 1 else "datasets: ")
        + f"**{_ratio_text(geometric_mean_ratio(table))}**"
        + " (our best / best peer, MSE on the class index; below 1 favours this package). "
        + f"Paired Wilcoxon at {SIGNIFICANCE_LEVEL}: {int(counts.get('win', 0))} wins, "
        + f"{int(counts.get('tie', 0))} ties, {int(counts.get('loss', 0))} losses. "
        + f"Largest ratio: {worst.dataset} ({_ratio_text(worst.ratio)}).\n"
    )
