"""Which training set-up brings the estimator to the kernel SVMs on small numeric data?

A probe, not a benchmark: every named configuration of :data:`CONFIGS` is fitted on
the first holdouts of the orreview-format reference sets (StandardScaler first, alpha=1,
sigma=1, ``random_state=0``, no tuning) and scored by the test MSE of the class index
under each decision rule (argmax, median, mean), all read from the same fitted model.
It prints one line per (configuration, dataset) with the mean over holdouts and the fit
time, and appends the rows to a CSV file, so that configurations can be added run by run.

Run: ``python benchmarks/accuracy/small_data_probe.py --configs base steps3k
--datasets toy balance-scale --holdouts 5 --out probe.csv``. The data lie in
``$SK_ORDINAL_KL_DATA_DIR``, else in ``../shared/datasets`` beside the checkout.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.datasets import load_orreview_holdout
from sk_ordinal_kl.decision import predict_index
from sk_ordinal_kl.modules import StackedMLP

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("SK_ORDINAL_KL_DATA_DIR", ROOT.parent / "shared" / "datasets"))
SETS = (
    "contact-lenses",
    "pasture",
    "pyrim10",
    "tae",
    "toy",
    "ESL",
    "balance-scale",
    "ERA",
    "winequality-red",
    "car",
)
RULES = ("argmax", "median", "mean")


def _ensemble(k: int) -> dict:
    return {"module": StackedMLP, "module__n_members": k, "module__same_init": False}


#: name -> (estimator parameters, optimisation steps or None for max_epochs as given).
CONFIGS: dict[str, tuple[dict, int | None]] = {
    "base": ({"max_epochs": 40}, None),
    "e200": ({"max_epochs": 200}, None),
    "steps3k": ({}, 3000),
    "steps3k_clm": ({"head": "cumulative"}, 3000),
    "steps3k_bin": ({"head": "binomial"}, 3000),
    "steps3k_k8": (_ensemble(8), 3000),
    "steps3k_k8_clm": ({**_ensemble(8), "head": "cumulative"}, 3000),
    "steps3k_lr3": ({"lr": 3e-3}, 3000),
    "steps3k_w256": ({"module__hidden_units": (256, 256)}, 3000),
    "steps3k_b32": ({"batch_size": 32}, 3000),
    "steps10k": ({}, 10000),
    "steps10k_clm": ({"head": "cumulative"}, 10000),
    "steps3k_wd0": ({"optimizer__weight_decay": 0.0}, 3000),
    "steps3k_wd1e-1": ({"optimizer__weight_decay": 0.1}, 3000),
    "steps3k_do0": ({"module__dropout": 0.0}, 3000),
    "steps3k_do3": ({"module__dropout": 0.3}, 3000),
    "steps3k_free": ({"module__dropout": 0.0, "optimizer__weight_decay": 0.0}, 3000),
    "steps3k_free_clm": (
        {"module__dropout": 0.0, "optimizer__weight_decay": 0.0, "head": "cumulative"},
        3000,
    ),
    "steps3k_free_lr1e-2": (
        {"module__dropout": 0.0, "optimizer__weight_decay": 0.0, "lr": 1e-2},
        3000,
    ),
    "steps3k_free_lr1e-2_clm": (
        {
            "module__dropout": 0.0,
            "optimizer__weight_decay": 0.0,
            "lr": 1e-2,
            "head": "cumulative",
        },
        3000,
    ),
    "steps10k_free_lr3e-3_clm": (
        {
            "module__dropout": 0.0,
            "optimizer__weight_decay": 0.0,
            "lr": 3e-3,
            "head": "cumulative",
        },
        10000,
    ),
}


def _epochs(n_rows: int, batch_size: int, steps: int) -> int:
    batches = max(1, -(-n_rows // batch_size))
    return max(1, -(-steps // batches))


def probe(config: str, dataset: str, holdouts: int) -> list[dict]:
    params, steps = CONFIGS[config]
    rows = []
    for holdout in range(holdouts):
        split = load_orreview_holdout(DATA, dataset, holdout)
        classes = np.arange(1, int(max(split.y_train.max(), split.y_test.max())) + 1)
        net = OrdinalKLClassifier(classes=classes, random_state=0, **params)
        if steps is not None:
            net.set_params(max_epochs=_epochs(len(split.y_train), net.batch_size, steps))
        model = make_pipeline(StandardScaler(), net)
        start = time.perf_counter()
        model.fit(split.X_train, split.y_train)
        seconds = time.perf_counter() - start
        proba = model.predict_proba(split.X_test)  # classes sorted = ordinal order here
        true = np.searchsorted(classes, split.y_test)
        row = {"config": config, "dataset": dataset, "holdout": holdout, "seconds": seconds}
        for rule in RULES:
            row[rule] = float(np.mean((predict_index(proba, rule) - true) ** 2))
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["base"], choices=list(CONFIGS))
    parser.add_argument("--datasets", nargs="+", default=list(SETS))
    parser.add_argument("--holdouts", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("small_data_probe.csv"))
    args = parser.parse_args()
    for config in args.configs:
        for dataset in args.datasets:
            frame = pd.DataFrame(probe(config, dataset, args.holdouts))
            frame.to_csv(args.out, mode="a", header=not args.out.exists(), index=False)
            means = frame[[*RULES, "seconds"]].mean()
            print(
                f"{config:16s} {dataset:16s} "
                + " ".join(f"{rule} {means[rule]:.4f}" for rule in RULES)
                + f"  fit {means['seconds']:.1f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
