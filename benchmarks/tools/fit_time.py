"""Fit time beside quality, from a finished benchmark run's ``results.csv``.

    python benchmarks/tools/fit_time.py RUN_FOLDER [--reference hgb_reg]

writes into the run folder ``fit_time.md`` (per dataset and method: mean test MSE on the
class index, its ratio to the reference method, and the median seconds of the final fit
on the whole training part) and ``fit_time.png`` (one panel per dataset: MSE ratio
against the median fit time, log scale). The fit time is that of the refit of the tuned
method alone, not of its inner search, measured while the run's other workers shared
the machine: compare methods within a run, not with timings from elsewhere.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from sk_ordinal_kl.benchmark.plots import _pyplot

__all__ = ["fit_time_table", "main", "plot_fit_time"]


def fit_time_table(results: pd.DataFrame, reference: str = "hgb_reg") -> pd.DataFrame:
    """Per (dataset, size, method): mean MSE, its ratio to ``reference``, median fit seconds.

    Parameters
    ----------
    results : DataFrame
        A run's ``results.csv`` (columns ``dataset``, ``size``, ``method``, ``mse``,
        ``fit_seconds``).
    reference : str, default="hgb_reg"
        Method whose mean MSE is the denominator of ``mse_ratio``.

    Returns
    -------
    table : DataFrame
        Columns ``dataset``, ``size``, ``method``, ``mse``, ``mse_ratio``, ``fit_seconds``.

    Examples
    --------
    >>> results = pd.DataFrame({"dataset": ["d"] * 4, "size": ["all"] * 4,
    ...     "method": ["a", "a", "b", "b"], "mse": [1.0, 3.0, 4.0, 4.0],
    ...     "fit_seconds": [1.0, 2.0, 5.0, 7.0]})
    >>> fit_time_table(results, reference="b")[["method", "mse_ratio", "fit_seconds"]]
      method  mse_ratio  fit_seconds
    0      a        0.5          1.5
    1      b        1.0          6.0
    """
    keys = ["dataset", "size", "method"]
    table = (
        results.groupby(keys, sort=False)
        .agg(mse=("mse", "mean"), fit_seconds=("fit_seconds", "median"))
        .reset_index()
    )
    reference_mse = table[table["method"] == reference].set_index(["dataset", "size"])["mse"]
    if reference_mse.empty:
        raise ValueError(f"the reference method {reference!r} is not in the results")
    denominators = table.set_index(["dataset", "size"]).index.map(reference_mse)
    table.insert(4, "mse_ratio", table["mse"].to_numpy() / denominators.to_numpy())
    return table


def plot_fit_time(table: pd.DataFrame, path: Path, reference: str = "hgb_reg") -> Path:
    """One panel per (dataset, size): MSE ratio to ``reference`` against median fit time."""
    plt = _pyplot()
    blocks = list(table.groupby(["dataset", "size"], sort=False))
    fig, axes = plt.subplots(1, len(blocks), figsize=(4.2 * len(blocks), 3.6), squeeze=False)
    for ax, ((dataset, size), block) in zip(axes[0], blocks, strict=True):
        for _, row in block.iterrows():
            ax.scatter(row["fit_seconds"], row["mse_ratio"])
            ax.annotate(row["method"], (row["fit_seconds"], row["mse_ratio"]), fontsize=8)
        ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(plt.NullFormatter())  # minor labels overlap
        ax.set_title(f"{dataset} (train={size})", fontsize=9)
        ax.set_xlabel("median fit time of the refit (s)")
        ax.set_ylabel(f"test MSE / {reference}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _markdown(table: pd.DataFrame, reference: str) -> str:
    lines = [
        "# Fit time beside quality",
        "",
        f"Mean test MSE on the class index, its ratio to `{reference}`, and the median wall "
        "time of the final fit (the tuned method refitted on the whole training part; "
        "not its inner search). Regenerate: `python benchmarks/tools/fit_time.py "
        "RUN_FOLDER`.",
        "",
        "| dataset | method | MSE-index | / " + reference + " | fit (s) |",
        "|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        lines.append(
            f"| {row['dataset']} (train={row['size']}) | {row['method']} | {row['mse']:.4g} "
            f"| {row['mse_ratio']:.3f} | {row['fit_seconds']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write ``fit_time.md`` and ``fit_time.png`` into a finished run's folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="folder of a finished benchmark run")
    parser.add_argument("--reference", default="hgb_reg", help="denominator of the ratio")
    args = parser.parse_args(argv)
    results_path = args.run / "results.csv"
    if not results_path.is_file():
        parser.exit(2, f"error: no results.csv in {args.run}\n")
    table = fit_time_table(pd.read_csv(results_path), args.reference)
    (args.run / "fit_time.md").write_text(_markdown(table, args.reference), encoding="utf-8")
    plot_fit_time(table, args.run / "fit_time.png", args.reference)
    print(f"wrote {args.run / 'fit_time.md'} and {args.run / 'fit_time.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
