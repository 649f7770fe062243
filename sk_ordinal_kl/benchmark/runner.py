"""Running the benchmark: inner searches, fits on each holdout, the resumable cache.

One *task* is (dataset, holdout, training size). For each method the task reads the
cached result or computes it: the method's inner search (shared between methods that
name the same search, and cached on its own), the choice of the best grid point
(:func:`select_best`), the refit on the training part and the scores on the test part.
Tasks run in parallel over joblib workers, one torch thread each.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import make_scorer, mean_squared_error
from sklearn.model_selection import GridSearchCV, ParameterGrid, StratifiedKFold
from threadpoolctl import threadpool_limits

from ..conformal import (
    OrdinalConformalClassifier,
    coverage_score,
    mean_interval_width,
    min_calibration_samples,
)
from ..datasets import stratified_holdouts
from ..decision import predict_index
from ..labels import predict_proba_ordinal
from ..search import OrdinalKLClassifierCV
from .cache import cache_key, cache_path, read_cached, write_atomic
from .data import DatasetSource, Split
from .methods import METHODS, MethodSpec, available_methods
from .peers import SolverTimeLimitError, rule_mse_scorer
from .protocol import Protocol
from .statistics import METRICS, score_split

__all__ = ["ALL_SIZES", "BenchmarkRun", "check_size", "run_benchmark", "select_best"]

#: Training-size label of "the whole training part" (capped by ``protocol.max_train``).
ALL_SIZES = "all"

#: MSE on the class index of ``predict`` (labels *are* class indices in the benchmark).
_INDEX_MSE = make_scorer(mean_squared_error, greater_is_better=False)


@contextlib.contextmanager
def _quiet_and_single_threaded() -> Iterator[None]:
    """One thread per task (parallelism is over tasks) and no known-noise warnings.

    Both torch's intra-op pool and the OpenMP/BLAS pools (histogram gradient boosting,
    BLAS in the linear peers) are held to one thread: two workers each spawning a pool
    per core would oversubscribe the CPUs and slow every method down several-fold.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The least populated class")
            warnings.filterwarnings("ignore", category=ConvergenceWarning)
            warnings.filterwarnings("ignore", message=".*[Ff]ound unknown categories")
            warnings.filterwarnings("ignore", message="Skipping features without any observed")
            # ogboost builds its trees with a criterion name scikit-learn deprecates.
            warnings.filterwarnings("ignore", message='Value `"friedman_mse"`')
            yield
    finally:
        torch.set_num_threads(threads)


def _training_part(split: Split, size: str, protocol: Protocol, seed: int) -> Split:
    """The split with its training part subsampled to ``size`` rows (and ``max_train``)."""
    caps = [protocol.max_train] if protocol.max_train else []
    if size != ALL_SIZES:
        caps.append(int(size))
    if not caps or min(caps) >= len(split.y_train):
        return split
    return split.subsample(min(caps), random_state=seed)


def _inner_search(
    spec: MethodSpec, split: Split, protocol: Protocol, seed: int
) -> list[dict[str, Any]]:
    """Inner stratified K-fold grid search of ``spec``; rows of (params, rule, cv_mse)."""
    if spec.batched:
        return _batched_inner_search(spec, split, protocol, seed)
    if spec.time_limited:
        return _time_limited_search(spec, split, protocol, seed)
    grid = spec.grid(protocol)
    scoring = (
        {rule: rule_mse_scorer(rule) for rule in protocol.rules}
        if spec.score_rules
        else {"predict": _INDEX_MSE}
    )
    search = GridSearchCV(
        spec.build(protocol, split.classes, seed),
        {f"clf__{name}": list(values) for name, values in grid.items()},
        scoring=scoring,
        refit=False,
        cv=StratifiedKFold(protocol.inner_cv, shuffle=True, random_state=seed),
        n_jobs=1,
        error_score="raise",
    )
    search.fit(split.X_train, split.y_train)
    results = search.cv_results_
    rows = []
    for i, params in enumerate(results["params"]):
        plain = {name.removeprefix("clf__"): _plain(value) for name, value in params.items()}
        for rule in scoring:
            rows.append(
                {"params": plain, "rule": rule, "cv_mse": float(-results[f"mean_test_{rule}"][i])}
            )
    return rows


def _time_limited_search(
    spec: MethodSpec, split: Split, protocol: Protocol, seed: int
) -> list[dict[str, Any]]:
    """The grid search of a time-limited peer: same folds, order and score as
    ``GridSearchCV``'s, within the protocol's time limits. A grid point whose fit runs
    out of ``solver_time_limit`` on one fold is not fitted on the others, and the points
    not reached within ``search_time_budget`` are not fitted at all: their ``cv_mse`` is
    NaN, and :func:`select_best` passes them over."""
    folds = list(
        StratifiedKFold(protocol.inner_cv, shuffle=True, random_state=seed).split(
            split.X_train, split.y_train
        )
    )
    X, y = split.X_train, split.y_train
    deadline = time.perf_counter() + protocol.search_time_budget
    rows = []
    for params in ParameterGrid(dict(spec.grid(protocol))):
        errors: list[float] = []
        for train, test in folds if time.perf_counter() < deadline else ():
            estimator = spec.build(protocol, split.classes, seed)
            estimator.set_params(**{f"clf__{name}": value for name, value in params.items()})
            try:
                estimator.fit(X.iloc[train], y[train])
            except SolverTimeLimitError:
                errors = []
                break
            errors.append(mean_squared_error(y[test], estimator.predict(X.iloc[test])))
        rows.append(
            {
                "params": {name: _plain(value) for name, value in params.items()},
                "rule": "predict",
                "cv_mse": float(np.mean(errors)) if len(errors) == len(folds) else np.nan,
            }
        )
    return rows


def _batched_inner_search(
    spec: MethodSpec, split: Split, protocol: Protocol, seed: int
) -> list[dict[str, Any]]:
    """The alpha x sigma grid of ``spec`` as one batched network per fold, same rows.

    ``OrdinalKLClassifierCV`` scores every candidate and rule on the same folds as the
    grid search would; it sits in the pipeline, so the preprocessor is fitted once on
    the training part (as a user's ``Pipeline(prep, OrdinalKLClassifierCV(...))`` does)
    rather than once per fold. Candidates come in the grid search's order (alpha, then
    sigma), so ties are broken alike.
    """
    grid = spec.grid(protocol)
    if set(grid) != {"alpha", "sigma"}:
        raise ValueError(f"a batched search takes an alpha x sigma grid, got {sorted(grid)}.")
    rules = list(protocol.rules) if spec.score_rules else ["argmax"]
    pipeline = spec.build(protocol, split.classes, seed)
    search = OrdinalKLClassifierCV(
        pipeline.named_steps["clf"],
        alphas=grid["alpha"],
        sigmas=grid["sigma"],
        predictions=rules,
        cv=StratifiedKFold(protocol.inner_cv, shuffle=True, random_state=seed),
        refit=False,
        n_jobs=1,
    )
    pipeline.set_params(clf=search).fit(split.X_train, split.y_train)
    results = search.cv_results_
    rows = []
    for params, score in zip(results["params"], results["mean_test_score"], strict=True):
        rule = params["prediction"] if spec.score_rules else "predict"
        plain = {"alpha": params["alpha"], "sigma": params["sigma"]}
        rows.append({"params": plain, "rule": rule, "cv_mse": float(-score)})
    return rows


def _plain(value: Any) -> Any:
    """A grid value as JSON keeps it (numpy scalars to Python numbers)."""
    return value.item() if isinstance(value, np.generic) else value


def select_best(rows: Sequence[dict[str, Any]], rules: Sequence[str]) -> dict[str, Any]:
    """The inner-search row with the lowest CV MSE among ``rules``.

    Ties go to the first row in grid order, so the choice is deterministic. Rows whose
    ``cv_mse`` is NaN (a grid point past the solver time limit) cannot be chosen.

    Parameters
    ----------
    rows : sequence of dict
        Inner-search rows with keys ``params``, ``rule`` and ``cv_mse``.
    rules : sequence of str
        Rules the method may choose from.

    Returns
    -------
    row : dict
        The chosen row.

    Raises
    ------
    ValueError
        If no row has one of ``rules``.
    SolverTimeLimitError
        If every such row ran out of time.

    Examples
    --------
    >>> rows = [{"params": {"alpha": a}, "rule": "argmax", "cv_mse": m}
    ...         for a, m in [(0.5, 2.0), (1.0, 1.5), (2.0, 1.5)]]
    >>> select_best(rows, ["argmax"])["params"]
    {'alpha': 1.0}
    """
    candidates = [row for row in rows if row["rule"] in rules]
    if not candidates:
        raise ValueError(f"no inner-search result for rules {list(rules)}")
    finished = [row for row in candidates if not np.isnan(row["cv_mse"])]
    if not finished:
        raise SolverTimeLimitError(
            "every grid point of the inner search ran out of the solver time limit."
        )
    return min(finished, key=lambda row: row["cv_mse"])


def _tuned(spec: MethodSpec, estimator: BaseEstimator, rows, protocol) -> dict[str, Any]:
    """Set the chosen grid point (and rule) on ``estimator``; return what was chosen."""
    if spec.grid is None:
        return {}
    best = select_best(rows, spec.selectable_rules(protocol))
    chosen = dict(best["params"])
    if best["rule"] != "predict":
        chosen["prediction"] = best["rule"]
    estimator.set_params(**{f"clf__{name}": value for name, value in chosen.items()})
    return chosen


def _evaluate(
    name: str, spec: MethodSpec, split: Split, size: str, protocol: Protocol, rows
) -> dict[str, Any]:
    """Fit ``spec`` (tuned) on the training part and score it on the test part."""
    seed = protocol.seed + split.holdout
    estimator = spec.build(protocol, split.classes, seed)
    chosen = _tuned(spec, estimator, rows, protocol)
    if spec.finalize is not None:
        estimator = spec.finalize(estimator, protocol, seed)
    start = time.perf_counter()
    estimator.fit(split.X_train, split.y_train)
    y_pred = estimator.predict(split.X_test)
    seconds = time.perf_counter() - start
    extra = {} if spec.finalize is None else _decision_facts(estimator, split, protocol)
    chosen.update(extra.pop("chosen", {}))
    return {
        "dataset": split.name,
        "size": size,
        "method": name,
        "holdout": split.holdout,
        "n_train": len(split.y_train),
        "n_test": len(split.y_test),
        "n_classes": split.n_classes,
        **score_split(split.y_test, y_pred, split.classes),
        "fit_seconds": seconds,
        "params": json.dumps(chosen, sort_keys=True),
        **extra,
        **_scores_by_rule(estimator, split, protocol),
    }


def _scores_by_rule(estimator, split: Split, protocol: Protocol) -> dict[str, str]:
    """Test MSE and MAE on the class index under every fixed rule, all read from the
    same fitted model's probabilities: what the choice of rule alone is worth. Empty for
    a method without ``predict_proba``."""
    if not hasattr(estimator, "predict_proba"):
        return {}
    columns = np.asarray(estimator.classes_, dtype=np.int64)  # labels are class indices
    proba = np.zeros((len(split.y_test), split.n_classes))
    proba[:, columns] = estimator.predict_proba(split.X_test)
    index = {rule: predict_index(proba, rule) for rule in protocol.rules}
    errors = {rule: predicted - split.y_test for rule, predicted in index.items()}
    mse = {rule: float(np.mean(error**2)) for rule, error in errors.items()}
    mae = {rule: float(np.mean(np.abs(error))) for rule, error in errors.items()}
    return {
        "mse_by_rule": json.dumps(mse, sort_keys=True),
        "mae_by_rule": json.dumps(mae, sort_keys=True),
    }


def _decision_facts(estimator, split: Split, protocol: Protocol) -> dict[str, Any]:
    """What a tuned decision chose, and the test MSE every fixed rule would have had.

    The fixed rules are applied to the same refitted model's probabilities, so the best
    of them *on the test part* is the hindsight benchmark the tuned decision is held to.
    """
    tuned = estimator.named_steps["clf"]
    proba = predict_proba_ordinal(estimator, split.X_test)
    rule_mse = {
        rule: float(np.mean((predict_index(proba, rule) - split.y_test) ** 2))
        for rule in protocol.rules
    }
    chosen = {"decision": tuned.best_decision_}
    if tuned.best_decision_ == "thresholds":
        chosen["thresholds"] = [round(float(t), 4) for t in tuned.thresholds_]
    return {"chosen": chosen, "rule_mse": json.dumps(rule_mse, sort_keys=True)}


def _conformal(
    name: str, spec: MethodSpec, split: Split, size: str, protocol: Protocol, rows
) -> dict[str, Any]:
    """Coverage and width of split-conformal sets of the tuned method on the test part.

    The tuned method is refitted on a stratified 75% of the training part and
    conformalized on the other 25%; calibration rows whose label that fit never saw are
    left out (counted in ``n_calibration_dropped``), test rows are all kept. A holdout
    with too few calibration rows for the level (e.g. 5 rows at 90%, which needs 9) gets
    NaN and a note instead of a set that could not keep its guarantee.
    """
    seed = protocol.seed + split.holdout
    fit, calibration = stratified_holdouts(split.y_train, 1, 0.25, random_state=seed)[0]
    seen = np.isin(split.y_train[calibration], split.y_train[fit])
    record = {
        "dataset": split.name,
        "size": size,
        "method": name,
        "holdout": split.holdout,
        "level": protocol.conformal_level,
        "coverage": np.nan,
        "width": np.nan,
        "n_calibration": int(seen.sum()),
        "n_calibration_dropped": int((~seen).sum()),
        "note": "",
    }
    needed = min_calibration_samples(protocol.conformal_level)
    if record["n_calibration"] < needed:
        record["note"] = f"too few calibration rows ({record['n_calibration']} < {needed})"
        return record
    calibration = calibration[seen]
    estimator = spec.build(protocol, split.classes, seed)
    _tuned(spec, estimator, rows, protocol)
    estimator.fit(split.X_train.iloc[fit], split.y_train[fit])
    conformal = OrdinalConformalClassifier(
        estimator, confidence_level=protocol.conformal_level, prefit=True
    ).conformalize(split.X_train.iloc[calibration], split.y_train[calibration])
    intervals = conformal.predict_interval(split.X_test)
    record["coverage"] = coverage_score(split.y_test, intervals, classes=split.classes)
    record["width"] = mean_interval_width(intervals, classes=split.classes)
    return record


def _common_key(source: DatasetSource, holdout: int, size: str, protocol: Protocol) -> dict:
    return {
        "data": source.identity(holdout),
        "size": size,
        "training": protocol.training(),
        "inner_cv": protocol.inner_cv,
    }


def _grid_key(spec: MethodSpec, protocol: Protocol) -> dict[str, Any]:
    if spec.grid is None:
        return {}
    rules = list(protocol.rules) if spec.score_rules else ["predict"]
    return {"grid": {k: list(v) for k, v in spec.grid(protocol).items()}, "rules": rules}


def _method_key(name, spec, common: dict, protocol: Protocol) -> str:
    payload = {"method": name, "description": spec.description, **common}
    payload.update(_grid_key(spec, protocol))
    return cache_key(payload)


def _search_key(search: str, spec: MethodSpec, common: dict, protocol: Protocol) -> str:
    return cache_key({"search": search, **common, **_grid_key(spec, protocol)})


@dataclass
class _TaskResult:
    records: list[dict]
    searches: list[dict] = field(default_factory=list)
    search_rows: dict[str, list[dict]] = field(default_factory=dict)
    conformal: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    computed: int = 0
    cached: int = 0
    cpu_seconds: float = 0.0


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the time-limited fits run
    in a forked child)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass
class _Task:
    """One (dataset, holdout, size) and the lazily loaded split it works on."""

    source: DatasetSource
    holdout: int
    size: str
    protocol: Protocol
    cache_dir: Path
    _split: Split | None = None

    @property
    def split(self) -> Split:
        if self._split is None:
            full = self.source.load(self.holdout)
            seed = self.protocol.seed + self.holdout
            self._split = _training_part(full, self.size, self.protocol, seed)
        return self._split

    def path(self, unit: str, key: str) -> Path:
        setting = f"{self.source.name}-{self.size}"
        return cache_path(self.cache_dir, setting, unit, self.holdout, key)


def _search_rows(task: _Task, spec: MethodSpec, search: str, common, result) -> list[dict]:
    """Rows of the inner search ``search`` on this task: run or read once, then shared."""
    if search in result.search_rows:
        return result.search_rows[search]
    key = _search_key(search, spec, common, task.protocol)
    path = task.path(f"_search_{search}", key)
    cached = read_cached(path)
    if cached is None:
        seed = task.protocol.seed + task.holdout
        cached = {"rows": _inner_search(spec, task.split, task.protocol, seed)}
        write_atomic(path, cached)
        result.computed += 1
    tags = {"dataset": task.source.name, "size": task.size, "holdout": task.holdout}
    result.searches += [{**tags, "search": search, **row} for row in cached["rows"]]
    result.search_rows[search] = cached["rows"]
    return cached["rows"]


def _run_task(task: _Task, methods: dict[str, MethodSpec]) -> _TaskResult:
    """All methods on one task, reading and filling the cache.

    A method that raises is recorded in ``failures`` (and not cached, so a rerun tries it
    again); the other methods of the task still run.
    """
    result = _TaskResult(records=[])
    start = _cpu_seconds()
    common = _common_key(task.source, task.holdout, task.size, task.protocol)
    with _quiet_and_single_threaded():
        for name, spec in methods.items():
            try:
                _run_method(task, name, spec, common, result)
            except Exception as exc:  # reported in the outputs and by the exit status
                result.failures.append(
                    {
                        "dataset": task.source.name,
                        "size": task.size,
                        "method": name,
                        "holdout": task.holdout,
                        "error": f"{type(exc).__name__}: {exc}".splitlines()[0][:300],
                        # a protocol outcome (reported), not a broken method
                        "time_limit": isinstance(exc, SolverTimeLimitError),
                    }
                )
    result.cpu_seconds = _cpu_seconds() - start
    return result


def _run_method(task: _Task, name: str, spec: MethodSpec, common, result: _TaskResult) -> None:
    rows = None
    if spec.grid is not None:
        rows = _search_rows(task, spec, spec.search or name, common, result)
    path = task.path(name, _method_key(name, spec, common, task.protocol))
    record = read_cached(path)
    if record is None:
        record = _evaluate(name, spec, task.split, task.size, task.protocol, rows)
        write_atomic(path, record)
        result.computed += 1
    else:
        result.cached += 1
    result.records.append(record)
    if name in task.protocol.conformal_methods:
        result.conformal.append(_conformal_record(task, name, spec, common, rows, result))


def _conformal_record(task: _Task, name, spec, common, rows, result) -> dict[str, Any]:
    payload = {"level": task.protocol.conformal_level, "kind": "conformal-aps"}
    key = _method_key(name, spec, {**common, **payload}, task.protocol)
    path = task.path(f"{name}__conformal", key)
    record = read_cached(path)
    if record is None:
        record = _conformal(name, spec, task.split, task.size, task.protocol, rows)
        write_atomic(path, record)
        result.computed += 1
    return record


@dataclass
class BenchmarkRun:
    """Everything a run produced.

    Attributes
    ----------
    results : DataFrame
        One row per (dataset, size, method, holdout) with all metrics.
    search : DataFrame
        Inner-search rows (``dataset, size, holdout, search, params, rule, cv_mse``).
    skipped : dict
        Method name -> reason it was skipped.
    computed : int
        Units computed in this run (method fits on a holdout, and inner searches).
    cached : int
        Method results read from the cache.
    seconds : float
        Wall-clock time of the run.
    protocol : Protocol
        The protocol used.
    conformal : DataFrame
        Coverage and mean width of conformal prediction sets per (dataset, size,
        method, holdout), for ``protocol.conformal_methods``.
    failures : list of dict
        Units that raised (dataset, size, method, holdout, error); empty when all ran.
    info : dict
        Free-form facts recorded with the outputs (e.g. the command line).
    cpu_seconds : float
        CPU time of the units (fits, searches, scoring), summed over the workers.
    """

    results: pd.DataFrame
    search: pd.DataFrame
    skipped: dict[str, str]
    computed: int
    cached: int
    seconds: float
    protocol: Protocol
    conformal: pd.DataFrame = field(default_factory=pd.DataFrame)
    failures: list[dict] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    cpu_seconds: float = 0.0


def _tasks(sources, sizes, protocol, cache_dir) -> list[_Task]:
    """Holdout-major order: a partial run covers every dataset and size evenly."""
    depth = max((len(s.holdouts) for s in sources), default=0)
    return [
        _Task(s, s.holdouts[i], size, protocol, cache_dir)
        for i in range(depth)
        for s in sources
        if i < len(s.holdouts)
        for size in sizes
    ]


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="benchmark", unit="task", file=sys.stderr, disable=not enabled)


def check_size(size: int | str) -> str:
    """A training size as its label: ``"all"`` or the digits of an integer > 1.

    Raises
    ------
    ValueError
        For anything else (names the value).
    """
    if str(size) == ALL_SIZES:
        return ALL_SIZES
    if isinstance(size, (int, np.integer, str)) and str(size).isdigit() and int(size) > 1:
        return str(int(size))
    raise ValueError(f"training sizes must be integers > 1 or {ALL_SIZES!r}; got {size!r}")


def _check_sizes(sizes: Sequence[int | str]) -> list[str]:
    return list(dict.fromkeys(check_size(size) for size in sizes))


def run_benchmark(
    sources: Sequence[DatasetSource],
    methods: dict[str, MethodSpec] | None = None,
    protocol: Protocol | None = None,
    cache_dir: str | os.PathLike[str] = "benchmark_results/cache",
    n_jobs: int = 1,
    progress: bool = True,
    train_sizes: Sequence[int | str] = (ALL_SIZES,),
) -> BenchmarkRun:
    """Run every available method on every holdout (and training size) of every source.

    Parameters
    ----------
    sources : sequence of DatasetSource
        Datasets and their holdouts.
    methods : dict, optional
        name -> MethodSpec; :data:`~sk_ordinal_kl.benchmark.methods.METHODS` by default.
    protocol : Protocol, optional
        Training and tuning protocol; ``Protocol()`` by default.
    cache_dir : path-like, default="benchmark_results/cache"
        Per-unit result cache (resumable).
    n_jobs : int, default=1
        joblib workers over tasks; each uses one torch thread.
    progress : bool, default=True
        Show a tqdm progress bar on stderr.
    train_sizes : sequence of int or "all", default=("all",)
        Training rows per holdout: each size is a stratified, seeded subsample of the
        training part (the test part is unchanged); ``"all"`` keeps it whole.

    Returns
    -------
    run : BenchmarkRun

    Examples
    --------
    >>> from sk_ordinal_kl.benchmark import embedded_sources
    >>> run = run_benchmark(embedded_sources(2), {"ce": METHODS["ce"]},
    ...                     Protocol(max_epochs=2), progress=False)  # doctest: +SKIP
    >>> sorted(run.results["dataset"].unique())  # doctest: +SKIP
    ['diabetes5', 'latent5']
    """
    from joblib import Parallel, delayed

    methods = dict(METHODS if methods is None else methods)
    protocol = protocol or Protocol()
    sizes = _check_sizes(train_sizes)
    runnable, skipped = available_methods(methods)
    tasks = _tasks(sources, sizes, protocol, Path(cache_dir))
    start = time.perf_counter()
    records, searches, conformal, failures, computed, cached = [], [], [], [], 0, 0
    cpu_seconds = 0.0
    jobs = (delayed(_run_task)(task, runnable) for task in tasks)
    with _progress(len(tasks), progress) as bar:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
        for task in parallel(jobs):
            records += task.records
            searches += task.searches
            conformal += task.conformal
            failures += task.failures
            computed += task.computed
            cached += task.cached
            cpu_seconds += task.cpu_seconds
            bar.update(1)
    results = _results_frame(records, sources, sizes, list(runnable))
    search = _search_frame(searches)
    seconds = time.perf_counter() - start
    conformal_frame = _conformal_frame(conformal, results)
    return BenchmarkRun(
        results,
        search,
        skipped,
        computed,
        cached,
        seconds,
        protocol,
        conformal_frame,
        failures,
        cpu_seconds=cpu_seconds,
    )


def _conformal_frame(records: list[dict], results: pd.DataFrame) -> pd.DataFrame:
    """Conformal records in the order of ``results``."""
    keys = ["dataset", "size", "method", "holdout"]
    frame = pd.DataFrame(records)
    if frame.empty:
        return frame
    frame["size"] = frame["size"].astype(str)
    return results[[*keys, "n_classes"]].merge(frame, on=keys, how="inner")


RESULT_COLUMNS = [
    "dataset",
    "size",
    "method",
    "holdout",
    "n_train",
    "n_test",
    "n_classes",
    *METRICS,
    "fit_seconds",
    "params",
    "rule_mse",
    "mse_by_rule",
    "mae_by_rule",
]


def _results_frame(records, sources, sizes, method_order) -> pd.DataFrame:
    """Per-split results, sorted by dataset, size, method (registry order) and holdout."""
    results = pd.DataFrame(records, columns=RESULT_COLUMNS)
    results["size"] = results["size"].astype(str)
    ranks = {
        "_d": results["dataset"].map({s.name: i for i, s in enumerate(sources)}),
        "_s": results["size"].map({size: i for i, size in enumerate(sizes)}),
        "_m": results["method"].map({m: i for i, m in enumerate(method_order)}),
    }
    return (
        results.assign(**ranks)
        .sort_values(["_d", "_s", "_m", "holdout"])
        .drop(columns=list(ranks))
        .reset_index(drop=True)
    )


def _search_frame(searches: list[dict]) -> pd.DataFrame:
    columns = ["dataset", "size", "holdout", "search", "params", "rule", "cv_mse"]
    frame = pd.DataFrame(searches, columns=columns)
    params = frame["params"].map(lambda p: p if isinstance(p, dict) else {})
    frame["params"] = params.map(lambda p: json.dumps(p, sort_keys=True))
    for name in ("alpha", "sigma"):  # the CE+KL grid, for the heatmap
        frame[name] = params.map(lambda p, n=name: p.get(n, np.nan)).astype(float)
    keys = ["dataset", "size", "search", "holdout", "params", "rule"]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)
