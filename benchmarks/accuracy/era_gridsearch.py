"""Tuning on real data: does tuning alpha x sigma (x rule) beat alpha = 0?

GridSearchCV (3-fold, neg MSE on the class index) inside a StandardScaler Pipeline on the
training part of ERA holdout 0, then the test-split MSE of the refitted best model,
next to the same search restricted to alpha = 0 (plain cross-entropy, same rules).

    python benchmarks/accuracy/era_gridsearch.py [--data-dir DIR] [--holdout 0]

``--data-dir`` defaults to ``$SK_ORDINAL_KL_DATA_DIR``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl._markdown import markdown_table
from sk_ordinal_kl.benchmark.data import data_dir_from_env
from sk_ordinal_kl.datasets import load_orreview_holdout
from sk_ordinal_kl.metrics import mae_class_index, mse_class_index, neg_mse_class_index_scorer

DEFAULT_DATA = data_dir_from_env()
STEP = "ordinalklclassifier__"


def search(split, alphas, sigmas, rules, n_jobs):
    pipe = make_pipeline(StandardScaler(), OrdinalKLClassifier(random_state=0))
    grid = {STEP + "alpha": alphas, STEP + "sigma": sigmas, STEP + "prediction": rules}
    gs = GridSearchCV(pipe, grid, scoring=neg_mse_class_index_scorer, cv=3, n_jobs=n_jobs)
    start = time.perf_counter()
    gs.fit(split.X_train, split.y_train)
    pred = gs.predict(split.X_test)
    return {
        "best": {k.removeprefix(STEP): v for k, v in gs.best_params_.items()},
        "cv_mse": -gs.best_score_,
        "test_mse": mse_class_index(split.y_test, pred),
        "test_mae": mae_class_index(split.y_test, pred),
        "seconds": time.perf_counter() - start,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--dataset", default="ERA")
    parser.add_argument("--holdout", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if args.data_dir is None:
        parser.error("pass --data-dir or set $SK_ORDINAL_KL_DATA_DIR (an orreview folder)")
    split = load_orreview_holdout(args.data_dir, args.dataset, args.holdout)
    rules = ["argmax", "median", "mean"]
    rows = {
        "CE (alpha=0), argmax": search(split, [0.0], [1.0], ["argmax"], args.n_jobs),
        "CE (alpha=0), tuned rule": search(split, [0.0], [1.0], rules, args.n_jobs),
        "CE+KL, tuned alpha x sigma, argmax": search(
            split, [0.0, 0.5, 1.0, 2.0], [0.5, 1.0, 2.0], ["argmax"], args.n_jobs
        ),
        "CE+KL, tuned alpha x sigma x rule": search(
            split, [0.0, 0.5, 1.0, 2.0], [0.5, 1.0, 2.0], rules, args.n_jobs
        ),
    }
    print(
        f"{args.dataset} holdout {args.holdout}: train {len(split.y_train)}, "
        f"test {len(split.y_test)}"
    )
    header = ["method", "best params", "CV MSE", "test MSE", "test MAE", "seconds"]
    table = [
        [
            name,
            r["best"],
            f"{r['cv_mse']:.3f}",
            f"{r['test_mse']:.3f}",
            f"{r['test_mae']:.3f}",
            f"{r['seconds']:.0f}",
        ]
        for name, r in rows.items()
    ]
    print(markdown_table(header, table))


if __name__ == "__main__":
    main()
