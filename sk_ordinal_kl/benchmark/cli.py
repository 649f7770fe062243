"""Command line of ``python -m sk_ordinal_kl.benchmark``.

* no arguments — a demonstration on the embedded, download-free sets: 3 stratified
  75/25 holdouts each, one method per family (``DEMO_METHODS``), 40 epochs per neural
  fit and a 2-fold inner search (``DEMO_PROTOCOL``); ``--full`` runs them under the
  standard protocol, every default method and 10 holdouts;
* ``--data-dir PATH [PATH ...]`` — every orreview-format and CSV-format dataset under the
  folders (``--datasets`` to select, ``--holdouts N`` to cap; all published orreview
  holdouts and ``--csv-holdouts`` (10) cut holdouts by default);
* ``--csv FILE --target COLUMN [--order a b c ...]`` — your own table: one CSV file, its
  label column and the labels in ordinal order (needed for text labels), cut into
  ``--csv-holdouts`` stratified 75/25 holdouts as the CSV sets are;
* ``--train-sizes 300 1000 all`` — learning curves: each size a stratified subsample of
  every training part;
* ``--quick`` — 2 holdouts, 10 epochs, small grids and 2-fold inner CV (for CI).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from .data import DatasetSource, csv_file_source, data_dir_sources, embedded_sources
from .methods import (
    ALL_METHODS,
    DECISION_METHODS,
    DEMO_METHODS,
    LOSS_METHODS,
    METHODS,
    available_methods,
)
from .protocol import DEMO_PROTOCOL, QUICK_PROTOCOL, Protocol
from .report import load_run, write_outputs
from .runner import ALL_SIZES, check_size, run_benchmark

__all__ = ["build_parser", "main", "protocol_from_args", "sources_from_args"]


def _size(text: str) -> str:
    try:
        return check_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _values(values) -> str:
    return " ".join(f"{v:g}" for v in values)


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python -m sk_ordinal_kl.benchmark``.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog="python -m sk_ordinal_kl.benchmark",
        description="CE+KL vs CE (tuned decision) vs tuned peers on ordinal data: 95% CIs, "
        "paired Wilcoxon tests, Friedman + Nemenyi across datasets.",
    )
    add = parser.add_argument
    add(
        "--data-dir",
        type=Path,
        nargs="+",
        help="folder(s) of orreview datasets (<name>/train_<name>.<k>, test_<name>.<k>) "
        "and/or CSV datasets (<name>/<name>.csv with <name>.json); none ship with the package",
    )
    add(
        "--csv",
        type=Path,
        metavar="FILE",
        help="your own table: a CSV file with a header row (needs --target; cut into "
        "--csv-holdouts stratified 75/25 holdouts)",
    )
    add("--target", metavar="COLUMN", help="the label column of --csv")
    add(
        "--order",
        nargs="+",
        metavar="LABEL",
        help="every label of --target in ordinal order (required for text labels; "
        "numeric labels default to ascending)",
    )
    add("--datasets", nargs="+", metavar="NAME", help="datasets to run")
    add(
        "--holdouts",
        type=_positive,
        metavar="N",
        help="cap holdouts per dataset (default: all; 2 with --quick)",
    )
    add(
        "--csv-holdouts",
        type=_positive,
        default=10,
        metavar="N",
        help="stratified 75/25 holdouts cut from each CSV dataset and from --csv (default: 10)",
    )
    add(
        "--train-sizes",
        type=_size,
        nargs="+",
        metavar="N",
        help=f"training rows per holdout (stratified subsamples; {ALL_SIZES!r} = whole part)",
    )
    add(
        "--max-train",
        type=_positive,
        metavar="N",
        help="cap on the training rows of a holdout (default: no cap)",
    )
    add(
        "--quick",
        action="store_true",
        help="CI mode: 2 holdouts, 10 epochs, small grids, 2-fold inner CV",
    )
    add(
        "--full",
        action="store_true",
        help="on the embedded sets: the standard protocol, every default method and 10 "
        "holdouts instead of the demonstration (3 holdouts, one method per family, 40 "
        "epochs, 2-fold inner search)",
    )
    add(
        "--methods",
        nargs="+",
        metavar="NAME",
        choices=list(ALL_METHODS),
        help=f"methods to run (default: {', '.join(METHODS)}; opt-in: "
        f"{', '.join([*DECISION_METHODS, *LOSS_METHODS])})",
    )
    add(
        "--out",
        type=Path,
        default=Path("benchmark_results"),
        help="output folder (default: benchmark_results/)",
    )
    add("--cache-dir", type=Path, help="result cache (default: OUT/cache)")
    add(
        "--n-jobs",
        type=_positive,
        default=min(2, os.cpu_count() or 1),
        help="parallel workers over (dataset, holdout, size) tasks (default: min(2, CPUs))",
    )
    default, quick = Protocol(), QUICK_PROTOCOL
    add(
        "--max-epochs",
        type=_positive,
        help=f"epochs of every neural fit (default: {default.max_epochs}; "
        f"{quick.max_epochs} with --quick, which this overrides)",
    )
    add(
        "--alphas",
        type=float,
        nargs="+",
        help=f"alpha grid of ce_kl* (default: {_values(default.alphas)}; "
        f"{_values(quick.alphas)} with --quick)",
    )
    add(
        "--sigmas",
        type=float,
        nargs="+",
        help=f"sigma grid of ce_kl* (default: {_values(default.sigmas)}; "
        f"{_values(quick.sigmas)} with --quick)",
    )
    add(
        "--inner-cv",
        type=_positive,
        help=f"folds of the inner search (default: {default.inner_cv}; "
        f"{quick.inner_cv} with --quick)",
    )
    add("--heatmap-dataset", help="dataset of the alpha x sigma heatmap")
    add("--no-progress", action="store_true", help="no progress bar")
    add(
        "--rerender",
        type=Path,
        nargs="+",
        metavar="FOLDER",
        help="re-write the report and figures of finished runs from their CSVs (no fitting)",
    )
    return parser


def _stop(parser: argparse.ArgumentParser, error: Exception) -> NoReturn:
    """Exit with status 2 and the one line that says what is wrong (data problems need no
    usage block), before anything is written."""
    parser.exit(2, f"{parser.prog}: error: {str(error).strip()}\n")


def _check_out(out: Path) -> None:
    """``--out`` must be a folder or creatable as one: no file on its path."""
    for path in (out, *out.parents):
        if path.exists():
            if not path.is_dir():
                raise ValueError(f"--out {out}: {path} is a file, not a folder.")
            return


def _rerender(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    for folder in args.rerender:
        if not folder.is_dir():
            _stop(parser, ValueError(f"--rerender {folder}: folder not found."))
        missing = [f for f in ("run_info.json", "results.csv") if not (folder / f).is_file()]
        if missing:
            _stop(
                parser, ValueError(f"{folder} is not a finished benchmark run: no {missing[0]}.")
            )
    for folder in args.rerender:
        try:
            run = load_run(folder)
        except (OSError, ValueError, KeyError) as exc:
            _stop(parser, ValueError(f"{folder}: cannot read the run back ({exc!r})."))
        write_outputs(run, folder, args.heatmap_dataset)
        print(f"re-rendered {folder}/summary.md and its figures", flush=True)
    return 0


def protocol_from_args(args: argparse.Namespace) -> Protocol:
    """Protocol of the parsed CLI arguments (``--quick`` base, explicit flags override).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments; reads ``quick``, ``max_epochs``, ``alphas``, ``sigmas``,
        ``inner_cv`` and ``max_train`` (None keeps the base protocol's value).

    Returns
    -------
    protocol : Protocol
        :data:`~sk_ordinal_kl.benchmark.protocol.QUICK_PROTOCOL` or the default protocol,
        with the flags given applied.
    """
    if args.quick:
        protocol = QUICK_PROTOCOL
    elif _demo(args):
        protocol = DEMO_PROTOCOL
    else:
        protocol = Protocol()
    overrides = {
        "max_epochs": args.max_epochs,
        "alphas": tuple(args.alphas) if args.alphas else None,
        "sigmas": tuple(args.sigmas) if args.sigmas else None,
        "inner_cv": args.inner_cv,
        "max_train": args.max_train,
    }
    return replace(protocol, **{k: v for k, v in overrides.items() if v is not None})


def _label(text: str) -> int | float | str:
    """A label given on the command line: a number when it reads as one."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _check_source_flags(args: argparse.Namespace) -> None:
    """--csv needs --target, excludes --data-dir; --target and --order need --csv."""
    if args.csv is not None:
        if args.data_dir:
            raise ValueError("give either --csv or --data-dir, not both.")
        if not args.target:
            raise ValueError("--csv needs --target COLUMN, the name of the label column.")
        if args.datasets:
            raise ValueError("--datasets selects from --data-dir; --csv is one dataset.")
    elif args.target or args.order:
        raise ValueError("--target and --order describe the table given with --csv FILE.")


def _demo(args: argparse.Namespace) -> bool:
    """Whether this is the demonstration run: the embedded sets, neither --quick nor --full."""
    return not (args.data_dir or args.csv is not None or args.quick or args.full)


def sources_from_args(args: argparse.Namespace) -> list[DatasetSource]:
    """Datasets of the parsed CLI arguments.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments; reads ``csv``, ``target``, ``order``, ``data_dir``,
        ``datasets``, ``holdouts``, ``csv_holdouts``, ``quick`` and ``full``.

    Returns
    -------
    sources : list of DatasetSource
        The ``--csv`` file, else every orreview and CSV dataset under the
        ``--data-dir`` folders (or the ``--datasets`` named), else the embedded sets;
        holdouts capped at ``--holdouts`` (2 with ``--quick``); uncapped, 3 per embedded
        set in the demonstration and 10 with ``--full``.
    """
    _check_source_flags(args)
    cap = args.holdouts if args.holdouts is not None else (2 if args.quick else None)
    if args.csv is not None:
        order = None if args.order is None else [_label(text) for text in args.order]
        n_holdouts = min(args.csv_holdouts, cap) if cap else args.csv_holdouts
        return [csv_file_source(args.csv, args.target, order, n_holdouts)]
    if args.data_dir:
        return data_dir_sources(args.data_dir, args.datasets, cap, args.csv_holdouts)
    return embedded_sources(cap or (3 if _demo(args) else 10), args.datasets)


def _source_info(source: DatasetSource) -> dict:
    info = {"kind": source.kind, "root": source.root, "split_seed": source.split_seed}
    if source.kind == "csv-file":
        classes = None if source.classes is None else list(source.classes)
        info.update(target=source.target, classes=classes)
    return info


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: run the benchmark, or re-render finished runs.

    Parameters
    ----------
    argv : sequence of str, optional
        The options of :func:`build_parser`; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success, 1 when some unit failed (outputs are still written); bad options
        or data exit with status 2 before anything is written.

    Examples
    --------
    >>> main(["--quick", "--data-dir", "data", "--datasets", "tae"])  # doctest: +SKIP
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.rerender:
        return _rerender(parser, args)
    protocol = protocol_from_args(args)
    try:
        _check_out(args.out)
        sources = sources_from_args(args)
    except (OSError, ValueError) as exc:
        _stop(parser, exc)
    default_methods = DEMO_METHODS if _demo(args) else METHODS
    methods = {m: ALL_METHODS[m] for m in (args.methods or default_methods)}
    _, skipped = available_methods(methods)
    for name, reason in skipped.items():
        print(f"skipped peer {name}: {reason}", flush=True)
    run = run_benchmark(
        sources,
        methods,
        protocol,
        args.cache_dir or args.out / "cache",
        args.n_jobs,
        progress=not args.no_progress,
        train_sizes=args.train_sizes or (ALL_SIZES,),
    )
    run.info["command"] = shlex.join(["python", "-m", "sk_ordinal_kl.benchmark", *argv])
    run.info["sources"] = {source.name: _source_info(source) for source in sources}
    if args.data_dir or args.csv is not None:
        run.info["csv_holdouts"] = args.csv_holdouts
    files = write_outputs(run, args.out, args.heatmap_dataset)
    print(files["summary.md"].read_text(encoding="utf-8"))
    print(
        f"{run.computed} units computed, {run.cached} results from cache, "
        f"{run.seconds:.1f} s ({run.cpu_seconds:.0f} s of CPU); outputs in {args.out}/",
        flush=True,
    )
    for failure in run.failures:
        print(
            "FAILED {dataset} (size {size}) {method} holdout {holdout}: {error}".format(**failure),
            file=sys.stderr,
        )
    return exit_status(run.failures)


def exit_status(failures: list[dict]) -> int:
    """1 if a unit raised, else 0: running out of the solver time limit is a protocol
    outcome, reported with the failures, not an error of the run."""
    return 1 if any(not failure.get("time_limit") for failure in failures) else 0
