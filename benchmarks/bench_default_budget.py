"""What ``fit`` with the defaults costs on 30k rows, and what shorter budgets would give.

ERA-like data (4 features, 9 ordinal classes, a noisy latent score; 30k training rows,
10k test rows from ``make_ordinal_classification``), one torch thread. Candidates:

* ``defaults``            -- ``OrdinalKLClassifier(random_state=seed)``: 100 epochs, batch 64.
* ``early_stopping=True`` -- the defaults with early stopping (10% held out, patience 10).
* ``max_epochs=E``        -- fixed shorter budgets.

Printed: fit time, epochs run and test MSE on the class index, per seed and the mean.
Information for choosing defaults; no target.

    python benchmarks/bench_default_budget.py [--quick] [--seeds 0 1]
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from _timing import base_parser, fmt_seconds, print_table, report, setup

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.datasets import make_ordinal_classification
from sk_ordinal_kl.metrics import mse_class_index

K = 9


def candidates(quick: bool) -> dict[str, dict]:
    cases = {"defaults": {}, "early_stopping=True": {"early_stopping": True}}
    for epochs in (5, 10) if quick else (10, 20, 40):
        cases[f"max_epochs={epochs}"] = {"max_epochs": epochs}
    return cases


def main() -> None:
    parser = base_parser(__doc__, default_repeats=1)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    setup(args)
    n_train = 3_000 if args.quick else 30_000
    X, y = make_ordinal_classification(
        n_samples=n_train + n_train // 3,
        n_features=4,
        n_informative=4,
        n_classes=K,
        noise=0.5,
        random_state=0,
    )
    X = X.astype(np.float32)
    X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    rows = []
    for name, params in candidates(args.quick).items():
        times, mses, epochs = [], [], []
        for seed in args.seeds:
            if args.quick:
                params = {"max_epochs": 10, **params}
            net = OrdinalKLClassifier(random_state=seed, **params)
            start = time.perf_counter()
            net.fit(X_train, y_train)
            times.append(time.perf_counter() - start)
            epochs.append(len(net.history))
            mses.append(mse_class_index(y_test, net.predict(X_test), classes=range(K)))
        rows.append(
            [
                name,
                fmt_seconds(statistics.median(times)),
                "/".join(map(str, epochs)),
                f"{statistics.mean(mses):.4f}",
                ", ".join(f"{m:.4f}" for m in mses),
            ]
        )
        print(rows[-1], flush=True)
    headers = ["fit", "time (median)", "epochs run", "test MSE (mean)", "per seed"]
    title = (
        f"Default budget: {n_train:,} training rows x 4 features, K={K}, batch 64, "
        f"{args.threads} torch thread(s), seeds {args.seeds}"
    )
    print_table(title, headers, rows)
    report(
        "default_budget",
        "Default training budget",
        args,
        [{"title": title, "headers": headers, "rows": rows}],
        [],
        notes=["test MSE on the class index, 10k test rows from the same distribution"],
    )


if __name__ == "__main__":
    main()
