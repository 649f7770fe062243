"""One default ``OrdinalKLClassifier(module="tabm")`` fit vs ``HistGradientBoostingRegressor``.

Per CSV dataset (loan-subgrade, movie-rating, diamond-cut) and training size (2,000 rows
and the whole training part of holdout 0, 7,500 or 15,000 rows): the same rows,
preprocessed once by ``make_tabular_preprocessor`` (fitted on them), then

* ``tabm``: ``OrdinalKLClassifier(module="tabm", random_state=0)`` at its defaults
  (early stopping on 10% of the rows, best epoch restored);
* ``hgb_reg``: ``HistGradientBoostingRegressor(random_state=0)`` at its defaults on the
  class index (what the benchmark's ``hgb_reg`` fits, without its tuning);

one thread each (``torch.set_num_threads(1)``, ``threadpoolctl`` for boosting), the two
interleaved (tabm, hgb, hgb, tabm, ...), ``--repeats`` times. Printed per set and size:
the median fit times, the median of the per-repetition ratios tabm / hgb_reg against the
targets (<= 25, moonshot <= 10), the epochs TabM ran, and the test MSE on the class
index of both fits on the holdout's test part (TabM under each decision rule, boosting
rounded and clipped), as a check that a faster default still learns.

Data: ``--tabular DIR`` (default: ``$SK_ORDINAL_KL_TABULAR_DIR``) names the folder of
the CSV datasets; without it, synthetic tables of the same shapes (rows, preprocessed
columns, classes) stand in, and the times say little about the real sets.

    python benchmarks/bench_tabm_vs_boosting.py --tabular DIR [--repeats 3] \\
        [--sizes 2000 all] [--datasets NAME ...] [--set module__k=4 ...]
"""

from __future__ import annotations

import ast
import os
import warnings
from pathlib import Path

import numpy as np
from _timing import base_parser, check, fmt_seconds, interleaved, print_table, report, setup
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from sk_ordinal_kl import OrdinalKLClassifier
from sk_ordinal_kl.decision import predict_index

TARGET_RATIO = 25.0
MOONSHOT_RATIO = 10.0
DATASETS = ("loan-subgrade", "movie-rating", "diamond-cut")
#: Shapes of the real sets (training part of a holdout, preprocessed columns, classes).
SHAPES = {"loan-subgrade": (7500, 117, 35), "movie-rating": (15000, 17, 10),
          "diamond-cut": (15000, 22, 5)}  # fmt: skip
SMALL = 2000
RULES = ("argmax", "median", "mean")


def real_table(root: Path, name: str, size: int | None):
    """Training and test rows of holdout 0 of ``name``, preprocessed (fitted on training)."""
    from sk_ordinal_kl.benchmark.data import data_dir_sources
    from sk_ordinal_kl.preprocessing import make_tabular_preprocessor

    split = data_dir_sources(root, names=[name], csv_holdouts=1)[0].load(0)
    if size is not None and size < len(split.y_train):
        split = split.subsample(size, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # columns with no value in a sample
        prep = make_tabular_preprocessor().fit(split.X_train, split.y_train)
        X_train = np.asarray(prep.transform(split.X_train), dtype=np.float32)
        X_test = np.asarray(prep.transform(split.X_test), dtype=np.float32)
    return X_train, split.y_train, X_test, split.y_test, split.n_classes


def synthetic_table(name: str, size: int | None, seed: int = 0):
    """A table of ``name``'s shape: half numeric, half binary columns, quantile classes."""
    n, d, k = SHAPES[name]
    n = n if size is None else min(size, n)
    rng = np.random.default_rng(seed)
    n_all = n + n // 3
    numeric = rng.normal(size=(n_all, d // 2))
    binary = rng.integers(0, 2, size=(n_all, d - d // 2))
    X = np.column_stack([numeric, binary]).astype(np.float32)
    score = X @ rng.normal(size=d) / np.sqrt(d) + 0.5 * rng.normal(size=n_all)
    y = np.searchsorted(np.quantile(score, np.linspace(0, 1, k + 1)[1:-1]), score)
    return X[:n], y[:n].astype(np.int64), X[n:], y[n:].astype(np.int64), k


def parse_settings(items: list[str]) -> dict:
    """``--set name=value`` pairs (values as Python literals, else strings)."""
    settings = {}
    for item in items:
        name, _, value = item.partition("=")
        try:
            settings[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            settings[name] = value
    return settings


def main() -> None:
    parser = base_parser(__doc__.split("\n\n")[0], default_repeats=3)
    default_root = os.environ.get("SK_ORDINAL_KL_TABULAR_DIR")
    parser.add_argument(
        "--tabular",
        type=Path,
        default=Path(default_root) if default_root else None,
        help="folder of the CSV datasets (default: $SK_ORDINAL_KL_TABULAR_DIR)",
    )
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument(
        "--sizes", nargs="+", default=[str(SMALL), "all"], help="training rows, or 'all'"
    )
    parser.add_argument(
        "--set",
        nargs="+",
        default=[],
        metavar="NAME=VALUE",
        help="TabM estimator parameters on top of the defaults (to try a setting)",
    )
    args = parser.parse_args()
    setup(args)
    settings = parse_settings(args.set)
    sizes = [None if s == "all" else int(s) for s in args.sizes]
    if args.quick:
        sizes = [300]
    source = "real" if args.tabular is not None else "synthetic"

    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Imports and lazy initialisation (torch's optimizer imports dynamo on first use)
        # outside the timed fits.
        X0, y0, *_ = synthetic_table("diamond-cut", 300)
        OrdinalKLClassifier(module="tabm", max_epochs=2, random_state=0).fit(X0, y0)
        HistGradientBoostingRegressor(max_iter=5).fit(X0, y0)
        headers = [
            "dataset",
            "rows x columns",
            "tabm fit",
            "epochs",
            "hgb_reg fit",
            "tabm / hgb_reg",
            "test MSE tabm (argmax / median / mean)",
            "test MSE hgb_reg",
        ]
        rows, checks, epochs = [], [], {}
        for name in args.datasets:
            for size in sizes:
                if args.tabular is not None:
                    X, y, X_test, y_test, k = real_table(args.tabular, name, size)
                else:
                    X, y, X_test, y_test, k = synthetic_table(name, size)
                fitted = {}

                def tabm(X=X, y=y, k=k, fitted=fitted):
                    clf = OrdinalKLClassifier(
                        module="tabm", classes=list(range(k)), random_state=0, **settings
                    )
                    fitted["tabm"] = clf.fit(X, y)

                def hgb(X=X, y=y, fitted=fitted):
                    fitted["hgb"] = HistGradientBoostingRegressor(random_state=0).fit(X, y)

                result = interleaved({"tabm": tabm, "hgb_reg": hgb}, args.repeats, warmup=0)
                proba = fitted["tabm"].predict_proba_ordinal(X_test)
                tabm_mse = [np.mean((predict_index(proba, r) - y_test) ** 2) for r in RULES]
                hgb_pred = np.clip(np.rint(fitted["hgb"].predict(X_test)), 0, k - 1)
                ratio = 1 / result["hgb_reg"]["ratio"]
                label = f"{name} ({len(y)} rows)"
                epochs[label] = len(fitted["tabm"].history)
                rows.append(
                    [
                        name,
                        f"{X.shape[0]} x {X.shape[1]}",
                        fmt_seconds(result["tabm"]["median"]),
                        epochs[label],
                        fmt_seconds(result["hgb_reg"]["median"]),
                        f"{ratio:.1f}",
                        " / ".join(f"{m:.4g}" for m in tabm_mse),
                        f"{np.mean((hgb_pred - y_test) ** 2):.4g}",
                    ]
                )
                print_table(f"{label}, so far", headers, rows[-1:])
                checks.append(
                    check(
                        f"tabm / hgb_reg fit, {label}",
                        ratio,
                        f"<= {TARGET_RATIO:g} (moonshot <= {MOONSHOT_RATIO:g})",
                        ratio <= TARGET_RATIO,
                    )
                )
    title = (
        f"One default TabM fit vs HistGradientBoostingRegressor, {source} data, holdout 0, "
        f"one thread each, median of {args.repeats} interleaved repetitions"
        + (f"; TabM with {settings}" if settings else "")
    )
    print_table(title, headers, rows)
    notes = [
        "tabm / hgb_reg: median of the per-repetition ratios of the two fits, run side by "
        "side on the same preprocessed rows.",
        "Test MSE on the class index of holdout 0's test part (information: one holdout, "
        "one seed; the benchmark's paired comparison is in the performance notes).",
    ]
    report(
        "bench_tabm_vs_boosting",
        "Default TabM fit vs gradient boosting",
        args,
        [{"title": title, "headers": headers, "rows": rows}],
        checks,
        notes,
    )


if __name__ == "__main__":
    main()
