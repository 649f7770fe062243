"""Do our peers reproduce the ORCA toolbox's published reference results?

ORCA's tutorial publishes the mean test MAE over the 30 published holdouts of tae, toy
and pasture for SVORIM and POM (its ``doc/tutorial/reference-results``). This script
runs skordinal's ``SVOR`` (implicit constraints, RBF kernel, i.e. SVORIM) and ``POM``
(logit link, unregularised) on the same holdouts twice:

* **ORCA's protocol** — features standardised on the training part; SVORIM's ``C`` and
  kernel width each over ``10^-3 .. 10^3`` (7 x 7), chosen by 5-fold cross-validation on
  MAE (ORCA's ``svorim.ini``: ``cvmetric = mae``, ``num_folds = 5``);
* **this package's benchmark protocol** — the same preprocessing as every benchmark
  method, ``svorim``'s 4 x 4 grid chosen by 3-fold stratified cross-validation on MSE of
  the class index (``python -m sk_ordinal_kl.benchmark --methods svorim pom``).

It prints and writes (``--out``) a table of the mean test MAE with its 95% t-interval
over the holdouts beside ORCA's number, and whether the published value lies inside it.

Run (about 10 minutes on 2 cores)::

    python benchmarks/accuracy/orca_reference.py --data-dir ORREVIEW \
        --out docs/benchmark_results/orca_check

where ``ORREVIEW`` holds the orreview-format folders (``tae/train_tae.0`` ...).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import stats
from sklearn.metrics import make_scorer, mean_absolute_error
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sk_ordinal_kl._markdown import markdown_table
from sk_ordinal_kl.benchmark.data import data_dir_sources

#: ORCA tutorial, mean test MAE over the 30 published holdouts (reference-results CSVs).
PUBLISHED_MAE = {
    ("svorim", "tae"): 0.475439,
    ("svorim", "toy"): 0.017778,
    ("svorim", "pasture"): 0.322222,
    ("pom", "tae"): 0.616,
    ("pom", "toy"): 0.981,
    ("pom", "pasture"): 0.600,
}
DATASETS = ("tae", "toy", "pasture")
ORCA_VALUES = tuple(10.0**k for k in range(-3, 4))


def _folds(y: np.ndarray, n_splits: int, seed: int):
    """Stratified folds where every class has enough rows, else plain shuffled folds."""
    if np.bincount(y).min(initial=n_splits) >= n_splits:
        return StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    return KFold(n_splits, shuffle=True, random_state=seed)


def _orca_svorim(X, y, seed: int):
    from skordinal.classifiers import SVOR

    search = GridSearchCV(
        make_pipeline(StandardScaler(), SVOR(kernel="rbf")),
        {"svor__C": ORCA_VALUES, "svor__gamma": ORCA_VALUES},
        scoring=make_scorer(mean_absolute_error, greater_is_better=False),
        cv=_folds(y, 5, seed),
        n_jobs=1,
    )
    return search.fit(X, y)


def _orca_pom(X, y, seed: int):
    from skordinal.classifiers import POM

    return make_pipeline(StandardScaler(), POM()).fit(X, y)


ORCA_PROTOCOL = {"svorim": _orca_svorim, "pom": _orca_pom}


def _orca_unit(source, holdout: int) -> list[dict]:
    """Both methods on one holdout under ORCA's protocol."""
    split = source.load(holdout)
    X, X_test = split.X_train.to_numpy(), split.X_test.to_numpy()
    rows = []
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SVOR's and POM's convergence chatter
        for method, fit in ORCA_PROTOCOL.items():
            start = time.perf_counter()
            model = fit(X, split.y_train, holdout)
            mae = mean_absolute_error(split.y_test, model.predict(X_test))
            rows.append(
                {
                    "protocol": "ORCA",
                    "dataset": source.name,
                    "method": method,
                    "holdout": holdout,
                    "mae": mae,
                    "seconds": time.perf_counter() - start,
                }
            )
    return rows


def run_orca_protocol(root: Path, holdouts: int, n_jobs: int = 1) -> pd.DataFrame:
    """Test MAE of each method on each holdout under ORCA's protocol."""
    units = [
        (source, holdout)
        for source in data_dir_sources(root, list(DATASETS), holdouts)
        for holdout in source.holdouts
    ]
    parts = Parallel(n_jobs=n_jobs)(delayed(_orca_unit)(*unit) for unit in units)
    return pd.DataFrame([row for part in parts for row in part])


def run_benchmark_protocol(
    root: Path, holdouts: int, cache: Path, n_jobs: int = 1
) -> pd.DataFrame:
    """Test MAE of ``svorim`` and ``pom`` as the benchmark runs them."""
    from sk_ordinal_kl.benchmark import ALL_METHODS, run_benchmark

    run = run_benchmark(
        data_dir_sources(root, list(DATASETS), holdouts),
        {name: ALL_METHODS[name] for name in ("svorim", "pom")},
        cache_dir=cache,
        n_jobs=n_jobs,
        progress=False,
    )
    frame = run.results[["dataset", "method", "holdout", "mae", "fit_seconds"]]
    return frame.rename(columns={"fit_seconds": "seconds"}).assign(protocol="benchmark")


def _interval(values: np.ndarray) -> tuple[float, float]:
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean() - half, values.mean() + half


def comparison_table(results: pd.DataFrame) -> pd.DataFrame:
    """Mean test MAE with its 95% t-interval per (protocol, dataset, method), beside ORCA's."""
    rows = []
    for (protocol, dataset, method), group in results.groupby(
        ["protocol", "dataset", "method"], sort=False
    ):
        low, high = _interval(group["mae"].to_numpy(dtype=np.float64))
        published = PUBLISHED_MAE[method, dataset]
        rows.append(
            {
                "protocol": protocol,
                "dataset": dataset,
                "method": method,
                "holdouts": len(group),
                "mae": group["mae"].mean(),
                "ci_low": low,
                "ci_high": high,
                "orca_published": published,
                "inside": bool(low <= published <= high),
            }
        )
    return pd.DataFrame(rows)


def table_markdown(table: pd.DataFrame) -> str:
    rows = [
        [
            row.protocol,
            row.dataset,
            f"`{row.method}`",
            row.holdouts,
            f"{row.mae:.3f} [{row.ci_low:.3f}, {row.ci_high:.3f}]",
            f"{row.orca_published:.3f}",
            "yes" if row.inside else "**no**",
        ]
        for row in table.itertuples(index=False)
    ]
    header = ["protocol", "dataset", "method", "holdouts", "our MAE [95% CI]", "ORCA", "inside"]
    return markdown_table(header, rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--holdouts", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("orca_check"))
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel holdouts (default 2)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results = pd.concat(
        [
            run_orca_protocol(args.data_dir, args.holdouts, args.n_jobs),
            run_benchmark_protocol(
                args.data_dir, args.holdouts, Path("benchmark_results/cache"), args.n_jobs
            ),
        ],
        ignore_index=True,
    )
    results.to_csv(args.out / "results.csv", index=False, float_format="%.6g")
    table = comparison_table(results)
    table.to_csv(args.out / "comparison.csv", index=False, float_format="%.6g")
    text = table_markdown(table)
    (args.out / "comparison.md").write_text(text, encoding="utf-8")
    info = {
        "command": "python benchmarks/accuracy/orca_reference.py",
        "holdouts": args.holdouts,
        "seconds": time.perf_counter() - start,
    }
    (args.out / "run_info.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
