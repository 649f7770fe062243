"""``OrdinalKLClassifier.fit`` vs scikit-learn's ``MLPClassifier`` on the same network.

Speed: both train a 20 -> 64 -> 64 -> K=10 ReLU network without dropout, with Adam(W) at
lr 1e-3, the same batch size (64 and 200) and the same number of epochs, on 20k x 20
float32 rows, with one thread each (torch pinned with ``torch.set_num_threads``;
MLPClassifier's BLAS/OpenMP pinned with ``threadpoolctl``):

* ``MLPClassifier``       -- ``solver="adam"``, never stopping early (the reference, 1).
* ``OrdinalKLClassifier`` -- ``fit(X, y)`` with its defaults apart from
  ``module__dropout=0``, batch size and epochs (CE + KL, the default optimizer).
* ``bare torch loop``     -- the same TabularMLP, criterion and default optimizer in a
  plain loop (randperm + ``index_select``), for reference.

Target: OrdinalKLClassifier / MLPClassifier <= 0.9 at both batch sizes.

Quality (``--quality``, information, no target): test MSE on the class index of the
*default* estimator (``OrdinalKLClassifier(random_state=seed)``, nothing else set) on
ERA holdout 0 (from ``$SK_ORDINAL_KL_DATA_DIR``; the embedded diabetes set otherwise)
and on the embedded diabetes set cut into 5 classes; mean over seeds. It shows whether a
change to the training loop changes what the defaults learn.

    python benchmarks/bench_vs_mlpclassifier.py [--quick] [--repeats 5] [--quality]
"""

from __future__ import annotations

import statistics
import warnings

import numpy as np
import torch
from _timing import (
    base_parser,
    check,
    fmt_seconds,
    interleaved,
    make_tabular,
    print_table,
    report,
    setup,
    train_bare,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from sk_ordinal_kl import GaussianKLCrossEntropy, OrdinalKLClassifier
from sk_ordinal_kl.benchmark import data_dir_from_env, load_holdout_or_embedded
from sk_ordinal_kl.metrics import mse_class_index
from sk_ordinal_kl.modules import TabularMLP

K = 10
HIDDEN = (64, 64)
LR = 1e-3
BATCHES = (64, 200)
TARGET = 0.9
QUALITY_SEEDS = (0, 1, 2)


def mlp_fit(X, y, batch: int, epochs: int) -> MLPClassifier:
    model = MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        activation="relu",
        solver="adam",
        learning_rate_init=LR,
        batch_size=batch,
        max_iter=epochs,
        n_iter_no_change=epochs + 1,  # never stop before max_iter
        tol=0.0,
        random_state=0,
    )
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def ordinal_fit(X, y, batch: int, epochs: int) -> OrdinalKLClassifier:
    net = OrdinalKLClassifier(
        module__dropout=0.0, batch_size=batch, max_epochs=epochs, random_state=0
    )
    return net.fit(X, y)


def net_optimizer(net: OrdinalKLClassifier, params) -> torch.optim.Optimizer:
    """The optimizer ``net`` trains with (same class and ``fused``/``foreach`` choice)."""
    X, y = make_tabular(64, 4, 3)
    fitted = net.set_params(max_epochs=1).fit(X, y).optimizer_
    flags = {k: fitted.defaults[k] for k in ("fused", "foreach") if k in fitted.defaults}
    return type(fitted)(params, lr=LR, **flags)


def bare_loop(X: torch.Tensor, y: torch.Tensor, batch: int, epochs: int) -> torch.nn.Module:
    module = TabularMLP(X.shape[1], K, hidden_units=HIDDEN, dropout=0.0)
    criterion = GaussianKLCrossEntropy(alpha=1.0, sigma=1.0, num_classes=K)
    optimizer = net_optimizer(OrdinalKLClassifier(), module.parameters())
    return train_bare(module, criterion, optimizer, X, y, batch, epochs)


def speed(args) -> tuple[list, list, list, dict]:
    n, d = (4_000, 20) if args.quick else (20_000, 20)
    X, y = make_tabular(n, d, K)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    rows, checks, details = [], [], {}
    for batch in BATCHES:
        cases = {
            "MLPClassifier": lambda b=batch: mlp_fit(X, y, b, args.epochs),
            "OrdinalKLClassifier": lambda b=batch: ordinal_fit(X, y, b, args.epochs),
            "bare torch loop": lambda b=batch: bare_loop(Xt, yt, b, args.epochs),
        }
        result = interleaved(cases, args.repeats)
        details[f"batch {batch}"] = result
        for name, res in result.items():
            steps = args.epochs * -(-n // batch)
            rows.append(
                [
                    batch,
                    name,
                    fmt_seconds(res["median"]),
                    fmt_seconds(res["median"] / steps),
                    f"{res['ratio']:.3f}",
                ]
            )
        ratio = result["OrdinalKLClassifier"]["ratio"]
        checks.append(
            check(
                f"fit / MLPClassifier fit, batch {batch}, {n:,}x{d}, K={K}",
                ratio,
                f"<= {TARGET}",
                ratio <= TARGET,
            )
        )
    return rows, checks, [n, d], details


def default_quality(seeds) -> list[list]:
    """Test MSE on the class index of ``OrdinalKLClassifier(random_state=seed)``."""
    era, era_classes = load_holdout_or_embedded(data_dir_from_env(), "ERA")
    diabetes, diabetes_classes = load_holdout_or_embedded(None, n_classes=5)
    rows = []
    for split, classes in ((era, era_classes), (diabetes, diabetes_classes)):
        X_train = split.X_train.astype(np.float32)
        X_test = split.X_test.astype(np.float32)
        mses = []
        for seed in seeds:
            net = OrdinalKLClassifier(random_state=seed).fit(X_train, split.y_train)
            mses.append(mse_class_index(split.y_test, net.predict(X_test), classes=classes))
        rows.append(
            [
                f"{split.name} holdout {split.holdout}",
                f"{len(X_train)} / {len(X_test)}",
                len(classes),
                f"{statistics.mean(mses):.4f}",
                ", ".join(f"{m:.4f}" for m in mses),
            ]
        )
    return rows


def main() -> None:
    parser = base_parser(__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument(
        "--quality", action="store_true", help="also print the default estimator's test MSE"
    )
    parser.add_argument(
        "--quality-only", action="store_true", help="only the quality check (no timing)"
    )
    args = parser.parse_args()
    setup(args)
    tables, checks = [], []
    if not args.quality_only:
        rows, checks, (n, d), _ = speed(args)
        headers = ["batch", "candidate", "fit (median)", "per step", "ratio vs MLPClassifier"]
        title = (
            f"Fit vs MLPClassifier: {n:,}x{d} float32, K={K}, hidden {HIDDEN} ReLU, no "
            f"dropout, lr {LR}, {args.epochs} epochs, {args.threads} thread(s), median of "
            f"{args.repeats} interleaved runs"
        )
        print_table(title, headers, rows)
        tables.append({"title": title, "headers": headers, "rows": rows})
    if args.quality or args.quality_only:
        seeds = QUALITY_SEEDS[:1] if args.quick else QUALITY_SEEDS
        headers = ["data", "train / test", "K", "test MSE (mean)", "per seed"]
        title = (
            f"Quality of the defaults: OrdinalKLClassifier(random_state=seed), seeds {seeds}, "
            "test MSE on the class index"
        )
        rows = default_quality(seeds)
        print_table(title, headers, rows)
        tables.append({"title": title, "headers": headers, "rows": rows})
    report(
        "vs_mlpclassifier",
        "Fit time vs scikit-learn's MLPClassifier",
        args,
        tables,
        checks,
        notes=[
            "ratio = median of per-repetition time / MLPClassifier time (paired)",
            "per step = fit time / (epochs x batches per epoch)",
        ],
    )


if __name__ == "__main__":
    main()
