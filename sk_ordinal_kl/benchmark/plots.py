"""Plots of the benchmark (matplotlib, Agg backend): CI plot, α × σ heatmap, learning
curves and the critical-difference diagram."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["plot_ci", "plot_critical_difference", "plot_learning_curves", "plot_search_heatmap"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


#: Metrics that cannot be negative: their interval is drawn from 0 at the lowest.
_ERROR_METRICS = frozenset({"mse", "mae", "amae", "rps"})


def _error_bounds(metric: str, mean: np.ndarray, half: np.ndarray):
    """Lower and upper ends of the drawn interval; a t-interval of an error metric can
    reach below zero, which no error can, so the drawing stops at 0."""
    low = mean - half
    if metric in _ERROR_METRICS:
        low = np.maximum(low, 0.0)
    return low, mean + half


def plot_ci(summary: pd.DataFrame, path: Path, metric: str = "mse") -> Path:
    """One panel per dataset: each method's mean ``metric`` with its 95% CI.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`~sk_ordinal_kl.benchmark.statistics.ci_table`.
    path : Path
        PNG file to write.
    metric : str, default="mse"
        Metric to plot.

    Returns
    -------
    path : Path
        The file written.
    """
    plt = _pyplot()
    summary = summary.assign(
        panel=[
            d if s == "all" else f"{d}, n={s}"
            for d, s in zip(summary["dataset"], summary["size"], strict=True)
        ]
    )
    datasets = list(pd.unique(summary["panel"]))
    ncols = min(5, len(datasets))
    nrows = math.ceil(len(datasets) / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(3.2 * ncols, 0.35 * summary["method"].nunique() * nrows + 1.5),
        squeeze=False,
        sharey=True,
    )
    for ax, dataset in zip(axes.ravel(), datasets, strict=False):
        data = summary[summary["panel"] == dataset]
        y = np.arange(len(data))
        mean = data[f"{metric}_mean"].to_numpy()
        low, high = _error_bounds(metric, mean, data[f"{metric}_ci_half"].fillna(0.0).to_numpy())
        ax.errorbar(mean, y, xerr=[mean - low, high - mean], fmt="o", capsize=3)
        ax.set_yticks(y, data["method"])
        ax.set_title(f"{dataset} (n={int(data['n_holdouts'].max())})", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    axes[0, 0].invert_yaxis()  # shared y: first method on top in every panel
    for ax in axes.ravel()[len(datasets) :]:
        ax.set_visible(False)
    fig.supxlabel(f"test {metric.upper()} on class index (mean, 95% t-CI over holdouts)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_search_heatmap(search: pd.DataFrame, dataset: str, path: Path, rule: str = "argmax"):
    """Heatmap of the inner search's mean CV MSE over ``alpha × sigma`` for one dataset.

    Parameters
    ----------
    search : DataFrame
        Inner-search rows ``dataset, size, holdout, search, alpha, sigma, rule, cv_mse``;
        the ``ce_kl`` search at the full training size is shown.
    dataset : str
        Dataset to show; scores are averaged over its holdouts.
    path : Path
        PNG file to write.
    rule : str, default="argmax"
        Decision rule whose CV score is shown.

    Returns
    -------
    path : Path or None
        The file written, or None when ``search`` has no rows for ``dataset``.
    """
    data = search[
        (search["dataset"] == dataset)
        & (search["rule"] == rule)
        & (search["search"] == "ce_kl")
        & (search["size"] == "all")
    ]
    if data.empty:
        return None
    grid = data.pivot_table(index="alpha", columns="sigma", values="cv_mse", aggfunc="mean")
    n_holdouts = data["holdout"].nunique()
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(1.2 * grid.shape[1] + 2.5, 1.0 * grid.shape[0] + 1.5))
    image = ax.imshow(grid.to_numpy(), cmap="viridis_r", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [f"{s:g}" for s in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{a:g}" for a in grid.index])
    ax.set_xlabel("sigma")
    ax.set_ylabel("alpha")
    values = grid.to_numpy()
    middle = (np.nanmin(values) + np.nanmax(values)) / 2
    for (i, j), value in np.ndenumerate(values):
        color = "k" if value <= middle else "w"  # viridis_r: low = bright, high = dark
        ax.text(j, i, f"{value:.3f}", ha="center", va="center", color=color, fontsize=9)
    fig.colorbar(image, ax=ax, label="inner-CV MSE-index (lower is better)")
    ax.set_title(
        f"{dataset}: inner-CV MSE, rule={rule}\nmean over {n_holdouts} holdouts", fontsize=9
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_learning_curves(summary: pd.DataFrame, path: Path, metric: str = "mse") -> Path | None:
    """One panel per dataset: mean test ``metric`` against training size, with 95% CIs.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`~sk_ordinal_kl.benchmark.statistics.ci_table` with at least two
        sizes of some dataset.
    path : Path
        PNG file to write.
    metric : str, default="mse"
        Metric to plot.

    Returns
    -------
    path : Path or None
        The file written, or None when no dataset has two sizes.
    """
    sizes = summary.groupby("dataset")["n_train"].nunique()
    datasets = [d for d in pd.unique(summary["dataset"]) if sizes[d] > 1]
    if not datasets:
        return None
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.2 * len(datasets), 3.6), squeeze=False)
    for ax, dataset in zip(axes.ravel(), datasets, strict=True):
        data = summary[summary["dataset"] == dataset]
        for method, curve in data.groupby("method", sort=False):
            curve = curve.sort_values("n_train")
            mean = curve[f"{metric}_mean"].to_numpy()
            half = curve[f"{metric}_ci_half"].fillna(0.0).to_numpy()
            low, high = _error_bounds(metric, mean, half)
            (line,) = ax.plot(curve["n_train"], mean, marker="o", label=method)
            ax.fill_between(curve["n_train"], low, high, alpha=0.15, color=line.get_color())
        ax.set_xscale("log")
        # Ticks at the sizes run, written out (not "3×10²").
        sizes_run = np.sort(data["n_train"].unique())
        ax.set_xticks(sizes_run, [str(int(n)) for n in sizes_run])
        ax.minorticks_off()
        ax.set_title(dataset, fontsize=10)
        ax.set_xlabel("training rows")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel(f"test {metric.upper()} on class index")
    axes[0, -1].legend(fontsize=8)
    fig.suptitle("Learning curves: mean and 95% t-CI over holdouts", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _critical_difference_diagram(ranks, nemenyi, ax) -> None:
    # scikit-posthocs stacks the bars in the order of Python sets of the methods' names,
    # and a string's hash changes from one process to the next: the same results would
    # give a different picture each time. Integer labels hash the same in every process;
    # the names go back onto the labels after drawing.
    import scikit_posthocs

    names = list(ranks.index)
    position = {name: i for i, name in enumerate(names)}
    drawn = scikit_posthocs.critical_difference_diagram(
        ranks.rename(index=position),
        nemenyi.rename(index=position, columns=position),
        ax=ax,
        label_fmt_left="{label}",
        label_fmt_right="{label}",
    )
    for text in drawn["labels"]:
        i = int(text.get_text())
        left = text.get_horizontalalignment() == "right"
        fmt = "{label} ({rank:.2g})" if left else "({rank:.2g}) {label}"
        text.set_text(fmt.format(label=names[i], rank=ranks.iloc[i]))


def plot_critical_difference(friedman, path: Path, size: str = "all") -> Path:
    """Critical-difference diagram of a Friedman/Nemenyi result (scikit-posthocs).

    Parameters
    ----------
    friedman : FriedmanResult
        Output of :func:`~sk_ordinal_kl.benchmark.statistics.friedman_test`.
    path : Path
        PNG file to write.
    size : str, default="all"
        Training size of the test (shown in the title).

    Returns
    -------
    path : Path
        The file written.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(friedman.ranks) + 1.6))
    _critical_difference_diagram(friedman.ranks, friedman.nemenyi, ax)
    ax.set_title(
        f"Mean rank of MSE-index over {friedman.n_blocks} datasets"
        f"{'' if size == 'all' else f' at {size} training rows'} (1 = best); bars join "
        f"methods the Nemenyi test does not separate (p >= 0.05)\nFriedman p = "
        f"{friedman.p_value:.2g}, CD = {friedman.critical_difference:.2f}",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
