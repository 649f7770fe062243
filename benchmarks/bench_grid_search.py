"""``OrdinalKLClassifierCV`` (the grid as one batched network per fold) vs ``GridSearchCV``.

Both search alpha in {0.5, 1, 2} x sigma in {0.5, 1, 2} with 3 stratified folds and then
refit the best candidate on all rows, n_jobs=1, one torch thread; the estimator is the
default ``OrdinalKLClassifier`` (MLP 64-64, dropout 0.1) with 15 epochs, on 4,500 x 20
float32 rows with K=10 classes (a latent score cut at quantiles), 1,500 test rows.

* ``GridSearchCV``: ``GridSearchCV(OrdinalKLClassifier(...), {"alpha": ..., "sigma": ...})``
  (argmax decision, 27 fits + 1 refit);
* ``OrdinalKLClassifierCV``: the same grid and argmax (3 batched fits + 1 refit);
* ``OrdinalKLClassifierCV, rules``: also choosing the rule (argmax, median, mean) from
  the same fits, for information.

Reported: the median time of each over interleaved repetitions, the median paired ratio
to ``GridSearchCV``, the selected parameters and their test MSE on the class index, and
the cost per candidate (search time / 9) as a ratio to one scikit-learn
``MLPClassifier`` fit of the same shape (hidden (64, 64), 15 epochs of batch 64, on the
3,000 rows of one fold).

A second table shows the floor of the batched fit: one fold's fit (3,000 rows) of a lone
``OrdinalKLClassifier`` against a ``StackedMLP`` of 9 members (one fold's grid) and of 27
members (the cost of all three folds' grids in one network), with dropout 0.1 (the
default) and 0, as the cost per member relative to the lone fit.

Target: OrdinalKLClassifierCV / GridSearchCV <= 0.25, test MSE within 3%.

    python benchmarks/bench_grid_search.py [--quick] [--repeats 5]
"""

from __future__ import annotations

import warnings

from _timing import (
    base_parser,
    check,
    fmt_seconds,
    interleaved,
    make_tabular,
    print_table,
    report,
    setup,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from sk_ordinal_kl import OrdinalKLClassifier, OrdinalKLClassifierCV
from sk_ordinal_kl.losses import GaussianKLGridCrossEntropy
from sk_ordinal_kl.metrics import mse_class_index
from sk_ordinal_kl.modules import StackedMLP

ALPHAS = (0.5, 1.0, 2.0)
SIGMAS = (0.5, 1.0, 2.0)
K = 10
EPOCHS = 15
TARGET_RATIO = 0.25
TARGET_MSE = 0.03


def main() -> None:
    args = base_parser(__doc__.split("\n\n")[0]).parse_args()
    setup(args)
    n_train, epochs = (900, 3) if args.quick else (4500, EPOCHS)
    X, y = make_tabular(n_train + n_train // 3, 20, K, seed=0)
    X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    template = OrdinalKLClassifier(max_epochs=epochs, random_state=0)
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    fitted = {}

    def grid_search():
        grid = {"alpha": list(ALPHAS), "sigma": list(SIGMAS)}
        search = GridSearchCV(template, grid, cv=folds, n_jobs=1)
        fitted["GridSearchCV"] = search.fit(X_train, y_train)

    def batched(name, rules):
        def run():
            search = OrdinalKLClassifierCV(
                template, alphas=ALPHAS, sigmas=SIGMAS, predictions=rules, cv=folds, n_jobs=1
            )
            fitted[name] = search.fit(X_train, y_train)

        return run

    def mlp_classifier():
        rows = n_train * 2 // 3
        MLPClassifier((64, 64), batch_size=64, max_iter=epochs, random_state=0).fit(
            X_train[:rows], y_train[:rows]
        )

    cases = {
        "GridSearchCV": grid_search,
        "OrdinalKLClassifierCV": batched("OrdinalKLClassifierCV", ("argmax",)),
        "OrdinalKLClassifierCV, rules": batched(
            "OrdinalKLClassifierCV, rules", ("argmax", "median", "mean")
        ),
        "MLPClassifier (one fit)": mlp_classifier,
    }
    with threadpool_limits(args.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        results = interleaved(cases, args.repeats, baseline="GridSearchCV")
        members = member_costs(
            X_train[: n_train * 2 // 3], y_train[: n_train * 2 // 3], epochs, args
        )

    one_fit = results["MLPClassifier (one fit)"]["median"]
    headers = [
        "search",
        "median time",
        "/ GridSearchCV",
        "per candidate / MLPClassifier",
        "selected",
        "test MSE (index)",
    ]
    rows, mse = [], {}
    for name in ("GridSearchCV", "OrdinalKLClassifierCV", "OrdinalKLClassifierCV, rules"):
        search = fitted[name]
        mse[name] = mse_class_index(y_test, search.predict(X_test), classes=list(range(K)))
        best = {key: search.best_params_[key] for key in sorted(search.best_params_)}
        rows.append(
            [
                name,
                fmt_seconds(results[name]["median"]),
                f"{results[name]['ratio']:.3f}",
                f"{results[name]['median'] / len(ALPHAS) / len(SIGMAS) / one_fit:.2f}",
                ", ".join(f"{k}={v}" for k, v in best.items()),
                f"{mse[name]:.4f}",
            ]
        )
    title = (
        f"3 x 3 grid, 3 folds, refit; {n_train} x 20 rows, K={K}, {epochs} epochs, "
        f"n_jobs=1, {args.threads} thread(s); one MLPClassifier fit: {fmt_seconds(one_fit)}"
    )
    print_table(title, headers, rows)
    ratio = results["OrdinalKLClassifierCV"]["ratio"]
    gap = mse["OrdinalKLClassifierCV"] / mse["GridSearchCV"] - 1
    checks = [
        check(
            "OrdinalKLClassifierCV / GridSearchCV",
            ratio,
            f"<= {TARGET_RATIO}",
            ratio <= TARGET_RATIO,
        ),
        check("test MSE, batched / GridSearchCV - 1", gap, f"<= {TARGET_MSE}", gap <= TARGET_MSE),
    ]
    report(
        "bench_grid_search",
        "One-pass grid search vs GridSearchCV",
        args,
        [{"title": title, "headers": headers, "rows": rows}, members],
        checks,
    )


def member_costs(X, y, epochs: int, args) -> dict:
    """Time one fold's fit alone and as 9 and 27 stacked members; print and return the table."""

    def fit(members: int, dropout: float):
        if members == 1:
            net = OrdinalKLClassifier(max_epochs=epochs, random_state=0, module__dropout=dropout)
        else:
            net = OrdinalKLClassifier(
                module=StackedMLP,
                module__n_members=members,
                module__dropout=dropout,
                criterion=GaussianKLGridCrossEntropy,
                criterion__alphas=[1.0] * members,
                criterion__sigmas=[1.0] * members,
                max_epochs=epochs,
                random_state=0,
            )
        return lambda: net.fit(X, y)

    cases = {
        f"{members} x dropout {dropout}": fit(members, dropout)
        for dropout in (0.1, 0.0)
        for members in (1, 9, 27)
    }
    results = interleaved(cases, args.repeats)
    headers = ["dropout", "lone fit", "9 members", "27 members", "per member, 9", "per member, 27"]
    rows = []
    for dropout in (0.1, 0.0):
        lone, nine, many = (results[f"{m} x dropout {dropout}"]["median"] for m in (1, 9, 27))
        rows.append(
            [
                dropout,
                fmt_seconds(lone),
                fmt_seconds(nine),
                fmt_seconds(many),
                f"{nine / lone / 9:.3f}",
                f"{many / lone / 27:.3f}",
            ]
        )
    title = (
        f"One fold's fit ({len(y)} x 20 rows, K={K}, {epochs} epochs): a lone net vs "
        "stacked members, cost per member relative to the lone fit"
    )
    print_table(title, headers, rows)
    return {"title": title, "headers": headers, "rows": rows}


if __name__ == "__main__":
    main()
