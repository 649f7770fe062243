"""``OrdinalKLClassifierCV`` on TabM against ``GridSearchCV`` over the same grid.

TabM takes the search's fit-per-candidate path (the stacked grid covers the default MLP
only): one fit per (fold, alpha x sigma candidate) scores every decision rule from the
same held-out probabilities, where ``GridSearchCV`` fits each (alpha, sigma, rule) point
separately. Both search alpha in {0.5, 1} x sigma in {0.5, 1} x rule in {argmax, median,
mean}, 3-fold stratified CV scored by MSE on the class index, refit included, on the
same seeded TabM, one thread, interleaved. Printed: both times and their ratio, whether
the two choose the same parameters, and both refits' test MSE on the class index.

    python benchmarks/bench_tabm_search.py [--rows 2000] [--repeats 3] [--json FILE]
"""

from __future__ import annotations

import numpy as np
from _timing import base_parser, check, fmt_seconds, interleaved, print_table, report, setup
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sk_ordinal_kl import OrdinalKLClassifier, OrdinalKLClassifierCV
from sk_ordinal_kl.metrics import mse_class_index, neg_mse_class_index_scorer

ALPHAS = (0.5, 1.0)
SIGMAS = (0.5, 1.0)
RULES = ("argmax", "median", "mean")
TARGET = 0.5  # one-pass / GridSearchCV


def _data(n_rows: int, seed: int = 0):
    """Mixed-scale numeric rows with a latent ordinal score cut into 5 classes."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows + 1000, 12)).astype(np.float32)
    score = X[:, 0] + 0.5 * X[:, 1] ** 2 - 0.7 * X[:, 2] * X[:, 3] + 0.5 * rng.normal(size=len(X))
    y = np.digitize(score, np.quantile(score, [0.2, 0.4, 0.6, 0.8]))
    return X[:n_rows], y[:n_rows], X[n_rows:], y[n_rows:]


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0], default_repeats=3)
    parser.add_argument("--rows", type=int, default=2000, help="training rows (default 2000)")
    args = parser.parse_args()
    setup(args)
    rows = 200 if args.quick else args.rows
    X, y, X_test, y_test = _data(rows)
    tabm = OrdinalKLClassifier(module="tabm", random_state=0, max_epochs=2 if args.quick else 100)
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    fitted = {}

    def one_pass():
        search = OrdinalKLClassifierCV(
            tabm, alphas=ALPHAS, sigmas=SIGMAS, predictions=RULES, cv=folds
        )
        fitted["one-pass"] = search.fit(X, y)

    def grid_search():
        grid = {"alpha": list(ALPHAS), "sigma": list(SIGMAS), "prediction": list(RULES)}
        search = GridSearchCV(tabm, grid, cv=folds, scoring=neg_mse_class_index_scorer)
        fitted["GridSearchCV"] = search.fit(X, y)

    times = interleaved(
        {"GridSearchCV": grid_search, "one-pass": one_pass}, args.repeats, warmup=0
    )
    ratio = times["one-pass"]["ratio"]
    ours, theirs = fitted["one-pass"], fitted["GridSearchCV"]
    same = ours.best_params_ == theirs.best_params_
    headers = ["search", "time (median)", "ratio", "best_params_", "test MSE (index)"]
    table_rows = [
        [
            name,
            fmt_seconds(times[name]["median"]),
            f"{times[name]['ratio']:.3f}",
            str(fitted[name].best_params_),
            f"{mse_class_index(y_test, fitted[name].predict(X_test)):.4f}",
        ]
        for name in ("GridSearchCV", "one-pass")
    ]
    title = (
        f"TabM (defaults, random_state=0), {rows} x 12 rows, K=5, 3-fold CV, "
        f"{len(ALPHAS) * len(SIGMAS) * len(RULES)} candidates, refit, one thread, "
        f"median of {args.repeats} interleaved repetitions; path: "
        f"{'batched' if ours.batched_ else 'one fit per (fold, alpha x sigma candidate)'}"
    )
    print_table(title, headers, table_rows)
    checks = [
        check("one-pass / GridSearchCV time, TabM", ratio, f"<= {TARGET}", ratio <= TARGET),
        check("same best_params_ (1 = yes)", float(same), "1", same),
    ]
    report(
        "tabm_search",
        "One-pass search on TabM vs GridSearchCV",
        args,
        [{"title": title, "headers": headers, "rows": table_rows}],
        checks,
    )


if __name__ == "__main__":
    main()
