"""The committed full benchmark run: three invocations of the benchmark sharing one cache.

``python benchmarks/tools/full_run.py --orreview ORREVIEW_DIR --tabular CSV_DIR``
regenerates ``docs/benchmark_results/``. ``ORREVIEW_DIR`` holds the orreview datasets in
their published holdout format (one folder per dataset, read by
:func:`~sk_ordinal_kl.datasets.load_orreview_holdout`) and ``CSV_DIR`` the mixed-type CSV
datasets (``<name>/<name>.csv`` with ``<name>.json``, read by
:func:`~sk_ordinal_kl.datasets.load_tabular_csv`); neither ships with the package. Both
folders are passed on to ``python -m sk_ordinal_kl.benchmark --data-dir``.

* ``main/`` — every default method on all 10 orreview datasets (the first
  ``ORREVIEW_HOLDOUTS`` published holdouts of each) and the CSV datasets
  (``CSV_HOLDOUTS`` stratified 75/25 holdouts, training parts capped at ``MAX_TRAIN``
  rows);
* ``decisions/`` — CE and CE+KL with a tuned decision
  (:class:`~sk_ordinal_kl.decision.TunedOrdinalDecisionCV`) on the same holdouts,
  against the tuned rules and the best fixed rule in hindsight;
* ``learning_curves/`` — ce_rule, ce_kl_rule, hgb_reg and corn on loan-subgrade,
  movie-rating and ERA at ``TRAIN_SIZES`` training rows.

All three share the protocol and the cache, so a unit computed by one (e.g. ce_kl_rule on
ERA holdout 0) is read by the others, and an interrupted run resumes where it stopped:
run the same command again. ``--rerender`` rewrites the three reports and their figures
from the committed CSVs without fitting anything.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from sk_ordinal_kl.benchmark.cli import main as benchmark_main

#: Published holdouts run per orreview dataset (of 30; 20 for pyrim10). Twelve tuned
#: methods on all of them would take about three hours on 2 cores.
ORREVIEW_HOLDOUTS = 10
#: Holdouts cut from each CSV dataset, and the cap on their training rows.
CSV_HOLDOUTS = 5
MAX_TRAIN = 2000
#: Training sizes of the learning curves ("all" = the capped training part).
TRAIN_SIZES = ("250", "500", "1000", "all")
LEARNING_CURVE_DATASETS = ("loan-subgrade", "movie-rating", "ERA")
LEARNING_CURVE_METHODS = ("ce_rule", "ce_kl_rule", "hgb_reg", "corn")
LEARNING_CURVE_HOLDOUTS = 3
RUNS = ("main", "decisions", "learning_curves")
DECISION_METHODS = ("ce_rule", "ce_kl_rule", "ce_tuned_decision", "ce_kl_tuned_decision")


def invocations(orreview: Path, tabular: Path, out: Path, cache: Path, n_jobs: int):
    """The three benchmark command lines (name -> argv), in the order they run."""
    common = [
        *("--data-dir", str(orreview), str(tabular)),
        *("--holdouts", str(ORREVIEW_HOLDOUTS)),
        *("--csv-holdouts", str(CSV_HOLDOUTS), "--max-train", str(MAX_TRAIN)),
        *("--cache-dir", str(cache), "--n-jobs", str(n_jobs), "--no-progress"),
    ]
    return {
        "main": [*common, "--out", str(out / "main")],
        "decisions": [*common, "--methods", *DECISION_METHODS, "--out", str(out / "decisions")],
        "learning_curves": [
            *common,
            *("--datasets", *LEARNING_CURVE_DATASETS),
            *("--methods", *LEARNING_CURVE_METHODS),
            *("--train-sizes", *TRAIN_SIZES),
            *("--holdouts", str(LEARNING_CURVE_HOLDOUTS)),  # the last --holdouts wins
            *("--out", str(out / "learning_curves")),
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three invocations (or re-render their reports); print how long each took.

    Parameters
    ----------
    argv : sequence of str, optional
        ``--orreview DIR --tabular DIR`` and the options below (``--only``,
        ``--rerender``, ...); ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        The worst status of the benchmark runs: 0 when every unit succeeded, 1 when
        some unit failed.
    """
    parser = argparse.ArgumentParser(prog="python benchmarks/tools/full_run.py")
    parser.add_argument(
        "--orreview",
        type=Path,
        required=True,
        help="folder of the orreview datasets: <name>/train_<name>.<k> and test_<name>.<k>",
    )
    parser.add_argument(
        "--tabular",
        type=Path,
        required=True,
        help="folder of the mixed-type CSV datasets: <name>/<name>.csv and <name>.json",
    )
    parser.add_argument("--out", type=Path, default=Path("docs/benchmark_results"))
    parser.add_argument("--cache-dir", type=Path, default=Path("benchmark_results/cache"))
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--only", nargs="+", choices=RUNS)
    parser.add_argument("--rerender", action="store_true", help="rewrite reports from the CSVs")
    args = parser.parse_args(argv)
    if args.rerender:
        folders = [str(args.out / name) for name in args.only or RUNS]
        return benchmark_main(["--rerender", *folders])
    runs = invocations(args.orreview, args.tabular, args.out, args.cache_dir, args.n_jobs)
    status = 0
    for name, run_argv in runs.items():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        status = max(status, benchmark_main(run_argv))
        print(f"[full_run] {name}: {time.perf_counter() - start:.0f} s", flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
