"""The "When does CE+KL help?" tables, computed from finished benchmark outputs.

``python -m sk_ordinal_kl.benchmark.guidance docs/benchmark_results`` reads
``main/``, ``all_holdouts/``, ``learning_curves/`` and ``decisions/`` (those present) and
writes
``guidance.md`` next to them: the tables the benchmark page and the README quote.

* **Tuned rule vs tuned rule** — per dataset: classes, training rows per class, MSE on the
  class index of CE and CE+KL *both with a tuned decision rule* (``ce_rule``,
  ``ce_kl_rule``), the relative change, the paired Wilcoxon p-value, boosting regression
  on the index (``hgb_reg``) and the best method of the run; again for ``all_holdouts/``
  (the same comparison on every published holdout of the orreview sets).
* **Learning curves** — the same comparison at each training size, with the mean paired
  difference and its 95% t-interval (the Wilcoxon test cannot reach p < 0.05 with fewer
  than 6 holdouts; the interval still shows the size of the effect).
* **Conformal sets** — coverage and mean width of the 90% sets of CE and CE+KL.
* **Tuned decisions** — W/T/L of ``TunedOrdinalDecisionCV`` against the best fixed rule
  chosen with hindsight.
* **Backbones** — ``tabm_kl_rule`` (``module="tabm"``) against ``ce_kl_rule`` (the MLP)
  and ``hgb_reg`` from ``tabm/train2000/``, ``tabm/full/`` and ``tabm/reference/``.
* **Standing** — per dataset, the best configuration of this package against the best
  peer (``main/standing.csv``), with the geometric mean of the ratios.
* **Decision rules** — the test MSE and MAE of every fixed rule read from the same fitted
  estimator with its defaults (method ``defaults``): the evidence for the default rule.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .._markdown import markdown_table
from .standing import standing_markdown
from .statistics import hindsight_tests, t_interval

__all__ = [
    "backbone_table",
    "conformal_table",
    "guidance_markdown",
    "learning_curve_table",
    "main",
    "rule_table",
    "rules_table",
]

BASE, KL = "ce_rule", "ce_kl_rule"


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    path = folder / name
    return pd.read_csv(path, dtype={"size": str}) if path.is_file() else None


def _paired(results: pd.DataFrame, dataset: str, size: str) -> pd.DataFrame:
    """Holdout x {BASE, KL} MSE for one block (holdouts present for both)."""
    block = results[(results["dataset"] == dataset) & (results["size"] == size)]
    wide = block.pivot_table(index="holdout", columns="method", values="mse")
    return wide[[BASE, KL]].dropna() if {BASE, KL} <= set(wide) else pd.DataFrame()


def rule_table(results: pd.DataFrame, tests: pd.DataFrame) -> str:
    """Markdown: CE vs CE+KL, both with a tuned rule, and the strongest baselines.

    Parameters
    ----------
    results : DataFrame
        ``main/results.csv``.
    tests : DataFrame
        ``main/pairwise_tests.csv``.

    Returns
    -------
    table : str
    """
    rows = []
    means = results.groupby(["dataset", "method"], sort=False)["mse"].mean()
    for dataset, block in results.groupby("dataset", sort=False):
        pair = _paired(results, dataset, "all")
        if pair.empty:
            continue
        k = int(block["n_classes"].iloc[0])
        n_train = float(block["n_train"].mean())
        base, kl = pair[BASE].mean(), pair[KL].mean()
        test = tests[
            (tests["dataset"] == dataset) & (tests["method"] == KL) & (tests["opponent"] == BASE)
        ]
        p = f"{test['p_value'].iloc[0]:.2g} ({test['outcome'].iloc[0]})" if len(test) else "—"
        best = means[dataset].idxmin()
        hgb = f"{means[dataset]['hgb_reg']:.3f}" if "hgb_reg" in means[dataset] else "—"
        rows.append(
            [
                dataset,
                k,
                f"{n_train / k:.0f}",
                len(pair),
                f"{base:.3f}",
                f"{kl:.3f}",
                f"{100 * (kl - base) / base:+.0f}%" if base > 0 else "—",
                p,
                hgb,
                f"{best} ({means[dataset][best]:.3f})",
            ]
        )
    header = [
        "dataset",
        "K",
        "train rows per class",
        "holdouts",
        "ce_rule MSE",
        "ce_kl_rule MSE",
        "change",
        "Wilcoxon p (ce_kl_rule)",
        "hgb_reg MSE",
        "best method (MSE)",
    ]
    return markdown_table(header, rows)


TABM, PEERS = "tabm_kl_rule", ("ce_kl_rule", "hgb_reg")


def _versus(tests: pd.DataFrame, dataset: str, size: str, opponent: str) -> str:
    """``tabm_kl_rule`` against ``opponent``: relative change of mean MSE, Wilcoxon p, W/T/L."""
    row = tests[
        (tests["dataset"] == dataset)
        & (tests["size"].astype(str) == size)
        & (tests["method"] == TABM)
        & (tests["opponent"] == opponent)
    ]
    if row.empty:
        return "—"
    row = row.iloc[0]
    change = (row["mse_method"] - row["mse_opponent"]) / row["mse_opponent"]
    outcome = {"win": "W", "loss": "L", "tie": "T"}.get(row["outcome"], row["outcome"])
    return f"{100 * change:+.1f}% (p={row['p_value']:.2g}, {outcome})"


def backbone_table(results: pd.DataFrame, tests: pd.DataFrame) -> str:
    """Markdown: the TabM backbone against the MLP and boosting, per dataset and size.

    Parameters
    ----------
    results : DataFrame
        ``results.csv`` of a run with ``tabm_kl_rule`` and at least one of
        ``ce_kl_rule`` and ``hgb_reg``.
    tests : DataFrame
        Its ``pairwise_tests.csv``.

    Returns
    -------
    text : str
        One row per (dataset, training size): mean MSE on the class index of each
        method, and ``tabm_kl_rule``'s change against each peer with the paired Wilcoxon
        p-value and the outcome (W = lower MSE and p < 0.05, L = higher, T otherwise).
    """
    results = results[results["method"].isin([TABM, *PEERS])]
    means = results.groupby(["dataset", "size", "method"], sort=False)["mse"].mean()
    rows = []
    for (dataset, size), block in results.groupby(["dataset", "size"], sort=False):
        if TABM not in set(block["method"]):
            continue
        cells = [
            f"{means[dataset, size, m]:.4g}" if (dataset, size, m) in means else "—"
            for m in (TABM, *PEERS)
        ]
        rows.append(
            [
                dataset,
                f"{block['n_train'].mean():.0f}",
                block["holdout"].nunique(),
                *cells,
                *(_versus(tests, dataset, str(size), peer) for peer in PEERS),
            ]
        )
    header = [
        "dataset",
        "train rows",
        "holdouts",
        f"{TABM} MSE",
        *(f"{m} MSE" for m in PEERS),
        *(f"{TABM} vs {m}" for m in PEERS),
    ]
    return markdown_table(header, rows)


def learning_curve_table(results: pd.DataFrame) -> str:
    """Markdown: CE vs CE+KL (tuned rules) at each training size, with the paired CI.

    Parameters
    ----------
    results : DataFrame
        ``learning_curves/results.csv``.

    Returns
    -------
    table : str
    """
    rows, seen = [], set()
    for (dataset, size), block in results.groupby(["dataset", "size"], sort=False):
        pair = _paired(results, dataset, size)
        k = int(block["n_classes"].iloc[0])
        n_train = float(block["n_train"].mean())
        if pair.empty or (dataset, n_train) in seen:  # a size above the data is "all" again
            continue
        seen.add((dataset, n_train))
        diff, half = t_interval(pair[KL] - pair[BASE])
        base = pair[BASE].mean()
        others = block.groupby("method")["mse"].mean()
        rows.append(
            [
                dataset,
                f"{n_train:.0f}",
                f"{n_train / k:.0f}",
                len(pair),
                f"{base:.3f}",
                f"{pair[KL].mean():.3f}",
                f"{100 * diff / base:+.0f}%" if base > 0 else "—",
                f"[{diff - half:+.3f}, {diff + half:+.3f}]" if np.isfinite(half) else "—",
                f"{others.idxmin()} ({others.min():.3f})",
            ]
        )
    header = [
        "dataset",
        "train rows",
        "rows per class",
        "holdouts",
        "ce_rule MSE",
        "ce_kl_rule MSE",
        "change",
        "95% CI of the paired difference",
        "best of the four",
    ]
    return markdown_table(header, rows)


def conformal_table(conformal: pd.DataFrame) -> str:
    """Markdown: coverage and width of the 90% conformal sets, CE against CE+KL.

    Parameters
    ----------
    conformal : DataFrame
        ``main/conformal.csv``.

    Returns
    -------
    table : str
    """
    measured = conformal.dropna(subset=["coverage"])
    stats = measured.groupby(["dataset", "method"], sort=False)[["coverage", "width"]].mean()
    rows = []
    for dataset in pd.unique(measured["dataset"]):
        cells = [dataset]
        for method in ("ce", "ce_kl", "hgb"):
            if (dataset, method) in stats.index:
                row = stats.loc[(dataset, method)]
                cells.append(f"{row['coverage']:.3f} / {row['width']:.2f}")
            else:
                cells.append("—")
        rows.append(cells)
    header = [
        "dataset",
        "ce: coverage / width",
        "ce_kl: coverage / width",
        "hgb: coverage / width",
    ]
    return markdown_table(header, rows)


def _hindsight_line(results: pd.DataFrame) -> str:
    tests = hindsight_tests(results)
    lines = []
    for method, data in tests.groupby("method", sort=False):
        counts = data["outcome"].value_counts()
        lower = int((data["mse_tuned"] < data["mse_hindsight"]).sum())
        lines.append(
            f"- `{method}` against the best fixed rule chosen on the test parts: "
            f"{counts.get('win', 0)} wins / {counts.get('tie', 0)} ties / "
            f"{counts.get('loss', 0)} losses over {len(data)} datasets (paired Wilcoxon); "
            f"lower mean MSE on {lower} of {len(data)}."
        )
    return "\n".join(lines)


def _by_rule(results: pd.DataFrame, method: str, column: str) -> pd.DataFrame:
    """Mean test error per (dataset, rule) of ``method``'s ``<metric>_by_rule`` JSON."""
    rows = results[(results["method"] == method) & results[column].notna()]
    frame = pd.DataFrame(
        [json.loads(text) for text in rows[column]], index=rows["dataset"].to_numpy()
    )
    return frame.groupby(level=0, sort=False).mean()


def _error_floor(results: pd.DataFrame, method: str) -> pd.Series:
    """``1 / n``, ``n`` the test rows of ``method`` over the holdouts, per dataset."""
    if "n_test" not in results:
        return pd.Series(dtype=float)
    rows = results[results["method"] == method]
    return 1.0 / rows.groupby("dataset", sort=False)["n_test"].sum()


def rules_table(results: pd.DataFrame, method: str = "defaults") -> str:
    """Markdown: test MSE and MAE on the class index of each fixed rule, all read from the
    same fitted ``method`` (the estimator's defaults), per dataset; the best rule of each
    metric in bold, then how often each rule is best and its geometric-mean ratio to
    ``argmax`` (both floored at one error among the test rows, as the standing table).

    Parameters
    ----------
    results : DataFrame
        Per-split rows with ``mse_by_rule`` and ``mae_by_rule`` (JSON per row).
    method : str, default="defaults"
        The method whose fitted models are read.

    Returns
    -------
    table : str
        Empty when ``method`` has no per-rule scores.
    """
    if "mse_by_rule" not in results or not (results["method"] == method).any():
        return ""
    mse, mae = (_by_rule(results, method, f"{m}_by_rule") for m in ("mse", "mae"))
    rules = list(mse.columns)
    rows = []
    for dataset in mse.index:
        cells = []
        for frame in (mse, mae):
            best = frame.loc[dataset].min()
            cells += [
                f"**{v:.4g}**" if v == best else f"{v:.4g}" for v in frame.loc[dataset, rules]
            ]
        rows.append([dataset, *cells])
    header = ["dataset", *(f"MSE {r}" for r in rules), *(f"MAE {r}" for r in rules)]
    lines = [markdown_table(header, rows), ""]
    for name, frame in (("MSE", mse), ("MAE", mae)):
        wins = frame.idxmin(axis=1).value_counts()
        # As in the standing table: both sides floored at one error among the test rows,
        # so a set where a rule makes 5 errors in 1,296 rows and another 2 does not
        # outweigh the rest; 1e-12 where the test rows are not known.
        floor = _error_floor(results, method).reindex(frame.index).fillna(1e-12)
        ratio = np.exp(
            np.log(frame[rules].add(floor, axis=0).div(frame["argmax"] + floor, axis=0)).mean()
        )
        lines.append(
            f"- {name}: best on "
            + ", ".join(f"`{r}` {int(wins.get(r, 0))}" for r in rules)
            + f" of {len(frame)} datasets; geometric mean against `argmax`: "
            + ", ".join(f"`{r}` {ratio[r]:.3f}" for r in rules)
            + "."
        )
    return "\n".join(lines)


#: The TabM runs the guidance quotes: (folder under the root, heading).
_BACKBONE_RUNS = (
    ("tabm/train2000", "### Backbones on the mixed-type tables at 2,000 training rows"),
    ("tabm/full", "### Backbones on the mixed-type tables, whole training parts"),
    ("tabm/reference", "### Backbones on the ten reference sets (10 holdouts each)"),
)


def guidance_markdown(root: str | Path) -> str:
    """All guidance tables of the outputs under ``root``.

    Parameters
    ----------
    root : path-like
        Folder holding ``main/`` and, optionally, ``all_holdouts/``, ``learning_curves/``
        and ``decisions/``.

    Returns
    -------
    text : str
    """
    root = Path(root)
    parts = [
        "<!-- Generated by `python -m sk_ordinal_kl.benchmark.guidance "
        f"{root.as_posix()}` from the benchmark outputs; do not edit. -->"
    ]
    standing = _read(root / "main", "standing.csv")
    if standing is not None:
        parts += ["### Standing: our best configuration against the best peer"]
        parts += [standing_markdown(standing)]
    results = _read(root / "main", "results.csv")
    rules = "" if results is None else rules_table(results)
    if rules:
        parts += ["### Decision rules on the same fitted estimator (its defaults)", rules]
    if results is not None:
        tests = _read(root / "main", "pairwise_tests.csv")
        parts += [
            "### CE vs CE+KL, both with a tuned decision rule",
            rule_table(results, tests if tests is not None else pd.DataFrame()),
        ]
    every = _read(root / "all_holdouts", "results.csv")
    if every is not None:  # the central comparison on every published holdout
        tests = _read(root / "all_holdouts", "pairwise_tests.csv")
        parts += [
            "### CE vs CE+KL on every published holdout (ce_rule, ce_kl_rule, hgb_reg only)",
            rule_table(every, tests if tests is not None else pd.DataFrame()),
        ]
    curves = _read(root / "learning_curves", "results.csv")
    if curves is not None:
        parts += ["### By training size", learning_curve_table(curves)]
    conformal = _read(root / "main", "conformal.csv")
    if conformal is not None:
        parts += [
            "### Conformal sets at 90% (mean coverage / mean width in classes)",
            conformal_table(conformal),
        ]
    decisions = _read(root / "decisions", "results.csv")
    if decisions is not None:
        parts += ["### Tuned decisions", _hindsight_line(decisions)]
    for folder, title in _BACKBONE_RUNS:
        tabm = _read(root / folder, "results.csv")
        if tabm is not None:
            tests = _read(root / folder, "pairwise_tests.csv")
            parts += [title, backbone_table(tabm, tests if tests is not None else pd.DataFrame())]
    return "\n\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``<root>/guidance.md``.

    Parameters
    ----------
    argv : sequence of str, optional
        ``[root]`` (default ``docs/benchmark_results``).

    Returns
    -------
    status : int
        0 on success.
    """
    parser = argparse.ArgumentParser(prog="python -m sk_ordinal_kl.benchmark.guidance")
    parser.add_argument("root", type=Path, nargs="?", default=Path("docs/benchmark_results"))
    args = parser.parse_args(argv)
    path = args.root / "guidance.md"
    path.write_text(guidance_markdown(args.root), encoding="utf-8")
    print(path.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
