"""Tests of the benchmark runner (sk_ordinal_kl.benchmark and its helper modules)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
import torch

from sk_ordinal_kl import benchmark
from sk_ordinal_kl.benchmark._cache import read_cached, write_atomic
from sk_ordinal_kl.benchmark._peers import corn_probabilities
from sk_ordinal_kl.benchmark._stats import t_interval, wilcoxon_p

FAST = ["--quick", "--max-epochs", "3", "--no-progress", "--n-jobs", "1"]
CHEAP_METHODS = ["ce", "ce_kl", "ce_kl_rule", "logreg"]


def _write_orreview(root, name: str, n_holdouts: int, seed: int) -> None:
    """A tiny orreview-format dataset: 3 features, 3 ordered classes 1..3, 60 rows."""
    rng = np.random.default_rng(seed)
    folder = root / name
    folder.mkdir(parents=True)
    for k in range(n_holdouts):
        for part, n in (("train", 45), ("test", 15)):
            X = rng.normal(size=(n, 3))
            y = np.digitize(X[:, 0] + 0.3 * rng.normal(size=n), [-0.5, 0.5]) + 1
            y[:3] = [1, 2, 3]  # every class present in every file
            rows = np.column_stack([X, y])
            np.savetxt(folder / f"{part}_{name}.{k}", rows, fmt="%.5f")


@pytest.fixture
def orreview_root(tmp_path):
    root = tmp_path / "data"
    _write_orreview(root, "alpha", 3, seed=0)
    _write_orreview(root, "beta", 3, seed=1)
    return root


def test_cli_arguments_parse():
    args = benchmark.build_parser().parse_args(
        [
            *("--data-dir", "d", "--datasets", "ERA", "tae", "--holdouts", "4", "--quick"),
            *("--methods", "ce", "ce_kl", "--n-jobs", "2", "--out", "o", "--alphas", "1", "3"),
        ]
    )
    assert args.datasets == ["ERA", "tae"]
    assert args.holdouts == 4 and args.n_jobs == 2 and args.methods == ["ce", "ce_kl"]
    protocol = benchmark.protocol_from_args(args)
    assert protocol.alphas == (1.0, 3.0)  # explicit flag overrides the quick grid
    assert protocol.max_epochs == benchmark.QUICK_PROTOCOL.max_epochs
    with pytest.raises(SystemExit):
        benchmark.build_parser().parse_args(["--methods", "no_such_method"])


def test_default_sources_are_embedded():
    args = benchmark.build_parser().parse_args([])
    sources = benchmark.sources_from_args(args)
    assert [s.name for s in sources] == list(benchmark.EMBEDDED_DATASETS)
    assert all(s.root is None and len(s.holdouts) == 10 for s in sources)
    split = sources[0].load(3)
    assert split.holdout == 3 and split.X_train.shape[1] == 10


def test_runner_outputs_and_resume(orreview_root, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    argv = ["--data-dir", str(orreview_root), "--out", str(out), *FAST]
    assert benchmark.main([*argv, "--methods", *CHEAP_METHODS]) == 0
    printed = capsys.readouterr().out
    assert "±" in printed

    results = pd.read_csv(out / "results.csv")
    assert len(results) == 2 * 2 * len(CHEAP_METHODS)  # 2 datasets x 2 quick holdouts
    summary = pd.read_csv(out / "summary.csv")
    for metric in ("mse", "mae", "qwk", "one_off", "accuracy"):
        assert {f"{metric}_ci_low", f"{metric}_ci_high", f"{metric}_ci_half"} <= set(summary)
    assert (summary["mse_ci_low"] <= summary["mse_mean"]).all()
    tests = pd.read_csv(out / "pairwise_tests.csv")
    assert set(tests["method"]) == {"ce_kl", "ce_kl_rule"}
    assert tests["p_value"].between(0.0, 1.0).all()
    wtl = pd.read_csv(out / "win_tie_loss.csv")
    assert (wtl[["wins", "ties", "losses"]].sum(axis=1) == wtl["n_datasets"]).all()
    search = pd.read_csv(out / "inner_search.csv")
    assert set(search["rule"]) == {"argmax", "median", "mean"}
    for name in ("ci_mse.png", "summary.md", "run_info.json"):
        assert (out / name).is_file()
    assert list(out.glob("heatmap_*.png"))

    # A second run (as after a kill) recomputes nothing: every fit would raise.
    def no_fit(*args, **kwargs):
        raise AssertionError("a cached split was recomputed")

    monkeypatch.setattr(benchmark, "_evaluate", no_fit)
    monkeypatch.setattr(benchmark, "_inner_search", no_fit)
    sources = benchmark.orreview_sources(orreview_root, max_holdouts=2)
    methods = {m: benchmark.METHODS[m] for m in CHEAP_METHODS}
    protocol = benchmark.protocol_from_args(benchmark.build_parser().parse_args(FAST))
    run = benchmark.run_benchmark(sources, methods, protocol, out / "cache", progress=False)
    assert run.computed == 0
    assert run.cached == len(run.results) == 2 * 2 * len(CHEAP_METHODS)


def test_changed_protocol_is_not_read_from_cache(orreview_root, tmp_path):
    sources = benchmark.orreview_sources(orreview_root, ["alpha"], max_holdouts=1)
    methods = {"logreg": benchmark.METHODS["logreg"]}
    cache = tmp_path / "cache"
    first = benchmark.run_benchmark(sources, methods, cache_dir=cache, progress=False)
    again = benchmark.run_benchmark(sources, methods, cache_dir=cache, progress=False)
    other = benchmark.Protocol(seed=1)
    changed = benchmark.run_benchmark(sources, methods, other, cache_dir=cache, progress=False)
    assert (first.computed, again.computed, again.cached) == (1, 0, 1)
    assert changed.computed == 1


def test_missing_peer_is_reported_as_skipped(orreview_root, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "mord", None)  # makes `import mord` raise ImportError
    out = tmp_path / "out"
    argv = ["--data-dir", str(orreview_root), "--out", str(out), "--holdouts", "1", *FAST]
    assert benchmark.main([*argv, "--methods", "logreg", "mord_at"]) == 0
    printed = capsys.readouterr().out
    assert "skipped peer mord_at" in printed
    skipped = pd.read_csv(out / "skipped.csv")
    assert skipped["method"].tolist() == ["mord_at"]
    assert "pip install mord" in skipped["reason"].iloc[0]
    assert set(pd.read_csv(out / "results.csv")["method"]) == {"logreg"}


def test_quick_on_shared_datasets(shared_datasets, tmp_path):
    out = tmp_path / "out"
    argv = ["--data-dir", str(shared_datasets), "--datasets", "ERA", "tae", "--out", str(out)]
    assert benchmark.main([*argv, "--quick", "--no-progress", "--n-jobs", "2"]) == 0
    results = pd.read_csv(out / "results.csv")
    assert set(results["dataset"]) == {"ERA", "tae"}
    assert results.groupby(["dataset", "method"]).size().eq(2).all()
    assert results["mse"].ge(0).all() and results["accuracy"].between(0, 1).all()
    assert (out / "heatmap_ERA.png").is_file()


def test_wilcoxon_all_zero_differences():
    assert wilcoxon_p([0.0, 0.0, 0.0]) == (1.0, "all differences zero")
    p, note = wilcoxon_p([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    assert note == "" and p == pytest.approx(2 / 2**6)  # exact two-sided, all positive


def test_t_interval():
    mean, half = t_interval([1.0, 2.0, 3.0])
    assert mean == 2.0 and half == pytest.approx(4.302653 / np.sqrt(3), rel=1e-6)
    assert np.isnan(t_interval([1.0])[1])


def test_corn_probabilities_are_distributions():
    proba = corn_probabilities(torch.randn(7, 4))
    assert proba.shape == (7, 5)
    assert torch.allclose(proba.sum(dim=1), torch.ones(7))
    assert (proba >= 0).all()


def test_atomic_cache_roundtrip(tmp_path):
    path = tmp_path / "a" / "b.json"
    write_atomic(path, {"x": 1})
    assert read_cached(path) == {"x": 1}
    assert read_cached(tmp_path / "missing.json") is None
    assert [p.name for p in path.parent.iterdir()] == ["b.json"]  # no temporary left over


def test_every_loss_of_the_family_is_an_opt_in_method():
    from sk_ordinal_kl.benchmark import ALL_METHODS, LOSS_METHODS, METHODS, Protocol
    from sk_ordinal_kl.losses import LOSSES, MinMaxLoss
    from sk_ordinal_kl.modules import MinMaxMLP

    assert set(LOSS_METHODS) == {f"loss_{name}" for name in LOSSES}
    assert not set(LOSS_METHODS) & set(METHODS)  # the default run stays as documented
    assert set(ALL_METHODS) == set(METHODS) | set(LOSS_METHODS)
    for name, criterion in LOSSES.items():
        clf = LOSS_METHODS[f"loss_{name}"].build(Protocol(), [0, 1, 2], 0).named_steps["clf"]
        assert clf.criterion is criterion
    min_max = LOSS_METHODS["loss_min_max"].build(Protocol(), [0, 1, 2], 0).named_steps["clf"]
    assert min_max.module is MinMaxMLP and min_max.criterion is MinMaxLoss


def test_corn_method_predicts_distributions_over_all_classes():
    from sk_ordinal_kl.benchmark import METHODS, Protocol
    from sk_ordinal_kl.datasets import make_ordinal_classification

    X, y = make_ordinal_classification(n_samples=120, n_classes=4, random_state=0)
    build = METHODS["corn"].build
    model = build(Protocol(max_epochs=3), classes=[0, 1, 2, 3], seed=0).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (120, 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
