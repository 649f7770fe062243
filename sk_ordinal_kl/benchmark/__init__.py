"""Benchmark runner: CE vs CE+KL vs peers on ordinal data, with confidence intervals.

Run it as ``python -m sk_ordinal_kl.benchmark``:

* no arguments — the embedded, download-free sets (``diabetes5``: scikit-learn's diabetes
  data in 5 equal-frequency classes; ``latent5``: a synthetic latent-variable problem),
  10 stratified 75/25 holdouts each;
* ``--data-dir PATH`` — every orreview-format dataset under ``PATH`` (``--datasets`` to
  select, ``--holdouts N`` to cap), all holdouts by default;
* ``--quick`` — 2 holdouts, 10 epochs, a 2-point grid and 2-fold inner CV (for CI).

Protocol (see :class:`Protocol`): inputs standardised in a Pipeline; every neural method
uses the same :class:`~sk_ordinal_kl.modules.TabularMLP`, epochs, batch size and learning
rate; ``ce_kl`` tunes ``alpha × sigma`` by an inner stratified K-fold search on the
training part of each holdout (scored by MSE on the class index), ``ce_kl_rule`` tunes
the decision rule in the same grid (one inner fit scores all rules, read off
``predict_proba``). Results per (dataset, method, holdout) are cached as JSON in
``<out>/cache`` so an interrupted run resumes where it stopped.

Methods form a registry, :data:`METHODS` (name -> :class:`MethodSpec`); adding one is one
line, e.g. a criterion from a loss registry::

    METHODS["my_loss"] = MethodSpec(partial(mlp_method, criterion=MyLoss), "MLP + MyLoss")

Peers that need optional packages (``mord``, ``coral-pytorch``, ``dlordinal``) are skipped,
with a line saying so, when the package does not import.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import shlex
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .._markdown import markdown_table
from ..classifier import OrdinalKLClassifier
from ..datasets import (
    OrdinalSplit,
    holdout_splits,
    list_holdouts,
    list_orreview_datasets,
    load_diabetes_ordinal,
    load_orreview_holdout,
    make_ordinal_classification,
)
from ..losses import LOSSES
from ._cache import cache_key, cache_path, read_cached, write_atomic
from ._peers import CornLoss, CornMLPClassifier, corn_probabilities, rule_mse_scorer
from ._stats import METRICS, ci_table, paired_tests, score_split, win_tie_loss

__all__ = [
    "ALL_METHODS",
    "EMBEDDED_DATASETS",
    "LOSS_METHODS",
    "METHODS",
    "QUICK_PROTOCOL",
    "BenchmarkRun",
    "DatasetSource",
    "MethodSpec",
    "Protocol",
    "embedded_sources",
    "main",
    "mlp_method",
    "orreview_sources",
    "run_benchmark",
    "write_outputs",
]

#: Methods every other method is tested against (paired Wilcoxon, W/T/L).
REFERENCES = ("ce_kl", "ce_kl_rule")


# --------------------------------------------------------------------------- #
# Protocol
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Protocol:
    """Training and tuning protocol shared by all methods.

    Parameters
    ----------
    max_epochs : int
        Epochs of every neural fit (inner CV and refit alike).
    batch_size : int
        Mini-batch size of every neural fit.
    hidden_units : tuple of int
        Hidden layers of the shared :class:`~sk_ordinal_kl.modules.TabularMLP`.
    lr : float
        AdamW learning rate.
    alphas, sigmas : tuple of float
        Inner-search grid of the CE+KL methods.
    rules : tuple of str
        Decision rules searched by ``ce_kl_rule`` (same fits as the alpha × sigma grid).
    inner_cv : int
        Folds of the inner stratified K-fold.
    seed : int
        Base seed; holdout ``k`` uses ``seed + k`` for weights, shuffling and folds.

    Examples
    --------
    >>> Protocol(max_epochs=5, alphas=(1.0,), sigmas=(1.0,)).inner_cv
    3
    """

    max_epochs: int = 60
    batch_size: int = 64
    hidden_units: tuple[int, ...] = (64, 64)
    lr: float = 1e-3
    alphas: tuple[float, ...] = (0.5, 1.0, 2.0)
    sigmas: tuple[float, ...] = (0.5, 1.0, 2.0)
    rules: tuple[str, ...] = ("argmax", "median", "mean")
    inner_cv: int = 3
    seed: int = 0

    def training(self) -> dict[str, Any]:
        """Fields that determine a single fit (cache key of untuned methods)."""
        keys = ("max_epochs", "batch_size", "hidden_units", "lr", "seed")
        return {k: v for k, v in asdict(self).items() if k in keys}


#: Protocol of ``--quick``: small grid, few epochs (holdouts are capped at 2 by the CLI).
QUICK_PROTOCOL = Protocol(max_epochs=10, alphas=(0.5, 2.0), sigmas=(1.0,), inner_cv=2)


# --------------------------------------------------------------------------- #
# Datasets
# --------------------------------------------------------------------------- #
def _embedded_diabetes() -> tuple[np.ndarray, np.ndarray]:
    return load_diabetes_ordinal(5)


def _embedded_latent() -> tuple[np.ndarray, np.ndarray]:
    return make_ordinal_classification(n_samples=1000, n_classes=5, random_state=0)


#: Embedded sets: name -> (loader, description). Cut by ``holdout_splits(random_state=0)``.
EMBEDDED_DATASETS: dict[str, tuple[Callable[[], tuple], str]] = {
    "diabetes5": (_embedded_diabetes, "load_diabetes_ordinal(5): 442 x 10, K=5"),
    "latent5": (
        _embedded_latent,
        "make_ordinal_classification(n_samples=1000, n_classes=5, random_state=0)",
    ),
}


@lru_cache(maxsize=8)
def _embedded_splits(name: str, n_holdouts: int) -> tuple[OrdinalSplit, ...]:
    X, y = EMBEDDED_DATASETS[name][0]()
    return tuple(holdout_splits(X, y, n_holdouts=n_holdouts, random_state=0, name=name))


@dataclass(frozen=True)
class DatasetSource:
    """Where the holdouts of one dataset come from.

    Parameters
    ----------
    name : str
        Dataset name.
    holdouts : tuple of int
        Holdout indices to run.
    root : str or None
        orreview root folder, or None for an embedded set (:data:`EMBEDDED_DATASETS`).

    Examples
    --------
    >>> DatasetSource("diabetes5", holdouts=(0, 1)).name
    'diabetes5'
    """

    name: str
    holdouts: tuple[int, ...]
    root: str | None = None

    def load(self, holdout: int) -> OrdinalSplit:
        """Train/test split number ``holdout``."""
        if self.root is not None:
            return load_orreview_holdout(self.root, self.name, holdout)
        return _embedded_splits(self.name, max(self.holdouts) + 1)[holdout]

    def identity(self) -> dict[str, Any]:
        """What identifies the data in cache keys (path-independent for orreview)."""
        if self.root is not None:
            return {"orreview": self.name}
        return {"embedded": self.name, "spec": EMBEDDED_DATASETS[self.name][1]}


def embedded_sources(n_holdouts: int = 10, names: Sequence[str] | None = None):
    """Sources of the embedded sets.

    Parameters
    ----------
    n_holdouts : int, default=10
        Holdouts per set.
    names : sequence of str, optional
        Subset of :data:`EMBEDDED_DATASETS`; all by default.

    Returns
    -------
    sources : list of DatasetSource

    Examples
    --------
    >>> [source.name for source in embedded_sources(n_holdouts=3)]
    ['diabetes5', 'latent5']
    """
    names = list(EMBEDDED_DATASETS) if not names else list(names)
    unknown = sorted(set(names) - set(EMBEDDED_DATASETS))
    if unknown:
        raise ValueError(
            f"unknown embedded dataset(s) {unknown}; known: {list(EMBEDDED_DATASETS)}"
        )
    return [DatasetSource(name, tuple(range(n_holdouts))) for name in names]


def orreview_sources(
    root: str | os.PathLike[str],
    names: Sequence[str] | None = None,
    max_holdouts: int | None = None,
) -> list[DatasetSource]:
    """Sources of the orreview-format datasets under ``root``.

    Parameters
    ----------
    root : str or path-like
        Folder whose sub-folders are datasets.
    names : sequence of str, optional
        Datasets to run; all found by default.
    max_holdouts : int, optional
        Keep only the first ``max_holdouts`` holdouts of each dataset.

    Returns
    -------
    sources : list of DatasetSource

    Examples
    --------
    >>> sources = orreview_sources(data_dir_from_env(), ["ERA"], max_holdouts=2)  # doctest: +SKIP
    >>> sources[0].holdouts  # doctest: +SKIP
    (0, 1)
    """
    found = list_orreview_datasets(root)
    names = found if not names else list(names)
    missing = sorted(set(names) - set(found))
    if missing:
        raise ValueError(f"dataset(s) {missing} not found under {root}; found: {found}")
    sources = []
    for name in names:
        holdouts = list_holdouts(root, name)[:max_holdouts]
        sources.append(DatasetSource(name, tuple(holdouts), str(root)))
    return sources


def _all_classes(split: OrdinalSplit) -> list[int]:
    """Every label from the smallest to the largest seen in train or test (ordinal range)."""
    labels = np.concatenate([split.y_train, split.y_test])
    return list(range(int(labels.min()), int(labels.max()) + 1))


# --------------------------------------------------------------------------- #
# Methods
# --------------------------------------------------------------------------- #
Builder = Callable[[Protocol, list, int], BaseEstimator]


@dataclass(frozen=True)
class MethodSpec:
    """One benchmarked method.

    Parameters
    ----------
    build : callable
        ``build(protocol, classes, seed) -> estimator`` (an unfitted Pipeline). Must be
        picklable (a module-level function or a ``functools.partial`` of one).
    description : str
        Human-readable configuration; part of the cache key, so change it when the
        method changes.
    requires : tuple of str
        Importable modules the method needs; it is skipped when one is missing.
    search : {None, "argmax", "rules"}
        None: fit as built. ``"argmax"``: tune ``alpha × sigma`` with the argmax rule by
        the shared inner search. ``"rules"``: tune ``alpha × sigma × rule``.

    Examples
    --------
    >>> from functools import partial
    >>> from sk_ordinal_kl.losses import FocalLoss
    >>> spec = MethodSpec(partial(mlp_method, criterion=FocalLoss), "MLP + focal")
    >>> spec.search is None
    True
    """

    build: Builder
    description: str
    requires: tuple[str, ...] = ()
    search: str | None = None


def _loss_module(criterion: type) -> dict[str, Any]:
    """The module a criterion needs, if not the default MLP (e.g. Min-Max's cosine head)."""
    module = getattr(criterion, "default_module", None)
    return {} if module is None else {"module": module}


def _scaled(estimator: BaseEstimator) -> Pipeline:
    return Pipeline([("scale", StandardScaler()), ("clf", estimator)])


def _mlp_kwargs(protocol: Protocol, classes: list, seed: int) -> dict[str, Any]:
    return {
        "classes": classes,
        "max_epochs": protocol.max_epochs,
        "batch_size": protocol.batch_size,
        "lr": protocol.lr,
        "module__hidden_units": protocol.hidden_units,
        "random_state": seed,
    }


def mlp_method(
    protocol: Protocol,
    classes: list,
    seed: int,
    *,
    estimator: type[OrdinalKLClassifier] = OrdinalKLClassifier,
    **params: Any,
) -> Pipeline:
    """Standardiser + the shared MLP estimator with the protocol's training settings.

    Parameters
    ----------
    protocol : Protocol
        Shared training settings.
    classes : list
        All labels in ordinal order.
    seed : int
        ``random_state`` of the estimator.
    estimator : class, default=OrdinalKLClassifier
        Estimator class (e.g. a subclass with another output layer).
    **params
        Further estimator parameters (``alpha``, ``criterion``, ``criterion__*``, ...).

    Returns
    -------
    pipeline : Pipeline
        ``StandardScaler -> estimator`` (step name ``"clf"``).

    Examples
    --------
    >>> pipe = mlp_method(Protocol(max_epochs=5), classes=[0, 1, 2], seed=0, alpha=0.5)
    >>> pipe.named_steps["clf"].alpha
    0.5
    """
    return _scaled(estimator(**_mlp_kwargs(protocol, classes, seed), **params))


def _corn_method(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    return mlp_method(
        protocol,
        classes,
        seed,
        estimator=CornMLPClassifier,
        criterion=CornLoss,
        predict_nonlinearity=corn_probabilities,
        prediction="median",
    )


def _dlordinal_triangular(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    from dlordinal.losses import TriangularLoss

    return mlp_method(
        protocol,
        classes,
        seed,
        criterion=TriangularLoss,
        criterion__base_loss=torch.nn.CrossEntropyLoss(),
        criterion__alpha2=0.05,
        criterion__eta=1.0,
    )


def _logistic_regression(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    return _scaled(LogisticRegression(max_iter=2000))


def _hist_gradient_boosting(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    return _scaled(HistGradientBoostingClassifier(random_state=seed))


def _mord_logistic_at(protocol: Protocol, classes: list, seed: int) -> Pipeline:
    import mord

    return _scaled(mord.LogisticAT(alpha=1.0))


#: The method registry: name -> MethodSpec. Order is the order of tables and plots.
METHODS: dict[str, MethodSpec] = {
    "ce": MethodSpec(partial(mlp_method, alpha=0.0), "MLP + CE (alpha=0), argmax"),
    "ce_kl": MethodSpec(mlp_method, "MLP + CE+KL, alpha x sigma tuned, argmax", search="argmax"),
    "ce_kl_rule": MethodSpec(
        mlp_method, "MLP + CE+KL, alpha x sigma x decision rule tuned", search="rules"
    ),
    "logreg": MethodSpec(_logistic_regression, "LogisticRegression(max_iter=2000), C=1"),
    "hgb": MethodSpec(_hist_gradient_boosting, "HistGradientBoostingClassifier(), defaults"),
    "mord_at": MethodSpec(_mord_logistic_at, "mord.LogisticAT(alpha=1.0)", ("mord",)),
    "corn": MethodSpec(
        _corn_method,
        "MLP (K-1 outputs) + coral_pytorch corn_loss, rank decoding",
        ("coral_pytorch",),
    ),
    "dlordinal_tri": MethodSpec(
        _dlordinal_triangular,
        "MLP + dlordinal TriangularLoss(alpha2=0.05, eta=1.0), argmax",
        ("dlordinal",),
    ),
}

# The loss family of sk_ordinal_kl.losses as opt-in methods (same MLP, each loss at its
# default parameters, untuned): ``--methods ce ce_kl loss_dldl_v2 loss_focal ...``.
LOSS_METHODS: dict[str, MethodSpec] = {
    f"loss_{name}": MethodSpec(
        partial(mlp_method, criterion=criterion, **_loss_module(criterion)),
        f"MLP + {criterion.__name__} (defaults, alpha=1, sigma=1), argmax",
    )
    for name, criterion in LOSSES.items()
}
ALL_METHODS: dict[str, MethodSpec] = {**METHODS, **LOSS_METHODS}

_INSTALL_HINTS = {
    "mord": "pip install mord",
    "coral_pytorch": "pip install coral-pytorch",
    "dlordinal": "pip install --no-deps dlordinal deprecated",
}


def _missing_requirement(spec: MethodSpec) -> str | None:
    """Why ``spec`` cannot run here (first module that fails to import), or None."""
    for module in spec.requires:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            hint = _INSTALL_HINTS.get(module, f"pip install {module}")
            return f"{module} not importable ({exc.__class__.__name__}); install: {hint}"
    return None


def available_methods(
    methods: dict[str, MethodSpec],
) -> tuple[dict[str, MethodSpec], dict[str, str]]:
    """Split ``methods`` into those that can run and those skipped (with the reason).

    Parameters
    ----------
    methods : dict
        name -> MethodSpec.

    Returns
    -------
    runnable : dict
        name -> MethodSpec of the methods whose requirements import.
    skipped : dict
        name -> reason.
    """
    runnable, skipped = {}, {}
    for name, spec in methods.items():
        reason = _missing_requirement(spec)
        if reason is None:
            runnable[name] = spec
        else:
            skipped[name] = reason
    return runnable, skipped


# --------------------------------------------------------------------------- #
# One holdout
# --------------------------------------------------------------------------- #
@contextlib.contextmanager
def _quiet_and_single_threaded() -> Iterator[None]:
    """One torch thread per task (parallelism is over splits) and no known-noise warnings."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The least populated class")
            warnings.filterwarnings("ignore", category=ConvergenceWarning)
            yield
    finally:
        torch.set_num_threads(threads)


def _inner_search(split: OrdinalSplit, protocol: Protocol, seed: int) -> list[dict]:
    """Inner GridSearchCV over alpha × sigma; every rule scored from the same fits."""
    classes = _all_classes(split)
    search = GridSearchCV(
        mlp_method(protocol, classes, seed),
        {"clf__alpha": list(protocol.alphas), "clf__sigma": list(protocol.sigmas)},
        scoring={rule: rule_mse_scorer(rule) for rule in protocol.rules},
        refit=False,
        cv=StratifiedKFold(protocol.inner_cv, shuffle=True, random_state=seed),
        n_jobs=1,
        error_score="raise",
    )
    search.fit(split.X_train, split.y_train)
    results = search.cv_results_
    rows = []
    for i, params in enumerate(results["params"]):
        for rule in protocol.rules:
            rows.append(
                {
                    "alpha": float(params["clf__alpha"]),
                    "sigma": float(params["clf__sigma"]),
                    "rule": rule,
                    "cv_mse": float(-results[f"mean_test_{rule}"][i]),
                }
            )
    return rows


def _best_params(grid: list[dict], rules: Sequence[str]) -> dict[str, Any]:
    """Lowest inner-CV MSE among ``rules``; ties go to the first in grid order."""
    candidates = [row for row in grid if row["rule"] in rules]
    best = min(candidates, key=lambda row: row["cv_mse"])
    return {"alpha": best["alpha"], "sigma": best["sigma"], "prediction": best["rule"]}


def _evaluate(
    name: str, spec: MethodSpec, split: OrdinalSplit, protocol: Protocol, grid: list | None
) -> dict[str, Any]:
    """Fit ``spec`` on the training part (with tuned params) and score the test part."""
    classes = _all_classes(split)
    seed = protocol.seed + split.holdout
    estimator = spec.build(protocol, classes, seed)
    params: dict[str, Any] = {}
    if spec.search is not None:
        rules = ("argmax",) if spec.search == "argmax" else protocol.rules
        params = _best_params(grid, rules)
        estimator.set_params(**{f"clf__{k}": v for k, v in params.items()})
    start = time.perf_counter()
    estimator.fit(split.X_train, split.y_train)
    y_pred = estimator.predict(split.X_test)
    record = {
        "dataset": split.name,
        "method": name,
        "holdout": split.holdout,
        "n_train": len(split.y_train),
        "n_test": len(split.y_test),
        "n_classes": len(classes),
        **score_split(split.y_test, y_pred, classes),
        "fit_seconds": time.perf_counter() - start,
        "params": json.dumps(params, sort_keys=True),
    }
    if grid is not None:
        record["cv_grid"] = grid
    return record


def _method_key(name: str, spec: MethodSpec, protocol: Protocol, source: DatasetSource):
    payload = {
        "method": name,
        "description": spec.description,
        "search": spec.search,
        "training": protocol.training(),
        "data": source.identity(),
    }
    if spec.search is not None:
        payload["grid"] = [protocol.alphas, protocol.sigmas, protocol.rules, protocol.inner_cv]
    return cache_key(payload)


def _search_key(protocol: Protocol, source: DatasetSource) -> str:
    grid = [protocol.alphas, protocol.sigmas, protocol.rules, protocol.inner_cv]
    return cache_key({"search": grid, "training": protocol.training(), "data": source.identity()})


@dataclass
class _TaskResult:
    records: list[dict]
    computed: int = 0
    cached: int = 0


def _run_task(
    source: DatasetSource,
    holdout: int,
    methods: dict[str, MethodSpec],
    protocol: Protocol,
    cache_dir: Path,
) -> _TaskResult:
    """All methods on one holdout of one dataset, reading and filling the cache."""
    result = _TaskResult(records=[])
    split: OrdinalSplit | None = None
    grid: list | None = None
    with _quiet_and_single_threaded():
        for name, spec in methods.items():
            key = _method_key(name, spec, protocol, source)
            path = cache_path(cache_dir, source.name, name, holdout, key)
            record = read_cached(path)
            if record is not None:
                result.cached += 1
                result.records.append(record)
                continue
            split = split or source.load(holdout)
            if spec.search is not None and grid is None:
                grid, computed = _cached_search(source, split, protocol, cache_dir)
                result.computed += computed
            record = _evaluate(name, spec, split, protocol, grid)
            write_atomic(path, record)
            result.computed += 1
            result.records.append(record)
    return result


def _cached_search(source, split, protocol, cache_dir) -> tuple[list[dict], int]:
    key = _search_key(protocol, source)
    path = cache_path(cache_dir, source.name, "_search", split.holdout, key)
    cached = read_cached(path)
    if cached is not None:
        return cached["grid"], 0
    grid = _inner_search(split, protocol, protocol.seed + split.holdout)
    write_atomic(path, {"grid": grid})
    return grid, 1


# --------------------------------------------------------------------------- #
# The run
# --------------------------------------------------------------------------- #
@dataclass
class BenchmarkRun:
    """Everything a run produced.

    Attributes
    ----------
    results : DataFrame
        One row per (dataset, method, holdout) with all metrics.
    search : DataFrame
        Inner-search grid rows (``dataset, holdout, alpha, sigma, rule, cv_mse``).
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

    Examples
    --------
    >>> run = run_benchmark(embedded_sources(2), {"ce": METHODS["ce"]},
    ...                     Protocol(max_epochs=2), progress=False)  # doctest: +SKIP
    >>> run.results.groupby("method")["mse"].mean()  # doctest: +SKIP
    """

    results: pd.DataFrame
    search: pd.DataFrame
    skipped: dict[str, str]
    computed: int
    cached: int
    seconds: float
    protocol: Protocol
    info: dict[str, Any] = field(default_factory=dict)


def _tasks(sources: Sequence[DatasetSource]) -> list[tuple[DatasetSource, int]]:
    """(source, holdout) pairs, holdout-major: a partial run covers every dataset evenly."""
    depth = max((len(s.holdouts) for s in sources), default=0)
    return [(s, s.holdouts[i]) for i in range(depth) for s in sources if i < len(s.holdouts)]


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="benchmark", unit="split", file=sys.stderr, disable=not enabled)


def run_benchmark(
    sources: Sequence[DatasetSource],
    methods: dict[str, MethodSpec] | None = None,
    protocol: Protocol | None = None,
    cache_dir: str | os.PathLike[str] = "benchmark_results/cache",
    n_jobs: int = 1,
    progress: bool = True,
) -> BenchmarkRun:
    """Run every available method on every holdout of every source.

    Parameters
    ----------
    sources : sequence of DatasetSource
        Datasets and their holdouts.
    methods : dict, optional
        name -> MethodSpec; :data:`METHODS` by default.
    protocol : Protocol, optional
        Training and tuning protocol; ``Protocol()`` by default.
    cache_dir : path-like, default="benchmark_results/cache"
        Per-split result cache (resumable).
    n_jobs : int, default=1
        joblib workers over (dataset, holdout) tasks; each uses one torch thread.
    progress : bool, default=True
        Show a tqdm progress bar on stderr.

    Returns
    -------
    run : BenchmarkRun

    Examples
    --------
    >>> run = run_benchmark(embedded_sources(2), {"ce": METHODS["ce"]},
    ...                     Protocol(max_epochs=2), progress=False)  # doctest: +SKIP
    >>> sorted(run.results["dataset"].unique())  # doctest: +SKIP
    ['diabetes5', 'latent5']
    """
    from joblib import Parallel, delayed

    methods = dict(METHODS if methods is None else methods)
    protocol = protocol or Protocol()
    runnable, skipped = available_methods(methods)
    tasks = _tasks(sources)
    cache_dir = Path(cache_dir)
    start = time.perf_counter()
    records, computed, cached = [], 0, 0
    jobs = (delayed(_run_task)(s, h, runnable, protocol, cache_dir) for s, h in tasks)
    with _progress(len(tasks), progress) as bar:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
        for task in parallel(jobs):
            records += task.records
            computed += task.computed
            cached += task.cached
            bar.update(1)
    results, search = _frames(records, sources, list(runnable))
    return BenchmarkRun(
        results, search, skipped, computed, cached, time.perf_counter() - start, protocol
    )


def _frames(records: list[dict], sources, method_order) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-split results (sorted) and the inner-search rows, from the task records."""
    search_rows = []
    seen = set()
    for record in records:
        grid = record.pop("cv_grid", None)
        unit = (record["dataset"], record["holdout"])
        if grid and unit not in seen:
            seen.add(unit)
            search_rows += [{"dataset": unit[0], "holdout": unit[1], **row} for row in grid]
    columns = [
        "dataset",
        "method",
        "holdout",
        "n_train",
        "n_test",
        "n_classes",
        *METRICS,
        "fit_seconds",
        "params",
    ]
    results = pd.DataFrame(records, columns=columns)
    dataset_rank = {s.name: i for i, s in enumerate(sources)}
    method_rank = {m: i for i, m in enumerate(method_order)}
    results = (
        results.assign(
            _d=results["dataset"].map(dataset_rank), _m=results["method"].map(method_rank)
        )
        .sort_values(["_d", "_m", "holdout"])
        .drop(columns=["_d", "_m"])
        .reset_index(drop=True)
    )
    search = pd.DataFrame(
        search_rows, columns=["dataset", "holdout", "alpha", "sigma", "rule", "cv_mse"]
    ).sort_values(["dataset", "holdout", "alpha", "sigma", "rule"], kind="stable")
    return results, search.reset_index(drop=True)


# --------------------------------------------------------------------------- #
# Outputs
# --------------------------------------------------------------------------- #
def _fmt(mean: float, half: float, digits: int = 3) -> str:
    if not np.isfinite(mean):
        return "—"
    if not np.isfinite(half):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {half:.{digits}f}"


def summary_markdown(summary: pd.DataFrame) -> str:
    """Markdown table: dataset, method, holdouts and ``mean ± 95% CI half-width`` per metric.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`~sk_ordinal_kl.benchmark._stats.ci_table`.

    Returns
    -------
    table : str
    """
    header = ["dataset", "method", "n", *(label for label, _ in METRICS.values())]
    rows = []
    for _, row in summary.iterrows():
        cells = [_fmt(row[f"{m}_mean"], row[f"{m}_ci_half"]) for m in METRICS]
        rows.append([row["dataset"], row["method"], row["n_holdouts"], *cells])
    return markdown_table(header, rows)


def tests_markdown(tests: pd.DataFrame, wtl: pd.DataFrame) -> str:
    """Markdown: per reference method, Wilcoxon p-values per dataset and the W/T/L line.

    Parameters
    ----------
    tests : DataFrame
        Output of :func:`~sk_ordinal_kl.benchmark._stats.paired_tests`.
    wtl : DataFrame
        Output of :func:`~sk_ordinal_kl.benchmark._stats.win_tie_loss`.

    Returns
    -------
    text : str
    """
    if tests.empty:
        return "_No paired tests (the reference methods did not run)._"
    letter = {"win": "W", "tie": "T", "loss": "L"}
    parts = []
    for ref, data in tests.groupby("method", sort=False):
        opponents = list(pd.unique(data["opponent"]))
        rows = []
        for dataset, group in data.groupby("dataset", sort=False):
            by_opp = group.set_index("opponent")
            cells = []
            for opp in opponents:
                if opp not in by_opp.index:
                    cells.append("—")
                    continue
                r = by_opp.loc[opp]
                mark = "*" if r["note"] else ""
                cells.append(f"{letter[r['outcome']]} p={r['p_value']:.3g}{mark}")
            rows.append([dataset, *cells])
        counts = wtl[wtl["method"] == ref].set_index("opponent")
        rows.append(
            ["**W/T/L**"]
            + [
                f"**{counts.loc[o, 'wins']}/{counts.loc[o, 'ties']}/{counts.loc[o, 'losses']}**"
                for o in opponents
            ]
        )
        header = ["dataset", *(f"{ref} vs {o}" for o in opponents)]
        parts.append(
            f"**{ref}** against each method (MSE-index, paired Wilcoxon):\n\n"
            + markdown_table(header, rows)
        )
    notes = tests[tests["note"] != ""]
    if not notes.empty:
        listed = "; ".join(
            f"{r.dataset} {r.method} vs {r.opponent}: {r.note}" for r in notes.itertuples()
        )
        parts.append(f"\\* p-value set by convention, not by a test — {listed}.")
    return "\n\n".join(parts)


def _heatmap_dataset(search: pd.DataFrame, preferred: str | None) -> str | None:
    if search.empty:
        return None
    names = list(pd.unique(search["dataset"]))
    if preferred in names:
        return preferred
    return "ERA" if "ERA" in names else names[0]


def write_outputs(
    run: BenchmarkRun, out: str | os.PathLike[str], heatmap_dataset: str | None = None
) -> dict[str, Path]:
    """Write CSVs, Markdown tables and PNG plots of ``run`` into ``out``.

    Parameters
    ----------
    run : BenchmarkRun
        Output of :func:`run_benchmark`.
    out : path-like
        Output folder.
    heatmap_dataset : str, optional
        Dataset of the alpha × sigma heatmap (default ERA if run, else the first).

    Returns
    -------
    files : dict
        Output name -> path written.

    Examples
    --------
    >>> paths = write_outputs(run, "benchmark_results")  # doctest: +SKIP
    >>> sorted(paths)[:2]  # doctest: +SKIP
    """
    from ._plots import plot_ci, plot_search_heatmap

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = ci_table(run.results)
    tests = paired_tests(run.results, [r for r in REFERENCES if r in set(run.results["method"])])
    wtl = win_tie_loss(tests) if not tests.empty else pd.DataFrame()
    files = {
        "results": out / "results.csv",
        "summary": out / "summary.csv",
        "tests": out / "pairwise_tests.csv",
        "wtl": out / "win_tie_loss.csv",
        "search": out / "inner_search.csv",
        "skipped": out / "skipped.csv",
    }
    run.results.to_csv(files["results"], index=False)
    summary.to_csv(files["summary"], index=False, float_format="%.6g")
    tests.to_csv(files["tests"], index=False, float_format="%.6g")
    wtl.to_csv(files["wtl"], index=False)
    run.search.to_csv(files["search"], index=False, float_format="%.6g")
    pd.DataFrame(
        [{"method": k, "reason": v} for k, v in run.skipped.items()], columns=["method", "reason"]
    ).to_csv(files["skipped"], index=False)
    if not summary.empty:
        files["ci_plot"] = plot_ci(summary, out / "ci_mse.png")
    name = _heatmap_dataset(run.search, heatmap_dataset)
    if name is not None:
        files["heatmap"] = plot_search_heatmap(run.search, name, out / f"heatmap_{name}.png")
    report = report_markdown(run, summary, tests, wtl)
    files["summary_md"] = out / "summary.md"
    files["summary_md"].write_text(report, encoding="utf-8")
    files["run_info"] = out / "run_info.json"
    write_atomic(files["run_info"], _run_info(run))
    return files


def report_markdown(run: BenchmarkRun, summary, tests, wtl) -> str:
    """The Markdown report: protocol, skipped peers, CI table and tests.

    Parameters
    ----------
    run : BenchmarkRun
        The run.
    summary, tests, wtl : DataFrame
        Outputs of ``ci_table``, ``paired_tests`` and ``win_tie_loss``.

    Returns
    -------
    text : str
    """
    skipped = [f"- skipped `{k}`: {v}" for k, v in run.skipped.items()] or ["- none"]
    command = run.info.get("command", "")
    parts = [
        "# Benchmark results",
        f"Command: `{command}`" if command else "",
        f"Protocol: `{run.protocol}`",
        "Skipped peers:\n" + "\n".join(skipped),
        "## Test metrics: mean ± 95% t-CI half-width over holdouts",
        summary_markdown(summary) if not summary.empty else "_no results_",
        "## CE+KL against each method: paired Wilcoxon on MSE-index",
        "W = lower mean MSE and p < 0.05, L = higher mean MSE and p < 0.05, T otherwise.",
        tests_markdown(tests, wtl),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _run_info(run: BenchmarkRun) -> dict[str, Any]:
    return {
        **run.info,
        "protocol": asdict(run.protocol),
        "skipped": run.skipped,
        "computed_units": run.computed,
        "cached_results": run.cached,
        "seconds": round(run.seconds, 1),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "methods": {
            m: ALL_METHODS[m].description
            for m in pd.unique(run.results["method"])
            if m in ALL_METHODS
        },
    }


# --------------------------------------------------------------------------- #
# CLI
# --------------------------------------------------------------------------- #
def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python -m sk_ordinal_kl.benchmark``.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog="python -m sk_ordinal_kl.benchmark",
        description="CE vs CE+KL vs peers on ordinal data, with 95%% CIs and Wilcoxon tests.",
    )
    parser.add_argument("--data-dir", type=Path, help="folder of orreview-format datasets")
    parser.add_argument("--datasets", nargs="+", metavar="NAME", help="datasets to run")
    parser.add_argument("--holdouts", type=int, metavar="N", help="cap holdouts per dataset")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI mode: 2 holdouts, 10 epochs, 2-point grid, 2-fold inner CV",
    )
    parser.add_argument(
        "--methods",
        nargs="+",
        metavar="NAME",
        choices=list(ALL_METHODS),
        help=f"methods to run (default: {', '.join(METHODS)}; opt-in loss family: "
        f"{', '.join(LOSS_METHODS)})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("benchmark_results"),
        help="output folder (default: benchmark_results/)",
    )
    parser.add_argument("--cache-dir", type=Path, help="result cache (default: OUT/cache)")
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="parallel workers over (dataset, holdout) splits (default: min(2, CPUs))",
    )
    parser.add_argument("--max-epochs", type=int, help="epochs of every neural fit")
    parser.add_argument("--alphas", type=float, nargs="+", help="alpha grid")
    parser.add_argument("--sigmas", type=float, nargs="+", help="sigma grid")
    parser.add_argument("--inner-cv", type=int, help="folds of the inner search")
    parser.add_argument("--heatmap-dataset", help="dataset of the alpha x sigma heatmap")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def protocol_from_args(args: argparse.Namespace) -> Protocol:
    """Protocol of the parsed CLI arguments (``--quick`` base, explicit flags override).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments.

    Returns
    -------
    protocol : Protocol
    """
    protocol = QUICK_PROTOCOL if args.quick else Protocol()
    overrides = {
        "max_epochs": args.max_epochs,
        "alphas": tuple(args.alphas) if args.alphas else None,
        "sigmas": tuple(args.sigmas) if args.sigmas else None,
        "inner_cv": args.inner_cv,
    }
    return replace(protocol, **{k: v for k, v in overrides.items() if v is not None})


def sources_from_args(args: argparse.Namespace) -> list[DatasetSource]:
    """Datasets of the parsed CLI arguments.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments.

    Returns
    -------
    sources : list of DatasetSource
    """
    cap = args.holdouts if args.holdouts is not None else (2 if args.quick else None)
    if args.data_dir is not None:
        return orreview_sources(args.data_dir, args.datasets, cap)
    return embedded_sources(cap or 10, args.datasets)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (``sys.argv[1:]`` by default).

    Returns
    -------
    status : int
        0 on success.

    Examples
    --------
    >>> main(["--quick", "--data-dir", "data", "--datasets", "tae"])  # doctest: +SKIP
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    protocol = protocol_from_args(args)
    sources = sources_from_args(args)
    methods = {m: ALL_METHODS[m] for m in (args.methods or METHODS)}
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
    )
    run.info["command"] = shlex.join(["python", "-m", "sk_ordinal_kl.benchmark", *argv])
    files = write_outputs(run, args.out, args.heatmap_dataset)
    print(files["summary_md"].read_text(encoding="utf-8"))
    print(
        f"{run.computed} units computed, {run.cached} results from cache, "
        f"{run.seconds:.1f} s; outputs in {args.out}/",
        flush=True,
    )
    return 0
