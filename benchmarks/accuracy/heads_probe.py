"""Test MSE of the class index: ``head="softmax"`` against ``head="cumulative"``.

A short accuracy probe, not a benchmark: on the orreview-format sets balance-scale and toy,
holdouts 0-2, every head is trained with the same settings (StandardScaler, alpha=1,
sigma=1, ``prediction="median"``, 200 epochs, the default MLP, ``random_state=0``) and
scored by the mean squared error of the predicted class index on the holdout's test rows
(lower is better). It prints one row per (set, holdout) and the mean per set, and takes
about a minute per head on 2 CPU cores.

Run: ``python benchmarks/accuracy/heads_probe.py`` (more heads:
``--heads softmax cumulative:logit cumulative:probit cumulative:cloglog binomial``).
The data lie in ``$SK_ORDINAL_KL_DATA_DIR``, else in ``../shared/datasets`` beside the
checkout.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.datasets import load_orreview_holdout
from sk_ordinal_kl.metrics import mse_class_index

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("SK_ORDINAL_KL_DATA_DIR", ROOT.parent / "shared" / "datasets"))
SETS = ("balance-scale", "toy")
HOLDOUTS = (0, 1, 2)


def head_params(spec: str) -> dict:
    """``"cumulative:probit"`` -> ``{"head": "cumulative", "link": "probit"}``."""
    head, _, link = spec.partition(":")
    return {"head": head, **({"link": link} if link else {})}


def test_mse(name: str, holdout: int, spec: str, epochs: int) -> float:
    split = load_orreview_holdout(DATA, name, holdout)
    classes = np.unique(np.concatenate([split.y_train, split.y_test]))
    model = make_pipeline(
        StandardScaler(),
        OrdinalKLClassifier(
            alpha=1.0,
            sigma=1.0,
            prediction="median",
            max_epochs=epochs,
            classes=classes,
            random_state=0,
            **head_params(spec),
        ),
    )
    model.fit(split.X_train, split.y_train)
    return mse_class_index(split.y_test, model.predict(split.X_test), classes=classes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heads", nargs="+", default=["softmax", "cumulative:logit"])
    parser.add_argument("--epochs", type=int, default=200)
    args = parser.parse_args()
    print(f"{'set':<14} {'holdout':>7} " + " ".join(f"{h:>18}" for h in args.heads))
    for name in SETS:
        rows = []
        for holdout in HOLDOUTS:
            start = time.perf_counter()
            row = [test_mse(name, holdout, spec, args.epochs) for spec in args.heads]
            rows.append(row)
            seconds = time.perf_counter() - start
            cells = " ".join(f"{v:>18.4f}" for v in row)
            print(f"{name:<14} {holdout:>7} {cells}   ({seconds:.0f} s)")
        mean = " ".join(f"{v:>18.4f}" for v in np.mean(rows, axis=0))
        print(f"{name:<14} {'mean':>7} {mean}")


if __name__ == "__main__":
    main()
