"""One method in two benchmark runs, holdout by holdout: did a change move its results?

``python benchmarks/tools/compare_runs.py BEFORE AFTER --method ce_kl_rule`` reads
``results.csv`` of both output folders, pairs the method's test MSE on the class index by
(dataset, size, holdout) and prints, per dataset, both means, the relative change, the
paired Wilcoxon p-value and how often the inner search chose the same parameters. A
change that should not move results (a faster search of the same grid, a refactor)
shows ties here.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sk_ordinal_kl._markdown import markdown_table
from sk_ordinal_kl.benchmark.statistics import paired_tests

__all__ = ["compare_runs", "main"]


def compare_runs(before: pd.DataFrame, after: pd.DataFrame, method: str) -> str:
    """Markdown table: ``method`` in ``before`` against ``method`` in ``after``.

    Parameters
    ----------
    before, after : DataFrame
        ``results.csv`` of two runs (holdouts are paired by index).
    method : str
        Method compared.

    Returns
    -------
    text : str
        One row per (dataset, size) that both runs have.
    """
    runs = [
        frame[frame["method"] == method].assign(method=name)
        for frame, name in ((before, "before"), (after, "after"))
    ]
    tests = paired_tests(pd.concat(runs, ignore_index=True), references=["after"])
    params = runs[0].merge(runs[1], on=["dataset", "size", "holdout"], suffixes=("_b", "_a"))
    rows = []
    for test in tests.itertuples(index=False):
        block = params[(params["dataset"] == test.dataset) & (params["size"] == test.size)]
        change = (test.mse_method - test.mse_opponent) / test.mse_opponent
        rows.append(
            [
                test.dataset,
                test.size,
                test.n_pairs,
                f"{test.mse_opponent:.4g}",
                f"{test.mse_method:.4g}",
                f"{100 * change:+.2f}%",
                f"{test.p_value:.2g} ({test.outcome})",
                f"{(block['params_b'] == block['params_a']).mean():.0%}",
            ]
        )
    header = [
        "dataset",
        "size",
        "holdouts",
        "MSE before",
        "MSE after",
        "change",
        "Wilcoxon p (after)",
        "same parameters",
    ]
    return markdown_table(header, rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the comparison.

    Parameters
    ----------
    argv : sequence of str, optional
        ``BEFORE AFTER --method NAME``.

    Returns
    -------
    status : int
        0 on success.
    """
    parser = argparse.ArgumentParser(prog="python benchmarks/tools/compare_runs.py")
    parser.add_argument("before", type=Path, help="output folder of the first run")
    parser.add_argument("after", type=Path, help="output folder of the second run")
    parser.add_argument("--method", required=True, help="method compared")
    args = parser.parse_args(argv)
    frames = [
        pd.read_csv(f / "results.csv", dtype={"size": str}) for f in (args.before, args.after)
    ]
    print(compare_runs(*frames, args.method))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
