"""Does ``torch.compile`` (skorch's ``compile=True``) pay off for OrdinalKLClassifier?

skorch's ``compile=True`` wraps ``module_`` and ``criterion_`` in ``torch.compile``. This
fits the default estimator (TabularMLP, GaussianKLCrossEntropy, batch 128, 5 epochs,
20k x 20) with and without it, at K=5 and K=1000, and reports from skorch's history:

* first epoch -- includes compilation (dynamo and inductor caches are reset before
  every compiled fit, so each pays the full compile; the on-disk inductor cache may
  still help later fits);
* steady epoch -- median duration of epochs 2..5, the per-epoch cost once compiled.

Kept only where it pays off: the default stays ``compile=False`` unless a steady compiled
epoch is faster *and* the compile time is recovered within 100 epochs.

    python benchmarks/bench_compile.py [--quick] [--threads 1] [--repeats 3]
"""

from __future__ import annotations

import statistics
import time

import torch
from _timing import base_parser, fmt_seconds, make_tabular, print_table, report, setup

from sk_ordinal_kl import OrdinalKLClassifier

EPOCHS = 5
BATCH = 128
PAYBACK_EPOCHS = 100


def fit_once(X, y, compile_: bool) -> dict:
    if compile_:
        torch._dynamo.reset()  # every compiled fit pays its own compilation
    start = time.perf_counter()
    net = OrdinalKLClassifier(
        compile=compile_, max_epochs=EPOCHS, batch_size=BATCH, random_state=0, verbose=0
    ).fit(X, y)
    durations = list(net.history[:, "dur"])
    return {
        "total": time.perf_counter() - start,
        "first": durations[0],
        "steady": statistics.median(durations[1:]),
    }


def measure(k: int, n: int, repeats: int) -> dict:
    fit_once(*make_tabular(512, 20, 5), False)  # lazy initialisation, outside the timings
    X, y = make_tabular(n, 20, k)
    runs = {False: [], True: []}
    for rep in range(repeats):
        for compile_ in (False, True) if rep % 2 == 0 else (True, False):
            runs[compile_].append(fit_once(X, y, compile_))
    return {
        c: {key: statistics.median(r[key] for r in rs) for key in ("total", "first", "steady")}
        for c, rs in runs.items()
    }


def main() -> None:
    parser = base_parser(__doc__, default_repeats=3)
    args = parser.parse_args()
    setup(args)
    n = 4_000 if args.quick else 20_000
    rows, verdicts = [], []
    for k in (5, 1000):
        result = measure(k, n, args.repeats)
        eager, compiled = result[False], result[True]
        compile_cost = compiled["first"] - eager["first"]
        saving = eager["steady"] - compiled["steady"]
        pays = saving > 0 and compile_cost / saving <= PAYBACK_EPOCHS
        verdicts.append(f"K={k}: {'pays off' if pays else 'does not pay off'}")
        for name, res in (("compile=False", eager), ("compile=True", compiled)):
            rows.append(
                [
                    k,
                    name,
                    fmt_seconds(res["first"]),
                    fmt_seconds(res["steady"]),
                    f"{res['steady'] / eager['steady']:.2f}",
                    fmt_seconds(res["total"]),
                ]
            )
    title = (
        f"torch.compile through skorch's compile=True: N={n:,}x20, batch {BATCH}, "
        f"{EPOCHS} epochs, median of {args.repeats} fits"
    )
    headers = ["K", "variant", "first epoch", "steady epoch", "steady ratio", "fit total"]
    print_table(title, headers, rows)
    print("\n" + "; ".join(verdicts))
    report(
        "compile",
        "torch.compile (skorch compile=True)",
        args,
        [{"title": title, "headers": headers, "rows": rows}],
        [],
        notes=[
            "first epoch of a compiled fit includes compilation (caches reset per fit)",
            f"verdict (steady epoch faster and compile recovered within {PAYBACK_EPOCHS} "
            f"epochs): {'; '.join(verdicts)}",
            "compile=True works with the estimator (tests/test_classifier.py checks it with "
            "dynamo's eager backend); the default stays compile=False",
        ],
    )


if __name__ == "__main__":
    main()
